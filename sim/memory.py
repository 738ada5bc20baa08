"""Large, short-lived numpy arrays on ordinary pages, without numpy's huge-page advice.

numpy asks Linux for transparent huge pages (``madvise(MADV_HUGEPAGE)``) for every array of
4 MiB or more. Where the kernel then compacts memory to find huge pages on the first touch
(``/sys/kernel/mm/transparent_hugepage/defrag`` = ``madvise``, common on virtual machines), that
first touch can cost more than the arithmetic: on the 2-core VM of ``benchmarks/RESULTS.md``,
filling a fresh 196 MB array (one Monte Carlo block of a 3,000-phase scenario: 8,192 x 3,000
float64) took 0.04-0.79 s with numpy's advice, depending on how fragmented the machine's memory
was, and a steady 0.11-0.13 s on ordinary pages (``np.frombuffer`` over an anonymous
``mmap``, which carries no advice). Above glibc's largest dynamic mmap threshold (32 MiB on
64-bit) every allocation is a fresh mapping anyway, so nothing is lost there by mapping it
ourselves; below it glibc reuses freed heap memory and numpy's allocator is left alone.

numpy's own process-wide switch (``NUMPY_MADVISE_HUGEPAGE=0``) is left to the user; this module
only changes where the arrays it allocates live. The array owns its mapping: the pages are
returned to the system as soon as the last view of the array is gone.
"""

from __future__ import annotations

import mmap

import numpy as np

FRESH_MAPPING_BYTES = 32 << 20
"""Arrays of at least this many bytes get their own mapping (glibc's ``DEFAULT_MMAP_THRESHOLD_MAX``
on 64-bit: larger allocations are never served from reused heap memory)."""


def empty(shape: tuple[int, ...], dtype: type | np.dtype = np.float64) -> np.ndarray:
    """``np.empty(shape, dtype)`` in C order; on its own anonymous mapping (ordinary pages, no
    huge-page advice) when it holds ``FRESH_MAPPING_BYTES`` or more."""
    dt = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
    if nbytes < FRESH_MAPPING_BYTES:
        return np.empty(shape, dtype=dt)
    return np.frombuffer(mmap.mmap(-1, nbytes), dtype=dt).reshape(shape)
