"""The scenarios shipped with the package (``scenarios/`` in a source checkout, ``sim.scenarios``
once installed), and the rule that lets a bundled id stand for its file."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def bundled_dir() -> Path:
    """The folder of scenarios shipped with the package (``scenarios/`` in a source checkout)."""
    try:
        return Path(str(resources.files("sim.scenarios")))
    except ModuleNotFoundError:  # running from a source tree that is not installed
        return Path(__file__).resolve().parents[2] / "scenarios"


def bundled_scenarios() -> list[Path]:
    """Bundled scenario files, sorted by name."""
    return sorted(bundled_dir().glob("*.yaml"))


def resolve(arg: str | Path) -> Path:
    """A scenario path as given, or a bundled scenario's id (``change5``) when no such file exists."""
    path = Path(arg)
    text = str(arg)
    if text == "-" or path.exists() or path.suffix in (".yaml", ".yml") or "/" in text or isinstance(arg, Path):
        return path
    candidate = bundled_dir() / f"{text}.yaml"
    return candidate if candidate.exists() else path
