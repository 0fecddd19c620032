"""Groups of a big graph drawn as one node each: a neuron, a layer, or a labelled subexpression.

Deciding the groups is separate from drawing them (viz.draw reads a `View`):

- "neuron": for each nn pre-activation z{l}_{j}, the node z, its activation a{l}_{j}, and every
  node used only on the way into z (the products and partial sums of an elementary z, the
  weights w{l}_{j·} and the bias b{l}_{j} of one example's graph);
- "layer": the union of a layer's neuron groups;
- "labels": each labelled computed node with the unlabelled computed nodes (and constants) used
  only on the way into it.

A node belongs to a group only if every one of its uses is inside the group, so a collapsed group
has one way out for its gradient (its output) and the chain rule inside it is self-contained.
Positions are those of `engine.topo_order(root)`; no recursion.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

from engine import Value
from viz.diagrams.labels import pretty_label
from viz.errors import GraphTooLargeError

LEVELS = ("neuron", "layer", "labels")
AUTO_ORDER = ("neuron", "layer")  # collapse="auto" tries these in turn ("labels" only when asked for)
_Z = re.compile(r"^z(\d*)_(\d+(?:,\d+)?)$")
_OUTPUT_NAMES = re.compile(r"^[azx]\d*(_\d+(?:,\d+)?)?$")  # another neuron's value or an input: never absorbed


@dataclass
class Group:
    """One collapsible group: its members, its output (the value leaving it) and its inputs."""

    key: str  # "n2_1" (neuron), "l2" (layer), "s17" (labelled subexpression)
    name: str  # what the collapsed node says, e.g. "neuron z²₁ → a²₁"
    members: set[int]
    output: int  # the member whose value is used outside (the largest position)
    inputs: list[int] = field(default_factory=list)  # outside nodes feeding members, in order


@dataclass
class View:
    """What viz.draw shows: every node, or groups collapsed, or one group's inside."""

    groups: list[Group]  # the collapsed groups (empty: every node drawn)
    hidden: set[int]  # not drawn (members of collapsed groups, or outside a focused group)
    index: Optional[dict[Value, int]] = None  # node -> the position drawn for it (a member -> its group's output)
    at_output: dict[int, Group] = field(default_factory=dict)  # output position -> its collapsed group
    stubs: set[int] = field(default_factory=set)  # a focused group's inputs: drawn without their op
    level: Optional[str] = None


def _consumers(order: Sequence[Value], index: dict[Value, int]) -> list[int]:
    """How many edges leave each node (a + a counts twice)."""
    uses = [0] * len(order)
    for v in order:
        for p in v.parents:
            uses[index[p]] += 1
    return uses


def _absorb(order: Sequence[Value], index: dict[Value, int], uses: list[int], top: int, members: set[int],
            taken: set[int], may_absorb) -> None:  # type: ignore[no-untyped-def]
    """Grow `members` backward from its nodes: a parent joins when all its uses are from members."""
    inside: dict[int, int] = {}  # candidate -> uses from members so far
    pending = 0
    for k in range(top, -1, -1):
        if k in members:
            for p in order[k].parents:
                j = index[p]
                if j not in members and j not in taken:
                    inside[j] = inside.get(j, 0) + 1
                    if inside[j] == 1:
                        pending += 1
            continue
        if k in inside:
            pending -= 1
            if inside[k] == uses[k] and may_absorb(order[k]):
                members.add(k)
                for p in order[k].parents:
                    j = index[p]
                    if j not in members and j not in taken:
                        inside[j] = inside.get(j, 0) + 1
                        if inside[j] == 1:
                            pending += 1
        if pending == 0:
            break


def _inputs(order: Sequence[Value], index: dict[Value, int], members: set[int]) -> list[int]:
    seen: dict[int, None] = {}
    for k in sorted(members):
        for p in order[k].parents:
            j = index[p]
            if j not in members:
                seen[j] = None
    return list(seen)


