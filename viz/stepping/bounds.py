"""How much stepping work a graph may ask for, decided from its size before anything is traced.

MAX_STEPS is the one limit on a backward pass that the player, the quiz and the frames step
through: one step per edge. `check_steps` counts nodes and edges with an explicit stack and stops
as soon as the count passes the limit, so a 2×10⁶-node chain is refused in milliseconds, not
after a 20-s trace.
"""
from __future__ import annotations

from engine import Value
from viz.errors import GraphTooLargeError

# Well above the largest graph stepped through on purpose (the 2-16-16-1 MLP example: 982 nodes,
# 1,251 steps, drawn collapsed) and far below what would take seconds and gigabytes to trace.
MAX_STEPS = 50_000


def count_graph(root: Value, limit: int) -> tuple[int, int]:
    """(nodes, edges) of root's graph; counting stops once either passes `limit` (no recursion)."""
    seen = {id(root)}
    stack = [root]
    edges = 0
    while stack and edges <= limit:
        parents = stack.pop().parents
        edges += len(parents)
        for p in parents:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return len(seen), edges


def check_steps(root: object, where: str, limit: int | None = None) -> None:
    """Refuse, from the counts alone, a root whose backward pass has more than `limit` steps (MAX_STEPS)."""
    if type(root) is not Value:
        return  # a trace (already made) or a wrong type, which the caller reports
    limit = MAX_STEPS if limit is None else limit
    nodes, edges = count_graph(root, limit)
    if edges > limit:  # every node but the root was found through a counted edge: nodes - 1 <= edges
        raise GraphTooLargeError(
            f"{where}: the graph has more than {limit:,} edges, so its backward pass has more than {limit:,} "
            "steps (one per edge, counted before tracing): too many to step through; try one neuron, "
            "one example or a smaller expression", nodes, limit)
