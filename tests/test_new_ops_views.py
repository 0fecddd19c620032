"""The views know the new ops: the stepper's text and LaTeX forms, the CLI's whitelist, the
diagrams' op tooltips, the quiz, and gradcheck's note when a mismatch sits on a kink."""
from __future__ import annotations

import math

import pytest

import viz
from engine import GradcheckError, Value, gradcheck, maximum, minimum
from viz.app.expr import ExpressionError, build_graph


def rule_for(root: Value, parent_label: str) -> tuple[str, str]:
    """The stepper's text rule and LaTeX line for the step into the leaf labelled parent_label."""
    trace = viz.trace_backward(root)
    i = next(k for k, s in enumerate(trace.steps) if trace.names[s.parent] == parent_label)
    return trace.rule(i), trace.latex(i)


@pytest.mark.parametrize("make, rule, latex", [
    (lambda x: x.sin(), "∂L/∂x = cos(x) = {c}, since L = sin(x)", r"= \cos(x)"),
    (lambda x: x.cos(), "∂L/∂x = −sin(x) = {ms}, since L = cos(x)", r"= -\sin(x)"),
    (lambda x: x.softplus(), "∂L/∂x = σ(x) = {sig}, since L = softplus(x)", r"= \sigma(x)"),
    (lambda x: x.leaky_relu(), "∂L/∂x = [x > 0] + slope·[x ≤ 0] = 1.0000, since L = leaky_relu(x)",
     r"= [x > 0] + \mathrm{slope} \cdot [x \le 0]"),
    (lambda x: x.clamp(0, 2), "∂L/∂x = [low ≤ x ≤ high] = 1.0000, since L = clamp(x, low, high)",
     r"= [\mathrm{low} \le x \le \mathrm{high}]"),
])
def test_stepper_prints_each_new_ops_local_derivative(make, rule, latex) -> None:
    x = Value(1.0, "x")
    root = make(x)
    text, tex = rule_for(root, "x")
    numbers = {"c": f"{math.cos(1.0):.4f}", "ms": f"{-math.sin(1.0):.4f}", "sig": f"{1 / (1 + math.exp(-1.0)):.4f}"}
    assert text == rule.format(**numbers)
    assert latex in tex


def test_stepper_writes_max_and_min_with_their_tie_rule() -> None:
    a, b = Value(2.0, "a"), Value(-1.0, "b")
    assert rule_for(maximum(a, b), "a")[0] == "∂L/∂a = [a ≥ b] = 1.0000, since L = max(a, b)"
    assert rule_for(maximum(a, b), "b")[0] == "∂L/∂b = [b > a] = 0.0000, since L = max(a, b)"
    assert rule_for(minimum(a, b), "b")[0] == "∂L/∂b = [b < a] = 1.0000, since L = min(a, b)"
    tie_a, tie_b = Value(1.0, "a"), Value(1.0, "b")
    text, tex = rule_for(minimum(tie_a, tie_b), "a")
    assert text == "∂L/∂a = [a ≤ b] (a tie: the first input takes it) = 1.0000, since L = min(a, b)"
    assert r"= [a \le b]" in tex
    assert rule_for(maximum(tie_a, tie_b), "b")[0].startswith("∂L/∂b = [b > a] (a tie: the first input takes it) = 0.0000")
    assert viz.trace_backward(maximum(a, b)).definitions()[-1] == "L = max(a, b) = 2.0000"


def test_latex_definitions_of_the_new_ops() -> None:
    from viz.stepping.step_symbols import definition

    x, y = Value(0.5), Value(1.0)
    assert definition(maximum(x, y), "t", ["x", "y"], latex=True) == r"t = \max(x, y)"
    assert definition(x.leaky_relu(), "t", ["x"], latex=True) == r"t = \operatorname{leaky\_relu}(x)"
    assert definition(x.softplus(), "t", ["x"], latex=True) == r"t = \operatorname{softplus}(x)"
    assert definition(x.sin(), "t", ["x"], latex=True) == r"t = \sin(x)"
    assert definition(x.clamp(0, 1), "t", ["x"], latex=True) == r"t = \operatorname{clamp}(x, \mathrm{low}, \mathrm{high})"


# ---------------------------------------------------------------------- the CLI's expressions
AT = {"x": 0.5, "w": -2.0, "b": 0.25}


@pytest.mark.parametrize("text, op, data, local", [
    ("sin(x)", "sin", math.sin(0.5), (math.cos(0.5),)),
    ("cos(x)", "cos", math.cos(0.5), (-math.sin(0.5),)),
    ("max(x, b)", "max", 0.5, (1.0, 0.0)),
    ("min(x, b)", "min", 0.25, (0.0, 1.0)),
    ("max(x*w, -3)", "max", -1.0, (1.0, 0.0)),
    ("leaky_relu(w)", "leaky_relu", -0.02, (0.01,)),
    ("leaky_relu(w, 0.25)", "leaky_relu", -0.5, (0.25,)),
    ("softplus(w)", "softplus", math.log1p(math.exp(-2.0)), (1 / (1 + math.exp(2.0)),)),
    ("clamp(x*w, -0.5, 0.5)", "clamp", -0.5, (0.0,)),
    ("clamp(x, 0, 1)", "clamp", 0.5, (1.0,)),
])
def test_cli_whitelist_has_the_new_functions(text, op, data, local) -> None:
    root = build_graph(text, AT)
    assert root.op == op
    assert math.isclose(root.data, data, rel_tol=1e-15)
    assert all(math.isclose(g, e, rel_tol=1e-15) for g, e in zip(root.local_grads, local))


