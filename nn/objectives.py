"""A loss by name, with how to check its targets and when a prediction counts as correct.

    name                                model output         target
    "squared_error", "mse"              n_L values           n_L numbers (or one number)
    "binary_cross_entropy"              1 probability        y in [0, 1]     correct: p > ½ ⇔ y > ½
    "binary_cross_entropy_with_logits"  1 logit z            y in [0, 1]     correct: z > 0 ⇔ y > ½
    "cross_entropy"                     n_L logits           class index c   correct: argmax = c
    "hinge"                             1 score s            y = ±1          correct: s > 0 ⇔ y > 0

For squared error and MSE with one output, a prediction is correct when it falls on the same side
of the threshold as the target: 0 if any target in the data is negative (±1 labels), else ½
(0/1 labels); with several outputs, when argmax(output) = argmax(target).
"""
from __future__ import annotations

from typing import Callable, NamedTuple, Sequence

from engine import Value
from nn import losses
from nn.errors import ConfigError, TargetError


class Objective(NamedTuple):
    name: str
    loss: Callable[..., Value]  # (model output, target) -> L
    check: Callable[[object, int], object]  # (target, n_L) -> the target, checked
    correct: Callable[[Sequence[float], object, float], bool]  # (output floats, target, threshold)


def _argmax(xs: Sequence[float]) -> int:
    return max(range(len(xs)), key=xs.__getitem__)


def _one_output(n: int, name: str) -> None:
    if n != 1:
        raise TargetError(f"{name}: needs a model with 1 output, this one has {n}")


def _check_regression(name: str) -> Callable[[object, int], object]:
    return lambda t, n: losses.targets(t, n, name)


def _check_probability(name: str) -> Callable[[object, int], object]:
    def check(t: object, n: int) -> float:
        _one_output(n, name)
        return losses.check_probability_target(t, name)
    return check


def _check_sign(t: object, n: int) -> float:
    _one_output(n, "hinge")
    return losses.check_sign_label(t, "hinge")


def _correct_regression(a: Sequence[float], t: Sequence[float], threshold: float) -> bool:
    if len(a) == 1:
        return (a[0] > threshold) == (t[0] > threshold)
    return _argmax(a) == _argmax(t)


OBJECTIVES: dict[str, Objective] = {
    "squared_error": Objective("squared_error", losses.squared_error, _check_regression("squared_error"),
                               _correct_regression),
    "mse": Objective("mse", losses.mse, _check_regression("mse"), _correct_regression),
    "binary_cross_entropy": Objective(
        "binary_cross_entropy", losses.binary_cross_entropy, _check_probability("binary_cross_entropy"),
        lambda a, t, _: (a[0] > 0.5) == (t > 0.5)),
    "binary_cross_entropy_with_logits": Objective(
        "binary_cross_entropy_with_logits", losses.binary_cross_entropy_with_logits,
        _check_probability("binary_cross_entropy_with_logits"), lambda a, t, _: (a[0] > 0.0) == (t > 0.5)),
    "cross_entropy": Objective(
        "cross_entropy", losses.cross_entropy, lambda t, n: losses.check_class_index(t, n, "cross_entropy"),
        lambda a, t, _: _argmax(a) == t),
    "hinge": Objective("hinge", losses.hinge, _check_sign, lambda a, t, _: (a[0] > 0.0) == (t > 0.0)),
}


def get_objective(loss: object) -> Objective:
    """The Objective named `loss`, else ConfigError listing the valid names."""
    if isinstance(loss, Objective):
        return loss
    if not isinstance(loss, str) or loss not in OBJECTIVES:
        valid = ", ".join(repr(n) for n in OBJECTIVES)
        raise ConfigError(f"unknown loss {loss!r}; valid losses are {valid}")
    return OBJECTIVES[loss]


def threshold_for(targets: Sequence[object]) -> float:
    """0 if any single-number target is negative (±1 labels), else ½ (0/1 labels)."""
    for t in targets:
        if isinstance(t, list) and len(t) == 1:
            t = t[0]
        if isinstance(t, float) and t < 0:
            return 0.0
    return 0.5
