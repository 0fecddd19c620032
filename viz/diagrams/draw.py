"""draw(root): the expression graph as DOT, with data, grad, local derivatives and the signals δ carries.

Reads only what the engine records (`parents`, `local_grads`, `op`, `label`, `data`, `grad`) and
walks the graph with `engine.topo_order` (no recursion). Ids are positions in that order, so the
same graph always gives the same DOT: the k-th node is "v{k}", its op "op{k}", and the edge
carrying node.parents[p] into it "e{k}_{p}".
"""
from __future__ import annotations

import math
from typing import Any, Collection, Optional

from engine import Value, built_by_backward, topo_order
from viz.args import check_optional_bool
from viz.diagrams import groups, style
from viz.errors import GraphTooLargeError, NotDrawableError
from viz.diagrams.labels import pretty_label
from viz.diagrams.render import Diagram, _looks_like_mlp
from viz.diagrams.style import esc

DEFAULT_MAX_NODES = 300
DEFAULT_FMT = ".4g"
RANKDIRS = ("LR", "TB", "RL", "BT")
_MAX_SUM_TERMS = 4  # a fan-out sum longer than this is abbreviated
BUILT_FILL, BUILT_COLOUR = "#fdd9b5", "#e6550d"  # nodes built by backward(create_graph=True)
MAX_EDGE_SPAN = 3  # ranks an edge may cross freely; a use farther from its value may get a copy drawn beside it
LONG_EDGE_BUDGET = 120  # ranks crossed by all longer edges together; past it, the longest ones go to copies


def draw(
    root: Value,
    *,
    rankdir: str = "LR",
    fmt: style.FormatSpec = DEFAULT_FMT,
    hide_constants: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
    show_grad: Optional[bool] = None,
    title: Optional[str] = None,
    legend: bool = True,
    model: Any = None,
    highlight_edge: Optional[tuple[Value, int]] = None,
    complete: Optional[Collection[Value]] = None,
    pending: Optional[Collection[Value]] = None,
    applied_edges: Optional[Collection[tuple[Value, int]]] = None,
    colour_scale: Optional[float] = None,
    collapse: Optional[str] = "auto",
    only_group: Optional[str] = None,
) -> Diagram:
    """The graph that computed `root`: one record {label | data | grad} per Value, one node per op,
    and on each edge the local derivative ∂out/∂in and the signal local × grad(out) it carried back.

    show_grad=None shows grads once any node has a non-zero grad (i.e. after backward()).
    The stepper's state (None = after a complete backward pass): `highlight_edge` (node, p) is the
    edge from node.parents[p] being applied now; `complete` nodes have their final grad; `pending`
    nodes are dimmed; only `applied_edges` show their signal. `model` (an nn.MLP) marks its
    neurons' z as pre-activations (so is any node labelled "z..."): they show δ = ∂L/∂z.
    `colour_scale` is the |grad| drawn darkest (None: the largest in the picture); pass the same
    value to every frame of an animation so a colour means the same number throughout.
    `max_nodes` limits what is drawn, not the graph: `collapse` draws groups as one node each
    ("neuron": z and a with its weights, "layer", "labels": a labelled subexpression; see
    viz.diagrams.groups), "auto" (default) collapses only a graph over max_nodes, None never;
    `only_group` (a group's key, e.g. "n2_1") draws just that group's inside with its inputs.
    """
    _check_root(root)
    _check_options(rankdir, max_nodes, hide_constants, legend)
    check_optional_bool(show_grad, "draw", "show_grad")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"draw: title must be a str (shown as plain text), got {type(title).__name__} {title!r:.60}")
    if colour_scale is not None and (isinstance(colour_scale, bool) or not isinstance(colour_scale, (int, float))
                                     or not math.isfinite(colour_scale) or colour_scale <= 0):
        raise ValueError(f"draw: colour_scale must be a positive finite number, got {colour_scale!r}")
    number = style.make_formatter(fmt)
    order = topo_order(root)
    index = {node: k for k, node in enumerate(order)}
    hidden = {k for k, v in enumerate(order) if hide_constants and v.op == "const"}
    view = groups.plan(order, index, collapse, max_nodes, hidden, only_group)  # refuses over max_nodes
    hidden |= view.hidden
    drawn_index = view.index or index  # a collapsed member is drawn as its group's node
    state = _State(order, index, highlight_edge, complete, pending, applied_edges)
    if show_grad is None:
        show_grad = applied_edges is not None or any(v.grad != 0.0 for v in order)
    preacts = _preactivations(order, model)
    scale = style.grad_scale([v.grad for v in order if v.op != "const"]) if colour_scale is None else colour_scale
    terms = _terms(order, index, hidden, state) if show_grad else {}
    built = {k for k, v in enumerate(order) if built_by_backward(v)}  # create_graph's nodes ("∇…")
    # far uses drawn from copies (bounded layout time); a collapsed drawing is laid out by groups instead
    copies = far_uses(order, index, hidden) if not view.groups else {}

    g = Diagram(name="deltagrad")
    g.attr(rankdir=rankdir, fontname=style.FONT, nodesep="0.25", ranksep="0.45")
    if title:
        g.attr(label=style.plain(title), labelloc="t", fontsize="16")
    g.attr("node", fontname=style.FONT, fontsize="11")
    g.attr("edge", fontname=style.FONT, fontsize="9", arrowsize="0.7")
    for k, node in enumerate(order):
        if k in hidden:
            continue
        muted = k in state.pending
        if k in view.at_output:  # a collapsed group, drawn as one node in the place of its output
            _draw_group(g, view.at_output[k], order, drawn_index, hidden, number, show_grad, scale, muted,
                        k in state.complete, k in preacts)
            continue
        if node.op == "const":
            g.node(f"v{k}", style.plain(number(node.data)), id=f"v{k}", shape="box", style="rounded", height="0.25",
                   fontsize="10", color=style.MUTED if muted else BUILT_COLOUR if k in built else "#606060",
                   fontcolor=style.MUTED if muted else "black", tooltip=style.plain(f"constant {number(node.data)}"))
        else:
            name = pretty_label(node.label) if node.label else f"t{k}"
            g.node(f"v{k}", _record(node, name, k, number, show_grad, scale, muted, k in state.complete,
                                    k in preacts, terms.get(k), built=k in built),
                   id=f"v{k}", shape="plain", tooltip=style.plain(_tooltip(node, name, number, k in preacts, show_grad)))
        if node.parents and k not in view.stubs:
            _draw_copies(g, order, index, k, copies, number, muted)
            _draw_op(g, node, k, drawn_index, hidden, number, muted, show_grad, state, copies)
    if legend and (show_grad or built):
        g.node("legend", _legend(scale, number, bool(preacts), state, any(len(t) > 1 for t in terms.values()),
                                 bool(built), bool(copies)),
               id="legend", shape="plain", fontsize="9")
    g.collapsed = view.groups  # the groups drawn as one node each (the step player binds their insides)
    return g


