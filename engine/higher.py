"""Gradients of gradients: grad(create_graph=True), backward(create_graph=True), hessian, hvp.

The chain rule run with Value arithmetic: for each node n in reverse topological order and each
parent p,
    ∇p += rule(n)_p · ∇n
where rule(n)_p is ∂n/∂p built from n and its parents by engine.rules, so every gradient is a
node of a graph of its own, which can be differentiated again (by grad, hessian, or backward()).
The nodes this builds are labelled "∇…" (`built_by_backward`): "∇x" is the gradient of a node
labelled x, "∇1", "∇2", … the products, sums and local derivatives on the way.
"""
from __future__ import annotations

import math
import numbers
from typing import Callable, Sequence

from engine.backward import _checked_seed, run_backward, topo_order
from engine.errors import NoDerivativeRule, OpError, StaleLocalGrads
from engine.grad_mode import is_grad_enabled
from engine.rules import local_values
from engine.sweeps import adjoints
from engine.value import Value, _lift, dot

BUILT = "∇"  # the label prefix of every node a create_graph pass builds

# id(node) -> (node, its grad_value) for the nodes of the most recent backward(create_graph=True).
# A side table rather than a slot on Value: a slot costs every node of every graph 8 bytes (and
# measurably slowed the eager path), and a gradient stored on its node would refer back into the
# graph, a reference cycle. Each create_graph backward replaces the table, so it holds one graph.
_GRAD_VALUES: dict[int, tuple[Value, Value]] = {}


def grad_value_of(v: Value) -> Value | None:
    """v.grad_value: v's gradient Value from the most recent backward(create_graph=True), else None."""
    entry = _GRAD_VALUES.get(id(v))
    return entry[1] if entry is not None and entry[0] is v else None


def set_grad_value(v: Value, value: Value | None) -> None:
    if value is None:
        if grad_value_of(v) is not None:
            del _GRAD_VALUES[id(v)]
        return
    if type(value) is not Value:
        raise TypeError(f"grad_value: expected a Value or None, got {type(value).__name__} {value!r:.60}")
    _GRAD_VALUES[id(v)] = (v, value)


def clear_grad_values() -> None:
    """Forget every grad_value (the graph the last backward(create_graph=True) kept alive is freed)."""
    _GRAD_VALUES.clear()

Function = Callable[[list[Value]], Value]


def built_by_backward(v: Value) -> bool:
    """True for a node built by grad(create_graph=True) or backward(create_graph=True)."""
    return v.label.startswith(BUILT)


