"""The lecture notes' printed mistakes, kept on purpose so a learner can watch them fail.

Nothing in nn uses these; tests and notebooks compare them with the engine. See
shared/seeds/README.md for the list. The matrix ones need NumPy (nn.equations).
"""
from __future__ import annotations

from typing import Sequence


def delta_as_printed_000(W_next, delta_next, Z, activation: str):  # type: ignore[no-untyped-def]
    """Note 000's eq. (4) as printed: Δ^l = W^{l+1} Δ^{l+1} ⊙ σ'(Z^l), no transpose.

    With W^{l+1} of shape n_{l+1} × n_l this only multiplies when n_l = n_{l+1}, and then gives
    the wrong numbers; the right form is (W^{l+1})ᵀ Δ^{l+1} (nn.equations.hidden_delta).
    """
    from nn.equations import sigma_prime
    from nn.errors import ShapeError

    if W_next.shape[1] != delta_next.shape[0]:
        (r, c), n = W_next.shape, delta_next.shape[0]
        m = delta_next.shape[1] if delta_next.ndim == 2 else 1  # a 1-D Δ is one column
        raise ShapeError(f"as printed, W^(l+1) Δ^(l+1) multiplies a {r}×{c} matrix by a {n}×{m} one, "
                         f"which is undefined; (W^(l+1))ᵀ Δ^(l+1) is {c}×{m}, the size of Δ^l")
    return (W_next @ delta_next) * sigma_prime(Z, activation)


def delta_with_sigma_004(W_next, delta_next, Z, activation: str):  # type: ignore[no-untyped-def]
    """Note 004's sentence after eq. (7) read literally: σ(Z^l) in place of σ'(Z^l)."""
    from nn.equations import sigma

    return (W_next.T @ delta_next) * sigma(Z, activation)


def output_grad_as_written_001(a: Sequence[float], y: Sequence[float]) -> list[float]:
    """Note 001's ∂L/∂a_j = (y_j − a_j) for L = ½ Σ (y_j − a_j)²; the true value is a_j − y_j."""
    return [yj - aj for aj, yj in zip(a, y)]


def perceptron_update_as_printed(w: list[float], b: float, x: Sequence[float], y: float,
                                 lr: float) -> tuple[list[float], float]:
    """Note 003's slide: w ← w − η y_i x_i (the gradient's minus sign dropped).

    The slide's bias line, b ← b − η x_i, subtracts a vector from a number; it is read here as
    b ← b − η y_i, the same sign error. Pass it to Perceptron.fit(update=...) to see it fail.
    """
    return [wk - lr * y * xk for wk, xk in zip(w, x)], b - lr * y
