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

from nn.errors import ConfigError, ShapeError, TargetError

Matrices = dict  # layer number l -> np.ndarray

LOSSES = ("squared_error", "mse", "cross_entropy", "binary_cross_entropy", "hinge")


def _array(M: object, name: str, where: str, ndim: "int | None" = None) -> np.ndarray:
    """M as a float array (of ndim dimensions), else ShapeError naming the function and argument."""
    try:
        A = np.asarray(M, dtype=float)
    except (ValueError, TypeError) as e:
        raise ShapeError(f"equations.{where}: {name} must be an array of numbers ({e})") from None
    if ndim is not None and A.ndim != ndim:
        what = "a matrix (2-D)" if ndim == 2 else f"{ndim}-D"
        raise ShapeError(f"equations.{where}: {name} must be {what}, got shape {A.shape}")
    return A


def _same_shape(where: str, **arrays: np.ndarray) -> None:
    """ShapeError unless every array has the same shape (NumPy would broadcast them silently)."""
    (first, A), *rest = arrays.items()
    for name, M in rest:
        if M.shape != A.shape:
            raise ShapeError(f"equations.{where}: {first} and {name} must have the same shape "
                             f"(n_l × m), got {A.shape} and {M.shape}")


def _class_indices(Y: object, n: int, m: "int | None", where: str) -> np.ndarray:
    """Y as m integer class indices in 0..n-1, else ShapeError/TargetError (no silent rounding)."""
    C = _array(Y, "Y (class indices)", where)
    if C.ndim != 1 or (m is not None and C.shape[0] != m):
        want = "(m,)" if m is None else f"({m},)"
        raise ShapeError(f"equations.{where}: Y must have shape {want} for cross_entropy (class indices), "
                         f"got {C.shape}")
    if not np.all(np.isfinite(C)) or np.any(C != np.round(C)) or np.any((C < 0) | (C >= n)):
        raise TargetError(f"equations.{where}: class indices must be integers in 0..{n - 1}, got {C.tolist()!r:.80}")
    return C.astype(int)


def sigma(Z: np.ndarray, activation: str) -> np.ndarray:
    """σ(Z) elementwise: sigmoid, tanh, relu or linear."""
    Z = _array(Z, "Z", "sigma")
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
    Z = _array(Z, "Z", "sigma_prime")
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
    Z = _array(Z, "Z", "softmax")
    if Z.ndim not in (1, 2) or Z.shape[0] == 0:
        raise ShapeError(f"equations.softmax: Z must be n × m (one column per example) with n ≥ 1, got shape {Z.shape}")
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def one_hot(classes: np.ndarray, n: int) -> np.ndarray:
    """n × m matrix with a 1 in row classes[i] of column i."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ConfigError(f"equations.one_hot: n must be a positive int (the number of classes), got {n!r:.60}")
    C = _class_indices(classes, int(n), None, "one_hot")
    Y = np.zeros((n, len(C)))
    Y[C, np.arange(len(C))] = 1.0
    return Y


def forward(W: Matrices, B: Matrices, X: np.ndarray, activations: dict) -> tuple[Matrices, Matrices]:
    """Equations (1) and (2) for l = 2..L, from A^1 = X."""
    W, B = _check_network(W, B, activations, "forward")
    L = max(W)
    A = {1: _check_X(X, W, "forward")}
    Z = {}
    for l in range(2, L + 1):
        Z[l] = W[l] @ A[l - 1] + B[l]
        A[l] = sigma(Z[l], activations[l])
    return Z, A


def cost_gradient(AL: np.ndarray, Y: np.ndarray, loss: str) -> np.ndarray:
    """∂C/∂A^L for each example (column), C being that example's loss."""
    AL, Y = _loss_inputs(AL, Y, loss, "cost_gradient")
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
    AL, Y = _loss_inputs(AL, Y, loss, "cost")
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
    ZL, AL = _array(ZL, "ZL", "output_delta", 2), _array(AL, "AL", "output_delta", 2)
    _same_shape("output_delta", ZL=ZL, AL=AL)
    return cost_gradient(AL, Y, loss) * sigma_prime(ZL, activation)


def hidden_delta(W_next: np.ndarray, delta_next: np.ndarray, Z: np.ndarray, activation: str) -> np.ndarray:
    """Equation (4), with the transpose: Δ^l = (W^{l+1})ᵀ Δ^{l+1} ⊙ σ'(Z^l)."""
    W_next = _array(W_next, "W_next", "hidden_delta", 2)
    delta_next, Z = _array(delta_next, "delta_next", "hidden_delta"), _array(Z, "Z", "hidden_delta")
    if delta_next.ndim not in (1, 2) or delta_next.shape[0] != W_next.shape[0]:
        raise ShapeError(f"equations.hidden_delta: delta_next must be n_(l+1) × m = {W_next.shape[0]} × m "
                         f"(W_next is n_(l+1) × n_l = {W_next.shape}), got shape {delta_next.shape}")
    expected = (W_next.shape[1], *delta_next.shape[1:])
    if Z.shape != expected:
        raise ShapeError(f"equations.hidden_delta: Z must have shape {expected} (n_l × m, as W_next.T @ delta_next), "
                         f"got {Z.shape}")
    return (W_next.T @ delta_next) * sigma_prime(Z, activation)


