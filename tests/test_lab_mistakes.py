"""The misconception lab, graph level: each mistake's numbers against hand-worked values and against
an independent implementation written here (local derivatives from the ops' formulas, not the engine's)."""
from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
import viz
from engine import Value
from viz.lab import mistakes

from lab_independent import independent, programs


def grads_untouched(*values: Value) -> list[float]:
    return [v.grad for v in values]


# ---------------------------------------------------------------------------- hand-worked graphs
def test_overwrite_on_x_times_x_keeps_one_of_the_two_contributions():
    x = Value(3.0, "x")
    L = x * x
    c = viz.compare_backward(L, "overwrite")
    # ∂(x·x)/∂x = x + x = 6; each edge contributes x · 1 = 3, and = keeps only the last
    assert c.right[x] == 6.0 and c.wrong[x] == 3.0
    assert c.right[L] == c.wrong[L] == 1.0
    assert c.first.step == 1 and c.first.node is x  # the second write overwrites the first
    assert (c.first.right, c.first.wrong) == (6.0, 3.0)
    steps = list(engine.backward_steps(L))
    assert steps[c.first.step].parent is x and c.first.edge == (steps[1].node, steps[1].position)
    assert "overwrite each other instead of adding up" in str(c)


def test_set_parents_on_a_plus_a_and_a_times_a_keeps_one_edge():
    a = Value(2.0, "a")
    c = viz.compare_backward(a + a, "set_parents")
    assert c.right[a] == 2.0 and c.wrong[a] == 1.0  # ∂(a + a)/∂a = 1 + 1, the set keeps one 1
    assert c.first.step == 1 and c.first.node is a
    b = Value(5.0, "b")
    c = viz.compare_backward(b * b, "set_parents")
    assert c.right[b] == 10.0 and c.wrong[b] == 5.0  # 2b, and the set keeps ∂/∂(first b) = b


def test_no_topo_on_a_reused_intermediate_passes_it_on_twice():
    x = Value(3.0, "x")
    u = x * x
    L = u * 3 + u
    c = viz.compare_backward(L, "no_topo")
    # right: ∂L/∂u = 3 + 1 = 4, ∂L/∂x = 4 · 2x = 24.
    # recursion: back(L) gives t = u*3 grad 1, u grad 1; back(t): u += 3 -> 4; back(u): x += 3·4 twice -> 24;
    # then L's second parent u is visited again: x += 3·4 twice more -> 48.
    assert c.right[x] == 24.0 and c.wrong[x] == 48.0
    assert c.wrong[u] == c.right[u] == 4.0
    steps = list(engine.backward_steps(L))
    assert steps[c.first.step].parent is x and all(s.parent is not x for s in steps[: c.first.step])
    assert c.first.node is x


def test_no_topo_on_the_micrograd_threads_example():
    a = Value(1.0, "a")
    b = a + a
    c = b + b  # karpathy/micrograd#64: the recursion visits b twice
    comparison = viz.compare_backward(c, "no_topo")
    # right: ∂c/∂b = 2, ∂c/∂a = 2 · 2 = 4. Recursion: c passes 1 to b twice (b = 2), then b is visited once
    # per edge from c: each visit passes 2 to a along both edges, 2 · 2 · 2 = 8
    assert comparison.right[a] == 4.0 and comparison.wrong[a] == 8.0


def test_preorder_passes_a_gradient_on_before_it_is_complete():
    x = Value(3.0, "x")
    u = x * x
    L = u + u * 3
    c = viz.compare_backward(L, "preorder")
    # pre-order: L, then u (its gradient is 1 so far: the u*3 branch has not contributed), x += 3·1 twice = 6
    assert c.wrong[x] == 6.0 and c.right[x] == 24.0
    assert c.first.node is x


