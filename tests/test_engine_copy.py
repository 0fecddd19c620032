"""Issue 11: copy.deepcopy and pickle of a 10⁵-deep graph raised RecursionError; now they work
without recursion and keep sharing (one pickle or one deepcopy keeps one copy of a shared node)."""
from __future__ import annotations

import copy
import pickle
import sys

import pytest

from engine import Value, dot, topo_order


def deep_chain(n: int = 100_000) -> tuple[Value, Value, Value]:
    x, w = Value(0.5, "x"), Value(1.0000001, "w")
    y = x
    for _ in range(n):
        y = y * w
    return x, w, y


def same_graph(a: Value, b: Value) -> None:
    """Every node of a's graph matches b's in data, grad, op, label, parents order and local_grads."""
    oa, ob = topo_order(a), topo_order(b)
    assert len(oa) == len(ob)
    index_a = {id(v): i for i, v in enumerate(oa)}
    index_b = {id(v): i for i, v in enumerate(ob)}
    for u, v in zip(oa, ob):
        assert u is not v
        assert (u.data, u.grad, u.op, u.label, u.local_grads) == (v.data, v.grad, v.op, v.label, v.local_grads)
        assert [index_a[id(p)] for p in u.parents] == [index_b[id(p)] for p in v.parents]


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_copy_of_a_deep_graph_works_without_recursion(how):
    x, w, y = deep_chain()
    y.backward()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        back = copy.deepcopy(y) if how == "deepcopy" else pickle.loads(pickle.dumps(y))
    finally:
        sys.setrecursionlimit(limit)
    same_graph(y, back)
    back.backward()  # the copy is a working graph: same gradients again (leaves accumulate)
    w_copy = back.parents[1]
    assert w_copy.grad == pytest.approx(2 * w.grad, rel=1e-12) and w_copy is not w


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_copy_pickle_keeps_sharing_between_objects_in_one_pickle(protocol):
    a = Value(2.0, "a")
    b = (a * a + 1.0).tanh()
    c = dot([a, b, a], [b, 3.0, 1.0], a)
    for objects in ([a, b, c], [c, b, a], [b, c], {"c": c, "a": a}):
        back = pickle.loads(pickle.dumps(objects, protocol=protocol))
        items = list(back.values()) if isinstance(back, dict) else back
        originals = list(objects.values()) if isinstance(objects, dict) else objects
        for orig, new in zip(originals, items):
            same_graph(orig, new)
        # one copy of every node, however many of the pickled objects reach it
        new_ids = {id(v) for new in items for v in topo_order(new)}
        old_ids = {id(v) for orig in originals for v in topo_order(orig)}
        assert len(new_ids) == len(old_ids) == 8  # a, a*a, 1.0, +, tanh, 3.0, 1.0, dot: each once
    a2, b2 = pickle.loads(pickle.dumps([a, b], protocol=protocol))
    assert b2.parents[0].parents[0].parents[0] is a2  # b = tanh(a*a + 1): the one a


def test_copy_deepcopy_keeps_sharing_and_the_memo():
    a = Value(2.0, "a")
    b = a * 3
    a2, b2 = copy.deepcopy([a, b])
    assert b2.parents[0] is a2 and a2 is not a
    memo: dict = {}
    c2 = copy.deepcopy(b, memo)
    assert copy.deepcopy(a, memo) is c2.parents[0]


def test_copy_repeated_pickles_stay_non_recursive():
    # a pickle of [a, b] leaves no state behind that would make the next pickle of a recurse
    x, w, y = deep_chain(50_000)
    z = y * 2.0
    pickle.dumps([y, z])
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        same_graph(y, pickle.loads(pickle.dumps(y)))
        same_graph(z, copy.deepcopy(z))
    finally:
        sys.setrecursionlimit(limit)


def test_copy_shallow_copy_shares_parents():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = copy.copy(c)
    assert d is not c and d.parents == (a, b) and d.parents[0] is a and d.local_grads == c.local_grads


def test_copy_of_an_mlp_after_a_forward_pass():
    nn = pytest.importorskip("nn")
    mlp = nn.MLP(3, [4, 1])
    x = [Value(0.1), 0.2, 0.3]
    out = mlp(x)
    out = out[0] if isinstance(out, list) else out
    deep = out
    for _ in range(100_000):
        deep = deep * 1.0
    mlp._deep_graph_for_test = deep  # an MLP holding a 10⁵-deep graph
    for clone in (copy.deepcopy(mlp), pickle.loads(pickle.dumps(mlp))):
        assert [p.data for p in clone.parameters()] == [p.data for p in mlp.parameters()]
        assert clone(x)[0].data == out.data if isinstance(clone(x), list) else clone(x).data == out.data
        same_graph(mlp._deep_graph_for_test, clone._deep_graph_for_test)
        params = {id(p) for p in clone.parameters()}
        assert {id(v) for v in topo_order(clone._deep_graph_for_test) if v.label.startswith(("w", "b"))} <= params