# ------------------------------------------------------------------ grad
def grad(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list:
    """[∂output/∂x for x in inputs]: floats, or with create_graph=True Values (graphs of their own).

    An input output does not depend on gets 0.0 (a constant Value 0.0 with create_graph).
    The `.grad` fields of the graph are left as they were.
    """
    _check_output(output, "grad", "output")
    inputs = _check_inputs(inputs, "grad")
    if create_graph is not True and create_graph is not False:
        raise TypeError(f"grad: create_graph must be True or False, got {type(create_graph).__name__} {create_graph!r:.60}")
    order = topo_order(output)
    if not create_graph:
        found = adjoints(order)
        return [found.get(id(x), 0.0) for x in inputs]
    _check_recording("grad")
    wanted = {id(x) for x in inputs}
    relevant = set(wanted)
    for node in order:
        if node._first is not None and any(id(p) in relevant for p in node.parents):
            relevant.add(id(node))
    grads = _value_chain_rule(order, output, _lift(1.0, "grad"), relevant)
    results = [grads.get(id(x)) or _lift(0.0, "grad") for x in inputs]
    _mark_built(results, [x.label for x in inputs], {id(v) for v in order})
    return results


def backward_graph(root: Value, seed: float = 1.0) -> None:
    """root.backward(seed, create_graph=True): `.grad` as backward() sets it, and `grad_value` too.

    grad_value follows grad: set afresh on non-leaves, added to on leaves (continuing a leaf's
    grad_value only while its data still equals the leaf's grad, else starting from the grad).
    The grad_values of an earlier create_graph backward are replaced (leaves' carried over).
    """
    seed = _checked_seed(seed, "backward")
    _check_recording("backward")
    order = topo_order(root)
    before = {id(v): (v.grad, v.grad_value) for v in order if v._first is None}
    grads = _value_chain_rule(order, root, _lift(seed, "backward"), None)
    run_backward(root, seed)
    _GRAD_VALUES.clear()
    results, names = [], []
    for v in order:
        g = grads.get(id(v))
        if v._first is not None:
            value = g if g is not None else _lift(0.0, "backward")
        else:
            old_grad, old_value = before[id(v)]
            if old_value is None or old_value.data != old_grad:
                old_value = None if old_grad == 0.0 else _lift(old_grad, "backward")
            if g is None:
                value = old_value if old_value is not None else _lift(0.0, "backward")
            else:
                value = g if old_value is None else old_value + g
        _GRAD_VALUES[id(v)] = (v, value)
        results.append(value)
        names.append(v.label)
    _mark_built(results, names, {id(v) for v in order})


def _value_chain_rule(order: list[Value], root: Value, seed: Value, relevant: set[int] | None) -> dict:
    """id(node) -> ∂root/∂node as a Value, for the nodes something flows into (others: absent)."""
    grads = {id(root): seed}
    for node in reversed(order):
        if node._first is None or (relevant is not None and id(node) not in relevant):
            continue
        upstream = grads.get(id(node))
        if upstream is None:
            continue  # only zero contributions reached this node
        for parent, local in zip(node.parents, _checked_locals(node)):
            if relevant is not None and id(parent) not in relevant:
                continue
            if type(local) is Value:
                contribution = local * upstream
            elif local == 0.0:
                continue  # a constant zero derivative passes nothing on
            elif local == 1.0:
                contribution = upstream
            elif local == -1.0:
                contribution = -upstream
            else:
                contribution = local * upstream
            previous = grads.get(id(parent))
            grads[id(parent)] = contribution if previous is None else previous + contribution
    return grads


def _checked_locals(node: Value) -> tuple:
    """engine.rules' local derivatives of node as Values, checked against the stored floats."""
    try:
        values = local_values(node)
    except NoDerivativeRule:
        raise
    except OpError as e:  # the derivative's own derivative is undefined here (x ** 1.5 at 0: ∞)
        raise type(e)(
            node.op, node.data,
            f"create_graph: the local derivative of {node.op!r} cannot be differentiated again at "
            f"{', '.join(f'{p.data!r}' for p in node.parents)}: {e}",
        ) from e
    stored = node.local_grads
    if len(values) != len(stored):
        raise StaleLocalGrads(node.op, node, f"create_graph: the rule of {node.op!r} gives {len(values)} "
                              f"derivatives but this node has {len(stored)} parents (a hand-wired node?)")
    for k, (v, s) in enumerate(zip(values, stored)):
        x = v.data if type(v) is Value else v
        if not math.isclose(x, s, rel_tol=1e-9, abs_tol=1e-12):
            raise StaleLocalGrads(
                node.op, node,
                f"create_graph: local_grads[{k}] of this {node.op!r} node is {s!r} but its rule gives "
                f"{x!r} at its parents' data (local_grads set by hand, or a parent's data changed "
                f"after the forward pass?)",
            )
    return values


def _mark_built(results: list[Value], names: list[str], original: set[int]) -> None:
    """Label the nodes a create_graph pass built: "∇x" for the gradient of x, "∇1", "∇2", … the rest."""
    for value, name in zip(results, names):
        if name and not value.label and id(value) not in original:
            value.label = BUILT + name
    count = 0
    stack, seen = list(results), set(original)
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        if not v.label:
            count += 1
            v.label = f"{BUILT}{count}"
        stack.extend(v.parents)


# ------------------------------------------------------------------ Hessians and derivatives
def hessian(f: Function, xs: Sequence[float]) -> list[list[float]]:
    """H[i][j] = ∂²f/∂x_i∂x_j at xs: grad with create_graph, then the grad of each entry."""
    values, out = _evaluate(f, xs, "hessian")
    first = grad(out, values, create_graph=True)
    return [grad(g, values) for g in first]


def hvp(f: Function, xs: Sequence[float], v: Sequence[float]) -> list[float]:
    """H·v at xs without forming H: the gradient of (∇f · v), two reverse sweeps."""
    values, out = _evaluate(f, xs, "hvp")
    direction = _check_numbers(v, "hvp", "v", len(values))
    first = grad(out, values, create_graph=True)
    return grad(dot(first, direction), values)


def nth_derivative(f: Callable[[Value], Value], x: float, n: int) -> float:
    """dⁿf/dxⁿ at x, by n repeated grad(create_graph=True) passes (n = 0..10)."""
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 10:
        raise ValueError(f"nth_derivative: n must be an int from 0 to 10 (each order can triple the graph), got {n!r:.60}")
    if not callable(f):
        raise TypeError(f"nth_derivative: f must be a function of a Value, got {type(f).__name__} {f!r:.60}")
    (point,) = _check_numbers([x], "nth_derivative", "x", 1)
    _check_recording("nth_derivative")
    leaf = Value(point, "x")
    d = f(leaf)
    _check_output(d, "nth_derivative", "f(x)")
    for _ in range(n):
        (d,) = grad(d, [leaf], create_graph=True)
    return d.data


# ------------------------------------------------------------------ checks shared with engine.forward
def _check_output(output: object, where: str, what: str) -> None:
    if type(output) is not Value:
        raise TypeError(f"{where}: {what} must be a Value, got {type(output).__name__} {output!r:.60}")


def _check_inputs(inputs: object, where: str) -> list[Value]:
    if type(inputs) is Value or isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
        raise TypeError(f"{where}: inputs must be a list of Values, got {type(inputs).__name__} {inputs!r:.60}")
    for i, x in enumerate(inputs):
        if type(x) is not Value:
            raise TypeError(f"{where}: inputs[{i}] must be a Value, got {type(x).__name__} {x!r:.60}")
    return list(inputs)


def _check_numbers(xs: object, where: str, what: str, length: int | None = None) -> list[float]:
    """xs as finite floats (Values give their data); TypeError/ValueError naming `where` and `what`."""
    if isinstance(xs, (Value, str, bytes)) or not isinstance(xs, Sequence):
        raise TypeError(f"{where}: {what} must be a list of numbers, got {type(xs).__name__} {xs!r:.60}")
    out = []
    for i, x in enumerate(xs):
        if type(x) is Value:
            x = x.data
        if isinstance(x, bool) or not isinstance(x, numbers.Real):
            raise TypeError(f"{where}: {what}[{i}] must be a real number, got {type(x).__name__} {x!r:.60}")
        if not math.isfinite(x):
            raise ValueError(f"{where}: {what}[{i}] must be finite, got {x!r}")
        out.append(float(x))
    if length is not None and len(out) != length:
        raise ValueError(f"{where}: {what} has {len(out)} entries, expected {length} (one per input)")
    return out


def _check_recording(where: str) -> None:
    if not is_grad_enabled():
        raise RuntimeError(f"{where}: called inside no_grad(), where ops record no graph to differentiate; "
                           "call it outside the no_grad block")


def _evaluate(f: object, xs: object, where: str) -> tuple[list[Value], Value]:
    """Fresh leaves x1, x2, … holding xs, and f of them (which must be a Value)."""
    if not callable(f):
        raise TypeError(f"{where}: f must be a function of a list of Values, got {type(f).__name__} {f!r:.60}")
    points = _check_numbers(xs, where, "xs")
    _check_recording(where)
    values = [Value(x, f"x{i}") for i, x in enumerate(points, start=1)]
    out = f(values)
    if type(out) is not Value:
        raise TypeError(f"{where}: f must return a Value, got {type(out).__name__} {out!r:.60}")
    return values, out
