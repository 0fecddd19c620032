"""Checks of viz's keyword arguments: a flag is a real bool, a count an int in range, a number finite.

Each error names the function and the argument: `Quiz: tol must be a number in (0, 1), got 'x'`.
A wrong type is an ArgumentTypeError (a TypeError), a value out of range an ArgumentValueError (a ValueError).
"""
from __future__ import annotations

import math
from typing import Optional

from viz.errors import ArgumentTypeError, ArgumentValueError


def check_bool(value: object, where: str, name: str) -> bool:
    """`value` itself when it is True or False (not 1, "yes", None...)."""
    if not isinstance(value, bool):
        raise ArgumentTypeError(f"{where}: {name} must be True or False, got {value!r:.60} (a {type(value).__name__})")
    return value


def check_optional_bool(value: object, where: str, name: str) -> Optional[bool]:
    """None (automatic) or a real bool."""
    return None if value is None else check_bool(value, where, name)


def check_int(value: object, where: str, name: str, low: int, high: Optional[int] = None) -> int:
    """An int (not a bool) in low..high."""
    span = f"from {low} to {high}" if high is not None else f"of at least {low}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentTypeError(f"{where}: {name} must be an int {span}, got {value!r:.60} (a {type(value).__name__})")
    if value < low or (high is not None and value > high):
        raise ArgumentValueError(f"{where}: {name} must be an int {span}, got {value!r}")
    return value


def check_number(value: object, where: str, name: str, low: float, high: float, *,
                 low_open: bool = True, high_open: bool = False) -> float:
    """A finite real number (int or float, not a bool) in the interval low..high, as a float."""
    span = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ArgumentTypeError(f"{where}: {name} must be a number in {span}, got {value!r:.60} (a {type(value).__name__})")
    try:
        x = float(value)
    except OverflowError:  # an int beyond float range
        x = math.inf
    inside = (low < x if low_open else low <= x) and (x < high if high_open else x <= high)
    if not math.isfinite(x) or not inside:
        raise ArgumentValueError(f"{where}: {name} must be a finite number in {span}, got {value!r}")
    return x
