"""Value: one scalar in a computation graph, with its local derivatives stored as data.

Every op computes its result *and* the local derivatives ∂out/∂parent in the forward pass and
stores them on the new node, read as `local_grads`: one float per entry of `parents`. Nothing else
knows any calculus: `backward()`, the stepper, the diagrams and `gradcheck` all read that data.

A node with one or two parents keeps them, and their local derivatives, in slots of its own
rather than in tuples: a unary or binary node is then one object for the cyclic garbage
collector to track instead of three, which halves the collector's work while a graph is built
(bench/RESULTS.md). `parents` and `local_grads` still read as tuples for every arity.

A Value holds a finite float: every op whose result or local derivative would not be finite
raises ValueOverflow naming the op and its operands, so no inf or nan is ever stored. Each op
checks only what can overflow in it (a finite sum or product can; a tanh cannot).
"""
from __future__ import annotations

import math
import numbers
from operator import attrgetter, mul
from typing import TYPE_CHECKING, Any, Iterable, Sequence, Union

from engine.errors import CycleError, DivisionByZero, DomainError, OpError, ValueOverflow
from engine.grad_mode import NONE_OPEN, recording

if TYPE_CHECKING:
    from engine.backward import Step  # noqa: F401

Number = Union[int, float]
Operand = Union["Value", int, float]

_EXP_MAX = 709.782712893384  # math.log(sys.float_info.max)
# The ops' finite check: a module-level alias of math.isfinite costs about 14 ns per call,
# less than `x - x == 0.0` or two comparisons with the largest float (both measured on 3.11).
_isfinite = math.isfinite


def _to_float(data: object, where: str) -> float:
    """float(data) for a real number (int, float, numpy scalar, Fraction) that is finite as a float.

    TypeError for anything else, bools included (True is not a number here: write 1.0);
    DomainError for nan; ValueOverflow for ±inf and for numbers too large for a float (10**400).
    """
    if type(data) is bool:
        raise TypeError(f"{where}: expected a real number, got the bool {data!r} (write 1.0 or 0.0)")
    if not (type(data) is int or isinstance(data, numbers.Real)):
        raise TypeError(
            f"{where}: expected a real number (int, float, numpy scalar or Fraction), "
            f"got {type(data).__name__} {_show(data)}"
        )
    try:
        x = float(data)
    except OverflowError:
        raise ValueOverflow(where, data, f"{_show(data)} is too large for a float "
                            f"(a Value holds a finite float)") from None
    if not _isfinite(x):
        if x != x:
            raise DomainError(where, data, "nan is not a number (a Value holds a finite float)")
        raise ValueOverflow(where, data, f"{x!r} is not finite (a Value holds a finite float)")
    return x


def _show(x: object) -> str:
    """A short repr for error messages; an int too long to print becomes its number of digits."""
    if isinstance(x, int) and not isinstance(x, bool) and x.bit_length() > 200:
        return f"an integer of about {int(x.bit_length() * 0.30103) + 1} digits"
    try:
        return f"{x!r:.60}"
    except Exception:  # a repr that fails (e.g. a Fraction of 5,000-digit ints)
        return f"a {type(x).__name__}"


def _too_large(op: str, operands: tuple, what: str) -> OpError:
    """The error of an op whose result or local derivative is not finite (the ops' cold path)."""
    return ValueOverflow(op, operands, f"{what} is too large for a float (a Value holds a finite float)")


_new_object = object.__new__


