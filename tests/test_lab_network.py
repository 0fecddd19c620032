"""The misconception lab, network level: each erratum against nn.equations with the erratum applied
(nn.errata keeps the notes' printed forms), and the perceptron's printed sign on a separable set."""
from __future__ import annotations

import numpy as np
import pytest

import nn
import viz
from nn import equations, errata


def matrices(mlp, x, y):
    W, B, act = equations.from_mlp(mlp)
    X, Y = np.array(x, dtype=float).reshape(-1, 1), np.array(y, dtype=float).reshape(-1, 1)
    Z, A = equations.forward(W, B, X, act)
    return W, act, Z, A, X, Y


def by_erratum(mlp, x, y, output, hidden):
    """δ per layer by the notes' equations: output(Z^L, A^L, Y, act) and hidden(W, Δ, Z, act)."""
    W, act, Z, A, X, Y = matrices(mlp, x, y)
    L = max(W)
    delta = {L: output(Z[L], A[L], Y, act[L])}
    for l in range(L - 1, 1, -1):
        delta[l] = hidden(W[l + 1], delta[l + 1], Z[l], act[l])
    return {l: delta[l][:, 0].tolist() for l in delta}, A


def assert_matches(grads, delta, A):
    L = len(grads.deltas) + 1
    for l in range(2, L + 1):
        assert grads.deltas[l - 2] == pytest.approx(delta[l], rel=1e-10, abs=1e-14)
        want = np.outer(delta[l], A[l - 1][:, 0])  # eq. (5): ∂C/∂w^l_jk = δ^l_j a^{l-1}_k
        assert np.allclose(grads.weight_grads[l - 2], want, rtol=1e-10, atol=1e-14)
        assert grads.bias_grads[l - 2] == pytest.approx(delta[l], rel=1e-10, abs=1e-14)


RIGHT_OUT = lambda Z, A, Y, act: (A - Y) * equations.sigma_prime(Z, act)  # noqa: E731


def test_the_right_pass_is_the_engines_and_the_equations():
    m = nn.MLP(3, [4, 2], seed=1)
    x, y = [0.5, -0.2, 0.1], [1.0, 0.0]
    c = viz.compare_network(m, x, y, "sigma_not_prime")
    bp = equations.backprop(*equations.from_mlp(m)[:2], np.array(x).reshape(-1, 1), np.array(y).reshape(-1, 1),
                            equations.from_mlp(m)[2])
    for l in (2, 3):
        assert c.right.deltas[l - 2] == pytest.approx(bp.delta[l][:, 0].tolist(), rel=1e-10)
        assert np.allclose(c.right.weight_grads[l - 2], bp.dW[l], rtol=1e-10)
    C = nn.squared_error(m(x), y)
    m.zero_grad()
    C.backward()
    for mine, engines in zip(c.right.deltas, m.deltas()):
        assert mine == pytest.approx(engines, rel=1e-12)
    assert np.allclose(c.right.weight_grads[1], m.weight_grads(3), rtol=1e-12)


def test_no_transpose_on_a_non_square_layer_is_the_shape_error_it_really_is():
    m = nn.MLP(3, [4, 2], seed=1)  # note 000's 3-4-2 network: W³ is 2 × 4
    x, y = [0.5, -0.2, 0.1], [1.0, 0.0]
    c = viz.compare_network(m, x, y, "no_transpose")
    assert c.wrong is None and c.first.layer == 2 and c.first.neuron is None
    assert isinstance(c.first.error, nn.errors.ShapeError)
    W, act, Z, A, X, Y = matrices(m, x, y)
    with pytest.raises(ValueError) as numpy_error:  # what NumPy itself says about W³ Δ³
        W[3] @ RIGHT_OUT(Z[3], A[3], Y, act[3])
    assert str(numpy_error.value) in str(c.first.error)
    with pytest.raises(nn.errors.ShapeError):  # and the erratum as nn.errata keeps it
        errata.delta_as_printed_000(W[3], RIGHT_OUT(Z[3], A[3], Y, act[3]), Z[2], act[2])
    assert "2×4" in str(c.first.error) and "cannot even be computed at layer 2" in str(c)


def test_no_transpose_on_square_layers_gives_the_printed_equations_numbers():
    # 2-3-3-1: W⁴ is 1 × 3, so the printed eq. (4) fails at layer 3 before W³ (square) is ever used
    c = viz.compare_network(nn.MLP(2, [3, 3, 1], activation="tanh", seed=4), [0.3, -0.8], [0.5], "no_transpose")
    assert c.first.error is not None and c.first.layer == 3
    m = nn.MLP(2, [2, 2], seed=2)  # every W that eq. (4) uses is square
    x, y = [0.7, -0.4], [1.0, 0.0]
    c = viz.compare_network(m, x, y, "no_transpose")
    delta, A = by_erratum(m, x, y, RIGHT_OUT, errata.delta_as_printed_000)
    assert_matches(c.wrong, delta, A)
    assert c.first.layer == 2 and c.first.error is None  # the output layer's δ is right
    assert c.right.deltas[1] == c.wrong.deltas[1]
    j = c.first.neuron
    assert c.first.wrong == pytest.approx(delta[2][j - 1]) and c.first.right != pytest.approx(c.first.wrong)


