"""viz.mlp_worksheet: z, a, δ per layer and ∂C/∂w in note 000's notation, checked independently."""
from __future__ import annotations

import math

import pytest

np = pytest.importorskip("numpy")
nn = pytest.importorskip("nn")

from viz.worksheet import Worksheet, mlp_worksheet  # noqa: E402


def numpy_backprop(mlp, x, y):
    """Note 000's equations (1)-(6) in NumPy (sigmoid, C = ½‖y − a^L‖²), with the transpose in (4)."""
    a = [np.array(x, dtype=float)]
    zs = []
    for l in range(2, len(mlp.sizes) + 1):
        W, b = np.array(mlp.weights(l)), np.array(mlp.biases(l))
        z = W @ a[-1] + b  # (1)
        zs.append(z)
        a.append(1 / (1 + np.exp(-z)))  # (2), as it should read: A = σ(Z)
    sp = [1 / (1 + np.exp(-z)) * (1 - 1 / (1 + np.exp(-z))) for z in zs]
    deltas = [None] * len(zs)
    deltas[-1] = (a[-1] - np.array(y)) * sp[-1]  # (3)
    for i in range(len(zs) - 2, -1, -1):
        W_next = np.array(mlp.weights(i + 3))
        deltas[i] = (W_next.T @ deltas[i + 1]) * sp[i]  # (4) with (W^{l+1})ᵀ
    dW = [np.outer(d, a[i]) for i, d in enumerate(deltas)]  # (5)
    return zs, a[1:], sp, deltas, dW


@pytest.mark.parametrize("sizes, x, y", [([4, 2], [0.5, -1.0, 2.0], [1.0, 0.0]),  # note 000's 3-4-2
                                         ([3, 3, 1], [0.2, -0.7, 1.1], [0.25])])
def test_tables_match_the_notes_equations_in_numpy(sizes, x, y) -> None:
    mlp = nn.MLP(len(x), sizes, activation="sigmoid", seed=3)
    ws = mlp_worksheet(mlp, x, y)
    zs, acts, sp, deltas, dW = numpy_backprop(mlp, x, y)
    assert ws.C == pytest.approx(0.5 * float(np.sum((np.array(y) - acts[-1]) ** 2)), rel=1e-12)
    for r, z, a, s, d, g in zip(ws.layers, zs, acts, sp, deltas, dW):
        assert r.z == pytest.approx(list(z), rel=1e-12)
        assert r.a == pytest.approx(list(a), rel=1e-12)
        assert r.sigma_prime == pytest.approx(list(s), rel=1e-12)
        assert r.delta == pytest.approx(list(d), rel=1e-10, abs=1e-15)
        assert np.allclose(np.array(r.w_grad), g, rtol=1e-10, atol=1e-15)
        assert r.b_grad == pytest.approx(list(d), rel=1e-10, abs=1e-15)
        assert ws.delta_by_equation(r.l) == pytest.approx(list(d), rel=1e-10, abs=1e-15)
    assert ws.checks() == {"(3)": True, "(4)": True, "(5)": True, "(6)": True}
    # the worksheet reads the same δ the nn package reports
    assert [r.delta for r in ws.layers] == mlp.deltas()


def test_a_one_neuron_example_worked_by_hand() -> None:
    """w = 0.5, b = 0, x = 2, y = 1: z = 1, a = σ(1) = 0.7311, σ'(1) = 0.1966,
    δ = (a − y) σ'(z) = −0.0529, ∂C/∂w = x δ = −0.1058 (from unrounded δ)."""
    mlp = nn.MLP(1, [1])
    mlp.set_weights(2, [[0.5]])
    mlp.set_biases(2, [0.0])
    md = mlp_worksheet(mlp, [2.0], [1.0]).markdown()
    s = 1 / (1 + math.exp(-1))
    delta = (s - 1) * s * (1 - s)
    assert f"| 2 | 1 | 1.0000 | {s:.4f} | {s * (1 - s):.4f} | {delta:.4f} |" in md
    assert "| 2 | 1 | 1.0000 | 0.7311 | 0.1966 | -0.0529 |" in md
    assert "| 1 | 0.7311 | 1.0000 | -0.2689 | 0.1966 | -0.0529 | -0.0529 |" in md
    assert "| 2 | 1 | 1 | 2.0000 | -0.0529 | -0.1058 | -0.1058 |" in md
    assert "| 2 | 1 | -0.0529 | -0.0529 |" in md
    assert "Hidden layers" not in md  # no hidden layer in a 1-1 network
    assert md.count("✓") == 3 + 1  # eqs (3), (5), (6) and the footnote


