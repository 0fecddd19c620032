"""Every op of the engine as a table: (op string, arity, engine builder, sympy builder, available).

Each builder makes a graph whose root node is that op, with its arguments kept inside the op's
domain (log and sqrt of a² + ½, division by b² + 1, ...) so random points are valid. The compat
ops (max, min, leaky_relu, softplus, clamp) are in the table whenever the engine has them.
"""
from __future__ import annotations

import sympy as sp

import engine
from engine import Value, dot, sum_values


def _pos(a):  # a² + ½ > 0, in either world
    return a * a + 0.5


def _has(name: str) -> bool:
    return hasattr(engine, name) if name in ("maximum", "minimum") else hasattr(Value, name)


def _sym_leaky(a):
    return sp.Piecewise((a, a > 0), (0.01 * a, True))


OPS = [
    # op, arity, engine(a, b), sympy(a, b), available
    ("+", 2, lambda a, b: a + b, lambda a, b: a + b, True),
    ("-", 2, lambda a, b: a - b, lambda a, b: a - b, True),
    ("*", 2, lambda a, b: a * b, lambda a, b: a * b, True),
    ("/", 2, lambda a, b: a / (b * b + 1), lambda a, b: a / (b * b + 1), True),
    ("neg", 1, lambda a: -a, lambda a: -a, True),
    ("**2", 1, lambda a: a ** 2, lambda a: a ** 2, True),
    ("**3", 1, lambda a: a ** 3, lambda a: a ** 3, True),
    ("**-1.5", 1, lambda a: _pos(a) ** -1.5, lambda a: _pos(a) ** sp.Rational(-3, 2), True),
    ("**0.5", 1, lambda a: _pos(a) ** 0.5, lambda a: sp.sqrt(_pos(a)), True),
    ("2**", 1, lambda a: 2 ** a, lambda a: 2 ** a, True),
    ("**", 2, lambda a, b: _pos(a) ** b, lambda a, b: _pos(a) ** b, True),
    ("exp", 1, lambda a: a.exp(), sp.exp, True),
    ("log", 1, lambda a: _pos(a).log(), lambda a: sp.log(_pos(a)), True),
    ("tanh", 1, lambda a: a.tanh(), sp.tanh, True),
    ("sigmoid", 1, lambda a: a.sigmoid(), lambda a: 1 / (1 + sp.exp(-a)), True),
    ("relu", 1, lambda a: a.relu(), lambda a: sp.Max(0, a), True),
    ("abs", 1, lambda a: abs(a), sp.Abs, True),
    ("sqrt", 1, lambda a: _pos(a).sqrt(), lambda a: sp.sqrt(_pos(a)), True),
    ("sin", 1, lambda a: a.sin(), sp.sin, True),
    ("cos", 1, lambda a: a.cos(), sp.cos, True),
    ("dot", 2, lambda a, b: dot([a, b], [b, 2.0], 0.5), lambda a, b: a * b + 2 * b + sp.Rational(1, 2), True),
    ("sum", 2, lambda a, b: sum_values([a, b, a]), lambda a, b: 2 * a + b, True),
    ("max", 2, lambda a, b: engine.maximum(a, b), sp.Max, _has("maximum")),
    ("min", 2, lambda a, b: engine.minimum(a, b), sp.Min, _has("minimum")),
    ("leaky_relu", 1, lambda a: a.leaky_relu(), _sym_leaky, _has("leaky_relu")),
    ("softplus", 1, lambda a: a.softplus(), lambda a: sp.log(1 + sp.exp(a)), _has("softplus")),
    ("clamp", 1, lambda a: a.clamp(-0.5, 0.5), lambda a: sp.Min(sp.Max(a, -0.5), 0.5), _has("clamp")),
]

# the ops the engine itself implements today (tests check the table misses none)
OP_NAMES = [row[0] for row in OPS]


def op_params():
    """pytest params over the table, the compat ops skipped (with a reason) until they exist."""
    import pytest

    return [pytest.param(row, id=row[0], marks=pytest.mark.skipif(not row[4], reason=f"{row[0]} not in the engine yet"))
            for row in OPS]


def apply(row, args):
    """The table row's engine builder on the first `arity` of args."""
    return row[2](*args[:row[1]])


def apply_sym(row, args):
    return row[3](*args[:row[1]])
