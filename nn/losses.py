"""The notes' losses as engine graphs: squared error, MSE, (binary) cross-entropy, hinge, L2.

Each takes the model's output (a list of Values, or one Value) and a target, checks the target,
and returns one Value L whose backward() gives ∂L/∂(every weight) and δ = ∂L/∂z.
"""
from __future__ import annotations

import math
import numbers
from typing import Sequence, Union

from engine import DomainError, Value, dot, sum_values
from nn.errors import ConfigError, InputTypeError, ShapeError, TargetError

Output = Union[Value, float, Sequence[Union[Value, float]]]
Target = Union[float, Sequence[float]]

_BCE_SAFE = 1e-4  # below this distance from 0 or 1, BCE of σ(z) is computed from z itself


def _values(pred: Output, where: str) -> list[Value]:
    """pred as a non-empty list of Values (a lone Value or number counts as a list of one)."""
    if type(pred) is Value:
        return [pred]
    if isinstance(pred, numbers.Real) and not isinstance(pred, bool):
        return [Value(pred)]
    if isinstance(pred, (str, bytes)) or not hasattr(pred, "__len__"):
        raise InputTypeError(f"{where}: expected the model's output (Values), got {type(pred).__name__} {pred!r:.60}")
    if len(pred) == 0:
        raise ShapeError(f"{where}: the model's output is empty")
    out = []
    for a in pred:
        if type(a) is Value:
            out.append(a)
        elif isinstance(a, numbers.Real) and not isinstance(a, bool):
            out.append(Value(a))
        else:
            raise InputTypeError(f"{where}: an output is {type(a).__name__} {a!r:.60}, not a Value or number")
    return out


def _single(pred: Output, where: str) -> Value:
    """The one Value of a single-output model (a list of one Value, or the Value itself)."""
    if type(pred) is Value:
        return pred
    values = _values(pred, where)
    if len(values) != 1:
        raise ShapeError(f"{where}: expected 1 output (a single score or probability), got {len(values)}")
    return values[0]


def _number(y: object, where: str, what: str = "target") -> float:
    """y as a finite float, else InputTypeError / TargetError."""
    if isinstance(y, bool) or not isinstance(y, numbers.Real):
        raise InputTypeError(f"{where}: the {what} must be a number, got {type(y).__name__} {y!r:.60}")
    try:
        y = float(y)
    except OverflowError:
        raise TargetError(f"{where}: the {what} must be finite, got an integer too large for a float") from None
    if not math.isfinite(y):
        raise TargetError(f"{where}: the {what} must be finite, got {y!r}")
    return y


def targets(target: Target, n: int, where: str) -> list[float]:
    """The target as n floats (a lone number counts as a list of one); errors name the lengths."""
    if isinstance(target, numbers.Real) and not isinstance(target, bool):
        ys = [target]
    elif isinstance(target, (str, bytes)) or not hasattr(target, "__len__"):
        raise InputTypeError(f"{where}: the target must be a number or a list of numbers, "
                             f"got {type(target).__name__} {target!r:.60}")
    else:
        ys = list(target)
    if len(ys) != n:
        raise TargetError(f"{where}: expected {n} target{'s' if n != 1 else ''} (one per output), got {len(ys)}")
    return [_number(y, where) for y in ys]


def _labelled(v: Value, label: str) -> Value:
    """v with its label set (the stepper and the diagrams print it)."""
    v.label = label
    return v


def _differences(a: list[Value], y: list[float]) -> list[Value]:
    """[(y_j − a_j)², ...] with each target a leaf labelled y1, y2, ..."""
    return [(Value(yj, f"y{j}") - aj) ** 2 for j, (aj, yj) in enumerate(zip(a, y), start=1)]


def squared_error(pred: Output, target: Target) -> Value:
    """C = ½ Σ_j (y_j − a_j)² (notes 000 and 002); ∂C/∂a_j = a_j − y_j."""
    a = _values(pred, "squared_error")
    y = targets(target, len(a), "squared_error")
    return _labelled(sum_values(_differences(a, y)) * 0.5, "C")


def mse(pred: Output, target: Target) -> Value:
    """(1/n) Σ_j (y_j − a_j)², the mean over the n outputs (no ½); ∂/∂a_j = 2(a_j − y_j)/n."""
    a = _values(pred, "mse")
    y = targets(target, len(a), "mse")
    return _labelled(sum_values(_differences(a, y)) * (1.0 / len(a)), "C")


def check_probability_target(y: object, where: str) -> float:
    """y in [0, 1] as a float, else TargetError."""
    y = _number(y, where)
    if not 0.0 <= y <= 1.0:
        raise TargetError(f"{where}: the target y must lie in [0, 1], got {y!r}")
    return y


