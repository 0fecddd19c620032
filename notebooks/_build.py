"""Build notebooks/*.ipynb from the percent-format sources in notebooks/src/ (no outputs).

    python notebooks/_build.py          # rewrite every notebook from its source
    python notebooks/_build.py --check  # exit 1 if a stored notebook differs from its source

A source is plain Python: `# %% [markdown]` starts a prose cell (each line `# text`), `# %%` a code
cell. Editing the .py and rebuilding keeps the notebooks reviewable and free of stale outputs.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
MARKDOWN, CODE = "# %% [markdown]", "# %%"


def parse_cells(text: str) -> list[tuple[str, str]]:
    """[(kind, source), ...] from percent-format text; kind is 'markdown' or 'code'."""
    cells: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        stripped = line.rstrip()
        if stripped == MARKDOWN:
            cells.append(("markdown", []))
        elif stripped == CODE:
            cells.append(("code", []))
        elif not cells:
            if stripped:
                raise ValueError(f"text before the first cell marker: {line!r}")
        elif cells[-1][0] == "markdown":
            if stripped and not stripped.startswith("#"):
                raise ValueError(f"markdown line not starting with '#': {line!r}")
            cells[-1][1].append(stripped[2:] if stripped.startswith("# ") else stripped[1:])
        else:
            cells[-1][1].append(line)
    return [(kind, "\n".join(lines).strip("\n")) for kind, lines in cells]


def build(source: Path) -> nbformat.NotebookNode:
    """The notebook for one source file, without outputs or execution counts."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for i, (kind, text) in enumerate(parse_cells(source.read_text(encoding="utf-8"))):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = make(text)
        cell.id = f"{source.stem[:2]}-{i:02d}"  # stable ids: rebuilding changes nothing
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def target(source: Path) -> Path:
    return HERE / f"{source.stem}.ipynb"


def render(source: Path) -> str:
    return nbformat.writes(build(source)) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for source in sorted(SOURCES.glob("[0-9]*.py")):
        text, path = render(source), target(source)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(HERE.parent)}")
    if stale:
        print("out of date (run python notebooks/_build.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
