"""A chart command imports matplotlib without building the artists' ``set()`` docstrings
(``sim.cli._mpl_startup``, issue 16: ``gantt change5`` latency), and leaves matplotlib as it found it:
``kwdoc`` restored, signatures complete, docstring fragments built later in full. Each check runs in
a fresh interpreter, since this test process has imported pyplot already."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import matplotlib.artist as artist
original = artist.kwdoc
from sim.cli._mpl_startup import import_pyplot
import_pyplot()
import inspect, sys
import matplotlib.patches as patches
from matplotlib import _docstring
assert artist.kwdoc is original, "kwdoc not restored"
assert "matplotlib.pyplot" in sys.modules and "matplotlib.backends.backend_agg" in sys.modules
# the stand-in was in place: classes defined during the import have no property list
assert "Properties" not in patches.Rectangle.set.__doc__
# the signature of set() does not come from kwdoc: still every property
params = inspect.signature(patches.Rectangle.set).parameters
assert {"width", "height", "facecolor", "hatch", "linewidth"} <= set(params), sorted(params)
# fragments cached empty were dropped: built in full on the next use
assert not any(k.endswith(":kwdoc") for k in _docstring.interpd.params)
assert "facecolor" in _docstring.interpd.params["Patch:kwdoc"]
# a class defined afterwards gets its full set() docstring
class Later(patches.Rectangle):
    pass
assert "facecolor" in Later.set.__doc__, Later.set.__doc__
print("ok")
"""


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_import_skips_docstrings_and_restores_matplotlib() -> None:
    assert _run(CHECK).strip() == "ok"


def test_import_after_pyplot_changes_nothing() -> None:
    code = (
        "import matplotlib.pyplot, matplotlib.patches as p\n"
        "from sim.cli._mpl_startup import import_pyplot\n"
        "import_pyplot()\n"
        "assert 'facecolor' in p.Rectangle.set.__doc__\n"
        "print('ok')\n"
    )
    assert _run(code).strip() == "ok"
