"""The documentation site (mkdocs.yml, docs/) cannot silently fall behind the code.

- Every public name in ``sim.__all__`` has a ``::: sim.NAME`` entry on an API reference page
  (docs/api/), on the page of the room that defines it, and the API index lists it beside that
  page; no page documents a name that is not public.
- mkdocs.yml's nav lists every page under docs/ and every notebook in notebooks/, and every nav
  entry exists (``mkdocs build --strict`` only reports pages missing from the nav as INFO).
- The site builds offline: the theme fetches no web fonts and no asset comes from a URL.

The build itself (``mkdocs build --strict``, which executes the notebooks) is .ci/run's job: it
takes minutes, too slow for the suite.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import sim

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
API = DOCS / "api"
MKDOCS_YML = ROOT / "mkdocs.yml"
# API page -> the rooms (module prefixes) whose public names it documents
PAGE_ROOMS = {
    "scenario": ("sim.scenario",),
    "engine": ("sim.engine",),
    "results": ("sim.results",),
    "study": ("sim.study",),
    "plots": ("sim.plots",),
    "report": ("sim.report",),
    "sky": ("sim.sky",),
    "kernel": ("sim.timebase", "sim.errors", "sim.fields", "sim.outputs"),
}
DIRECTIVE = re.compile(r"^::: sim\.(\w+)\s*$", re.MULTILINE)
# the version is a property of the installed distribution, described in prose on the API index
UNDOCUMENTED = {"__version__"}


class _Loader(yaml.SafeLoader):
    """mkdocs.yml may hold ``!!python/...`` tags (the toc slugify function); read them as None."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _mkdocs() -> dict[str, Any]:
    config = yaml.load(MKDOCS_YML.read_text(encoding="utf-8"), Loader=_Loader)  # a SafeLoader subclass
    assert isinstance(config, dict)
    return config


def _nav_paths(node: Any) -> list[str]:
    """Every page path in a mkdocs nav (strings, ``{title: path}`` and nested sections)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [p for item in node for p in _nav_paths(item)]
    if isinstance(node, dict):
        return [p for value in node.values() for p in _nav_paths(value)]
    return []


def _documented() -> dict[str, list[str]]:
    """API page stem -> the ``sim.NAME`` names its ``:::`` directives document, in page order."""
    return {page.stem: DIRECTIVE.findall(page.read_text(encoding="utf-8")) for page in sorted(API.glob("*.md"))}


def test_every_public_name_is_in_the_api_reference() -> None:
    documented = _documented()
    pages_of: dict[str, list[str]] = {}
    for page, names in documented.items():
        for name in names:
            pages_of.setdefault(name, []).append(page)
    public = set(sim.__all__) - UNDOCUMENTED
    missing = sorted(public - set(pages_of))
    assert not missing, f"public names missing from docs/api/*.md (add '::: sim.NAME' lines): {missing}"
    not_public = sorted(set(pages_of) - public)
    assert not not_public, f"docs/api/*.md documents names that are not in sim.__all__: {not_public}"
    twice = {name: pages for name, pages in pages_of.items() if len(pages) > 1}
    assert not twice, f"names documented on more than one page: {twice}"


def test_each_name_is_on_the_page_of_its_room() -> None:
    """One page per room: ``sim.simulate`` (sim.engine.des) belongs on api/engine.md."""
    assert set(_documented()) == {"index", *PAGE_ROOMS}
    wrong = []
    for page, names in _documented().items():
        if page == "index":
            assert names == [], "the API index documents the package only (::: sim), no single names"
            continue
        for name in names:
            module = sim._EXPORTS[name][0]  # the defining module (constants have no __module__)
            if not module.startswith(PAGE_ROOMS[page]):
                wrong.append(f"{name} ({module}) is on api/{page}.md")
    assert not wrong, wrong


def test_api_index_lists_each_page_with_its_names() -> None:
    """The table on docs/api/index.md names, per page, exactly what that page documents."""
    index = (API / "index.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| \[[^]]+\]\((\w+)\.md\) \| (.*) \|$", index, re.MULTILINE))
    documented = {page: names for page, names in _documented().items() if page != "index"}
    assert set(rows) == set(documented), "one table row per API page"
    for page, names in documented.items():
        assert re.findall(r"`(\w+)`", rows[page]) == names, f"the index row of api/{page}.md is stale"
    assert "::: sim\n" in index, "the index shows the package docstring (the pipeline)"


def test_nav_lists_every_page_and_notebook() -> None:
    config = _mkdocs()
    docs_dir = ROOT / config.get("docs_dir", "docs")
    nav = _nav_paths(config["nav"])
    pages = {p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md")}
    notebooks = {f"notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert len(notebooks) == 4
    orphans = sorted((pages | notebooks) - set(nav))
    assert not orphans, f"pages missing from mkdocs.yml's nav: {orphans}"
    dangling = sorted(set(nav) - pages - notebooks)
    assert not dangling, f"mkdocs.yml's nav lists files that do not exist: {dangling}"
    assert len(nav) == len(set(nav)), "a page is listed twice in the nav"
    for name in ("design.md", "scenario-format.md", "windows.md", "scaling.md"):
        assert name in nav  # the pages other docs and the README point to stay where they are


def test_site_is_built_offline_with_the_notebooks_executed() -> None:
    config = _mkdocs()
    assert config["theme"]["name"] == "material"
    assert config["theme"]["font"] is False, "material would fetch its fonts from a CDN"
    for key in ("extra_css", "extra_javascript"):
        for asset in config.get(key, []):
            assert not re.match(r"https?://", str(asset)), f"{key}: {asset} needs the network"
            assert (DOCS / str(asset)).is_file()
    plugins = {next(iter(p)) if isinstance(p, dict) else p: p for p in config["plugins"]}
    jupyter = plugins["mkdocs-jupyter"]["mkdocs-jupyter"]
    assert jupyter["execute"] is True and jupyter["allow_errors"] is False
    assert "mkdocstrings" in plugins
    # --strict fails on broken links and anchors, not only on missing pages
    assert config["validation"]["anchors"] == "warn"


@pytest.mark.parametrize("name", ["mkdocs", "mkdocs-material", "mkdocstrings", "mkdocstrings-python", "mkdocs-jupyter"])
def test_docs_extra_declares_what_mkdocs_yml_uses(name: str) -> None:
    import tomllib

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["docs"]
    assert any(re.match(rf"{re.escape(name)}(\[.*\])?>=", req) for req in extra), extra
