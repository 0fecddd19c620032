"""engine.rules: each op's derivative rule, on floats and on Values, equals the local_grads the
eager op stored, at random points (hypothesis), for every op of the table (tests/_op_table.py)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _op_table import OPS, apply, op_params
from engine import NoDerivativeRule, StaleLocalGrads, Value, grad, rules, topo_order

points = st.floats(-3.0, 3.0, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


@pytest.mark.parametrize("row", op_params())
@settings(max_examples=40, deadline=None)
@given(a=points, b=points)
def test_rule_on_floats_and_values_equals_the_stored_local_grads(row, a, b):
    root = apply(row, [Value(a), Value(b)])
    assert root.op == row[0]
    for node in topo_order(root):
        if node.is_leaf:
            continue
        stored = node.local_grads
        on_floats = rules.local_floats(node)
        on_values = [v.data if type(v) is Value else v for v in rules.local_values(node)]
        assert len(on_floats) == len(on_values) == len(stored)
        for s, f, v in zip(stored, on_floats, on_values):
            assert math.isclose(f, s, rel_tol=1e-12, abs_tol=1e-15), (node.op, s, f)
            assert math.isclose(v, s, rel_tol=1e-12, abs_tol=1e-15), (node.op, s, v)


def test_every_op_the_engine_builds_has_a_row_in_the_table():
    from engine import value

    source = open(value.__file__, encoding="utf-8").read()
    for op in ('"+"', '"-"', '"*"', '"/"', '"neg"', '"exp"', '"log"', '"tanh"', '"sigmoid"', '"relu"',
               '"abs"', '"sqrt"', '"sin"', '"cos"', '"dot"', '"sum"', '"**"'):
        assert op.strip('"') in {row[0] for row in OPS}, op
        assert op in source
    for op in ("max", "min", "leaky_relu", "softplus", "clamp"):  # compat ops: in the table, run once merged
        assert op in {row[0] for row in OPS}
        assert rules.RULES[op] is not None


@given(n=st.floats(-4.0, 4.0, allow_nan=False), a=st.floats(0.1, 3.0))
@settings(max_examples=60, deadline=None)
def test_constant_exponent_is_exact_although_the_op_string_rounds_it(n, a):
    x = Value(a)
    y = x ** n
    assert rules.constant_exponent(y) == n  # f"**{n:g}" keeps only 6 digits
    (g,) = grad(y, [x], create_graph=True)
    (h,) = grad(g, [x])
    assert math.isclose(h, n * (n - 1) * a ** (n - 2), rel_tol=1e-12, abs_tol=1e-12)


def test_rpow_base_is_exact_although_the_op_string_rounds_it():
    c = 2.718281828459045
    x = Value(0.7)
    y = c ** x
    assert y.op == "2.71828**" and rules.constant_exponent(y) == c
    (g,) = grad(y, [x], create_graph=True)
    assert math.isclose(grad(g, [x])[0], math.exp(0.7), rel_tol=1e-14)


def test_a_hand_wired_op_without_a_rule_is_named_under_create_graph():
    x = Value(2.0, "x")
    h = Value(8.0, "h")
    h.op = "cube"
    h.parents = [x]
    h.local_grads = [12.0]
    assert grad(h, [x]) == [12.0]  # first order reads the stored number
    with pytest.raises(NoDerivativeRule, match="'cube'") as info:
        grad(h, [x], create_graph=True)
    assert info.value.op == "cube" and isinstance(info.value, NotImplementedError)


def test_local_grads_set_by_hand_are_refused_rather_than_silently_replaced():
    x = Value(0.5, "x")
    y = x.tanh()
    y.local_grads = [3.0]
    with pytest.raises(StaleLocalGrads, match="local_grads\\[0\\] of this 'tanh' node is 3.0"):
        grad(y, [x], create_graph=True)
