"""viz.steps: the recorded backward pass is complete and its state matches the live engine."""
from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import Value
from viz.steps import BackwardTrace, fmt_number, node_names, trace_backward

UNARY = ("tanh", "sigmoid", "exp_small", "square", "relu")
BINARY = ("+", "-", "*", "/safe")


def random_graph(seed: int, n_leaves: int, n_ops: int, data: list[float] | None = None) -> tuple[Value, list[Value]]:
    """A random DAG with fan-out and repeated operands (a * a), built from a seed (leaf values
    from the seed too, unless `data` gives them)."""
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-1.5, 1.5), f"x{i}") for i in range(n_leaves)]
    for leaf, x in zip(leaves, data or []):
        leaf.data = x
    pool = list(leaves)
    for _ in range(n_ops):
        if rng.random() < 0.4:
            a, op = rng.choice(pool), rng.choice(UNARY)
            out = {"tanh": lambda: a.tanh(), "sigmoid": lambda: a.sigmoid(),
                   "exp_small": lambda: (a.tanh()).exp(), "square": lambda: a ** 2,
                   "relu": lambda: a.relu()}[op]()
        else:
            a, b, op = rng.choice(pool), rng.choice(pool), rng.choice(BINARY)
            out = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
                   "/safe": lambda: a / (b * b + 1.0)}[op]()
        pool.append(out)
    root = pool[-1] if len(pool) > n_leaves else leaves[0] * leaves[-1]
    return root, leaves


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), n_leaves=st.integers(1, 4), n_ops=st.integers(1, 14))
def test_one_step_per_edge_and_contributions_sum_to_each_grad(seed: int, n_leaves: int, n_ops: int) -> None:
    root, _ = random_graph(seed, n_leaves, n_ops)
    trace = trace_backward(root)
    order = engine.topo_order(root)
    assert len(trace) == sum(len(v.parents) for v in order)
    # every edge exactly once
    assert sorted((s.node, s.position) for s in trace.steps) == sorted(
        (k, p) for k, v in enumerate(order) for p in range(len(v.parents)))
    sums: dict[int, float] = {}
    for s in trace.steps:
        sums[s.parent] = sums.get(s.parent, 0.0) + s.contribution
        assert s.contribution == s.local * s.upstream
        assert s.upstream == trace.final[s.node]  # a node passes on its *complete* gradient
    for k, v in enumerate(order[:-1]):
        assert sums[k] == v.grad  # same additions in the same order: exactly equal
    assert trace.final[-1] == 1.0


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), n_ops=st.integers(1, 10))
def test_trace_grads_match_an_independent_backward_and_finite_differences(seed: int, n_ops: int) -> None:
    root, leaves = random_graph(seed, 3, n_ops)
    trace = trace_backward(root)
    twin, twin_leaves = random_graph(seed, 3, n_ops)
    twin.backward()
    assert [v.grad for v in engine.topo_order(twin)] == pytest.approx(trace.final, rel=1e-12, abs=1e-15)

    numeric = engine.numerical_grad(lambda xs: random_graph(seed, 3, n_ops, [x.data for x in xs])[0],
                                    [x.data for x in leaves])
    if any(v.op == "relu" and abs(v.parents[0].data) < 1e-4 for v in trace.order):
        return  # a kink right at the point: finite differences straddle it
    for leaf, num in zip(leaves, numeric):
        assert leaf.grad == pytest.approx(num, rel=1e-5, abs=1e-6)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), n_ops=st.integers(1, 12))
def test_state_after_k_steps_matches_the_live_engine(seed: int, n_ops: int) -> None:
    """grads_at(k) and complete_at(k) reproduce what engine.backward_steps holds after k steps."""
    root, _ = random_graph(seed, 3, n_ops)
    trace = trace_backward(root)
    twin, twin_leaves = random_graph(seed, 3, n_ops)
    order = engine.topo_order(twin)
    for leaf in twin_leaves:
        leaf.grad = 0.0
    uses = {k: 0 for k in range(len(order))}
    for v in order:
        for p in v.parents:
            uses[order.index(p)] += 1
    received = {k: 0 for k in range(len(order))}
    for k, step in enumerate(engine.backward_steps(twin), start=1):
        received[order.index(step.parent)] += 1
        assert trace.grads_at(k) == [v.grad for v in order]
        live_complete = {j for j in range(len(order)) if received[j] == uses[j] and j != len(order) - 1}
        assert trace.complete_at(k) == live_complete | {len(order) - 1}
    start = trace.grads_at(0)
    assert start[-1] == 1.0 and all(g == 0.0 for g in start[:-1])
    assert trace.complete_at(0) == {len(order) - 1}


