"""The new ops (sin, cos, maximum, minimum, leaky_relu, softplus, clamp) against sympy and central
differences, at and around their kinks, and their domain and overflow errors."""
from __future__ import annotations

import math

import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine import DomainError, OpError, Value, ValueOverflow, gradcheck, maximum, minimum

X, Y = sp.symbols("x y", real=True)
H = 1e-6  # central-difference step

# name -> (engine function of one Value, its op string, sympy expression in x)
UNARY = {
    "sin": (lambda a: a.sin(), "sin", sp.sin(X)),
    "cos": (lambda a: a.cos(), "cos", sp.cos(X)),
    "softplus": (lambda a: a.softplus(), "softplus", sp.log(1 + sp.exp(X))),
    "leaky_relu": (lambda a: a.leaky_relu(), "leaky_relu", sp.Piecewise((X, X > 0), (sp.Rational(1, 100) * X, True))),
    "leaky_relu_0.2": (lambda a: a.leaky_relu(0.2), "leaky_relu", sp.Piecewise((X, X > 0), (sp.Rational(1, 5) * X, True))),
    "clamp": (lambda a: a.clamp(-1.5, 2), "clamp", sp.Min(sp.Max(X, -1.5), 2)),
    "clamp_low_only": (lambda a: a.clamp(low=0.5), "clamp", sp.Max(X, 0.5)),
    "clamp_high_only": (lambda a: a.clamp(high=0.5), "clamp", sp.Min(X, 0.5)),
}
BINARY = {
    "max": (maximum, "max", sp.Max(X, Y)),
    "min": (minimum, "min", sp.Min(X, Y)),
}
KINKS = {"sin": [], "cos": [], "softplus": [], "leaky_relu": [0.0], "leaky_relu_0.2": [0.0],
         "clamp": [-1.5, 2.0], "clamp_low_only": [0.5], "clamp_high_only": [0.5]}

floats = st.floats(min_value=-6.0, max_value=6.0, allow_nan=False)


