"""The backward pass one chain-rule application at a time, in words and in LaTeX.

Every number comes from `engine.backward_steps` (the one implementation of the chain rule):
    ∂L/∂p += ∂L/∂n · ∂n/∂p = upstream × local = contribution
The op of each node is read only to *display* the local derivative's symbolic form.

    >>> from engine import Value
    >>> w1, x = Value(3.0, "w1"), Value(2.0, "x")
    >>> z = w1 * x; z.label = "z"
    >>> trace = trace_backward(z * 0.5)
    >>> print(trace.text(2))
    ∂L/∂w1 += ∂L/∂z · ∂z/∂w1 = 0.5000 × 2.0000 = 1.0000 (the only contribution to w1: its gradient is complete, ∂L/∂w1 = 1.0000)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from engine import Value, backward_steps, topo_order
from viz.args import check_bool, check_int
from viz.stepping.step_symbols import (  # noqa: F401  (fmt_number, latex_name, ... are re-exported)
    definition,
    factor,
    fmt_number,
    is_number,
    latex_name,
    latex_partial,
    local_formula,
    node_names,
    partial,
)

MAX_SUM_TERMS = 8  # a longer fan-out sum is not written out term by term


# ---------------------------------------------------------------------------- the trace
@dataclass(frozen=True)
class StepRecord:
    """One engine.Step, with nodes as positions in the trace's topological order."""

    index: int  # 0-based step number (= engine Step.index)
    node: int  # the consumer n passing its gradient back
    parent: int  # the input p receiving local × upstream
    position: int  # which entry of order[node].parents
    local: float  # ∂n/∂p, from local_grads
    upstream: float  # ∂L/∂n
    contribution: float  # local × upstream
    parent_grad: float  # ∂L/∂p after this step
    term: int  # contribution number `term` of `terms` into p
    terms: int
    parent_done: bool  # p's gradient is complete after this step
    node_first: bool  # first step passing on n's (complete) gradient


