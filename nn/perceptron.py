"""The perceptron of note 003, trained by the classic rule (with the slide's sign error fixed).

For labels y_i = ±1 the perceptron criterion is error(w, b) = −Σ_{i∈M} y_i (wᵀx_i + b) over the
misclassified points M. Its gradient is −Σ_M y_i x_i (and −Σ_M y_i for b), so a descent step on
one misclassified point is  w ← w + η y_i x_i,  b ← b + η y_i.  (The slide drops the minus and
prints w − η y_i x_i, b − η x_i; `nn.errata.perceptron_update_as_printed` keeps that version, with
the bias line read as b − η y_i, to show that it does not converge.)
"""
from __future__ import annotations

import math
import numbers
import random
from typing import Callable, Optional, Sequence

from engine import Value, dot
from nn.errors import ConfigError, InputTypeError, TargetError
from nn.init import initial_weights
from nn.inputs import check_seed, input_labels, wrap_inputs
from nn.module import Module
from nn.neuron import check_count

Update = Callable[[list[float], float, Sequence[float], float, float], tuple[list[float], float]]


def perceptron_update(w: list[float], b: float, x: Sequence[float], y: float, lr: float) -> tuple[list[float], float]:
    """One step on a misclassified point: w ← w + η y x, b ← b + η y."""
    return [wk + lr * y * xk for wk, xk in zip(w, x)], b + lr * y


class Perceptron(Module):
    """f(x) = sign(wᵀx + b) with labels ±1; `fit` runs the perceptron rule epoch by epoch.

    Weights start small and seeded (U(±1/√nin), b = 0). After fit: `epochs` (passes made),
    `converged` (the last pass had no mistakes) and `mistakes` (mistakes per pass).
    """

    def __init__(self, nin: int, *, seed: int = 0) -> None:
        check_count(nin, "nin", "Perceptron")
        w, b = initial_weights(nin, "uniform", random.Random(check_seed(seed, "Perceptron")))
        self.nin = nin
        self.w = [Value(wk, f"w{k}") for k, wk in enumerate(w, start=1)]
        self.b = Value(b, "b")
        self.epochs = 0
        self.converged = False
        self.mistakes: list[int] = []
        self._x_labels = input_labels(nin)

    def __call__(self, x: Sequence[float]) -> Value:
        """z = wᵀx + b as one dot node (its sign is the prediction)."""
        return dot(self.w, wrap_inputs(x, self._x_labels, "Perceptron"), self.b)

    def predict(self, x: Sequence[float]) -> int:
        """+1 if wᵀx + b > 0 else −1."""
        return 1 if self(x).data > 0 else -1

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [(p.label, p) for p in (*self.w, self.b)]

    def fit(self, X: Sequence[Sequence[float]], y: Sequence[float], lr: float = 1.0, max_epochs: int = 100,
            update: Optional[Update] = None) -> int:
        """Sweep the data in order, updating on every point with y_i (wᵀx_i + b) ≤ 0, until a sweep
        makes no mistake or `max_epochs` sweeps are done (non-separable data stops there, cleanly).
        Returns the number of sweeps made. `update` replaces the rule (default: perceptron_update)."""
        if update is not None and not callable(update):
            raise InputTypeError(f"Perceptron.fit: update must be a function (w, b, x, y, lr) -> (w, b) or None, "
                                 f"got {type(update).__name__} {update!r:.60}")
        rows, labels = self._check(X, y, lr, max_epochs)
        rule = update or perceptron_update
        w, b = [p.data for p in self.w], self.b.data
        self.mistakes, self.converged = [], False
        for _ in range(max_epochs):
            mistakes = 0
            for x, t in zip(rows, labels):
                if t * (sum(wk * xk for wk, xk in zip(w, x)) + b) <= 0.0:
                    w, b = rule(w, b, x, t, lr)
                    mistakes += 1
            self.mistakes.append(mistakes)
            if mistakes == 0:
                self.converged = True
                break
        for p, v in zip(self.w, w):
            p.data = float(v)
        self.b.data = float(b)
        self.epochs = len(self.mistakes)
        return self.epochs

    def _check(self, X: object, y: object, lr: object, max_epochs: object) -> tuple[list[list[float]], list[float]]:
        """All inputs and labels checked (and copied as floats) before any weight changes."""
        if not (hasattr(X, "__len__") and hasattr(y, "__len__")) or len(X) != len(y) or not len(y):  # type: ignore[arg-type]
            raise ConfigError("Perceptron.fit: X and y must be non-empty lists of the same length")
        rows = [[v.data for v in wrap_inputs(x, self._x_labels, f"Perceptron.fit example {i}")]
                for i, x in enumerate(X)]  # type: ignore[arg-type]
        labels = []
        for i, t in enumerate(y):  # type: ignore[arg-type]
            if isinstance(t, bool) or not isinstance(t, numbers.Real) or t not in (-1, 1):
                raise TargetError(f"Perceptron.fit: example {i} has label {t!r}; labels must be -1 or +1")
            labels.append(float(t))
        if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not 0 < lr < math.inf:
            raise ConfigError(f"Perceptron.fit: lr must be a positive finite number, got {lr!r}")
        check_count(max_epochs, "max_epochs", "Perceptron.fit")
        return rows, labels

    def __repr__(self) -> str:
        return f"Perceptron({self.nin})"
