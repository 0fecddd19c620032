"""The benchmark workloads, each run in a fresh process: `python bench/workloads.py NAME ENGINE [ARG]`.

Prints one JSON object. A fresh process per measurement keeps one engine's garbage (and the
collector's view of the heap) from being billed to the other. Engines: "deltagrad" (this repo)
and "micrograd" (micrograd 0.1.0 from PyPI).
"""
from __future__ import annotations

import gc
import json
import math
import os
import random
import statistics
import sys
import time
import tracemalloc

# DELTAGRAD_ROOT points at another checkout to measure it instead (before/after comparisons).
ROOT = os.environ.get("DELTAGRAD_ROOT") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

SIZES = [2, 16, 16, 1]  # micrograd's moons demo: MLP(2, [16, 16, 1])
ALPHA = 1e-4  # its L2 weight


# ---------------------------------------------------------------------- data and weights
def make_moons(n_samples: int = 100, noise: float = 0.1, seed: int = 1337):
    """sklearn.datasets.make_moons's algorithm with numpy's global RandomState seeded as in the demo.

    Returns X as a list of [x0, x1] floats and y as floats in {-1, +1} (the demo's y*2 - 1).
    """
    import numpy as np

    rng = np.random.RandomState(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer_x = np.cos(np.linspace(0, np.pi, n_out))
    outer_y = np.sin(np.linspace(0, np.pi, n_out))
    inner_x = 1 - np.cos(np.linspace(0, np.pi, n_in))
    inner_y = 1 - np.sin(np.linspace(0, np.pi, n_in)) - 0.5
    X = np.vstack([np.append(outer_x, inner_x), np.append(outer_y, inner_y)]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    order = np.arange(n_samples)
    rng.shuffle(order)
    X, y = X[order], y[order]
    X = X + rng.normal(scale=noise, size=X.shape)
    return X.tolist(), [float(2 * v - 1) for v in y]


def initial_weights(seed: int = 1337):
    """Per layer, per neuron: (weights, bias), drawn exactly as micrograd.nn.MLP draws them."""
    rng = random.Random(seed)
    layers = []
    for nin, nout in zip(SIZES[:-1], SIZES[1:]):
        layers.append([([rng.uniform(-1, 1) for _ in range(nin)], 0.0) for _ in range(nout)])
    return layers


def engine_value(engine: str):
    if engine == "deltagrad":
        from engine import Value
    elif engine == "micrograd":
        from micrograd.engine import Value
    else:
        raise SystemExit(f"unknown engine {engine!r}")
    return Value


# ---------------------------------------------------------------------- the generic MLP
class GenericMLP:
    """micrograd's MLP written once against any Value class: the same graph of binary ops."""

    def __init__(self, Value, weights) -> None:
        self.layers = [[([Value(w) for w in ws], Value(b)) for ws, b in layer] for layer in weights]

    def __call__(self, x):
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            out = []
            for ws, b in layer:
                act = sum((wi * xi for wi, xi in zip(ws, x)), b)
                out.append(act.relu() if i != last else act)
            x = out
        return x[0]

    def parameters(self):
        return [p for layer in self.layers for ws, b in layer for p in ws + [b]]


def generic_loss(Value, model, params, X, y):
    """micrograd's demo loss: mean hinge loss + α·Σ p², built from binary ops only."""
    inputs = [list(map(Value, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in params)
    return data_loss + reg_loss


def sgd_step(loss_fn, params, k: int) -> float:
    """One step of the demo's schedule: forward, zero_grad, backward, p -= lr·grad."""
    loss = loss_fn()
    for p in params:
        p.grad = 0
    loss.backward()
    lr = 1.0 - 0.9 * k / 100
    for p in params:
        p.data -= lr * p.grad
    return loss.data


# ---------------------------------------------------------------------- library-level models
def library_model(engine: str, weights):
    """Each library's own MLP with the demo's weights and a loss closure built its own way."""
    X, y = make_moons()
    if engine == "micrograd":
        from micrograd.engine import Value
        from micrograd.nn import MLP

        random.seed(1337)
        model = MLP(2, SIZES[1:])
        params = model.parameters()
        flat = [w for layer in weights for ws, b in layer for w in ws + [b]]
        if [p.data for p in params] != flat:
            raise SystemExit("micrograd's MLP did not draw the expected initial weights")

        def loss_fn():
            return generic_loss(Value, model, params, X, y)

        return loss_fn, params
    from nn_adapter import deltagrad_library_model  # the library's own MLP and loss

    return deltagrad_library_model(weights, X, y)


# ---------------------------------------------------------------------- workloads
def moons(engine: str, level: str = "engine", steps: int = 5, collector: str = "on") -> dict:
    """Time `steps` SGD steps of the moons demo: the median, mean and fastest of the steps after
    the first, the share of the collector in them, and every step's loss."""
    weights = initial_weights()
    if level == "engine":
        Value = engine_value(engine)
        X, y = make_moons()
        model = GenericMLP(Value, weights)
        params = model.parameters()

        def loss_fn():
            return generic_loss(Value, model, params, X, y)
    else:
        loss_fn, params = library_model(engine, weights)
    nodes = count_nodes(loss_fn())
    collecting = [0.0, 0.0]  # start of the current collection, total time in the collector

    def clock_collector(phase: str, info: dict) -> None:
        if phase == "start":
            collecting[0] = time.process_time()
        else:
            collecting[1] += time.process_time() - collecting[0]

    gc.collect()
    if collector == "off":
        gc.disable()
    gc.callbacks.append(clock_collector)
    times, losses = [], []
    for k in range(steps):
        if k == 1:
            collecting[1] = 0.0
        t0 = time.process_time()
        losses.append(sgd_step(loss_fn, params, k))
        times.append(time.process_time() - t0)
    gc.callbacks.remove(clock_collector)
    enabled_after = gc.isenabled()
    gc.enable()
    steady = times[1:] or times
    return {"seconds": statistics.median(steady), "mean": statistics.mean(steady),
            "min": min(steady), "first": times[0],
            "losses": losses, "nodes": nodes, "gc_share": collecting[1] / sum(steady),
            "gc_enabled_after": enabled_after == (collector == "on")}


def chain(engine: str, n: int = 10**6) -> dict:
    """y = x·w·w·…·w (n multiplications): forward and backward of an n-deep graph."""
    Value = engine_value(engine)
    if engine == "micrograd" and n > 10**4:
        return {"error": "not run (RecursionError already at 10,000)"}
    x, w = Value(0.5), Value(1.0)
    try:
        t0 = time.process_time()
        y = x
        for _ in range(n):
            y = y * w
        t1 = time.process_time()
        y.backward()
        t2 = time.process_time()
    except RecursionError:
        return {"error": "RecursionError"}
    ok = math.isclose(w.grad, n * 0.5) and math.isclose(x.grad, 1.0)
    t3 = time.process_time()
    del y  # freeing a million-deep chain must not crash (CPython's trashcan unwinds it)
    t4 = time.process_time()
    return {"forward": t1 - t0, "backward": t2 - t1, "free": t4 - t3, "grads_ok": ok}


def per_op(engine: str, repeat: int = 200_000) -> dict:
    """ns per node for d = a*b + c: forward (2 nodes) and backward of that 5-node graph."""
    Value = engine_value(engine)
    a, b, c = Value(2.0), Value(-3.0), Value(10.0)
    best_f = best_b = math.inf
    for _ in range(5):
        t0 = time.process_time()
        for _ in range(repeat):
            a * b + c
        best_f = min(best_f, time.process_time() - t0)
    d = a * b + c
    n = repeat // 5
    for _ in range(5):
        t0 = time.process_time()
        for _ in range(n):
            d.backward()
        best_b = min(best_b, time.process_time() - t0)
    return {"forward_ns_per_node": best_f / repeat / 2 * 1e9,
            "backward_ns_per_graph": best_b / n * 1e9}


def memory(engine: str) -> dict:
    """Bytes per node of the moons loss graph (tracemalloc), and what is left after `del`."""
    Value = engine_value(engine)
    X, y = make_moons()
    model = GenericMLP(Value, initial_weights())
    params = model.parameters()
    inputs_ = [list(map(Value, row)) for row in X]  # noqa: F841 (warm caches outside the count)
    gc.collect()
    gc.disable()  # measure what refcounting alone gives back
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    loss = generic_loss(Value, model, params, X, y)
    built = tracemalloc.get_traced_memory()[0]
    nodes = count_nodes(loss)
    del loss
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    unreachable = gc.collect()
    gc.enable()
    return {"nodes": nodes, "bytes_per_node": (built - base) / nodes,
            "left_after_del": after - base, "collected_by_gc": unreachable,
            "gc_state_kept": gc_state_kept(Value)}


def gc_state_kept(Value) -> bool:
    """backward() leaves the collector as it found it, enabled or disabled, thresholds too."""
    kept = True
    for enabled in (True, False):
        gc.enable() if enabled else gc.disable()
        before = (gc.isenabled(), gc.get_threshold())
        x = Value(1.5)
        (x * x + x).relu().backward()
        kept &= (gc.isenabled(), gc.get_threshold()) == before
    gc.enable()
    return kept


def count_nodes(root) -> int:
    """Nodes reachable from root, walked iteratively (micrograd's own walk is recursive)."""
    seen = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        for p in getattr(node, "parents", None) or getattr(node, "_prev", ()):
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return len(seen)


def floats_forward(engine: str = "floats", repeat: int = 20) -> dict:
    """The moons forward pass (loss only) in plain Python floats: the floor for a scalar engine."""
    X, y = make_moons()
    layers = initial_weights()

    def forward(row):
        x = row
        for i, layer in enumerate(layers):
            out = []
            for ws, b in layer:
                act = sum((wi * xi for wi, xi in zip(ws, x)), b)
                out.append(max(act, 0.0) if i != len(layers) - 1 else act)
            x = out
        return x[0]

    params = [p for layer in layers for ws, b in layer for p in ws + [b]]
    best = math.inf
    for _ in range(repeat):
        t0 = time.process_time()
        scores = [forward(r) for r in X]
        losses = [max(1 + -yi * si, 0.0) for yi, si in zip(y, scores)]
        total = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in params)
        best = min(best, time.process_time() - t0)
    return {"seconds": best, "loss": total}


WORKLOADS = {"moons": moons, "chain": chain, "per_op": per_op, "memory": memory,
             "floats": floats_forward}

if __name__ == "__main__":
    name, *args = sys.argv[1:]
    kwargs = dict(a.split("=", 1) for a in args[1:])
    kwargs = {k: int(v) if v.isdigit() else v for k, v in kwargs.items()}
    print(json.dumps(WORKLOADS[name](args[0] if args else "deltagrad", **kwargs)))
