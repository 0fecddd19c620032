"""Issue 11, quiz: a tolerance is never infinite or nan. An overflowed expected gradient made every
answer "Right" (the bound tol·max(1, |expected|) was inf); now such a quiz is refused with an error
that names the gradient, the check can never pass on a non-finite value, and `tol` is validated."""
from __future__ import annotations

import math

import pytest

from engine import DeltagradError, Value
from viz.stepping import quiz as quiz_module
from viz.stepping.quiz import Quiz


def overflowing_sum():
    """∂L/∂x = 1e300 · 1e300: every value and local derivative is finite (the engine holds only
    finite floats), but the chain rule's product along the path overflows to inf."""
    x = Value(1e-300, "x")
    return (x * 1e300) * 1e300


def test_quiz_tolerance_infinite_expected_gradient_is_refused_not_always_right():
    try:
        q = Quiz(overflowing_sum())
    except DeltagradError as e:  # the quiz's error, or the engine's own once it refuses the overflow
        assert "∂L/∂x" in str(e) or "overflow" in str(e).lower()
        return
    # had it been built, no answer could be right for the infinite gradient
    while not q.done and math.isfinite(q.current.expected):
        q.reveal()
    assert q.done or not any(q.answer(a).correct for a in (0, 1e308, -5, math.pi))


@pytest.mark.parametrize("expected", [math.inf, -math.inf, math.nan])
def test_quiz_tolerance_check_is_never_right_for_a_non_finite_expected_value(expected):
    for answer in (0.0, 1.0, -1e308, 1e308):
        assert quiz_module._close(answer, expected, 1e-3) is False


def test_quiz_tolerance_check_is_never_right_when_the_bound_overflows():
    assert quiz_module._close(1e308, 1.7e308, 0.999) is True  # a huge but finite bound still works
    assert quiz_module._close(0.0, 1e-300, 1e-3) is True
    assert quiz_module._close(2.0, 1.0, 1e-3) is False


def test_quiz_tolerance_step_mode_also_refuses_or_never_accepts():
    try:
        q = Quiz(overflowing_sum(), ask="step")
    except DeltagradError:
        return
    assert all(math.isfinite(question.expected) for question in q.questions)  # each contribution is finite


@pytest.mark.parametrize("tol", [math.inf, -math.inf, math.nan, 0, 1, -0.1, 10**400])
def test_quiz_tolerance_out_of_range_is_a_value_error_naming_tol(tol):
    with pytest.raises(ValueError, match="Quiz: tol must be a finite number in"):
        Quiz(Value(2.0, "x") * 3.0, tol=tol)


@pytest.mark.parametrize("tol", ["0.1", None, True, [0.1], 1j])
def test_quiz_tolerance_of_the_wrong_type_is_a_type_error_naming_tol(tol):
    with pytest.raises(TypeError, match="Quiz: tol must be a number in"):
        Quiz(Value(2.0, "x") * 3.0, tol=tol)


def test_quiz_tolerance_an_answer_within_tol_of_a_finite_value_is_right():
    x = Value(2.0, "x")
    q = Quiz(x * 3.0, tol=0.01)  # ∂L/∂x = 3
    assert q.answer(3.02).correct is True
