"""The notes' matrix-form backpropagation in NumPy, written straight from the equations.

Layers are numbered as in notes 000 and 004: the input layer is 1, the output layer L. The
dicts W, B, Z, A, delta, dW, dB are keyed by that number, so the code reads like the notes;
a batch of m examples is stored as m columns (A[1] = X is n_1 × m).

    (1) Z^l = W^l A^{l-1} + B^l            (2) A^l = σ(Z^l)       [000 prints Z^l = σ(A^l)]
    (3) Δ^L = ∂C/∂A^L ⊙ σ'(Z^L)            for C = ½‖Y − A^L‖²: (A^L − Y) ⊙ σ'(Z^L)
    (4) Δ^l = (W^{l+1})ᵀ Δ^{l+1} ⊙ σ'(Z^l)  [000 prints it without the transpose]
    (5) ∂C/∂W^l = Δ^l (A^{l-1})ᵀ            (6) ∂C/∂B^l = Δ^l
and for a mini-batch the per-example gradients (5), (6) are averaged over the m columns.
This is the independent check of the scalar engine: it shares no code with it.
"""
from __future__ import annotations

from typing import NamedTuple

try:
    import numpy as np
except ImportError:  # pragma: no cover - exercised only without numpy
    raise ImportError("nn.equations needs NumPy: pip install 'deltagrad[numpy]'") from None

from nn.errors import ConfigError, ShapeError

Matrices = dict  # layer number l -> np.ndarray

LOSSES = ("squared_error", "mse", "cross_entropy", "binary_cross_entropy", "hinge")


def sigma(Z: np.ndarray, activation: str) -> np.ndarray:
    """σ(Z) elementwise: sigmoid, tanh, relu or linear."""
    if activation == "sigmoid":
        E = np.exp(-np.abs(Z))
        return np.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E))
    if activation == "tanh":
        return np.tanh(Z)
    if activation == "relu":
        return np.where(Z > 0, Z, 0.0)
    if activation == "linear":
        return Z.copy()
    raise ConfigError(f"equations: unknown activation {activation!r}")


def sigma_prime(Z: np.ndarray, activation: str) -> np.ndarray:
    """σ'(Z): σ(1 − σ), 1 − tanh², [Z > 0], 1."""
    if activation == "sigmoid":
        S = sigma(Z, "sigmoid")
        return S * (1.0 - S)
    if activation == "tanh":
        T = np.tanh(Z)
        return 1.0 - T * T
    if activation == "relu":
        return (Z > 0).astype(float)
    if activation == "linear":
        return np.ones_like(Z)
    raise ConfigError(f"equations: unknown activation {activation!r}")


def softmax(Z: np.ndarray) -> np.ndarray:
    """Column-wise softmax, max subtracted first."""
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def one_hot(classes: np.ndarray, n: int) -> np.ndarray:
    """n × m matrix with a 1 in row classes[i] of column i."""
    Y = np.zeros((n, len(classes)))
    Y[np.asarray(classes, dtype=int), np.arange(len(classes))] = 1.0
    return Y


def forward(W: Matrices, B: Matrices, X: np.ndarray, activations: dict) -> tuple[Matrices, Matrices]:
    """Equations (1) and (2) for l = 2..L, from A^1 = X."""
    _check_layers(W, B, activations)
    L = max(W)
    A = {1: np.asarray(X, dtype=float)}
    Z = {}
    for l in range(2, L + 1):
        Z[l] = W[l] @ A[l - 1] + B[l]
        A[l] = sigma(Z[l], activations[l])
    return Z, A


def cost_gradient(AL: np.ndarray, Y: np.ndarray, loss: str) -> np.ndarray:
    """∂C/∂A^L for each example (column), C being that example's loss."""
    if loss == "squared_error":  # C = ½ Σ_j (y_j − a_j)²
        return AL - Y
    if loss == "mse":  # C = (1/n) Σ_j (y_j − a_j)²
        return 2.0 * (AL - Y) / AL.shape[0]
    if loss == "cross_entropy":  # C = −log softmax(a)_c, Y = class indices
        return softmax(AL) - one_hot(Y, AL.shape[0])
    if loss == "binary_cross_entropy":  # C = −y log a − (1 − y) log(1 − a)
        return (AL - Y) / (AL * (1.0 - AL))
    if loss == "hinge":  # C = max(0, 1 − y a)
        return np.where(1.0 - Y * AL > 0, -Y, 0.0)
    raise ConfigError(f"equations: unknown loss {loss!r}; valid losses are {', '.join(LOSSES)}")


def cost(AL: np.ndarray, Y: np.ndarray, loss: str) -> float:
    """The loss averaged over the m examples."""
    m = AL.shape[1]
    if loss == "squared_error":
        per = 0.5 * ((Y - AL) ** 2).sum(axis=0)
    elif loss == "mse":
        per = ((Y - AL) ** 2).mean(axis=0)
    elif loss == "cross_entropy":
        top = AL.max(axis=0)
        per = np.log(np.exp(AL - top).sum(axis=0)) + top - AL[np.asarray(Y, dtype=int), np.arange(m)]
    elif loss == "binary_cross_entropy":
        per = (-Y * np.log(AL) - (1 - Y) * np.log(1 - AL)).sum(axis=0)
    elif loss == "hinge":
        per = np.maximum(0.0, 1.0 - Y * AL).sum(axis=0)
    else:
        raise ConfigError(f"equations: unknown loss {loss!r}; valid losses are {', '.join(LOSSES)}")
    return float(per.mean())


