"""The sheet with blanks (Markdown, LaTeX, printable HTML) and the key (Markdown, JSON), and writing them.

One document model (headings, paragraphs, display math, tables) rendered three ways, so the three
sheets say the same thing. Nothing depends on time or on the machine: the same exercise gives the
same bytes. The key in key.md has four significant digits; key.json holds the exact floats.
"""
from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any, Union

from viz.exercises.errors import ExerciseError
from viz.exercises.generate import Exercise, expression_graph
from viz.exercises.notation import get_notation

PathLike = Union[str, "os.PathLike[str]"]
FILES = ("exercise.json", "sheet.md", "sheet.tex", "sheet.html", "key.md", "key.json")

_LOSS_TEX = {
    "squared_error": r"{C} = \tfrac12 \sum_j (y_j - {a}_j)^2",
    "binary_cross_entropy": r"{C} = -y \log {a} - (1 - y) \log(1 - {a})",
    "cross_entropy": r"{C} = -\log \mathrm{{softmax}}({a})_c,\ c = y",
}
_LOSS_SYMBOL = {"000": ("C", "a^L"), "004": (r"\lambda", "a^L"), "001": ("L", "a^{[L-1]}"),
                "002": ("L", "y^*"), "003": ("C_0", "z^L")}


def fmt(v: float) -> str:
    """A given number as typed on the sheet (shortest round-trip form, no -0)."""
    return repr(float(v) + 0.0)


def sig4(v: float) -> str:
    """Four significant digits, as in key.md."""
    s = format(float(v) + 0.0, ".4g")
    return "0" if s == "-0" else s


# ---------------------------------------------------------------------------- the document
def _document(ex: Exercise, key: bool) -> list[tuple]:
    title = f"{'Key' if key else 'Exercise'}: {ex.kind} exercise, seed {ex.seed}"
    blocks: list[tuple] = [("h1", title)]
    if ex.kind == "expression":
        blocks += _expression_blocks(ex)
    else:
        blocks += _network_blocks(ex)
    rows = [[("math", _blank_tex(ex, b)), ("code", b), ("num", sig4(ex.key[b])) if key else ("blank", "")]
            for b in ex.blanks]
    blocks.append(("h2", "Answers" if key else "Fill in"))
    blocks.append(("table", ["quantity", "name in the answers file", "value" if key else "your answer"], rows))
    if not key:
        blocks.append(("p", "Hand in a JSON file {\"<name>\": <number>, ...} or a CSV file of name,value rows, "
                            "with the names above. An answer counts when it is within 0.1% of the exact value "
                            "(absolute 0.001 for values below 1). A wrong number used consistently further on "
                            "counts as carried: the mistake is counted once."))
    return blocks


def _blank_tex(ex: Exercise, blank: str) -> str:
    if ex.kind == "network":
        return get_notation(ex.notation).tex(ex.quantity(blank), len(ex.problem["network"]["sizes"]))
    num, _, den = blank[1:].partition("/d")
    return rf"\partial {num}/\partial {_tex_name(den)}"


def _tex_name(name: str) -> str:
    m = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    return f"{m.group(1)}_{{{m.group(2)}}}" if m else name


def _expression_blocks(ex: Exercise) -> list[tuple]:
    root, trace = expression_graph(ex.problem["expression"], ex.problem["values"])
    values = ", ".join(f"{n} = {fmt(v)}" for n, v in ex.problem["values"].items())
    lines = trace.definitions()
    return [
        ("p", f"{trace.root_name} = {ex.problem['expression']}"),
        ("p", f"at {values}."),
        ("h2", "Forward pass (given)"),
        ("pre", "\n".join(lines)),
        ("p", f"∂{trace.root_name}/∂{trace.root_name} = 1 is given. Fill in the gradient of every other node "
              "(a variable used twice receives a contribution from each use)."),
    ]


