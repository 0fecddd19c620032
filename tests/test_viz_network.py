"""viz.draw_network: z, a, δ and ∂L/∂w on the picture equal the notes' equations (1)-(6) in plain Python."""
from __future__ import annotations

import math
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

import viz
from engine import Value
from nn.mlp import MLP
from viz import backends
from viz.labels import weight_name

SVG_NS = "{http://www.w3.org/2000/svg}"
X, Y = [0.5, -1.0], 1.0


@pytest.fixture(autouse=True)
def no_system_dot(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(backends.ENV_VAR, raising=False)
    assert shutil.which("dot") is None


def trained_once(sizes, seed=0):
    mlp = MLP(2, sizes, seed=seed)
    out = mlp(X)[0]
    loss = 0.5 * (out - Y) ** 2
    loss.backward()
    return mlp, loss


def notes_forward_backward(mlp):
    """Z^l = W^l A^{l-1} + B^l, A^l = σ(Z^l); Δ^L = (A^L − Y) ⊙ σ'(Z^L); Δ^l = (W^{l+1})ᵀ Δ^{l+1} ⊙ σ'(Z^l)."""
    sig = lambda t: 1 / (1 + math.exp(-t))  # noqa: E731
    L = len(mlp.sizes)
    a, zs, acts = list(X), {}, {1: list(X)}
    for l in range(2, L + 1):
        W, b = mlp.weights(l), mlp.biases(l)
        z = [sum(w * ak for w, ak in zip(row, a)) + bj for row, bj in zip(W, b)]
        a = [sig(t) for t in z]
        zs[l], acts[l] = z, a
    deltas = {L: [(a_j - Y) * s * (1 - s) for a_j, s in zip(acts[L], map(sig, zs[L]))]}
    for l in range(L - 1, 1, -1):
        W = mlp.weights(l + 1)
        deltas[l] = [sum(W[i][j] * deltas[l + 1][i] for i in range(len(W))) * sig(zs[l][j]) * (1 - sig(zs[l][j]))
                     for j in range(len(zs[l]))]
    return zs, acts, deltas


def node_line(source: str, name: str) -> str:
    match = re.search(rf"^\t+{re.escape(name)} \[.*$", source, re.M)
    assert match, f"no node {name}"
    return match.group(0)


def g3(v: float) -> str:
    return format(v, ".3g")


def test_neurons_show_z_a_delta_and_weights_show_dL_dw_from_the_notes():
    mlp, loss = trained_once([4, 1])
    zs, acts, deltas = notes_forward_backward(mlp)
    src = viz.draw_network(mlp, loss=loss).source
    for l in (2, 3):
        for j in range(1, mlp.sizes[l - 1] + 1):
            line = node_line(src, f"n{l}_{j}")
            assert f"z {g3(zs[l][j - 1])}" in line
            assert f"a {g3(acts[l][j - 1])}" in line
            assert f"δ {g3(deltas[l][j - 1])}" in line
            assert f"∂L/∂b {g3(deltas[l][j - 1])}" in line                        # eq. (6)
            for k in range(1, mlp.sizes[l - 2] + 1):
                w = mlp.weights(l)[j - 1][k - 1]
                dw = acts[l - 1][k - 1] * deltas[l][j - 1]                         # eq. (5)
                assert f'port="w{k}" align="left">{weight_name(l, j, k)}</td>' in line
                assert f">{g3(w)}</td>" in line and f"∂L/∂w {g3(dw)}" in line
                assert re.search(rf"-> n{l}_{j}:w{k}:w \[.*id=w{l}_{j}_{k}\b", src)
    assert f"L = {g3(loss.data)}" in node_line(src, "loss")
    assert "x₁ = a¹₁" in node_line(src, "x1") and "0.5" in node_line(src, "x1")


def test_weight_names_follow_the_notes():
    assert weight_name(2, 1, 3) == "w²₁₃"
    assert weight_name(3, 12, 4) == "w³₁₂,₄"


def test_edge_colour_and_width_encode_dL_dw_and_w():
    mlp, _ = trained_once([4, 1])
    src = viz.draw_network(mlp).source
    ws = [abs(w) for row in mlp.weights(2) for w in row] + [abs(w) for row in mlp.weights(3) for w in row]
    biggest = max(ws)
    for l in (2, 3):
        for j, row in enumerate(mlp.weights(l), start=1):
            for k, w in enumerate(row, start=1):
                line = re.search(rf"^.*id=w{l}_{j}_{k}\b.*$", src, re.M).group(0)
                width = float(re.search(r"penwidth=([\d.]+)", line).group(1))
                assert width == pytest.approx(0.6 + 2.4 * abs(w) / biggest, abs=0.006)
                grad = mlp.weight_grads(l)[j - 1][k - 1]
                colour = re.search(r'color="(#[0-9a-f]{6})"', line).group(1)
                palette = viz.style.EDGE_POSITIVE if grad > 0 else viz.style.EDGE_NEGATIVE
                assert colour in palette


def test_rendered_network_keeps_neurons_in_order_and_parses():
    mlp, loss = trained_once([4, 1])
    svg = viz.to_svg(viz.draw_network(mlp, loss=loss))
    root = ET.fromstring(svg.encode("utf-8"))
    tops = {}
    for g in root.iter(f"{SVG_NS}g"):
        if re.fullmatch(r"n2_\d", g.get("id") or ""):
            ys = [float(p.split(",")[1]) for poly in g.iter(f"{SVG_NS}polygon")
                  for p in poly.get("points").split()]
            tops[g.get("id")] = min(ys)
    assert sorted(tops, key=tops.get) == ["n2_1", "n2_2", "n2_3", "n2_4"]  # neuron 1 on top
    text = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG_NS}text"))
    assert "layer 2" in text and "δ" in text and "w²₁₁" in text


