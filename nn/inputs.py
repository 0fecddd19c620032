"""Checking and wrapping a model's input x: numbers become leaf Values labelled x1, x2, ..."""
from __future__ import annotations

import math
import numbers
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


def _is_numpy_bool(value: object) -> bool:
    """numpy.bool_ (named numpy.bool in NumPy 2), recognised without importing NumPy."""
    cls = type(value)
    return cls.__module__ == "numpy" and cls.__name__ in ("bool_", "bool")


def check_bool(value: object, name: str, where: str, *, optional: bool = False) -> "bool | None":
    """value as a bool if it is True or False (numpy.bool_ too; None too when `optional`).

    Anything else, "no", 0, 1 included, is an InputTypeError naming where, the argument and the
    value: Python reads every non-empty string as true, so `elementary="no"` would mean yes.
    """
    if value is None and optional:
        return None
    if isinstance(value, bool):
        return value
    if _is_numpy_bool(value):
        return bool(value)
    allowed = "True, False or None" if optional else "True or False"
    raise InputTypeError(f"{where}: {name} must be {allowed}, got {type(value).__name__} {value!r:.60}")


def check_seed(seed: object, where: str, *, optional: bool = False) -> "int | None":
    """seed as an int (numpy ints too; None too when `optional`), else InputTypeError naming where."""
    if seed is None and optional:
        return None
    if not isinstance(seed, bool) and isinstance(seed, numbers.Integral):
        return int(seed)
    allowed = "an int or None" if optional else "an int"
    raise InputTypeError(f"{where}: seed must be {allowed}, got {type(seed).__name__} {seed!r:.60}")


def finite_real(value: object) -> "float | None":
    """value as a float if it is a finite real number (not a bool; ints too large for a float and
    strings are not), else None, for the callers' own error messages."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        f = float(value)
    except (OverflowError, ValueError, TypeError):
        return None
    return f if math.isfinite(f) else None
