"""The misconception lab's diagnosis of one wrong blank, or none when the lab cannot say.

The names come from viz.diagnose (expressions) and viz.diagnose_network (networks); this module
only rebuilds the graph the lab needs and passes the student's number on. When the lab is not
installed, or does not cover the quantity (z, a and σ'(z) of a network), the diagnosis is [].
"""
from __future__ import annotations

import importlib

from viz.exercises.generate import Exercise, expression_graph, network_model


def _lab(name: str):  # type: ignore[no-untyped-def]
    viz = importlib.import_module("viz")
    return getattr(viz, name, None)


def lab_available() -> bool:
    """True when the misconception lab (viz.diagnose and viz.diagnose_network) is installed."""
    return _lab("diagnose") is not None and _lab("diagnose_network") is not None


def mistakes() -> dict[str, str]:
    """The lab's catalogue viz.MISTAKES as name → one-line title, or {} without the lab."""
    return {name: str(getattr(m, "title", m)) for name, m in (_lab("MISTAKES") or {}).items()}


def diagnose_blank(exercise: Exercise, blank: str, given: float, tol: float = 1e-3) -> list[str]:
    """The lab's mistake names for `given` as the value of `blank`, most plausible first."""
    q = exercise.quantity(blank)
    if exercise.kind == "expression":
        diagnose = _lab("diagnose")
        if diagnose is None:
            return []
        root, trace = expression_graph(exercise.problem["expression"], exercise.problem["values"])
        return list(diagnose(root, trace.order[q[1]], given, tol=tol))
    diagnose_network = _lab("diagnose_network")
    if diagnose_network is None or q[0] not in ("delta", "weight", "bias"):
        return []
    mlp, x, y, loss = network_model(exercise.problem)
    return list(diagnose_network(mlp, x, y, tuple(q), given, loss=loss, tol=tol))