def test_hidden_layer_section_explains_the_transpose() -> None:
    md = mlp_worksheet(nn.MLP(2, [3, 1], seed=1), [1.0, -1.0], [0.0]).markdown()
    assert "eq. (4) with the transpose" in md and "note 000's eq. (4) drops the transpose" in md


def test_other_losses_and_activations() -> None:
    """Note 002: a sigmoid output with binary cross-entropy gives δ^L = a − y."""
    mlp = nn.MLP(2, [2, 1], activation="tanh", output_activation="sigmoid", seed=5)
    ws = mlp_worksheet(mlp, [0.3, -0.8], 1.0, loss=lambda out, y: nn.binary_cross_entropy(out[0], y))
    out = ws.layers[-1]
    assert out.delta[0] == pytest.approx(out.a[0] - 1.0, rel=1e-12)
    hidden = ws.layers[0]
    assert hidden.sigma_prime == pytest.approx([1 - math.tanh(z) ** 2 for z in hidden.z], rel=1e-12)
    assert all(ws.checks().values())
    by_name = mlp_worksheet(mlp, [0.3, -0.8], 1.0, loss="binary_cross_entropy")  # as train() takes it
    assert by_name.layers[-1].delta == pytest.approx(out.delta, rel=1e-12) and by_name.C == pytest.approx(ws.C)
    assert "binary_cross_entropy" in by_name.markdown()
    linear = mlp_worksheet(nn.MLP(2, [1], activation="linear"), [1.0, 2.0], [0.5])
    assert linear.layers[0].sigma_prime == [1.0] and all(linear.checks().values())


def test_latex_is_well_formed() -> None:
    tex = mlp_worksheet(nn.MLP(3, [4, 2]), [0.5, -1.0, 2.0], [1.0, 0.0]).latex()
    assert tex.count(r"\begin{tabular}") == tex.count(r"\end{tabular}") == 5
    depth = 0
    for ch in tex:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    for line in tex.splitlines():
        assert line.count("$") % 2 == 0, line
    assert r"\delta^l_j" in tex and "squared\\_error" in tex


def test_notebook_display_and_bad_input() -> None:
    ws = mlp_worksheet(nn.MLP(2, [1]), [1.0, 2.0], [0.5])
    assert isinstance(ws, Worksheet) and ws._repr_markdown_() == ws.markdown() == str(ws)
    with pytest.raises(TypeError, match="expected an nn.MLP"):
        mlp_worksheet(object(), [1.0], [1.0])
    with pytest.raises(nn.ConfigError, match="unknown loss 'foo'; valid losses are"):
        mlp_worksheet(nn.MLP(2, [1]), [1.0, 2.0], [0.5], loss="foo")
    with pytest.raises(TypeError, match="worksheet: loss must be a loss function .*got int 3"):
        mlp_worksheet(nn.MLP(2, [1]), [1.0, 2.0], [0.5], loss=3)
    with pytest.raises(TypeError, match="loss must return a Value"):
        mlp_worksheet(nn.MLP(2, [1]), [1.0, 2.0], [0.5], loss=lambda out, y: 1.0)
    with pytest.raises(nn.ShapeError):
        mlp_worksheet(nn.MLP(2, [1]), [1.0], [0.5])
