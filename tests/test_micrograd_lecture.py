"""Karpathy's micrograd lecture, its README example, its test_engine.py and its demo run on deltagrad.

The lecture's own cells are copied here as the lecture writes them (its trace/draw_dot helpers,
its manual _backward() walk, its topological sort, its Neuron/Layer/MLP), with only the cells
that define its Value class replaced by `from engine import Value`. Numbers are checked against
the lecture's printed values, micrograd 0.1.0 itself (where installed: it is in the test extra),
sympy and central differences.
"""
from __future__ import annotations

import gc
import math
import random

import pytest
import sympy as sp
from graphviz import Digraph

import viz
from engine import Value

try:
    import micrograd.engine as mg_engine
    import micrograd.nn as mg_nn
except ImportError:  # pragma: no cover - the test extra installs micrograd==0.1.0
    mg_engine = mg_nn = None
needs_micrograd = pytest.mark.skipif(
    mg_engine is None, reason="micrograd 0.1.0 is not installed (pip install micrograd==0.1.0, in the test extra)")


# ---------------------------------------------------------------------- the lecture's helper cells
def trace(root):
    # builds a set of all nodes and edges in a graph
    nodes, edges = set(), set()
    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)
    build(root)
    return nodes, edges


def draw_dot(root):
    dot = Digraph(format='svg', graph_attr={'rankdir': 'LR'})  # LR = left to right

    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        # for any value in the graph, create a rectangular ('record') node for it
        dot.node(name=uid, label="{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad), shape='record')
        if n._op:
            # if this value is a result of some operation, create an op node for it
            dot.node(name=uid + n._op, label=n._op)
            # and connect this node to it
            dot.edge(uid + n._op, uid)

    for n1, n2 in edges:
        # connect n1 to the op node of n2
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)

    return dot


def lecture_expression():
    a = Value(2.0, label='a')
    b = Value(-3.0, label='b')
    c = Value(10.0, label='c')
    e = a*b; e.label = 'e'
    d = e + c; d.label = 'd'
    f = Value(-2.0, label='f')
    L = d * f; L.label = 'L'
    return a, b, c, e, d, f, L


def lecture_neuron(with_exp: bool):
    # inputs x1,x2
    x1 = Value(2.0, label='x1')
    x2 = Value(0.0, label='x2')
    # weights w1,w2
    w1 = Value(-3.0, label='w1')
    w2 = Value(1.0, label='w2')
    # bias of the neuron
    b = Value(6.8813735870195432, label='b')
    # x1*w1 + x2*w2 + b
    x1w1 = x1*w1; x1w1.label = 'x1*w1'
    x2w2 = x2*w2; x2w2.label = 'x2*w2'
    x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
    n = x1w1x2w2 + b; n.label = 'n'
    if with_exp:
        # ----
        e = (2*n).exp()
        o = (e - 1) / (e + 1)
        # ----
    else:
        o = n.tanh()
    o.label = 'o'
    return dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, x1w1=x1w1, x2w2=x2w2, x1w1x2w2=x1w1x2w2, n=n, o=o)


# ---------------------------------------------------------------------- part 1: L = d·f
def test_lecture_expression_L_is_minus_8_with_the_lectures_grads() -> None:
    a, b, c, e, d, f, L = lecture_expression()
    assert L.data == -8.0
    L.backward()
    assert [a.grad, b.grad, c.grad, e.grad, d.grad, f.grad] == [6.0, -4.0, -2.0, -2.0, -2.0, 4.0]


def test_lecture_manual_backward_walk_on_L_equals_backward() -> None:
    a, b, c, e, d, f, L = lecture_expression()
    L.grad = 1.0
    L._backward()
    d._backward()
    e._backward()
    for leaf in (a, b, c, f):
        leaf._backward()  # a leaf passes nothing on
    walked = [a.grad, b.grad, c.grad, e.grad, d.grad, f.grad]
    *fresh, L2 = lecture_expression()
    L2.backward()
    assert walked == [v.grad for v in fresh[:6]] == [6.0, -4.0, -2.0, -2.0, -2.0, 4.0]


