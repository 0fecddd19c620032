"""Gradients against PyTorch's autograd (float64), where torch is installed; skipped elsewhere."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch", reason="PyTorch is not installed (pip install torch): optional cross-check")

from engine import Value, dot  # noqa: E402
from nn import MLP, cross_entropy, squared_error  # noqa: E402

OPS = ["add", "sub", "mul", "div", "neg", "exp", "log", "tanh", "sigmoid", "relu", "square", "pow_values"]


def apply(op, a, b, ta, tb):
    """The same op on two Values and on two torch tensors; None when outside a safe domain."""
    if op == "div" and abs(b.data) < 0.2 or op == "log" and a.data < 0.2:
        return None
    if op == "pow_values" and not (0.2 < a.data < 5 and abs(b.data) < 3):
        return None
    if op in ("exp", "mul", "square") and (abs(a.data) > 5 or abs(b.data) > 5):
        return None
    if op == "relu" and abs(a.data) < 1e-3:
        return None
    return {
        "add": lambda: (a + b, ta + tb),
        "sub": lambda: (a - b, ta - tb),
        "mul": lambda: (a * b, ta * tb),
        "div": lambda: (a / b, ta / tb),
        "neg": lambda: (-a, -ta),
        "exp": lambda: (a.exp(), ta.exp()),
        "log": lambda: (a.log(), ta.log()),
        "tanh": lambda: (a.tanh(), ta.tanh()),
        "sigmoid": lambda: (a.sigmoid(), ta.sigmoid()),
        "relu": lambda: (a.relu(), ta.relu()),
        "square": lambda: (a**2, ta**2),
        "pow_values": lambda: (a**b, ta**tb),
    }[op]()


@settings(max_examples=60, deadline=None)
@given(
    program=st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 999), st.integers(0, 999)), min_size=1, max_size=30),
    leaves=st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=1, max_size=4),
)
def test_random_graphs_match_torch_autograd(program, leaves):
    values = [Value(x, f"x{k}") for k, x in enumerate(leaves)]
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in leaves]
    pool_v, pool_t = list(values), list(tensors)
    for op, i, j in program:
        i, j = i % len(pool_v), j % len(pool_v)
        built = apply(op, pool_v[i], pool_v[j], pool_t[i], pool_t[j])
        if built is None:
            built = (pool_v[i].tanh(), pool_t[i].tanh())
        pool_v.append(built[0])
        pool_t.append(built[1])
    pool_v[-1].backward()
    pool_t[-1].backward()
    assert math.isclose(pool_v[-1].data, pool_t[-1].item(), rel_tol=1e-12, abs_tol=1e-12)
    for v, t in zip(values, tensors):
        expected = 0.0 if t.grad is None else t.grad.item()
        assert math.isclose(v.grad, expected, rel_tol=1e-9, abs_tol=1e-12)


def test_dot_matches_torch():
    ws, xs = [0.3, -1.2, 0.7], [1.5, 0.25, -2.0]
    w = [Value(v) for v in ws]
    x = [Value(v) for v in xs]
    b = Value(0.1)
    z = dot(w, x, b).tanh()
    z.backward()
    tw = torch.tensor(ws, dtype=torch.float64, requires_grad=True)
    tx = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    torch.tanh(tw @ tx + tb).backward()
    assert [v.grad for v in w] == pytest.approx(tw.grad.tolist(), rel=1e-12)
    assert [v.grad for v in x] == pytest.approx(tx.grad.tolist(), rel=1e-12)
    assert b.grad == pytest.approx(tb.grad.item(), rel=1e-12)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("loss", ["squared_error", "cross_entropy"])
def test_mlp_gradients_match_torch(activation, loss):
    mlp = MLP(3, [5, 4, 3], activation=activation, output_activation="linear", seed=7)
    x, target = [0.5, -1.0, 2.0], 2
    out = mlp(x)
    L = squared_error(out, [0.0, 1.0, 0.5]) if loss == "squared_error" else cross_entropy(out, target)
    L.backward()

    params = []
    a = torch.tensor(x, dtype=torch.float64)
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[activation]
    for i, layer in enumerate(mlp.layers):
        W = torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64, requires_grad=True)
        B = torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64, requires_grad=True)
        params.append((layer, W, B))
        a = W @ a + B
        if i < len(mlp.layers) - 1:
            a = act(a)
    if loss == "squared_error":
        T = 0.5 * ((torch.tensor([0.0, 1.0, 0.5], dtype=torch.float64) - a) ** 2).sum()
    else:
        T = torch.nn.functional.cross_entropy(a.unsqueeze(0), torch.tensor([target]))
    T.backward()
    assert L.data == pytest.approx(T.item(), rel=1e-12)
    for layer, W, B in params:
        for j, n in enumerate(layer.neurons):
            assert [w.grad for w in n.w] == pytest.approx(W.grad[j].tolist(), rel=1e-9, abs=1e-12)
            assert n.b.grad == pytest.approx(B.grad[j].item(), rel=1e-9, abs=1e-12)
