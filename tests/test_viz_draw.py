"""viz.draw: the DOT a learner sees holds the right numbers (closed forms, not the code's own output)."""
from __future__ import annotations

import math
import re

import graphviz
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import viz
from engine import Value, backward_steps, topo_order
from viz import style


def neuron_expression():
    """y = x · tanh(x·w + b), x = 2, w = -0.5, b = 0.8, after backward; x fans out."""
    x, w, b = Value(2.0, "x"), Value(-0.5, "w"), Value(0.8, "b")
    z = x * w + b
    z.label = "z"
    a = z.tanh()
    y = a * x
    y.backward()
    return x, w, b, z, a, y


def node_line(source: str, name: str) -> str:
    """The DOT statement that declares node `name`."""
    match = re.search(rf"^\t+{re.escape(name)} \[.*$", source, re.M)
    assert match, f"no node {name} in the DOT"
    return match.group(0)


def edge_line(source: str, edge_id: str) -> str:
    match = re.search(rf"^\t+\S+ -> \S+ \[.*\bid={re.escape(edge_id)}\b.*$", source, re.M)
    assert match, f"no edge {edge_id} in the DOT"
    return match.group(0)


def g4(v: float) -> str:
    return format(v, ".4g")


def test_records_show_label_data_and_grad_from_the_closed_form():
    x, w, b, z, a, y = neuron_expression()
    src = viz.draw(y).source
    order = topo_order(y)
    t = math.tanh(2.0 * -0.5 + 0.8)
    sech2 = 1 - t * t
    expected = {  # ∂y/∂· by hand: y = x·tanh(xw + b)
        "x": (2.0, t + x.data * sech2 * w.data),
        "w": (-0.5, x.data * sech2 * x.data),
        "b": (0.8, x.data * sech2),
    }
    for label, (data, grad) in expected.items():
        k = next(i for i, v in enumerate(order) if v.label == label)
        line = node_line(src, f"v{k}")
        assert f"<b>{label}</b>" in line
        assert f"data {g4(data)}" in line
        assert f"grad {g4(grad)}" in line


def test_edges_carry_local_derivative_and_signal():
    x, w, b, z, a, y = neuron_expression()
    src = viz.draw(y).source
    order = topo_order(y)
    k_a = order.index(a)
    t = math.tanh(z.data)
    line = edge_line(src, f"e{k_a}_0")  # z -> tanh: local 1 - tanh², upstream ∂y/∂a = x
    assert f"local {g4(1 - t * t)}" in line
    assert f"signal {g4((1 - t * t) * 2.0)}" in line
    k_y = order.index(y)
    assert f"local {g4(2.0)}" in edge_line(src, f"e{k_y}_0")      # ∂(a·x)/∂a = x
    assert f"signal {g4(t)}" in edge_line(src, f"e{k_y}_1")        # ∂(a·x)/∂x · 1 = a


def test_fan_out_shows_the_sum_of_its_signals():
    x, w, b, z, a, y = neuron_expression()
    src = viz.draw(y).source
    t = math.tanh(z.data)
    from_y, from_xw = t, (1 - t * t) * 2.0 * -0.5  # backward order: y = a·x is passed on first
    line = node_line(src, f"v{topo_order(y).index(x)}")
    assert f"= {g4(from_y)} − {g4(-from_xw)}" in line
    assert math.isclose(from_y + from_xw, x.grad)


def test_ids_follow_topo_order_and_a_plus_a_keeps_both_edges():
    a = Value(3.0, "a")
    s = a + a
    s.backward()
    src = viz.draw(s).source
    assert 'id=e1_0' in src and 'id=e1_1' in src
    assert src.count("v0 -> op1") == 2
    assert "grad 2" in node_line(src, "v0")


def test_every_value_op_and_edge_has_its_id():
    x, w, b, z, a, y = neuron_expression()
    src = viz.draw(y).source
    order = topo_order(y)
    for k, node in enumerate(order):
        assert f"id=v{k} " in node_line(src, f"v{k}") + " "
        if node.parents:
            assert f"id=op{k}" in node_line(src, f"op{k}")
            for p in range(len(node.parents)):
                edge_line(src, f"e{k}_{p}")
    assert len(re.findall(r"\bid=e\d+_\d+", src)) == sum(len(v.parents) for v in order)


def test_same_graph_same_dot():
    first = viz.draw(neuron_expression()[-1]).source
    second = viz.draw(neuron_expression()[-1]).source
    assert first == second


