"""How long graphviz-pure takes to lay out what viz.draw emits, over families of graphs up to max_nodes.

    python bench/render_times.py            # every family at several sizes up to viz.DEFAULT_MAX_NODES
    python bench/render_times.py --quick    # two sizes per family

Each graph is built, backward() is run, viz.draw draws it and graphviz-pure renders the SVG in its own
process; the time is wall clock of that render (the machine may be shared: the render is repeated
and the fastest of the repeats kept). Prints every measurement and each family's worst time. The
target (issue 11) is at most 2 s for any graph draw accepts. Not a test: nothing here asserts.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from engine import Value, topo_order  # noqa: E402
import viz  # noqa: E402
from viz.diagrams.backends import find_renderer  # noqa: E402

TARGET_SECONDS = 2.0


def chain(n: int) -> Value:
    """tanh(tanh(…(x)…)): n nodes in one line."""
    y = Value(0.5, "x")
    for _ in range(n - 1):
        y = y.tanh()
    return y


def chain_with_constants(n: int) -> Value:
    """y ← y·0.9 + 0.1 repeated: a chain whose ops take drawn constants (4 nodes a link)."""
    y = Value(0.5, "x")
    while len(topo_order(y)) + 4 <= n:
        y = y * 0.9 + 0.1
    return y


def product(n: int) -> Value:
    """x*x*…*x of n factors (n nodes): one leaf used by every op of a long chain."""
    x = Value(1.01, "x")
    y = x
    for _ in range(n - 1):
        y = y * x
    return y


def fan_out_sum(n: int) -> Value:
    """Σ_i tanh(x·c_i) added up one by one: x feeds ops at every depth of the sum chain."""
    x = Value(0.3, "x")
    y = (x * 0.1).tanh()
    i = 1
    while len(topo_order(y)) + 4 <= n:  # each term adds a constant, ·, tanh and +
        i += 1
        y = y + (x * (0.1 * i)).tanh()
    return y


def fan_out_wide(n: int) -> Value:
    """One leaf into n − 2 unary ops, gathered by one n-ary sum: a wide single rank."""
    from engine import sum_values

    x = Value(0.3, "x")
    return sum_values([x.tanh() if i % 2 else x.exp() for i in range(n - 2)])


def horner(n: int) -> Value:
    """((x·a + b)·x + c)·x + …: a polynomial by Horner's rule (x at every level, with constants)."""
    x = Value(0.7, "x")
    y = x * 0.5
    i = 0
    while len(topo_order(y)) + 3 <= n:  # each level adds a constant, + and ·
        i += 1
        y = (y + 0.1 * i) * x
    return y


def balanced_tree(n: int) -> Value:
    """A balanced binary tree of alternating + and · over (n + 1) / 2 leaves."""
    level = [Value(0.1 * (i + 1), f"a{i}") for i in range((n + 1) // 2)]
    depth = 0
    while len(level) > 1:
        nxt = [(level[i] + level[i + 1]) if depth % 2 else (level[i] * level[i + 1])
               for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level, depth = nxt, depth + 1
    return level[0]


def random_dag(n: int, seed: int = 0) -> Value:
    """Binary ops on a random earlier node and a recent one: long edges and crossings everywhere."""
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(0.5, 1.5), f"x{i}") for i in range(4)]
    while len(topo_order(nodes[-1])) < n - 3:
        a, b = rng.choice(nodes), rng.choice(nodes[-3:])
        y = a + b if rng.random() < 0.5 else a * b
        nodes.append(y.tanh() if rng.random() < 0.3 else y)
    return nodes[-1]


def _mlp(sizes: list[int], elementary: bool) -> Value:
    from nn.losses import squared_error
    from nn.mlp import MLP

    mlp = MLP(sizes[0], sizes[1:], seed=0, elementary=elementary)
    return squared_error(mlp([0.5 * (i + 1) for i in range(sizes[0])]), [1.0] * sizes[-1])


def mlp_graphs(elementary: bool, limit: int) -> list[tuple[str, Value]]:
    """One example's loss graph for MLPs of growing size, those with at most `limit` nodes."""
    shapes = [[2, 1], [2, 2, 1], [2, 3, 1], [2, 4, 1], [2, 4, 4, 1], [3, 4, 4, 1], [2, 6, 6, 1], [2, 8, 8, 1],
              [4, 8, 8, 2], [2, 10, 10, 1], [2, 12, 8, 1], [2, 12, 12, 1], [3, 10, 10, 3], [2, 8, 8, 8, 1],
              [2, 16, 1], [2, 24, 1], [2, 40, 1]]
    out = []
    for shape in shapes:
        root = _mlp(shape, elementary)
        if len(topo_order(root)) <= limit:
            out.append(("-".join(map(str, shape)), root))
    return out


FAMILIES: dict[str, Callable[[int], Value]] = {
    "chain (tanh)": chain, "chain with constants": chain_with_constants, "x*x*…*x": product,
    "fan-out, summed one by one": fan_out_sum, "fan-out, one wide sum": fan_out_wide, "Horner polynomial": horner,
    "balanced tree": balanced_tree, "random DAG": random_dag,
}


def render_seconds(root: Value, repeats: int) -> tuple[float, int]:
    """The fastest of `repeats` graphviz-pure renders of draw(root), and the drawn node count."""
    root.backward()
    diagram = viz.draw(root)
    renderer = find_renderer("graphviz-pure", "svg")
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        renderer.run(diagram.source, "svg")
        best = min(best, time.perf_counter() - start)
    return best, len(topo_order(root))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two sizes per family")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    limit = viz.DEFAULT_MAX_NODES
    sizes = [limit // 2, limit] if args.quick else [25, 50, 100, 150, 200, 250, limit]
    worst: dict[str, tuple[float, str]] = {}
    cases: list[tuple[str, str, Callable[[], Value]]] = []
    for family, build in FAMILIES.items():
        cases += [(family, f"n={n}", lambda build=build, n=n: build(n)) for n in sizes]
    for elementary in (False, True):
        family = f"MLP example ({'elementary' if elementary else 'dot'})"
        graphs = mlp_graphs(elementary, limit)
        if args.quick:
            graphs = graphs[-2:]
        cases += [(family, shape, lambda root=root: root) for shape, root in graphs]
    for family, size, make in cases:
        root = make()
        seconds, nodes = render_seconds(root, args.repeats)
        print(f"{family:32s} {size:10s} {nodes:4d} nodes  {seconds:6.2f} s", flush=True)
        if family not in worst or seconds > worst[family][0]:
            worst[family] = (seconds, f"{size}, {nodes} nodes")
    print(f"\nWorst render time per family (graphviz-pure, max_nodes={limit}, target {TARGET_SECONDS:g} s):")
    print("| family | worst case | seconds |\n|---|---|---|")
    for family, (seconds, where) in worst.items():
        print(f"| {family} | {where} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