class _Many:
    """The marker in `_second` of a node with three or more parents (dot, sum)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<three or more parents>"


_MANY = _Many()


def _unary(data: float, parent: Value, local: float, op: str) -> Value:
    """The result of a one-input op: a new node holding its parent and ∂out/∂parent.

    Ops build their results here and in _binary/_nary rather than through Value(...): skipping
    __init__'s argument checks (an op's result is always a float) makes a node cheaper to build.
    Under no_grad the result is a leaf. NONE_OPEN[0] is True while no thread or task has a no_grad
    block open: then recording() (a ContextVar read) is not called at all.
    """
    out = _new_object(Value)
    out._data = data
    out.grad = 0.0
    out.label = ""
    if NONE_OPEN[0] or recording():
        out._first = parent
        out._second = None
        out._d_first = local
        out.op = op
    else:
        out._first = out._second = None
        out.op = ""
    return out


def _binary(data: float, a: Value, b: Value, d_a: float, d_b: float, op: str) -> Value:
    """The result of a two-input op: a new node holding (a, b) and (∂out/∂a, ∂out/∂b)."""
    out = _new_object(Value)
    out._data = data
    out.grad = 0.0
    out.label = ""
    if NONE_OPEN[0] or recording():
        out._first = a
        out._second = b
        out._d_first = d_a
        out._d_second = d_b
        out.op = op
    else:
        out._first = out._second = None
        out.op = ""
    return out


def _nary(data: float, parents: tuple[Value, ...], local_grads: tuple[float, ...], op: str) -> Value:
    """The result of an op on any number of inputs (dot, sum), its graph stored as _link does."""
    out = _new_object(Value)
    out._data = data
    out.grad = 0.0
    out.label = ""
    if NONE_OPEN[0] or recording():
        _link(out, parents, local_grads)
        out.op = op
    else:
        out._first = out._second = None
        out.op = ""
    return out


def _link(node: Value, parents: tuple[Value, ...], local_grads: tuple[float, ...]) -> None:
    """Store a node's parents and local derivatives: up to two inline, three or more as tuples.

    One or two parents go in the slots `_first`/`_second` with `_d_first`/`_d_second`, so a
    unary or binary node is a single object (no tuples for the cyclic collector to track); with
    three or more, `_first` holds the parents tuple, `_d_first` the local_grads tuple, and
    `_second` is the marker _MANY. A leaf has `_first is None`.
    """
    n = len(parents)
    if n > 2:
        node._first, node._second, node._d_first = parents, _MANY, local_grads
    elif n == 2:
        node._first, node._second = parents
        node._d_first, node._d_second = local_grads
    elif n == 1:
        node._first, node._second, node._d_first = parents[0], None, local_grads[0]
    else:
        node._first = node._second = None


class Value:
    """A scalar node: `data`, `grad` = ∂root/∂self after backward(), and the graph as plain data.

    `parents` (the op's inputs, in order) and `local_grads` (∂self/∂parent, one float per
    parent) read as tuples; a node keeps up to two of them in slots of its own (see _link).
    """

    __slots__ = ("_data", "grad", "op", "label", "_first", "_second", "_d_first", "_d_second")
    __array_ufunc__ = None  # numpy scalars defer to Value's reflected ops: np.float64(2) * v is a Value

    _data: float  # the number, always a finite float; the engine reads this slot, users `data`
    grad: float
    op: str
    label: str
    # private, read by the hot loops (see _link); Any because the arity decides their types
    _first: Any  # None (a leaf), the one or first parent, or the parents tuple of 3+
    _second: Any  # None (at most one parent), the second parent, or _MANY
    _d_first: Any  # ∂self/∂first, or the local_grads tuple of 3+
    _d_second: float  # ∂self/∂second (a unary "**n" / "c**" node: the constant n or c, exactly)

    def __init__(self, data: Number, label: str = "") -> None:
        """A leaf holding `data` (inputs, parameters); op results are built by `_unary`/`_binary`/`_nary`."""
        if type(data) is not float or not _isfinite(data):
            data = _to_float(data, "Value")
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__} {label!r:.60}")
        self._data = data
        self.grad = 0.0
        self._first = self._second = None
        self.op = ""
        self.label = label

    def _set_data(self, data: Number) -> None:
        self._data = data if type(data) is float and _isfinite(data) else _to_float(data, "data")

    # Read through a C-level attrgetter (no Python frame per read: nn's layers and the optimizers
    # read `data` in their loops); assigned through the constructor's check.
    data = property(attrgetter("_data"), _set_data, doc=(
        "The number this node holds: always a finite float (an int assigned is stored as a float; "
        "nan, ±inf, bools and non-numbers are refused as by the constructor)."))
    del _set_data

    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the op that made this node, in order; () for a leaf."""
        first, second = self._first, self._second
        if second is None:
            return () if first is None else (first,)
        if second is _MANY:
            return first
        return (first, second)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """∂self/∂parents[i] for each parent, computed when the op ran forward; () for a leaf."""
        first, second = self._first, self._second
        if first is None:
            return ()
        if second is None:
            return (self._d_first,)
        if second is _MANY:
            return self._d_first
        return (self._d_first, self._d_second)

    @local_grads.setter
    def local_grads(self, values: Sequence[float]) -> None:
        """Replace the local derivatives (one real number per parent), e.g. to see gradcheck fail."""
        values = _as_tuple(values, "local_grads", "a sequence of numbers, one per parent")
        parents = self.parents
        if len(values) != len(parents):
            raise ValueError(f"local_grads: this node has {len(parents)} parents, got {len(values)} values")
        _link(self, parents, tuple(_to_float(v, "local_grads") for v in values))

    @parents.setter
    def parents(self, values: Sequence[Value]) -> None:
        """Rewire a node by hand (a custom op): its local_grads become 0.0 each until assigned."""
        values = _as_tuple(values, "parents", "a sequence of Values")
        for v in values:
            if type(v) is not Value:
                raise TypeError(f"parents: expected only Values, got {type(v).__name__} {v!r:.60}")
        if _reaches(values, self):
            raise CycleError(
                f"parents: {self!r} cannot take these parents: one of them is computed from it "
                f"(or is it), so the graph would be a cycle and no order could run backward", self)
        _link(self, values, (0.0,) * len(values))

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        return f"Value({name}data={self._data:.6g}, grad={self.grad:.6g})"

    def __float__(self) -> float:
        return self._data

    # ------------------------------------------------------------------ copies (engine/copying.py)
    def __copy__(self) -> Value:
        """A new node with the same data, grad, op, label, parents (the same objects) and local_grads."""
        return _copying.shallow_copy(self)

    def __deepcopy__(self, memo: dict) -> Value:
        """A copy of the whole graph below this node, sharing with `memo` (no recursion)."""
        return _copying.deep_copy(self, memo)

    def __reduce__(self) -> tuple:
        """Pickle the graph below this node in parents-first order, so pickling never recurses."""
        return _copying.reduce_value(self)

    @property
    def is_leaf(self) -> bool:
        """True for inputs, parameters and constants: nodes with no parents."""
        return self._first is None

    # ------------------------------------------------------------------ graph utilities
    def backward(self, seed: float = 1.0, create_graph: bool = False) -> None:
        """Chain rule from this root: sets self.grad = seed, every non-leaf grad afresh,
        and *adds* into leaves (so repeated calls accumulate into parameters).

        Calling it twice on one graph doubles the leaves' grads but not the intermediates'.
        Zero the leaves (`Module.zero_grad()` or `engine.zero_grad`) between steps.
        create_graph=True also leaves each node's gradient as a Value in `grad_value`
        (a graph of its own, differentiable again; engine.higher.backward_graph).
        """
        if create_graph:
            from engine.higher import backward_graph

            return backward_graph(self, seed)
        _backward.run_backward(self, seed)

    @property
    def grad_value(self) -> Value | None:
        """∂root/∂self as a Value after root.backward(create_graph=True) (None before): the same
        number as `grad`, as a node whose graph can be differentiated again.

        Kept in a side table of the most recent create_graph pass (engine.higher), not on the
        node: a slot would cost every node 8 bytes; `engine.clear_grad_values()` lets it go.
        """
        from engine.higher import grad_value_of

        return grad_value_of(self)

    @grad_value.setter
    def grad_value(self, value: Value | None) -> None:
        from engine.higher import set_grad_value

        set_grad_value(self, value)

    def detach(self) -> Value:
        """A new leaf with the same data and label: gradients stop here."""
        return Value(self._data, self.label)

    # ------------------------------------------------------------------ binary arithmetic
    def __add__(self, other: Operand) -> Value:
        """a + b; ∂/∂a = 1, ∂/∂b = 1"""
        if type(other) is not Value:
            other = _lift(other, "+")
        out = self._data + other._data
        if not _isfinite(out):
            raise _too_large("+", (self._data, other._data), f"{self._data!r} + {other._data!r}")
        return _binary(out, self, other, 1.0, 1.0, "+")

    def __radd__(self, other: Number) -> Value:
        """b + a for a number b"""
        return _lift(other, "+").__add__(self)

    def __sub__(self, other: Operand) -> Value:
        """a - b; ∂/∂a = 1, ∂/∂b = -1"""
        if type(other) is not Value:
            other = _lift(other, "-")
        out = self._data - other._data
        if not _isfinite(out):
            raise _too_large("-", (self._data, other._data), f"{self._data!r} - {other._data!r}")
        return _binary(out, self, other, 1.0, -1.0, "-")

    def __rsub__(self, other: Number) -> Value:
        """b - a for a number b"""
        return _lift(other, "-").__sub__(self)

    def __mul__(self, other: Operand) -> Value:
        """a * b; ∂/∂a = b, ∂/∂b = a"""
        if type(other) is not Value:
            other = _lift(other, "*")
        a, b = self._data, other._data
        out = a * b
        if not _isfinite(out):
            raise _too_large("*", (a, b), f"{a!r} * {b!r}")
        return _binary(out, self, other, b, a, "*")

    def __rmul__(self, other: Number) -> Value:
        """b * a for a number b"""
        return _lift(other, "*").__mul__(self)

    def __truediv__(self, other: Operand) -> Value:
        """a / b; ∂/∂a = 1/b, ∂/∂b = -a/b²"""
        if type(other) is not Value:
            other = _lift(other, "/")
        a, b = self._data, other._data
        if b == 0.0:
            raise DivisionByZero("/", b, f"division by zero ({a!r} / {b!r})")
        inv = 1.0 / b
        out = a * inv
        d_b = -out * inv
        if not (_isfinite(out) and _isfinite(d_b)):  # both finite: so is inv (an infinite one makes out inf or nan)
            raise _too_large("/", (a, b), _division_overflow(a, b, inv, out))
        return _binary(out, self, other, inv, d_b, "/")

    def __rtruediv__(self, other: Number) -> Value:
        """b / a for a number b"""
        return _lift(other, "/").__truediv__(self)

    def __neg__(self) -> Value:
        """-a; ∂/∂a = -1"""
        return _unary(-self._data, self, -1.0, "neg")

    def __pos__(self) -> Value:
        return self

    def __pow__(self, exponent: Operand) -> Value:
        """a ** n; ∂/∂a = n·a^(n-1) (and ∂/∂n = aⁿ·ln a when n is a Value)"""
        if type(exponent) is Value:
            return _pow_values(self, exponent)
        n = _to_float(exponent, "**")
        a = self._data
        out = _checked_pow(a, n, "**")
        if n == 0.0:
            local = 0.0
        elif n == 1.0:
            local = 1.0
        elif n == 2.0:
            local = 2.0 * a  # finite: a² is
        else:
            local = n * _power_derivative_base(a, n)
            if not _isfinite(local):
                raise _too_large("**", (a, n), f"the local derivative n·a^(n-1) of {a!r} ** {n!r}")
        node = _unary(out, self, local, f"**{n:g}")
        node._d_second = n  # the exponent, exactly (the op string rounds it): read by engine.rules
        return node

    def __rpow__(self, base: Number) -> Value:
        """c ** a for a number c; ∂/∂a = cᵃ·ln c"""
        c = _to_float(base, "**")
        a = self._data
        out = _checked_pow(c, a, "**")
        if c > 0.0:
            local = out * math.log(c)
            if not _isfinite(local):
                raise _too_large("**", (c, a), f"the local derivative cᵃ·ln c of {c!r} ** {a!r}")
        elif c == 0.0:
            local = 0.0  # 0 ** a is flat (0 for a > 0)
        else:
            raise DomainError("**", c, f"a negative base ({c!r}) to a Value exponent has no real derivative")
        node = _unary(out, self, local, f"{c:g}**")
        node._d_second = c  # the base, exactly (the op string rounds it): read by engine.rules
        return node

    # ------------------------------------------------------------------ unary functions
    def exp(self) -> Value:
        """eˣ; d/dx = eˣ"""
        x = self._data
        if x > _EXP_MAX:
            raise ValueOverflow("exp", x, f"exp({x!r}) is too large for a float")
        out = math.exp(x)  # finite: x ≤ ln(largest float)
        return _unary(out, self, out, "exp")

    def log(self) -> Value:
        """ln x; d/dx = 1/x (x > 0)"""
        x = self._data
        if not x > 0.0:
            raise DomainError("log", x, f"log is undefined for the non-positive value {x!r}")
        local = 1.0 / x
        if not _isfinite(local):  # x below about 5.6e-309
            raise _too_large("log", (x,), f"the local derivative 1/x of log({x!r})")
        return _unary(math.log(x), self, local, "log")

    def tanh(self) -> Value:
        """tanh x; d/dx = 1 - tanh² x (stable: tanh(±1000) = ±1, gradient 0)"""
        t = math.tanh(self._data)
        return _unary(t, self, 1.0 - t * t, "tanh")

    def sigmoid(self) -> Value:
        """σ(x) = 1/(1+e⁻ˣ); d/dx = σ(x)(1-σ(x)) = e^(-|x|)/(1+e^(-|x|))² (accurate for large |x|)"""
        x = self._data
        e = math.exp(-abs(x))  # in (0, 1]; underflows to 0.0 gracefully
        if x >= 0.0:
            s = 1.0 / (1.0 + e)
            return _unary(s, self, e * s * s, "sigmoid")  # not s·(1-s): 1-s rounds to 0 above x ≈ 36.7
        s = e / (1.0 + e)
        return _unary(s, self, s / (1.0 + e), "sigmoid")

    def relu(self) -> Value:
        """max(0, x); d/dx = 1 if x > 0 else 0"""
        x = self._data
        if x > 0.0:
            return _unary(x, self, 1.0, "relu")
        return _unary(0.0, self, 0.0, "relu")

    def __abs__(self) -> Value:
        """|x|; d/dx = sign(x) (0 at 0)"""
        x = self._data
        return _unary(abs(x), self, 1.0 if x > 0 else -1.0 if x < 0 else 0.0, "abs")

    def sin(self) -> Value:
        """sin x; d/dx = cos x"""
        x = self._data
        return _unary(math.sin(x), self, math.cos(x), "sin")

    def cos(self) -> Value:
        """cos x; d/dx = -sin x"""
        x = self._data
        return _unary(math.cos(x), self, -math.sin(x), "cos")

    def leaky_relu(self, slope: Number = 0.01) -> Value:
        """x if x > 0 else slope·x; d/dx = 1 if x > 0 else slope (slope at 0, as relu has 0 there)"""
        x, local = self._data, _slope(slope)
        if x > 0.0:
            local = 1.0
        out = local * x
        if not _isfinite(out):  # a huge slope times a huge x
            raise ValueOverflow("leaky_relu", x, f"{local!r} · {x!r} is too large for a float (a Value holds a finite float)")
        return _unary(out, self, local, "leaky_relu")

    def softplus(self) -> Value:
        """ln(1 + eˣ); d/dx = σ(x) (stable: log1p(e^-|x|) + max(x, 0) never overflows)"""
        x = self._data
        e = math.exp(-abs(x))  # in (0, 1]; σ(x) below is sigmoid's stable form
        s = 1.0 / (1.0 + e) if x >= 0.0 else e / (1.0 + e)
        return _unary(math.log1p(e) + (x if x > 0.0 else 0.0), self, s, "softplus")  # finite: ≤ max(x, 0) + ln 2

    def clamp(self, low: Number | None = None, high: Number | None = None) -> Value:
        """min(max(x, low), high); d/dx = 1 if low ≤ x ≤ high else 0 (1 at the bounds themselves)

        None leaves that side unbounded. At a bound the gradient passes (as in PyTorch), the same
        as minimum(maximum(x, low), high) gives with their first-argument tie rule.
        """
        lo, hi = _bounds(low, high)
        x = self._data
        inside = lo <= x <= hi
        return _unary(x if inside else lo if x < lo else hi, self, 1.0 if inside else 0.0, "clamp")

    def sqrt(self) -> Value:
        """√x; d/dx = 1/(2√x) (x > 0)"""
        x = self._data
        if not x > 0.0:
            if x == 0.0:
                raise DivisionByZero("sqrt", x, "the derivative of sqrt at 0 is infinite")
            raise DomainError("sqrt", x, f"sqrt is undefined for the negative value {x!r}")
        r = math.sqrt(x)
        return _unary(r, self, 0.5 / r, "sqrt")  # finite: r ≥ √(smallest float) ≈ 2.2e-162

    # ------------------------------------------------------------------ comparisons, by data
    # For sorted() and built-in max()/min(), which return one of the Values themselves (no new
    # node: the gradient reaches only the Value returned; ties go to the first, like maximum's).
    # No __eq__/__hash__ by value: == stays identity, so Values stay usable as dict keys and sets.
    def __lt__(self, other: Operand) -> bool:
        """self.data < other (a Value's data or a number)"""
        b = _compared(other)
        return NotImplemented if b is None else self._data < b

    def __le__(self, other: Operand) -> bool:
        """self.data <= other (a Value's data or a number)"""
        b = _compared(other)
        return NotImplemented if b is None else self._data <= b

    def __gt__(self, other: Operand) -> bool:
        """self.data > other (a Value's data or a number)"""
        b = _compared(other)
        return NotImplemented if b is None else self._data > b

    def __ge__(self, other: Operand) -> bool:
        """self.data >= other (a Value's data or a number)"""
        b = _compared(other)
        return NotImplemented if b is None else self._data >= b

    # ------------------------------------------------------------------ micrograd compatibility
    # micrograd's private names, so the lecture's code (its trace/draw_dot cells, its manual walk)
    # runs unchanged: read-only views of deltagrad's own data, kept thin on purpose (STYLE.md,
    # "Wrong on purpose"). deltagrad's own code never uses them; there are no slots behind them.
    @property
    def _prev(self) -> set[Value]:
        """micrograd's parents: set(self.parents), so `a + a` has one (read-only)"""
        return set(self.parents)

    @_prev.setter
    def _prev(self, _: object) -> None:
        raise AttributeError("Value._prev is read-only: it is micrograd's view of `parents` as a set; "
                             "rewire a node with v.parents = [...] (then v.local_grads = [...])")

    @property
    def _op(self) -> str:
        """micrograd's op string: self.op, but '' for a constant, as for every leaf (read-only)"""
        op = self.op
        return "" if op == "const" else op

    @_op.setter
    def _op(self, _: object) -> None:
        raise AttributeError("Value._op is read-only: it is micrograd's view of `op`; set v.op = '...'")

    def _backward(self) -> None:  # a method; the module's `_backward` (engine.backward) is another name
        """micrograd's one-node step: p.grad += ∂self/∂p · self.grad for each parent (none on a leaf)

        The same local_grads and the same product backward() uses, added once per call (a fresh
        graph's walk in reverse topological order gives backward()'s grads).
        """
        upstream = self.grad
        for parent, local in zip(self.parents, self.local_grads):
            parent.grad += local * upstream


