"""The stored notebooks: no outputs, no execution counts, and in sync with notebooks/src/.

Running them top to bottom is nbmake's job (pytest collects notebooks/*.ipynb with --nbmake).
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
STORED = sorted(NOTEBOOKS.glob("*.ipynb"))
SOURCES = sorted((NOTEBOOKS / "src").glob("[0-9]*.py"))


def _builder():
    spec = importlib.util.spec_from_file_location("notebook_builder", NOTEBOOKS / "_build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_every_lecture_topic_has_a_notebook():
    numbers = sorted(p.name[:2] for p in STORED)
    assert len(numbers) >= 8 and numbers == [f"{i:02d}" for i in range(1, len(numbers) + 1)], numbers
    assert [p.stem for p in STORED] == [p.stem for p in SOURCES]


@pytest.mark.parametrize("path", STORED, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, f"{path.name} has no code cells"
    for cell in code:
        assert cell["outputs"] == [], f"{path.name}: stale output in cell {cell.get('id')}"
        assert cell["execution_count"] is None, f"{path.name}: execution count in cell {cell.get('id')}"


@pytest.mark.parametrize("path", STORED, ids=lambda p: p.name)
def test_notebook_starts_with_prose_and_ends_with_checks(path: Path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    last = "".join(cells[-1]["source"])
    assert cells[-1]["cell_type"] == "code" and last.count("assert ") >= 3, path.name


def _cells(nb: dict) -> list[tuple[str, str]]:
    return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_notebook_matches_its_source(source: Path):
    """Same cells, same text (compared as JSON, so another nbformat version's layout does not matter)."""
    stored = json.loads((NOTEBOOKS / f"{source.stem}.ipynb").read_text(encoding="utf-8"))
    built = json.loads(_builder().render(source))
    assert _cells(stored) == _cells(built), f"{source.stem}.ipynb is out of date: run python notebooks/_build.py"
    assert stored["metadata"]["kernelspec"]["name"] == "python3"


def test_builder_parses_cells():
    cells = _builder().parse_cells("# %% [markdown]\n# # Title\n#\n# text\n# %%\nx = 1\n\n# %%\ny = 2\n")
    assert cells == [("markdown", "# Title\n\ntext"), ("code", "x = 1"), ("code", "y = 2")]
