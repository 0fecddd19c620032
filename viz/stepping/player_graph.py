"""The step player's graph: drawn once, in the final state, and marked so the page's script can
show it as it stands after any step (classes and a few texts change; the layout never does).

viz.draw gives every element a stable id: value node k is "v{k}", its op "op{k}", the op→value
edge "op{k}_out", the edge from node.parents[p] into node k "e{k}_{p}". Here the pieces that change
get classes, found by the shapes Graphviz writes for a record table (its frame, and per cell an
optional fill polygon, a border polygon and text lines; grad is the third cell): dg-box (the
frame), dg-fill (cell fills), dg-grad and dg-sum (the grad cell's two lines, centred in the cell
so a number of another width stays inside it) and dg-signal (an edge's signal line).
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, Optional

from viz.diagrams import style
from viz.diagrams.draw import DEFAULT_FMT, draw, sum_line
from viz.stepping.frames import _state
from viz.diagrams.render import to_svg
from viz.stepping.steps import BackwardTrace

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
_POLYGON, _TEXT, _G, _A = (f"{{{SVG}}}{t}" for t in ("polygon", "text", "g", "a"))
_TITLE = f"{{{XLINK}}}title"
FIXED_OPTIONS = ("highlight_edge", "complete", "pending", "applied_edges", "show_grad")


def graph_data(trace: BackwardTrace, **draw_options: Any) -> Optional[dict[str, Any]]:
    """The marked SVG plus every text the script puts into it, or None if the SVG's layout is unknown.

    Keys: svg; per node word ("grad" or "δ"), tip (tooltip without its number) and start (grad text
    at step 0); per step grad and sum (the parent's grad cell after that step); legend.
    """
    legend = draw_options.pop("legend", True)
    if not isinstance(legend, bool):
        raise TypeError(f"steps_html: legend must be True or False, got {legend!r}")
    number = style.make_formatter(draw_options.get("fmt", DEFAULT_FMT))
    order = trace.order
    with _state(trace, len(trace)):
        diagram = draw(trace.root, complete=order, show_grad=True, legend=False, **draw_options)
        final = [number(v.grad) for v in order]
        scale = draw_options.get("colour_scale") or style.grad_scale([v.grad for v in order if v.op != "const"])
        insides = group_diagrams(trace, diagram, draw_options)
    svg = ET.fromstring(to_svg(diagram).encode("utf-8"))
    groups = {g.get("id"): g for g in svg.iter(_G) if g.get("class") in ("node", "edge")}
    words: list[Optional[str]] = [None] * len(order)
    tips: list[Optional[str]] = [None] * len(order)
    for k, node in enumerate(order):
        group = groups.get(f"v{k}")
        if group is None or node.op == "const":  # hidden, or a constant (no grad cell)
            continue
        lines = _mark_record(group)
        if lines is None:
            return None
        words[k] = (lines[0].text or "").split(" ", 1)[0]
        tips[k] = _tooltip_prefix(group, final[k])
    for s in trace.steps:
        edge = groups.get(f"e{s.node}_{s.position}")
        if edge is not None and not _mark_signal(edge):
            return None
    grads, sums = _step_texts(trace, number)
    collapsed = group_data(trace, insides, words, tips, final)
    if collapsed is None:
        return None
    return {
        "svg": _serialize(svg),
        "word": words, "tip": tips, "start": [number(g) for g in trace.initial],
        "grad": grads, "sum": sums, "legend": _legend(scale, number, "δ" in words) if legend else None,
        **collapsed,
    }


# ---------------------------------------------------------------------- collapsed groups (big graphs)
# A big graph is drawn with its groups collapsed (viz.diagrams.groups); each group's inside is drawn
# separately (only_group) and its ids prefixed with "x" (xv12, xe12_0), so the page can open it on
# click and give it the same step state as the main picture.
INSIDE_PREFIX = "x"


def group_diagrams(trace: BackwardTrace, diagram: Any, draw_options: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(group, diagram of its inside) for every group the main picture collapsed (in the final state)."""
    options = {k: v for k, v in draw_options.items() if k not in ("collapse", "max_nodes")}
    return [(g, draw(trace.root, only_group=g.key, complete=trace.order, show_grad=True, legend=False, **options))
            for g in getattr(diagram, "collapsed", [])]


def _render_all(diagrams: list[Any]) -> list[str]:
    """The SVGs of several diagrams, rendered side by side (each render is its own process)."""
    if len(diagrams) < 2:
        return [to_svg(d) for d in diagrams]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(4, len(diagrams))) as pool:
        return list(pool.map(to_svg, diagrams))


