"""Packaging: every subpackage and bundled scenario ships in the wheel."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def test_every_subpackage_is_listed() -> None:
    """Each folder of sim/ with an __init__.py is in [tool.setuptools] packages (else pip install . breaks)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "sim").rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml packages: {sorted(found - listed)}"
    assert "sim.scenarios" in listed
    assert config["tool"]["setuptools"]["package-dir"]["sim.scenarios"] == "scenarios"


def test_console_script_and_python_floor() -> None:
    """The lunarsim script points at sim.cli:main and Python >= 3.11 is required."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["project"]["scripts"]["lunarsim"] == "sim.cli:main"
    assert config["project"]["requires-python"] == ">=3.11"
    assert {"pytest", "hypothesis", "ruff"} <= {
        d.split(">")[0].split("=")[0] for d in config["project"]["optional-dependencies"]["test"]
    }