# ---------------------------------------------------------------------- helpers used by the ops
def _as_tuple(values: object, where: str, expected: str) -> tuple:
    """tuple(values) for a list or tuple (or other sequence); TypeError naming `where` otherwise."""
    if isinstance(values, (str, bytes, Value)) or not isinstance(values, Sequence):
        raise TypeError(f"{where}: expected {expected}, got {type(values).__name__} {values!r:.60}")
    return tuple(values)


def _lift(x: object, op: str) -> Value:
    """Wrap a number met in an op as a constant leaf (op 'const')."""
    leaf = _new_object(Value)
    leaf._data = x if type(x) is float and _isfinite(x) else _to_float(x, op)
    leaf.grad = 0.0
    leaf._first = leaf._second = None
    leaf.op = "const"
    leaf.label = ""
    return leaf


def _as_operand(x: object, op: str) -> Value:
    """x itself if it is a Value, else a constant leaf holding x."""
    return x if type(x) is Value else _lift(x, op)


def _checked_pow(a: float, n: float, op: str) -> float:
    """a ** n in reals, with errors that name the op and the values."""
    if a == 0.0 and n < 0.0:
        raise DivisionByZero(op, a, f"0.0 ** {n!r} divides by zero")
    if a < 0.0 and not float(n).is_integer():
        raise DomainError(op, a, f"a negative base ({a!r}) to a non-integer power ({n!r}) is not real")
    try:
        out = a**n
    except OverflowError:
        raise ValueOverflow(op, a, f"{a!r} ** {n!r} is too large for a float") from None
    if not _isfinite(out):
        raise ValueOverflow(op, a, f"{a!r} ** {n!r} is too large for a float")
    return out


