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

from viz.diagrams.backends import ENV_VAR, RENDERERS, Renderer, available_renderers, find_renderer
from viz.diagrams.draw import DEFAULT_MAX_NODES, draw
from viz.diagrams.draw_dot import draw_dot
from viz.errors import (
    ArgumentTypeError,
    ArgumentValueError,
    GraphTooLargeError,
    NonFiniteGradientError,
    WorkTooLargeError,
    NotDrawableError,
    OutputPathError,
    RendererNotFoundError,
    RenderError,
    UnsupportedFormatError,
    VizError,
)
from viz.diagrams.network import draw_network
from viz.diagrams.render import Diagram, render_bytes, save, to_png, to_svg

# --- stepper exports ---
from viz.app.expr import ExpressionError, build_graph, parse_number
from viz.stepping.frames import frame, frame_svgs, save_animation, save_frames
from viz.stepping.player import StepPlayer, save_steps_html, step_through, steps_html
from viz.stepping.quiz import Feedback, Quiz, run_quiz, start_quiz
from viz.stepping.steps import BackwardTrace, StepRecord, explain_steps, explain_steps_latex, print_steps, trace_backward
from viz.stepping.worksheet import Worksheet, mlp_worksheet

# --- evaluation traces (forward primal, forward tangent, reverse adjoint) ---
from viz.traces.evaluation import EvaluationTrace, evaluation_trace

# --- misconception lab (viz/lab) ---
from viz.errors import LabError, LabTypeError
from viz.lab import MISTAKES, compare_backward, compare_network, diagnose, diagnose_network, perceptron_demo

# --- the flat names of before the subpackages: `import viz.steps`, `from viz.draw import draw` ---
# viz/ is grouped by concern (diagrams/, stepping/, app/); each module keeps its old dotted name
# as an alias of the same module object, so imports, monkeypatching and pickles that use it work.
import sys as _sys
from importlib import import_module as _import_module

_FLAT_NAMES = {
    "backends": "diagrams", "draw": "diagrams", "labels": "diagrams", "network": "diagrams",
    "render": "diagrams", "style": "diagrams",
    "steps": "stepping", "step_symbols": "stepping", "quiz": "stepping", "worksheet": "stepping",
    "frames": "stepping", "player": "stepping", "player_graph": "stepping",
    "cli": "app", "expr": "app", "tour": "app",
}
for _name, _group in _FLAT_NAMES.items():
    _module = _import_module(f"viz.{_group}.{_name}")
    _sys.modules.setdefault(f"viz.{_name}", _module)
    if _name not in globals():  # viz.draw stays the function, as it always was
        globals()[_name] = _module
del _name, _group, _module

# --- exercises for teachers (viz/exercises/) ---
from viz.exercises import (AnswersError, Exercise, ExerciseError, check_op, exercise_files, grade, make_exercise,
                           write_exercise)
# --- the training step, stepped (viz/training/) ---
from viz.errors import TrainingInputError
from viz.training.forward import ForwardQuiz, ForwardTrace, explain_forward, trace_forward
from viz.training.step import TrainingStep, training_step
from viz.training.update import BatchGradients, UpdateStep, UpdateTrace, batch_gradients, step_with_record
from viz.training.player import default_loss, save_training_html, training_html
