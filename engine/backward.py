"""The chain rule, once: topo_order, backward_steps (one Step per edge) and run_backward.

For every node in reverse topological order and every parent p of it:
    p.grad += ∂node/∂p · node.grad        (local × upstream = contribution)
`backward_steps` yields each application as a `Step`; `Value.backward()` runs the same loop,
in the same order, without recording (its statements written out by how a node holds its
parents, for speed: the same additions, so the same numbers to the bit). No recursion
anywhere: graphs a million nodes deep are fine.
"""
from __future__ import annotations

import gc
import math
import numbers
from collections.abc import Iterable
from typing import Iterator

from engine.value import _MANY, Value


class Step:
    """One chain-rule application: parent.grad += local × upstream (= contribution)."""

    __slots__ = (
        "index", "node", "parent", "position", "local", "upstream", "contribution",
        "parent_grad", "term", "terms", "parent_done", "node_first",
    )

    def __init__(
        self, index: int, node: Value, parent: Value, position: int, local: float,
        upstream: float, contribution: float, parent_grad: float, term: int, terms: int,
        node_first: bool,
    ) -> None:
        self.index = index  # 0-based number of this step in the backward pass
        self.node = node  # the consumer whose gradient is being passed on (complete by now)
        self.parent = parent  # the input receiving the contribution
        self.position = position  # which entry of node.parents (a + a has positions 0 and 1)
        self.local = local  # ∂node/∂parent, read from node.local_grads
        self.upstream = upstream  # node.grad = ∂root/∂node
        self.contribution = contribution  # local × upstream, just added to parent.grad
        self.parent_grad = parent_grad  # parent.grad right after this step
        self.term = term  # this is contribution number `term` (1-based) into parent
        self.terms = terms  # parent receives `terms` contributions in all (> 1: a fan-out sums)
        self.parent_done = term == terms  # True when parent.grad is now complete
        self.node_first = node_first  # True for the first step that passes on node's gradient

    def __repr__(self) -> str:
        return (
            f"Step({self.index}: {_name(self.parent)}.grad += {self.local:.6g} × {self.upstream:.6g}"
            f" = {self.contribution:.6g} -> {self.parent_grad:.6g}"
            f"{' (complete)' if self.parent_done else ''})"
        )


def _name(v: Value) -> str:
    return v.label or v.op or "leaf"


def topo_order(root: Value) -> list[Value]:
    """Every node reachable from root, each once, parents before the nodes that use them.

    Iterative depth-first search; the order is deterministic (it follows `parents` order).
    """
    if type(root) is not Value:
        raise TypeError(f"topo_order: expected a Value, got {type(root).__name__} {root!r:.60}")
    return _depth_first(root, False)


def _depth_first(root: Value, reset: bool) -> list[Value]:
    """topo_order's walk; with reset, each non-leaf's grad is set to 0.0 as it is emitted."""
    order: list[Value] = []
    seen = {root}
    # nodes[-1] is the node being expanded, pending[-1] the iterator over its parents not yet
    # visited; a node is emitted once that iterator runs out. Leaves are emitted on sight, and
    # so is a node whose parents are all seen already (in a DAG they are all emitted by then):
    # a layer's n-ary dot nodes, whose weights and inputs the first neuron placed, are checked
    # by one set operation instead of a Python loop over their parents. A node's parents are
    # read from its slots (Value._link): `_first` None for a leaf, `_second` None for one
    # parent, _MANY when `_first` is the tuple of three or more.
    nodes = [root]
    pending = [iter(root.parents)]
    mark, emit, placed = seen.add, order.append, seen.issuperset
    while pending:
        for parent in pending[-1]:
            if parent not in seen:
                mark(parent)
                first = parent._first
                if first is not None:
                    second = parent._second
                    if second is None:
                        if first not in seen:
                            nodes.append(parent)
                            pending.append(iter((first,)))
                            break
                    elif second is not _MANY:
                        if not (first in seen and second in seen):
                            nodes.append(parent)
                            pending.append(iter((first, second)))
                            break
                    elif not (first[0] in seen and placed(first)):
                        nodes.append(parent)
                        pending.append(iter(first))
                        break
                    if reset:
                        parent.grad = 0.0
                emit(parent)
        else:
            pending.pop()
            node = nodes.pop()
            if reset:
                node.grad = 0.0
            emit(node)
    return order


