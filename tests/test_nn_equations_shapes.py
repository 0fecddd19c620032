"""nn.equations with mismatched shapes: ShapeError naming the function, the argument and the
shapes, never a raw NumPy error or a silently broadcast result (issue 11, Smaller unclear errors)."""
from __future__ import annotations

import numpy as np
import pytest

from nn import MLP, ConfigError, ShapeError, TargetError
from nn import equations as eq


def net():
    """A 3-4-2 network, its W, B, activations and a batch of m = 5 examples."""
    W, B, acts = eq.from_mlp(MLP(3, [4, 2], activation="tanh", output_activation="sigmoid", seed=2))
    X = np.linspace(-1, 1, 15).reshape(3, 5)
    Y = np.linspace(0, 1, 10).reshape(2, 5)
    return W, B, acts, X, Y


@pytest.mark.parametrize("change, message", [
    (lambda W, B: W.update({3: np.zeros((2, 5))}),
     r"equations.backprop: W\[3\] has shape \(2, 5\), but layer 2 has 4 neurons \(W\[2\] has shape \(4, 3\)\)"),
    (lambda W, B: W.update({2: np.zeros((5, 3))}),
     r"equations.backprop: W\[3\] has shape \(2, 4\), but layer 2 has 5 neurons"),
    (lambda W, B: B.update({2: np.zeros((3, 1))}), r"equations.backprop: B\[2\] must be n_l × 1 = \(4, 1\).*got shape \(3, 1\)"),
    (lambda W, B: B.update({3: np.zeros(2)}), r"equations.backprop: B\[3\] must be n_l × 1 = \(2, 1\).*got shape \(2,\)"),
    (lambda W, B: W.update({2: np.zeros(3)}), r"equations.backprop: W\[2\] must be a matrix \(2-D\), got shape \(3,\)"),
    (lambda W, B: W.update({2: [[1.0, 2.0], [3.0]]}), r"equations.backprop: W\[2\] must be an array of numbers"),
    (lambda W, B: W.update({2: "abc"}), r"equations.backprop: W\[2\] must be an array of numbers"),
])
def test_equations_shapes_backprop_mismatched_network(change, message):
    W, B, acts, X, Y = net()
    change(W, B)
    with pytest.raises(ShapeError, match=message):
        eq.backprop(W, B, X, Y, acts)


def test_equations_shapes_a_1d_bias_is_not_broadcast_along_the_wrong_axis():
    # B^2 as a 1-D vector of 4 with m = 4 examples broadcasts across *columns* in NumPy: a
    # silently wrong Z. It is refused.
    W, B, acts, X, Y = net()
    B[2] = B[2].ravel() + np.arange(4)
    with pytest.raises(ShapeError, match=r"B\[2\] must be n_l × 1"):
        eq.forward(W, B, X[:, :4], acts)


def test_equations_shapes_forward_checks_X():
    W, B, acts, X, Y = net()
    with pytest.raises(ShapeError, match=r"equations.forward: X must be n_1 × m = 3 × m .*got shape \(5, 3\)"):
        eq.forward(W, B, X.T, acts)


def test_equations_shapes_layer_keys_that_are_not_ints():
    W, B, acts, X, Y = net()
    with pytest.raises(ConfigError, match="keyed by the layer numbers"):
        eq.backprop({"2": W[2], "3": W[3]}, B, X, Y, acts)


@pytest.mark.parametrize("fn", ["cost", "cost_gradient"])
def test_equations_shapes_loss_inputs_must_match(fn):
    AL = np.full((2, 5), 0.5)
    for Y in (np.zeros(5), np.zeros((5, 2)), np.zeros((1, 5))):  # (1, 5) used to broadcast silently
        with pytest.raises(ShapeError, match=rf"equations.{fn}: Y must have the shape of AL \(2, 5\)"):
            getattr(eq, fn)(AL, Y, "squared_error")


def test_equations_shapes_class_indices_are_checked():
    W, B, acts, X, Y = net()
    with pytest.raises(TargetError, match=r"equations.backprop: class indices must be integers in 0..1"):
        eq.backprop(W, B, X, np.array([0, 1, 2, 0, 1]), acts, "cross_entropy")  # today: IndexError
    with pytest.raises(TargetError, match=r"class indices must be integers"):
        eq.backprop(W, B, X, np.array([0, 0.5, 1, 0, 1]), acts, "cross_entropy")  # today: 0.5 read as 0
    with pytest.raises(TargetError, match=r"equations.one_hot: class indices"):
        eq.one_hot([0, 3], 2)
    with pytest.raises(ShapeError, match=r"equations.cost: Y must have shape \(5,\) for cross_entropy"):
        eq.cost(np.zeros((2, 5)), np.array([0, 1]), "cross_entropy")
    assert eq.one_hot(np.array([1, 0]), 2).tolist() == [[0.0, 1.0], [1.0, 0.0]]


def test_equations_shapes_hidden_and_output_delta():
    W, B, acts, X, Y = net()
    r = eq.backprop(W, B, X, Y, acts)
    with pytest.raises(ShapeError, match=r"equations.hidden_delta: delta_next must be n_\(l\+1\) × m = 2 × m"):
        eq.hidden_delta(W[3], r.delta[2], r.Z[2], "tanh")  # today: a raw matmul error
    with pytest.raises(ShapeError, match=r"equations.hidden_delta: Z must have shape \(4, 5\)"):
        eq.hidden_delta(W[3], r.delta[3], r.Z[3], "tanh")
    with pytest.raises(ShapeError, match=r"equations.output_delta: ZL and AL must have the same shape"):
        eq.output_delta(r.Z[3], r.A[2], Y, "sigmoid", "squared_error")
    # the checked functions still give the notes' numbers: (4) from (3)
    delta3 = eq.output_delta(r.Z[3], r.A[3], Y, "sigmoid", "squared_error")
    np.testing.assert_allclose(delta3, (r.A[3] - Y) * r.A[3] * (1 - r.A[3]), rtol=1e-12)
    np.testing.assert_allclose(eq.hidden_delta(W[3], delta3, r.Z[2], "tanh"),
                               (W[3].T @ delta3) * (1 - np.tanh(r.Z[2]) ** 2), rtol=1e-12)


def test_equations_shapes_sigma_of_non_numbers():
    with pytest.raises(ShapeError, match="equations.sigma: Z must be an array of numbers"):
        eq.sigma(["a"], "tanh")
    with pytest.raises(ShapeError, match="equations.sigma_prime: Z must be an array of numbers"):
        eq.sigma_prime([[1.0], [1.0, 2.0]], "tanh")
