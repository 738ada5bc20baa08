"""Writing output files atomically: a temp file in the target folder, then a rename.

An interrupted or failed write never leaves a half file at the target path: the temp file is
written, flushed to disk (``fsync``) and only then renamed over the target; on any failure or
signal it is removed. A target that exists and is not a regular file is never replaced: a
character device (``/dev/null``, a terminal, ``/dev/stdout`` when it is one) or a FIFO with a
reader is written in place, any other kind (a socket, a FIFO nobody reads) is refused. A
symbolic link to a regular file stays a link: its target is replaced.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.errors import InputError, RunError

PARQUET_EXTRA = "pip install 'lunar-timeline[parquet]'"


def write_atomic(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``path`` only if it succeeded.

    Raises:
        RunError: the path is empty, its folder is missing or unwritable, it names something
            that is not a file, or the write failed (a full disk); nothing is left behind.
    """
    if not str(path).strip():
        raise RunError("cannot write to an empty path; name a file")
    target = Path(path)
    try:
        info = os.stat(target)  # follows links: /dev/stdout -> /proc/self/fd/1 -> the real thing
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise RunError(f"cannot write {target}: {exc.strerror}; choose a writable path") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_in_place(target, info.st_mode, write)
        return target
    if target.is_symlink():
        target = Path(os.path.realpath(target))  # replace the file the link points to, keep the link
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise RunError(f"cannot write {target}: folder {folder} does not exist; create it or choose another path")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise RunError(f"cannot write {target}: {exc.strerror}; choose a writable path") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        _fsync(tmp_path)
        os.chmod(tmp_path, _file_mode(target))
        os.replace(tmp_path, target)
    except OSError as exc:
        raise RunError(f"cannot write {target}: {exc.strerror or exc}; choose a writable path") from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
    return target


def _fsync(path: Path) -> None:
    """Flush a written file's data to the disk, so the rename never exposes an empty file."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_in_place(target: Path, mode: int, write: Callable[[Path], None]) -> None:
    """Write to an existing special file (device, FIFO) without replacing it; refuse other kinds."""
    if stat.S_ISDIR(mode):
        raise RunError(f"cannot write {target}: it is a folder; name a file inside it")
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        raise RunError(f"cannot write {target}: it is not a regular file, a device or a FIFO; choose a file path")
    held = -1
    if stat.S_ISFIFO(mode):  # opening a FIFO for writing blocks until a reader comes: check first
        try:
            held = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            why = "nothing is reading the FIFO" if exc.errno == errno.ENXIO else exc.strerror
            raise RunError(f"cannot write {target}: {why}; start the reader first or choose a file") from None
        # Keep this writer end open until the write is done: a reader woken by the probe would
        # otherwise see end-of-file when it closed, leave, and the real open below would block forever.
    try:
        write(target)
    except OSError as exc:
        raise RunError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        if held >= 0:
            os.close(held)


def _file_mode(target: Path) -> int:
    """The mode a plain ``open()`` would give: the existing file's, or 0o666 less the umask."""
    if target.exists():
        return target.stat().st_mode & 0o777
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_text(path: str | Path, text: str) -> Path:
    """Write text (UTF-8) atomically."""

    def write(p: Path) -> None:
        p.write_text(text, encoding="utf-8")

    return write_atomic(path, write)


def write_json(path: str | Path, obj: Any) -> Path:
    """Write a JSON document atomically."""
    return write_text(path, json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def csv_text(rows: Iterable[Mapping[str, Any]]) -> str:
    """Rows (dicts with the same keys) as CSV text with a header line."""
    rows = list(rows)
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return buf.getvalue()


def write_csv(path: str | Path, rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write rows as CSV atomically."""
    return write_text(path, csv_text(rows))


def write_csv_rows(path: str | Path, rows: Iterable[Sequence[Any]]) -> Path:
    """Stream rows (lists; the first is the header) to a CSV file atomically."""

    def write(p: Path) -> None:
        with p.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)

    return write_atomic(path, write)


def check_parquet(option: str = "--parquet") -> None:
    """Raise ``InputError`` naming the install command when pyarrow (the ``parquet`` extra) is missing."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise InputError(f"{option}: writing Parquet needs pyarrow; install it with: {PARQUET_EXTRA}") from None


def write_parquet(
    path: str | Path,
    columns: Mapping[str, Any],
    metadata: Mapping[str, str] | None = None,
    categories: Mapping[str, Sequence[str]] | None = None,
) -> Path:
    """Write equal-length numpy columns as one Parquet table atomically (zstd-compressed).

    Float NaN becomes null; ``datetime64`` columns (naive, UTC) become UTC timestamps; a column
    named in ``categories`` holds integer codes into its labels and becomes a dictionary column;
    ``metadata`` goes into the file's key-value metadata. Needs pyarrow (the ``parquet`` extra).
    """
    categories = categories or {}
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = {}
    for name, values in columns.items():
        arr = np.asarray(values)
        if arr.dtype.kind == "M":
            arrays[name] = pa.array(arr, type=pa.timestamp("ms", tz="UTC"))
        elif name in categories:  # integer codes into a few labels: a dictionary column, no string per row
            arrays[name] = pa.DictionaryArray.from_arrays(arr.astype(np.int8), list(categories[name]))
        else:
            arrays[name] = pa.array(arr, from_pandas=arr.dtype.kind == "f")  # from_pandas: NaN -> null
    table = pa.table(arrays)
    if metadata:
        table = table.replace_schema_metadata(dict(metadata))

    def write(p: Path) -> None:
        pq.write_table(table, p, compression="zstd")

    return write_atomic(path, write)