def close(a: float, b: float, rel: float = 1e-9, abs_: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def central(f, x: float) -> float:
    """(f(x + h) - f(x - h)) / 2h on the op's data alone (no backward)."""
    return (f(Value(x + H)).data - f(Value(x - H)).data) / (2 * H)


@pytest.mark.parametrize("name", UNARY)
@settings(max_examples=60, deadline=None)
@given(x=floats)
def test_new_unary_op_matches_sympy_and_central_differences(name: str, x: float) -> None:
    f, op, expr = UNARY[name]
    assume(all(abs(x - k) > 1e-3 for k in KINKS[name]))  # the kinks have their own tests
    a = Value(x)
    out = f(a)
    assert out.op == op and out.parents == (a,)
    assert close(out.data, float(expr.evalf(subs={X: x})))
    local = out.local_grads[0]
    assert close(local, float(sp.diff(expr, X).evalf(subs={X: x})))
    assert math.isclose(local, central(f, x), rel_tol=1e-6, abs_tol=1e-6)
    out.backward()
    assert a.grad == local
    assert gradcheck(lambda v: f(v[0]) * v[0], [x])


@pytest.mark.parametrize("name", BINARY)
@settings(max_examples=60, deadline=None)
@given(x=floats, y=floats)
def test_maximum_minimum_match_sympy_and_central_differences(name: str, x: float, y: float) -> None:
    f, op, expr = BINARY[name]
    assume(abs(x - y) > 1e-3)
    a, b = Value(x), Value(y)
    out = f(a, b)
    assert out.op == op and out.parents == (a, b)
    subs = {X: x, Y: y}
    assert out.data == float(expr.evalf(subs=subs))
    assert out.local_grads == (float(sp.diff(expr, X).evalf(subs=subs)), float(sp.diff(expr, Y).evalf(subs=subs)))
    numeric = ((f(x + H, y).data - f(x - H, y).data) / (2 * H), (f(x, y + H).data - f(x, y - H).data) / (2 * H))
    assert all(math.isclose(g, n, abs_tol=1e-6) for g, n in zip(out.local_grads, numeric))
    assert gradcheck(lambda v: f(v[0], v[1]) * v[0], [x, y])
    out.backward()
    assert (a.grad, b.grad) == out.local_grads


# ---------------------------------------------------------------------- at and around the kinks
@pytest.mark.parametrize("f", [maximum, minimum], ids=["max", "min"])
def test_a_tie_sends_the_whole_gradient_to_the_first_argument(f) -> None:
    a, b = Value(1.25, "a"), Value(1.25, "b")
    out = f(a, b)
    assert out.data == 1.25 and out.local_grads == (1.0, 0.0)
    out.backward()
    assert (a.grad, b.grad) == (1.0, 0.0)
    # swapping the arguments swaps who gets it: the rule is about position, not identity
    a.grad = b.grad = 0.0
    f(b, a).backward()
    assert (a.grad, b.grad) == (0.0, 1.0)
    # the same Value on both sides: d max(x, x)/dx = 1, and the sum over both edges says so
    x = Value(-3.0)
    f(x, x).backward()
    assert x.grad == 1.0


@pytest.mark.parametrize("f, larger_first", [(maximum, (1.0, 0.0)), (minimum, (0.0, 1.0))], ids=["max", "min"])
@pytest.mark.parametrize("gap", [1e-12, 1e-6, 0.5])
def test_just_off_a_tie_the_gradient_goes_to_the_winner(f, larger_first, gap) -> None:
    above = f(Value(2.0 + gap), Value(2.0))  # first argument the larger
    below = f(Value(2.0 - gap), Value(2.0))  # first argument the smaller
    assert above.local_grads == larger_first
    assert below.local_grads == larger_first[::-1]
    # the one-sided slopes at the tie are these two: central differences average them
    numeric = (f(2.0 + H, 2.0).data - f(2.0 - H, 2.0).data) / (2 * H)
    assert math.isclose(numeric, 0.5, rel_tol=1e-6)


def test_maximum_and_minimum_take_numbers_on_either_side() -> None:
    x = Value(0.5, "x")
    for out, expected, local in [(maximum(x, 2), 2.0, (0.0, 1.0)), (maximum(3, x), 3.0, (1.0, 0.0)),
                                 (minimum(x, 2), 0.5, (1.0, 0.0)), (minimum(-1, x), -1.0, (1.0, 0.0))]:
        assert out.data == expected and out.local_grads == local
        assert [p.op for p in out.parents].count("const") == 1
    both = maximum(2, 7.5)
    assert type(both) is Value and both.data == 7.5 and all(p.op == "const" for p in both.parents)
    with pytest.raises(TypeError, match="max: expected a real number"):
        maximum(x, "3")
    with pytest.raises(TypeError, match="min: expected a real number"):
        minimum(None, x)


@pytest.mark.parametrize("slope", [0.01, 0.2, 0.0, -1.0])
def test_leaky_relu_at_zero_passes_its_slope(slope: float) -> None:
    zero = Value(0.0).leaky_relu(slope)
    assert zero.data == 0.0 and zero.local_grads == (slope,)
    assert Value(1e-300).leaky_relu(slope).local_grads == (1.0,)
    assert Value(-1e-300).leaky_relu(slope).local_grads == (slope,)
    # slope 0 is relu, derivative at 0 included; slope -1 is abs away from 0
    if slope == 0.0:
        for x in (-2.0, 0.0, 3.0):
            assert Value(x).leaky_relu(0.0).data == Value(x).relu().data
            assert Value(x).leaky_relu(0.0).local_grads == Value(x).relu().local_grads
    if slope == -1.0:
        assert Value(-2.5).leaky_relu(-1.0).data == 2.5
    # the two one-sided slopes, which central differences average at 0
    assert math.isclose(central(lambda v: v.leaky_relu(slope), 0.0), (1.0 + slope) / 2, rel_tol=1e-9)


@pytest.mark.parametrize("x, out, local", [
    (-1.5, -1.5, 1.0), (2.0, 2.0, 1.0),              # on the bounds: the gradient passes
    (-1.5 - 1e-12, -1.5, 0.0), (2.0 + 1e-12, 2.0, 0.0),  # just outside: clamped, no gradient
    (-1.5 + 1e-12, -1.5 + 1e-12, 1.0), (0.0, 0.0, 1.0), (-50.0, -1.5, 0.0), (50.0, 2.0, 0.0),
])
def test_clamp_at_and_around_its_bounds(x: float, out: float, local: float) -> None:
    c = Value(x).clamp(-1.5, 2.0)
    assert c.op == "clamp" and c.data == out and c.local_grads == (local,)


def test_clamp_with_equal_bounds_is_constant_but_passes_the_gradient_at_the_bound() -> None:
    assert Value(3.0).clamp(3, 3).local_grads == (1.0,)
    assert Value(2.0).clamp(3, 3).data == 3.0 and Value(2.0).clamp(3, 3).local_grads == (0.0,)


@settings(max_examples=80, deadline=None)
@given(x=st.sampled_from([-1.5, 2.0, 0.0, -3.0, 4.0]) | floats)
def test_clamp_is_minimum_of_maximum_derivatives_at_the_bounds_included(x: float) -> None:
    """clamp(x, lo, hi) = min(max(x, lo), hi) with the first-argument tie rule, data and gradient."""
    a, b = Value(x), Value(x)
    c = a.clamp(-1.5, 2.0)
    m = minimum(maximum(b, -1.5), 2.0)
    assert c.data == m.data
    c.backward()
    m.backward()
    assert a.grad == b.grad


@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e308, -1e308, 745.5, -745.5, 40.0, -40.0])
def test_softplus_is_stable_for_large_inputs(x: float) -> None:
    s = Value(x).softplus()
    exact_value = sp.log(1 + sp.exp(sp.Float(x, 60)))
    exact_slope = 1 / (1 + sp.exp(-sp.Float(x, 60)))
    assert math.isfinite(s.data) and math.isfinite(s.local_grads[0])
    assert close(s.data, float(exact_value), rel=1e-15, abs_=1e-300)
    assert close(s.local_grads[0], float(exact_slope), rel=1e-15, abs_=1e-300)