def _draw_group(g: Diagram, group: groups.Group, order: list[Value], drawn_index: dict[Value, int],
                hidden: set[int], number: style.Formatter, show_grad: bool, scale: float, muted: bool,
                complete: bool, preact: bool) -> None:
    """A collapsed group as one record { name, inputs | output data | output grad } (id v{output})
    and one edge from each of its inputs (ids gi{output}_{input})."""
    out = order[group.output]
    names = [pretty_label(order[j].label) if order[j].label else f"t{j}" for j in group.inputs]
    ins = ", ".join(names) if len(names) <= 3 else f"{len(names)} inputs"
    font = (f'<font color="{style.MUTED}">', "</font>") if muted else ("", "")
    out_name = pretty_label(out.label) if out.label else f"t{group.output}"
    cells = [f'<td><b>{font[0]}{esc(group.name)}{font[1]}</b><br/><font point-size="9">{font[0]}in: '
             f'{esc(ins)} · {len(group.members)} nodes{font[1]}</font></td>',
             f"<td>{font[0]}{esc(out_name)} {esc(number(out.data))}{font[1]}</td>"]
    if show_grad:
        text = f"{'δ' if preact else 'grad'} {esc(number(out.grad))}"
        if muted:
            cells.append(f"<td>{font[0]}{text}{font[1]}</td>")
        else:
            fill = style.grad_fill(out.grad, scale)
            cells.append(f'<td bgcolor="{fill}"><font color="{style.text_colour(fill)}">{text}</font></td>')
    border, colour = ("3", style.COMPLETE) if complete else ("2", style.MUTED if muted else "#444444")
    label = (f'<<table border="{border}" color="{colour}" cellborder="1" cellspacing="0" cellpadding="4" '
             f'><tr>{"".join(cells)}</tr></table>>')
    tip = f"{group.name}: {len(group.members)} nodes collapsed; in: {', '.join(names[:8])}; {out_name} = {number(out.data)}"
    if show_grad:
        tip += f", grad {number(out.grad)}"
    g.node(f"v{group.output}", label, id=f"v{group.output}", shape="plain", tooltip=style.plain(tip))
    sources: dict[int, None] = {}
    for j in group.inputs:
        src = drawn_index[order[j]]
        if src not in hidden and src != group.output:
            sources[src] = None
    colour = style.MUTED if muted else "#444444"
    for src in sources:
        g.edge(f"v{src}", f"v{group.output}", id=f"gi{group.output}_{src}", color=colour, penwidth="1.5")


