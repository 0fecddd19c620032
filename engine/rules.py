"""One derivative rule per op: ∂out/∂parent as a function of the node's parents and output.

The eager ops in engine/value.py store these derivatives as floats when they run forward (that
path is tuned and stays as it is). Each rule here states the same derivative once more, written
so that it works on floats *and* on Values: given the parents' data it returns the stored floats
(tests/test_engine_rules.py checks every op at random points), given the parent nodes it returns
Values whose graph create_graph differentiates again.

    rule(node, out, args) -> one derivative per parent
        node: the op's result (read for its op constants and its stored local_grads)
        out, args: node and node.parents (Values) or their data (floats)

Piecewise-linear ops (+ - neg sum relu abs leaky_relu max min clamp) have piecewise-constant
local derivatives: their rule is the stored float, a constant (second derivative 0 off the kinks).
"""
from __future__ import annotations

import math
from typing import Callable, Sequence, Union

from engine.errors import NoDerivativeRule
from engine.value import Value, _power_derivative_base

Scalar = Union[float, Value]
Rule = Callable[[Value, Scalar, Sequence[Scalar]], tuple]


# ------------------------------------------------------------------ float-or-Value functions
def _exp(x: Scalar) -> Scalar:
    return x.exp() if type(x) is Value else math.exp(x)


def _log(x: Scalar) -> Scalar:
    return x.log() if type(x) is Value else math.log(x)


def _sin(x: Scalar) -> Scalar:
    return x.sin() if type(x) is Value else math.sin(x)


def _cos(x: Scalar) -> Scalar:
    return x.cos() if type(x) is Value else math.cos(x)


def _sigmoid(x: Scalar) -> Scalar:
    return x.sigmoid() if type(x) is Value else Value(x).sigmoid().data


def _power(a: Scalar, n: Scalar) -> Scalar:
    """a ** (n - 1), the power in d/da aⁿ (errors name '**' where that slope is infinite)."""
    if type(a) is Value:
        return a ** (n - 1.0)
    return _power_derivative_base(a, n)


def constant_exponent(node: Value) -> float:
    """n of a "**n" node, or c of a "c**" node: stored exactly by the op, else read from the op string."""
    n = getattr(node, "_d_second", None)
    if type(n) is float and node._second is None:
        return n
    text = node.op[2:] if node.op.startswith("**") else node.op[:-2]
    return float(text)


# ------------------------------------------------------------------ the rules
def stored(node: Value, out: Scalar, args: Sequence[Scalar]) -> tuple:
    """a piecewise-linear op: the stored local derivatives, constants"""
    return node.local_grads


def mul(node: Value, out: Scalar, args: Sequence[Scalar]) -> tuple:
    """a * b; ∂/∂a = b, ∂/∂b = a"""
    return (args[1], args[0])


def div(node: Value, out: Scalar, args: Sequence[Scalar]) -> tuple:
    """a / b; ∂/∂a = 1/b, ∂/∂b = -out/b"""
    inv = 1.0 / args[1]
    return (inv, -(out * inv))


def pow_const(node: Value, out: Scalar, args: Sequence[Scalar]) -> tuple:
    """aⁿ for a constant n; d/da = n·a^(n-1)"""
    n, a = constant_exponent(node), args[0]
    if n == 0.0:
        return (0.0,)
    if n == 1.0:
        return (1.0,)
    if n == 2.0:
        return (2.0 * a,)
    return (n * _power(a, n),)


def rpow(node: Value, out: Scalar, args: Sequence[Scalar]) -> tuple:
    """cᵃ for a constant c ≥ 0; d/da = cᵃ·ln c"""
    c = constant_exponent(node)
    return (out * math.log(c),) if c > 0.0 else (0.0,)


def pow_values(node: Value, out: Scalar, args: Sequence[Scalar]) -> tuple:
    """aᵇ for two Values; ∂/∂a = b·a^(b-1), ∂/∂b = aᵇ·ln a"""
    a, b = args
    a_data = a.data if type(a) is Value else a
    b_data = b.data if type(b) is Value else b
    d_base = 0.0 if b_data == 0.0 and a_data == 0.0 else b * _power(a, b)
    d_exp = out * _log(a) if a_data > 0.0 else 0.0
    return (d_base, d_exp)


def exp(node: Value, out: Scalar, args: Sequence[Scalar]) -> tuple:
    """eˣ; d/dx = eˣ = out"""
    return (out,)


def log(node: Value, out: Scalar, args: Sequence[Scalar]) -> tuple:
    """ln x; d/dx = 1/x"""
    return (1.0 / args[0],)


def tanh(node: Value, out: Scalar, args: Sequence[Scalar]) -> tuple:
    """tanh x; d/dx = 1 - out²"""
    return (1.0 - out * out,)


def sigmoid(node: Value, out: Scalar, args: Sequence[Scalar]) -> tuple:
    """σ(x); d/dx = out·(1 - out)"""
    return (out * (1.0 - out),)


def sqrt(node: Value, out: Scalar, args: Sequence[Scalar]) -> tuple:
    """√x; d/dx = 1/(2·out)"""
    return (0.5 / out,)


def sin(node: Value, out: Scalar, args: Sequence[Scalar]) -> tuple:
    """sin x; d/dx = cos x"""
    return (_cos(args[0]),)


def cos(node: Value, out: Scalar, args: Sequence[Scalar]) -> tuple:
    """cos x; d/dx = -sin x"""
    return (-_sin(args[0]),)


def dot(node: Value, out: Scalar, args: Sequence[Scalar]) -> tuple:
    """Σ w_k·x_k (+ b); ∂/∂w_k = x_k, ∂/∂x_k = w_k, ∂/∂b = 1"""
    n = len(args) // 2
    weights, inputs = args[:n], args[n:2 * n]
    return (*inputs, *weights, 1.0) if len(args) % 2 else (*inputs, *weights)


def softplus(node: Value, out: Scalar, args: Sequence[Scalar]) -> tuple:
    """ln(1 + eˣ); d/dx = σ(x)"""
    return (_sigmoid(args[0]),)


RULES: dict[str, Rule] = {
    "+": stored, "-": stored, "neg": stored, "sum": stored,
    "relu": stored, "abs": stored, "leaky_relu": stored, "max": stored, "min": stored, "clamp": stored,
    "*": mul, "/": div, "**": pow_values, "exp": exp, "log": log, "tanh": tanh, "sigmoid": sigmoid,
    "sqrt": sqrt, "sin": sin, "cos": cos, "dot": dot, "softplus": softplus,
}


def rule_for(node: Value) -> Rule:
    """The rule of node's op; NoDerivativeRule (naming the op) for a custom op without one."""
    op = node.op
    rule = RULES.get(op)
    if rule is not None:
        return rule
    if op.startswith("**") and _is_number(op[2:]):
        return pow_const
    if op.endswith("**") and _is_number(op[:-2]):
        return rpow
    raise NoDerivativeRule(
        op, node,
        f"no derivative rule for the op {op!r} (a hand-wired node?), so its local derivatives "
        f"{node.local_grads!r} are numbers only and cannot be differentiated again; "
        f"create_graph knows the ops {', '.join(sorted(RULES))}, **n and c**",
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def local_floats(node: Value) -> tuple:
    """The rule of node's op evaluated on its parents' data: equals node.local_grads."""
    return tuple(float(d) for d in rule_for(node)(node, node.data, [p.data for p in node.parents]))


def local_values(node: Value) -> tuple:
    """The rule of node's op on its parent nodes: one derivative per parent, a Value or a constant float."""
    return tuple(rule_for(node)(node, node, node.parents))