class BackwardTrace:
    """A recorded backward pass: the steps of engine.backward_steps plus what each frame needs.

    Position k (0..len(steps)) means "after k steps"; position 0 is the start, where only the
    root holds its seed ∂L/∂L = 1. Steps are numbered 1..n for people and 0..n-1 in `steps`.
    """

    def __init__(self, root: Value, *, fresh: bool = True, digits: int = 4) -> None:
        if type(root) is not Value:
            raise TypeError(f"trace_backward: expected a Value, got {type(root).__name__} {root!r:.60}")
        check_int(digits, "trace_backward", "digits", 0, 12)
        check_bool(fresh, "trace_backward", "fresh")
        self.root = root
        self.digits = digits
        self.order: list[Value] = topo_order(root)
        self.index_of = {id(v): k for k, v in enumerate(self.order)}
        self.names, self.generated = node_names(self.order)
        self.latex_names = [latex_name(n) for n in self.names]
        if fresh:  # a fresh pass: leaves start at 0 as after zero_grad (backward adds into leaves)
            for v in self.order:
                if not v.parents:
                    v.grad = 0.0
        self.initial = [v.grad if not v.parents else 0.0 for v in self.order]
        self.initial[-1] = 1.0
        self.steps: list[StepRecord] = []
        self.received: dict[int, list[float]] = {}  # node -> its contributions, in order
        for s in backward_steps(root):
            p = self.index_of[id(s.parent)]
            self.received.setdefault(p, []).append(s.contribution)
            self.steps.append(StepRecord(
                s.index, self.index_of[id(s.node)], p, s.position, s.local, s.upstream,
                s.contribution, s.parent_grad, s.term, s.terms, s.parent_done, s.node_first,
            ))
        self.final = [v.grad for v in self.order]

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def root_name(self) -> str:
        return self.names[-1]

    # --------------------------------------------------------------- state after k steps
    def grads_at(self, k: int) -> list[float]:
        """Every node's grad (topological order) after the first k steps."""
        grads = list(self.initial)
        for s in self.steps[: self._check(k)]:
            grads[s.parent] = s.parent_grad
        return grads

    def complete_at(self, k: int) -> set[int]:
        """Nodes whose gradient is final after k steps: the root and every parent_done so far."""
        done = {len(self.order) - 1}
        done.update(s.parent for s in self.steps[: self._check(k)] if s.parent_done)
        return done

    def applied_at(self, k: int) -> list[tuple[int, int]]:
        """(node, position) of the edges already applied after k steps."""
        return [(s.node, s.position) for s in self.steps[: self._check(k)]]

    def _check(self, k: int) -> int:
        if not isinstance(k, int) or not 0 <= k <= len(self.steps):
            raise IndexError(f"step position must be an int in 0..{len(self.steps)}, got {k!r}")
        return k

    # --------------------------------------------------------------- words
    def num(self, x: float) -> str:
        return fmt_number(x, self.digits)

    def start_text(self) -> str:
        """What position 0 shows: the seed."""
        L = self.root_name
        return f"Start: {partial(L, L)} = {self.num(self.initial[-1])} (the seed); every other gradient waits."

    def equation(self, i: int) -> str:
        """∂L/∂p += ∂L/∂n · ∂n/∂p = upstream × local = contribution, for steps[i]."""
        s, L = self.steps[i], self.root_name
        n, p = self.names[s.node], self.names[s.parent]
        return (f"{partial(L, p)} += {partial(L, n)} · {partial(n, p)} = "
                f"{self.num(s.upstream)} × {factor(s.local, self.digits)} = {self.num(s.contribution)}")

    def status(self, i: int) -> str:
        """Where p's gradient stands: only contribution, one of several (fan-out), or complete."""
        s, L = self.steps[i], self.root_name
        p = self.names[s.parent]
        if s.terms == 1:
            text = f"(the only contribution to {p}: its gradient is complete, {partial(L, p)} = {self.num(s.parent_grad)})"
        elif not s.parent_done:
            text = (f"(contribution {s.term} of {s.terms} to {p}: {p} is used {s.terms} times, so its "
                    f"gradient is a sum; running sum {self.num(s.parent_grad)})")
        else:
            start = self.initial[s.parent]
            terms = self.received[s.parent][: s.term]
            if len(terms) > MAX_SUM_TERMS:
                total = f"sum of all {len(terms)} contributions"
            else:
                total = "sum = " + self.signed_sum(terms, f"{self.num(start)} (from before)" if start else None)
            text = (f"(contribution {s.terms} of {s.terms}: {p}'s gradient is complete, "
                    f"{total} = {self.num(s.parent_grad)})")
        if self.order[s.parent].op == "const":
            text += f" [{p} is the constant {self.num(self.order[s.parent].data)}: its gradient is never used]"
        return text

    def signed_sum(self, terms: Sequence[float], first: str | None = None) -> str:
        """c1 + c2 − |c3| ... with the signs written once (after `first`, if given)."""
        out = first if first is not None else self.num(terms[0])
        for c in terms[(0 if first is not None else 1):]:
            out += f" − {self.num(-c)}" if c < 0 else f" + {self.num(c)}"
        return out

    def text(self, i: int) -> str:
        """One line for steps[i]: the equation and the status of the receiving node."""
        return f"{self.equation(i)} {self.status(i)}"

    def rule(self, i: int) -> str:
        """Why the local factor is what it is, e.g. "∂z/∂w1 = x = 2.0000, since z = w1 · x"."""
        s = self.steps[i]
        node = self.order[s.node]
        n, p = self.names[s.node], self.names[s.parent]
        pn = [self.names[self.index_of[id(q)]] for q in node.parents]
        form = local_formula(node, s.position, n, pn)
        head = f"{partial(n, p)} = "
        if form is not None and not is_number(form, s.local):
            head += f"{form} = "
        return f"{head}{self.num(s.local)}, since {definition(node, n, pn)}"

    def preface(self, i: int) -> str | None:
        """On the first step out of a node: its gradient is complete and goes to its inputs."""
        s = self.steps[i]
        if not s.node_first:
            return None
        node, n, L = self.order[s.node], self.names[s.node], self.root_name
        inputs = ", ".join(self.names[self.index_of[id(q)]] for q in node.parents)
        count = len(node.parents)
        where = f"{n} is the root:" if s.node == len(self.order) - 1 else f"{n}'s gradient is complete:"
        return (f"{where} {partial(L, n)} = {self.num(s.upstream)}; "
                f"pass it back to its {count} input{'s' if count != 1 else ''}: {inputs}")

    def explain(self, i: int) -> str:
        """The full account of steps[i]: preface (if any), numbered equation with status, rule."""
        lines = [p for p in (self.preface(i),) if p]
        lines.append(f"Step {i + 1} of {len(self.steps)}: {self.text(i)}")
        lines.append(f"    where {self.rule(i)}")
        return "\n".join(lines)

    def definitions(self) -> list[str]:
        """How every computed node is made, in the trace's names (the forward pass)."""
        out = []
        for k, v in enumerate(self.order):
            if v.op == "const":
                out.append(f"{self.names[k]} = {self.num(v.data)} (a constant)")
            elif v.parents:
                pn = [self.names[self.index_of[id(q)]] for q in v.parents]
                out.append(f"{definition(v, self.names[k], pn)} = {self.num(v.data)}")
        return out

    def naming_note(self) -> str | None:
        """Says which names were generated (unlabeled nodes), or None if all were labeled."""
        gen = [self.names[k] for k in sorted(self.generated)]
        if not gen:
            return None
        return ("Unlabeled nodes are named by their position in topological order (t = a computed"
                f" value, c = a constant; an unlabeled root is L): {', '.join(gen)}")

    # --------------------------------------------------------------- LaTeX
    def latex(self, i: int) -> str:
        """steps[i] in LaTeX (math mode body, no $ delimiters)."""
        s, L = self.steps[i], self.latex_names[-1]
        n, p = self.latex_names[s.node], self.latex_names[s.parent]
        node = self.order[s.node]
        pn = [self.latex_names[self.index_of[id(q)]] for q in node.parents]
        form = local_formula(node, s.position, n, pn, latex=True)
        where = (f", \\qquad {latex_partial(n, p)} = {form}"
                 if form is not None and not is_number(form.replace("-", "−"), s.local) else "")
        if s.terms == 1:
            status = r"\text{complete}"
        else:
            status = rf"\text{{term {s.term} of {s.terms}{'; complete' if s.parent_done else ''}}}"
        return (f"{latex_partial(L, p)} \\mathrel{{+}}= {latex_partial(L, n)} \\cdot {latex_partial(n, p)}"
                f" = {self.num(s.upstream)} \\times {factor(s.local, self.digits)} = {self.num(s.contribution)}"
                f"{where} \\quad ({status})")

    def latex_document_body(self) -> str:
        """Every step as an align* environment (ready to paste into a LaTeX file)."""
        rows = [self.latex(i).replace(r"\mathrel{+}=", r"&\mathrel{+}=") for i in range(len(self.steps))]
        return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"

    # --------------------------------------------------------------- tables
    def table(self, k: int) -> list[tuple[str, float, float, bool]]:
        """(name, data, grad after k steps, complete?) for every node, root first."""
        grads, done = self.grads_at(k), self.complete_at(k)
        return [(self.names[j], self.order[j].data, grads[j], j in done)
                for j in reversed(range(len(self.order)))]


