"""Optimizers: SGD (with momentum) and Adam; a step that would write nan/inf changes nothing."""
from __future__ import annotations

import math
import numbers
from typing import Callable, Iterable, Union

from engine import Value
from nn.errors import ConfigError, InputTypeError, NonFiniteError

Rate = Union[float, Callable[[int], float]]


def _parameters(params: Iterable[Value], where: str) -> list[Value]:
    """params as a list of distinct Values (a Value listed twice is stepped once)."""
    if type(params) is Value or isinstance(params, (str, bytes)) or not hasattr(params, "__iter__"):
        raise InputTypeError(f"{where}: expected a list of parameters (model.parameters()), got {params!r:.60}")
    out, seen = [], set()
    for p in params:
        if type(p) is not Value:
            raise InputTypeError(f"{where}: every parameter must be a Value, got {type(p).__name__} {p!r:.60}")
        if id(p) not in seen:
            seen.add(id(p))
            out.append(p)
    if not out:
        raise ConfigError(f"{where}: the parameter list is empty")
    return out


def _rate(lr: object, where: str) -> Rate:
    """A positive finite number, or a callable t -> rate (checked at each step)."""
    if callable(lr):
        return lr  # type: ignore[return-value]
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not (math.isfinite(lr) and lr > 0):
        raise ConfigError(f"{where}: lr must be a positive finite number or a function of the step, got {lr!r}")
    return float(lr)


def _commit(params: list[Value], new: list[float], where: str) -> None:
    """Assign the new data only if every value is finite (all or nothing)."""
    for p, v in zip(params, new):
        if not math.isfinite(v):
            name = f" {p.label!r}" if p.label else ""
            raise NonFiniteError(f"{where}: the step would set parameter{name} to {v!r} "
                                 f"(grad {p.grad!r}); nothing was changed")
    for p, v in zip(params, new):
        p.data = v


class Optimizer:
    """Holds the parameters and the step count t; subclasses define step()."""

    def __init__(self, params: Iterable[Value], lr: Rate, where: str) -> None:
        self.params = _parameters(params, where)
        self.lr = _rate(lr, where)
        self.t = 0  # steps taken so far
        self._where = where

    def current_lr(self) -> float:
        """The learning rate of the next step (lr(t) if lr is a function of the step t)."""
        if not callable(self.lr):
            return self.lr
        rate = self.lr(self.t)
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not (math.isfinite(rate) and rate > 0):
            raise ConfigError(f"{self._where}: lr({self.t}) returned {rate!r}, not a positive finite number")
        return float(rate)

    def zero_grad(self) -> None:
        """p.grad = 0 for every parameter."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent (note 002: w ← w − ξ ∂L/∂w); with momentum μ: v ← μv + g, w ← w − ξv."""

    def __init__(self, params: Iterable[Value], lr: Rate, momentum: float = 0.0) -> None:
        super().__init__(params, lr, "SGD")
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real) or not 0 <= momentum < 1:
            raise ConfigError(f"SGD: momentum must be a number in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)
        self.velocity = [0.0] * len(self.params)

    def step(self) -> None:
        """One update of every parameter from its current grad."""
        lr, mu = self.current_lr(), self.momentum
        if mu == 0.0:
            _commit(self.params, [p.data - lr * p.grad for p in self.params], "SGD.step")
        else:
            velocity = [mu * v + p.grad for p, v in zip(self.params, self.velocity)]
            _commit(self.params, [p.data - lr * v for p, v in zip(self.params, velocity)], "SGD.step")
            self.velocity = velocity
        self.t += 1

    def __repr__(self) -> str:
        return f"SGD({len(self.params)} parameters, lr={self.lr!r}, momentum={self.momentum})"


class Adam(Optimizer):
    """Adam: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − lr·m̂/(√v̂ + ε) with bias-corrected m̂, v̂."""

    def __init__(
        self, params: Iterable[Value], lr: Rate = 0.001, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ) -> None:
        super().__init__(params, lr, "Adam")
        try:
            b1, b2 = (float(b) for b in betas)
        except (TypeError, ValueError):
            raise ConfigError(f"Adam: betas must be two numbers in [0, 1), got {betas!r}") from None
        if not (0.0 <= b1 < 1.0 and 0.0 <= b2 < 1.0):
            raise ConfigError(f"Adam: betas must be two numbers in [0, 1), got {betas!r}")
        if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not eps > 0:
            raise ConfigError(f"Adam: eps must be a positive number, got {eps!r}")
        self.betas, self.eps = (b1, b2), float(eps)
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        """One Adam update of every parameter from its current grad."""
        lr = self.current_lr()
        (b1, b2), eps, t = self.betas, self.eps, self.t + 1
        m = [b1 * mi + (1 - b1) * p.grad for p, mi in zip(self.params, self.m)]
        v = [b2 * vi + (1 - b2) * p.grad * p.grad for p, vi in zip(self.params, self.v)]
        c1, c2 = 1 - b1**t, 1 - b2**t
        new = [p.data - lr * (mi / c1) / (math.sqrt(vi / c2) + eps) for p, mi, vi in zip(self.params, m, v)]
        _commit(self.params, new, "Adam.step")
        self.m, self.v, self.t = m, v, t

    def __repr__(self) -> str:
        return f"Adam({len(self.params)} parameters, lr={self.lr!r}, betas={self.betas})"


# ---------------------------------------------------------------------- read-only state (for the stepper)
# Added as functions bound onto the classes so the classes themselves stay as they were.
def _position(optimizer: Optimizer, p: Value, where: str) -> int:
    """The index of parameter p in optimizer.params, else ConfigError naming it."""
    for i, q in enumerate(optimizer.params):
        if q is p:
            return i
    name = f" {p.label!r}" if getattr(p, "label", "") else ""
    raise ConfigError(f"{where}: the parameter{name} ({p!r:.60}) is not one this optimizer updates")


def state_of(optimizer: Optimizer, p: Value) -> dict[str, float]:
    """A copy of the optimizer's state for parameter p: SGD {"velocity"}, Adam {"m", "v"}; plus "t"."""
    i = _position(optimizer, p, f"{type(optimizer).__name__}.state_of")
    state: dict[str, float] = {"t": optimizer.t}
    for key in ("velocity", "m", "v"):
        values = getattr(optimizer, key, None)
        if isinstance(values, list):
            state[key] = values[i]
    return state


Optimizer.state_of = state_of  # type: ignore[attr-defined]


def bias_corrections(optimizer: Adam, t: int | None = None) -> tuple[float, float]:
    """(1 − β₁ᵗ, 1 − β₂ᵗ), the denominators of m̂ and v̂ after step t (default: the last step taken)."""
    b1, b2 = optimizer.betas
    t = optimizer.t if t is None else t
    return 1 - b1**t, 1 - b2**t


Adam.bias_corrections = bias_corrections  # type: ignore[attr-defined]