def output_delta(ZL: np.ndarray, AL: np.ndarray, Y: np.ndarray, activation: str, loss: str) -> np.ndarray:
    """Equation (3): Δ^L = ∂C/∂A^L ⊙ σ'(Z^L)."""
    return cost_gradient(AL, Y, loss) * sigma_prime(ZL, activation)


def hidden_delta(W_next: np.ndarray, delta_next: np.ndarray, Z: np.ndarray, activation: str) -> np.ndarray:
    """Equation (4), with the transpose: Δ^l = (W^{l+1})ᵀ Δ^{l+1} ⊙ σ'(Z^l)."""
    return (W_next.T @ delta_next) * sigma_prime(Z, activation)


def _check_layers(W: Matrices, B: Matrices, activations: dict) -> None:
    """W, B and activations must be dicts keyed by the layer numbers 2..L (as from_mlp returns)."""
    for name, d in (("W", W), ("B", B), ("activations", activations)):
        if not isinstance(d, dict) or not d:
            raise ConfigError(f"equations: {name} must be a dict keyed by the layer number l = 2..L "
                              f"(see equations.from_mlp), got {type(d).__name__} {d!r:.60}")
    layers = set(range(2, max(W) + 1))
    for name, d in (("W", W), ("B", B), ("activations", activations)):
        if set(d) != layers:
            raise ConfigError(f"equations: {name} must have the keys {sorted(layers)}, got {sorted(d)}")


class Backprop(NamedTuple):
    Z: Matrices  # Z[l], n_l × m
    A: Matrices  # A[l], n_l × m (A[1] = X)
    delta: Matrices  # Δ^l, one column per example: ∂C_i/∂z^l of example i's own loss
    dW: Matrices  # ∂C/∂W^l averaged over the batch, n_l × n_{l-1}
    dB: Matrices  # ∂C/∂B^l averaged over the batch, n_l × 1
    cost: float  # the loss averaged over the batch


def backprop(W: Matrices, B: Matrices, X: np.ndarray, Y: np.ndarray, activations: dict,
             loss: str = "squared_error") -> Backprop:
    """Forward (1)-(2), then (3), (4) backward, then (5)-(6) averaged over the m columns."""
    _check_layers(W, B, activations)
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] != W[2].shape[1]:
        raise ShapeError(f"equations: X must be n_1 × m = {W[2].shape[1]} × m (examples as columns), "
                         f"got shape {X.shape}")
    L = max(W)
    m = X.shape[1]
    Y = np.asarray(Y, dtype=int if loss == "cross_entropy" else float)
    expected = (m,) if loss == "cross_entropy" else (W[L].shape[0], m)
    if Y.shape != expected:
        raise ShapeError(f"equations: Y must have shape {expected} for {loss} "
                         f"({'class indices' if loss == 'cross_entropy' else 'n_L × m, one column per example'}), "
                         f"got {Y.shape}")
    Z, A = forward(W, B, X, activations)
    delta = {L: output_delta(Z[L], A[L], Y, activations[L], loss)}
    for l in range(L - 1, 1, -1):
        delta[l] = hidden_delta(W[l + 1], delta[l + 1], Z[l], activations[l])
    dW = {l: delta[l] @ A[l - 1].T / m for l in range(2, L + 1)}
    dB = {l: delta[l].sum(axis=1, keepdims=True) / m for l in range(2, L + 1)}
    return Backprop(Z, A, delta, dW, dB, cost(A[L], Y, loss))


def from_mlp(mlp) -> tuple[Matrices, Matrices, dict]:  # type: ignore[no-untyped-def]
    """(W, B, activations) of an nn.MLP as NumPy matrices keyed by the notes' layer number."""
    from nn.mlp import MLP

    if not isinstance(mlp, MLP):
        raise ConfigError(f"equations.from_mlp: expected an nn.MLP, got {type(mlp).__name__} {mlp!r:.60}")
    L = len(mlp.sizes)
    W = {l: np.array(mlp.weights(l), dtype=float) for l in range(2, L + 1)}
    B = {l: np.array(mlp.biases(l), dtype=float).reshape(-1, 1) for l in range(2, L + 1)}
    activations = {l: mlp.layers[l - 2].activation for l in range(2, L + 1)}
    return W, B, activations


def columns(rows) -> np.ndarray:  # type: ignore[no-untyped-def]
    """A list of examples (rows) as the notes' matrix with one example per column."""
    try:
        M = np.asarray(rows, dtype=float)
    except (ValueError, TypeError) as e:
        raise ShapeError(f"equations.columns: expected a list of examples of equal length, all numbers "
                         f"({e})") from None
    if M.ndim != 2:
        raise ShapeError(f"equations.columns: expected a list of examples (a 2-D table), got shape {M.shape}")
    return M.T
