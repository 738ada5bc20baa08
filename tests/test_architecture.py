"""The house rules the import-linter cannot express.

- No module imports a private name (``_x``) from another module of ``sim``.
- Notebooks and the example scripts use only the public API: ``from sim import ...``.
- The engine names no command-line flag (its errors speak of arguments, the CLI of flags).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parent.parent
SIM = ROOT / "sim"


def _imports(tree: ast.AST) -> list[tuple[int, str, str]]:
    """(line, module, name) of every ``from sim... import name``, at any depth."""
    out = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and (node.module == "sim" or node.module.startswith("sim."))
        ):
            out += [(node.lineno, str(node.module), alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, alias.name, "") for alias in node.names if alias.name.startswith("sim")]
    return out


def test_no_private_name_crosses_modules() -> None:
    """``from sim.x import _y`` is an error: make ``_y`` public where it is defined, or keep it local."""
    bad = []
    for path in sorted(SIM.rglob("*.py")):
        for line, module, name in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if name.startswith("_") and not name.startswith("__"):
                bad.append(f"{path.relative_to(ROOT)}:{line}: from {module} import {name}")
    assert not bad, "\n".join(bad)


def _notebook_code(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


USERS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "scenarios" / "scripts").glob("*.py"))


@pytest.mark.parametrize("path", USERS, ids=[p.name for p in USERS])
def test_notebooks_and_scripts_use_the_public_api(path: Path) -> None:
    """Every ``sim`` import of a notebook or example script is ``from sim import ...`` of a name in ``sim.__all__``."""
    text = _notebook_code(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
    text = re.sub(r"^\s*[%!].*$", "", text, flags=re.M)  # notebook magics are not Python
    found = _imports(ast.parse(text))
    assert found, f"{path.name} imports nothing from sim (so this test checks nothing)"
    for line, module, name in found:
        assert module == "sim" and (not name or name in sim.__all__), f"{path.name}:{line}: {module} {name}"


def test_public_api_resolves() -> None:
    """Every name in ``sim.__all__`` resolves (the lazy table has no typo)."""
    for name in sim.__all__:
        assert getattr(sim, name) is not None, name


def test_engine_names_no_cli_flag() -> None:
    """Messages raised in ``sim/engine`` do not mention ``--flags``."""
    flag = re.compile(r"""["'][^"'\n]*(?<![\w-])(?<!dask scheduler )--[a-z][a-z-]+""")  # not Dask's own flags
    bad = [
        f"{p.relative_to(ROOT)}:{i}: {line.strip()}"
        for p in sorted((SIM / "engine").glob("*.py"))
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if flag.search(line) and not line.lstrip().startswith("#")
    ]
    assert not bad, "\n".join(bad)
