"""MkDocs hook: publish the notebooks in the top-level ``notebooks/`` folder as pages.

The notebooks live beside the code (the test suite runs them from there, and their setup cells
read ``../scenarios``), not under ``docs/``. This hook adds each one to the site's files as
``notebooks/NAME.ipynb`` with its real path on disk, before mkdocs-jupyter turns ``.ipynb`` files
into pages; mkdocs-jupyter then executes it in its own folder, as Jupyter would.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[2]
EMPTY_MATHJAX = '<script src=""> </script>'


@event_priority(100)  # before mkdocs-jupyter's on_files (default priority 0) sees the files
def on_files(files: Files, config: MkDocsConfig) -> Files:
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        files.append(
            File(
                f"notebooks/{path.name}",
                src_dir=str(ROOT),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
        )
    return files


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Drop the MathJax loader of notebook pages: its URL is empty (mkdocs-jupyter's default) and
    the notebooks have no maths; an empty ``src`` only makes the browser log an error."""
    if page.file.src_uri.startswith("notebooks/"):
        return output.replace(EMPTY_MATHJAX, "")
    return output