def test_preactivation_shows_delta():
    x, w, b, z, a, y = neuron_expression()
    line = node_line(viz.draw(y).source, f"v{topo_order(y).index(z)}")
    assert f"δ {g4(z.grad)}" in line and style.PREACT in line


def test_model_marks_a_relabelled_z():
    from nn.mlp import MLP

    mlp = MLP(2, [1], seed=0)
    out = mlp([1.0, 2.0])[0]
    z = mlp.layers[0].neurons[0].z
    z.label = "pre"
    out.backward()
    k = topo_order(out).index(z)
    assert "δ" not in node_line(viz.draw(out).source, f"v{k}")
    assert f"δ {g4(z.grad)}" in node_line(viz.draw(out, model=mlp).source, f"v{k}")


def test_before_backward_no_grads_or_signals():
    x = Value(1.5, "x")
    y = (x * 2.0).exp()
    src = viz.draw(y).source
    assert not re.search(r"\bgrad\b", src) and "signal" not in src and "local 2" in src
    assert "legend" not in src


def test_colour_encodes_sign_and_size():
    p, n, s = Value(1.0, "p"), Value(1.0, "n"), Value(1.0, "s")
    out = 10.0 * p - 10.0 * n + 0.5 * s  # grads +10, -10, +0.5
    out.backward()
    src = viz.draw(out).source
    order = topo_order(out)
    line = {v.label: node_line(src, f"v{order.index(v)}") for v in (p, n, s)}
    assert style.POSITIVE[2] in line["p"]       # largest positive: darkest red
    assert style.NEGATIVE[2] in line["n"]       # largest negative: darkest blue
    assert style.POSITIVE[0] in line["s"]       # 0.05 of the largest: lightest red
    legend = node_line(src, "legend")
    assert "colour" in legend and "grad in (5, 10]" in legend


def test_fixed_colour_scale():
    p = Value(1.0, "p")
    out = 0.5 * p
    out.backward()
    src = viz.draw(out, colour_scale=10.0).source
    assert style.POSITIVE[0] in node_line(src, f"v{topo_order(out).index(p)}")  # 0.5 of 10: lightest
    assert "grad in (5, 10]" in node_line(src, "legend")
    with pytest.raises(ValueError, match="colour_scale"):
        viz.draw(out, colour_scale=0)


def test_hide_constants_moves_the_number_into_the_op():
    x = Value(3.0, "x")
    y = x * 2.0 + 1.0
    y.backward()
    shown, hidden = viz.draw(y).source, viz.draw(y, hide_constants=True).source
    assert "constant 2" in shown
    assert "constant" not in hidden
    assert 'label="× 2"' in hidden and 'label="+ 1"' in hidden


def test_options_direction_format_title_legend():
    y = neuron_expression()[-1]
    assert "rankdir=TB" in viz.draw(y, rankdir="TB").source
    assert "data 2.000" in viz.draw(y, fmt=".3f").source
    odd = viz.draw(Value(2.0, "q") * 3.0, fmt=lambda v: f"<{v:g}>").source   # not mistaken for HTML
    assert 'label="<3>"' in odd and "data &lt;2&gt;" in odd
    assert 'label="my graph"' in viz.draw(y, title="my graph").source
    assert "legend" not in viz.draw(y, legend=False).source
    assert not re.search(r"\bgrad\b", viz.draw(y, show_grad=False).source)


def test_draw_returns_a_digraph_that_displays_through_our_renderer():
    d = viz.draw(neuron_expression()[-1])
    assert isinstance(d, graphviz.Digraph)
    assert isinstance(d, viz.Diagram)


@pytest.mark.parametrize("bad", [3.0, "x", [Value(1.0)], None])
def test_not_a_value_is_refused(bad):
    with pytest.raises(viz.NotDrawableError, match="draw: expected an engine.Value") as info:
        viz.draw(bad)
    assert isinstance(info.value, TypeError)


def test_an_mlp_points_to_draw_network():
    from nn.mlp import MLP

    with pytest.raises(viz.NotDrawableError, match="draw_network"):
        viz.draw(MLP(2, [3, 1]))


