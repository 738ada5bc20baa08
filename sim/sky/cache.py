"""A cache of computed window openings, per window geometry and per block of absolute time.

Sweeps and what-ifs move the scenario epoch; a geometric window (a relay pass, a ground-station
pass, a launch or return opportunity) does not care where the epoch is, only which absolute
times are asked for. So openings are computed in fixed blocks of UTC time (``BLOCK_S`` long,
counted from 2000-01-01T00:00Z) and cached under ``(key, block)``, where ``key`` is everything
the geometry depends on (window type and parameters, site): a sweep over 90 launch dates with a
200-day horizon computes each block once instead of 90 times. Each ephemeris file has its own
cache, found by the file's identity (``Ephemeris.identity``: no need to load the ephemeris to
look), or for an ephemeris not read from a file by the object (a weak key: it goes with the
ephemeris); each is bounded to ``MAX_BLOCKS`` blocks, oldest dropped first, guarded by a lock.

A block's openings are clipped to the block, so an opening that spans a block edge comes back in
two pieces that touch at the edge; ``openings`` merges them.

Behind this cache, in memory, is ``sim.sky.store`` on disk: a block no process computed before is
computed and stored, one that another process (or an earlier run) computed is read back, with the
same bits.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np

from sim.sky import store
from sim.sky.search import FloatArray, union_intervals
from sim.timebase import DAY_S

if TYPE_CHECKING:
    from sim.sky.ephemeris import Ephemeris

BLOCK_S = 32.0 * DAY_S
MAX_BLOCKS = 4096
REFERENCE = datetime(2000, 1, 1, tzinfo=UTC)

Compute = Callable[[datetime, float, float], FloatArray]
"""``compute(reference, start_s, end_s)``: openings over the span, seconds since ``reference``."""

_lock = threading.Lock()
_Blocks = OrderedDict[tuple[Hashable, int], FloatArray]
_by_ephemeris: weakref.WeakKeyDictionary[Ephemeris, _Blocks] = weakref.WeakKeyDictionary()
_by_identity: dict[str, _Blocks] = {}
stats = {"computed": 0, "reused": 0, "loaded": 0}
"""Blocks computed, reused from memory and loaded from disk since start (tests and benchmarks
read these)."""


def _blocks_of(ephemeris: Callable[[], Ephemeris], identity: str | None) -> _Blocks:
    """The in-memory blocks of one ephemeris: by its file's identity when it has one (so the
    ephemeris need not be loaded to find them), else by the object (call under ``_lock``)."""
    if identity is not None:
        return _by_identity.setdefault(identity, OrderedDict())
    return _by_ephemeris.setdefault(ephemeris(), OrderedDict())


def _block(
    ephemeris: Callable[[], Ephemeris], identity: str | None, key: Hashable, k: int, compute: Compute
) -> FloatArray:
    with _lock:
        cache = _blocks_of(ephemeris, identity)
        hit = cache.get((key, k))
        if hit is not None:
            cache.move_to_end((key, k))
            stats["reused"] += 1
            return hit
    on_disk = store.stable_key("block", identity, BLOCK_S, key, k) if identity is not None else None
    iv = store.load(on_disk)
    computed = iv is None
    if iv is None:
        lo, hi = k * BLOCK_S, (k + 1) * BLOCK_S
        iv = np.asarray(compute(REFERENCE, lo, hi), dtype=np.float64).reshape(-1, 2)
        iv = np.column_stack([np.maximum(iv[:, 0], lo), np.minimum(iv[:, 1], hi)])
        iv = iv[iv[:, 1] > iv[:, 0]]
        store.save(on_disk, iv)
    iv.flags.writeable = False
    with _lock:
        cache[(key, k)] = iv
        stats["computed" if computed else "loaded"] += 1
        while len(cache) > MAX_BLOCKS:
            cache.popitem(last=False)
    return iv


def openings(
    ephemeris: Callable[[], Ephemeris],
    identity: str | None,
    key: Hashable,
    compute: Compute,
    epoch: datetime,
    start_s: float,
    end_s: float,
) -> FloatArray:
    """Openings over ``[start_s, end_s]`` seconds since ``epoch``, computed (or reused) per block.

    ``ephemeris()`` gives the ephemeris (``compute`` calls it when a block must be computed) and
    ``identity`` its file's identity (``Ephemeris.identity``; None: the blocks are kept per
    ephemeris object, which is then loaded, and not stored on disk)."""
    offset_s = (epoch.astimezone(UTC) - REFERENCE).total_seconds()
    first = math.floor((offset_s + start_s) / BLOCK_S)
    last = math.floor((offset_s + end_s) / BLOCK_S)
    parts = [_block(ephemeris, identity, key, k, compute) for k in range(first, last + 1)]
    iv = union_intervals(parts) - offset_s
    iv = np.column_stack([np.maximum(iv[:, 0], start_s), np.minimum(iv[:, 1], end_s)]).reshape(-1, 2)
    return iv[iv[:, 1] > iv[:, 0]]


def clear() -> None:
    """Forget every cached block (tests)."""
    with _lock:
        _by_ephemeris.clear()
        _by_identity.clear()
        stats["computed"] = stats["reused"] = stats["loaded"] = 0
