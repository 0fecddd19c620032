"""What each engine change bought: undo one change at a time and time the same workloads.

    python bench/ablation.py [--steps N]

Each variant runs in a fresh process with one piece of the engine put back as it was before the
performance work (the code is below), so the difference to "current" is that change's share.
Each cell is the fastest of --steps steps (CPU time) over --rounds round-robin runs: on a
shared machine the minimum is the least disturbed by other jobs. Compare rows of one run only.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# ---------------------------------------------------------------------- the code before
def _old_init(self, data, label="", _parents=(), _local_grads=(), _op=""):
    """Value.__init__ as the first engine had it: every op result went through these checks."""
    if type(data) is not float:
        data = _to_float(data, "Value")
    if not isinstance(label, str):
        raise TypeError(f"Value: label must be a str, got {type(label).__name__}")
    self.data = data
    self.grad = 0.0
    if _parents and GRAD_ENABLED[0]:
        self.parents, self.local_grads, self.op = _parents, _local_grads, _op
    else:
        self.parents, self.local_grads, self.op = (), (), "" if _parents else _op
    self.label = label


def _node_via_init(data, parents, local_grads, op):
    """An op result built as the first engine built it: Value(data, "", parents, local_grads, op)."""
    return Value(data, "", parents, local_grads, op)


def _install_old_init() -> None:
    """Give Value its first __init__ back (with the names it reads bound once, as a module's are)."""
    global Value, _to_float, GRAD_ENABLED
    import engine.value as ev
    from engine.grad_mode import GRAD_ENABLED

    Value, _to_float = ev.Value, ev._to_float
    Value.__init__ = _old_init


def old_node_via_init() -> None:
    """Op results built through Value.__init__, which checks every field."""
    import engine.value as ev

    _install_old_init()
    ev._node = _node_via_init


def use_sort(topo_order) -> None:
    """backward sorts with topo_order, then zeroes the non-leaf grads in a second pass (as before pass 2)."""
    import engine.backward as eb

    def _start(root, seed):
        order = topo_order(root)
        for node in order:
            if node.parents:
                node.grad = 0.0
        root.grad = float(seed)
        return order

    eb.topo_order, eb._start = topo_order, _start


def old_topo() -> None:
    """A (node, iterator) tuple pushed for every node, leaves included."""
    import engine.backward as eb

    def topo_order(root):
        order, seen = [], {root}
        stack = [(root, iter(root.parents))]
        while stack:
            node, parents = stack[-1]
            for parent in parents:
                if parent not in seen:
                    seen.add(parent)
                    stack.append((parent, iter(parent.parents)))
                    break
            else:
                stack.pop()
                order.append(node)
        return order

    use_sort(topo_order)


def old_zip_loop() -> None:
    """The chain-rule loop over zip(parents, local_grads)."""
    import engine.backward as eb

    def _chain_rule(root, seed, record):
        order = eb._start(root, seed)
        for node in reversed(order):
            upstream = node.grad
            for parent, local in zip(node.parents, node.local_grads):
                contribution = local * upstream
                parent.grad += contribution
                if record:
                    yield None
        return

    eb._chain_rule = _chain_rule


def old_no_pause() -> None:
    """backward() with the collector left running."""
    import engine.backward as eb

    def run_backward(root, seed=1.0):
        next(eb._chain_rule(root, seed, False), None)

    eb.run_backward = run_backward


def old_dot() -> None:
    """dot() with four list comprehensions, two concatenations and Value(...)."""
    import engine
    import engine.value as ev
    from engine.value import Value, _lift

    def dot(weights, inputs, bias=None):
        ws = [w if type(w) is Value else _lift(w, "dot") for w in weights]
        xs = [x if type(x) is Value else _lift(x, "dot") for x in inputs]
        wd = [w.data for w in ws]
        xd = [x.data for x in xs]
        total = sum(map(float.__mul__, wd, xd))
        parents, local = ws + xs, xd + wd
        if bias is not None:
            b = bias if type(bias) is Value else _lift(bias, "dot")
            total += b.data
            parents.append(b)
            local.append(1.0)
        return ev.Value(total, "", tuple(parents), tuple(local), "dot")

    _install_old_init()
    ev.dot = engine.dot = dot
    for name in ("nn.neuron", "nn.losses"):
        module = sys.modules.get(name)
        if module is not None and hasattr(module, "dot"):
            module.dot = dot


def old_forward() -> None:
    """nn's forward one example at a time, every neuron calling dot() (which reads all its data)."""
    from nn.layer import Layer
    from nn.mlp import MLP

    Layer._forward = lambda self, x, w_data=None: [n._forward(x) for n in self.neurons]
    MLP._forward_batch = lambda self, X: [self(x) for x in X]


def old_topo_no_shortcut() -> None:
    """The leaf-skipping sort without the shortcut for nodes whose parents are all placed."""
    import engine.backward as eb

    def topo_order(root):
        order, seen = [], {root}
        nodes, pending = [root], [iter(root.parents)]
        while pending:
            for parent in pending[-1]:
                if parent not in seen:
                    seen.add(parent)
                    if parent.parents:
                        nodes.append(parent)
                        pending.append(iter(parent.parents))
                        break
                    order.append(parent)
            else:
                pending.pop()
                order.append(nodes.pop())
        return order

    use_sort(topo_order)


def old_zeroing() -> None:
    """The current sort, and the non-leaf grads zeroed in a second pass over its order."""
    import engine.backward as eb

    use_sort(eb.topo_order)


VARIANTS = {
    "current": [],
    "without the op factory": [old_node_via_init],
    "without the leaf-skipping topo sort": [old_topo],
    "with the zip() loop": [old_zip_loop],
    "without the collector pause in backward": [old_no_pause],
    "with the old dot() (and the per-example forward)": [old_forward, old_dot],
    "all of pass 1 and 2 undone (before both passes)": [
        old_node_via_init, old_topo, old_zip_loop, old_no_pause, old_dot, old_forward],
    "with the per-example forward (pass 2)": [old_forward],
    "without the all-parents-placed shortcut (pass 2)": [old_topo_no_shortcut],
    "with the separate zeroing pass (pass 2)": [old_zeroing],
    "all three of pass 2 undone": [old_forward, old_topo_no_shortcut],
}


# ---------------------------------------------------------------------- one variant, in-process
def measure(variant: str, steps: int) -> dict:
    sys.path.insert(0, ROOT)
    sys.path.insert(0, HERE)
    import nn  # noqa: F401 (imported before patching, as a user would have it)
    import workloads as w

    for undo in VARIANTS[variant]:
        undo()
    out = {}
    # engine level, collector on and off
    Value = w.engine_value("deltagrad")
    X, y = w.make_moons()
    model = w.GenericMLP(Value, w.initial_weights())
    params = model.parameters()

    def engine_loss():
        return w.generic_loss(Value, model, params, X, y)

    lib_loss, lib_params = w.library_model("deltagrad", w.initial_weights())
    import gc

    for key, fn, ps in (("engine", engine_loss, params), ("library", lib_loss, lib_params)):
        for collector in ("on", "off"):
            if collector == "off":
                gc.disable()
            times = []
            for k in range(steps):
                t0 = time.process_time()
                w.sgd_step(fn, ps, k)
                times.append(time.process_time() - t0)
            gc.enable()
            out[f"{key} step, collector {collector}"] = min(times[1:])
    # a deep chain's backward
    x, wv = Value(0.5), Value(1.0)
    chain = x
    for _ in range(200_000):
        chain = chain * wv
    t0 = time.process_time()
    chain.backward()
    out["2·10⁵ chain backward"] = time.process_time() - t0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3, help="variants run round-robin this many times")
    parser.add_argument("--only", help="run 'current' and the variants whose name contains this text")
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(measure(args.variant, args.steps)))
        return
    names = [n for n in VARIANTS if n == "current" or not args.only or args.only in n]
    rows: dict[str, dict[str, float]] = {}
    for _ in range(args.rounds):  # round-robin, so a burst of load hits every variant alike
        for name in names:
            done = subprocess.run([sys.executable, __file__, "--variant", name, "--steps", str(args.steps)],
                                  capture_output=True, text=True, check=True)
            for key, value in json.loads(done.stdout).items():
                rows.setdefault(name, {})[key] = min(value, rows.get(name, {}).get(key, value))
            print(".", end="", flush=True)
    print()
    keys = list(rows["current"])
    print("| variant | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for name, r in rows.items():
        cells = [f"{r[k] * 1e3:,.1f} ms ({r[k] / rows['current'][k]:.2f}×)" for k in keys]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