def test_lecture_trace_and_draw_dot_cells_run_on_deltagrads_values() -> None:
    a, b, c, e, d, f, L = lecture_expression()
    L.backward()
    nodes, edges = trace(L)
    assert nodes == {a, b, c, e, d, f, L}
    assert edges == {(a, e), (b, e), (e, d), (c, d), (d, L), (f, L)}
    dot = draw_dot(L)
    assert "{ a | data 2.0000 | grad 6.0000 }" in dot.source
    assert "{ L | data -8.0000 | grad 1.0000 }" in dot.source
    assert dot.source.count("label=\"*\"") == 2 and dot.source.count("label=\"+\"") == 1
    svg = viz.to_svg(dot)  # the lecture's own Digraph, rendered without system Graphviz
    assert "data &#45;8.0000" in svg or "data -8.0000" in svg


def test_lecture_nudge_step_increases_L() -> None:
    """The lecture nudges every leaf by 0.01 along its grad: L goes from -8 to about -7.29."""
    a, b, c, e, d, f, L = lecture_expression()
    L.backward()
    for leaf in (a, b, c, f):
        leaf.data += 0.01 * leaf.grad
    e = a*b
    d = e + c
    L = d * f
    expected = (2.06 * -3.04 + 9.98) * -1.96  # the same nudge in plain floats
    assert math.isclose(L.data, expected, rel_tol=1e-12) and L.data > -8.0


def test_lecture_constants_are_leaves_with_an_empty_op_as_in_micrograd() -> None:
    n = Value(0.5, label='n')
    e = (2*n).exp()
    two = (2*n).parents[0]
    assert two.op == "const" and two._op == "" and two._prev == set()
    nodes, _ = trace((e - 1) / (e + 1))
    assert all(v._op for v in nodes if v.parents) and all(v._op == "" for v in nodes if not v.parents)


# ---------------------------------------------------------------------- part 2: the neuron
@pytest.mark.parametrize("with_exp", [False, True], ids=["tanh", "exp_formula"])
def test_lecture_neuron_o_is_0_7071_with_the_lectures_grads(with_exp: bool) -> None:
    v = lecture_neuron(with_exp)
    assert round(v["o"].data, 4) == 0.7071
    assert math.isclose(v["o"].data, math.sqrt(0.5), rel_tol=1e-12)  # b was picked so that n = 0.8814 = atanh(√½)
    v["o"].backward()
    assert math.isclose(v["n"].grad, 0.5, rel_tol=1e-12)  # 1 - o² = 1/2
    assert [round(v[k].grad, 4) for k in ("x1", "w1", "x2", "w2")] == [-1.5, 1.0, 0.5, 0.0]


def test_lecture_manual_backward_walk_on_the_neuron_equals_backward() -> None:
    v = lecture_neuron(False)
    o, n, b, x1w1x2w2, x2w2, x1w1 = (v[k] for k in ("o", "n", "b", "x1w1x2w2", "x2w2", "x1w1"))
    o.grad = 1.0
    o._backward()
    n._backward()
    b._backward()
    x1w1x2w2._backward()
    x2w2._backward()
    x1w1._backward()
    walked = {k: node.grad for k, node in v.items()}
    fresh = lecture_neuron(False)
    fresh["o"].backward()
    assert walked == {k: node.grad for k, node in fresh.items()}


@pytest.mark.parametrize("with_exp", [False, True], ids=["tanh", "exp_formula"])
def test_lecture_topological_sort_then_backward_walk_equals_backward(with_exp: bool) -> None:
    v = lecture_neuron(with_exp)
    o = v["o"]
    topo = []
    visited = set()
    def build_topo(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)
    build_topo(o)
    o.grad = 1.0
    for node in reversed(topo):
        node._backward()
    walked = {k: node.grad for k, node in v.items()}
    fresh = lecture_neuron(with_exp)
    fresh["o"].backward()
    expected = {k: node.grad for k, node in fresh.items()}
    assert walked.keys() == expected.keys()
    assert all(math.isclose(walked[k], expected[k], rel_tol=1e-12, abs_tol=1e-15) for k in walked)


