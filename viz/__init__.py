"""viz: diagrams of the forward and backward pass, rendered with or without system Graphviz.

    >>> from engine import Value
    >>> import viz
    >>> x, w, b = Value(1.0, "x"), Value(-2.0, "w"), Value(0.5, "b")
    >>> y = (x * w + b).tanh(); y.backward()
    >>> d = viz.draw(y)            # a graphviz.Digraph; shows as SVG in Jupyter
    >>> d.source.count(' id=e')    # one edge per (node, parent): x·w, +b, tanh
    5
    >>> svg = viz.to_svg(d)        # system dot if installed, else graphviz-pure
"""
from __future__ import annotations

from viz.backends import ENV_VAR, RENDERERS, Renderer, available_renderers, find_renderer
from viz.draw import DEFAULT_MAX_NODES, draw
from viz.errors import (
    GraphTooLargeError,
    NotDrawableError,
    OutputPathError,
    RendererNotFoundError,
    RenderError,
    UnsupportedFormatError,
    VizError,
)
from viz.network import draw_network
from viz.render import Diagram, render_bytes, save, to_png, to_svg

# --- stepper exports ---
from viz.expr import ExpressionError, build_graph, parse_number
from viz.frames import frame, frame_svgs, save_animation, save_frames
from viz.player import StepPlayer, save_steps_html, step_through, steps_html
from viz.quiz import Feedback, Quiz, run_quiz, start_quiz
from viz.steps import BackwardTrace, StepRecord, explain_steps, explain_steps_latex, print_steps, trace_backward
from viz.worksheet import Worksheet, mlp_worksheet
