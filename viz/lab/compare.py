"""A mistake's backward pass beside the right one, and the first place where they part.

    compare_backward(root, "overwrite")   graph level: every Value's gradient in both passes
    compare_network(mlp, x, y, "no_transpose")   network level: δ, ∂C/∂W, ∂C/∂b per layer

Step indices are those of engine.backward_steps(root): reverse topological order, and within a
node its parents in order. Neither function changes any `.grad` of the graph or the model.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from engine import Value
from viz.errors import LabError, LabTypeError
from viz.lab import mistakes, network
from viz.lab.catalogue import GRAPH_MISTAKES, MISTAKES, NETWORK_MISTAKES, Mistake
from viz.stepping.step_symbols import definition, fmt_number, latex_name, latex_partial, node_names, partial

REL_TOL = 1e-9  # two passes agree on a number when they differ by at most this × max(1, |it|) (rounding only)


def same(a: float, b: float) -> bool:
    """a and b agree up to rounding (the two passes may add the same terms in another order)."""
    return abs(a - b) <= REL_TOL * max(1.0, abs(a), abs(b))


def get_mistake(name: object, level: str, where: str) -> Mistake:
    """The catalogue entry `name` of the given level, else LabError listing the valid ones."""
    valid = GRAPH_MISTAKES if level == "graph" else NETWORK_MISTAKES
    if not isinstance(name, str) or name not in MISTAKES:
        raise LabError(f"{where}: unknown mistake {name!r:.60}; valid: {', '.join(valid)}")
    m = MISTAKES[name]
    if m.level != level:
        other = {"graph": "viz.compare_backward(root, mistake) / viz.diagnose(root, node, answer)",
                 "network": "viz.compare_network(mlp, x, y, mistake) / viz.diagnose_network(...)",
                 "perceptron": "viz.lab.perceptron_demo() (nn.Perceptron.fit(update=...))"}[m.level]
        raise LabError(f"{where}: {name!r} is a {m.level}-level mistake; use {other} (the {level}-level ones "
                       f"are {', '.join(valid)})")
    return m


# ---------------------------------------------------------------------------- graph level
@dataclass(frozen=True)
class StepPair:
    """Engine step `index` in both passes: what went along its edge and the parent's gradient after it.

    For the walks in the engine's order (`aligned`), wrong_grad is the parent's gradient right after
    this step; for no_topo and preorder (another order) it is the parent's final gradient, and
    wrong_contribution the total sent along the edge in `sends` passes (None if never)."""

    index: int
    node: Value
    parent: Value
    position: int
    right_contribution: float
    right_grad: float
    wrong_contribution: Optional[float]
    wrong_grad: float
    sends: int
    aligned: bool

    @property
    def differs(self) -> bool:
        sent = 0.0 if self.wrong_contribution is None else self.wrong_contribution
        if not same(sent, self.right_contribution) or (self.wrong_contribution is None and self.right_contribution != 0):
            return True
        return self.aligned and not same(self.wrong_grad, self.right_grad)


@dataclass(frozen=True)
class Divergence:
    """Where a mistake first goes wrong: engine step `step`, feeding `node`, whose final gradient is
    `right` in the right pass and `wrong` in the mistaken one."""

    step: int
    node: Value
    right: float
    wrong: float
    edge: Optional[tuple[Value, int]] = None  # (consumer, position) of that step; None for a graph without steps


class Comparison:
    """compare_backward's result: `.right` / `.wrong` map every Value of the graph to its gradient in
    each pass; `.first` is the first Divergence, or None when the mistake changes nothing here."""

    def __init__(self, root: Value, mistake: Mistake, right: mistakes.Pass, wrong: mistakes.Pass) -> None:
        self.root, self.mistake = root, mistake
        self.order = right.order
        self.right: dict[Value, float] = dict(right.grads)
        self.wrong: dict[Value, float] = dict(wrong.grads)
        self.names = dict(zip(self.order, node_names(self.order)[0]))
        self.steps = _pair_steps(right, wrong, mistake.name in mistakes.SAME_ORDER)
        self.first = self._first()

    def _first(self) -> Optional[Divergence]:
        bad = {v for v in self.order if not same(self.right[v], self.wrong[v])}
        if not bad:
            return None
        candidates = ([s for s in self.steps if s.differs and s.parent in bad]
                      or [s for s in self.steps if s.parent in bad])
        if not candidates:  # only the root itself differs (no_seed on a graph that passes nothing on)
            return Divergence(0, self.root, self.right[self.root], self.wrong[self.root])
        s = candidates[0]
        return Divergence(s.index, s.parent, self.right[s.parent], self.wrong[s.parent], (s.node, s.position))

    @property
    def name(self) -> str:
        return self.mistake.name

    def label(self, v: Value) -> str:
        """The display name of a node of the graph (its label; t3, c1, L when it has none)."""
        return self.names[v]

    def changed(self) -> list[Value]:
        """Every node whose gradient the mistake changes, root first."""
        return [v for v in reversed(self.order) if not same(self.right[v], self.wrong[v])]

    def __str__(self) -> str:
        m, L = self.mistake, self.label(self.root)
        if self.first is None:
            return (f"{m.name}: {m.title}. It makes no difference here: both passes give every gradient the same value. "
                    f"To expose it, {self.suggestion()}.")
        f, n = self.first, self.label(self.first.node)
        where = (f"at step {f.step + 1} of {len(self.steps)}, "
                 f"{partial(L, n)} += {partial(L, self.label(f.edge[0]))} · {partial(self.label(f.edge[0]), n)}"
                 if f.edge is not None else "from the start")
        others = len(self.changed()) - 1
        tail = f"; {others} other gradient{'s' if others != 1 else ''} change{'s' if others == 1 else ''} too" if others > 0 else ""
        return (f"{m.name}: {m.title}. It first goes wrong {where}: {partial(L, n)} comes out "
                f"{fmt_number(f.wrong)} instead of {fmt_number(f.right)}{tail}. "
                f"It is what you get if {m.if_clause(n, self._terms(f.node))}. {m.why}")

    def suggestion(self) -> str:
        """The smallest change to this expression that would expose the mistake (the catalogue's advice
        when there is nothing specific to say)."""
        name = self.mistake.name
        if name in ("overwrite", "set_parents"):
            for node in reversed(self.order):  # an op on two different inputs: make them one
                ps = node.parents
                if len(ps) == 2 and ps[0] is not ps[1] and not ps[0].parents and ps[0].op != "const" \
                        and not ps[1].parents and ps[1].op != "const":
                    p, q = self.label(ps[0]), self.label(ps[1])
                    return (f"use one value twice in the same op: {p} in place of {q} in "
                            f"{definition(node, self.label(node), [p, q])} (then {p}'s gradient is a sum)")
        if name == "local_only" and self.root.parents:
            return f"multiply the whole expression by 2 (2·{self.label(self.root)}: then every step below the root has an upstream gradient other than 1)"
        return self.mistake.expose

    def __repr__(self) -> str:
        return f"<Comparison {self.name}: {'no difference here' if self.first is None else 'differs'}>"

    def _terms(self, v: Value) -> int:
        return sum(1 for s in self.steps if s.parent is v)

    def latex(self) -> str:
        """The verdict as LaTeX (math-mode fragments inside text)."""
        m, L = self.mistake, latex_name(self.label(self.root))
        if self.first is None:
            return rf"\text{{{m.name}: no difference here; to expose it, {_tex_text(self.suggestion())}.}}"
        f = self.first
        n = latex_name(self.label(f.node))
        step = rf"\text{{step {f.step + 1}}}" if f.edge is not None else r"\text{the start}"
        return (rf"\text{{{m.name}}}: {latex_partial(L, n)} = {fmt_number(f.wrong)} \ne {fmt_number(f.right)}"
                rf"\ \text{{(right), first at }} {step}")


def _tex_text(s: str) -> str:
    return "".join("\\" + c if c in "#$%&_{}" else c for c in s)


def _pair_steps(right: mistakes.Pass, wrong: mistakes.Pass, aligned: bool) -> list[StepPair]:
    """One StepPair per write of the right pass (= per step of engine.backward_steps)."""
    sent: dict[tuple[int, int], list[mistakes.Write]] = defaultdict(list)
    for w in wrong.writes:
        sent[(id(w.node), w.position)].append(w)
    running = dict(wrong.start)
    pairs = []
    for i, r in enumerate(right.writes):
        parent = r.node.parents[r.position]
        ws = sent.get((id(r.node), r.position), [])
        if aligned:
            if ws:
                running[parent] = ws[0].parent_grad
            wrong_grad = running[parent]
        else:
            wrong_grad = wrong.grads[parent]
        pairs.append(StepPair(i, r.node, parent, r.position, r.contribution, r.parent_grad,
                              sum(w.contribution for w in ws) if ws else None, wrong_grad, len(ws), aligned))
    return pairs


def compare_backward(root: Value, mistake: str) -> Comparison:
    """Run the graph-level `mistake` (a name in viz.MISTAKES) and the right pass on root's graph."""
    if type(root) is not Value:
        raise LabTypeError(f"compare_backward: expected a Value (the root of a graph), got "
                           f"{type(root).__name__} {root!r:.60}; for a network use viz.compare_network(mlp, x, y, mistake)")
    m = get_mistake(mistake, "graph", "compare_backward")
    wrong = mistakes.GRAPH_PASSES[m.name](root)  # first: no_topo's refusal comes before any other work
    return Comparison(root, m, mistakes.right(root), wrong)


