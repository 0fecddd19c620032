"""The sheets: one blank per blank name in each format, the key to four significant digits, and the
printable HTML and the LaTeX well-formed (balanced tags, braces and environments)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from viz.exercises.generate import make_exercise
from viz.exercises.sheets import exercise_files


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.blank_cells = 0
        self.codes: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if tag not in ("meta", "br"):
            self.stack.append(tag)
        if tag == "td" and ("class", "blank") in attrs:
            self.blank_cells += 1
        self._in_code = tag == "code"

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        assert self.stack and self.stack[-1] == tag, (self.stack[-3:], tag)
        self.stack.pop()
        self._in_code = False

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._in_code:
            self.codes.append(data)


@pytest.mark.parametrize("kind, notation", [("expression", "000"), ("network", "000"), ("network", "001"),
                                            ("network", "002"), ("network", "003"), ("network", "004")])
def test_every_format_has_every_blank(kind: str, notation: str) -> None:
    ex = make_exercise(kind, 21, notation)
    files = exercise_files(ex)
    parser = _Cells()
    parser.feed(files["sheet.html"])
    parser.close()
    assert parser.stack == [] and parser.blank_cells == len(ex.blanks)
    assert parser.codes == ex.blanks
    md = files["sheet.md"]
    assert all(f"`{b}`" in md for b in ex.blanks)
    tex = files["sheet.tex"]
    assert tex.isascii()  # pdflatex without unicode packages reads it
    assert tex.count(r"\underline{\hspace{3.5cm}}") == len(ex.blanks)
    body = re.sub(r"\\[{}]", "", tex)
    assert body.count("{") == body.count("}")
    depth = []
    for kind, env in re.findall(r"\\(begin|end)\{(\w+)\}", tex):  # environments nest and close
        if kind == "begin":
            depth.append(env)
        else:
            assert depth.pop() == env
    assert depth == []
    for b in ex.blanks:  # the name to type, escaped for LaTeX, in \texttt
        assert r"\texttt{" + b.replace("_", r"\_").replace("^", r"\^{}") + "}" in tex


def test_key_md_has_four_significant_digits_of_the_exact_key() -> None:
    ex = make_exercise("network", 8)
    md = exercise_files(ex)["key.md"]
    for b in ex.blanks:
        row = next(line for line in md.splitlines() if f"`{b}`" in line)
        shown = row.rstrip(" |").rsplit("|", 1)[1].strip()
        assert float(shown) == pytest.approx(ex.key[b], rel=5e-4, abs=1e-12)
        assert len(shown.lstrip("-0.").replace(".", "").split("e")[0]) <= 4
