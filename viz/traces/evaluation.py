"""evaluation_trace(root): the forward primal, forward tangent and reverse adjoint traces of a graph.

In the style of Baydin, Pearlmutter, Radul and Siskind, "Automatic differentiation in machine
learning: a survey" (JMLR 18, 2018), Tables 2 and 3: the inputs are v_{1-n} … v_0, the other
nodes v_1 … v_m in order of their depth (the left-most first among equals), and

    v̇_i = Σ_j ∂v_i/∂v_j · v̇_j          (forward, engine.sweeps.tangents)
    v̄_j = v̄_j + v̄_i · ∂v_i/∂v_j        (reverse, engine.sweeps.adjoint_steps)

Every number is read from the engine (data, local_grads, the two sweeps); an op's name is used
only to write its symbolic form. Constants appear as numbers inside the expressions.
"""
from __future__ import annotations

from typing import Mapping, NamedTuple, Optional, Union

from engine import Value, topo_order
from engine.sweeps import adjoint_steps, tangents as tangent_sweep
from viz.diagrams.labels import pretty_label
from viz.errors import GraphTooLargeError
from viz.stepping.step_symbols import local_formula

DEFAULT_MAX_NODES = 200
DOT, BAR = "\u0307", "\u0304"  # combining dot above (v̇) and macron (v̄)
_SUB = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")


class Row(NamedTuple):
    """One line of a trace: `name = expression = numbers = value` (numbers may be "")."""

    name: str
    expression: str
    numbers: str
    value: float
    latex: str


def evaluation_trace(root: Value, tangents: Optional[Mapping[Union[Value, str], float]] = None,
                     *, digits: int = 3, max_nodes: int = DEFAULT_MAX_NODES) -> "EvaluationTrace":
    """The three traces of the graph of `root`; tangents: input (Value or label) -> ẋ, by default
    1 for the first input and 0 for the others."""
    return EvaluationTrace(root, tangents, digits=digits, max_nodes=max_nodes)


