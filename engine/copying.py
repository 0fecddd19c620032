"""copy.copy, copy.deepcopy and pickle of Values, without recursion over the graph.

Both deep ways walk the graph below a node once, parents first, so graphs 10⁵ or 10⁶ nodes deep
copy and pickle like shallow ones; sharing is kept: a node reached twice is copied once.

- deepcopy: each node not yet in the memo is copied after its parents, and put in the memo, so
  `deepcopy([a, b])` with b computed from a gives one copy of a, used by the copy of b.
- pickle: a node being pickled on its own (a "root") hands the pickler the list of every node
  below it, parents first, then itself; each node of that list is then saved with its parents
  already in the pickler's memo, so no save nests inside another. Because the list holds the
  nodes themselves, the pickler's own memo keeps the sharing between everything in one pickle.
"""
from __future__ import annotations

import threading
from typing import Optional

from engine.value import Value, _link, _new_object

# The ids of the nodes a root has just handed to the pickler (see reduce_value): while they are
# being saved, each is reduced to its own fields only. A sentinel at the end of the list clears
# them; a new root also replaces them, since nothing else is reduced while a list is saved.
_session = threading.local()


def _order_below(root: Value, done: dict) -> list[Value]:
    """The nodes below root (root last) whose id is not in `done`, each after its parents."""
    order: list[Value] = []
    expanded: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        key = id(node)
        if key in expanded or key in done:
            continue
        expanded.add(key)
        stack.append((node, True))
        for parent in reversed(node.parents):  # reversed: the first parent comes out first
            if id(parent) not in expanded and id(parent) not in done:
                stack.append((parent, False))
    return order


def _copy_node(node: Value, parents: tuple[Value, ...]) -> Value:
    """A node with node's data, grad, op, label and local_grads over the given parents."""
    new = _new_object(Value)
    new._data, new.grad, new.op, new.label = node._data, node.grad, node.op, node.label
    _link(new, parents, node.local_grads)
    return new


def shallow_copy(node: Value) -> Value:
    """copy.copy(node): a new node over the same parent objects."""
    return _copy_node(node, node.parents)


def deep_copy(root: Value, memo: dict) -> Value:
    """copy.deepcopy(root, memo): the graph below root copied once, nodes in memo reused."""
    for node in _order_below(root, memo):
        memo[id(node)] = _copy_node(node, tuple([memo[id(p)] for p in node.parents]))
    return memo[id(root)]


class _EndOfGraph:
    """The last item of a root's list: once the pickler reaches it, the list is saved."""

    __slots__ = ()

    def __reduce__(self) -> tuple:
        _session.marked = None
        return (_end_of_graph, ())


def _end_of_graph() -> None:
    return None


def reduce_value(node: Value) -> tuple:
    """Value.__reduce__: its fields, preceded (for a root) by every node below it, parents first."""
    fields = (node._data, node.grad, node.op, node.label, node.parents, node.local_grads)
    marked: Optional[set[int]] = getattr(_session, "marked", None)
    if marked is not None and id(node) in marked:
        marked.discard(id(node))
        return (_rebuild, fields)  # an item of a root's list: its parents are saved already
    below = _order_below(node, {})[:-1]
    if not below:
        return (_rebuild, fields)
    _session.marked = {id(v) for v in below}
    return (_rebuild_root, (below + [_EndOfGraph()], *fields))


def _rebuild(data: float, grad: float, op: str, label: str, parents: tuple, local_grads: tuple) -> Value:
    """A node from its pickled fields (data checked as the constructor checks it)."""
    node = Value(data, label)
    if len(parents) != len(local_grads) or any(type(p) is not Value for p in parents):
        raise ValueError(f"unpickling a Value: {len(parents)} parents and {len(local_grads)} local_grads "
                         f"do not describe a node")
    node.grad, node.op = grad, op
    _link(node, tuple(parents), tuple(local_grads))
    return node


def _rebuild_root(below: list, data: float, grad: float, op: str, label: str,
                  parents: tuple, local_grads: tuple) -> Value:
    """The root of a pickled graph; `below` (its ancestors, rebuilt already) only fixed the order."""
    return _rebuild(data, grad, op, label, parents, local_grads)