def _division_overflow(a: float, b: float, inv: float, out: float) -> str:
    """Which part of a / b is too large: the words for _too_large (the cold path of /)."""
    if not _isfinite(inv):
        return f"the local derivative ∂/∂a = 1/b of {a!r} / {b!r}"
    if not _isfinite(out):
        return f"{a!r} / {b!r}"
    return f"the local derivative ∂/∂b = -a/b² of {a!r} / {b!r}"


def _reaches(starts: tuple[Value, ...], target: Value) -> bool:
    """True if target is one of starts or an ancestor of one (an iterative walk over parents)."""
    seen: set[int] = set()
    todo = list(starts)
    while todo:
        node = todo.pop()
        if node is target:
            return True
        if id(node) not in seen:
            seen.add(id(node))
            todo.extend(node.parents)
    return False


def _power_derivative_base(a: float, n: float) -> float:
    """a ** (n - 1), the power in d/da aⁿ = n·a^(n-1); infinite slopes are errors, not inf."""
    if a == 0.0 and n < 1.0:
        raise DivisionByZero("**", a, f"the derivative of x ** {n!r} at x = 0.0 is infinite")
    return _checked_pow(a, n - 1.0, "**")


def _pow_values(base: Value, exponent: Value) -> Value:
    """a ** b for two Values; ∂/∂a = b·a^(b-1), ∂/∂b = aᵇ·ln a"""
    a, b = base._data, exponent._data
    out = _checked_pow(a, b, "**")
    d_base = 0.0 if b == 0.0 else b * _power_derivative_base(a, b)
    if a > 0.0:
        d_exp = out * math.log(a)
    elif a == 0.0:
        d_exp = 0.0
    else:
        raise DomainError("**", a, f"a negative base ({a!r}) to a Value exponent has no real derivative")
    if not (_isfinite(d_base) and _isfinite(d_exp)):
        which = "b·a^(b-1)" if not _isfinite(d_base) else "aᵇ·ln a"
        raise _too_large("**", (a, b), f"the local derivative {which} of {a!r} ** {b!r}")
    return _binary(out, base, exponent, d_base, d_exp, "**")


