"""The two sweeps over a topological order, reading the stored local_grads (no .grad is touched).

    reverse (adjoints):  v̄_p += ∂v_n/∂v_p · v̄_n   for n in reverse order, p in n.parents
    forward (tangents):  v̇_n  = Σ_p ∂v_n/∂v_p · v̇_p   for n in order

Each visits every edge of the order once: one multiply-add per edge per sweep. `Value.backward()`
is the reverse sweep writing into `.grad` (engine/backward.py, tuned); these keep their numbers in
dicts keyed by id(node), so grad(), jvp(), jacobian() and the evaluation trace leave a graph's
`.grad` fields as they were.
"""
from __future__ import annotations

from typing import Iterator, Mapping, NamedTuple, Sequence

from engine.value import Value


class Adjoint(NamedTuple):
    """One reverse-sweep application: v̄_parent += local × v̄_node (= contribution)."""

    node: Value
    parent: Value
    position: int  # which entry of node.parents
    local: float  # ∂node/∂parent, from node.local_grads
    upstream: float  # v̄_node, complete by now
    contribution: float  # local × upstream
    adjoint: float  # v̄_parent after this application
    first: bool  # the first contribution into parent (v̄_parent = ... rather than +=)


def adjoint_steps(order: Sequence[Value], seed: float = 1.0) -> Iterator[Adjoint]:
    """The reverse sweep from order[-1] (seeded with `seed`), one Adjoint per edge, in the order's reverse."""
    adjoints = {id(order[-1]): seed}
    for node in reversed(order):
        upstream = adjoints.get(id(node), 0.0)
        for position, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            key = id(parent)
            previous = adjoints.get(key)
            contribution = local * upstream
            adjoints[key] = value = contribution if previous is None else previous + contribution
            yield Adjoint(node, parent, position, local, upstream, contribution, value, previous is None)


def adjoints(order: Sequence[Value], seed: float = 1.0) -> dict[int, float]:
    """id(node) -> ∂order[-1]/∂node for every node of the order (the reverse sweep, not recorded)."""
    out = {id(order[-1]): seed}
    get = out.get
    for node in reversed(order):
        upstream = get(id(node), 0.0)
        for parent, local in zip(node.parents, node.local_grads):
            key = id(parent)
            out[key] = get(key, 0.0) + local * upstream
    return out


def tangents(order: Sequence[Value], seeds: Mapping[int, float]) -> dict[int, float]:
    """id(node) -> v̇_node for every node of the order, the leaves' v̇ read from `seeds` (0 if absent)."""
    out: dict[int, float] = {}
    get = seeds.get
    for node in order:
        parents = node.parents
        if not parents:
            out[id(node)] = get(id(node), 0.0)
            continue
        total = 0.0
        for parent, local in zip(parents, node.local_grads):
            total += local * out[id(parent)]
        out[id(node)] = total
    return out


def count_edges(order: Sequence[Value]) -> int:
    """The number of (node, parent) edges in the order: the multiply-adds of one sweep."""
    return sum(len(node.parents) for node in order)


def merged_order(roots: Sequence[Value]) -> list[Value]:
    """One topological order of everything reachable from any of the roots (each node once)."""
    from engine.backward import topo_order

    seen: set[int] = set()
    order: list[Value] = []
    for root in roots:
        for node in topo_order(root):
            if id(node) not in seen:
                seen.add(id(node))
                order.append(node)
    return order