def test_local_only_drops_the_upstream_factor():
    x, w = Value(3.0, "x"), Value(-2.0, "w")
    L = (x * w) * 5
    c = viz.compare_backward(L, "local_only")
    # right ∂L/∂x = 5w = -10; local only: the product node passes ∂(xw)/∂x = w = -2 without × 5
    assert c.right[x] == -10.0 and c.wrong[x] == -2.0
    assert c.right[w] == 15.0 and c.wrong[w] == 3.0
    steps = list(engine.backward_steps(L))
    assert steps[c.first.step].node is not L  # the root's own edges have upstream 1: right by accident
    assert c.first.node in (x, w)


def test_no_seed_makes_every_gradient_zero_from_the_start():
    x = Value(3.0, "x")
    L = x * 2 + x
    c = viz.compare_backward(L, "no_seed")
    assert c.wrong[L] == 0.0 and c.right[L] == 1.0
    assert c.wrong[x] == 0.0 and c.right[x] == 3.0
    assert c.first.step == 0
    lone = Value(4.0, "lone")  # no steps at all: the root itself is the divergence
    c = viz.compare_backward(lone, "no_seed")
    assert c.first.step == 0 and c.first.node is lone and (c.first.right, c.first.wrong) == (1.0, 0.0)


def test_no_zero_grad_doubles_the_leaves_only():
    x, y = Value(3.0, "x"), Value(-1.0, "y")
    t = x * y
    L = t.tanh()
    c = viz.compare_backward(L, "no_zero_grad")
    d = 1 - math.tanh(-3.0) ** 2
    assert c.right[x] == pytest.approx(d * -1.0) and c.wrong[x] == pytest.approx(2 * d * -1.0)
    assert c.wrong[t] == c.right[t] == pytest.approx(d)  # a non-leaf is set afresh by each backward()
    steps = list(engine.backward_steps(L))
    assert steps[c.first.step].parent is x and c.first.step == 1  # the first step into a leaf
    # the same thing the engine really does when backward() runs twice
    x.grad = y.grad = 0.0
    L.backward()
    L.backward()
    assert x.grad == c.wrong[x] and y.grad == c.wrong[y]


def test_a_comparison_does_not_touch_the_graphs_grads():
    x = Value(3.0, "x")
    L = x * x
    L.backward()
    before = grads_untouched(x, L)
    for name in viz.lab.GRAPH_MISTAKES:
        viz.compare_backward(L, name)
    assert grads_untouched(x, L) == before


def test_no_difference_on_a_tree_says_so_and_how_to_expose_it():
    x, w, b = Value(1.0, "x"), Value(-2.0, "w"), Value(0.5, "b")
    L = (x * w + b).tanh()
    c = viz.compare_backward(L, "overwrite")
    assert c.first is None and all(c.right[v] == c.wrong[v] for v in c.right)
    text = str(c)
    assert "no difference here" in text and "x in place of w in t2 = x · w" in text
    assert "no difference" in c.latex()
    x2, b2 = Value(1.0, "x"), Value(0.5, "b")  # the suggested change does expose it
    exposed = (x2 * x2 + b2).tanh()
    assert viz.compare_backward(exposed, "overwrite").first is not None
    assert viz.compare_backward(exposed, "set_parents").first is not None
    plain = Value(2.0, "x") * Value(3.0, "y")
    assert viz.compare_backward(plain, "local_only").first is None
    assert "multiply the whole expression by 2" in str(viz.compare_backward(plain, "local_only"))
    assert viz.compare_backward(plain * 2, "local_only").first is not None
    for name in ("no_topo", "preorder", "set_parents"):
        assert viz.compare_backward(L, name).first is None


def test_the_first_divergence_is_the_first_differing_step_of_backward_steps():
    x = Value(2.0, "x")
    y = Value(-1.0, "y")
    a = x * y
    L = a * a + x  # x used twice (a's and L's), a used twice by one op
    steps = list(engine.backward_steps(L))
    c = viz.compare_backward(L, "set_parents")
    # set_parents drops the second edge of a * a: the first step that differs is that edge
    k = next(i for i, s in enumerate(steps) if s.parent is a and s.position == 1)
    assert c.first.step == k and c.first.node is a
    assert c.first.right == pytest.approx(2 * a.data) and c.first.wrong == pytest.approx(a.data)