class _State:
    """Where the backward pass is: which edges are applied, which nodes complete or pending."""

    def __init__(self, order: list[Value], index: dict[Value, int], highlight: Any, complete: Any,
                 pending: Any, applied: Any) -> None:
        self.highlight = None if highlight is None else _edge_key(highlight, index, "highlight_edge")
        self.complete = _node_keys(complete, index, "complete")
        self.pending = _node_keys(pending, index, "pending")
        self.applied = None if applied is None else {_edge_key(e, index, "applied_edges") for e in applied}

    def is_applied(self, k: int, p: int) -> bool:
        return self.applied is None or (k, p) in self.applied


def far_uses(order: list[Value], index: dict[Value, int], hidden: Collection[int]) -> dict[tuple[int, int], int]:
    """{(k, p): uses} for each edge from node k's parent p that is drawn from a copy of that parent.

    Each value is placed right before its earliest use (ranks counted from the root: value k at
    rank[k], its op at rank[k] + 1). Edges spanning many ranks are what makes Graphviz's layout slow
    (x*x*…*x of 150 factors took minutes) and a far fan-out hard to follow, so the edges longer than
    MAX_EDGE_SPAN are kept, shortest first, while their spans add up to at most LONG_EDGE_BUDGET;
    each longer one is drawn from a copy of its value placed beside the use. A small graph keeps its
    one node per value. `uses` is how many edges leave that value in all, for the copy's note.
    """
    rank = [0] * len(order)
    users: dict[int, list[tuple[int, int]]] = {}
    long_edges: list[tuple[int, int, int, int]] = []  # (span, k, p, uses)
    for k in range(len(order) - 1, -1, -1):  # consumers come after their parents in topological order
        edges = users.pop(k, [])
        if edges:
            rank[k] = max(rank[c] + 1 for c, _ in edges) + 1
            for c, p in edges:
                span = rank[k] - (rank[c] + 1)
                if span > MAX_EDGE_SPAN:
                    long_edges.append((span, c, p, len(edges)))
        if k in hidden:
            continue
        for p, parent in enumerate(order[k].parents):
            j = index[parent]
            if j not in hidden:
                users.setdefault(j, []).append((k, p))
    copied: dict[tuple[int, int], int] = {}
    spent = 0
    for span, k, p, uses in sorted(long_edges):
        spent += span
        if spent > LONG_EDGE_BUDGET:
            copied[(k, p)] = uses
    return copied


def _copy_id(j: int, k: int) -> str:
    """The copy of node j drawn beside op k (one per value per op: the two edges of x*x share it)."""
    return f"v{j}_at{k}"


def _draw_copies(g: Diagram, order: list[Value], index: dict[Value, int], k: int,
                 copies: dict[tuple[int, int], int], number: style.Formatter, muted: bool) -> None:
    """The dashed copies of far-away values that op k uses: name and data (the grad is on the original)."""
    drawn = set()
    for p, parent in enumerate(order[k].parents):
        j = index[parent]
        if (k, p) not in copies or j in drawn:
            continue
        drawn.add(j)
        colour = style.MUTED if muted else "#404040"
        note = f"copy, used {copies[(k, p)]}×"
        if parent.op == "const":
            text = number(parent.data)
            g.node(_copy_id(j, k), style.plain(text), id=_copy_id(j, k), shape="box", style="rounded,dashed",
                   height="0.25", fontsize="10", color=colour, fontcolor=colour,
                   tooltip=style.plain(f"constant {text} ({note}: the same node as v{j})"))
            continue
        name = pretty_label(parent.label) if parent.label else f"t{j}"
        cells = (f"<td><i>{esc(name)}</i></td><td>data {esc(number(parent.data))}</td>"
                 f'<td><font point-size="9">{note}</font></td>')
        g.node(_copy_id(j, k), f'<<table border="1" style="dashed" color="{colour}" cellborder="0" '
                                f'cellspacing="0" cellpadding="4"><tr>{cells}</tr></table>>',
               id=_copy_id(j, k), shape="plain",
               tooltip=style.plain(f"{name} again ({note}): the same value as the solid {name}, drawn "
                              "beside this use; its grad, the sum over every use, is on the solid one"))


