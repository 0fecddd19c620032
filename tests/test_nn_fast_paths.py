"""The speed paths build exactly the graph the plain paths build: batch forward, dot_node."""
from __future__ import annotations

import pytest

from engine import Value, dot, topo_order
from engine.value import dot_node
from nn import MLP, dataset_loss

X = [[0.5, -1.25], [2.0, 0.75], [-0.3, 0.1]]


def graph(root: Value) -> list[tuple]:
    """Every node reachable from root as (op, label, data, local_grads, parent positions), in DFS order."""
    order, index, stack = [], {}, [root]
    while stack:
        node = stack.pop()
        if id(node) in index:
            continue
        index[id(node)] = len(order)
        order.append(node)
        stack.extend(reversed(node.parents))
    return [(v.op, v.label, v.data, v.local_grads, tuple(index[id(p)] for p in v.parents)) for v in order]


@pytest.mark.parametrize("elementary", [False, True])
def test_batch_forward_is_the_per_example_forward(elementary):
    mlp = MLP(2, [3, 2], activation="tanh", output_activation="sigmoid", seed=3, elementary=elementary)
    one_by_one = [mlp(x) for x in X]
    last_z = [[n.z.data for n in layer.neurons] for layer in mlp.layers]
    batch = mlp._forward_batch(X)
    assert [[graph(a) for a in out] for out in batch] == [[graph(a) for a in out] for out in one_by_one]
    assert [[n.z.data for n in layer.neurons] for layer in mlp.layers] == last_z
    assert all(n.a is out for n, out in zip(mlp.layers[-1].neurons, batch[-1]))
    assert [v.data for v in mlp.inputs] == X[-1]


def test_a_weight_replaced_by_a_number_still_counts_as_a_constant():
    mlp = MLP(2, [2, 1], activation="relu", seed=1)
    mlp.layers[0].neurons[0].w[1] = 0.25  # not a Value: dot() lifts it, as before the fast path
    L = dataset_loss(mlp, X, [1.0, -1.0, 1.0])
    z = mlp.layers[0].neurons[0].z
    assert z.parents[1].op == "const" and z.parents[1].data == 0.25
    assert z.data == pytest.approx(mlp.layers[0].neurons[0].w[0].data * X[-1][0] + 0.25 * X[-1][1]
                                   + mlp.layers[0].neurons[0].b.data, abs=1e-15)
    L.backward()


def test_a_weight_list_of_the_wrong_length_is_still_refused_by_dot():
    mlp = MLP(2, [2, 1], activation="relu", seed=1)
    neuron = mlp.layers[0].neurons[1]
    neuron.w.append(Value(0.5))
    neuron.w[0] = 0.25  # two Values among three weights: as many as inputs, still not a match
    with pytest.raises(ValueError, match="dot: expected 3 inputs to match 3 weights, got 2"):
        dataset_loss(mlp, X, [1.0, -1.0, 1.0])


def test_dot_node_is_dot_for_values():
    w, x, b = [Value(0.5), Value(-2.0)], [Value(3.0), Value(0.125)], Value(0.75)
    for bias in (b, None):
        fast = dot_node(w, x, bias, [v.data for v in w], [v.data for v in x])
        plain = dot(w, x, bias)
        assert (fast.data, fast.parents, fast.local_grads, fast.op) == (
            plain.data, plain.parents, plain.local_grads, plain.op)
    assert dot(w, x, b).data == 0.5 * 3.0 + -2.0 * 0.125 + 0.75


def reference_topo_order(root: Value) -> list[Value]:
    """The plain iterative DFS: parents in order, a node emitted after all its parents."""
    order, seen, stack = [], {root}, [(root, iter(root.parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent not in seen:
                seen.add(parent)
                stack.append((parent, iter(parent.parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def test_topo_order_shortcut_keeps_the_depth_first_order():
    mlp = MLP(2, [4, 4, 1], activation="relu", output_activation="linear", seed=2)
    L = dataset_loss(mlp, X, [1.0, -1.0, 1.0], l2=1e-3)  # dot nodes whose parents are all placed
    a, b = Value(1.5, "a"), Value(-0.5, "b")
    shared = a * b
    diamond = (shared + a) * (shared - b) + dot([a, b], [shared, shared], b)
    for root in (L, diamond, a):
        assert topo_order(root) == reference_topo_order(root)