def test_lecture_bug_a_plus_a_gets_both_edges() -> None:
    """The lecture's "a + a" bug: deltagrad's node keeps both edges, so the walk gives 2, not 1."""
    a = Value(3.0, label='a')
    b = a + a; b.label = 'b'
    assert b._prev == {a} and b.parents == (a, a)
    b.grad = 1.0
    b._backward()
    assert a.grad == 2.0


def test_lecture_draw_dot_is_deltagrads_diagram() -> None:
    v = lecture_neuron(False)
    v["o"].backward()
    d = viz.draw_dot(v["o"])
    assert isinstance(d, Digraph) and d.format == "svg"
    assert "rankdir=LR" in d.source and "x1*w1 + x2*w2" in d.source
    assert hasattr(d, "_repr_svg_") and d._repr_svg_().lstrip().startswith(("<?xml", "<svg"))
    tb = viz.draw_dot(v["o"], format="png", rankdir="TB")
    assert tb.format == "png" and "rankdir=TB" in tb.source
    assert viz.to_png(tb).startswith(b"\x89PNG")


def test_draw_dot_rejects_bad_arguments() -> None:
    x = Value(1.0) * 2
    with pytest.raises(viz.UnsupportedFormatError, match="draw_dot: format must be one of svg, png, got 'pdf'"):
        viz.draw_dot(x, format="pdf")
    with pytest.raises(ValueError, match="draw_dot: rankdir must be one of"):
        viz.draw_dot(x, rankdir="up")
    with pytest.raises(viz.NotDrawableError):
        viz.draw_dot([x])  # type: ignore[arg-type]


# ---------------------------------------------------------------------- _prev, _op, _backward
def test_prev_and_op_are_read_only_with_a_clear_error() -> None:
    x = Value(1.0) * 3
    with pytest.raises(AttributeError, match="Value._prev is read-only.*v.parents = "):
        x._prev = set()
    with pytest.raises(AttributeError, match="Value._op is read-only.*v.op = "):
        x._op = "+"
    assert x._op == "*" and x.op == "*"


def test_backward_step_is_a_no_op_on_a_leaf_and_passes_zeros_while_grad_is_zero() -> None:
    leaf = Value(2.0)
    leaf.grad = 5.0
    leaf._backward()
    assert leaf.grad == 5.0
    a, b = Value(2.0), Value(-1.0)
    y = a * b
    y._backward()  # y.grad is still 0
    assert (a.grad, b.grad) == (0.0, 0.0)
    y.grad = 2.0
    y._backward()
    y._backward()  # twice: micrograd accumulates twice too
    assert (a.grad, b.grad) == (2 * 2.0 * -1.0, 2 * 2.0 * 2.0)


def test_backward_step_reads_the_same_local_grads_as_backward_for_every_arity() -> None:
    from engine import dot, sum_values

    xs = [Value(float(k) - 1.5) for k in range(4)]
    root = sum_values([dot(xs[:2], xs[2:], xs[0]), xs[1].sigmoid(), xs[3] ** 3])
    fresh = [Value(x.data) for x in xs]
    root_fresh = sum_values([dot(fresh[:2], fresh[2:], fresh[0]), fresh[1].sigmoid(), fresh[3] ** 3])
    from engine import topo_order

    root.grad = 1.0
    for node in reversed(topo_order(root)):
        node._backward()
    root_fresh.backward()
    assert [x.grad for x in xs] == [x.grad for x in fresh]  # bit for bit: the same products and sums