def _draw_op(g: Diagram, node: Value, k: int, index: dict[Value, int], hidden: set[int],
             number: style.Formatter, muted: bool, show_grad: bool, state: _State,
             copies: Optional[dict[tuple[int, int], int]] = None) -> None:
    """The op node of node k, its edge to the value, and one labelled edge per parent."""
    consts = [number(p.data) for p in node.parents if index[p] in hidden]
    label = style.op_symbol(node.op) + "".join(f" {c}" for c in consts[:3]) + (" …" if len(consts) > 3 else "")
    colour = style.MUTED if muted else "black"
    g.node(f"op{k}", style.plain(label), id=f"op{k}", shape="ellipse" if len(label) > 2 else "circle",
           width="0.3", height="0.3", margin="0.02", fontsize="12", color=colour, fontcolor=colour,
           tooltip=style.plain(style.op_tooltip(node.op)))
    g.edge(f"op{k}", f"v{k}", id=f"op{k}_out", color=colour)
    for p, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
        j = index[parent]
        if j in hidden:
            continue
        applied = show_grad and state.is_applied(k, p)
        signal = local * node.grad
        lines = [f'<font color="{style.LOCAL}">local {esc(number(local))}</font>']
        if applied:
            lines.append(f'<font color="{_signal_colour(signal)}">signal {esc(number(signal))}</font>')
        attrs = {"id": f"e{k}_{p}", "label": "<" + "<br/>".join(lines) + ">",
                 "tooltip": style.plain(_edge_tooltip(node, p, local, number, applied))}
        if state.highlight == (k, p):
            attrs.update(color=style.HIGHLIGHT, penwidth="3", fontcolor=style.HIGHLIGHT)
            attrs["label"] = "<<b>" + "<br/>".join(lines) + "</b>>"
        elif muted or (state.applied is not None and not applied):
            attrs.update(color=style.MUTED)
        g.edge(_copy_id(j, k) if copies and (k, p) in copies else f"v{j}", f"op{k}", **attrs)


def _record(node: Value, name: str, k: int, number: style.Formatter, show_grad: bool, scale: float,
            muted: bool, complete: bool, preact: bool, terms: Optional[list[float]], built: bool = False) -> str:
    """The micrograd-style record { label | data | grad } as an HTML-like table."""
    font = (f'<font color="{style.MUTED}">', "</font>") if muted else ("", "")
    name_bg = ' bgcolor="#e7d4e8"' if preact and not muted else ""
    if built and not muted:
        name_bg = f' bgcolor="{BUILT_FILL}"'
    cells = [f"<td{name_bg}><b>{font[0]}{esc(name)}{font[1]}</b></td>",
             f"<td>{font[0]}data {esc(number(node.data))}{font[1]}</td>"]
    if show_grad:
        word = "δ" if preact else "grad"
        text = f"{word} {esc(number(node.grad))}"
        line = sum_line(terms or [], node.grad, number)
        if line:
            text += "<br/>" + esc(line)
        if muted:
            cells.append(f"<td>{font[0]}{text}{font[1]}</td>")
        else:
            fill = style.grad_fill(node.grad, scale)
            cells.append(f'<td bgcolor="{fill}"><font color="{style.text_colour(fill)}">{text}</font></td>')
    border, colour = ("3", style.COMPLETE) if complete else ("1", style.MUTED if muted else "black")
    if preact and not complete and not muted:
        border, colour = "2", style.PREACT
    return (f'<<table border="{border}" color="{colour}" cellborder="1" cellspacing="0" '
            f'cellpadding="4"><tr>{"".join(cells)}</tr></table>>')


def sum_line(terms: list[float], grad: float, number: style.Formatter) -> str:
    """The second line of a grad cell, "= a + b − c", when grad = Σ terms has several terms; else ""."""
    if len(terms) < 2 or not math.isclose(sum(terms), grad, rel_tol=1e-9, abs_tol=1e-12):
        return ""
    more = f" + … ({len(terms)} terms)" if len(terms) > _MAX_SUM_TERMS else ""
    return "= " + _sum_text(terms[:_MAX_SUM_TERMS], number) + more


def _sum_text(terms: list[float], number: style.Formatter) -> str:
    """'a + b − c' for the terms [a, b, -c]."""
    text = number(terms[0])
    for t in terms[1:]:
        text += f" − {number(-t)}" if t < 0 else f" + {number(t)}"
    return text