def _start(root: Value, seed: float) -> list[Value]:
    """Topological order, with non-leaf grads zeroed and the root seeded."""
    order = _depth_first(root, True)
    root.grad = seed
    return order


def backward_steps(root: Value, seed: float = 1.0) -> Iterator[Step]:
    """Run backward from root one chain-rule application at a time, yielding a Step for each.

    Same effect as root.backward(seed) once exhausted (leaves accumulate; others are set afresh).
    """
    if type(root) is not Value:
        raise TypeError(f"backward_steps: expected a Value, got {type(root).__name__} {root!r:.60}")
    return _chain_rule(root, _checked_seed(seed, "backward_steps"), True)


def run_backward(root: Value, seed: float = 1.0) -> None:
    """The same loop as backward_steps (same order, same additions), run without recording Steps.

    The cyclic garbage collector is paused meanwhile, as collector_paused() does (written out
    here: a `with` block would add about a tenth to a small graph's backward).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        next(_chain_rule(root, _checked_seed(seed, "backward"), False), None)
    finally:
        if was_enabled:
            gc.enable()


class collector_paused:
    """`with collector_paused(): ...` pauses the cyclic garbage collector, then restores it.

    A deltagrad graph has no reference cycles (dropping it frees it at once), so while one is
    built or walked the collector's passes find nothing: they only cost time, more than the
    chain rule itself on a deep graph. The collector is re-enabled on exit only if it was
    enabled on entry, so nothing changes for the caller once the block is over.
    """

    __slots__ = ("_was_enabled",)

    def __enter__(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc_info: object) -> None:
        if self._was_enabled:
            gc.enable()


def _chain_rule(root: Value, seed: float, record: bool) -> Iterator[Step]:
    """The one implementation of the chain rule; yields a Step per edge only when recording."""
    order = _start(root, seed)
    terms = _count_terms(order) if record else {}
    received: dict[int, int] = {}
    index = 0
    for node in reversed(order):
        first = node._first
        if first is None:
            continue  # a leaf passes nothing on
        upstream = node.grad
        if not record:  # the recorded loop below, written out by how the node holds its parents
            second = node._second
            if second is None:  # one parent, in a slot (Value._link)
                first.grad += node._d_first * upstream
            elif second is not _MANY:  # two, in slots
                first.grad += node._d_first * upstream
                second.grad += node._d_second * upstream
            else:  # three or more: _first is the parents tuple, _d_first the local_grads tuple
                local_grads = node._d_first
                position = 0  # a counter, not zip(): zip's per-node objects cost more than the loop body
                for parent in first:
                    parent.grad += local_grads[position] * upstream
                    position += 1
            continue
        local_grads = node.local_grads
        for position, parent in enumerate(node.parents):
            local = local_grads[position]
            contribution = local * upstream
            parent.grad += contribution
            key = id(parent)
            term = received[key] = received.get(key, 0) + 1
            yield Step(index, node, parent, position, local, upstream, contribution,
                       parent.grad, term, terms[key], position == 0)
            index += 1


def _count_terms(order: list[Value]) -> dict[int, int]:
    """id(node) -> how many contributions its grad receives (the number of edges out of it)."""
    terms: dict[int, int] = {}
    for node in order:
        for parent in node.parents:
            terms[id(parent)] = terms.get(id(parent), 0) + 1
    return terms


def zero_grad(values: Iterable[Value]) -> None:
    """Set grad = 0.0 on each Value (typically the parameters) before the next backward."""
    if type(values) is Value or not isinstance(values, Iterable):
        raise TypeError(
            f"zero_grad: expected an iterable of Values (e.g. model.parameters()), "
            f"got {type(values).__name__} {values!r:.60}"
        )
    values = list(values)
    for v in values:
        if type(v) is not Value:
            raise TypeError(f"zero_grad: expected only Values, got {type(v).__name__} {v!r:.60}")
    for v in values:
        v.grad = 0.0


def _checked_seed(seed: object, where: str) -> float:
    """The seed ∂root/∂root as a finite float; TypeError/ValueError naming `where` otherwise."""
    if type(seed) is float and math.isfinite(seed):  # the usual case, without the ABC check's ~0.3 µs
        return seed
    if not isinstance(seed, numbers.Real):
        raise TypeError(f"{where}: seed must be a real number, got {type(seed).__name__} {seed!r:.60}")
    if not math.isfinite(seed):
        raise ValueError(f"{where}: seed must be finite, got {seed!r}")
    return float(seed)