# ---------------------------------------------------------------------- max, min and their arguments
def maximum(a: Operand, b: Operand) -> Value:
    """max(a, b); ∂/∂a = 1 if a ≥ b else 0, ∂/∂b = 1 if b > a else 0 (a tie sends the gradient to a)"""
    a, b = _as_operand(a, "max"), _as_operand(b, "max")
    x, y = a._data, b._data
    first = x >= y
    return _binary(x if first else y, a, b, 1.0 if first else 0.0, 0.0 if first else 1.0, "max")


def minimum(a: Operand, b: Operand) -> Value:
    """min(a, b); ∂/∂a = 1 if a ≤ b else 0, ∂/∂b = 1 if b < a else 0 (a tie sends the gradient to a)"""
    a, b = _as_operand(a, "min"), _as_operand(b, "min")
    x, y = a._data, b._data
    first = x <= y
    return _binary(x if first else y, a, b, 1.0 if first else 0.0, 0.0 if first else 1.0, "min")


def _slope(slope: object) -> float:
    """leaky_relu's slope as a finite float."""
    if isinstance(slope, numbers.Real) and not isinstance(slope, bool) and not _isfinite(float(slope)):
        raise DomainError("leaky_relu", slope, f"the slope must be a finite number, got {slope!r}")
    return _to_float(slope, "leaky_relu")