# ---------------------------------------------------------------------- part 3: the lecture's MLP
class Neuron:

    def __init__(self, nin):
        self.w = [Value(random.uniform(-1,1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1,1))

    def __call__(self, x):
        # w * x + b
        act = sum((wi*xi for wi, xi in zip(self.w, x)), self.b)
        out = act.tanh()
        return out

    def parameters(self):
        return self.w + [self.b]


class Layer:

    def __init__(self, nin, nout):
        self.neurons = [Neuron(nin) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP:

    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i+1]) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


XS = [
    [2.0, 3.0, -1.0],
    [3.0, -1.0, 0.5],
    [0.5, 1.0, 1.0],
    [1.0, 1.0, -1.0],
]
YS = [1.0, -1.0, -1.0, 1.0]  # desired targets


def float_forward(weights: list[list[tuple[list[float], float]]], x: list[float]) -> float:
    """The lecture's MLP in plain floats, from its weights: the independent check of each loss."""
    for layer in weights:
        x = [math.tanh(sum((w * xi for w, xi in zip(ws, x)), b)) for ws, b in layer]
    return x[0]


def test_lecture_mlp_trains_on_the_four_examples_and_every_loss_is_right() -> None:
    random.seed(0)
    n = MLP(3, [4, 4, 1])
    assert isinstance(n([2.0, 3.0, -1.0]), Value)  # one output neuron: a bare Value
    assert len(n.parameters()) == 41
    losses = []
    for k in range(20):
        # forward pass
        ypred = [n(x) for x in XS]
        loss = sum((yout - ygt)**2 for ygt, yout in zip(YS, ypred))
        weights = [[([w.data for w in ne.w], ne.b.data) for ne in layer.neurons] for layer in n.layers]
        by_floats = sum((float_forward(weights, x) - y) ** 2 for x, y in zip(XS, YS))
        assert math.isclose(loss.data, by_floats, rel_tol=1e-12)
        # backward pass
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        if k == 0:  # the gradient itself, against central differences on the float model
            for i, p in enumerate(n.parameters()[::5]):
                p.data += 1e-6
                up = sum((float_forward([[([w.data for w in ne.w], ne.b.data) for ne in layer.neurons]
                                          for layer in n.layers], x) - y) ** 2 for x, y in zip(XS, YS))
                p.data -= 2e-6
                down = sum((float_forward([[([w.data for w in ne.w], ne.b.data) for ne in layer.neurons]
                                            for layer in n.layers], x) - y) ** 2 for x, y in zip(XS, YS))
                p.data += 1e-6
                assert math.isclose(p.grad, (up - down) / 2e-6, rel_tol=1e-5, abs_tol=1e-7)
        # update
        for p in n.parameters():
            p.data += -0.05 * p.grad
        losses.append(loss.data)
    assert losses[-1] < 0.1 * losses[0]
    assert all(later < earlier for earlier, later in zip(losses, losses[1:]))


# ---------------------------------------------------------------------- micrograd's README and tests
def readme_example(Value):
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return g, a, b


def sanity_check(Value):
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return y, x


def sympy_readme():
    A, B = sp.symbols("a b", real=True)
    relu = lambda t: sp.Piecewise((t, t > 0), (0, True))
    c = A + B
    d = A * B + B**3
    c = c + c + 1
    c = c + 1 + c + (-A)
    d = d + d * 2 + relu(B + A)
    d = d + 3 * d + relu(B - A)
    f = (c - d) ** 2
    g = f / 2 + 10 / f
    at = {A: -4, B: 2}
    return float(g.subs(at)), float(sp.diff(g, A).subs(at)), float(sp.diff(g, B).subs(at))


def test_micrograd_readme_example_gives_its_numbers() -> None:
    g, a, b = readme_example(Value)
    assert f"{g.data:.4f}" == "24.7041"   # the README's printed values
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"
    exact = sympy_readme()
    assert all(math.isclose(x, y, rel_tol=1e-12) for x, y in zip((g.data, a.grad, b.grad), exact))