def _network_blocks(ex: Exercise) -> list[tuple]:
    note = get_notation(ex.notation)
    net, example = ex.problem["network"], ex.problem["example"]
    sizes, L = net["sizes"], len(net["sizes"])
    blocks: list[tuple] = [("p", f"Notation of {note.summary}."), ("math", note.forward)]
    blocks.append(("p", f"Network {'-'.join(map(str, sizes))}: hidden activation {net['activation']}, output "
                        f"activation {net['output_activation']}; loss {ex.problem['loss']}."))
    if ex.problem["loss"] == "cross_entropy":
        blocks.append(("p", "The output layer is linear: its activation equals its pre-activation and σ' = 1 "
                            "there; the loss takes the softmax of the outputs."))
    elif ex.problem["loss"] == "binary_cross_entropy":
        blocks.append(("p", "The output is one sigmoid unit, the predicted probability that y = 1."))
    C, a = _LOSS_SYMBOL[ex.notation]
    blocks.append(("math", _LOSS_TEX[ex.problem["loss"]].format(C=C, a=a)))
    rows = []
    for l in range(2, L + 1):
        for j in range(1, sizes[l - 1] + 1):
            for k in range(1, sizes[l - 2] + 1):
                rows.append([("math", _param_tex(note.tex(("weight", l, j, k), L))),
                             ("num", fmt(net["weights"][l - 2][j - 1][k - 1]))])
            rows.append([("math", _param_tex(note.tex(("bias", l, j), L))), ("num", fmt(net["biases"][l - 2][j - 1]))])
    blocks.append(("h2", "Given"))
    xs = ", ".join(fmt(v) for v in example["x"])
    y = example["y"]
    ys = ", ".join(fmt(v) for v in y) if isinstance(y, list) else str(y)
    blocks.append(("p", f"Input x = ({xs}); target y = {'(' + ys + ')' if isinstance(y, list) else ys}"
                        f"{' (the class index, counted from 0)' if ex.problem['loss'] == 'cross_entropy' else ''}."))
    blocks.append(("table", ["parameter", "value"], rows))
    return blocks


def _param_tex(grad_tex: str) -> str:
    """The parameter's own label from its gradient's: \\partial C/\\partial w^{2}_{11} -> w^{2}_{11}."""
    return grad_tex.split(r"/\partial ", 1)[1]


# ---------------------------------------------------------------------------- renderers
def markdown(blocks: list[tuple]) -> str:
    out = []
    for b in blocks:
        if b[0] == "h1":
            out += [f"# {b[1]}", ""]
        elif b[0] == "h2":
            out += [f"## {b[1]}", ""]
        elif b[0] == "p":
            out += [b[1], ""]
        elif b[0] == "math":
            out += [f"$${b[1]}$$", ""]
        elif b[0] == "pre":
            out += ["```text", b[1], "```", ""]
        else:
            header, rows = b[1], b[2]
            out.append("| " + " | ".join(header) + " |")
            out.append("|" + "|".join("---" for _ in header) + "|")
            for row in rows:
                out.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
            out.append("")
    return "\n".join(out)


def _md_cell(cell: tuple) -> str:
    kind, text = cell
    if kind == "math":
        return f"${text}$"
    if kind == "code":
        return "`" + text.replace("|", "\\|") + "`"
    if kind == "blank":
        return "&nbsp;" * 12
    return text


def _tex_escape(text: str) -> str:
    repl = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "#": r"\#",
            "%": r"\%", "&": r"\&", "$": r"\$", "~": r"\~{}"}
    text = "".join(repl.get(c, c) for c in text)
    for u, t in (("∂", r"$\partial$"), ("σ", r"$\sigma$"), ("λ", r"$\lambda$"), ("δ", r"$\delta$"),
                 ("ᵀ", r"$^T$"), ("−", "-"), ("·", r"$\cdot$"), ("²", r"$^2$"), ("×", r"$\times$"),
                 ("…", r"\dots{}"), ("≥", r"$\geq$")):
        text = text.replace(u, t)
    return text


def latex(blocks: list[tuple]) -> str:
    out = [r"\documentclass[11pt]{article}", r"\usepackage[utf8]{inputenc}", r"\usepackage{amsmath}",
           r"\usepackage[margin=2cm]{geometry}", r"\begin{document}"]
    for b in blocks:
        if b[0] == "h1":
            out.append(r"\section*{" + _tex_escape(b[1]) + "}")
        elif b[0] == "h2":
            out.append(r"\subsection*{" + _tex_escape(b[1]) + "}")
        elif b[0] == "p":
            out += [_tex_escape(b[1]), ""]
        elif b[0] == "math":
            out.append(r"\[ " + b[1] + r" \]")
        elif b[0] == "pre":
            out += [r"\begin{verbatim}", _ascii(b[1]),
                    r"\end{verbatim}"]
        else:
            header, rows = b[1], b[2]
            out += [r"\begin{tabular}{" + "l" * len(header) + "}", r"\hline",
                    " & ".join(_tex_escape(h) for h in header) + r" \\", r"\hline"]
            for row in rows:
                out.append(" & ".join(_tex_cell(c) for c in row) + r" \\[4pt]")
            out += [r"\hline", r"\end{tabular}", ""]
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


def _ascii(text: str) -> str:
    """The forward pass's lines for a verbatim block (pdflatex's verbatim is ASCII)."""
    for u, t in (("−", "-"), ("·", "*"), ("²", "^2"), ("σ", "sigmoid"), ("∂", "d")):
        text = text.replace(u, t)
    return text