def test_sigma_not_prime_uses_sigma_at_every_layer():
    m = nn.MLP(3, [4, 2], seed=1)
    x, y = [0.5, -0.2, 0.1], [1.0, 0.0]
    c = viz.compare_network(m, x, y, "sigma_not_prime")
    out = lambda Z, A, Y, act: (A - Y) * equations.sigma(Z, act)  # noqa: E731
    delta, A = by_erratum(m, x, y, out, errata.delta_with_sigma_004)
    assert_matches(c.wrong, delta, A)
    assert c.first.layer == 3 and c.first.neuron == 1


def test_flipped_sign_is_note_001s_y_minus_a():
    m = nn.MLP(3, [4, 2], seed=1)
    x, y = [0.5, -0.2, 0.1], [1.0, 0.0]
    c = viz.compare_network(m, x, y, "flipped_sign")
    out = lambda Z, A, Y, act: (np.array(errata.output_grad_as_written_001(A[:, 0], Y[:, 0])).reshape(-1, 1)  # noqa: E731
                                * equations.sigma_prime(Z, act))
    delta, A = by_erratum(m, x, y, out, equations.hidden_delta)
    assert_matches(c.wrong, delta, A)
    assert c.wrong.deltas[0] == pytest.approx([-d for d in c.right.deltas[0]])


def test_half_factor_is_note_003s_derivative_for_note_000s_cost():
    m = nn.MLP(3, [4, 2], seed=1)
    x, y = [0.5, -0.2, 0.1], [1.0, 0.0]
    c = viz.compare_network(m, x, y, "half_factor")
    out = lambda Z, A, Y, act: 2 * (A - Y) * equations.sigma_prime(Z, act)  # noqa: E731  δ_k = −2(y − y')σ'
    delta, A = by_erratum(m, x, y, out, equations.hidden_delta)
    assert_matches(c.wrong, delta, A)
    # and the reverse for the mean squared error (1/n)Σ(y − a)²: the derivative of ½(y − a)², half the right one
    c = viz.compare_network(m, x, y, "half_factor", loss="mse")
    bp = equations.backprop(*equations.from_mlp(m)[:2], np.array(x).reshape(-1, 1), np.array(y).reshape(-1, 1),
                            equations.from_mlp(m)[2], loss="mse")
    assert c.wrong.deltas[0] == pytest.approx((bp.delta[2][:, 0] / 2).tolist(), rel=1e-10)
    with pytest.raises(viz.LabError, match="squared costs"):
        viz.compare_network(nn.MLP(2, [1], seed=0), [0.1, 0.2], 1, "half_factor", loss="binary_cross_entropy")


def test_compare_network_leaves_the_models_grads_alone():
    m = nn.MLP(2, [2, 1], seed=0)
    for p in m.parameters():
        p.grad = 0.25
    viz.compare_network(m, [0.1, 0.2], [1.0], "flipped_sign")
    assert all(p.grad == 0.25 for p in m.parameters())


def test_network_mistakes_asked_of_a_graph_and_the_reverse_say_which_form_to_use():
    from engine import Value

    m = nn.MLP(2, [2, 1], seed=0)
    with pytest.raises(viz.LabError, match="graph-level mistake; use viz.compare_backward"):
        viz.compare_network(m, [0.1, 0.2], [1.0], "overwrite")
    with pytest.raises(viz.LabTypeError, match="compare_backward"):
        viz.compare_network(Value(1.0), [0.1, 0.2], [1.0], "no_transpose")
    with pytest.raises(viz.LabError, match="unknown mistake 'transpose'; valid: no_transpose, sigma_not_prime"):
        viz.compare_network(m, [0.1, 0.2], [1.0], "transpose")


def test_perceptron_sign_fails_to_converge_where_the_right_rule_does():
    demo = viz.perceptron_demo()
    X, y = viz.lab.perceptron.SEPARABLE_X, viz.lab.perceptron.SEPARABLE_Y
    assert all((p[1] > p[0]) == (t > 0) for p, t in zip(X, y))  # separable by x₂ = x₁
    assert demo.right.converged and not demo.wrong.converged
    assert demo.wrong.epochs == 50 and demo.wrong.mistakes[-1] > 0
    w, b = demo.right.w, demo.right.b
    assert all(t * (w[0] * p[0] + w[1] * p[1] + b) > 0 for p, t in zip(X, y))
    assert "converges after" in str(demo) and "has not converged" in str(demo)
