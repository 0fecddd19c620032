"""Big graphs drawn collapsed: a neuron, a layer or a labelled subexpression as one node."""
from __future__ import annotations

import re

import pytest

import engine
import nn
import viz
from engine import Value
from viz.diagrams.groups import find_groups


def demo(elementary: bool = False):
    model = nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", elementary=elementary, seed=0)
    loss = nn.hinge(model([0.5, -0.3]), 1)
    loss.backward()
    return model, loss


def drawn_ids(source: str) -> set[str]:
    return set(re.findall(r"\bid=(v\d+)\b", source))


@pytest.mark.parametrize("elementary", [False, True])
def test_max_nodes_limits_what_is_drawn_not_the_graph(elementary) -> None:
    model, loss = demo(elementary)
    order = engine.topo_order(loss)
    assert len(order) > viz.DEFAULT_MAX_NODES
    with pytest.raises(viz.GraphTooLargeError, match=f"{len(order)} nodes, more than max_nodes=300"):
        viz.draw(loss, collapse=None)
    source = viz.draw(loss).source  # collapse="auto": one node per neuron
    ids = drawn_ids(source)
    assert len(ids) <= viz.DEFAULT_MAX_NODES
    index = {id(v): k for k, v in enumerate(order)}
    for layer in model.layers:
        for neuron in layer.neurons:
            a, z = index[id(neuron.a)], index[id(neuron.z)]
            assert f"v{a}" in ids and f"v{z}" not in ids or (a == z and f"v{z}" in ids)
            for w in neuron.w:
                assert f"v{index[id(w)]}" not in ids  # a weight is inside its neuron
    assert f"v{index[id(model.inputs[0])]}" in ids and f"v{len(order) - 1}" in ids


def test_a_neuron_group_is_z_a_and_its_own_weights_fed_by_the_layer_below() -> None:
    model, loss = demo(elementary=True)
    order = engine.topo_order(loss)
    groups = {g.key: g for g in find_groups(order, "neuron")}
    assert len(groups) == 33
    neuron = model.layers[1].neurons[4]  # z³₅
    g = groups["n3_5"]
    labels = {order[k].label for k in g.members}
    assert {"z3_5", "a3_5", "b3_5"} | {w.label for w in neuron.w} <= labels
    # the rest are the 16 products and the 16 partial sums (the last partial sum is z itself)
    assert len(g.members) == 2 + 17 + 16 + 15
    assert [order[k].label for k in g.inputs] == [f"a2_{k}" for k in range(1, 17)]
    assert order[g.output] is neuron.a
    layers = find_groups(order, "layer")
    assert [g.name for g in layers] == ["layer 2: 16 neurons", "layer 3: 16 neurons", "layer 4: 1 neuron"]


def test_the_collapsed_node_shows_inputs_output_and_gradient() -> None:
    model, loss = demo()
    order = engine.topo_order(loss)
    a = model.layers[0].neurons[0].a
    k = order.index(a)
    source = viz.draw(loss, collapse="neuron").source
    node = next(line for line in source.splitlines() if line.strip().startswith(f"v{k} "))
    assert "neuron z²₁ → a²₁" in node and "in: x₁, x₂" in node
    assert f"a²₁ {a.data:.4g}" in node and f"grad {a.grad:.4g}" in node
    assert "gi" in source  # the inputs' edges into the group


def test_a_labelled_subexpression_collapses_and_only_group_draws_its_inside() -> None:
    x, w, b = Value(1.0, "x"), Value(-2.0, "w"), Value(0.5, "b")
    h = (x * w + b).tanh()
    h.label = "h"
    y = h * x
    y.backward()
    order = engine.topo_order(y)
    (g,) = find_groups(order, "labels")
    assert g.key == f"s{order.index(h)}" and {order[k].op for k in g.members} == {"*", "+", "tanh"}
    ids = drawn_ids(viz.draw(y, collapse="labels").source)
    assert ids == {f"v{order.index(v)}" for v in (x, w, b, h, y)}
    inside = drawn_ids(viz.draw(y, only_group=g.key).source)
    assert inside == {f"v{k}" for k in g.members | set(g.inputs)}
    with pytest.raises(ValueError, match="collapse must be one of"):
        viz.draw(y, collapse="neurons")
    with pytest.raises(ValueError, match="only_group='n9_9' is not a group"):
        viz.draw(y, only_group="n9_9")


def test_frames_accept_a_collapse_level() -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid")
    loss = nn.binary_cross_entropy(model([0.2, 0.7]), 1)
    trace = viz.trace_backward(loss)
    full = drawn_ids(viz.frame(trace, 3).source)
    collapsed = drawn_ids(viz.frame(trace, 3, collapse="neuron").source)
    assert len(collapsed) < len(full) and collapsed < full
