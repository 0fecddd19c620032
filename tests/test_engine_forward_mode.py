"""Forward mode: jvp against reverse mode for every op, jacobian in both modes, jacobian_cost
counted from the graph, and the bad inputs."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _op_table import apply, op_params
from engine import Value, grad, jacobian, jacobian_cost, jvp, numerical_grad, topo_order

pts = st.floats(-2.0, 2.0).filter(lambda v: abs(v) > 1e-2)


@pytest.mark.parametrize("row", op_params())
@settings(max_examples=25, deadline=None)
@given(a=pts, b=pts, ta=st.floats(-2, 2), tb=st.floats(-2, 2))
def test_jvp_equals_reverse_mode_gradient_dotted_with_the_tangent_for_every_op(row, a, b, ta, tb):
    f = lambda v: apply(row, [v[0] * 0.7 + v[1], v[1] - v[0]]).sin()  # noqa: E731
    value, directional = jvp(f, [a, b], [ta, tb])
    x, y = Value(a), Value(b)
    out = f([x, y])
    gx, gy = grad(out, [x, y])
    assert value == out.data
    assert math.isclose(directional, gx * ta + gy * tb, rel_tol=1e-12, abs_tol=1e-12)


def test_jvp_of_baydins_example_gives_their_tangent():
    # Baydin et al. 2018, Table 2: f = ln x1 + x1 x2 − sin x2 at (2, 5), ẋ1 = 1, ẋ2 = 0
    value, tangent = jvp(lambda v: v[0].log() + v[0] * v[1] - v[1].sin(), [2.0, 5.0], [1.0, 0.0])
    assert round(value, 3) == 11.652 and tangent == 5.5


def _f(v):
    x, y, z = v
    return [x * y + z.sin(), (x / z).exp(), y * y * y - x]


def test_jacobian_forward_and_reverse_agree_with_central_differences():
    xs = [0.4, -1.3, 2.1]
    rev = jacobian(_f, xs)
    fwd = jacobian(_f, xs, mode="forward")
    for i in range(3):
        num = numerical_grad(lambda v, i=i: _f(v)[i], xs)
        for j in range(3):
            assert math.isclose(rev[i][j], fwd[i][j], rel_tol=1e-14, abs_tol=1e-15)
            assert math.isclose(rev[i][j], num[j], rel_tol=1e-6, abs_tol=1e-7)


def test_jacobian_cost_counts_sweeps_and_multiply_adds_from_the_graph():
    n = 50
    f = lambda v: [sum((x * x for x in v[1:]), v[0] * v[0])]  # noqa: E731  one output, n inputs
    cost = jacobian_cost(f, [0.1 * k for k in range(n)])
    xs = [Value(0.1 * k) for k in range(n)]
    edges = sum(len(node.parents) for node in topo_order(f(xs)[0]))
    assert edges == 2 * n + 2 * (n - 1)  # n products of two parents, n − 1 sums of two
    assert cost["reverse"] == {"sweeps": 1, "multiply_adds": edges}
    assert cost["forward"] == {"sweeps": n, "multiply_adds": n * edges}
    three = jacobian_cost(_f, [0.4, -1.3, 2.1])
    assert three["reverse"]["sweeps"] == 3 and three["forward"]["sweeps"] == 3


def test_jacobian_cost_for_many_outputs_of_one_input_favours_forward_mode():
    f = lambda v: [v[0] * k for k in range(1, 21)]  # noqa: E731
    cost = jacobian_cost(f, [2.0])
    assert cost["forward"] == {"sweeps": 1, "multiply_adds": 40}
    assert cost["reverse"] == {"sweeps": 20, "multiply_adds": 40}
    assert jacobian(f, [2.0], mode="forward") == [[float(k)] for k in range(1, 21)]


def test_forward_mode_bad_inputs_are_named():
    with pytest.raises(ValueError, match="jvp: tangents has 1 entries, expected 2"):
        jvp(lambda v: v[0] * v[1], [1.0, 2.0], [1.0])
    with pytest.raises(TypeError, match="jvp: f must return a Value, got float"):
        jvp(lambda v: 1.0, [1.0], [1.0])
    with pytest.raises(ValueError, match="jacobian: mode must be 'reverse' or 'forward', got 'sideways'"):
        jacobian(_f, [1.0, 2.0, 3.0], mode="sideways")
    with pytest.raises(TypeError, match=r"jacobian: f must return a list of Values, but f\(xs\)\[1\] is float"):
        jacobian(lambda v: [v[0], 2.0], [1.0])
    with pytest.raises(TypeError, match="jacobian_cost: f must return a list of Values, got Value"):
        jacobian_cost(lambda v: v[0], [1.0])
    with pytest.raises(TypeError, match=r"jvp: tangents\[0\] must be a real number, got str"):
        jvp(lambda v: v[0], [1.0], ["x"])
