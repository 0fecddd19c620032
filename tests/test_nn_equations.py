"""The scalar engine against nn.equations (the notes' matrix form in NumPy), and the notes' errata."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine import sum_values
from nn import MLP, ConfigError, ShapeError, binary_cross_entropy, cross_entropy, hinge, mse, squared_error
from nn import equations as eq
from nn import errata

ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear"]
LOSS_FUNCTIONS = {"squared_error": squared_error, "cross_entropy": cross_entropy}


@st.composite
def cases(draw):
    nin = draw(st.integers(1, 6))
    sizes = draw(st.lists(st.integers(1, 6), min_size=1, max_size=4))
    activation = draw(st.sampled_from(ACTIVATIONS))
    output_activation = draw(st.sampled_from(ACTIVATIONS))
    loss = draw(st.sampled_from(sorted(LOSS_FUNCTIONS)))
    m = draw(st.integers(1, 8))
    number = st.floats(-2.0, 2.0, allow_nan=False)
    X = draw(st.lists(st.lists(number, min_size=nin, max_size=nin), min_size=m, max_size=m))
    if loss == "cross_entropy":
        Y = draw(st.lists(st.integers(0, sizes[-1] - 1), min_size=m, max_size=m))
    else:
        Y = draw(st.lists(st.lists(number, min_size=sizes[-1], max_size=sizes[-1]), min_size=m, max_size=m))
    seed = draw(st.integers(0, 10_000))
    elementary = draw(st.booleans())
    return nin, sizes, activation, output_activation, loss, X, Y, seed, elementary


def close(a, b, tol=1e-10):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    assert np.all(np.abs(a - b) <= tol * np.maximum(1.0, np.abs(b))), (a, b)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_engine_gradients_and_deltas_equal_the_matrix_equations(case):
    nin, sizes, activation, output_activation, loss, X, Y, seed, elementary = case
    mlp = MLP(nin, sizes, activation, output_activation, seed=seed, init="micrograd", elementary=elementary)
    W, B, acts = eq.from_mlp(mlp)
    Yc = np.array(Y) if loss == "cross_entropy" else eq.columns(Y)
    r = eq.backprop(W, B, eq.columns(X), Yc, acts, loss)
    # ReLU's derivative jumps at 0; skip the (measure-zero) cases where rounding could decide it
    assume(all(np.all(np.abs(r.Z[l]) > 1e-9) for l in r.Z if acts[l] == "relu"))

    f = LOSS_FUNCTIONS[loss]
    # the batch: C = (1/m) Σ_i C_i, so backward gives the notes' averaged gradient
    C = sum_values([f(mlp(x), y) for x, y in zip(X, Y)]) * (1.0 / len(X))
    mlp.zero_grad()
    C.backward()
    assert C.data == pytest.approx(r.cost, rel=1e-10, abs=1e-12)
    L = len(mlp.sizes)
    for l in range(2, L + 1):
        close(mlp.weight_grads(l), r.dW[l])  # (5) averaged
        close(mlp.bias_grads(l), r.dB[l].ravel())  # (6) averaged
    # δ per example: each example's own loss, one backward each
    for i, (x, y) in enumerate(zip(X, Y)):
        mlp.zero_grad()
        f(mlp(x), y).backward()
        for l, deltas in enumerate(mlp.deltas(), start=2):
            close(deltas, r.delta[l][:, i])
        # one step further back: ∂C/∂x = (W²)ᵀ Δ²
        close([v.grad for v in mlp.inputs], W[2].T @ r.delta[2][:, i])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 4), st.lists(st.integers(1, 5), min_size=0, max_size=2), st.sampled_from(ACTIVATIONS),
    st.sampled_from(["mse", "binary_cross_entropy", "hinge"]), st.integers(1, 6), st.integers(0, 10_000),
    st.data(),
)
def test_other_losses_on_one_output_networks(nin, hidden, activation, loss, m, seed, data):
    # BCE reads a sigmoid output as a probability; hinge reads a linear score
    output = {"binary_cross_entropy": "sigmoid", "hinge": "linear"}.get(loss, activation)
    mlp = MLP(nin, [*hidden, 1], activation, output, seed=seed, init="micrograd")
    number = st.floats(-2.0, 2.0, allow_nan=False)
    X = data.draw(st.lists(st.lists(number, min_size=nin, max_size=nin), min_size=m, max_size=m))
    label = {"mse": number, "binary_cross_entropy": st.sampled_from([0.0, 0.3, 1.0]),
             "hinge": st.sampled_from([-1.0, 1.0])}[loss]
    Y = data.draw(st.lists(label, min_size=m, max_size=m))
    W, B, acts = eq.from_mlp(mlp)
    r = eq.backprop(W, B, eq.columns(X), np.array([Y]), acts, loss)
    assume(all(np.all(np.abs(r.Z[l]) > 1e-9) for l in r.Z if acts[l] == "relu"))
    if loss == "hinge":
        assume(np.all(np.abs(1.0 - np.array(Y) * r.A[max(r.A)][0]) > 1e-9))  # the hinge's kink
    f = {"mse": mse, "binary_cross_entropy": binary_cross_entropy, "hinge": hinge}[loss]
    C = sum_values([f(mlp(x), y) for x, y in zip(X, Y)]) * (1.0 / m)
    mlp.zero_grad()
    C.backward()
    assert C.data == pytest.approx(r.cost, rel=1e-10, abs=1e-12)
    for l in range(2, len(mlp.sizes) + 1):
        close(mlp.weight_grads(l), r.dW[l])
        close(mlp.bias_grads(l), r.dB[l].ravel())


def _network(sizes, seed=0, activation="sigmoid"):
    mlp = MLP(sizes[0], sizes[1:], activation, init="micrograd", seed=seed)
    return mlp, *eq.from_mlp(mlp)


def _engine_deltas(mlp, x, y):
    mlp.zero_grad()
    squared_error(mlp(x), y).backward()
    return mlp.deltas()


def test_erratum_000_delta_without_transpose_fails_on_a_non_square_layer():
    # 3-4-2, the example network of note 000: W³ is 2 × 4
    mlp, W, B, acts = _network([3, 4, 2], seed=1)
    x, y = [0.5, -0.3, 0.8], [1.0, 0.0]
    deltas = _engine_deltas(mlp, x, y)
    X, Y = eq.columns([x]), eq.columns([y])
    r = eq.backprop(W, B, X, Y, acts)
    close(r.delta[2][:, 0], deltas[0])  # with the transpose: the engine's δ²
    with pytest.raises(ValueError, match="2×4 matrix by a 2×1"):  # as printed, W³ Δ³ does not multiply
        errata.delta_as_printed_000(W[3], r.delta[3], r.Z[2], "sigmoid")
    with pytest.raises(ValueError, match="2×4 matrix by a 2×1 one, which is undefined"):  # Δ³ as a 1-D vector
        errata.delta_as_printed_000(W[3], r.delta[3][:, 0], r.Z[2][:, 0], "sigmoid")


def test_erratum_000_delta_without_transpose_gives_wrong_numbers_on_a_square_layer():
    mlp, W, B, acts = _network([2, 3, 3], seed=4)  # W³ is 3 × 3: the printed form multiplies
    x, y = [0.9, -0.4], [1.0, 0.0, 1.0]
    deltas = np.array(_engine_deltas(mlp, x, y)[0])
    r = eq.backprop(W, B, eq.columns([x]), eq.columns([y]), acts)
    printed = errata.delta_as_printed_000(W[3], r.delta[3], r.Z[2], "sigmoid")[:, 0]
    close(eq.hidden_delta(W[3], r.delta[3], r.Z[2], "sigmoid")[:, 0], deltas)
    assert np.max(np.abs(printed - deltas)) > 0.1 * np.max(np.abs(deltas))


def test_erratum_000_activation_is_sigma_of_z_not_z_of_sigma():
    mlp, W, B, acts = _network([2, 3, 1], seed=2)
    mlp([0.3, 0.6])
    z = np.array([n.z.data for n in mlp.layers[0].neurons])
    a = np.array([n.a.data for n in mlp.layers[0].neurons])
    close(a, eq.sigma(z, "sigmoid"))  # A^l = σ(Z^l)
    assert np.max(np.abs(z - eq.sigma(a, "sigmoid"))) > 0.1  # the printed Z^l = σ(A^l) is false


def test_erratum_004_sigma_instead_of_sigma_prime_does_not_match():
    mlp, W, B, acts = _network([2, 4, 2], seed=3)
    x, y = [1.0, -0.5], [0.0, 1.0]
    deltas = _engine_deltas(mlp, x, y)
    r = eq.backprop(W, B, eq.columns([x]), eq.columns([y]), acts)
    with_sigma = errata.delta_with_sigma_004(W[3], r.delta[3], r.Z[2], "sigmoid")[:, 0]
    close(eq.hidden_delta(W[3], r.delta[3], r.Z[2], "sigmoid")[:, 0], deltas[0])
    assert np.max(np.abs(with_sigma - np.array(deltas[0]))) > 1e-3


def test_erratum_001_output_gradient_sign():
    mlp, *_ = _network([2, 2], seed=5)
    y = [0.2, 0.9]
    out = mlp([0.4, 0.1])
    L = squared_error(out, y)
    L.backward()
    a = [v.data for v in out]
    engine = [v.grad for v in out]  # ∂L/∂a_j
    assert engine == pytest.approx([aj - yj for aj, yj in zip(a, y)], abs=1e-15)
    written = errata.output_grad_as_written_001(a, y)
    assert written == pytest.approx([-g for g in engine], abs=1e-15)  # the opposite sign
    assert max(abs(w - g) for w, g in zip(written, engine)) > 1e-3


def test_mini_batch_gradient_is_the_average_of_per_example_gradients():
    mlp, W, B, acts = _network([3, 4, 2], seed=6)
    X = [[0.1, 0.2, 0.3], [-1.0, 0.5, 2.0], [0.7, -0.7, 0.0]]
    Y = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]
    r = eq.backprop(W, B, eq.columns(X), eq.columns(Y), acts)
    per_example = [eq.backprop(W, B, eq.columns([x]), eq.columns([y]), acts).dW[2] for x, y in zip(X, Y)]
    close(r.dW[2], sum(per_example) / 3)


def test_equations_reject_a_badly_shaped_batch():
    _, W, B, acts = _network([3, 2], seed=0)
    with pytest.raises(ValueError, match="examples as columns"):
        eq.backprop(W, B, np.zeros((2, 3)), np.zeros((2, 2)), acts)
    with pytest.raises(ValueError, match=r"Y must have shape \(2, 4\)"):
        eq.backprop(W, B, np.zeros((3, 4)), np.zeros((4, 2)), acts)
    with pytest.raises(ValueError, match="class indices"):
        eq.backprop(W, B, np.zeros((3, 4)), np.zeros((2, 4)), acts, "cross_entropy")


def test_equations_argument_errors_name_the_function_and_the_value():
    mlp, W, B, acts = _network([2, 3, 1], seed=0)
    with pytest.raises(ShapeError, match="equations.columns: expected a list of examples of equal length"):
        eq.columns([[1.0, 2.0], [3.0]])
    with pytest.raises(ShapeError, match=r"equations.columns: .*2-D table\), got shape \(2,\)"):
        eq.columns([1.0, 2.0])
    with pytest.raises(ConfigError, match="from_mlp: expected an nn.MLP, got int 3"):
        eq.from_mlp(3)
    with pytest.raises(ConfigError, match="activations must be a dict keyed by the layer number"):
        eq.backprop(W, B, eq.columns([[0.1, 0.2]]), np.array([[1.0]]), "sigmoid")
    with pytest.raises(ConfigError, match=r"B must have the keys \[2, 3\], got \[2\]"):
        eq.forward(W, {2: B[2]}, eq.columns([[0.1, 0.2]]), acts)
    assert eq.forward(W, B, eq.columns([[0.1, 0.2]]), acts)[1][3].shape == (1, 1)
