"""A self-contained HTML player for the backward pass: one file, no network, no widget server.

`save_steps_html(root, path)` writes it; `step_through(root)` shows it inline in a notebook
(HTML output in an iframe, so JupyterLab, classic Notebook and VS Code all run it and several
players on one page do not clash). The graph is drawn once by viz.draw (see viz.player_graph); each
step is a small record the page's script applies to it: highlighted edge, complete/pending nodes,
grad texts, signals shown. An SVG of unknown structure falls back to one full SVG per step.
"""
from __future__ import annotations

import html
import json
import math
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any, Union

from engine import Value
from viz.diagrams import style
from viz.errors import OutputPathError
from viz.stepping import bounds
from viz.stepping.frames import as_trace, frame_svgs
from viz.stepping.player_graph import FIXED_OPTIONS, graph_data
from viz.stepping.steps import BackwardTrace, fmt_number, partial

PathLike = Union[str, "os.PathLike[str]"]
MAX_STEPS = bounds.MAX_STEPS  # one step per edge; checked from the counts before tracing (viz.stepping.bounds)
MAX_FRAME_STEPS = 400  # the fallback embeds one SVG per step: beyond this the file gets unwieldy
_RAW_CONTROL = re.compile("[\x7f-\x9f]")
QUIZ_TOL = 1e-3  # the player's quiz accepts |answer − expected| ≤ QUIZ_TOL · max(1, |expected|)


def _template() -> str:
    return resources.files("viz.stepping").joinpath("player.html").read_text(encoding="utf-8")


def player_data(trace: BackwardTrace, mistake: str | None = None, **draw_options: Any) -> dict[str, Any]:
    """Everything the player's script reads: names, start state, steps, and the graph drawn once
    (with the texts each step puts into it) or, for an SVG of unknown structure, one SVG per position.
    With `mistake` (a graph-level name in viz.MISTAKES), also that mistake's pass beside the right one."""
    n = len(trace)
    if n > MAX_STEPS:
        raise ValueError(
            f"steps_html: the backward pass has {n} steps, more than {MAX_STEPS}: too many to step "
            "through by hand; try one neuron or a smaller expression")
    for key in FIXED_OPTIONS:
        if key in draw_options:
            raise TypeError(f"steps_html: {key} is set by each step; do not pass it")
    graph = graph_data(trace, **draw_options)
    frames = None
    if graph is None:
        if n > MAX_FRAME_STEPS:
            raise ValueError(
                f"steps_html: this renderer's SVG is not one the player can update step by step, and "
                f"{n} steps (more than {MAX_FRAME_STEPS}) are too many to embed as one picture each; "
                "use graphviz-pure (DELTAGRAD_RENDERER=graphviz-pure) or a smaller graph")
        frames = [_inline_svg(svg) for svg in frame_svgs(trace, title=False, **draw_options)]
    complete = [0 if k == len(trace.order) - 1 else n for k in range(len(trace.order))]
    terms = [0] * len(trace.order)
    steps = []
    L = trace.root_name
    for i, s in enumerate(trace.steps):
        terms[s.parent] = s.terms
        if s.parent_done:
            complete[s.parent] = i + 1
        steps.append({
            "node": s.node, "parent": s.parent, "position": s.position, "edge": f"e{s.node}_{s.position}",
            "grad": _json_number(s.parent_grad), "term": s.term, "terms": s.terms, "done": s.parent_done,
            "equation": trace.equation(i), "status": trace.status(i), "rule": trace.rule(i),
            "preface": trace.preface(i) or "", "latex": trace.latex(i), "text": trace.text(i),
            "contribution": _json_number(s.contribution), "question": _question(trace, i),
            "hint": f"{partial(L, trace.names[s.node])} = {trace.num(s.upstream)} and {trace.rule(i)}",
        })
    return {
        "root": trace.root_name, "rootLatex": trace.latex_names[-1], "digits": trace.digits,
        "names": trace.names, "data": [fmt_number(v.data, trace.digits) for v in trace.order],
        "initial": [_json_number(g) for g in trace.initial], "complete": complete, "terms": terms, "steps": steps,
        "start": trace.start_text(), "naming": _naming(trace),
        "forward": _forward_lines(trace), "graph": graph, "frames": frames, "tol": QUIZ_TOL,
        "mistake": _mistake_block(trace, mistake),  # misconception lab (viz/lab/player.py)
    }


def _mistake_block(trace: BackwardTrace, mistake: str | None) -> dict[str, Any] | None:
    """The misconception lab's data for the page, or None without a mistake."""
    if mistake is None:
        return None
    from viz.lab.player import mistake_data

    return mistake_data(trace, mistake)


def _forward_lines(trace: BackwardTrace) -> list[str]:
    """The forward pass step by step (viz.training.forward), in the trace's names: formula, numbers, value."""
    from viz.training.forward import trace_forward

    forward = trace_forward(trace.root, digits=trace.digits, pretty=False)
    return [f"{i + 1}. {forward.text(i)}" for i in range(len(forward))]


MAX_NAMES_LISTED = 40  # a big graph's generated names are summarised, not listed