def _terms(order: list[Value], index: dict[Value, int], hidden: set[int], state: _State) -> dict[int, list[float]]:
    """node index -> the signals it received, in backward order (the order Step.term counts)."""
    terms: dict[int, list[float]] = {}
    for k in range(len(order) - 1, -1, -1):
        node = order[k]
        if k in hidden:
            continue
        for p, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            if state.is_applied(k, p):
                terms.setdefault(index[parent], []).append(local * node.grad)
    return terms


def _preactivations(order: list[Value], model: Any) -> set[int]:
    """Indices of the pre-activation nodes: the model's neurons' z, and nodes labelled z..."""
    zs = set()
    if model is not None and not hasattr(model, "layers"):
        raise TypeError(f"draw: model must be an nn.MLP (with .layers of neurons), got {type(model).__name__}")
    if model is not None:
        for layer in getattr(model, "layers", ()):
            for neuron in getattr(layer, "neurons", ()):
                z = getattr(neuron, "z", None)
                if type(z) is Value:
                    zs.add(z)
    return {k for k, v in enumerate(order) if v in zs or v.label.startswith("z")}


def _legend(scale: float, number: style.Formatter, preacts: bool, state: _State, sums: bool,
            built: bool = False, copies: bool = False) -> str:
    notes = ["edge: local = ∂out/∂in", "signal = local × grad(out), passed back along the edge"]
    if built:
        notes.append("orange ∇ name: built by the backward pass (create_graph=True)")
    if sums:
        notes.append("several signals into one node: its grad is their sum")
    if copies:
        notes.append("dashed: a value drawn again beside a far use; its grad is on the solid one")
    if preacts:
        notes.append("purple name: a pre-activation z, showing δ = ∂L/∂z")
    if state.complete:
        notes.append("green border: grad complete")
    if state.pending:
        notes.append("grey: not reached yet")
    notes.append("colour: sign and size of grad")
    return style.legend_table(notes, style.legend_rows(scale, number))


def _signal_colour(signal: float) -> str:
    return "#08519c" if signal < 0 else "#a50f15" if signal > 0 else "#000000"


def _tooltip(node: Value, name: str, number: style.Formatter, preact: bool, show_grad: bool) -> str:
    what = f"{name} = {node.op}(...)" if node.parents else f"{name} (leaf)"
    if not show_grad:
        return f"{what}: data {number(node.data)}"
    grad = f"δ = ∂L/∂{name}" if preact else "grad"
    return f"{what}: data {number(node.data)}, {grad} {number(node.grad)}"


def _edge_tooltip(node: Value, p: int, local: float, number: style.Formatter, applied: bool) -> str:
    text = f"∂out/∂in = {number(local)}"
    if applied:
        text += f"; signal = {number(local)} × {number(node.grad)} = {number(local * node.grad)}"
    return text


def _check_root(root: object) -> None:
    if type(root) is Value:
        return
    hint = " (for a network use viz.draw_network(mlp))" if _looks_like_mlp(root) else ""
    raise NotDrawableError(
        f"draw: expected an engine.Value (the root of a graph), got {type(root).__name__} {root!r:.60}{hint}"
    )


def _check_options(rankdir: object, max_nodes: object, hide_constants: object, legend: object) -> None:
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw: rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"draw: max_nodes must be a positive int, got {max_nodes!r}")
    for name, flag in (("hide_constants", hide_constants), ("legend", legend)):
        if not isinstance(flag, bool):
            raise TypeError(f"draw: {name} must be True or False, got {flag!r}")


def _node_keys(values: Any, index: dict[Value, int], what: str) -> set[int]:
    if values is None:
        return set()
    keys = set()
    for v in values:
        if type(v) is not Value:
            raise TypeError(f"draw: {what} must hold Values, got {type(v).__name__} {v!r:.60}")
        if v not in index:
            raise ValueError(f"draw: {what} holds {v!r}, which is not a node of this graph")
        keys.add(index[v])
    return keys


def _edge_key(edge: Any, index: dict[Value, int], what: str) -> tuple[int, int]:
    if not (isinstance(edge, tuple) and len(edge) == 2 and type(edge[0]) is Value
            and isinstance(edge[1], int) and not isinstance(edge[1], bool)):
        raise TypeError(f"draw: {what} must be (Value, position) pairs, got {edge!r:.80}")
    node, p = edge
    if node not in index:
        raise ValueError(f"draw: {what} names {node!r}, which is not a node of this graph")
    if not 0 <= p < len(node.parents):
        raise ValueError(f"draw: {what} position {p} is out of range for {node!r} "
                         f"({len(node.parents)} parents)")
    return index[node], p
