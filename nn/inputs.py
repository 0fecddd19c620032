"""Checking and wrapping a model's input x: numbers become leaf Values labelled x1, x2, ..."""
from __future__ import annotations

import math
from typing import Sequence, Union

from engine import DomainError, Value, ValueOverflow
from nn.errors import InputTypeError, NonFiniteError, ShapeError

Input = Union[Value, int, float]


def input_labels(nin: int) -> list[str]:
    """["x1", ..., "xn"]: the notes' a¹_k, the input layer (layer 1)."""
    return [f"x{k}" for k in range(1, nin + 1)]


def wrap_inputs(x: Sequence[Input], labels: list[str], where: str) -> list[Value]:
    """x as a list of Values: Values are kept (so ∂L/∂x reaches them), numbers become labelled leaves.

    ShapeError for the wrong length, InputTypeError for anything that is not a number or a Value,
    NonFiniteError for a nan or infinite number (it would turn every z, a and δ downstream into nan).
    """
    try:
        n = len(x)
    except TypeError:
        raise InputTypeError(
            f"{where}: x must be a list of {len(labels)} numbers or Values, "
            f"got {type(x).__name__} {x!r:.60}"
        ) from None
    if n != len(labels):
        raise ShapeError(f"{where}: expected {len(labels)} inputs, got {n}")
    values = []
    for xk, label in zip(x, labels):
        if type(xk) is Value:
            values.append(xk)
            continue
        try:
            v = Value(xk, label)
        except (DomainError, ValueOverflow):  # the engine refuses nan, ±inf and 10**400 itself
            raise NonFiniteError(f"{where}: input {label} must be a finite number, got {xk!r:.60}") from None
        except TypeError:
            raise InputTypeError(
                f"{where}: input {label} must be a number or a Value, "
                f"got {type(xk).__name__} {xk!r:.60}"
            ) from None
        if not math.isfinite(v.data):
            raise NonFiniteError(f"{where}: input {label} must be a finite number, got {xk!r:.60}")
        values.append(v)
    return values