@pytest.mark.parametrize("kwargs, message", [
    ({"rankdir": "UP"}, "rankdir"), ({"max_nodes": 0}, "max_nodes"), ({"max_nodes": 2.5}, "max_nodes"),
    ({"fmt": "%z"}, "format spec"), ({"hide_constants": "yes"}, "hide_constants"),
    ({"model": [1, 2]}, "model must be an nn.MLP"),
])
def test_bad_options_name_the_problem(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        viz.draw(neuron_expression()[-1], **kwargs)


def chain(n: int) -> Value:
    v = Value(0.1, "x0")
    for _ in range(n):
        v = v * 1.0001
    return v


def test_too_many_nodes_is_refused_with_the_count_and_a_way_out():
    root = chain(200)  # 401 nodes: x0, 200 constants, 200 products
    with pytest.raises(viz.GraphTooLargeError, match="401 nodes, more than max_nodes=300") as info:
        viz.draw(root)
    assert "draw_network" in str(info.value) and "one example" in str(info.value)
    assert info.value.nodes == 401 and isinstance(info.value, ValueError)


def test_deep_graph_no_recursion():
    root = chain(5_000)  # 10001 nodes: far deeper than Python's recursion limit
    with pytest.raises(viz.GraphTooLargeError, match="10001 nodes"):
        viz.draw(root)
    src = viz.draw(root, max_nodes=20_000, show_grad=False).source
    assert "id=v10000" in src


# ---------------------------------------------------------------------- the stepper's options
def test_stepper_state_highlight_complete_pending_applied():
    x, w, b, z, a, y = neuron_expression()
    order = topo_order(y)
    k_y = order.index(y)
    src = viz.draw(y, highlight_edge=(y, 1), complete=[y], pending=[x, w], applied_edges=[(y, 0)]).source
    hl = edge_line(src, f"e{k_y}_1")
    assert style.HIGHLIGHT in hl and "penwidth=3" in hl
    assert "signal" in edge_line(src, f"e{k_y}_0")
    assert "signal" not in hl and "signal" not in edge_line(src, f"e{order.index(a)}_0")
    assert 'border="3"' in node_line(src, f"v{k_y}") and style.COMPLETE in node_line(src, f"v{k_y}")
    assert style.MUTED in node_line(src, f"v{order.index(w)}")


def test_partial_state_matches_each_step_of_the_backward_pass():
    x, w, b, z, a, y = neuron_expression()
    order = topo_order(y)
    applied = []
    for step in backward_steps(y):
        applied.append((step.node, step.position))
        src = viz.draw(y, applied_edges=applied, highlight_edge=(step.node, step.position)).source
        line = edge_line(src, f"e{order.index(step.node)}_{step.position}")
        assert f"signal {g4(step.contribution)}" in line
        grad_cell = node_line(src, f"v{order.index(step.parent)}")
        assert f"{'δ' if step.parent is z else 'grad'} {g4(step.parent_grad)}" in grad_cell


@pytest.mark.parametrize("kwargs, error, message", [
    ({"highlight_edge": ("y", 0)}, TypeError, "highlight_edge"),
    ({"highlight_edge": None, "complete": [1.0]}, TypeError, "complete must hold Values"),
    ({"pending": [Value(9.0)]}, ValueError, "not a node of this graph"),
    ({"applied_edges": [(Value(1.0), 0)]}, ValueError, "not a node of this graph"),
])
def test_bad_stepper_state_is_refused(kwargs, error, message):
    with pytest.raises(error, match=message):
        viz.draw(neuron_expression()[-1], **kwargs)


def test_highlight_position_out_of_range():
    y = neuron_expression()[-1]
    with pytest.raises(ValueError, match="position 2 is out of range"):
        viz.draw(y, highlight_edge=(y, 2))


# ---------------------------------------------------------------------- random graphs
OPS = [
    lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b, lambda a, b: a * 3.0,
    lambda a, b: a.tanh(), lambda a, b: a.sigmoid(), lambda a, b: a ** 2, lambda a, b: a + a,
]


@st.composite
def graphs(draw):
    leaves = [Value(draw(st.floats(-2, 2, allow_nan=False)), f"x{i}") for i in range(3)]
    pool = list(leaves)
    for _ in range(draw(st.integers(1, 12))):
        op = draw(st.sampled_from(OPS))
        pool.append(op(draw(st.sampled_from(pool)), draw(st.sampled_from(pool))))
    return pool[-1]


@settings(max_examples=40, deadline=None)
@given(graphs())
def test_random_graphs_every_edge_shows_its_local_derivative(root):
    root.backward()
    src = viz.draw(root).source
    order = topo_order(root)
    assert src == viz.draw(root).source
    for k, node in enumerate(order):
        for p, local in enumerate(node.local_grads):
            line = edge_line(src, f"e{k}_{p}")
            assert f"local {g4(local)}" in line
            assert f"signal {g4(local * node.grad)}" in line
    assert len(re.findall(r"\bid=v\d+\b", src)) == len(order)