@needs_micrograd
def test_micrograd_readme_example_equals_micrograd_itself() -> None:
    g, a, b = readme_example(Value)
    mg, ma, mb = readme_example(mg_engine.Value)
    assert (g.data, a.grad, b.grad) == pytest.approx((mg.data, ma.grad, mb.grad), rel=1e-12)


def test_micrograd_sanity_check_expression() -> None:
    y, x = sanity_check(Value)
    X = sp.Symbol("x", real=True)
    relu = lambda t: sp.Piecewise((t, t > 0), (0, True))
    z = 2 * X + 2 + X
    q = relu(z) + z * X
    h = relu(z * z)
    Y = h + q + q * X
    assert y.data == float(Y.subs(X, -4)) == -20.0
    assert x.grad == float(sp.diff(Y, X).subs(X, -4)) == 46.0


@needs_micrograd
def test_micrograd_sanity_check_equals_micrograd_itself() -> None:
    y, x = sanity_check(Value)
    my, mx = sanity_check(mg_engine.Value)
    assert (y.data, x.grad) == (my.data, mx.grad)


def test_micrograd_readme_and_sanity_check_against_central_differences() -> None:
    from engine import numerical_grad

    def g_of(v):
        a, b = v
        c = a + b
        d = a * b + b**3
        c += c + 1
        c += 1 + c + (-a)
        d += d * 2 + (b + a).relu()
        d += 3 * d + (b - a).relu()
        f = (c - d) ** 2
        return f / 2.0 + 10.0 / f

    _, a, b = readme_example(Value)
    numeric = numerical_grad(g_of, [-4.0, 2.0])
    assert math.isclose(a.grad, numeric[0], rel_tol=1e-6) and math.isclose(b.grad, numeric[1], rel_tol=1e-6)


