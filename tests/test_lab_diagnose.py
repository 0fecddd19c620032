"""diagnose / diagnose_network: a learner's wrong answer named as the mistake that produces it."""
from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn
import viz
from engine import Value
from lab_independent import independent, programs

GRAPH = ("overwrite", "no_topo", "preorder", "set_parents", "no_zero_grad", "no_seed", "local_only")


def test_the_issues_example_overwrite_gives_half():
    x = Value(0.5, "x")
    L = x * x  # ∂L/∂x = 2x = 1; each of the two contributions is x = 0.5
    assert viz.diagnose(L, x, 0.5) == ["overwrite", "set_parents"]  # a * a keeps one edge too
    assert viz.diagnose(L, x, 1.0) == []  # right: nothing to diagnose
    assert viz.diagnose(L, x, 0.0) == ["no_seed"]
    assert viz.diagnose(L, x, 0.5004) == ["overwrite", "set_parents"]  # typed to about four digits
    assert viz.diagnose(L, x, 0.51) == []
    text = viz.lab.explain(viz.diagnose(L, x, 0.5), 0.5, "x", 2)
    assert text.startswith("0.5000 is what you get if the two contributions into x overwrite each other "
                           "instead of adding up")


def test_the_hand_worked_graphs_are_diagnosed():
    x = Value(3.0, "x")
    u = x * x
    L = u * 3 + u
    assert "no_topo" in viz.diagnose(L, x, 48)
    x2 = Value(3.0, "x")
    u2 = x2 * x2
    assert viz.diagnose(u2 + u2 * 3, x2, 6)[0] == "preorder"
    a = Value(2.0, "a")
    assert viz.diagnose(a + a, a, 1) == ["overwrite", "set_parents"]  # both keep one of the two 1s


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.sampled_from(GRAPH), st.data())
def test_diagnose_names_the_mistake_behind_its_own_answers(prog, name, data):
    nodes, wrong, _ = independent(prog, name)  # the answer the mistake gives, computed independently
    _, right, _ = independent(prog, "right")
    differing = [k for k in wrong if not math.isclose(wrong[k], right[k], rel_tol=1e-2, abs_tol=1e-2)]
    if not differing:
        return
    k = data.draw(st.sampled_from(differing))
    root, node = nodes[-1], nodes[k]
    assert name in viz.diagnose(root, node, wrong[k])
    # an unrelated wrong number is no mistake's: far from the right value and from every mistake's
    values = [right[k]] + [independent(prog, m)[1][k] for m in GRAPH]
    unrelated = max(abs(v) for v in values) * 2 + 7.31
    assert viz.diagnose(root, node, unrelated) == []
    assert viz.diagnose(root, node, right[k]) == []


def test_diagnose_bad_input_is_a_clear_error():
    x = Value(1.0, "x")
    L = x * x
    with pytest.raises(viz.LabTypeError, match="the answer must be a number, got str"):
        viz.diagnose(L, x, "0.5")
    with pytest.raises(viz.LabError, match="finite"):
        viz.diagnose(L, x, float("nan"))
    with pytest.raises(viz.LabError, match="is not in the graph"):
        viz.diagnose(L, Value(2.0, "y"), 0.5)
    with pytest.raises(viz.LabTypeError, match="node must be a Value"):
        viz.diagnose(L, "x", 0.5)
    with pytest.raises(viz.LabTypeError, match="diagnose_network"):
        viz.diagnose(nn.MLP(1, [1]), x, 0.5)
    with pytest.raises(viz.LabError, match="tol"):
        viz.diagnose(L, x, 0.5, tol=0)


def test_diagnose_skips_a_walk_it_refuses():
    x = Value(1.0, "x")
    v = x
    for _ in range(30):
        v = v * 0.5 + v * 0.5
    got = viz.diagnose(v, x, 0.0)  # overwrite and preorder give 0.5^30 here, 0 to four digits
    assert "no_seed" in got and "no_topo" not in got  # no_topo is left out, not run for 2^30 visits


# ---------------------------------------------------------------------------- network form
def mlp_232():
    return nn.MLP(2, [3, 2], activation="sigmoid", seed=5), [0.8, -0.6], [1.0, 0.0]


def test_diagnose_network_names_each_erratum_from_its_own_numbers():
    m, x, y = mlp_232()
    for name in ("sigma_not_prime", "flipped_sign", "half_factor"):
        c = viz.compare_network(m, x, y, name)
        for quantity, value in ((("delta", 3, 1), c.wrong.deltas[1][0]), (("delta", 2, 2), c.wrong.deltas[0][1]),
                                (("weight", 2, 3, 1), c.wrong.weight_grads[0][2][0]),
                                (("bias", 3, 2), c.wrong.bias_grads[1][1])):
            assert viz.diagnose_network(m, x, y, quantity, value)[0] == name, (name, quantity)


def test_diagnose_network_no_transpose_on_a_square_network():
    big = nn.MLP(2, [2, 2], seed=2)
    for p in big.parameters():  # larger weights: errors large enough to tell apart at 1e-3
        p.data *= 6
    c = viz.compare_network(big, [2.0, -1.5], [1.0, 0.0], "no_transpose", loss="squared_error")
    got = viz.diagnose_network(big, [2.0, -1.5], [1.0, 0.0], ("delta", 2, 1), c.wrong.deltas[0][0], tol=1e-6)
    assert got[0] == "no_transpose"


def test_diagnose_network_finds_graph_level_mistakes_on_the_loss_graph():
    m, x, y = mlp_232()
    C = nn.squared_error(m(x), y)
    m.zero_grad()
    C.backward()
    w = m.layers[0].neurons[0].w[1]  # w²_12
    right = w.grad
    assert viz.diagnose_network(m, x, y, ("weight", 2, 1, 2), right) == []
    doubled = viz.diagnose_network(m, x, y, ("weight", 2, 1, 2), 2 * right, tol=1e-6)
    assert doubled[:2] == ["half_factor", "no_zero_grad"]  # the notes' erratum first, then the graph-level one


def test_diagnose_network_unrelated_numbers_and_bad_quantities():
    m, x, y = mlp_232()
    assert viz.diagnose_network(m, x, y, ("delta", 3, 1), 12.345) == []
    for bad, match in ((("delta", 1, 1), "l = 2..3"), (("delta", 3, 3), "j = 1..2"), (("weight", 2, 1), "weight"),
                       (("weight", 2, 1, 3), "k = 1..2"), (("gamma", 2, 1), "quantity must be"),
                       (("bias", 2.0, 1), "whole numbers")):
        with pytest.raises(viz.LabError, match=match):
            viz.diagnose_network(m, x, y, bad, 0.1)
    with pytest.raises(viz.LabTypeError, match="the answer must be a number"):
        viz.diagnose_network(m, x, y, ("delta", 3, 1), None)
