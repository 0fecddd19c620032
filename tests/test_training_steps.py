"""Forward steps and update steps: every number is the engine's or the optimizer's, to the bit."""
from __future__ import annotations

import copy
import math

import pytest

import engine
import nn
import viz
from engine import Value
from viz.errors import TrainingInputError
from viz.training.forward import ForwardQuiz, trace_forward
from viz.training.step import training_step
from viz.training.update import batch_gradients, step_with_record


def _recompute(op: str, xs: list[float]) -> float:
    """The op's value from its inputs, written independently of engine/value.py."""
    if op in ("+", "sum"):
        return math.fsum(xs)
    table = {
        "*": lambda: xs[0] * xs[1], "-": lambda: xs[0] - xs[1], "/": lambda: xs[0] / xs[1],
        "neg": lambda: -xs[0], "exp": lambda: math.exp(xs[0]), "log": lambda: math.log(xs[0]),
        "tanh": lambda: math.tanh(xs[0]), "sigmoid": lambda: 1 / (1 + math.exp(-xs[0])),
        "relu": lambda: max(0.0, xs[0]), "abs": lambda: abs(xs[0]), "sqrt": lambda: math.sqrt(xs[0]),
        "**": lambda: xs[0] ** xs[1],
    }
    if op in table:
        return table[op]()
    if op.startswith("**"):
        return xs[0] ** float(op[2:])
    if op == "dot":
        n = len(xs) // 2
        return math.fsum([xs[k] * xs[n + k] for k in range(n)] + xs[2 * n:])
    raise AssertionError(f"no independent formula for {op}")


def graphs():
    x, w, b = Value(0.7, "x"), Value(-1.3, "w"), Value(0.25, "b")
    yield "expression", ((x * w + b).tanh() * x + (x / 2.0).exp() - (w ** 2).sigmoid() + (x * x).sqrt().log()).relu()
    for elementary in (False, True):
        m = nn.MLP(2, [3, 2, 1], activation="tanh", output_activation="sigmoid", elementary=elementary, seed=4)
        yield f"mlp elementary={elementary}", nn.binary_cross_entropy(m([0.4, -1.2]), 1)
    m = nn.MLP(2, [4, 1], activation="relu", output_activation="linear", seed=1)
    yield "hinge", nn.hinge(m([0.3, 0.9]), -1)


@pytest.mark.parametrize("name,root", list(graphs()))
def test_forward_steps_reproduce_every_nodes_data(name, root) -> None:
    order = engine.topo_order(root)
    trace = trace_forward(root)
    computed = [v for v in order if v.parents]
    assert [trace.order[s.node] for s in trace.steps] == computed  # every computed node, topological order
    for s in trace.steps:
        node = trace.order[s.node]
        assert s.value == node.data and s.inputs == tuple(p.data for p in node.parents)
        assert math.isclose(_recompute(s.op, list(s.inputs)), s.value, rel_tol=1e-12, abs_tol=1e-15), (name, s.op)
        assert trace.text(s.index).endswith(" = " + trace.num(node.data))


def test_forward_step_of_a_neuron_is_written_in_the_notes_notation() -> None:
    m = nn.MLP(2, [2, 1], activation="sigmoid", seed=0)
    L = nn.squared_error(m([0.5, -0.3]), [1.0])
    trace = trace_forward(L)
    (w11, w12), (b,) = m.weights(2)[0], [m.biases(2)[0]]
    z = m.layers[0].neurons[0].z.data
    f = lambda v: f"{v:.4f}" if v >= 0 else f"({v:.4f})"  # noqa: E731
    expected = (f"z²₁ = w²₁₁ · x₁ + w²₁₂ · x₂ + b²₁ = {w11:.4f} · 0.5000 + {f(w12)} · (-0.3000) + {b:.4f}"
                f" = {z:.4f}")
    assert trace.text(0) == expected.replace("· 0.5000", "· 0.5000")
    assert trace.latex(0).startswith(r"z^{2}_{1} = w^{2}_{11} \cdot x_{1} + w^{2}_{12} \cdot x_{2} + b^{2}_{1} = ")
    assert trace.text(1) == f"a²₁ = σ(z²₁) = σ({z:.4f}) = {1 / (1 + math.exp(-z)):.4f}"


def test_forward_quiz_checks_each_value_in_order() -> None:
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    q = ForwardQuiz((x * w).tanh())
    assert q.question() == "Forward step 1 of 2: t2 = x · w = 2.0000 · (-3.0000) = ?"
    assert q.answer("abc").correct is None
    assert q.answer(6).correct is False
    assert q.answer("-6").correct is True
    assert q.answer(math.tanh(-6.0)).correct is True and q.done


DATA = [[0.5, -1.0], [1.5, 0.2], [-0.4, 0.8], [0.1, 0.1]]
LABELS = [1, 0, 1, 0]


def optimizers(model):
    return {"sgd": nn.SGD(model.parameters(), lr=0.3), "momentum": nn.SGD(model.parameters(), lr=0.3, momentum=0.9),
            "adam": nn.Adam(model.parameters(), lr=0.05)}


