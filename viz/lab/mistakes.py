"""The backward passes learners write, each beside the right one it distorts.

`right` is the chain rule as deltagrad's engine runs it: every node in reverse topological order
passes its gradient to each parent, p.grad += ∂n/∂p · n.grad. Each mistake below is the same
loop with one line changed (marked `# the mistake:`), so the two can be diffed. All of them read
the local derivatives the engine stored on the graph (`node.local_grads`): none knows any calculus.
None touches the graph's own `.grad`s: a pass keeps its gradients in a dict of its own (a `Pass`).
"""
from __future__ import annotations

from typing import NamedTuple

from engine import Value, topo_order
from viz.errors import LabError

MAX_VISITS = 200_000  # no_topo walks every root-to-node path; past this many it is refused, not run


class Write(NamedTuple):
    """One chain-rule step as a pass made it: node passed `contribution` to node.parents[position]."""

    node: Value
    position: int
    contribution: float
    parent_grad: float  # the parent's gradient in this pass right after the write


class Pass:
    """The gradients of one backward pass (every node of the graph, constants included) and its writes.

    Starts as every backward pass does: every gradient 0, the root's `seed` (∂L/∂L = 1).
    """

    def __init__(self, root: Value, seed: float = 1.0) -> None:
        self.root = root
        self.order = topo_order(root)
        self.grads: dict[Value, float] = dict.fromkeys(self.order, 0.0)
        self.grads[root] = seed
        self.start = dict(self.grads)
        self.writes: list[Write] = []

    def __getitem__(self, v: Value) -> float:
        return self.grads[v]

    def add(self, node: Value, position: int, contribution: float) -> None:
        """parent.grad += contribution (the right way to pass a gradient back)."""
        parent = node.parents[position]
        self.grads[parent] += contribution
        self.writes.append(Write(node, position, contribution, self.grads[parent]))

    def set(self, node: Value, position: int, contribution: float) -> None:
        """parent.grad = contribution (what `overwrite` does instead)."""
        parent = node.parents[position]
        self.grads[parent] = contribution
        self.writes.append(Write(node, position, contribution, contribution))

    def again(self) -> None:
        """Start a second backward() as deltagrad's does: non-leaves set afresh, the root re-seeded,
        leaves keep what they hold (backward accumulates into leaves)."""
        for v in self.order:
            if v.parents:
                self.grads[v] = 0.0
        self.grads[self.root] = self.start[self.root]
        self.start = dict(self.grads)
        self.writes = []


# ---------------------------------------------------------------------------- the right pass
def right(root: Value) -> Pass:
    """The chain rule: in reverse topological order, p.grad += ∂n/∂p · n.grad for every parent p of n."""
    g = Pass(root)
    for node in reversed(g.order):
        for position, local in enumerate(node.local_grads):
            g.add(node, position, local * g[node])
    return g


# ---------------------------------------------------------------------------- the mistakes
def overwrite(root: Value) -> Pass:
    """`=` for `+=`: a value used twice keeps only the last contribution written into it."""
    g = Pass(root)
    for node in reversed(g.order):
        for position, local in enumerate(node.local_grads):
            g.set(node, position, local * g[node])  # the mistake: = instead of +=
    return g


def local_only(root: Value) -> Pass:
    """The local derivative passed back alone, without the upstream factor n.grad (still summed)."""
    g = Pass(root)
    for node in reversed(g.order):
        for position, local in enumerate(node.local_grads):
            g.add(node, position, local)  # the mistake: local, not local * g[node]
    return g


def no_seed(root: Value) -> Pass:
    """The root's gradient left at 0 instead of ∂L/∂L = 1: nothing flows."""
    g = Pass(root, seed=0.0)  # the mistake: seed 0, not 1
    for node in reversed(g.order):
        for position, local in enumerate(node.local_grads):
            g.add(node, position, local * g[node])
    return g


def set_parents(root: Value) -> Pass:
    """Parents kept in a set: a value that is a parent twice (a + a, a * a) keeps one edge, the first."""
    g = Pass(root)
    for node in reversed(g.order):
        kept = set()
        for position, local in enumerate(node.local_grads):
            parent = node.parents[position]
            if parent in kept:
                continue  # the mistake: a set has room for each parent once
            kept.add(parent)
            g.add(node, position, local * g[node])
    return g


def no_zero_grad(root: Value) -> Pass:
    """backward() run twice on one graph without zeroing: the leaves' gradients double."""
    g = right(root)  # a first backward()
    g.again()  # the mistake: a second backward() with no zero_grad() before it
    for node in reversed(g.order):
        for position, local in enumerate(node.local_grads):
            g.add(node, position, local * g[node])
    return g


def no_topo(root: Value) -> Pass:
    """The recursion learners write first, with no record of visited nodes:

        def back(v): v._backward(); for p in v.parents: back(p)

    A node is visited once per path from the root and passes on its gradient as it stands then.
    Run here with an explicit stack (no recursion), refused past MAX_VISITS visits.
    """
    g = Pass(root)
    _check_visits(g.order, "no_topo")
    stack = [root]
    while stack:
        node = stack.pop()
        for position, local in enumerate(node.local_grads):
            g.add(node, position, local * g[node])
        stack.extend(reversed(node.parents))  # the mistake: every parent again, visited or not
    return g


def preorder(root: Value) -> Pass:
    """The same recursion with a visited set: each node once, in depth-first pre-order, so a node
    can pass its gradient on before all its consumers have added their contributions."""
    g = Pass(root)
    visited = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node in visited:
            continue
        visited.add(node)
        for position, local in enumerate(node.local_grads):
            g.add(node, position, local * g[node])
        stack.extend(reversed(node.parents))  # the mistake: pre-order, not reverse topological order
    return g


def path_counts(order: list[Value], cap: int | None = None) -> dict[Value, int]:
    """How many paths lead from the root (order[-1]) to each node: how often no_topo visits it.

    With `cap`, counts stop growing at cap (a deep diamond's counts would otherwise be numbers with
    as many digits as the graph has levels)."""
    paths = dict.fromkeys(order, 0)
    paths[order[-1]] = 1
    for node in reversed(order):
        here = paths[node]
        for parent in node.parents:
            total = paths[parent] + here
            paths[parent] = total if cap is None or total < cap else cap
    return paths


def _check_visits(order: list[Value], name: str) -> None:
    """Refuse, before walking, a walk of more than MAX_VISITS node visits (counted, not walked)."""
    visits = 0
    for count in path_counts(order, cap=MAX_VISITS + 1).values():
        visits += count
        if visits > MAX_VISITS:
            break
    if visits > MAX_VISITS:
        raise LabError(
            f"{name}: the recursion without a visited set would make more than {MAX_VISITS:,} visits on this graph "
            f"(its {len(order):,} nodes are reached by that many paths from the root); that blow-up is the "
            f"mistake itself. Try it on a smaller graph")


GRAPH_PASSES = {
    "overwrite": overwrite, "no_topo": no_topo, "preorder": preorder, "set_parents": set_parents,
    "no_zero_grad": no_zero_grad, "no_seed": no_seed, "local_only": local_only,
}
SAME_ORDER = {"overwrite", "set_parents", "no_zero_grad", "no_seed", "local_only"}  # walk the engine's order