def test_cli_functions_of_numbers_only_give_numbers() -> None:
    assert build_graph("max(2, 3) * x", AT).data == 1.5
    assert build_graph("x + clamp(5, 0, 1)", AT).data == 1.5


@pytest.mark.parametrize("text, message", [
    ("max(x)", "max() takes 2 arguments, e.g. max(a, b)"),
    ("min(x, w, b)", "min() takes 2 arguments, e.g. min(a, b)"),
    ("clamp(x, 1)", "clamp() takes 3 arguments, e.g. clamp(x, 0, 1)"),
    ("leaky_relu(x, 1, 2)", "leaky_relu() takes 1 or 2 arguments"),
    ("sin(x, w)", "sin() takes exactly one argument, e.g. sin(x)"),
    ("clamp(x, w, 1)", "clamp(): the bounds low and high must be numbers, not a variable"),
    ("leaky_relu(x, w)", "leaky_relu(): the slope must be a number, not a variable"),
    ("clamp(x, 1, 0)", "clamp: the low bound 1.0 is greater than the high bound 0.0"),
    ("max(x, a=1)", "max() takes 2 arguments"),
])
def test_cli_bad_calls_of_the_new_functions_are_located_errors(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        build_graph(text, AT)
    assert message in info.value.message
    assert info.value.start == 0 and info.value.end == len(text)


def test_cli_step_walks_a_max_expression(monkeypatch, capsys) -> None:
    from viz.app import cli

    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(""))
    code = cli.main(["step", "max(x*w, b) + sin(x)", "--at", "x=1", "w=-2", "b=-3"])
    out = capsys.readouterr().out
    assert code == 0
    assert "where ∂t4/∂t2 = [t2 ≥ b] = 1.0000, since t4 = max(t2, b)" in out
    assert "where ∂t4/∂b = [b > t2] = 0.0000, since t4 = max(t2, b)" in out
    assert f"cos(x) = {math.cos(1.0):.4f}" in out


# ---------------------------------------------------------------------- diagrams and quiz
def test_diagram_op_nodes_name_the_new_ops_and_their_subgradients() -> None:
    x, b = Value(0.5, "x"), Value(0.5, "b")
    root = maximum(x, b) + x.clamp(0, 1) + x.leaky_relu() + x.softplus()
    root.backward()
    source = viz.draw(root).source
    assert "op max: local 1 for the larger input, 0 for the other; a tie sends the gradient to the first input" in source
    assert "op clamp: local 1 if low ≤ x ≤ high (bounds included) else 0" in source
    assert "op leaky_relu: local 1 if x > 0 else the slope" in source
    assert 'tooltip="op softplus"' in source
    assert viz.to_svg(viz.draw(root)).lstrip().startswith(("<?xml", "<svg"))


def test_quiz_marks_answers_on_the_new_ops() -> None:
    x, b = Value(1.0, "x"), Value(1.0, "b")
    m, s = maximum(x, b), x.sin()
    quiz = viz.Quiz(m * s)
    # worked by hand: L = max(x, b)·sin x at a tie, which sends max's gradient to x
    by_hand = {m: math.sin(1.0), s: 1.0, x: math.sin(1.0) * 1.0 + 1.0 * math.cos(1.0), b: 0.0}
    asked = []
    while not quiz.done:
        node = quiz.trace.order[quiz.current.target]
        wrong = quiz.answer(by_hand[node] + 0.5)
        assert wrong.correct is False
        if node is x:  # the hint spells out the tie rule
            assert "= [x ≥ b] (a tie: the first input takes it) = 1.0000" in quiz.hint()
        assert quiz.answer(by_hand[node]).correct is True
        asked.append(node)
    assert set(asked) == set(by_hand) and quiz.score == (4, 4)


# ---------------------------------------------------------------------- gradcheck
def test_gradcheck_passes_on_new_ops_away_from_kinks() -> None:
    f = lambda v: maximum(v[0], v[1]).softplus() * v[0].clamp(-1, 1) + minimum(v[0].sin(), v[1].cos()).leaky_relu()
    assert gradcheck(f, [0.3, -0.7])


@pytest.mark.parametrize("f, xs, op, one_sided", [
    (lambda v: maximum(v[0], v[1]), [1.0, 1.0], "max", (0.0, 1.0)),
    (lambda v: minimum(v[0], 2.0) * 3, [2.0], "min", (3.0, 0.0)),
    (lambda v: v[0].clamp(0, 1), [1.0], "clamp", (1.0, 0.0)),
    (lambda v: (v[0] * 2).leaky_relu(), [0.0], "leaky_relu", (0.02, 2.0)),
    (lambda v: v[0].relu() + v[0], [0.0], "relu", (1.0, 2.0)),
])
def test_gradcheck_says_when_a_mismatch_sits_on_a_kink(f, xs, op, one_sided) -> None:
    with pytest.raises(GradcheckError) as info:
        gradcheck(f, xs)
    message = str(info.value)
    assert f"note: 1 {op} node(s) of the graph sit on a kink" in message and "not a bug" in message
    # there central differences average the slopes on the left and on the right
    assert math.isclose(info.value.numeric, sum(one_sided) / 2, rel_tol=1e-6)


def test_gradcheck_gives_no_kink_note_for_a_real_error() -> None:
    def wrong(v):
        out = v[0] * v[0]
        out.local_grads = [1.0, 1.0]  # should be (x, x)
        return out

    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong, [3.0])
    assert "kink" not in str(info.value)