def test_16_16_1_stays_readable():
    mlp, loss = trained_once([16, 16, 1], seed=3)
    d = viz.draw_network(mlp, loss=loss)
    src = d.source
    assert len(re.findall(r"\bid=w\d+_\d+_\d+\b", src)) == 2 * 16 + 16 * 16 + 16
    assert "port=" not in src and "label=w" not in src        # numbers move to tooltips
    assert "∂L/∂w" in re.search(r"^.*id=w3_5_7\b.*$", src, re.M).group(0)
    root = ET.fromstring(viz.to_svg(d).encode("utf-8"))
    width, height = (float(root.get(k).rstrip("pt")) for k in ("width", "height"))
    assert width < 2500 and height < 2000  # one screen-ish, not a 5000-point-tall strip


def test_before_any_call_and_before_backward():
    mlp = MLP(2, [3, 1])
    src = viz.draw_network(mlp).source
    assert "z —" in src and "∂L/∂w" not in src
    mlp(X)
    src = viz.draw_network(mlp).source
    assert "z —" not in src and "δ —" in src and "∂L/∂w" not in src


@pytest.mark.parametrize("bad", [Value(1.0), [1, 2], "mlp", None])
def test_not_an_mlp(bad):
    with pytest.raises(viz.NotDrawableError, match="draw_network: expected an nn.MLP"):
        viz.draw_network(bad)


def test_value_points_to_draw():
    with pytest.raises(viz.NotDrawableError, match=r"viz.draw\(value\)"):
        viz.draw_network(Value(1.0))


def test_too_many_weights():
    with pytest.raises(viz.GraphTooLargeError, match="2100 weights, more than max_edges=2000"):
        viz.draw_network(MLP(100, [20, 5]))


def test_bad_options():
    mlp = MLP(2, [2, 1])
    with pytest.raises(ValueError, match="rankdir"):
        viz.draw_network(mlp, rankdir="XY")
    with pytest.raises(TypeError, match="loss must be a Value"):
        viz.draw_network(mlp, loss=0.5)
    with pytest.raises(ValueError, match="max_edges"):
        viz.draw_network(mlp, max_edges=-1)


def test_same_network_same_dot():
    assert viz.draw_network(trained_once([4, 1])[0]).source == viz.draw_network(trained_once([4, 1])[0]).source
