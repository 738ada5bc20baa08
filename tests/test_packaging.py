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


def test_version_is_written_once_and_read_from_metadata() -> None:
    """pyproject.toml holds the only version string; sim.__version__ and --version read the installed metadata."""
    from importlib.metadata import version

    import sim
    from tests.conftest import run_cli

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert sim.__version__ == version("lunar-timeline") == declared
    res = run_cli("--version")
    assert res.returncode == 0 and res.stdout.strip() == f"lunar-timeline {declared}"
    # no second copy of the version string in the package
    hits = [p for p in (ROOT / "sim").rglob("*.py") if f'"{declared}"' in p.read_text(encoding="utf-8")]
    assert hits == []


def test_typed_marker_and_license_ship() -> None:
    """py.typed (PEP 561) is in the package data; LICENSE exists and is named as the license file."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert (ROOT / "sim" / "py.typed").is_file()
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["sim"]
    assert "schemas/*.json" in config["tool"]["setuptools"]["package-data"]["sim.scenarios"]
    assert config["tool"]["setuptools"]["include-package-data"] is False  # the wheel ships only listed data
    assert config["project"]["license"] == "MIT"
    assert config["project"]["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_build_backend_floor_is_what_ci_builds_with() -> None:
    """`license = "MIT"` (PEP 639) is rejected by setuptools < 77 (checked: 76.1.0 fails, 77.0.1 builds);
    .ci/run builds the sdist with the first release the floor admits, so the floor is exercised."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["build-system"]["requires"] == ["setuptools>=77"]
    ci = ROOT / ".ci" / "run"
    if ci.exists():  # not in an sdist
        assert 'echo "setuptools==77.0.1"' in ci.read_text() and "--resolution lowest-direct" in ci.read_text()


def test_manifest_puts_tests_and_their_data_in_the_sdist() -> None:
    """MANIFEST.in grafts the folders the test suite reads (the sdist itself is built and tested in .ci/run)."""
    lines = (ROOT / "MANIFEST.in").read_text().splitlines()
    for folder in ("tests", "docs", "notebooks", "scenarios", "benchmarks"):
        assert f"graft {folder}" in lines
    # what the suite reads outside sim/ must be under a grafted folder
    assert (ROOT / "tests" / "golden").is_dir() and (ROOT / "tests" / "scenarios" / "invalid").is_dir()
