"""Losses against their formulas and the notes' closed forms for δ."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import DomainError, Value, gradcheck
from nn import (
    MLP, ConfigError, InputTypeError, Neuron, TargetError, binary_cross_entropy,
    binary_cross_entropy_with_logits, cross_entropy, hinge, l2_penalty, mse, softmax, squared_error,
)

finite = st.floats(-5.0, 5.0, allow_nan=False)


def sig(x: float) -> float:
    if x < 0:
        return math.exp(x) / (1.0 + math.exp(x))
    return 1.0 / (1.0 + math.exp(-x))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=5))
def test_squared_error_and_mse_values_and_gradients(pairs):
    a, y = [p[0] for p in pairs], [p[1] for p in pairs]
    values = [Value(v) for v in a]
    C = squared_error(values, y)
    assert C.data == pytest.approx(0.5 * sum((yj - aj) ** 2 for aj, yj in zip(a, y)), rel=1e-12, abs=1e-12)
    C.backward()
    assert [v.grad for v in values] == pytest.approx([aj - yj for aj, yj in zip(a, y)], abs=1e-12)
    values = [Value(v) for v in a]
    M = mse(values, y)
    n = len(a)
    assert M.data == pytest.approx(sum((yj - aj) ** 2 for aj, yj in zip(a, y)) / n, rel=1e-12, abs=1e-12)
    M.backward()
    assert [v.grad for v in values] == pytest.approx([2 * (aj - yj) / n for aj, yj in zip(a, y)], abs=1e-12)


def test_note_000_output_delta_for_squared_error():
    # Δ^L = (A^L − Y) ⊙ σ'(Z^L)
    mlp = MLP(3, [4, 2], activation="sigmoid", init="micrograd", seed=8)
    x, y = [0.2, -0.4, 0.9], [0.0, 1.0]
    out = mlp(x)
    squared_error(out, y).backward()
    expected = [(a.data - yj) * a.data * (1 - a.data) for a, yj in zip(out, y)]
    assert mlp.deltas()[-1] == pytest.approx(expected, abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(st.lists(finite, min_size=2, max_size=4), st.sampled_from([0.0, 1.0, 0.3]))
def test_note_002_single_sigmoid_unit_with_bce(xs, y):
    # ∂L/∂w_i = (y* − y) x_i and δ = y* − y
    n = Neuron(len(xs), activation="sigmoid", init="micrograd", seed=len(xs))
    p = n(xs)
    binary_cross_entropy(p, y).backward()
    # rel 1e-11: sigmoid's local derivative is exact (e^-|z|/(1+e^-|z|)²), so the rounding of the
    # loss's own 1 - p (up to 1.1e-16 / (1 - p), with 1 - p ≥ 1e-4 here) is no longer cancelled by it
    assert n.z.grad == pytest.approx(p.data - y, rel=1e-11, abs=1e-12)
    assert [w.grad for w in n.w] == pytest.approx([(p.data - y) * x for x in xs], rel=1e-11, abs=1e-12)


def test_note_002_two_layer_sigmoid_network_without_biases():
    # δ^(2) = y* − y, δ^(1)_i = δ^(2) w^(2)_i1 z_i (1 − z_i), ∂L/∂w^(1)_ji = δ^(1)_i x_j
    mlp = MLP(2, [2, 1], activation="sigmoid", init="micrograd", seed=9)
    mlp.set_biases(2, [0.0, 0.0])
    mlp.set_biases(3, [0.0])
    x, y = [0.8, -1.3], 1.0
    y_star = mlp(x)[0]
    binary_cross_entropy(y_star, y).backward()
    d2 = y_star.data - y
    z = [n.a.data for n in mlp.layers[0].neurons]  # note 002's z_i is the hidden activation
    w2 = mlp.weights(3)[0]
    d1 = [d2 * w2[i] * z[i] * (1 - z[i]) for i in range(2)]
    assert mlp.deltas() == [pytest.approx(d1, abs=1e-15), pytest.approx([d2], abs=1e-15)]
    # weight w^(1)_ji (input j to hidden i) is the notes' 000 w^2_ij
    for i in range(2):
        for j in range(2):
            assert mlp.layers[0].neurons[i].w[j].grad == pytest.approx(d1[i] * x[j], abs=1e-15)


def test_note_003_delta_k_for_C0():
    # C₀ = (y − y')², y' = σ(a_k): δ_k = ∂C₀/∂a_k = −2(y − y')σ'(a_k); δ_i = σ'(a_i) Σ_j δ_j u_ji
    mlp = MLP(3, [3, 1], activation="sigmoid", init="micrograd", seed=10)
    x, y = [0.5, 0.1, -0.6], 1.0
    out = mlp(x)
    C0 = mse(out, [y])  # with one output, mse is exactly (y − y')²
    assert C0.data == pytest.approx((y - out[0].data) ** 2, abs=1e-15)
    C0.backward()
    yp = out[0].data
    delta_k = -2 * (y - yp) * yp * (1 - yp)
    assert mlp.delta(3) == pytest.approx([delta_k], abs=1e-15)
    u = mlp.weights(3)[0]
    hidden = [n.a.data for n in mlp.layers[0].neurons]  # note 003's z_i = σ(a_i)
    expected = [h * (1 - h) * delta_k * u[i] for i, h in enumerate(hidden)]
    assert mlp.delta(2) == pytest.approx(expected, abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-30, 30, allow_nan=False), min_size=1, max_size=6), st.data())
def test_softmax_cross_entropy_delta_is_softmax_minus_onehot(logits, data):
    c = data.draw(st.integers(0, len(logits) - 1))
    zs = [Value(v) for v in logits]
    L = cross_entropy(zs, c)
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    p = [e / sum(exps) for e in exps]
    assert L.data == pytest.approx(-math.log(p[c]), rel=1e-12, abs=1e-12)
    L.backward()
    assert [z.grad for z in zs] == pytest.approx([pi - (i == c) for i, pi in enumerate(p)], abs=1e-12)
    assert [s.data for s in softmax(logits)] == pytest.approx(p, rel=1e-12)


def test_cross_entropy_with_huge_logits():
    zs = [Value(1000.0), Value(-1000.0), Value(0.0)]
    L = cross_entropy(zs, 1)
    assert L.data == pytest.approx(2000.0)
    L.backward()
    assert [z.grad for z in zs] == pytest.approx([1.0, -1.0, 0.0], abs=1e-300)
    assert cross_entropy([1000.0, -1000.0], 0).data == 0.0
    assert [s.data for s in softmax([1000.0, 1000.0])] == [0.5, 0.5]


def test_mlp_output_through_cross_entropy():
    mlp = MLP(2, [3, 3], activation="tanh", output_activation="linear", seed=1)
    out = mlp([0.3, -0.2])
    cross_entropy(out, 2).backward()
    p = [s.data for s in softmax([a.data for a in out])]
    assert mlp.deltas()[-1] == pytest.approx([p[0], p[1], p[2] - 1], abs=1e-15)


@pytest.mark.parametrize("z", [-1000.0, -40.0, -12.0, 0.0, 12.0, 40.0, 1000.0])
@pytest.mark.parametrize("y", [0.0, 0.25, 1.0])
def test_bce_is_stable_near_0_and_1(z, y):
    zv = Value(z)
    p = zv.sigmoid()
    L = binary_cross_entropy(p, y)
    softplus = max(z, 0.0) + math.log1p(math.exp(-abs(z)))
    assert L.data == pytest.approx(softplus - y * z, rel=1e-12, abs=1e-15)
    L.backward()
    assert zv.grad == pytest.approx(sig(z) - y, rel=1e-12, abs=1e-15)  # δ = y* − y
    zl = Value(z)
    L2 = binary_cross_entropy_with_logits(zl, y)
    L2.backward()
    assert L2.data == pytest.approx(L.data, rel=1e-12, abs=1e-15) and zl.grad == pytest.approx(zv.grad, abs=1e-15)


def test_bce_gradcheck_away_from_the_edges():
    for y in (0.0, 0.4, 1.0):
        gradcheck(lambda v: binary_cross_entropy(v[0].sigmoid(), y), [0.7])
        gradcheck(lambda v: binary_cross_entropy(v[0], y), [0.3])


def test_bce_rejects_bad_probabilities_and_targets():
    with pytest.raises(DomainError, match=r"not a probability in \[0, 1\]"):
        binary_cross_entropy(Value(1.5), 1.0)
    with pytest.raises(DomainError, match="not a probability"):
        binary_cross_entropy(Value(-0.1), 0.0)
    with pytest.raises(TargetError, match=r"\[0, 1\]"):
        binary_cross_entropy(Value(0.5), 2.0)
    with pytest.raises(DomainError, match="infinite"):
        binary_cross_entropy(Value(0.0), 1.0)
    assert binary_cross_entropy(Value(0.0), 0.0).data == 0.0
    with pytest.raises(InputTypeError):
        binary_cross_entropy(Value(0.5), "1")


def test_hinge_values_and_gradient():
    for s, y, value, grad in [(0.3, 1, 0.7, -1.0), (2.0, 1, 0.0, 0.0), (0.3, -1, 1.3, 1.0), (-3.0, -1, 0.0, 0.0)]:
        sv = Value(s)
        L = hinge([sv], y)
        L.backward()
        assert L.data == pytest.approx(value) and sv.grad == grad
    with pytest.raises(TargetError, match="-1 or \\+1"):
        hinge(Value(0.0), 0)


def test_l2_penalty():
    ps = [Value(1.0), Value(-2.0), Value(0.5)]
    R = l2_penalty(ps, 0.1)
    assert R.data == pytest.approx(0.1 * 5.25)
    R.backward()
    assert [p.grad for p in ps] == pytest.approx([0.2, -0.4, 0.1])
    with pytest.raises(ConfigError):
        l2_penalty(ps, -1.0)
    with pytest.raises(InputTypeError):
        l2_penalty([1.0, 2.0])


def test_target_errors():
    out = [Value(0.1), Value(0.2)]
    with pytest.raises(TargetError, match="expected 2 targets .*got 3"):
        squared_error(out, [1.0, 2.0, 3.0])
    with pytest.raises(TargetError, match="out of range for 2 classes"):
        cross_entropy(out, 2)
    with pytest.raises(TargetError, match="out of range"):
        cross_entropy(out, -1)
    with pytest.raises(InputTypeError, match="class index"):
        cross_entropy(out, 1.0)
    with pytest.raises(InputTypeError):
        mse(out, ["a", "b"])
    with pytest.raises(TargetError, match="finite"):
        mse(out, [float("nan"), 0.0])


def test_loss_nodes_and_targets_carry_the_notes_labels():
    a = [Value(0.2), Value(0.7)]
    C = squared_error(a, [0.0, 1.0])
    assert C.label == "C"
    from engine import topo_order

    labels = {v.label for v in topo_order(C)}
    assert {"y1", "y2"} <= labels
    assert hinge(Value(0.3), 1).label == "L" and cross_entropy([0.1, 0.2], 0).label == "L"
    assert binary_cross_entropy(Value(0.3).sigmoid(), 1.0).label == "L"
    assert binary_cross_entropy(Value(40.0).sigmoid(), 1.0).label == "L"
    assert l2_penalty([Value(1.0)]).label == "L2"