def trace_backward(root: Value, *, fresh: bool = True, digits: int = 4) -> BackwardTrace:
    """Run root's backward pass through engine.backward_steps and record every step.

    fresh=True zeroes the leaves' grads first (as `zero_grad` would), so each leaf's gradient
    is exactly the sum of its contributions; fresh=False keeps what the leaves held.
    Afterwards the graph's grads are those of a finished backward pass.
    """
    return BackwardTrace(root, fresh=fresh, digits=digits)


def explain_steps(root: Value, *, digits: int = 4, fresh: bool = True) -> list[str]:
    """The one-line account of every step of root's backward pass, in order."""
    trace = trace_backward(root, fresh=fresh, digits=digits)
    return [trace.text(i) for i in range(len(trace))]


def explain_steps_latex(root: Value, *, digits: int = 4, fresh: bool = True) -> list[str]:
    """The LaTeX of every step of root's backward pass, in order."""
    trace = trace_backward(root, fresh=fresh, digits=digits)
    return [trace.latex(i) for i in range(len(trace))]


def print_steps(root: Value, *, digits: int = 4, fresh: bool = True) -> None:
    """Print the full account of root's backward pass (forward definitions, then every step)."""
    trace = trace_backward(root, fresh=fresh, digits=digits)
    print("\n".join(render_walk(trace)))


def render_walk(trace: BackwardTrace) -> list[str]:
    """Every block of a full walk: forward pass, naming note, start, each step, final grads."""
    blocks = ["Forward pass:\n" + "\n".join("    " + d for d in trace.definitions())]
    note = trace.naming_note()
    if note:
        blocks.append(note)
    blocks.append(trace.start_text())
    blocks.extend(trace.explain(i) for i in range(len(trace)))
    blocks.append(final_table(trace))
    return blocks


def final_table(trace: BackwardTrace) -> str:
    """The gradients after the whole pass, one node per line."""
    L = trace.root_name
    rows = [f"    {partial(L, trace.names[j])} = {trace.num(trace.final[j])}"
            for j in reversed(range(len(trace.order))) if trace.order[j].op != "const"]
    return "Gradients after the backward pass (constants left out):\n" + "\n".join(rows)