def _bounds(low: object, high: object) -> tuple[float, float]:
    """clamp's (low, high) as floats, None meaning unbounded; low ≤ high."""
    for name, given in (("low", low), ("high", high)):
        if isinstance(given, float) and not _isfinite(given):
            raise DomainError("clamp", given, f"the {name} bound must be a finite number (or None), got {given!r}")
    lo = -math.inf if low is None else _to_float(low, "clamp")
    hi = math.inf if high is None else _to_float(high, "clamp")
    if lo > hi:
        raise DomainError("clamp", lo, f"the low bound {lo!r} is greater than the high bound {hi!r}")
    return lo, hi


def _compared(x: object) -> float | None:
    """What a comparison compares: a Value's data or a real number (None: not comparable)."""
    if type(x) is Value:
        return x._data
    if isinstance(x, numbers.Real):
        return x  # type: ignore[return-value]
    return None


# ---------------------------------------------------------------------- n-ary ops
def dot(weights: Sequence[Value], inputs: Sequence[Operand], bias: Operand | None = None) -> Value:
    """z = Σ_k w_k·x_k (+ b) as one node; ∂z/∂w_k = x_k, ∂z/∂x_k = w_k, ∂z/∂b = 1.

    Parents are w_1..w_n, then x_1..x_n, then b: the notes' z_j with its local derivatives.
    """
    _check_many(weights, "dot", "weights")
    _check_many(inputs, "dot", "inputs")
    n = len(weights)
    if len(inputs) != n:
        raise ValueError(f"dot: expected {n} inputs to match {n} weights, got {len(inputs)}")
    weight_data = [w._data for w in weights if type(w) is Value]  # doubles as the type check
    if len(weight_data) != n:  # numbers among them: lift them to constants
        weights = [_as_operand(w, "dot") for w in weights]
        weight_data = [w._data for w in weights]
    input_data = [x._data for x in inputs if type(x) is Value]
    if len(input_data) != n:
        inputs = [_as_operand(x, "dot") for x in inputs]
        input_data = [x._data for x in inputs]
    if bias is not None and type(bias) is not Value:
        bias = _lift(bias, "dot")
    return dot_node(weights, inputs, bias, weight_data, input_data)


