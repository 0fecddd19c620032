"""Issue 11: viz's boolean flags take only True/False (not "no", 1 or None), a TypeError naming the
function and the argument; numeric arguments (digits, tol, max_tries, max_seconds) are range-checked."""
from __future__ import annotations

import pytest

import viz
from engine import Value
from nn.mlp import MLP
from viz.app import cli
from viz.stepping.quiz import Quiz, run_quiz


def graph():
    x = Value(2.0, "x")
    y = x * 3.0
    y.backward()
    return y


def trained_mlp():
    mlp = MLP(2, [2, 1], seed=0)
    mlp([1.0, 2.0])[0].backward()
    return mlp


BAD_FLAGS = ["no", "yes", 1, 0, 1.0, [], "False"]


@pytest.mark.parametrize("bad", BAD_FLAGS)
@pytest.mark.parametrize("call, where", [
    (lambda b: viz.draw(graph(), show_grad=b), "draw: show_grad"),
    (lambda b: viz.draw(graph(), legend=b), "draw: legend"),
    (lambda b: viz.draw(graph(), hide_constants=b), "draw: hide_constants"),
    (lambda b: viz.draw_network(trained_mlp(), legend=b), "draw_network: legend"),
    (lambda b: viz.draw_network(trained_mlp(), show_grad=b), "draw_network: show_grad"),
    (lambda b: viz.draw_network(trained_mlp(), edge_labels=b), "draw_network: edge_labels"),
    (lambda b: viz.trace_backward(graph(), fresh=b), "trace_backward: fresh"),
    (lambda b: viz.explain_steps(graph(), fresh=b), "trace_backward: fresh"),
    (lambda b: Quiz(graph(), skip_constants=b), "Quiz: skip_constants"),
    (lambda b: cli.walk(viz.trace_backward(graph()), pause=b, write=lambda s: None), "walk: pause"),
    (lambda b: cli.walk(viz.trace_backward(graph()), latex=b, write=lambda s: None), "walk: latex"),
])
def test_viz_arguments_flags_accept_only_real_bools(call, where, bad):
    with pytest.raises(TypeError, match=f"{where} must be True or False"):
        call(bad)


@pytest.mark.parametrize("call, message", [
    (lambda: viz.mlp_worksheet(MLP(2, [1]), [1.0, 2.0], [1.0], digits=-1), "mlp_worksheet: digits must be an int from 0 to 12"),
    (lambda: viz.mlp_worksheet(MLP(2, [1]), [1.0, 2.0], [1.0], digits=13), "mlp_worksheet: digits must be an int from 0 to 12"),
    (lambda: viz.mlp_worksheet(MLP(2, [1]), [1.0, 2.0], [1.0], digits="4"), "mlp_worksheet: digits must be an int"),
    (lambda: viz.Worksheet(MLP(2, [1]), [1.0, 2.0], [1.0], digits=2.5), "Worksheet: digits must be an int"),
    (lambda: Quiz(graph(), digits=-1), "Quiz: digits must be an int from 0 to 12"),
    (lambda: run_quiz(Quiz(graph()), max_tries=0), "run_quiz: max_tries must be an int of at least 1"),
    (lambda: run_quiz(Quiz(graph()), max_tries=True), "run_quiz: max_tries must be an int"),
    (lambda: viz.save_frames(graph(), "unused", max_seconds=float("inf")), "save_frames: max_seconds must be"),
    (lambda: viz.frame_svgs(graph(), max_seconds="10"), "frame_svgs: max_seconds must be a number"),
    (lambda: viz.frame(graph(), 0, title=5), "frame: title must be True, False or a str"),
])
def test_viz_arguments_numbers_checked_naming_function_and_argument(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


def test_viz_arguments_real_bools_still_work():
    assert "grad 3" not in viz.draw(graph(), show_grad=False, legend=False, hide_constants=True).source
    assert "grad 3" in viz.draw(graph(), show_grad=True).source  # ∂(3x)/∂x = 3
    assert len(viz.explain_steps(graph(), fresh=False)) == 2