def group_data(trace: BackwardTrace, insides: list[tuple[Any, Any]], words: list[Optional[str]],
               tips: list[Optional[str]], final: list[str]) -> Optional[dict[str, Any]]:
    """groups (key, name, output, members, svg of the inside) and per step the group it happens in."""
    order = trace.order
    group_of = [-1] * len(order)
    out = []
    for gi, ((group, _), text) in enumerate(zip(insides, _render_all([d for _, d in insides]))):
        svg = ET.fromstring(text.encode("utf-8"))
        found = {g.get("id"): g for g in svg.iter(_G) if g.get("class") in ("node", "edge")}
        for k in sorted(group.members | set(group.inputs)):
            element = found.get(f"v{k}")
            if element is None or order[k].op == "const":
                continue
            lines = _mark_record(element)
            if lines is None:
                return None
            if words[k] is None:
                words[k] = (lines[0].text or "").split(" ", 1)[0]
                tips[k] = _tooltip_prefix(element, final[k])
        for k in group.members:
            if k != group.output:
                group_of[k] = gi
        for s in trace.steps:
            edge = found.get(f"e{s.node}_{s.position}")
            if edge is not None and not _mark_signal(edge):
                return None
        for e in svg.iter():
            if e.get("id"):
                e.set("id", INSIDE_PREFIX + e.get("id"))
        out.append({"key": group.key, "name": group.name, "output": group.output,
                    "members": sorted(group.members), "inputs": list(group.inputs), "svg": _serialize(svg)})
    step_group = []
    for s in trace.steps:
        inside = next((gi for gi, g in enumerate(insides) if s.node in g[0].members), -1)
        step_group.append(inside)
    return {"groups": out, "groupOf": group_of, "stepGroup": step_group} if out else {"groups": []}


def _step_texts(trace: BackwardTrace, number: style.Formatter) -> tuple[list[str], list[str]]:
    """After each step: its parent's grad as drawn, and the sum of the signals received so far."""
    received: dict[int, list[float]] = {}
    grads, sums = [], []
    for s in trace.steps:
        terms = received.setdefault(s.parent, [])
        terms.append(s.contribution)
        grads.append(number(s.parent_grad))
        sums.append(sum_line(terms, s.parent_grad, number))
    return grads, sums


def _mark_record(group: ET.Element) -> Optional[list[ET.Element]]:
    """Classes on a { name | data | grad } record's parts; its grad cell's text lines, or None.

    Read by geometry, not drawing order (Graphviz 2.x draws the table's frame last, 16.x first):
    filled polygons are cell fills, the widest unfilled one is the frame, the other three the
    cells from left to right; a cell's lines are the texts that start inside it.
    """
    fills, borders = [], []
    for polygon in group.iter(_POLYGON):
        xs = _xs(polygon)
        if xs is None:
            return None
        (borders if polygon.get("fill", "none") == "none" else fills).append((polygon, xs))
    if len(borders) != 4:
        return None
    frame = max(borders, key=lambda b: b[1][1] - b[1][0])
    cells = sorted((b for b in borders if b is not frame), key=lambda b: b[1][0])
    left, right = cells[2][1]
    lines = []
    for text in group.iter(_TEXT):
        try:
            x, y = float(text.get("x", "nan")), float(text.get("y", "nan"))
        except ValueError:
            return None
        if left < x < right:
            lines.append((y, text))
    if not 1 <= len(lines) <= 2:
        return None
    _add_class(frame[0], "dg-box")
    for polygon, _ in fills:
        _add_class(polygon, "dg-fill")
    ordered = [text for _, text in sorted(lines, key=lambda line: line[0])]  # top line first
    for text, name in zip(ordered, ("dg-grad", "dg-sum")):
        _add_class(text, name)
        text.set("text-anchor", "middle")
        text.set("x", f"{(left + right) / 2:.2f}")
    return ordered


def _xs(polygon: ET.Element) -> Optional[tuple[float, float]]:
    """The leftmost and rightmost x of a polygon's points, or None if they do not parse."""
    try:
        xs = [float(point.split(",")[0]) for point in (polygon.get("points") or "").split()]
    except ValueError:
        return None
    return (min(xs), max(xs)) if xs else None


def _mark_signal(edge: ET.Element) -> bool:
    """Class dg-signal on the edge label's signal line (the last one); False if there is none."""
    texts = list(edge.iter(_TEXT))
    if len(texts) < 2 or not (texts[-1].text or "").startswith("signal "):
        return False
    _add_class(texts[-1], "dg-signal")
    return True


def _tooltip_prefix(group: ET.Element, number: str) -> Optional[str]:
    """The node's tooltip without the trailing grad number (the script appends the current one)."""
    anchor = next(group.iter(_A), None)
    tip = anchor.get(_TITLE) if anchor is not None else None
    return tip[: len(tip) - len(number)] if tip and tip.endswith(" " + number) else None


def _legend(scale: float, number: style.Formatter, deltas: bool) -> dict[str, Any]:
    """The notes and colour swatches shown beside the graph."""
    notes = ["orange edge: the chain-rule step being applied now",
             "edge: local = ∂out/∂in; signal = local × grad(out), shown once passed back",
             "green border: grad complete; grey: not complete yet (a partial sum, or not reached)"]
    if deltas:
        notes.append("purple name: a pre-activation z, showing δ = ∂L/∂z")
    notes.append("colour of a complete grad: sign and size")
    rows = [[fill, text, style.text_colour(fill)] for fill, text in style.legend_rows(scale, number)]
    return {"notes": notes, "rows": rows}


def _serialize(svg: ET.Element) -> str:
    """The SVG as text with the usual prefixes (svg default, xlink:), as the page's HTML parser expects.

    ElementTree would write ns0:/ns1: prefixes unless namespaces are registered process-wide.
    """
    for e in svg.iter():
        e.tag = e.tag.rpartition("}")[2]
        for key in [k for k in e.attrib if k.startswith(f"{{{XLINK}}}")]:
            e.set("xlink:" + key.rpartition("}")[2], e.attrib.pop(key))
    svg.set("xmlns", SVG)
    svg.set("xmlns:xlink", XLINK)
    return ET.tostring(svg, encoding="unicode")


def _add_class(element: ET.Element, name: str) -> None:
    element.set("class", f"{element.get('class', '')} {name}".strip())
