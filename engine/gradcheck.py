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
                f"!= numerical gradient {n!r} (eps={eps}, rtol={rtol}, atol={atol}){_kink_note(f, values, i, eps)}",
                i, a, n,
            )
    return True


# The piecewise-linear ops: where their input sits on a kink, the one-sided slopes differ, central
# differences average them, and the engine's local derivative is one chosen subgradient.
_KINK_RULES = {
    "relu": "relu passes 0 at x = 0", "leaky_relu": "leaky_relu passes its slope at x = 0",
    "abs": "abs passes 0 at x = 0", "max": "max sends a tie's gradient to its first input",
    "min": "min sends a tie's gradient to its first input",
    "clamp": "clamp passes the gradient at its bounds",
}


def _kink_note(f: Callable[[list[Value]], Value], values: list[Value], i: int, eps: float) -> str:
    """'; note: ...' naming the piecewise-linear nodes whose local derivative changes between
    x_i - eps, x_i and x_i + eps (the differences straddle a kink there), else ''."""
    from engine.backward import topo_order  # engine.backward is imported after this module

    x, original = values[i], values[i].data
    orders = []
    try:
        for shift in (-eps, 0.0, eps):
            x.data = original + shift
            orders.append(topo_order(_call(f, values, "gradcheck")))
    finally:
        x.data = original
    if len({len(order) for order in orders}) != 1:
        return ""  # f's graph changes shape with x_i: nothing to line up
    found: dict[str, int] = {}
    for down, here, up in zip(*orders):
        if (here.op in _KINK_RULES and down.op == here.op == up.op
                and not down.local_grads == here.local_grads == up.local_grads):
            found[here.op] = found.get(here.op, 0) + 1
    if not found:
        return ""
    ops = ", ".join(f"{count} {op}" for op, count in found.items())
    rules = "; ".join(_KINK_RULES[op] for op in found)
    return (f"; note: {ops} node(s) of the graph sit on a kink within eps of this input, where central "
            f"differences average the two one-sided slopes and backward() uses one subgradient ({rules}): "
            "a mismatch there is expected, not a bug")
