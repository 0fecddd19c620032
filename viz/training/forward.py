"""The forward pass one node at a time, in topological order, with its formula and its numbers.

Every number is read off the graph: a node's inputs are its parents' `data` and its result is
its own `data` (computed by the engine when the op ran); the op is read only to write the formula.

    >>> from engine import Value
    >>> x, w, b = Value(1.0, "x"), Value(-2.0, "w"), Value(0.5, "b")
    >>> z = x * w + b; z.label = "z"
    >>> print(trace_forward(z.tanh()).text(1))
    z = t2 + b = -2.0000 + 0.5000 = -1.5000
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

from engine import Value, topo_order
from viz.app.expr import ExpressionError, parse_number
from viz.diagrams.labels import pretty_label
from viz.stepping.quiz import Feedback
from viz.stepping.step_symbols import _expression, definition, factor, fmt_number, latex_name, node_names


@dataclass(frozen=True)
class ForwardStep:
    """One computed node: its position, op, its parents' positions and data, and its own data."""

    index: int  # 0-based step number
    node: int  # position of the node in topological order
    op: str
    parents: tuple[int, ...]
    inputs: tuple[float, ...]  # the parents' data, in parents order
    value: float  # the node's data


class ForwardTrace:
    """A recorded forward pass: one step per computed (non-leaf) node, in topological order.

    `names` are the backward trace's names (labels, t3, c5, L) so forward and backward steps
    speak of the same nodes; `pretty` writes nn's labels in the notes' look (z2_1 as z²₁).
    """

    def __init__(self, root: Value, *, digits: int = 4, pretty: bool = True) -> None:
        if type(root) is not Value:
            raise TypeError(f"trace_forward: expected a Value, got {type(root).__name__} {root!r:.60}")
        if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 12:
            raise ValueError(f"trace_forward: digits must be an int from 0 to 12, got {digits!r:.60}")
        self.root, self.digits = root, digits
        self.order: list[Value] = topo_order(root)
        self.index_of = {id(v): k for k, v in enumerate(self.order)}
        names, generated = node_names(self.order)
        self.names = [n if k in generated or not pretty else pretty_label(n) for k, n in enumerate(names)]
        self.latex_names = [_latex(n) for n in names]
        self.steps: list[ForwardStep] = []
        for k, v in enumerate(self.order):
            if v.parents:
                ps = tuple(self.index_of[id(p)] for p in v.parents)
                self.steps.append(ForwardStep(len(self.steps), k, v.op, ps,
                                              tuple(p.data for p in v.parents), v.data))
        self.step_of = {s.node: s.index for s in self.steps}

    def __len__(self) -> int:
        return len(self.steps)

    def num(self, x: float) -> str:
        return fmt_number(x, self.digits)

    def leaves(self) -> list[str]:
        """The inputs of the pass: "x₁ = 0.5000" for every leaf (constants marked)."""
        out = []
        for k, v in enumerate(self.order):
            if not v.parents:
                out.append(f"{self.names[k]} = {self.num(v.data)}" + (" (a constant)" if v.op == "const" else ""))
        return out

    def formula(self, i: int, latex: bool = False) -> str:
        """steps[i] in symbols: "z²₁ = w²₁₁ · x₁ + w²₁₂ · x₂ + b²₁"."""
        s = self.steps[i]
        names = self.latex_names if latex else self.names
        return definition(self.order[s.node], names[s.node], [names[p] for p in s.parents], latex)

    def numbers(self, i: int, latex: bool = False) -> str:
        """steps[i]'s right-hand side with the parents' data in place of their names."""
        s = self.steps[i]
        op = self.order[s.node].op
        plain = len(s.inputs) == 1 and not op.startswith("**") and op != "neg"  # f(x): no parentheses
        shown = [fmt_number(x, self.digits) if plain or j == 0 else factor(x, self.digits)
                 for j, x in enumerate(s.inputs)]
        if latex:
            shown = [t.replace("(", r"\left(").replace(")", r"\right)") for t in shown]
        return _expression(self.order[s.node], shown, latex) or ""

    def text(self, i: int) -> str:
        """One line: formula = numbers = value, e.g. "z = t3 + b = -2.0000 + 0.5000 = -1.5000"."""
        return f"{self.formula(i)} = {self.numbers(i)} = {self.num(self.steps[i].value)}"

    def latex(self, i: int) -> str:
        """steps[i] in LaTeX (math mode body)."""
        return f"{self.formula(i, latex=True)} = {self.numbers(i, latex=True)} = {self.num(self.steps[i].value)}"

    def question(self, i: int) -> str:
        """The quiz question for steps[i]: the formula and the numbers, the result hidden."""
        return f"{self.formula(i)} = {self.numbers(i)} = ?"

    def explain(self, i: int) -> str:
        return f"Forward step {i + 1} of {len(self.steps)}: {self.text(i)}"


def trace_forward(root: Value, *, digits: int = 4, pretty: bool = True) -> ForwardTrace:
    """Record root's forward pass (the values the engine computed) one node per step."""
    return ForwardTrace(root, digits=digits, pretty=pretty)


def explain_forward(root: Value, *, digits: int = 4) -> list[str]:
    """The one-line account of every forward step, in topological order."""
    trace = trace_forward(root, digits=digits)
    return [trace.text(i) for i in range(len(trace))]


class ForwardQuiz:
    """Type each node's value in forward order; right within tol · max(1, |value|)."""

    def __init__(self, root: Value, *, tol: float = 1e-3, digits: int = 4) -> None:
        if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 < tol < 1:
            raise ValueError(f"ForwardQuiz: tol must be a number in (0, 1), got {tol!r}")
        self.trace, self.tol = trace_forward(root, digits=digits), float(tol)
        self.position, self.right = 0, 0

    @property
    def done(self) -> bool:
        return self.position >= len(self.trace)

    def question(self) -> str | None:
        if self.done:
            return None
        return f"Forward step {self.position + 1} of {len(self.trace)}: {self.trace.question(self.position)}"

    def answer(self, value: float | int | str) -> Feedback:
        """Check a value; a right one moves on to the next node."""
        if self.done:
            return Feedback(False, "The quiz is over.")
        try:
            number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
                else parse_number(value) if isinstance(value, str) else None
        except ExpressionError:
            number = None
        if number is None or not math.isfinite(number):
            return Feedback(None, f"{str(value)!r:.40} is not a finite number; type one like 0.25 or -1/3.")
        i = self.position
        expected = self.trace.steps[i].value
        if abs(number - expected) <= self.tol * max(1.0, abs(expected)):
            self.position += 1
            self.right += 1
            return Feedback(True, f"Right: {self.trace.text(i)}", expected)
        return Feedback(False, f"Not quite: {self.trace.num(number)}. Compute {self.trace.numbers(i)}", expected)


_LAYERED = re.compile(r"^([A-Za-z]+)(\d*)_(\d+(?:,\d+)?)$")  # nn's labels: w2_13, z3_1, b2_1


def _latex(name: str) -> str:
    """LaTeX for a name; nn's layered labels as the notes write them (w2_13 as w^{2}_{13})."""
    m = _LAYERED.match(name)
    if m and m.group(2):
        return f"{m.group(1)}^{{{m.group(2)}}}_{{{m.group(3)}}}"
    return latex_name(name)


def values_of(trace: ForwardTrace) -> Sequence[float]:
    """Every step's value, in order (for checks against the engine's data)."""
    return [s.value for s in trace.steps]
