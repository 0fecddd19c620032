"""What each engine change bought: undo one change at a time and time the same workloads.

    python bench/ablation.py [--steps N] [--only TEXT]

Each variant runs in a fresh process with one piece of the engine put back as it was (the code is
below), or, for a change that touches the whole engine, with an earlier commit's tree measured
instead (`REVISIONS`: checked out with `git worktree` into a temporary folder), so the difference
to "current" is that change's share. Each cell is the fastest of --steps steps (CPU time) over
--rounds round-robin runs: on a shared machine the minimum is the least disturbed by other jobs.
Compare rows of one run only.

The variants that undid the first two passes' changes against the tuple layout (the op factory,
the leaf-skipping sort, the zip() loop, the old dot()) are in this file as of commit dc8a30b;
their results are in RESULTS.md. They patched code that the slot layout (pass 3) replaced, so
the whole pass-2 engine is now one variant of its own.
"""
from __future__ import annotations

import argparse
import atexit
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# ---------------------------------------------------------------------- the code before
def use_sort(topo_order) -> None:
    """backward sorts with topo_order, then zeroes the non-leaf grads in a second pass (as before pass 2)."""
    import engine.backward as eb

    def _start(root, seed):
        order = topo_order(root)
        for node in order:
            if not node.is_leaf:
                node.grad = 0.0
        root.grad = float(seed)
        return order

    eb.topo_order, eb._start = topo_order, _start


def old_no_pause() -> None:
    """backward() with the collector left running."""
    import engine.backward as eb

    def run_backward(root, seed=1.0):
        next(eb._chain_rule(root, seed, False), None)

    eb.run_backward = run_backward


def old_forward() -> None:
    """nn's forward one example at a time, every neuron calling dot() (which reads all its data)."""
    from nn.layer import Layer
    from nn.mlp import MLP

    Layer._forward = lambda self, x, w_data=None: [n._forward(x) for n in self.neurons]
    MLP._forward_batch = lambda self, X: [self(x) for x in X]


def old_zeroing() -> None:
    """The current sort, and the non-leaf grads zeroed in a second pass over its order."""
    import engine.backward as eb

    use_sort(eb.topo_order)


TUPLE_LAYOUT = "the tuple layout: pass 2's engine (commit dc8a30b)"
VARIANTS = {
    "current": [],
    "without the collector pause in backward": [old_no_pause],
    "with the per-example forward (pass 2)": [old_forward],
    "with the separate zeroing pass (pass 2)": [old_zeroing],
    TUPLE_LAYOUT: [],
}
# Variants measured on another commit's tree: a change to the node layout touches every op.
REVISIONS = {TUPLE_LAYOUT: "dc8a30b"}


def checkout(revision: str) -> str:
    """A temporary worktree of `revision` (removed at exit), so that its engine and nn are measured."""
    folder = tempfile.mkdtemp(prefix="deltagrad-ablation-")
    subprocess.run(["git", "-C", ROOT, "worktree", "add", "--detach", folder, revision],
                   check=True, capture_output=True)
    atexit.register(subprocess.run, ["git", "-C", ROOT, "worktree", "remove", "--force", folder],
                    capture_output=True)
    return folder


# ---------------------------------------------------------------------- one variant, in-process
def measure(variant: str, steps: int, root: str) -> dict:
    os.environ["DELTAGRAD_ROOT"] = root  # workloads.py puts this tree first on sys.path
    sys.path.insert(0, HERE)
    import workloads as w
    import nn  # noqa: F401 (imported before patching, as a user would have it)

    if os.path.dirname(os.path.abspath(nn.__file__)) != os.path.join(os.path.abspath(root), "nn"):
        raise SystemExit(f"ablation: measuring {nn.__file__}, not the tree {root}")
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
    parser.add_argument("--root", default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(measure(args.variant, args.steps, args.root)))
        return
    names = [n for n in VARIANTS if n == "current" or not args.only or args.only in n]
    roots = {n: checkout(REVISIONS[n]) if n in REVISIONS else ROOT for n in names}
    rows: dict[str, dict[str, float]] = {}
    for _ in range(args.rounds):  # round-robin, so a burst of load hits every variant alike
        for name in names:
            done = subprocess.run([sys.executable, __file__, "--variant", name, "--steps", str(args.steps),
                                   "--root", roots[name]], capture_output=True, text=True, check=True)
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