# ---------------------------------------------------------------------- nn.micrograd
def demo_loss(Value, model, X, y):
    """micrograd's demo loss (demo.ipynb), written once for either library's Value."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum((p*p for p in model.parameters()))
    return data_loss + reg_loss


def _noop() -> None:
    pass


def free_micrograd_graph(root) -> None:
    """Break micrograd's closure cycles (each node's _backward refers to the node) so that the
    graph is freed at once: 20 steps would otherwise keep ~1 GB for the collector."""
    stack, seen = [root], set()
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen.add(id(v))
            stack.extend(v._prev)
            v._backward, v._prev = _noop, set()


def train_demo(Value, MLP, X, y, steps, after_step=None):
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    history = []
    for k in range(steps):
        # forward
        total_loss = demo_loss(Value, model, X, y)
        # backward
        model.zero_grad()
        total_loss.backward()
        # update (sgd)
        learning_rate = 1.0 - 0.9*k/100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        history.append(total_loss.data)
        if after_step is not None:
            after_step(total_loss)
    return history, model


@needs_micrograd
def test_nn_micrograd_demo_gives_micrograds_loss_at_every_step_of_20() -> None:
    from nn import datasets
    from nn.micrograd import MLP as CompatMLP

    X, labels = datasets.moons(50, noise=0.1, seed=0)  # fewer points than the demo's 100: the test's time
    y = datasets.signed(labels)
    ours, model = train_demo(Value, CompatMLP, X, y, 20)
    was_enabled = gc.isenabled()
    gc.disable()  # micrograd's nodes are cycles: the collector's passes would take most of its time
    try:
        theirs, mg_model = train_demo(mg_engine.Value, mg_nn.MLP, X, y, 20, after_step=free_micrograd_graph)
    finally:
        if was_enabled:
            gc.enable()
    assert len(ours) == len(theirs) == 20
    for k, (a, b) in enumerate(zip(ours, theirs)):
        assert math.isclose(a, b, rel_tol=1e-9), (k, a, b)
    assert ours[-1] < ours[0]
    assert all(math.isclose(p.data, q.data, rel_tol=1e-9, abs_tol=1e-12)
               for p, q in zip(model.parameters(), mg_model.parameters()))


@needs_micrograd
def test_nn_micrograd_draws_micrograds_weights_and_has_its_reprs() -> None:
    from nn.micrograd import MLP as CompatMLP

    for nin, nouts in [(2, [16, 16, 1]), (3, [4, 4, 1]), (1, [2]), (4, [3, 2])]:
        random.seed(42)
        ours = CompatMLP(nin, nouts)
        random.seed(42)
        theirs = mg_nn.MLP(nin, nouts)
        assert repr(ours) == repr(theirs)
        assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
        assert [repr(layer) for layer in ours.layers] == [repr(layer) for layer in theirs.layers]
        x = [0.5 * (k + 1) for k in range(nin)]
        out, ref = ours(x), theirs(x)
        if isinstance(ref, list):
            assert isinstance(out, list) and [o.data for o in out] == pytest.approx([r.data for r in ref], rel=1e-15)
        else:
            assert isinstance(out, Value) and out.data == pytest.approx(ref.data, rel=1e-15)


def test_nn_micrograd_structure_and_graph() -> None:
    from nn.micrograd import MLP as CompatMLP, Layer as CompatLayer, Module as CompatModule, Neuron as CompatNeuron

    random.seed(0)
    neuron = CompatNeuron(3)
    assert repr(neuron) == "ReLUNeuron(3)" and repr(CompatNeuron(2, nonlin=False)) == "LinearNeuron(2)"
    assert neuron.b.data == 0.0 and all(-1 <= w.data <= 1 for w in neuron.w)
    out = neuron([1.0, 2.0, 3.0])
    assert out.op == "relu"
    act = out.parents[0]  # ((b + w1·x1) + w2·x2) + w3·x3: micrograd's binary graph
    ops = []
    while act.op == "+":
        ops.append(act.parents[1].op)
        act = act.parents[0]
    assert act is neuron.b and ops == ["*", "*", "*"]
    layer = CompatLayer(2, 1, nonlin=False)
    assert repr(layer) == "Layer of [LinearNeuron(2)]" and isinstance(layer([1.0, -1.0]), Value)
    assert isinstance(CompatLayer(2, 3)([1.0, -1.0]), list)
    mlp = CompatMLP(2, [3, 1])
    assert repr(mlp) == "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(3)]]"
    assert len(mlp.parameters()) == 3 * 3 + 4
    mlp([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in mlp.parameters())
    mlp.zero_grad()
    assert all(p.grad == 0.0 for p in mlp.parameters())
    assert CompatModule().parameters() == []


def test_nn_micrograd_bad_input_is_a_clear_error() -> None:
    from nn import ConfigError, ShapeError
    from nn.micrograd import MLP as CompatMLP, Neuron as CompatNeuron

    with pytest.raises(ShapeError, match="micrograd.Neuron: expected 2 inputs, got 3"):
        CompatMLP(2, [3, 1])([1.0, 2.0, 3.0])
    with pytest.raises(ConfigError, match="micrograd.Neuron: nin must be a positive int"):
        CompatNeuron(0)
    with pytest.raises(ConfigError, match="micrograd.MLP: nouts must be a non-empty list"):
        CompatMLP(2, [])
    with pytest.raises(ConfigError, match="micrograd.Layer: nout must be a positive int"):
        CompatMLP(2, [3, 0])
    with pytest.raises(ConfigError, match="nonlin must be True or False"):
        CompatNeuron(2, nonlin="yes")  # type: ignore[arg-type]


def test_nn_micrograd_docstring_example() -> None:
    import doctest

    import nn.micrograd

    result = doctest.testmod(nn.micrograd, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0


def test_nn_micrograd_is_reachable_as_nn_micrograd() -> None:
    import nn

    assert nn.micrograd.MLP.__module__ == "nn.micrograd"
