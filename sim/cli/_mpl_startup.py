"""matplotlib's start-up in a chart command, without the docstrings nobody reads there.

When matplotlib defines an ``Artist`` subclass (``Line2D``, ``Rectangle``, ``Axes``, ... about 100
of them while ``matplotlib.pyplot`` is imported), ``Artist.__init_subclass__`` writes the class's
``set()`` docstring: ``matplotlib.artist.kwdoc`` inspects every setter of the class and formats
its accepted values. Docstring templates (``%(Patch:kwdoc)s``) call it too. That is ~0.1 s of CPU
(measured: importing pyplot, dates and backend_agg costs 0.38-0.55 s, 0.28-0.41 s without it;
5 fresh processes each) that a ``lunarsim gantt`` process never uses: it draws a chart, saves it
and exits, and nobody calls ``help()`` in it.

So a chart command imports matplotlib's figure machinery here, first, with ``kwdoc`` replaced by
a function that returns an empty text, and puts it back afterwards. Only the CLI does this:
``sim.plots`` never does, so a notebook's ``help(line.set)`` is complete. With a matplotlib that
has no ``matplotlib.artist.kwdoc`` (or has imported pyplot already), this is a plain import.
"""

from __future__ import annotations

import sys

_EMPTY = ""


def import_pyplot() -> None:
    """Import ``matplotlib.pyplot``, ``matplotlib.dates`` and the Agg backend (what a saved chart
    needs) without building artists' ``set()`` docstrings; ``kwdoc`` is restored afterwards and
    docstring fragments cached empty meanwhile are dropped, so later ones are built in full."""
    if "matplotlib.pyplot" in sys.modules:
        return
    import matplotlib.artist as artist

    kwdoc = getattr(artist, "kwdoc", None)
    if not callable(kwdoc):  # another matplotlib: nothing to skip
        _import()
        return
    artist.kwdoc = _no_kwdoc
    try:
        _import()
    finally:
        artist.kwdoc = kwdoc
        _drop_cached_empty_kwdocs()


def _no_kwdoc(artist: object) -> str:
    """Stands in for ``matplotlib.artist.kwdoc`` during the import: no text."""
    return _EMPTY


def _import() -> None:
    import matplotlib.backends.backend_agg
    import matplotlib.dates
    import matplotlib.pyplot  # noqa: F401


def _drop_cached_empty_kwdocs() -> None:
    """``matplotlib._docstring`` caches each ``Class:kwdoc`` fragment it fills in; drop the ones
    filled with the empty stand-in (where that cache is a dict, as in matplotlib 3.8-3.11)."""
    from matplotlib import _docstring

    cache = getattr(getattr(_docstring, "interpd", None), "params", None)
    if isinstance(cache, dict):
        for key in [k for k, v in cache.items() if isinstance(k, str) and k.endswith(":kwdoc") and v == _EMPTY]:
            del cache[key]
