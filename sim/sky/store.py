"""Computed window openings kept on disk, so that the next process does not compute them again.

The geometry of a window (where the Moon, the Sun and the stations are) does not change between
runs, yet every ``lunarsim`` process used to compute its tables afresh: about 0.15-0.2 s of the
0.6 s of ``lunarsim run change5``, and as much in each Dask worker of a sweep. This store keeps
each computed table (a ``(k, 2)`` float64 array of openings) in a small ``.npy`` file named by a
sha256 of:

- what the caller says the table depends on (``key``: window type and parameters, site, block of
  absolute time or epoch and span: everything ``compute`` reads),
- the ephemeris file (``Ephemeris.identity``: name and size),
- the source of ``sim/sky`` and ``sim/timebase.py`` and the versions of numpy, skyfield and
  jplephem: a change to the code or the libraries that compute a table is a different file, so a
  stale table is never read.

A table read back is the same float64 bits that were computed (``np.save``/``np.load``), so runs
give identical results with the store, without it, or with a store another process filled.

Where: ``$LUNARSIM_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/lunarsim`` or ``~/.cache/lunarsim``
(tables under ``windows/``). ``LUNARSIM_CACHE_DIR=off`` turns the store off (the test suite does);
deleting the folder is always safe, and the store deletes its least recently used tables beyond
``MAX_FILES``. Files are written atomically (a temporary file, then
``os.replace``), so processes may share the folder. Any problem reading or writing (no such
folder, no permission, a damaged file) only means the table is computed: the store never fails a
run.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import tempfile
from pathlib import Path

import numpy as np

from sim.sky.search import FloatArray

ENV = "LUNARSIM_CACHE_DIR"
OFF = "off"
MAX_FILES = 20_000
"""Tables kept at most (~80 MB on a file system of 4 kB blocks; a table is under 4 kB): when a
save finds more, the least recently used are deleted down to ``KEEP_FRACTION`` of this. A
sweep over thousands of launch dates stores each date's daylight tables; this keeps the folder
bounded."""
KEEP_FRACTION = 0.8
CHECK_ONE_SAVE_IN = 64
"""The file count is checked by one save in this many (chosen by the file's hash, so short
processes check too, without a scan of the folder at every save)."""
stats = {"loaded": 0, "saved": 0}
"""Tables read from and written to disk since start (tests and benchmarks read these)."""


def folder() -> Path | None:
    """The folder of the window tables, or None when the store is off."""
    given = os.environ.get(ENV)
    if given is not None:
        if given.strip().lower() in (OFF, ""):
            return None
        return Path(given).expanduser() / "windows"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "lunarsim" / "windows"


@functools.cache
def _code_digest() -> str:
    """sha256 of the code and library versions a table depends on (read once per process)."""
    import jplephem
    import skyfield

    h = hashlib.sha256()
    for lib in (np, skyfield, jplephem):
        h.update(f"{lib.__name__}={getattr(lib, '__version__', '?')};".encode())
    here = Path(__file__).resolve().parent  # sim/sky
    for path in (*sorted(here.rglob("*.py")), here.parent / "timebase.py"):
        h.update(path.relative_to(here.parent).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _path(key: str) -> Path | None:
    where = folder()
    if where is None:
        return None
    name = hashlib.sha256(f"{_code_digest()}\n{key}".encode()).hexdigest()[:40]
    return where / name[:2] / f"{name}.npy"


def stable_key(*parts: object) -> str | None:
    """``repr`` of ``parts`` if it names only values (no object addresses), else None: such a key
    could differ between processes, so its tables are not stored."""
    text = repr(parts)
    return None if " at 0x" in text else text


def exists(key: str | None) -> bool:
    """Whether a table is stored under ``key`` (it may still prove unreadable: ``load`` says)."""
    path = _path(key) if key is not None else None
    return path is not None and path.is_file()


def load(key: str | None) -> FloatArray | None:
    """The stored table of ``key``, or None (store off, not stored yet, unreadable)."""
    path = _path(key) if key is not None else None
    if path is None:
        return None
    try:
        data = path.read_bytes()
        iv = np.load(io.BytesIO(data), allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if iv.dtype != np.float64 or iv.ndim != 2 or iv.shape[1] != 2:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used now: pruning deletes the least recently used first
    stats["loaded"] += 1
    return iv


def save(key: str | None, iv: FloatArray) -> None:
    """Store ``iv`` under ``key`` atomically; silently nothing if that cannot be done."""
    path = _path(key) if key is not None else None
    if path is None:
        return
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(iv, dtype=np.float64), allow_pickle=False)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(buf.getvalue())
        os.replace(tmp, path)
        tmp = None
        stats["saved"] += 1
        if int(path.stem[:8], 16) % CHECK_ONE_SAVE_IN == 0:
            prune(path.parent.parent)
    except OSError:
        pass  # a read-only or full disk: the table was computed, that is all
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def prune(where: Path, max_files: int = MAX_FILES) -> int:
    """Delete the least recently used tables under ``where`` when there are more than
    ``max_files``, down to ``KEEP_FRACTION`` of it; returns how many were deleted. Files that
    vanish meanwhile (another process pruning) are skipped."""
    found: list[tuple[float, str]] = []
    with contextlib.suppress(OSError):
        for sub in os.scandir(where):
            if sub.is_dir(follow_symlinks=False):
                with contextlib.suppress(OSError), os.scandir(sub.path) as files:
                    for f in files:
                        if f.name.endswith(".npy"):
                            with contextlib.suppress(OSError):
                                found.append((f.stat().st_mtime, f.path))
    if len(found) <= max_files:
        return 0
    found.sort()
    deleted = 0
    for _, path in found[: len(found) - int(max_files * KEEP_FRACTION)]:
        with contextlib.suppress(OSError):
            os.unlink(path)
            deleted += 1
    return deleted