class EvaluationTrace:
    """primal, tangent and adjoint: lists of Row; .text(), .markdown(), .latex() as tables."""

    def __init__(self, root: Value, tangents: Optional[Mapping] = None, *, digits: int = 3,
                 max_nodes: int = DEFAULT_MAX_NODES) -> None:
        if type(root) is not Value:
            raise TypeError(f"evaluation_trace: expected a Value, got {type(root).__name__} {root!r:.60}")
        if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 12:
            raise ValueError(f"evaluation_trace: digits must be an int from 0 to 12, got {digits!r:.60}")
        if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
            raise ValueError(f"evaluation_trace: max_nodes must be a positive int, got {max_nodes!r:.60}")
        dfs = topo_order(root)
        if len(dfs) > max_nodes:
            raise GraphTooLargeError(
                f"evaluation_trace: the graph has {len(dfs)} nodes, more than max_nodes={max_nodes}; "
                "a trace that long is unreadable: trace a smaller expression or pass a larger max_nodes",
                len(dfs), max_nodes)
        self.digits = digits
        self.root = root
        self.order = _by_depth(dfs)
        self.inputs = [v for v in self.order if v.is_leaf and v.op != "const"]
        n = len(self.inputs)
        self.index = {id(v): k - n + 1 for k, v in enumerate(self.inputs)}
        for k, v in enumerate((v for v in self.order if not v.is_leaf), start=1):
            self.index[id(v)] = k
        self.seeds = self._seeds(tangents)
        self.values = {self.name(v): v.data for v in self.order if v.op != "const"}
        self.primal = self._primal()
        dots = tangent_sweep(self.order, {id(v): t for v, t in zip(self.inputs, self.seeds)})
        self.tangents = {self.name(v, DOT): dots[id(v)] for v in self.order if v.op != "const"}
        self.tangent = self._tangent(dots)
        self.adjoint, self.adjoints = self._adjoint()

    # ------------------------------------------------------------------ names
    def name(self, v: Value, mark: str = "", latex: bool = False) -> str:
        """v₋₁, v̇₁, v̄₂ (or v_{-1}, \\dot{v}_{1}, \\bar{v}_{2}); a constant is its number."""
        if v.op == "const":
            return self.num(v.data, latex)
        k = self.index[id(v)]
        if latex:
            base = {"": "v", DOT: r"\dot{v}", BAR: r"\bar{v}"}[mark]
            return f"{base}_{{{k}}}"
        return "v" + mark + str(k).translate(_SUB)

    def input_name(self, i: int, mark: str = "", latex: bool = False) -> str:
        label = self.inputs[i].label or f"x{i + 1}"
        if latex:
            base = {"": "x", DOT: r"\dot{x}", BAR: r"\bar{x}"}[mark]
            return f"{base}_{{{i + 1}}}" if not self.inputs[i].label else \
                {"": "", DOT: r"\dot{", BAR: r"\bar{"}[mark] + _latex_label(label) + ("}" if mark else "")
        pretty = pretty_label(label)
        return pretty[0] + mark + pretty[1:]

    def num(self, x: float, latex: bool = False) -> str:
        text = f"{x:.{self.digits}f}".rstrip("0").rstrip(".") if self.digits else f"{x:.0f}"
        if text in ("-0", ""):
            text = "0"
        return text if latex else text.replace("-", "−")

    # ------------------------------------------------------------------ the three traces
    def _seeds(self, tangents: Optional[Mapping]) -> list[float]:
        seeds = [1.0 if k == 0 else 0.0 for k in range(len(self.inputs))]
        if tangents is None:
            return seeds
        if not isinstance(tangents, Mapping):
            raise TypeError(f"evaluation_trace: tangents must be a dict input -> ẋ, got {type(tangents).__name__} {tangents!r:.60}")
        seeds = [0.0] * len(self.inputs)
        for key, t in tangents.items():
            matches = [k for k, v in enumerate(self.inputs) if v is key or (isinstance(key, str) and v.label == key)]
            if not matches:
                labels = ", ".join(repr(v.label) for v in self.inputs if v.label)
                raise ValueError(f"evaluation_trace: tangents names {key!r:.60}, which is not an input of "
                                 f"this graph (its inputs' labels: {labels or 'none'})")
            if isinstance(t, bool) or not isinstance(t, (int, float)) or t != t or t in (float("inf"), float("-inf")):
                raise TypeError(f"evaluation_trace: the tangent of {key!r:.60} must be a finite number, got {t!r:.60}")
            for k in matches:
                seeds[k] = float(t)
        return seeds

    def _primal(self) -> list[Row]:
        rows = [Row(self.name(v), self.input_name(i), "", v.data,
                    f"{self.name(v, latex=True)} = {self.input_name(i, latex=True)}")
                for i, v in enumerate(self.inputs)]
        for v in self.order:
            if v.is_leaf:
                continue
            args = [self.name(p) for p in v.parents]
            text = _expression(v, args, False)
            nums = _expression(v, [self.num(p.data) for p in v.parents], False)
            tex = f"{self.name(v, latex=True)} = {_expression(v, [self.name(p, latex=True) for p in v.parents], True)}"
            rows.append(Row(self.name(v), text, nums if nums != text else "", v.data, tex))
        rows.append(Row("y", self.name(self.root), "", self.root.data, f"y = {self.name(self.root, latex=True)}"))
        return rows

    def _tangent(self, dots: dict[int, float]) -> list[Row]:
        rows = [Row(self.name(v, DOT), self.input_name(i, DOT), "", dots[id(v)],
                    f"{self.name(v, DOT, True)} = {self.input_name(i, DOT, True)}")
                for i, v in enumerate(self.inputs)]
        for v in self.order:
            if v.is_leaf:
                continue
            terms, numbers, tex = [], [], []
            for p, (parent, local) in enumerate(zip(v.parents, v.local_grads)):
                if parent.op == "const":
                    continue
                terms.append(_term(self.name(parent, DOT), self._local(v, p, False)))
                numbers.append(_term(self.num(dots[id(parent)]), self.num(local)))
                tex.append(_term(self.name(parent, DOT, True), self._local(v, p, True), latex=True))
            rows.append(Row(self.name(v, DOT), _join(terms), _join(numbers), dots[id(v)],
                            f"{self.name(v, DOT, True)} = {_join(tex, True)}"))
        rows.append(Row("ẏ", self.name(self.root, DOT), "", dots[id(self.root)],
                        rf"\dot{{y}} = {self.name(self.root, DOT, True)}"))
        return rows

    def _adjoint(self) -> tuple[list[Row], dict[str, float]]:
        root = self.root
        rows = [Row(self.name(root, BAR), "ȳ", "", 1.0, rf"{self.name(root, BAR, True)} = \bar{{y}}")]
        final: dict[str, float] = {self.name(root, BAR): 1.0}
        for a in adjoint_steps(self.order):
            if a.parent.op == "const":
                continue
            p, n = a.parent, a.node
            target, source = self.name(p, BAR), self.name(n, BAR)
            partial = f"∂{self.name(n)}/∂{self.name(p)}"
            tex_partial = rf"\frac{{\partial {self.name(n, latex=True)}}}{{\partial {self.name(p, latex=True)}}}"
            local = self.num(a.local)
            if a.first:
                text, nums = f"{source} {partial}", f"{self.num(a.upstream)} × {local}"
                tex = f"{self.name(p, BAR, True)} = {self.name(n, BAR, True)} {tex_partial}"
            else:
                text = f"{target} + {source} {partial}"
                nums = f"{self.num(a.adjoint - a.contribution)} + {self.num(a.upstream)} × {local}"
                tex = f"{self.name(p, BAR, True)} = {self.name(p, BAR, True)} + {self.name(n, BAR, True)} {tex_partial}"
            rows.append(Row(target, text, nums, a.adjoint, tex))
            final[target] = a.adjoint
        for i, v in enumerate(self.inputs):
            value = final.get(self.name(v, BAR), 0.0)
            rows.append(Row(self.input_name(i, BAR), self.name(v, BAR), "", value,
                            f"{self.input_name(i, BAR, True)} = {self.name(v, BAR, True)}"))
            final[self.input_name(i, BAR)] = value
        return rows, final

    def _local(self, v: Value, p: int, latex: bool) -> str:
        names = [self.name(q, latex=latex) for q in v.parents]
        out = self.name(v, latex=latex)
        if v.op in ("sin", "cos"):
            return (r"\cos " if latex else "cos ") + names[0] if v.op == "sin" else \
                (r"-\sin " if latex else "−sin ") + names[0]
        form = local_formula(v, p, out, names, latex)
        return form if form is not None else self.num(v.local_grads[p], latex)

    # ------------------------------------------------------------------ output
    def _line(self, row: Row) -> str:
        parts = [row.name, row.expression] + ([row.numbers] if row.numbers else []) + [self.num(row.value)]
        return " = ".join(parts)

    def text(self) -> str:
        """The three traces as plain text, one line per row."""
        out = []
        for title, rows in (("Forward primal trace", self.primal), ("Forward tangent trace", self.tangent),
                            ("Reverse adjoint trace", self.adjoint)):
            out += [title, *("  " + self._line(r) for r in rows), ""]
        return "\n".join(out).rstrip() + "\n"

    def markdown(self) -> str:
        """Baydin et al.'s Table 2 (primal | tangent) and Table 3 (primal | adjoint) as Markdown tables."""
        def table(left: list[Row], right: list[Row], heads: tuple[str, str]) -> list[str]:
            lines = [f"| {heads[0]} | {heads[1]} |", "|---|---|"]
            for k in range(max(len(left), len(right))):
                cells = [self._line(rows[k]) if k < len(rows) else "" for rows in (left, right)]
                lines.append(f"| {cells[0]} | {cells[1]} |")
            return lines
        return "\n".join(
            ["Forward mode (Baydin et al. 2018, Table 2)", ""]
            + table(self.primal, self.tangent, ("Forward primal trace", "Forward tangent trace"))
            + ["", "Reverse mode (Baydin et al. 2018, Table 3)", ""]
            + table(self.primal, self.adjoint, ("Forward primal trace", "Reverse adjoint trace"))) + "\n"

    def latex(self) -> str:
        """The two tables as LaTeX tabulars (math mode in each cell)."""
        def cell(row: Row) -> str:
            return f"${row.latex} = {self.num(row.value, True)}$"

        def table(left: list[Row], right: list[Row], heads: tuple[str, str]) -> list[str]:
            lines = [r"\begin{tabular}{ll}", rf"\textbf{{{heads[0]}}} & \textbf{{{heads[1]}}} \\ \hline"]
            for k in range(max(len(left), len(right))):
                cells = [cell(rows[k]) if k < len(rows) else "" for rows in (left, right)]
                lines.append(f"{cells[0]} & {cells[1]} \\\\")
            return lines + [r"\end{tabular}"]
        return "\n".join(table(self.primal, self.tangent, ("Forward primal trace", "Forward tangent trace"))
                         + [""] + table(self.primal, self.adjoint, ("Forward primal trace", "Reverse adjoint trace"))) + "\n"

    def __repr__(self) -> str:
        return f"EvaluationTrace({len(self.inputs)} inputs, {len(self.primal) - len(self.inputs) - 1} intermediates)"