def test_no_topo_refuses_an_exponential_walk_quickly():
    x = Value(1.0, "x")
    v = x
    for _ in range(40):  # each level doubles the number of paths: 2^40 visits
        v = v * 0.5 + v * 0.5
    with pytest.raises(viz.LabError, match=r"no_topo: .*visits"):
        viz.compare_backward(v, "no_topo")
    assert viz.compare_backward(v, "preorder").first is not None  # the other walks are fine


def test_path_counts_are_the_visit_counts_of_the_walk():
    x = Value(1.0, "x")
    u = x * x
    v = u + u
    L = v * u
    order = engine.topo_order(L)
    counts = mistakes.path_counts(order)
    # L -> v -> u (2 edges) and L -> u: u is reached along 3 paths, x along 3 · 2 = 6
    assert counts[L] == 1 and counts[v] == 1 and counts[u] == 3 and counts[x] == 6


# ---------------------------------------------------------------------------- bad input
def test_unknown_and_wrong_level_mistakes_are_clear_errors():
    x = Value(1.0, "x")
    with pytest.raises(viz.LabError, match="unknown mistake 'overwrit'; valid: overwrite, no_topo"):
        viz.compare_backward(x * x, "overwrit")
    with pytest.raises(viz.LabError, match="network-level mistake; use viz.compare_network"):
        viz.compare_backward(x * x, "no_transpose")
    with pytest.raises(viz.LabError, match="perceptron"):
        viz.compare_backward(x * x, "perceptron_sign")
    with pytest.raises(viz.LabTypeError, match="expected a Value"):
        viz.compare_backward(3.0, "overwrite")


def test_every_mistake_is_described():
    for name, m in viz.MISTAKES.items():
        assert m.name == name and m.level in ("graph", "network", "perceptron")
        for part in (m.what, m.why, m.source, m.wrong, m.right, m.expose, m.outcome):
            assert part.strip()
        assert "Why it is wrong" in m.description and "Where it comes from" in m.description
    assert set(viz.lab.GRAPH_MISTAKES) == {"overwrite", "no_topo", "preorder", "set_parents", "no_zero_grad",
                                           "no_seed", "local_only"}
    assert set(viz.lab.NETWORK_MISTAKES) == {"no_transpose", "sigma_not_prime", "flipped_sign", "half_factor"}
    with pytest.raises(TypeError):
        viz.MISTAKES["new"] = None  # read-only


# ---------------------------------------------------------------------------- against tests/lab_independent.py
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.sampled_from(("overwrite", "no_topo", "preorder", "set_parents", "no_zero_grad", "no_seed",
                                     "local_only")))
def test_every_mistake_matches_an_independent_implementation(prog, name):
    nodes, g, _ = independent(prog, name)
    _, right, _ = independent(prog, "right")
    c = viz.compare_backward(nodes[-1], name)
    for k, want in g.items():
        assert c.wrong[nodes[k]] == pytest.approx(want, rel=1e-9, abs=1e-12), (k, name)
        assert c.right[nodes[k]] == pytest.approx(right[k], rel=1e-9, abs=1e-12)
    # "no difference here" exactly when the two passes agree on every gradient
    agree = all(math.isclose(c.right[v], c.wrong[v], rel_tol=1e-9, abs_tol=1e-9) for v in c.right)
    assert (c.first is None) == agree
    if c.first is not None:
        steps = list(engine.backward_steps(nodes[-1]))
        assert not math.isclose(c.first.right, c.first.wrong, rel_tol=1e-9, abs_tol=1e-9)
        if c.first.edge is None:  # the wrong pass differs from its start: only the root's own gradient
            assert c.first.step == 0 and c.first.node is nodes[-1] and name == "no_seed"
        else:
            assert steps[c.first.step].parent is c.first.node
            # no earlier step feeds a node whose gradient the mistake changes through a differing step
            assert 0 <= c.first.step < len(steps)
        assert "no difference" not in str(c)
    else:
        assert "no difference here" in str(c)
