"""How a node stores its graph: parents and local_grads read as tuples whatever the op's arity,
a unary or binary node is one collector-tracked object, and the sort's order is the plain DFS's."""
from __future__ import annotations

import gc
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Value, backward_steps, dot, no_grad, sum_values, topo_order
from test_nn_fast_paths import reference_topo_order


def _tracked_referents(node: Value) -> list[object]:
    """The objects the cyclic collector would visit from this node (the class itself aside)."""
    return [r for r in gc.get_referents(node) if gc.is_tracked(r) and r is not Value]


def test_every_arity_reads_back_as_tuples():
    a, b, c = Value(2.0, "a"), Value(-3.0, "b"), Value(0.5, "c")
    cases = [
        (a, (), ()),
        (a.tanh(), (a,), (1.0 - math.tanh(2.0) ** 2,)),
        (a * b, (a, b), (-3.0, 2.0)),
        (a - b, (a, b), (1.0, -1.0)),
        (a / b, (a, b), (1 / -3.0, -(2.0 / -3.0) / -3.0)),
        (sum_values([a]), (a,), (1.0,)),
        (sum_values([a, b]), (a, b), (1.0, 1.0)),
        (sum_values([a, b, c]), (a, b, c), (1.0, 1.0, 1.0)),
        (dot([a], [b]), (a, b), (-3.0, 2.0)),
        (dot([a], [b], c), (a, b, c), (-3.0, 2.0, 1.0)),
        (dot([a, b], [c, c]), (a, b, c, c), (0.5, 0.5, 2.0, -3.0)),
    ]
    for node, parents, local_grads in cases:
        assert type(node.parents) is tuple and type(node.local_grads) is tuple
        assert node.parents == parents and all(p is q for p, q in zip(node.parents, parents))
        assert node.local_grads == pytest.approx(local_grads, rel=1e-15)
        assert node.is_leaf is (parents == ())
    const = (a + 4.0).parents[1]
    assert const.op == "const" and const.parents == () and const.local_grads == () and const.is_leaf


def test_unary_and_binary_nodes_hold_no_tuples():
    a, b = Value(1.5), Value(0.25)
    for node in (a * b, a + b, a - b, a / b, a ** b, a.exp(), a.relu(), -a, a ** 3):
        # one tracked object per node: what the collector finds from it is its parents, nothing else
        assert sorted(map(id, _tracked_referents(node))) == sorted(map(id, set(node.parents)))
    wide = dot([a, b], [b, a], a)
    assert sum(type(r) is tuple for r in gc.get_referents(wide)) == 2  # parents and local_grads


def test_local_grads_can_be_replaced_with_one_number_per_parent():
    a, b = Value(2.0), Value(5.0)
    for node in (a * b, a.exp(), sum_values([a, b, a])):
        n = len(node.parents)
        node.local_grads = [7.0] * n
        assert node.local_grads == (7.0,) * n
        a.grad = b.grad = 0.0
        node.backward()
        assert a.grad == 7.0 * node.parents.count(a) and b.grad == 7.0 * node.parents.count(b)
        with pytest.raises(ValueError, match=f"local_grads: this node has {n} parents, got {n + 1}"):
            node.local_grads = [1.0] * (n + 1)
        with pytest.raises(TypeError, match="local_grads: expected a real number"):
            node.local_grads = ["x"] * n
        assert node.local_grads == (7.0,) * n  # a refused assignment changes nothing
    with pytest.raises(TypeError, match="local_grads: expected a sequence of numbers, one per parent, got int 5"):
        (a * b).local_grads = 5


def test_a_node_can_be_wired_by_hand_as_a_custom_op():
    # a teacher's own op: h = x³ built as a leaf given parents and a local derivative by hand
    x = Value(2.0, "x")
    h = Value(8.0, "h")
    h.op = "cube"
    h.parents = [x]
    assert h.parents == (x,) and h.local_grads == (0.0,) and not h.is_leaf
    h.local_grads = [3 * 2.0**2]
    L = h * 2.0
    L.backward()
    assert x.grad == 24.0  # ∂L/∂h · ∂h/∂x = 2 · 12
    steps = list(backward_steps(L))
    assert [(s.parent, s.local) for s in steps][-1] == (x, 12.0)
    for n in (1, 2, 3, 5):
        node = Value(0.0)
        node.parents = [x] * n
        node.local_grads = range(n)
        assert node.parents == (x,) * n and node.local_grads == tuple(map(float, range(n)))
    node.parents = ()
    assert node.is_leaf and node.local_grads == ()
    with pytest.raises(TypeError, match="parents: expected only Values, got float 1.0"):
        node.parents = [x, 1.0]
    with pytest.raises(TypeError, match="parents: expected a sequence of Values, got Value"):
        node.parents = x
    assert node.is_leaf  # a refused assignment changes nothing


def test_no_grad_results_are_leaves_of_every_arity():
    a, b = Value(2.0), Value(3.0)
    with no_grad():
        nodes = [a.exp(), a * b, dot([a, b], [b, a], a), sum_values([a, b])]
    for node in nodes:
        assert node.parents == () and node.local_grads == () and node.is_leaf and node.op == ""


# random graphs that mix every arity, with shared nodes
_pick = st.integers(0, 10_000)
_op = st.one_of(
    st.tuples(st.sampled_from(["tanh", "relu", "neg"]), _pick),
    st.tuples(st.sampled_from(["add", "mul", "sub"]), _pick, _pick),
    st.tuples(st.just("sum"), st.lists(_pick, min_size=1, max_size=5)),
    st.tuples(st.just("dot"), st.lists(st.tuples(_pick, _pick), min_size=1, max_size=4), st.booleans()),
)


def _build(program: list, leaves: list[float]) -> Value:
    pool = [Value(v, f"x{k}") for k, v in enumerate(leaves)]
    at = lambda i: pool[i % len(pool)]  # noqa: E731
    for op, *args in program:
        if op in ("tanh", "relu", "neg"):
            v = {"tanh": Value.tanh, "relu": Value.relu, "neg": Value.__neg__}[op](at(args[0]))
        elif op in ("add", "mul", "sub"):
            v = {"add": Value.__add__, "mul": Value.__mul__, "sub": Value.__sub__}[op](at(args[0]), at(args[1]))
        elif op == "sum":
            v = sum_values([at(i) for i in args[0]])
        else:
            pairs, with_bias = args
            v = dot([at(i) for i, _ in pairs], [at(j) for _, j in pairs], at(0) if with_bias else None)
        pool.append(v.tanh())  # keeps values bounded
    return sum_values(pool[len(leaves):] or pool)


@settings(max_examples=80, deadline=None)
@given(program=st.lists(_op, min_size=1, max_size=25), leaves=st.lists(st.floats(-1.5, 1.5), min_size=1, max_size=4))
def test_order_and_gradients_match_the_plain_algorithms(program, leaves):
    root = _build(program, leaves)
    order = topo_order(root)
    assert order == reference_topo_order(root)
    # backward() (slots read directly) equals the chain rule applied edge by edge from the tuples
    expected: dict[int, float] = {id(v): 0.0 for v in order}
    expected[id(root)] = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            expected[id(parent)] += local * expected[id(node)]
    root.backward()
    assert [v.grad for v in order] == [expected[id(v)] for v in order]
    # and the stepper, which records each edge, lands on the very same numbers
    for v in order:
        if v.is_leaf:
            v.grad = 0.0
    for _ in backward_steps(root):
        pass
    assert [v.grad for v in order] == [expected[id(v)] for v in order]
