"""Every op's data and gradient against sympy's derivative and central differences."""
from __future__ import annotations

import math

import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine import Value, gradcheck, numerical_grad

X, Y = sp.symbols("x y", real=True)

# name -> (engine function of two Values, sympy expression in x and y, domain of (x, y))
BINARY = {
    "add": (lambda a, b: a + b, X + Y),
    "sub": (lambda a, b: a - b, X - Y),
    "mul": (lambda a, b: a * b, X * Y),
    "div": (lambda a, b: a / b, X / Y),
    "pow_values": (lambda a, b: a**b, X**Y),
}
UNARY = {
    "neg": (lambda a: -a, -X),
    "exp": (lambda a: a.exp(), sp.exp(X)),
    "log": (lambda a: a.log(), sp.log(X)),
    "tanh": (lambda a: a.tanh(), sp.tanh(X)),
    "sigmoid": (lambda a: a.sigmoid(), 1 / (1 + sp.exp(-X))),
    "relu": (lambda a: a.relu(), sp.Piecewise((X, X > 0), (0, True))),
    "abs": (lambda a: abs(a), sp.Abs(X)),
    "sqrt": (lambda a: a.sqrt(), sp.sqrt(X)),
    "square": (lambda a: a**2, X**2),
    "cube": (lambda a: a**3, X**3),
    "pow_half": (lambda a: a**0.5, X**0.5),
    "pow_neg": (lambda a: a**-1.5, X**-1.5),
    "rpow": (lambda a: 2**a, 2**X),
    "rpow_e": (lambda a: 0.5**a, sp.Rational(1, 2) ** X),
    "radd": (lambda a: 3 + a, 3 + X),
    "rsub": (lambda a: 3 - a, 3 - X),
    "rmul": (lambda a: 3 * a, 3 * X),
    "rdiv": (lambda a: 3 / a, 3 / X),
    "add_const": (lambda a: a + 2.5, X + 2.5),
    "div_const": (lambda a: a / 4, X / 4),
}
POSITIVE_ONLY = {"log", "sqrt", "pow_half", "pow_neg"}
NONZERO = {"rdiv"}

floats = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False)


def sympy_value_and_grads(expr, at):
    """The expression's value and its derivative wrt each symbol, evaluated by sympy."""
    subs = dict(at)
    value = float(expr.evalf(subs=subs))
    grads = [float(sp.diff(expr, s).evalf(subs=subs)) for s, _ in at]
    return value, grads


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=25, deadline=None)
@given(x=floats)
def test_unary_op_matches_sympy_and_finite_differences(name, x):
    fn, expr = UNARY[name]
    if name in POSITIVE_ONLY:
        x = abs(x) + 0.05
    if name in NONZERO or name in ("abs", "relu"):
        assume(abs(x) > 1e-3)  # away from the kink / pole
    a = Value(x, "x")
    out = fn(a)
    out.backward()
    value, (dx,) = sympy_value_and_grads(expr, [(X, x)])
    assert close(out.data, value)
    assert close(a.grad, dx)
    (numeric,) = numerical_grad(lambda vs: fn(vs[0]), [x])
    assert math.isclose(a.grad, numeric, rel_tol=1e-5, abs_tol=1e-5)


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=30, deadline=None)
@given(x=floats, y=floats)
def test_binary_op_matches_sympy_and_finite_differences(name, x, y):
    fn, expr = BINARY[name]
    if name == "div":
        assume(abs(y) > 0.05)
    if name == "pow_values":
        x = abs(x) + 0.05
    a, b = Value(x, "x"), Value(y, "y")
    out = fn(a, b)
    out.backward()
    value, (dx, dy) = sympy_value_and_grads(expr, [(X, x), (Y, y)])
    assert close(out.data, value)
    assert close(a.grad, dx)
    assert close(b.grad, dy)
    assert gradcheck(lambda vs: fn(vs[0], vs[1]), [x, y], rtol=1e-4, atol=1e-5)


def test_integer_powers_of_negative_bases_are_real():
    a = Value(-2.0)
    out = a**3
    out.backward()
    assert out.data == -8.0 and a.grad == 12.0  # 3·(-2)²
    b = Value(-3.0)
    (b**-1).backward()
    assert math.isclose(b.grad, -1 / 9)


def test_value_exponent_records_both_local_derivatives():
    a, n = Value(2.0, "a"), Value(3.0, "n")
    out = a**n
    assert out.op == "**" and out.parents == (a, n)
    assert out.local_grads == (12.0, 8.0 * math.log(2.0))


@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e300, -1e300, 745.5, -745.5])
def test_tanh_and_sigmoid_saturate_without_overflow(x):
    t = Value(x).tanh()
    s = Value(x).sigmoid()
    assert t.data == math.copysign(1.0, x) and t.local_grads == (0.0,)
    assert s.data == (1.0 if x > 0 else 0.0) and s.local_grads == (0.0,)


def test_sigmoid_is_accurate_in_both_tails():
    for x in (-30.0, -10.0, 10.0, 30.0):
        s = Value(x).sigmoid()
        exact = 1 / (1 + math.exp(-x))
        assert math.isclose(s.data, exact, rel_tol=1e-14)
        mpmath = pytest.importorskip("mpmath")  # exact*(1-exact) in floats loses digits as exact nears 1
        with mpmath.workdps(50):
            sigma = 1 / (1 + mpmath.exp(-x))
            assert math.isclose(s.local_grads[0], float(sigma * (1 - sigma)), rel_tol=1e-12)


def test_numpy_scalars_mix_on_both_sides():
    np = pytest.importorskip("numpy")
    a = Value(3.0, "a")
    for out in (np.float64(2) * a, a * np.float64(2), np.int64(2) * a, a + np.float32(0.5),
                np.float64(1) - a, np.float64(6) / a, np.float64(2) ** a):
        assert type(out) is Value
    assert (np.float64(2) * a).data == 6.0
    assert (np.float64(6) / a).data == 2.0
    assert Value(np.float32(1.5)).data == 1.5 and type(Value(np.int64(3)).data) is float


def test_dot_is_one_node_whose_local_grads_are_inputs_and_weights():
    w = [Value(0.5, "w1"), Value(-1.0, "w2")]
    x = [Value(2.0, "x1"), Value(3.0, "x2")]
    b = Value(0.25, "b")
    from engine import dot

    z = dot(w, x, b)
    assert z.op == "dot" and z.data == 0.5 * 2 - 3 + 0.25
    assert z.parents == (*w, *x, b)
    assert z.local_grads == (2.0, 3.0, 0.5, -1.0, 1.0)
    z.backward()
    assert [v.grad for v in (*w, *x, b)] == [2.0, 3.0, 0.5, -1.0, 1.0]
    with pytest.raises(ValueError, match="dot: expected 2 inputs"):
        dot(w, x[:1])


def test_sum_values_is_one_node():
    from engine import sum_values

    vs = [Value(float(i)) for i in range(5)]
    s = sum_values(vs)
    s.backward()
    assert s.data == 10.0 and s.op == "sum" and all(v.grad == 1.0 for v in vs)
