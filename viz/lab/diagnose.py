"""Name the mistake behind a learner's wrong answer: run every mistake, see which one gives it.

    diagnose(root, node, answer)                      a gradient ∂L/∂node of a graph
    diagnose_network(mlp, x, y, quantity, answer)     δ^l_j, ∂C/∂w^l_jk or ∂C/∂b^l_j of a network

An answer matches a mistake when |answer − the mistake's value| ≤ tol × max(1, |that value|)
(hand answers are typed to about four digits) and the mistake's value is not the right one
(an answer that is right is no mistake). Most plausible first: an exact match before a rounded
one, then the catalogue's order.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Optional, Sequence

from engine import Value
from viz.errors import LabError, LabTypeError
from viz.lab import mistakes, network
from viz.lab.catalogue import GRAPH_MISTAKES, MISTAKES, NETWORK_MISTAKES
from viz.lab.compare import same
from viz.stepping.step_symbols import fmt_number


def _answer(answer: object, where: str) -> float:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise LabTypeError(f"{where}: the answer must be a number, got {type(answer).__name__} {answer!r:.60}")
    value = float(answer)
    if not math.isfinite(value):
        raise LabError(f"{where}: the answer must be a finite number, got {value!r}")
    return value


def _tol(tol: object, where: str) -> float:
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not 0 < tol < 1:
        raise LabError(f"{where}: tol must be a number in (0, 1), got {tol!r:.60}")
    return float(tol)


def _rank(candidates: dict[str, float], right: float, answer: float, tol: float,
          order: Sequence[str] = tuple(MISTAKES)) -> list[str]:
    """The names whose value matches the answer (and is not the right value), most plausible first:
    exact matches before rounded ones, then in `order`."""
    scale = lambda v: tol * max(1.0, abs(v))  # noqa: E731
    if abs(answer - right) <= scale(right):
        return []  # the answer is right (to the tolerance): nothing to diagnose
    order = list(order)
    hits = [(not same(answer, v), order.index(name), name) for name, v in candidates.items()
            if abs(answer - v) <= scale(v) and not abs(v - right) <= scale(right)]
    return [name for _, _, name in sorted(hits)]


def graph_values(root: Value, node: Value) -> tuple[float, dict[str, float]]:
    """The right ∂root/∂node and each graph-level mistake's (those refused as too long are left out)."""
    right = mistakes.right(root)
    values = {}
    for name in GRAPH_MISTAKES:
        try:
            values[name] = mistakes.GRAPH_PASSES[name](root)[node]
        except LabError:  # no_topo on a graph with too many paths: not a plausible hand computation
            continue
    return right[node], values


def diagnose(root: Value, node: Value, answer: float, tol: float = 1e-3) -> list[str]:
    """The names of the graph-level mistakes that give `answer` for ∂root/∂node, most plausible first."""
    if type(root) is not Value:
        raise LabTypeError(f"diagnose: expected a Value (the root of a graph), got {type(root).__name__} {root!r:.60}; "
                           "for a network use viz.diagnose_network(mlp, x, y, quantity, answer)")
    if type(node) is not Value:
        raise LabTypeError(f"diagnose: node must be a Value of the graph, got {type(node).__name__} {node!r:.60}")
    answer, tol = _answer(answer, "diagnose"), _tol(tol, "diagnose")
    order = mistakes.topo_order(root)
    if node not in set(order):
        raise LabError(f"diagnose: {node!r:.60} is not in the graph of {root!r:.60} (it is not reachable from the root)")
    right, values = graph_values(root, node)
    return _rank(values, right, answer, tol)


def network_values(mlp: Any, x: Sequence[float], y: Any, quantity: tuple, loss: str) -> tuple[float, dict[str, float]]:
    """The right value of the quantity and each mistake's: the network-level ones, then the graph-level
    ones run on the example's loss graph (a learner's mistake can be either)."""
    example = network.Example(mlp, x, y, loss)
    network.check_quantity(mlp, quantity)
    right = network.run(example, None).value(quantity)
    values = {}
    for name in NETWORK_MISTAKES:
        try:
            values[name] = network.run(example, name).value(quantity)
        except (ValueError, LabError):  # the printed eq. (4) undefined here, or half_factor for another loss
            continue
    node = example.node(quantity)
    values.update(graph_values(example.C, node)[1])
    return right, values


def diagnose_network(mlp: Any, x: Sequence[float], y: Any, quantity: tuple, answer: float,
                     loss: str = "squared_error", tol: float = 1e-3) -> list[str]:
    """The names of the mistakes that give `answer` for quantity = ("delta", l, j), ("weight", l, j, k)
    or ("bias", l, j) (the notes' numbering: l = 2..L, j and k from 1), most plausible first."""
    if type(mlp) is Value:
        raise LabTypeError("diagnose_network: got a Value; for a graph use viz.diagnose(root, node, answer)")
    answer, tol = _answer(answer, "diagnose_network"), _tol(tol, "diagnose_network")
    import nn

    if not isinstance(mlp, nn.MLP):
        raise LabTypeError(f"diagnose_network: expected an nn.MLP, got {type(mlp).__name__} {mlp!r:.60}")
    network.check_quantity(mlp, quantity)
    right, values = network_values(mlp, x, y, quantity, loss)
    return _rank(values, right, answer, tol, NETWORK_MISTAKES + GRAPH_MISTAKES)  # the notes' errata first


def explain(names: Sequence[str], answer: float, node: str = "this value", count: int = 2, digits: int = 4) -> Optional[str]:
    """"<answer> is what you get if ..." for the most plausible name (others named after it), or None."""
    if not names:
        return None
    first = MISTAKES[names[0]]
    text = f"{fmt_number(answer, digits)} is what you get if {first.if_clause(node, count)} (mistake {first.name!r}"
    if len(names) > 1:
        text += "; also " + ", ".join(repr(n) for n in names[1:])
    return text + ")."
