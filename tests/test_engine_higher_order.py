"""Gradients of gradients: engine.grad(create_graph=True), backward(create_graph=True), hessian,
hvp and nth_derivative against sympy, closed forms and central differences of gradients."""
from __future__ import annotations

import gc
import math
import random

import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from _op_table import OPS, apply, apply_sym, op_params
from engine import (
    DivisionByZero, Value, analytic_grad, built_by_backward, grad, hessian, hvp, no_grad,
    nth_derivative, topo_order,
)

X1, X2 = sp.symbols("x1 x2", real=True)
AVAILABLE = [row for row in OPS if row[4]]
# small inner expressions the op under test is applied to (engine form, sympy form)
INNER = [
    (lambda a, b: a, lambda a, b: a),
    (lambda a, b: a * b, lambda a, b: a * b),
    (lambda a, b: a.sin() + b, lambda a, b: sp.sin(a) + b),
    (lambda a, b: a - b * 0.5, lambda a, b: a - b / 2),
    (lambda a, b: (a * b).tanh(), lambda a, b: sp.tanh(a * b)),
]


def _sympy_hessian(expr, point):
    """sympy's Hessian at point, or None on a kink (a DiracDelta or Heaviside(0) that has no number)."""
    subs = {X1: point[0], X2: point[1]}
    try:
        return [[float(sp.diff(expr, u, v).subs(subs).evalf()) for v in (X1, X2)] for u in (X1, X2)]
    except TypeError:
        return None


@pytest.mark.parametrize("row", op_params())
@settings(max_examples=6, deadline=None)
@given(
    a=st.floats(-1.5, 1.5).filter(lambda v: abs(v) > 0.05),
    b=st.floats(-1.5, 1.5).filter(lambda v: abs(v) > 0.05),
    inner=st.tuples(st.sampled_from(INNER), st.sampled_from(INNER)),
    outer=st.sampled_from(AVAILABLE),
    swap=st.booleans(),
)
def test_hessian_matches_sympy_on_random_expressions_over_every_op(row, a, b, inner, outer, swap):
    """outer(op(inner1(x1, x2), inner2(x2, x1)), x1): every op of the table at the heart of it."""
    (f1, s1), (f2, s2) = inner

    def f(v):
        p, q = (v[1], v[0]) if swap else (v[0], v[1])
        core = apply(row, [f1(p, q), f2(q, p)])
        return apply(outer, [core, v[0]])

    p, q = (X2, X1) if swap else (X1, X2)
    expr = apply_sym(outer, [apply_sym(row, [s1(p, q), s2(q, p)]), X1])
    want = _sympy_hessian(expr, (a, b))
    assume(want is not None)  # exactly on a kink of max/min/clamp/relu/abs: no second derivative exists
    got = hessian(f, [a, b])
    for i in range(2):
        for j in range(2):
            assert math.isclose(got[i][j], want[i][j], rel_tol=1e-8, abs_tol=1e-8), (row[0], outer[0], got, want)