# ---------------------------------------------------------------------- helpers
def _by_depth(order: list[Value]) -> list[Value]:
    """The topological order sorted by depth (longest path from a leaf), ties kept in order."""
    depth: dict[int, int] = {}
    for v in order:
        depth[id(v)] = 1 + max((depth[id(p)] for p in v.parents), default=-1)
    position = {id(v): k for k, v in enumerate(order)}
    return sorted(order, key=lambda v: (depth[id(v)], position[id(v)]))


def _expression(v: Value, a: list[str], latex: bool) -> str:
    """The op applied to argument strings, as written in the tables (ln v₋₁, v₋₁ × v₀, …)."""
    op = v.op
    times, minus = (r" \times ", "-") if latex else (" × ", "−")
    fn = (lambda name: rf"\{name} ") if latex else (lambda name: f"{name} ")
    if op in ("+", "sum"):
        return " + ".join(a)
    if op == "-":
        return f"{a[0]} {minus} {a[1]}"
    if op == "*":
        return times.join(a)
    if op == "/":
        return rf"\frac{{{a[0]}}}{{{a[1]}}}" if latex else f"{a[0]} / {a[1]}"
    if op == "neg":
        return f"{minus}{a[0]}"
    if op == "**":
        return f"{a[0]}^{{{a[1]}}}" if latex else f"{a[0]}^{a[1]}"
    if op.startswith("**"):
        return f"{a[0]}^{{{op[2:]}}}" if latex else f"{a[0]}^{op[2:]}"
    if op.endswith("**"):
        return f"{op[:-2]}^{{{a[0]}}}" if latex else f"{op[:-2]}^{a[0]}"
    if op == "log":
        return fn("ln") + a[0]
    if op in ("exp", "sin", "cos", "tanh"):
        return fn(op) + a[0]
    if op == "sqrt":
        return rf"\sqrt{{{a[0]}}}" if latex else f"√{a[0]}"
    if op == "abs":
        return f"|{a[0]}|"
    if op == "sigmoid":
        return rf"\sigma({a[0]})" if latex else f"σ({a[0]})"
    if op == "dot":
        n = len(a) // 2
        terms = [f"{a[k]}{times}{a[n + k]}" for k in range(n)] + ([a[-1]] if len(a) % 2 else [])
        return " + ".join(terms)
    name = rf"\operatorname{{{op}}}" if latex else op
    return f"{name}({', '.join(a)})"


def _term(tangent: str, local: str, latex: bool = False) -> str:
    """v̇_j × ∂v_i/∂v_j written short: v̇_j for 1, −v̇_j for −1."""
    if local == "1":
        return tangent
    if local in ("−1", "-1"):
        return f"-{tangent}" if latex else f"−{tangent}"
    return f"{tangent} \\times {local}" if latex else f"{tangent} × {local}"


def _join(terms: list[str], latex: bool = False) -> str:
    if not terms:
        return "0"
    out = terms[0]
    for t in terms[1:]:
        out += f" - {t[1:]}" if t.startswith(("−", "-")) and latex else f" − {t[1:]}" if t.startswith("−") else f" + {t}"
    return out


def _latex_label(label: str) -> str:
    from viz.stepping.step_symbols import latex_name

    return latex_name(label)