def test_softplus_at_plus_minus_1000() -> None:
    assert Value(1000.0).softplus().data == 1000.0 and Value(1000.0).softplus().local_grads == (1.0,)
    assert Value(-1000.0).softplus().data == 0.0 and Value(-1000.0).softplus().local_grads == (0.0,)
    # and it agrees with sigmoid's stable form: d softplus/dx = σ(x) to the bit
    for x in (-30.0, -1.0, 0.0, 2.5, 30.0):
        assert Value(x).softplus().local_grads[0] == Value(x).sigmoid().data


# ---------------------------------------------------------------------- errors
def test_leaky_relu_overflow_names_the_op_and_operand() -> None:
    with pytest.raises(ValueOverflow, match=r"leaky_relu: .*-1e\+308") as info:
        Value(-1e308).leaky_relu(10.0)
    assert info.value.op == "leaky_relu" and info.value.value == -1e308
    assert isinstance(info.value, OverflowError)


@pytest.mark.parametrize("slope", [math.inf, -math.inf, math.nan])
def test_leaky_relu_refuses_a_non_finite_slope(slope: float) -> None:
    with pytest.raises(DomainError, match="leaky_relu: the slope must be a finite number"):
        Value(-1.0).leaky_relu(slope)


def test_leaky_relu_refuses_a_slope_that_is_not_a_number() -> None:
    with pytest.raises(TypeError, match="leaky_relu: expected a real number"):
        Value(-1.0).leaky_relu("0.1")  # type: ignore[arg-type]


@pytest.mark.parametrize("low, high, message", [
    (2.0, 1.0, "clamp: the low bound 2.0 is greater than the high bound 1.0"),
    (math.nan, 1.0, "clamp: the low bound must be a finite number"),
    (0.0, math.inf, "clamp: the high bound must be a finite number"),
])
def test_clamp_refuses_bad_bounds(low: float, high: float, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        Value(0.5).clamp(low, high)


def test_clamp_bounds_must_be_numbers() -> None:
    with pytest.raises(TypeError, match="clamp: expected a real number"):
        Value(0.5).clamp(Value(0.0), 1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("op", ["softplus", "leaky_relu", "clamp"])
@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_non_finite_operands_never_make_a_node(op: str, bad: float) -> None:
    """A Value never holds it (the finite-number policy: constructor and data assignment), so no op sees it."""
    with pytest.raises(OpError, match=r"^Value: .*a Value holds a finite float"):
        Value(bad)
    v = Value(0.5)
    with pytest.raises(OpError, match="a Value holds a finite float"):
        v.data = bad
    assert getattr(v, op)(*((0.0, 1.0) if op == "clamp" else ())).data == getattr(Value(0.5), op)(
        *((0.0, 1.0) if op == "clamp" else ())).data


@pytest.mark.parametrize("f, op", [(maximum, "max"), (minimum, "min")])
@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_maximum_minimum_refuse_a_non_finite_number(f, op: str, bad: float) -> None:
    with pytest.raises(OpError, match=op):
        f(Value(1.0), bad)
    with pytest.raises(OpError, match=op):
        f(bad, Value(1.0))


# ---------------------------------------------------------------------- comparisons by data
def test_comparisons_compare_data_and_built_in_max_returns_one_of_the_values() -> None:
    a, b, c = Value(2.0, "a"), Value(-1.0, "b"), Value(2.0, "c")
    assert a > b and b < a and a >= c and a <= c and not a < c
    assert a > 1 and 3 > a and 2.0 <= a and b < 0
    assert sorted([a, b, c]) == [b, a, c]  # stable: a before c, the same data
    assert max(a, c) is a and min(a, c) is a  # built-in max/min: the first of a tie, no new node
    top = max(a, b)
    top.backward()
    assert top is a and a.grad == 1.0 and b.grad == 0.0
    with pytest.raises(TypeError):
        a < "3"  # noqa: B015


def test_comparisons_leave_equality_and_hashing_by_identity() -> None:
    a, c = Value(2.0), Value(2.0)
    assert a != c and a == a and a <= c and a >= c
    assert len({a, c}) == 2 and {a: 1, c: 2}[c] == 2
