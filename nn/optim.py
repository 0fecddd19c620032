"""Optimizers: SGD (with momentum) and Adam; a step that would write nan/inf changes nothing.

Every hyper-parameter is checked when the optimizer is made; every step checks the grads, the
new state (velocity, m, v) and the new data, and raises NonFiniteError naming the parameter
before anything is assigned.
"""
from __future__ import annotations

import math
from typing import Callable, Iterable, Union

from engine import Value
from nn.errors import ConfigError, InputTypeError, NonFiniteError
from nn.inputs import finite_real
from nn.module import Module

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
    """A positive finite number, or a function t -> rate (its results are checked at each step)."""
    if isinstance(lr, (Module, Value)):  # callable (a model) or number-like, but not a rate
        raise ConfigError(f"{where}: lr must be a positive finite number or a function of the step t, "
                          f"got a {type(lr).__name__} {lr!r:.60}")
    if callable(lr):
        return lr  # type: ignore[return-value]
    f = finite_real(lr)
    if f is None or not f > 0:
        raise ConfigError(f"{where}: lr must be a positive finite number or a function of the step, got {lr!r:.60}")
    return f


def _checked_rate(lr: Callable[[int], float], t: int, where: str) -> float:
    """lr(t) as a positive finite float, else ConfigError naming lr and t."""
    try:
        rate = lr(t)
    except Exception as e:  # the schedule is the user's code; say where it failed
        raise ConfigError(f"{where}: lr is a function, but lr({t}) failed: {type(e).__name__}: {e}") from e
    f = finite_real(rate)
    if f is None or not f > 0:
        raise ConfigError(f"{where}: lr({t}) returned {rate!r:.60}, not a positive finite number")
    return f


def _unit(x: object, name: str, where: str) -> float:
    """x as a float in [0, 1) (momentum, β₁, β₂), else ConfigError."""
    f = finite_real(x)
    if f is None or not 0.0 <= f < 1.0:
        raise ConfigError(f"{where}: {name} must be a number in [0, 1), got {x!r:.60}")
    return f


def _name(params: list[Value], i: int) -> str:
    """How an error names parameter i: its label and its position."""
    p = params[i]
    return f"parameter {i} ({p.label!r})" if p.label else f"parameter {i}"


def _grads(params: list[Value], where: str) -> list[float]:
    """Every parameter's grad as a finite float, else NonFiniteError naming the parameter."""
    out = []
    for i, p in enumerate(params):
        g = finite_real(p.grad)
        if g is None:
            raise NonFiniteError(f"{where}: the grad of {_name(params, i)} is {p.grad!r:.60}, "
                                 f"not a finite number; nothing was changed")
        out.append(g)
    return out


def _check_state(params: list[Value], state: list[float], what: str, where: str) -> None:
    """Every entry of an optimizer's state (velocity, m, v) finite, else NonFiniteError (nothing changed)."""
    for i, s in enumerate(state):
        if not math.isfinite(s):
            raise NonFiniteError(f"{where}: the step would set the {what} of {_name(params, i)} to {s!r} "
                                 f"(grad {params[i].grad!r}); nothing was changed")


def _commit(params: list[Value], new: list[float], where: str) -> None:
    """Assign the new data only if every value is finite (all or nothing)."""
    for i, (p, v) in enumerate(zip(params, new)):
        if not math.isfinite(v):
            raise NonFiniteError(f"{where}: the step would set {_name(params, i)} to {v!r} "
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
        return _checked_rate(self.lr, self.t, self._where)

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
        self.momentum = _unit(momentum, "momentum", "SGD")
        self.velocity = [0.0] * len(self.params)

    def step(self) -> None:
        """One update of every parameter from its current grad."""
        lr, mu = self.current_lr(), self.momentum
        grads = _grads(self.params, "SGD.step")
        if mu == 0.0:
            _commit(self.params, [p.data - lr * g for p, g in zip(self.params, grads)], "SGD.step")
        else:
            velocity = [mu * v + g for g, v in zip(grads, self.velocity)]
            _check_state(self.params, velocity, "velocity", "SGD.step")
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
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ConfigError(f"Adam: betas must be two numbers in [0, 1), got {betas!r:.60}")
        b1, b2 = _unit(betas[0], "betas[0] (β₁)", "Adam"), _unit(betas[1], "betas[1] (β₂)", "Adam")
        f = finite_real(eps)
        if f is None or not f > 0:
            raise ConfigError(f"Adam: eps must be a positive finite number, got {eps!r:.60}")
        self.betas, self.eps = (b1, b2), f
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        """One Adam update of every parameter from its current grad."""
        lr = self.current_lr()
        (b1, b2), eps, t = self.betas, self.eps, self.t + 1
        grads = _grads(self.params, "Adam.step")
        m = [b1 * mi + (1 - b1) * g for g, mi in zip(grads, self.m)]
        v = [b2 * vi + (1 - b2) * g * g for g, vi in zip(grads, self.v)]
        _check_state(self.params, m, "first moment m", "Adam.step")
        _check_state(self.params, v, "second moment v (the running mean of grad²)", "Adam.step")
        c1, c2 = 1 - b1**t, 1 - b2**t
        # √v̂ = √v / √c2: the same number, without overflowing when v is near the largest float
        root_c2 = math.sqrt(c2)
        new = [p.data - lr * (mi / c1) / (math.sqrt(vi) / root_c2 + eps) for p, mi, vi in zip(self.params, m, v)]
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
