"""Forward mode: jvp (one sweep of tangents), jacobian by either mode, and what each mode costs.

    v̇_n = Σ_p ∂v_n/∂v_p · v̇_p      (the same stored local_grads the reverse sweep reads)

One forward sweep gives one column of the Jacobian (all outputs' derivatives along one input
direction); one reverse sweep gives one row (one output's derivatives along every input). Each
sweep does one multiply-add per edge, so for f: Rⁿ → Rᵐ forward mode costs n sweeps and reverse
mode m: for a loss (m = 1) of many parameters, reverse mode wins by a factor n.
"""
from __future__ import annotations

from typing import Callable, Sequence

from engine.backward import topo_order
from engine.higher import _check_numbers, _check_recording
from engine.sweeps import adjoints, count_edges, merged_order, tangents
from engine.value import Value

VectorFunction = Callable[[list[Value]], Sequence[Value]]
MODES = ("reverse", "forward")


def jvp(f: Callable[[list[Value]], Value], xs: Sequence[float], tangents_: Sequence[float]) -> tuple[float, float]:
    """(f(xs), ∇f(xs) · tangents): the directional derivative by one forward sweep of tangents."""
    values = _leaves(f, xs, "jvp")
    direction = _check_numbers(tangents_, "jvp", "tangents", len(values))
    out = f(values)
    if type(out) is not Value:
        raise TypeError(f"jvp: f must return a Value, got {type(out).__name__} {out!r:.60}")
    found = tangents(topo_order(out), {id(x): t for x, t in zip(values, direction)})
    return out.data, found[id(out)]


def jacobian(f: VectorFunction, xs: Sequence[float], mode: str = "reverse") -> list[list[float]]:
    """J[i][j] = ∂f_i/∂x_j at xs: one reverse sweep per output (a row), or one forward sweep per input (a column)."""
    if mode not in MODES:
        raise ValueError(f"jacobian: mode must be 'reverse' or 'forward', got {mode!r:.60}")
    values, outs = _outputs(f, xs, "jacobian")
    if mode == "reverse":
        rows = []
        for out in outs:
            found = adjoints(topo_order(out))
            rows.append([found.get(id(x), 0.0) for x in values])
        return rows
    order = merged_order(outs)
    columns = []
    for j in range(len(values)):
        found = tangents(order, {id(values[j]): 1.0})
        columns.append([found[id(out)] for out in outs])
    return [[columns[j][i] for j in range(len(values))] for i in range(len(outs))]


def jacobian_cost(f: VectorFunction, xs: Sequence[float]) -> dict[str, dict[str, int]]:
    """Per mode, the sweeps jacobian() runs and the multiply-adds they do (one per edge visited).

    reverse: one sweep per output, each over that output's graph; forward: one sweep per input,
    each over the graph of all outputs. Also "edges": the number of edges in that graph.
    """
    values, outs = _outputs(f, xs, "jacobian_cost")
    reverse = sum(count_edges(topo_order(out)) for out in outs)
    edges = count_edges(merged_order(outs))
    return {
        "reverse": {"sweeps": len(outs), "multiply_adds": reverse},
        "forward": {"sweeps": len(values), "multiply_adds": len(values) * edges},
        "edges": {"graph": edges, "inputs": len(values), "outputs": len(outs)},
    }


def _leaves(f: object, xs: object, where: str) -> list[Value]:
    if not callable(f):
        raise TypeError(f"{where}: f must be a function of a list of Values, got {type(f).__name__} {f!r:.60}")
    points = _check_numbers(xs, where, "xs")
    _check_recording(where)
    return [Value(x, f"x{i}") for i, x in enumerate(points, start=1)]


def _outputs(f: object, xs: object, where: str) -> tuple[list[Value], list[Value]]:
    values = _leaves(f, xs, where)
    outs = f(values)  # type: ignore[operator]
    if type(outs) is Value or isinstance(outs, (str, bytes)) or not isinstance(outs, Sequence):
        raise TypeError(f"{where}: f must return a list of Values, got {type(outs).__name__} {outs!r:.60}")
    if not outs:
        raise ValueError(f"{where}: f returned an empty list; it must return at least one Value")
    for i, out in enumerate(outs):
        if type(out) is not Value:
            raise TypeError(f"{where}: f must return a list of Values, but f(xs)[{i}] is {type(out).__name__} {out!r:.60}")
    return values, list(outs)