# ---------------------------------------------------------------------------- network level
@dataclass(frozen=True)
class NetworkDivergence:
    """The first δ^l_j that differs, searching from the output layer down (the order backprop runs):
    `layer` (notes' l), `neuron` (j from 1), the two values; or `error`, the exception the mistake
    really raises (no_transpose on layers of different widths), with `layer` where it happens."""

    layer: int
    neuron: Optional[int]
    right: Optional[float]
    wrong: Optional[float]
    error: Optional[Exception] = None


class NetworkComparison:
    """compare_network's result: `.right` / `.wrong` hold deltas, weight_grads, bias_grads per layer
    (as mlp.deltas() / mlp.weight_grads(l)); `.wrong` is None when the mistake cannot be computed."""

    def __init__(self, example: network.Example, mistake: Mistake) -> None:
        self.example, self.mistake = example, mistake
        self.right = network.run(example, None)
        self.wrong: Optional[network.NetworkGrads] = None
        try:
            self.wrong = network.run(example, mistake.name)
            self.first = self._first()
        except ValueError as e:  # NumPy: the product the erratum writes is undefined
            self.first = NetworkDivergence(self._failing_layer(), None, None, None, _shape_error(example, e))

    @property
    def name(self) -> str:
        return self.mistake.name

    def _first(self) -> Optional[NetworkDivergence]:
        assert self.wrong is not None
        for i in reversed(range(len(self.right.deltas))):
            for j, (r, w) in enumerate(zip(self.right.deltas[i], self.wrong.deltas[i])):
                if not same(r, w):
                    return NetworkDivergence(i + 2, j + 1, r, w)
        return None

    def _failing_layer(self) -> int:
        e = self.example
        return next(l for l in range(e.L - 1, 1, -1) if e.W[l + 1].shape[1] != e.W[l + 1].shape[0])

    def __str__(self) -> str:
        m = self.mistake
        if self.first is None:
            return (f"{m.name}: {m.title}. It makes no difference here: every δ and gradient agrees. "
                    f"To expose it, {m.expose}.")
        f = self.first
        if f.error is not None:
            return f"{m.name}: {m.title}. It cannot even be computed at layer {f.layer}: {f.error}"
        return (f"{m.name}: {m.title}. It first goes wrong at layer {f.layer} (searching from the output down): "
                f"δ^{f.layer}_{f.neuron} comes out {fmt_number(f.wrong)} instead of {fmt_number(f.right)}. "
                f"It is what you get if {m.if_clause()}. {m.why}")

    def __repr__(self) -> str:
        return f"<NetworkComparison {self.name}: {'no difference here' if self.first is None else 'differs'}>"

    def latex(self) -> str:
        m, f = self.mistake, self.first
        if f is None:
            return rf"\text{{{m.name}: no difference here}}"
        if f.error is not None:
            return rf"\text{{{m.name}: undefined at layer {f.layer} (shapes do not match)}}"
        return (rf"\text{{{m.name}}}: \delta^{{{f.layer}}}_{{{f.neuron}}} = {fmt_number(f.wrong)} \ne "
                rf"{fmt_number(f.right)}\ \text{{(right)}}")


