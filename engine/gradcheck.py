"""Numerical gradients by central differences, and gradcheck against backward()."""
from __future__ import annotations

import math
from typing import Callable, Sequence

from engine.errors import GradcheckError
from engine.value import Value, as_value


def _as_values(xs: Sequence[object], where: str, f: object = None) -> list[Value]:
    if not callable(f):
        raise TypeError(f"{where}: f must be a function of a list of Values, got {type(f).__name__} {f!r:.60}")
    if isinstance(xs, (Value, str, bytes)) or not hasattr(xs, "__len__"):
        raise TypeError(f"{where}: xs must be a list of Values or numbers, got {type(xs).__name__} {xs!r:.60}")
    try:
        return [as_value(x) for x in xs]  # type: ignore[arg-type]
    except TypeError as e:
        raise TypeError(f"{where}: xs must be a list of Values or numbers: {e}") from None


def _call(f: Callable[[list[Value]], Value], xs: list[Value], where: str) -> Value:
    """f(xs), which must be a Value; TypeError naming `where` otherwise."""
    out = f(xs)
    if type(out) is not Value:
        raise TypeError(f"{where}: f must return a Value, got {type(out).__name__} {out!r:.60}")
    return out


def numerical_grad(
    f: Callable[[list[Value]], Value], xs: Sequence[Value | float], eps: float = 1e-6
) -> list[float]:
    """∂f/∂x_i ≈ (f(x + ε e_i) - f(x - ε e_i)) / 2ε for each i; xs' data is restored afterwards."""
    if not eps > 0:
        raise ValueError(f"numerical_grad: eps must be positive, got {eps!r}")
    values = _as_values(xs, "numerical_grad", f)
    grads = []
    for x in values:
        original = x.data
        try:
            x.data = original + eps
            up = _call(f, values, "numerical_grad").data
            x.data = original - eps
            down = _call(f, values, "numerical_grad").data
        finally:
            x.data = original
        grads.append((up - down) / (2 * eps))
    return grads


def analytic_grad(f: Callable[[list[Value]], Value], xs: Sequence[Value | float]) -> list[float]:
    """∂f/∂x_i by one backward pass; the xs' own grads are left as they were."""
    values = _as_values(xs, "analytic_grad", f)
    saved = [x.grad for x in values]
    try:
        for x in values:
            x.grad = 0.0
        _call(f, values, "analytic_grad").backward()
        return [x.grad for x in values]
    finally:
        for x, g in zip(values, saved):
            x.grad = g


def gradcheck(
    f: Callable[[list[Value]], Value],
    xs: Sequence[Value | float],
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-6,
) -> bool:
    """True if backward() agrees with central differences for every input, else GradcheckError
    naming the first input (index and label) where |analytic - numeric| > atol + rtol·|numeric|.
    """
    values = _as_values(xs, "gradcheck", f)
    analytic = analytic_grad(f, values)
    numeric = numerical_grad(f, values, eps)
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        if not math.isclose(a, n, rel_tol=rtol, abs_tol=atol):
            name = f" ({values[i].label!r})" if values[i].label else ""
            raise GradcheckError(
                f"gradcheck: input {i}{name} at {values[i].data!r}: analytic gradient {a!r} "
                f"!= numerical gradient {n!r} (eps={eps}, rtol={rtol}, atol={atol})",
                i, a, n,
            )
    return True
