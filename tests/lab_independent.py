"""An independent implementation of the lab's graph-level mistakes, for the tests: a random graph as a
small program whose local derivatives come from the ops' formulas (not from the engine's local_grads),
and each mistaken walk written over the program's own indices."""
from __future__ import annotations

import math

from hypothesis import strategies as st

import engine
from engine import Value

# A random graph as a program: ("leaf", value) or (op, i, j) over earlier entries (i may equal j).
OPS = ("add", "mul", "tanh", "mulc")


@st.composite
def programs(draw):
    n_leaves = draw(st.integers(1, 3))
    prog = [("leaf", draw(st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 2)))) for _ in range(n_leaves)]
    for _ in range(draw(st.integers(1, 7))):
        op = draw(st.sampled_from(OPS))
        i = draw(st.integers(0, len(prog) - 1))
        j = draw(st.integers(0, len(prog) - 1)) if op in ("add", "mul") else i
        prog.append((op, i, j))
    return prog


def build(prog):
    """The engine graph of a program, and per entry its parents (indices) and local derivatives by formula."""
    vals, nodes, parents, locals_ = [], [], [], []
    for k, entry in enumerate(prog):
        if entry[0] == "leaf":
            nodes.append(Value(entry[1], f"x{k}"))
            vals.append(entry[1])
            parents.append([])
            locals_.append([])
            continue
        op, i, j = entry
        a, b = vals[i], vals[j]
        if op == "add":
            nodes.append(nodes[i] + nodes[j]); vals.append(a + b); parents.append([i, j]); locals_.append([1.0, 1.0])
        elif op == "mul":
            nodes.append(nodes[i] * nodes[j]); vals.append(a * b); parents.append([i, j]); locals_.append([b, a])
        elif op == "mulc":  # times the constant 3: the constant is a leaf of its own
            c = Value(3.0, f"c{k}")
            nodes.append(nodes[i] * c); vals.append(3 * a); parents.append([i, ("c", k)]); locals_.append([3.0, a])
        else:
            t = math.tanh(a)
            nodes.append(nodes[i].tanh()); vals.append(t); parents.append([i]); locals_.append([1 - t * t])
    return nodes, parents, locals_


def reachable(parents, root):
    seen, stack = {root}, [root]
    while stack:
        for p in parents[stack.pop()]:
            if isinstance(p, int) and p not in seen:
                seen.add(p)
                stack.append(p)
    return seen


def independent(prog, name):
    """The mistake run over the program's own indices (not the engine's graph), leaf grads by index."""
    nodes, parents, locals_ = build(prog)
    root = len(prog) - 1
    live = reachable(parents, root)
    g = {k: 0.0 for k in live}
    g[root] = 0.0 if name == "no_seed" else 1.0
    const = {}  # gradients of the constants, keyed ("c", k)

    def send(k, pos, amount, assign=False):
        p = parents[k][pos]
        table = const if isinstance(p, tuple) else g
        table[p] = amount if assign else table.get(p, 0.0) + amount

    # a topological order of the live entries: by index (every parent has a smaller index)
    topo = sorted(live, reverse=True)
    if name in ("right", "no_seed", "local_only", "set_parents", "overwrite", "no_zero_grad"):
        # overwrite's last write depends on the order: use the engine's step order, our numbers
        engine_order = engine.topo_order(nodes[root])
        index = {id(v): k for k, v in enumerate(nodes)}
        order = [index[id(v)] for v in reversed(engine_order) if id(v) in index and v.parents]
        for _ in range(2 if name == "no_zero_grad" else 1):
            for k in list(g):  # a second backward() sets non-leaves afresh
                if parents[k] and k != root:
                    g[k] = 0.0
            for k in order:
                kept = set()
                for pos in range(len(parents[k])):
                    if name == "set_parents":
                        if parents[k][pos] in kept:
                            continue
                        kept.add(parents[k][pos])
                    factor = 1.0 if name == "local_only" else g[k]
                    send(k, pos, locals_[k][pos] * factor, assign=name == "overwrite")
    elif name == "no_topo":
        stack = [root]
        while stack:
            k = stack.pop()
            for pos in range(len(parents[k])):
                send(k, pos, locals_[k][pos] * g[k])
            stack.extend(p for p in reversed(parents[k]) if isinstance(p, int))
    elif name == "preorder":
        stack, done = [root], set()
        while stack:
            k = stack.pop()
            if k in done:
                continue
            done.add(k)
            for pos in range(len(parents[k])):
                send(k, pos, locals_[k][pos] * g[k])
            stack.extend(p for p in reversed(parents[k]) if isinstance(p, int))
    del topo
    return nodes, g, const