def _tex_cell(cell: tuple) -> str:
    kind, text = cell
    if kind == "math":
        return f"${text}$"
    if kind == "code":
        return r"\texttt{" + _tex_escape(text) + "}"
    if kind == "blank":
        return r"\underline{\hspace{3.5cm}}"
    return f"${text}$"


_TEX_SYMBOLS = ((r"\partial ", "∂"), (r"\partial", "∂"), (r"\sigma", "σ"), (r"\delta", "δ"), (r"\lambda", "λ"),
                (r"\sum_j ", "Σ<sub>j</sub> "), (r"\sum_k ", "Σ<sub>k</sub> "), (r"\tfrac12", "½"),
                (r"\log", "log"), (r"\mathrm{softmax}", "softmax"), (r"\mathcal{A}", "𝒜"), (r"\ ", " "),
                ("^T", "<sup>T</sup>"), ("^*", "*"), ("^2", "²"))


def tex_to_html(tex: str) -> str:
    """The sheets' small LaTeX (sub/superscripts in braces, a few symbols) as HTML."""
    s = html.escape(tex, quote=False)
    for t, h in _TEX_SYMBOLS:
        s = s.replace(t, h)
    for _ in range(3):
        s = re.sub(r"\^\{([^{}]*)\}", r"<sup>\1</sup>", s)
        s = re.sub(r"_\{([^{}]*)\}", r"<sub>\1</sub>", s)
        s = re.sub(r"\^([A-Za-z0-9])", r"<sup>\1</sup>", s)
        s = re.sub(r"_([A-Za-z0-9])", r"<sub>\1</sub>", s)
    return f'<span class="math">{s}</span>'


_CSS = """body { font-family: Georgia, serif; max-width: 48rem; margin: 2rem auto; color: #111; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 1.5rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border-bottom: 1px solid #999; padding: 0.35rem 0.8rem; text-align: left; }
td.blank { min-width: 10rem; } .math { font-style: italic; } pre { background: #f4f4f4; padding: 0.5rem; }
.display { margin: 0.5rem 0 0.5rem 2rem; }
@media print { body { margin: 0; max-width: none; } pre { background: none; } }"""


def html_page(blocks: list[tuple]) -> str:
    title = html.escape(blocks[0][1])
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">', f"<title>{title}</title>",
           f"<style>\n{_CSS}\n</style>", "</head>", "<body>"]
    for b in blocks:
        if b[0] in ("h1", "h2"):
            out.append(f"<{b[0]}>{html.escape(b[1])}</{b[0]}>")
        elif b[0] == "p":
            out.append(f"<p>{html.escape(b[1])}</p>")
        elif b[0] == "math":
            out.append(f'<p class="display">{tex_to_html(b[1])}</p>')
        elif b[0] == "pre":
            out.append(f"<pre>{html.escape(b[1])}</pre>")
        else:
            out.append("<table>")
            out.append("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in b[1]) + "</tr>")
            for row in b[2]:
                out.append("<tr>" + "".join(_html_cell(c) for c in row) + "</tr>")
            out.append("</table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _html_cell(cell: tuple) -> str:
    kind, text = cell
    if kind == "math":
        return f"<td>{tex_to_html(text)}</td>"
    if kind == "code":
        return f"<td><code>{html.escape(text)}</code></td>"
    if kind == "blank":
        return '<td class="blank"></td>'
    return f"<td>{html.escape(text)}</td>"


# ---------------------------------------------------------------------------- files
def dumps(data: Any) -> str:
    """JSON as written to every file: sorted keys, two-space indent, exact floats, a final newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def exercise_files(ex: Exercise) -> dict[str, str]:
    """File name → text of everything `deltagrad exercise` writes for one exercise."""
    sheet, key = _document(ex, key=False), _document(ex, key=True)
    key_json = json.dumps(ex.key_json(), indent=2, ensure_ascii=False) + "\n"  # sheet order, exercise first
    return {"exercise.json": dumps(ex.exercise_json()), "sheet.md": markdown(sheet), "sheet.tex": latex(sheet),
            "sheet.html": html_page(sheet), "key.md": markdown(key), "key.json": key_json}


def write_exercise(ex: Exercise, out: PathLike) -> list[Path]:
    """Write the six files of `ex` into the folder `out` (created if needed); the paths written."""
    folder = Path(out)
    files = exercise_files(ex)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, text in files.items():
            path = folder / name
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            paths.append(path)
    except OSError as e:
        raise ExerciseError(f"exercise: cannot write to {folder} ({e.strerror or e})") from None
    return paths