def binary_cross_entropy(p: Output, y: float) -> Value:
    """L = −y log p − (1 − y) log(1 − p) (note 002) for a probability p in [0, 1].

    If p is a sigmoid node σ(z), its local derivatives give ∂L/∂z = p − y, note 002's
    δ = y* − y. Near 0 or 1 (closer than 1e-4) the loss of σ(z) is built from z instead,
    as softplus(z) − y·z (`binary_cross_entropy_with_logits`): same value and gradient, exact
    even when p has rounded to 0.0 or 1.0. Any other p of exactly 0 or 1 with a target that
    makes the loss infinite raises DomainError.
    """
    p = _single(p, "binary_cross_entropy")
    y = check_probability_target(y, "binary_cross_entropy")
    pd = p.data
    if not 0.0 <= pd <= 1.0:
        raise DomainError("binary_cross_entropy", pd, f"p = {pd!r} is not a probability in [0, 1]; "
                          "use a sigmoid output layer, or binary_cross_entropy_with_logits on z")
    if p.op == "sigmoid" and min(pd, 1.0 - pd) < _BCE_SAFE:
        return binary_cross_entropy_with_logits(p.parents[0], y)
    return _labelled(_bce(p, pd, y), "L")


def _bce(p: Value, pd: float, y: float) -> Value:
    """−y log p − (1 − y) log(1 − p), leaving out a term whose factor is 0."""
    if (y > 0.0 and pd == 0.0) or (y < 1.0 and pd == 1.0):
        raise DomainError("binary_cross_entropy", pd, f"p = {pd!r} with target y = {y!r} gives an infinite "
                          "loss; compute p as a sigmoid node or use binary_cross_entropy_with_logits")
    if y == 1.0:
        return -p.log()
    if y == 0.0:
        return -(1.0 - p).log()
    return -(p.log() * y) - (1.0 - p).log() * (1.0 - y)


def binary_cross_entropy_with_logits(z: Output, y: float) -> Value:
    """L = BCE(σ(z), y) = softplus(z) − y·z, stable for any z; ∂L/∂z = σ(z) − y.

    softplus(z) = log(1 + eᶻ) is built as z + log(1 + e⁻ᶻ) for z ≥ 0 so no exp overflows (the
    engine has no log1p, so a loss near 0 is exact to about 1e-16 absolute, not relative).
    """
    z = _single(z, "binary_cross_entropy_with_logits")
    y = check_probability_target(y, "binary_cross_entropy_with_logits")
    if z.data >= 0.0:
        return _labelled(z * (1.0 - y) + ((-z).exp() + 1.0).log(), "L")
    return _labelled((z.exp() + 1.0).log() - z * y, "L")


def check_class_index(c: object, n: int, where: str) -> int:
    """c if it is an int class index in 0..n-1, else TargetError / InputTypeError."""
    if isinstance(c, bool) or not isinstance(c, numbers.Integral):
        raise InputTypeError(f"{where}: the target must be a class index (int), got {type(c).__name__} {c!r:.60}")
    if not 0 <= c < n:
        raise TargetError(f"{where}: class index {c} is out of range for {n} classes (0..{n - 1})")
    return int(c)


def _shifted(logits: Output, where: str) -> list[Value]:
    """z_i − max_k z_k: the same softmax, and no exp can overflow."""
    z = _values(logits, where)
    top = max(v.data for v in z)
    return [v - top for v in z]


def softmax(logits: Output) -> list[Value]:
    """softmax(z)_i = e^{z_i} / Σ_k e^{z_k}, computed with the max subtracted (logits of ±1000 work)."""
    exps = [s.exp() for s in _shifted(logits, "softmax")]
    total = sum_values(exps)
    return [e / total for e in exps]


def cross_entropy(logits: Output, class_index: int) -> Value:
    """L = −log softmax(z)_c = log Σ_k e^{z_k − m} − (z_c − m), m = max z; ∂L/∂z_i = softmax_i − [i = c]."""
    shifted = _shifted(logits, "cross_entropy")
    c = check_class_index(class_index, len(shifted), "cross_entropy")
    return _labelled(sum_values([s.exp() for s in shifted]).log() - shifted[c], "L")


def check_sign_label(y: object, where: str) -> float:
    """y as ±1.0, else TargetError."""
    y = _number(y, where, "label")
    if y not in (-1.0, 1.0):
        raise TargetError(f"{where}: the label must be -1 or +1, got {y!r} (map 0/1 labels with 2y - 1, i.e. nn.datasets.signed(y), or give a 0/1 loss such as loss='binary_cross_entropy')")
    return y


def hinge(score: Output, y: float) -> Value:
    """L = max(0, 1 − y·s) for a label y = ±1 (micrograd's moons demo); ∂L/∂s = −y when y·s < 1."""
    s = _single(score, "hinge")
    y = check_sign_label(y, "hinge")
    return _labelled((1.0 - s * Value(y, "y")).relu(), "L")


def l2_penalty(parameters: Sequence[Value], alpha: float = 1e-4) -> Value:
    """α Σ_p p² as one dot node of the parameters with themselves, times α; ∂/∂p = 2αp."""
    alpha = _number(alpha, "l2_penalty", "alpha")
    if alpha < 0.0:
        raise ConfigError(f"l2_penalty: alpha must be >= 0, got {alpha!r}")
    if type(parameters) is Value or not hasattr(parameters, "__iter__"):
        raise InputTypeError(f"l2_penalty: expected a list of Values (model.parameters()), "
                             f"got {type(parameters).__name__} {parameters!r:.60}")
    params = list(parameters)
    if not params or any(type(p) is not Value for p in params):
        raise InputTypeError("l2_penalty: expected a non-empty list of Values (model.parameters())")
    return _labelled(dot(params, params) * alpha, "L2")