def _check_layers(W: Matrices, B: Matrices, activations: dict) -> None:
    """W, B and activations must be dicts keyed by the layer numbers 2..L (as from_mlp returns)."""
    for name, d in (("W", W), ("B", B), ("activations", activations)):
        if not isinstance(d, dict) or not d:
            raise ConfigError(f"equations: {name} must be a dict keyed by the layer number l = 2..L "
                              f"(see equations.from_mlp), got {type(d).__name__} {d!r:.60}")
    if not all(isinstance(l, (int, np.integer)) and not isinstance(l, bool) for l in W):
        raise ConfigError(f"equations: W must be keyed by the layer numbers l = 2..L (ints), got keys {list(W)!r:.60}")
    layers = set(range(2, max(W) + 1))
    for name, d in (("W", W), ("B", B), ("activations", activations)):
        if set(d) != layers:
            raise ConfigError(f"equations: {name} must have the keys {sorted(layers)}, got {list(d)!r:.80}")


def _check_network(W: Matrices, B: Matrices, activations: dict, where: str) -> tuple[Matrices, Matrices]:
    """(W, B) as float matrices after checking that W^l is n_l × n_{l-1} and B^l is n_l × 1."""
    _check_layers(W, B, activations)
    L = max(W)
    Wf = {l: _array(W[l], f"W[{l}]", where, 2) for l in range(2, L + 1)}
    Bf = {l: _array(B[l], f"B[{l}]", where) for l in range(2, L + 1)}
    for l in range(3, L + 1):
        if Wf[l].shape[1] != Wf[l - 1].shape[0]:
            raise ShapeError(f"equations.{where}: W[{l}] has shape {Wf[l].shape}, but layer {l - 1} has "
                             f"{Wf[l - 1].shape[0]} neurons (W[{l - 1}] has shape {Wf[l - 1].shape}); "
                             f"W^l must be n_l × n_(l-1)")
    for l in range(2, L + 1):
        if Bf[l].shape != (Wf[l].shape[0], 1):
            raise ShapeError(f"equations.{where}: B[{l}] must be n_l × 1 = ({Wf[l].shape[0]}, 1) (a column, "
                             f"as W[{l}] has {Wf[l].shape[0]} rows), got shape {Bf[l].shape}; "
                             f"a 1-D b becomes one with b.reshape(-1, 1)")
    return Wf, Bf


def _check_X(X: object, W: Matrices, where: str) -> np.ndarray:
    """X as the n_1 × m float matrix the first layer reads (examples as columns)."""
    Xf = _array(X, "X", where)
    if Xf.ndim != 2 or Xf.shape[0] != W[2].shape[1]:
        raise ShapeError(f"equations.{where}: X must be n_1 × m = {W[2].shape[1]} × m (examples as columns), "
                         f"got shape {Xf.shape}")
    return Xf


def _loss_inputs(AL: object, Y: object, loss: str, where: str) -> tuple[np.ndarray, np.ndarray]:
    """(A^L, Y) checked against each other: Y is n_L × m, or m class indices for cross_entropy."""
    if loss not in LOSSES:
        raise ConfigError(f"equations: unknown loss {loss!r}; valid losses are {', '.join(LOSSES)}")
    AL = _array(AL, "AL", where, 2)
    if loss == "cross_entropy":
        return AL, _class_indices(Y, AL.shape[0], AL.shape[1], where)
    Y = _array(Y, "Y", where)
    if Y.shape != AL.shape:
        raise ShapeError(f"equations.{where}: Y must have the shape of AL {AL.shape} for {loss} "
                         f"(n_L × m, one column per example), got {Y.shape}")
    return AL, Y


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
    W, B = _check_network(W, B, activations, "backprop")
    X = _check_X(X, W, "backprop")
    L = max(W)
    m = X.shape[1]
    if loss not in LOSSES:
        raise ConfigError(f"equations: unknown loss {loss!r}; valid losses are {', '.join(LOSSES)}")
    if loss == "cross_entropy":
        Y = _class_indices(Y, W[L].shape[0], m, "backprop")
    else:
        Y = _array(Y, "Y", "backprop")
        if Y.shape != (W[L].shape[0], m):
            raise ShapeError(f"equations.backprop: Y must have shape {(W[L].shape[0], m)} for {loss} "
                             f"(n_L × m, one column per example), got {Y.shape}")
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