def find_groups(order: Sequence[Value], level: str, index: Optional[dict[Value, int]] = None) -> list[Group]:
    """The groups of `level` in a topological order (see the module docstring)."""
    if level not in LEVELS:
        raise ValueError(f"collapse must be one of {', '.join(map(repr, LEVELS))}, 'auto' or None, got {level!r}")
    index = index if index is not None else {v: k for k, v in enumerate(order)}
    uses = _consumers(order, index)
    taken: set[int] = set()
    groups: list[Group] = []
    if level in ("neuron", "layer"):
        neurons: list[tuple[str, Group]] = []
        for k, v in enumerate(order):
            m = _Z.match(v.label) if v.parents else None
            if not m or k in taken:
                continue
            members = {k}
            out = k
            consumer = _single_consumer(order, index, k, uses)
            a_label = "a" + v.label[1:]
            if consumer is not None and order[consumer].label == a_label and len(order[consumer].parents) == 1:
                members.add(consumer)
                out = consumer
            at = re.escape(v.label[1:])  # "2_1": w2_1k (w2_1,k from k = 10) and b2_1 are this neuron's
            weight = re.compile(rf"^(w{at}(\d|,\d+)|b{at})$")
            _absorb(order, index, uses, k, members, taken,
                    lambda n: (not n.label and n.op != "") or n.op == "const" or bool(weight.match(n.label)))
            taken |= members
            name = f"neuron {pretty_label(v.label)}" + (f" → {pretty_label(order[out].label)}" if out != k else "")
            neurons.append((m.group(1), Group(f"n{v.label[1:]}", name, members, out)))
        if level == "neuron":
            groups = [g for _, g in neurons]
        else:
            layers: dict[str, Group] = {}
            for layer, g in neurons:
                if layer not in layers:
                    layers[layer] = Group(f"l{layer}", f"layer {layer}", set(), g.output)
                into = layers[layer]
                into.members |= g.members
                into.output = max(into.output, g.output)
            for g in layers.values():
                count = sum(1 for k in g.members if _Z.match(order[k].label))
                g.name = f"layer {g.key[1:]}: {count} neuron{'s' if count != 1 else ''}"
            groups = list(layers.values())
    else:
        for k in range(len(order) - 1, -1, -1):
            v = order[k]
            if not v.label or not v.parents or k in taken:
                continue
            members = {k}
            _absorb(order, index, uses, k, members, taken, lambda n: (not n.label and n.op != "") or n.op == "const")
            if len(members) < 2:
                continue
            taken |= members
            groups.append(Group(f"s{k}", pretty_label(v.label), members, k))
        groups.reverse()
    for g in groups:
        g.inputs = _inputs(order, index, g.members)
    return groups


def _single_consumer(order: Sequence[Value], index: dict[Value, int], k: int, uses: list[int]) -> Optional[int]:
    """The one node that uses node k, if it has exactly one use (found by scanning forward)."""
    if uses[k] != 1:
        return None
    target = order[k]
    for j in range(k + 1, len(order)):
        if any(p is target for p in order[j].parents):
            return j
    return None


def plan(order: Sequence[Value], index: dict[Value, int], collapse: object, max_nodes: int,
         hidden: set[int], only_group: Optional[str] = None) -> View:
    """The View for draw(): check `collapse`, pick the groups, and refuse a picture over max_nodes."""
    if collapse is not None and collapse != "auto" and collapse not in LEVELS:
        raise ValueError(f"draw: collapse must be one of {', '.join(map(repr, LEVELS))}, 'auto' or None, "
                         f"got {collapse!r:.60}")
    if only_group is not None:
        return _focus(order, index, collapse, only_group)
    shown = len(order) - len(hidden)
    if collapse is None or (collapse == "auto" and shown <= max_nodes):
        if shown > max_nodes:
            raise _too_large(len(order), max_nodes, "")
        return View([], set())
    levels = AUTO_ORDER if collapse == "auto" else (collapse,)
    best = None
    for level in levels:
        groups = find_groups(order, level, index)
        members = set().union(*(g.members for g in groups)) if groups else set()
        count = len(order) - len(hidden | members) + len(groups)
        if count <= max_nodes:
            return _view(order, groups, members, level)
        best = best if best is not None and best[0] <= count else (count, level)
    note = f" (collapsed by {best[1]}, {best[0]} would still be drawn)" if best and best[0] < len(order) else ""
    raise _too_large(len(order), max_nodes, note)


def _view(order: Sequence[Value], groups: list[Group], members: set[int], level: str) -> View:
    index: dict[Value, int] = {v: k for k, v in enumerate(order)}
    at_output = {}
    for g in groups:
        at_output[g.output] = g
        for k in g.members:
            index[order[k]] = g.output
    return View(groups, members - set(at_output), index, at_output, level=level)


def _focus(order: Sequence[Value], index: dict[Value, int], collapse: object, key: str) -> View:
    """Only the inside of group `key` (found at the level its key names), with its inputs as stubs."""
    level = {"n": "neuron", "l": "layer", "s": "labels"}.get(key[:1], "")
    groups = find_groups(order, level, index) if level else []
    g = next((g for g in groups if g.key == key), None)
    if g is None:
        known = ", ".join(g.key for g in groups[:8]) or "none"
        raise ValueError(f"draw: only_group={key!r} is not a group of this graph (groups: {known})")
    shown = g.members | set(g.inputs)
    return View([], set(range(len(order))) - shown, None, {}, set(g.inputs), level)


def _too_large(nodes: int, max_nodes: int, note: str) -> GraphTooLargeError:
    return GraphTooLargeError(
        f"draw: the graph has {nodes} nodes, more than max_nodes={max_nodes}{note}; a picture that "
        "big is unreadable (and slow to lay out). Draw the network neuron by neuron with "
        "viz.draw_network(model), or draw one example's graph (one forward pass on one input), "
        "or pass a larger max_nodes",
        nodes, max_nodes,
    )