def test_applied_edges_grow_one_per_step() -> None:
    x, w = Value(2.0, "x"), Value(-1.0, "w")
    trace = trace_backward((x * w).tanh() + x)
    for k in range(len(trace) + 1):
        applied = trace.applied_at(k)
        assert len(applied) == k
        assert applied == [(s.node, s.position) for s in trace.steps[:k]]
    assert len(trace) == 5
    with pytest.raises(IndexError, match=r"0\.\.5"):
        trace.grads_at(6)
    with pytest.raises(IndexError):
        trace.complete_at(-1)


def test_fresh_zeroes_leaves_and_fresh_false_accumulates() -> None:
    x = Value(3.0, "x")
    x.grad = 0.25
    y = x * x
    trace = trace_backward(y)
    assert x.grad == 6.0 and trace.initial[0] == 0.0
    x.grad = 0.25
    trace = trace_backward(y, fresh=False)
    assert x.grad == 6.25 and trace.initial[0] == 0.25
    assert "0.2500 (from before) + 3.0000 + 3.0000 = 6.2500" in trace.text(1)


def test_a_lone_leaf_has_no_steps() -> None:
    x = Value(4.0, "x")
    trace = trace_backward(x)
    assert len(trace) == 0 and trace.final == [1.0]
    assert trace.start_text() == "Start: ∂x/∂x = 1.0000 (the seed); every other gradient waits."


def test_names_keep_labels_and_generate_the_rest() -> None:
    x, w = Value(1.0, "x"), Value(2.0, "w")
    y = (x * w) * 3 + x
    order = engine.topo_order(y)
    names, generated = node_names(order)
    assert names[-1] == "L" and len(order) - 1 in generated
    by_node = dict(zip(map(id, order), names))
    assert by_node[id(x)] == "x" and by_node[id(w)] == "w"
    const = next(v for v in order if v.op == "const")
    k = order.index(const)
    assert by_node[id(const)] == f"c{k}"
    mul = next(v for v in order if v.op == "*" and v.parents[0] is x)
    assert by_node[id(mul)] == f"t{order.index(mul)}"  # as viz.draw names unlabeled nodes
    trace = trace_backward(y)
    assert trace.naming_note() is not None and "t = a computed value" in trace.naming_note()


def test_repeated_labels_are_told_apart() -> None:
    a1, a2 = Value(1.0, "a"), Value(2.0, "a")
    s = a1 * a2
    s.label = "s"
    trace = trace_backward(s)
    assert trace.names == ["a#0", "a#1", "s"]
    assert trace.naming_note() is None


def test_fmt_number() -> None:
    assert fmt_number(0.5) == "0.5000"
    assert fmt_number(-2) == "-2.0000"
    assert fmt_number(-0.0) == "0.0000"
    assert fmt_number(-1e-9) == "-1.0000e-09"
    assert fmt_number(1.23456e8) == "1.2346e+08"
    assert fmt_number(2 / 3, digits=2) == "0.67"
    assert fmt_number(-0.00001, digits=4) == "-1.0000e-05"


def test_trace_rejects_non_values() -> None:
    with pytest.raises(TypeError, match="expected a Value, got float"):
        BackwardTrace(1.5)  # type: ignore[arg-type]
    assert math.isclose(trace_backward(Value(2.0) * Value(3.0)).final[0], 3.0)


@pytest.mark.parametrize("digits", [-1, 13, 99, 2.5, "4", True])
def test_trace_rejects_a_bad_number_of_digits(digits) -> None:
    with pytest.raises(ValueError, match=f"trace_backward: digits must be an int from 0 to 12, got {digits!r}"):
        trace_backward(Value(2.0) * Value(3.0), digits=digits)
    assert trace_backward(Value(2.0, "x") * 3.0, digits=0).num(2.5) in ("2", "3")
