"""Structural memory properties of the engine (no timings: speed is measured in bench/).

Graphs hold no reference cycles, so dropping one frees it at once without the cyclic collector;
a node costs at most 300 bytes; backward() leaves the collector's settings as it found them.
"""
from __future__ import annotations

import gc
import tracemalloc

import pytest

from engine import Value, backward_steps, dot, sum_values


def _build(n_layers: int = 20, width: int = 10) -> tuple[Value, list[Value]]:
    """A layered graph using every kind of op, with shared subexpressions (fan-out)."""
    xs = [Value(0.1 * (i + 1), f"x{i}") for i in range(width)]
    h = xs
    for layer in range(n_layers):
        z = [dot(h, [0.05 - 0.01 * k for k in range(width)], bias=0.1 * layer) for _ in range(width)]
        h = [((zi * 0.3).tanh() + zi.sigmoid() * 2 - (zi ** 2 + 1).log() / 3 + abs(zi).relu()).tanh()
             for zi in z]
    return sum_values(h) * h[0].exp(), xs


def _collector_disabled():
    """Build and drop graphs with the collector off: only reference counting may free them."""
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    return was


def test_dropping_a_graph_frees_it_without_the_collector():
    was = _collector_disabled()
    try:
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        root, xs = _build(n_layers=100)
        root.backward()
        graph = tracemalloc.get_traced_memory()[0] - base
        del root
        left = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        # nothing of the graph was left for the collector to find: no node is part of a cycle
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()
    # the inputs xs survive, and CPython keeps free lists of small tuples (up to 2,000 of each
    # size, about 200 kB here, whatever the graph's size); the graph itself is gone
    assert graph > 3_000_000 and left < 0.1 * graph, (graph, left)


@pytest.mark.parametrize("steps", [False, True])
def test_no_node_is_part_of_a_reference_cycle(steps):
    was = _collector_disabled()
    try:
        root, _ = _build(n_layers=3, width=4)
        if steps:
            for _ in backward_steps(root):
                pass
        else:
            root.backward()
        del root
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()


def test_at_most_300_bytes_per_node():
    # a graph of binary ops, the shape of micrograd's demo (one node per + and *)
    ws = [Value(0.01 * k) for k in range(50)]
    xs = [Value(1.0 - 0.02 * k) for k in range(50)]
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    total = Value(0.0)
    for _ in range(40):
        for w, x in zip(ws, xs):
            total = total + w * x
        total = total.relu()
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    nodes = 40 * (2 * 50 + 1)
    assert used / nodes <= 300, f"{used / nodes:.0f} bytes per node"


@pytest.mark.parametrize("enabled", [True, False])
def test_backward_leaves_the_collector_as_it_found_it(enabled):
    was = gc.isenabled()
    thresholds = gc.get_threshold()
    try:
        gc.enable() if enabled else gc.disable()
        x = Value(0.7)
        y = (x * x + x.exp()).tanh()
        y.backward()
        assert gc.isenabled() is enabled and gc.get_threshold() == thresholds
        assert x.grad != 0.0
        for _ in backward_steps(y):  # also while stepping, between the steps
            assert gc.isenabled() is enabled
        assert gc.isenabled() is enabled and gc.get_threshold() == thresholds
    finally:
        gc.enable() if was else gc.disable()


def test_backward_restores_the_collector_when_it_raises():
    was = gc.isenabled()
    gc.enable()
    try:
        x = Value(1.0)
        y = x * 2
        with pytest.raises((TypeError, ValueError)):
            y.backward(seed=None)  # type: ignore[arg-type]
        assert gc.isenabled()
    finally:
        gc.enable() if was else gc.disable()


def test_freeing_a_million_deep_chain_does_not_crash():
    was = _collector_disabled()
    try:
        x, w = Value(1.0), Value(1.0)
        y = x
        for _ in range(1_000_000):
            y = y * w
        y.backward()
        assert w.grad == 1_000_000.0
        del y  # CPython's trashcan unwinds the deep deallocation iteratively
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()


@pytest.mark.parametrize("enabled", [True, False])
def test_collector_paused_restores_the_previous_state_even_on_error(enabled):
    from engine.backward import collector_paused

    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with collector_paused():
            assert not gc.isenabled()
            with collector_paused():  # nested: the inner block must not re-enable it
                pass
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(KeyError):
            with collector_paused():
                raise KeyError("boom")
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