def test_hessian_of_a_function_that_ignores_a_variable_has_true_zeros():
    h = hessian(lambda v: v[0] ** 3, [2.0, 7.0, -1.0])
    assert h == [[12.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]


def test_grad_of_an_unused_input_is_zero_in_both_modes():
    x, y = Value(2.0, "x"), Value(3.0, "y")
    f = x * x
    assert grad(f, [x, y]) == [4.0, 0.0]
    gx, gy = grad(f, [x, y], create_graph=True)
    assert (gx.data, gy.data) == (4.0, 0.0) and gy.is_leaf


@pytest.mark.parametrize("x", [-2.0, -0.3, 0.0, 0.7, 1.9])
def test_third_derivatives_of_tanh_and_sigmoid_match_their_closed_forms(x):
    t = math.tanh(x)
    # d³/dx³ tanh = -2(1 - t²)(1 - 3t²);  d³/dx³ σ = s(1 - s)(1 - 6s + 6s²)
    assert math.isclose(nth_derivative(lambda v: v.tanh(), x, 3), -2 * (1 - t * t) * (1 - 3 * t * t),
                        rel_tol=1e-12, abs_tol=1e-14)
    s = 1 / (1 + math.exp(-x))
    assert math.isclose(nth_derivative(lambda v: v.sigmoid(), x, 3), s * (1 - s) * (1 - 6 * s + 6 * s * s),
                        rel_tol=1e-12, abs_tol=1e-14)


def test_higher_derivatives_by_repeated_grad_match_sympy():
    expr = sp.sin(X1) * sp.exp(X1 / 2)
    for n in range(6):
        want = float(sp.diff(expr, X1, n).subs(X1, 0.8))
        assert math.isclose(nth_derivative(lambda v: v.sin() * (v * 0.5).exp(), 0.8, n), want, rel_tol=1e-12)


def _mlp_loss_of(params_flat, model, x, y):
    """The squared error of `model` at (x, y) with its parameters replaced by params_flat."""
    from nn import squared_error

    it = iter(params_flat)
    for layer in model.layers:
        for neuron in layer.neurons:
            neuron.w = [next(it) for _ in neuron.w]
            neuron.b = next(it)
    return squared_error(model(x), y)


def test_hvp_through_an_mlp_matches_central_differences_of_its_gradients():
    from nn import MLP

    model = MLP(3, [4, 2], activation="tanh", seed=3)
    theta = [p.data for p in model.parameters()]
    x, y = [0.5, -0.2, 0.9], [0.3, -0.4]
    rng = random.Random(0)
    v = [rng.uniform(-1, 1) for _ in theta]
    f = lambda ps: _mlp_loss_of(ps, model, x, y)  # noqa: E731
    got = hvp(f, theta, v)
    eps = 1e-5
    up = analytic_grad(f, [t + eps * d for t, d in zip(theta, v)])
    down = analytic_grad(f, [t - eps * d for t, d in zip(theta, v)])
    want = [(u - d) / (2 * eps) for u, d in zip(up, down)]
    assert len(got) == len(theta) == 26
    for g, w in zip(got, want):
        assert math.isclose(g, w, rel_tol=1e-6, abs_tol=1e-8), (g, w)
    h = hessian(f, theta)  # and H·v formed the long way agrees
    for i in range(len(theta)):
        assert math.isclose(sum(h[i][j] * v[j] for j in range(len(v))), got[i], rel_tol=1e-10, abs_tol=1e-12)


def test_grad_leaves_the_graphs_grad_fields_as_they_were():
    x, y = Value(2.0, "x"), Value(3.0, "y")
    f = (x * y).tanh() * x
    f.backward()
    before = [v.grad for v in topo_order(f)]
    grad(f, [x, y])
    g = grad(f, [x, y], create_graph=True)
    grad(g[0], [x, y])
    assert [v.grad for v in topo_order(f)] == before


def test_backward_create_graph_leaves_grad_value_equal_to_grad_and_differentiable():
    x, y = Value(1.5, "x"), Value(-0.5, "y")
    f = x * x * y + (x * y).sin()
    f.backward(create_graph=True)
    for v in topo_order(f):
        assert type(v.grad) is float and math.isclose(v.grad_value.data, v.grad, rel_tol=1e-15)
    assert x.grad_value.label == "∇x" and built_by_backward(x.grad_value)
    # ∂/∂x of ∂f/∂x = 2y − y² sin(xy)
    assert math.isclose(grad(x.grad_value, [x])[0], 2 * -0.5 - 0.25 * math.sin(-0.75), rel_tol=1e-14)
    # a second call adds into the leaves, as backward() does, grad_value following grad
    f.backward(create_graph=True)
    assert math.isclose(x.grad_value.data, x.grad, rel_tol=1e-15) and math.isclose(x.grad, 2 * (2 * 1.5 * -0.5 + -0.5 * math.cos(-0.75)))
    x.grad = 0.0  # zeroed by hand: grad_value restarts from the zeroed grad
    f.backward(create_graph=True)
    assert math.isclose(x.grad_value.data, x.grad, rel_tol=1e-15)
    x.grad_value = None
    assert x.grad_value is None


def test_backward_create_graph_is_freed_by_reference_counting_once_its_grad_values_are_cleared():
    from engine import clear_grad_values

    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        x, y = Value(0.3, "x"), Value(-1.2, "y")
        h = x
        for _ in range(100):
            h = (h * y + x).tanh()
        h.backward(create_graph=True)
        assert math.isclose(x.grad_value.data, x.grad, rel_tol=1e-12)
        (x * y).backward(create_graph=True)  # replaces the table: h's inner nodes have none now
        assert h.parents[0].grad_value is None and x.grad_value is not None
        clear_grad_values()
        assert x.grad_value is None
        del h
        assert gc.collect() == 0  # no cycle was ever made
    finally:
        if was:
            gc.enable()


def test_backward_default_has_no_grad_value():
    x = Value(2.0)
    (x * x).backward()
    assert x.grad == 4.0 and x.grad_value is None


def test_create_graph_false_leaves_no_graph_behind_freed_by_reference_counting():
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        x, y = Value(0.3, "x"), Value(-1.2, "y")
        h = x
        for _ in range(200):
            h = (h * y + x).tanh()
        out = grad(h, [x, y])
        nodes = len(topo_order(h))
        second = grad(grad(h, [x], create_graph=True)[0], [x, y])  # a gradient graph, then dropped
        del h
        assert gc.collect() == 0  # nothing waited for the collector: no cycle anywhere
        assert len(out) == len(second) == 2 and nodes > 600
    finally:
        if was:
            gc.enable()


def test_grad_of_a_deep_graph_needs_no_recursion():
    x = Value(0.5, "x")
    y = x
    for _ in range(30_000):
        y = y * 1.0 + 0.0
    (g,) = grad(y, [x], create_graph=True)
    assert g.data == 1.0
    assert grad(g, [x]) == [0.0]


def test_nodes_built_by_the_backward_pass_are_labelled():
    x, y = Value(2.0, "x"), Value(3.0, "y")
    f = (x * y).tanh()
    gx, gy = grad(f, [x, y], create_graph=True)
    assert (gx.label, gy.label) == ("∇x", "∇y")
    original = {id(v) for v in topo_order(f)}
    built = [v for v in topo_order(gx) if id(v) not in original]
    assert built and all(built_by_backward(v) for v in built)
    assert not any(built_by_backward(v) for v in topo_order(f))


# ------------------------------------------------------------------ bad input
def test_grad_refuses_what_is_not_a_value():
    x = Value(1.0)
    with pytest.raises(TypeError, match="grad: output must be a Value, got float"):
        grad(1.0, [x])
    with pytest.raises(TypeError, match=r"grad: inputs\[1\] must be a Value, got float 2.0"):
        grad(x * x, [x, 2.0])
    with pytest.raises(TypeError, match="grad: inputs must be a list of Values, got Value"):
        grad(x * x, x)
    with pytest.raises(TypeError, match="create_graph must be True or False"):
        grad(x * x, [x], create_graph="yes")


def test_hessian_refuses_a_function_returning_a_non_value():
    with pytest.raises(TypeError, match="hessian: f must return a Value, got list"):
        hessian(lambda v: [v[0]], [1.0])
    with pytest.raises(TypeError, match="hessian: f must be a function"):
        hessian(3, [1.0])
    with pytest.raises(TypeError, match=r"hessian: xs\[0\] must be a real number, got str"):
        hessian(lambda v: v[0], ["a"])
    with pytest.raises(ValueError, match=r"hessian: xs\[1\] must be finite, got nan"):
        hessian(lambda v: v[0], [1.0, float("nan")])


def test_hvp_refuses_a_direction_of_the_wrong_length():
    with pytest.raises(ValueError, match="hvp: v has 1 entries, expected 2"):
        hvp(lambda v: v[0] * v[1], [1.0, 2.0], [1.0])


def test_create_graph_where_the_derivative_has_no_derivative_names_the_op_and_point():
    # d/dx x**1.5 = 1.5·x**0.5 is fine at 0; its derivative 0.75·x**-0.5 is infinite there
    x = Value(0.0, "x")
    (g,) = grad(x ** 1.5, [x])  # first order is defined
    assert g == 0.0
    with pytest.raises(DivisionByZero, match=r"\*\*1.5: create_graph: the local derivative of '\*\*1.5' "
                                             r"cannot be differentiated again at 0.0"):
        grad(x ** 1.5, [x], create_graph=True)


def test_create_graph_inside_no_grad_is_refused():
    x = Value(1.0)
    y = x * x
    with no_grad():
        with pytest.raises(RuntimeError, match="grad: called inside no_grad"):
            grad(y, [x], create_graph=True)
        with pytest.raises(RuntimeError, match="hessian: called inside no_grad"):
            hessian(lambda v: v[0] * v[0], [1.0])


def test_nth_derivative_refuses_bad_orders():
    with pytest.raises(ValueError, match="nth_derivative: n must be an int from 0 to 10"):
        nth_derivative(lambda v: v, 1.0, 11)
    with pytest.raises(ValueError, match="nth_derivative"):
        nth_derivative(lambda v: v, 1.0, True)
