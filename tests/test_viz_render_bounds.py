"""Issue 11, bounded render time: a far fan-out (x*x*…*x) is drawn with copies of the value beside
its far uses, so no DOT draw emits has a pile of edges spanning many ranks (what made Graphviz slow:
150 factors hit the 120-s timeout). The times themselves are measured by bench/render_times.py."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

import viz
from engine import Value, topo_order
from viz.diagrams import draw as draw_module

EDGE = re.compile(r"^\t(\S+) -> (\S+) \[(.*)\]$", re.M)
NODE = re.compile(r"^\t(\S+) \[(.*)\]$", re.M)


def product(n: int, x_value: float = 1.01):
    x = Value(x_value, "x")
    y = x
    for _ in range(n - 1):
        y = y * x
    y.backward()
    return x, y


def excess_spans(source: str) -> list[int]:
    """Spans (> MAX_EDGE_SPAN) of the DOT's edges, with each node ranked just before its farthest use.

    Computed from the DOT text alone (not from draw's helpers): rank(root) = 0 and
    rank(node) = 1 + max rank of the heads of its edges.
    """
    edges = [(a, b) for a, b, _ in EDGE.findall(source)]
    heads: dict[str, list[str]] = {}
    for a, b in edges:
        heads.setdefault(a, []).append(b)
    rank: dict[str, int] = {}
    pending = list(heads)
    while pending:  # iterative: rank a node once all its heads are ranked
        node = pending.pop()
        missing = [h for h in heads.get(node, []) if h not in rank and h in heads]
        if missing:
            pending.append(node)
            pending.extend(missing)
            continue
        rank[node] = 1 + max((rank.get(h, 0) for h in heads[node]), default=-1)
    return [rank[a] - rank.get(b, 0) for a, b in edges if rank[a] - rank.get(b, 0) > draw_module.MAX_EDGE_SPAN]


def test_render_bounds_product_of_150_factors_has_no_pile_of_long_edges():
    _, y = product(150)
    spans = excess_spans(viz.draw(y).source)
    assert sum(spans) <= draw_module.LONG_EDGE_BUDGET


def test_render_bounds_product_copies_carry_the_real_numbers():
    n, x0 = 60, 1.01
    x, y = product(n, x0)
    src = viz.draw(y).source
    order = topo_order(y)
    assert x.grad == pytest.approx(n * x0 ** (n - 1), rel=1e-12)  # d/dx x^n
    copies = {name: attrs for name, attrs in NODE.findall(src) if name.startswith("v0_at")}
    assert copies, "no copy of x was drawn"
    uses = 2 + (n - 2)  # x*x has two edges from x, every later product one
    for name, attrs in copies.items():
        assert "<i>x</i>" in attrs and f"data {x0:.4g}" in attrs and f"used {uses}×" in attrs
        assert 'style="dashed"' in attrs
    # every edge out of x, drawn from the solid x or a copy, keeps its id and its local derivative
    edges = {re.search(r"\bid=(\S+)", attrs).group(1): (a, attrs) for a, b, attrs in EDGE.findall(src)}
    for k, node in enumerate(order):
        for p, parent in enumerate(node.parents):
            if parent is x:
                source, attrs = edges[f"e{k}_{p}"]
                assert source == "v0" or source == f"v0_at{k}"
                other = node.parents[1 - p].data
                assert f"local {other:.4g}" in attrs
    # the summed grad is on the solid x only
    assert f"grad {x.grad:.4g}" in re.search(r"^\tv0 \[.*$", src, re.M).group(0)
    assert all(re.search(r"grad -?\d", attrs) is None for attrs in copies.values())


def test_render_bounds_far_fan_out_of_an_inner_node_is_copied_too():
    x = Value(0.5, "x")
    t = x.tanh()
    t.label = "t"
    y = t
    for _ in range(80):
        y = y * t
    y.backward()
    assert sum(excess_spans(viz.draw(y).source)) <= draw_module.LONG_EDGE_BUDGET


def test_render_bounds_small_fan_out_keeps_one_node_per_value():
    x, w = Value(2.0, "x"), Value(-0.5, "w")
    y = (x * w + 0.8).tanh() * x
    y.backward()
    src = viz.draw(y).source
    assert "_at" not in src and "dashed" not in src
    assert len([1 for a, _, _ in EDGE.findall(src) if a == "v0"]) == 2


def test_render_bounds_product_of_150_factors_renders_as_a_valid_svg(monkeypatch):
    monkeypatch.setenv("DELTAGRAD_RENDERER", "graphviz-pure")
    _, y = product(150)
    svg = ET.fromstring(viz.to_svg(viz.draw(y)).encode("utf-8"))
    ids = {g.get("id") for g in svg.iter("{http://www.w3.org/2000/svg}g")}
    assert {"v0", "e149_1"} <= ids