def _shape_error(e: network.Example, numpy_error: Exception) -> Exception:
    """The ShapeError the printed eq. (4) produces, with NumPy's own message."""
    from nn.errors import ShapeError

    l = next(l for l in range(e.L - 1, 1, -1) if e.W[l + 1].shape[1] != e.W[l + 1].shape[0])
    r, c = e.W[l + 1].shape
    return ShapeError(f"as printed, Δ^{l} = W^{l + 1} Δ^{l + 1} ⊙ σ'(Z^{l}) multiplies W^{l + 1} ({r}×{c}) by "
                      f"Δ^{l + 1} ({r}×1), which is undefined; (W^{l + 1})ᵀ Δ^{l + 1} is {c}×1, the size of Δ^{l} "
                      f"(NumPy: {numpy_error})")


def compare_network(mlp: Any, x: Sequence[float], y: Any, mistake: str, loss: str = "squared_error") -> NetworkComparison:
    """Run the network-level `mistake` and the right pass for one example (x, y) through mlp."""
    if type(mlp) is Value:
        raise LabTypeError("compare_network: got a Value; for a graph use viz.compare_backward(root, mistake)")
    m = get_mistake(mistake, "network", "compare_network")
    example = network.Example(mlp, x, y, loss)
    if m.name == "half_factor" and loss not in network.HALF_FACTOR:
        network.half_factor(example)  # raises LabError naming the losses it is about
    return NetworkComparison(example, m)
