"""perceptron_sign: note 003's printed update beside the right one, on a linearly separable set."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

# A separable set: +1 above the line x₂ = x₁, −1 below it (margin 0.5).
SEPARABLE_X = [[0.0, 1.0], [1.0, 2.0], [-1.0, 0.5], [2.0, 3.0], [1.0, 0.0], [2.0, 1.0], [0.0, -1.0], [-1.0, -2.0]]
SEPARABLE_Y = [1, 1, 1, 1, -1, -1, -1, -1]


@dataclass(frozen=True)
class PerceptronRun:
    """One fit: sweeps made, whether the last sweep had no mistake, the mistakes per sweep, final w and b."""

    epochs: int
    converged: bool
    mistakes: list
    w: list
    b: float


@dataclass(frozen=True)
class PerceptronDemo:
    right: PerceptronRun  # w ← w + η y x, b ← b + η y (nn.perceptron.perceptron_update)
    wrong: PerceptronRun  # w ← w − η y x, b ← b − η y (nn.errata.perceptron_update_as_printed)

    def __str__(self) -> str:
        def say(r: PerceptronRun) -> str:
            return (f"converges after {r.epochs} sweeps" if r.converged else
                    f"has not converged after {r.epochs} sweeps (mistakes in the last: {r.mistakes[-1]})")
        return (f"perceptron_sign on a separable set: the right rule (w ← w + η y x) {say(self.right)}; "
                f"the slide's rule (w ← w − η y x) {say(self.wrong)}.")


def perceptron_demo(X: Optional[Sequence[Sequence[float]]] = None, y: Optional[Sequence[int]] = None, *,
                    lr: float = 1.0, max_epochs: int = 50, seed: int = 0) -> PerceptronDemo:
    """Fit nn.Perceptron with the right rule and with note 003's printed one, from the same start."""
    from nn import Perceptron
    from nn.errata import perceptron_update_as_printed

    X = SEPARABLE_X if X is None else X
    y = SEPARABLE_Y if y is None else y
    runs = []
    for update in (None, perceptron_update_as_printed):
        p = Perceptron(len(X[0]), seed=seed)
        p.fit(X, y, lr=lr, max_epochs=max_epochs, update=update)
        runs.append(PerceptronRun(p.epochs, p.converged, list(p.mistakes), [w.data for w in p.w], p.b.data))
    return PerceptronDemo(*runs)