def _naming(trace: BackwardTrace) -> str:
    """The naming note, with a long list of generated names cut short."""
    if len(trace.generated) <= MAX_NAMES_LISTED:
        return trace.naming_note() or ""
    shown = ", ".join(trace.names[k] for k in sorted(trace.generated)[:12])
    return ("Unlabeled nodes are named by their position in topological order (t = a computed value, "
            f"c = a constant; an unlabeled root is L): {shown}, … ({len(trace.generated)} in all)")


def _question(trace: BackwardTrace, i: int) -> str:
    """The quiz question for steps[i]: its chain-rule product with the result hidden."""
    s, L = trace.steps[i], trace.root_name
    n, p = trace.names[s.node], trace.names[s.parent]
    return f"{partial(L, p)} += {partial(L, n)} · {partial(n, p)} = ?"


def _json_number(x: float) -> float | str:
    """Finite floats as they are; inf and nan as text (JSON has no such numbers)."""
    return x if math.isfinite(x) else str(x)


def _inline_svg(svg: str) -> str:
    """An SVG document as an element for innerHTML: no XML prolog, DOCTYPE or comments."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def steps_html(root: Value | BackwardTrace, *, title: str | None = None, digits: int = 4,
               mistake: str | None = None, **draw_options: Any) -> str:
    """The player as one HTML document (inline CSS, JS, data and SVGs: works offline).
    mistake="overwrite" (any graph-level name in viz.MISTAKES) shows that wrong pass beside the right one."""
    bounds.check_steps(root, "steps_html", MAX_STEPS)
    if mistake is not None:  # checked before the graph is drawn: an unknown name fails fast
        from viz.lab.compare import get_mistake

        get_mistake(mistake, "graph", "steps_html")
    trace = as_trace(root, digits)
    data = json.dumps(player_data(trace, mistake, **draw_options), ensure_ascii=False, allow_nan=False)
    data = data.replace("</", "<\\/").replace("<!--", "\\u003c!--")  # cannot end the <script>
    data = _RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", data)  # json leaves DEL and C1 raw
    if title is not None and not isinstance(title, str):
        raise TypeError(f"steps_html: title must be a str, got {type(title).__name__} {title!r:.60}")
    name = style.visible(title) if title is not None else trace.root_name
    fill = {"TITLE": html.escape(name), "DATA": data, "MUTED": style.MUTED, "HIGHLIGHT": style.HIGHLIGHT}
    return re.sub(r"\{\{([A-Z]+)\}\}", lambda m: fill[m.group(1)], _template())  # one pass: no re-expansion


def save_steps_html(root: Value | BackwardTrace, path: PathLike, *, title: str | None = None,
                    digits: int = 4, mistake: str | None = None, **draw_options: Any) -> Path:
    """Write the step-through player for root's backward pass to `path` (one .html file);
    with mistake="overwrite" (a graph-level name in viz.MISTAKES) beside that wrong pass."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"save_steps_html: path must be a str or os.PathLike, got {type(path).__name__} {path!r:.60}")
    target = Path(path)
    bounds.check_steps(root, "save_steps_html", MAX_STEPS)
    document = steps_html(root, title=title, digits=digits, mistake=mistake, **draw_options)
    if target.is_dir():
        raise OutputPathError(f"save_steps_html: {str(target)!r} is a directory; give a file name like steps.html")
    try:
        target.write_text(document, encoding="utf-8")
    except OSError as e:
        raise OutputPathError(f"save_steps_html: cannot write {str(target)!r}: {e.strerror or e}") from None
    return target


class StepPlayer:
    """The player as a notebook output: displays itself as HTML (an iframe holding the page)."""

    def __init__(self, document: str, height: int = 720) -> None:
        self.document = document
        self.height = height

    def __repr__(self) -> str:  # outside a notebook there is no HTML display: say what to do
        return f"StepPlayer({len(self.document):,} characters of HTML; shown in notebooks, or .save('steps.html'))"

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.document, quote=True)}" style="width:100%;'
                f'height:{self.height}px;border:1px solid #ddd;border-radius:6px;resize:vertical" '
                'sandbox="allow-scripts" title="deltagrad step player"></iframe>')

    def save(self, path: PathLike) -> Path:
        """Write the page to an .html file."""
        target = Path(path)
        try:
            target.write_text(self.document, encoding="utf-8")
        except OSError as e:
            raise OutputPathError(f"StepPlayer.save: cannot write {str(target)!r}: {e.strerror or e}") from None
        return target


def step_through(root: Value | BackwardTrace, *, title: str | None = None, digits: int = 4,
                 height: int = 720, mistake: str | None = None, **draw_options: Any) -> StepPlayer:
    """Show the step player inline in a notebook (the last expression of a cell displays it)."""
    if isinstance(height, bool) or not isinstance(height, int) or height < 200:
        raise ValueError(f"step_through: height must be an int of at least 200 (pixels), got {height!r}")
    return StepPlayer(steps_html(root, title=title, digits=digits, mistake=mistake, **draw_options), height)