@pytest.mark.parametrize("rule", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("batch", [1, 4])
def test_update_steps_reproduce_the_optimizers_new_values_to_the_bit(rule, batch) -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=2)
    opt = optimizers(model)[rule]
    twin_model, twin_opt = copy.deepcopy((model, opt))
    X, y = DATA[:batch], LABELS[:batch]
    for _ in range(3):  # a few steps, so momentum's velocity and Adam's m, v and t are not at their start
        record = training_step(model, X, y, opt, loss="binary_cross_entropy")
        # the same step without the stepper: zero_grad, mean loss over the batch, backward, step
        twin_model.zero_grad()
        nn.dataset_loss(twin_model, X, y, loss="binary_cross_entropy").backward()
        grads = [p.grad for p in twin_model.parameters()]
        state = [twin_opt.state_of(p) for p in twin_model.parameters()]
        data = [p.data for p in twin_model.parameters()]
        twin_opt.step()
        for s, p, g, st, d in zip(record.update.steps, twin_model.parameters(), grads, state, data):
            assert s.after == p.data and s.predicted() == p.data  # to the bit
            assert s.before == d and s.grad == g and s.state_before == st
            if rule == "momentum":
                assert s.state_after["velocity"] == 0.9 * st["velocity"] + g
            if rule == "adam":
                assert s.state_after["m"] == 0.9 * st["m"] + (1 - 0.9) * g
                assert s.state_after["v"] == 0.999 * st["v"] + (1 - 0.999) * g * g
                assert s.t == st["t"] + 1
    assert [p.data for p in model.parameters()] == [p.data for p in twin_model.parameters()]


def test_mini_batch_means_equal_the_averaged_per_example_gradients() -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=5)
    bg = batch_gradients(model, DATA, LABELS, "binary_cross_entropy")
    m = len(DATA)
    for j, mean in enumerate(bg.mean):
        assert math.isclose(mean, math.fsum(g[j] for g in bg.per_example) / m, rel_tol=1e-12, abs_tol=1e-16)
    # each example's own gradient is its loss's derivative: central differences on one weight
    w = model.parameters()[1]
    for i, (x, t) in enumerate(zip(DATA, LABELS)):
        def f(v: float) -> float:
            old = w.data
            w.data = v
            try:
                return nn.binary_cross_entropy(model(x), t).data
            finally:
                w.data = old
        h = 1e-6
        assert math.isclose(bg.per_example[i][1], (f(w.data + h) - f(w.data - h)) / (2 * h), rel_tol=1e-6, abs_tol=1e-9)
    assert bg.text(0).startswith(f"∂L/∂w²₁₁ = (1/{m})·(")


def test_update_lines_show_adams_m_v_and_bias_corrections() -> None:
    w = Value(0.5, "w2_11")
    opt = nn.Adam([w], lr=0.1)
    w.grad = 0.2
    s = step_with_record(opt).steps[0]
    assert s.lines()[0] == "step t = 1; g = ∂L/∂w²₁₁ = 0.2000"
    assert s.lines()[1] == "m ← β₁·m + (1 − β₁)·g = 0.9 × 0.0000 + 0.1 × 0.2000 = 0.0200"
    # after one step m̂ = g and v̂ = g², so the step is lr · g/(|g| + ε) ≈ lr
    assert math.isclose(s.m_hat(), 0.2) and math.isclose(s.v_hat(), 0.04)
    assert s.lines()[-1].endswith(f"= {0.5 - 0.1 * 0.2 / (0.2 + 1e-8):.4f}")


def test_bad_input_names_the_argument() -> None:
    model = nn.MLP(2, [2, 1], activation="tanh", output_activation="sigmoid")
    other = nn.MLP(2, [2, 1])
    with pytest.raises(TrainingInputError, match="optimizer's state does not belong"):
        training_step(model, DATA, LABELS, nn.SGD(other.parameters(), lr=0.1), loss="binary_cross_entropy")
    with pytest.raises(TrainingInputError, match="example must be an index in 0..3"):
        training_step(model, DATA, LABELS, nn.SGD(model.parameters(), lr=0.1), example=4)
    with pytest.raises(TrainingInputError, match="X and y"):
        training_step(model, DATA, LABELS[:3], nn.SGD(model.parameters(), lr=0.1))
    with pytest.raises(nn.ConfigError, match="not one this optimizer updates"):
        nn.SGD(model.parameters(), lr=0.1).state_of(other.parameters()[0])


def test_docstring_examples_of_the_training_modules() -> None:
    import doctest

    import viz.training.forward
    import viz.training.step

    for module in (viz.training.forward, viz.training.step):
        assert doctest.testmod(module).failed == 0


def test_the_step_player_lists_the_forward_steps_before_the_backward_ones() -> None:
    import json
    import re

    x, w, b = Value(1.0, "x"), Value(-2.0, "w"), Value(0.5, "b")
    y = (x * w + b).tanh()
    page = viz.steps_html(y)
    data = json.loads(re.search(r'id="deltagrad-data" type="application/json">(.*?)</script>', page, re.S).group(1)
                      .replace("<\\/", "</"))
    trace = trace_forward(y, pretty=False)
    assert data["forward"] == [f"{i + 1}. {trace.text(i)}" for i in range(len(trace))]
    assert data["forward"][0] == "1. t2 = x · w = 1.0000 · (-2.0000) = -2.0000"  # x, w, then their product: t2