def dot_node(
    weights: Sequence[Value], inputs: Sequence[Value], bias: Value | None,
    weight_data: Sequence[float], input_data: Sequence[float],
) -> Value:
    """dot() for Values whose data the caller has read (w_k.data, x_k.data): no checks, no lifting.

    nn's layers read each input's data once per layer and each weight's once per batch.
    """
    total = sum(map(mul, weight_data, input_data), 0.0)
    if bias is not None:
        total += bias._data
    if not _isfinite(total):  # a product or the sum overflowed (inf, or nan from inf - inf)
        raise _too_large("dot", (tuple(weight_data), tuple(input_data)),
                         f"Σ w_k·x_k{' + b' if bias is not None else ''} of w = {_floats(weight_data)}, "
                         f"x = {_floats(input_data)}")
    if bias is None:
        return _nary(total, (*weights, *inputs), (*input_data, *weight_data), "dot")
    return _nary(total, (*weights, *inputs, bias), (*input_data, *weight_data, 1.0), "dot")


def sum_values(values: Iterable[Operand]) -> Value:
    """s = Σ_i v_i as one node; ∂s/∂v_i = 1."""
    if isinstance(values, (str, bytes, Value)) or not isinstance(values, Iterable):
        raise TypeError(f"sum_values: expected an iterable of Values or numbers (a list, a generator), "
                        f"got {type(values).__name__} {_show(values)}")
    parents = tuple(values)
    if not parents:
        raise ValueError("sum_values: needs at least one value, got an empty sequence")
    data = [v._data for v in parents if type(v) is Value]
    if len(data) != len(parents):
        parents = tuple([v if type(v) is Value else _lift(v, "sum") for v in parents])
        data = [v._data for v in parents]
    total = sum(data, 0.0)
    if not _isfinite(total):
        raise _too_large("sum", tuple(data), f"the sum of {_floats(data)}")
    return _nary(total, parents, (1.0,) * len(parents), "sum")


def _check_many(values: object, where: str, name: str) -> None:
    """TypeError naming `where` unless values is a sized collection (list, tuple, array) of operands."""
    if type(values) is list or type(values) is tuple:
        return
    if isinstance(values, (str, bytes, Value)) or not (hasattr(values, "__len__") and hasattr(values, "__iter__")):
        raise TypeError(f"{where}: {name} must be a list or tuple of Values or numbers, "
                        f"got {type(values).__name__} {_show(values)}")


def _floats(data: Sequence[float]) -> str:
    """[1e+308, 10.0, ...]: at most 6 numbers, for error messages."""
    shown = ", ".join(f"{x!r}" for x in list(data[:6]))
    return f"[{shown}{', ...' if len(data) > 6 else ''}]"


def as_value(x: Operand, label: str = "") -> Value:
    """x itself if it is a Value, else a new leaf holding x."""
    return x if type(x) is Value else Value(x, label)  # type: ignore[arg-type]


# Imported last: engine.backward imports Value from this module (a module-level import here,
# unlike one inside backward(), costs nothing per call).
import engine.backward as _backward  # noqa: E402
import engine.copying as _copying  # noqa: E402
