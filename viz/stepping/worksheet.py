"""A worksheet for one example through an MLP, in the notation of notes 000/004 (input layer = 1).

    z^l = W^l a^{l-1} + b^l,   a^l = σ(z^l),   δ^l = ∂C/∂z^l
    (3) δ^L = ∂C/∂a^L ⊙ σ'(z^L)          (4) δ^l = (W^{l+1})ᵀ δ^{l+1} ⊙ σ'(z^l)
    (5) ∂C/∂w^l_jk = a^{l-1}_k δ^l_j      (6) ∂C/∂b^l_j = δ^l_j

Every number in the tables comes from the engine's forward and backward pass (σ'(z) is the
local derivative stored on the a = σ(z) node). The "by the equation" columns recompute (3)-(6)
from those numbers, as a learner would by hand, so the two can be compared line by line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from engine import Value
from viz.args import check_int
from viz.stepping.steps import fmt_number

# (3)-(6) hold to rounding: the engine adds the same products in a possibly different order.
_REL_TOL = 1e-9


@dataclass
class LayerRows:
    """The numbers of one layer l ≥ 2: per neuron j, and per weight (j, k)."""

    l: int
    activation: str
    z: list[float] = field(default_factory=list)
    a: list[float] = field(default_factory=list)
    sigma_prime: list[float] = field(default_factory=list)  # σ'(z^l_j), from the graph
    delta: list[float] = field(default_factory=list)  # δ^l_j = z.grad
    w_grad: list[list[float]] = field(default_factory=list)  # ∂C/∂w^l_jk from backward
    b_grad: list[float] = field(default_factory=list)


class Worksheet:
    """z, a, σ'(z) and δ per layer and ∂C/∂w, ∂C/∂b for one example; as Markdown or LaTeX."""

    def __init__(self, mlp: Any, x: Sequence[float], y: Any, loss: Callable[[list[Value], Any], Value] | None = None,
                 *, digits: int = 4) -> None:
        import nn  # viz may import nn (never the reverse); only the worksheet needs it

        if not isinstance(mlp, nn.MLP):
            raise TypeError(f"worksheet: expected an nn.MLP, got {type(mlp).__name__} {mlp!r:.60}")
        check_int(digits, "Worksheet", "digits", 0, 12)
        self.mlp, self.digits = mlp, digits
        self.loss_key = _loss_key(loss)  # the loss's name for diagnose_network (None: a loss of one's own)
        if isinstance(loss, str):  # a name, as train(loss=...) takes it
            from nn.objectives import get_objective

            loss = get_objective(loss).loss
        elif loss is not None and not callable(loss):
            raise TypeError(f"worksheet: loss must be a loss function such as nn.squared_error or its name, "
                            f"got {type(loss).__name__} {loss!r:.60}")
        self.loss_fn = loss if loss is not None else nn.squared_error
        outputs = mlp(x)
        C = self.loss_fn(outputs, y)
        if type(C) is not Value:
            raise TypeError(f"worksheet: loss must return a Value, got {type(C).__name__}")
        mlp.zero_grad()
        C.backward()
        self.C = C.data
        self.x = [v.data for v in mlp.inputs]
        self.y = _as_list(y)
        self.loss_name = getattr(self.loss_fn, "__name__", "loss")
        self.output_grads = [a.grad for a in outputs]
        self.layers = [self._rows(i) for i in range(len(mlp.layers))]

    def _rows(self, i: int) -> LayerRows:
        layer = self.mlp.layers[i]
        l = i + 2
        rows = LayerRows(l, layer.activation)
        for n in layer.neurons:
            rows.z.append(n.z.data)
            rows.a.append(n.a.data)
            rows.sigma_prime.append(1.0 if n.a is n.z else n.a.local_grads[0])
            rows.delta.append(n.z.grad)
            rows.w_grad.append([w.grad for w in n.w])
            rows.b_grad.append(n.b.grad)
        return rows

    # ------------------------------------------------------------------ the equations, by hand
    def prev_activations(self, l: int) -> list[float]:
        """a^{l-1}: the input x for l = 2, else the previous layer's a."""
        return self.x if l == 2 else self.layers[l - 3].a

    def delta_by_equation(self, l: int) -> list[float]:
        """δ^l from eq. (3) at the output layer, eq. (4) (with the transpose) below it."""
        rows = self.layers[l - 2]
        if l == len(self.layers) + 1:
            return [g * s for g, s in zip(self.output_grads, rows.sigma_prime)]
        return [u * s for u, s in zip(self.upstream(l), rows.sigma_prime)]

    def upstream(self, l: int) -> list[float]:
        """∂C/∂a^l_j: the loss's derivative at the output, Σ_i w^{l+1}_ij δ^{l+1}_i below it."""
        if l == len(self.layers) + 1:
            return list(self.output_grads)
        W = self.mlp.weights(l + 1)
        d = self.layers[l - 1].delta
        return [sum(W[i][j] * d[i] for i in range(len(d))) for j in range(len(W[0]))]

    def checks(self) -> dict[str, bool]:
        """Do eqs. (3)-(6), computed from the tables, agree with the backward pass?"""
        last = len(self.layers) + 1
        ok = {"(3)": True, "(4)": True, "(5)": True, "(6)": True}
        for rows in self.layers:
            key = "(3)" if rows.l == last else "(4)"
            ok[key] &= all(_close(a, b) for a, b in zip(self.delta_by_equation(rows.l), rows.delta))
            prev = self.prev_activations(rows.l)
            for j, dj in enumerate(rows.delta):
                ok["(5)"] &= all(_close(prev[k] * dj, g) for k, g in enumerate(rows.w_grad[j]))
                ok["(6)"] &= _close(dj, rows.b_grad[j])
        return ok

    # ------------------------------------------------------------------ output
    def num(self, v: float) -> str:
        return fmt_number(v, self.digits)

    def markdown(self) -> str:
        """The worksheet as Markdown tables with $…$ math (renders in Jupyter and on GitHub)."""
        return "\n".join(self._document(_MARKDOWN))

    def latex(self) -> str:
        """The worksheet as LaTeX (tabular environments; needs amsmath)."""
        return "\n".join(self._document(_LATEX))

    def _repr_markdown_(self) -> str:
        return self.markdown()

    # --- misconception lab: check a learner's value, naming the mistake behind a wrong one ---
    def value(self, quantity: tuple) -> float:
        """The worksheet's δ^l_j, ∂C/∂w^l_jk or ∂C/∂b^l_j for ("delta", l, j), ("weight", l, j, k), ("bias", l, j)."""
        from viz.lab.network import check_quantity

        kind, l, j, k = check_quantity(self.mlp, quantity)
        rows = self.layers[l - 2]
        return rows.delta[j - 1] if kind == "delta" else rows.b_grad[j - 1] if kind == "bias" else rows.w_grad[j - 1][k - 1]

    def check(self, quantity: tuple, answer: Any, tol: float = 1e-3) -> Any:
        """Check a hand-computed value (a number or text such as "-1/8") against the worksheet; a wrong
        one is diagnosed with viz.diagnose_network. Returns a quiz Feedback (correct, message, expected, mistakes)."""
        from viz.app.expr import ExpressionError
        from viz.lab.diagnose import diagnose_network, explain
        from viz.stepping.quiz import Feedback, _to_number

        expected = self.value(quantity)
        name = _quantity_name(quantity)
        try:
            number = _to_number(answer)
        except (ExpressionError, TypeError):
            return Feedback(None, f"{str(answer)!r:.40} is not a number.", expected)
        if abs(number - expected) <= tol * max(1.0, abs(expected)):
            return Feedback(True, f"Right: {name} = {self.num(expected)}.", expected)
        names = diagnose_network(self.mlp, self.x, self.y, tuple(quantity), number, self.loss_key, tol) \
            if self.loss_key is not None else []
        why = explain(names, number, name, digits=self.digits)
        return Feedback(False, f"Not quite: {self.num(number)} is not {name} (it is {self.num(expected)})."
                        + (f" {why}" if why else ""), expected, tuple(names))

    def __str__(self) -> str:
        return self.markdown()

    def _document(self, f: _Format) -> list[str]:
        m, n, L = self.mlp, self.num, len(self.layers) + 1
        sizes = "-".join(str(s) for s in m.sizes)
        ok = self.checks()
        forward = ", ".join(f.m(t) for t in (r"z^l = W^l a^{l-1} + b^l", r"a^l = \sigma(z^l)",
                                                r"\delta^l = \partial C / \partial z^l"))
        target = f", target {f.m('y')} = ({', '.join(n(v) for v in self.y)})" if self.y else ""
        out = [f.heading(1, f"Worksheet: one example through the {sizes} network"),
               f.para(f"Notation of notes 000/004: layer 1 is the input; {forward}. Hidden activation "
                      f"{m.activation}, output activation {m.output_activation}; loss {self.loss_name}, "
                      f"{f.m('C')} = {n(self.C)}."),
               f.para(f"Input {f.m('a^1 = x')} = ({', '.join(n(v) for v in self.x)}){target}.")]

        out.append(f.heading(2, "Forward pass and δ, layer by layer"))
        rows = [["1 (input)", str(k + 1), "", n(v), "", ""] for k, v in enumerate(self.x)]
        for r in self.layers:
            rows += [[str(r.l), str(j + 1), n(r.z[j]), n(r.a[j]), n(r.sigma_prime[j]), n(r.delta[j])]
                     for j in range(len(r.z))]
        out += f.table([f.m(t) for t in ("l", "j", "z^l_j", "a^l_j", r"\sigma'(z^l_j)", r"\delta^l_j")], rows)

        eq3 = f.m(r"\delta^L_j = \partial C/\partial a^L_j \cdot \sigma'(z^L_j)")
        out.append(f.heading(2, f"Output layer, eq. (3): {eq3} {_mark(ok['(3)'])}"))
        last, by_eq = self.layers[-1], self.delta_by_equation(L)
        with_y = len(self.y) == len(last.z)
        rows = [[str(j + 1), n(last.a[j]), n(self.y[j]) if with_y else "", n(self.output_grads[j]),
                 n(last.sigma_prime[j]), n(by_eq[j]), n(last.delta[j])] for j in range(len(last.z))]
        out += f.table([f.m(t) for t in ("j", "a^L_j", "y_j", r"\partial C/\partial a^L_j", r"\sigma'(z^L_j)")]
                       + ["by the equation", "backward"], rows)

        if L > 2:
            eq4 = f.m(r"\delta^l_j = \left(\sum_i w^{l+1}_{ij} \delta^{l+1}_i\right) \sigma'(z^l_j)")
            out.append(f.heading(2, f"Hidden layers, eq. (4) with the transpose: {eq4} {_mark(ok['(4)'])}"))
            transposed = f.m(r"(W^{l+1})^T \delta^{l+1}")
            out.append(f.para(f"The sum runs down column j of {f.m('W^{l+1}')}, i.e. it is {transposed}: "
                              "note 000's eq. (4) drops the transpose."))
            rows = []
            for r in self.layers[:-1]:
                up, eq = self.upstream(r.l), self.delta_by_equation(r.l)
                rows += [[str(r.l), str(j + 1), n(up[j]), n(r.sigma_prime[j]), n(eq[j]), n(r.delta[j])]
                         for j in range(len(r.z))]
            out += f.table([f.m(t) for t in ("l", "j", r"\sum_i w^{l+1}_{ij}\delta^{l+1}_i", r"\sigma'(z^l_j)")]
                           + ["by the equation", "backward"], rows)

        eq5 = f.m(r"\partial C/\partial w^l_{jk} = a^{l-1}_k \delta^l_j")
        out.append(f.heading(2, f"Weights, eq. (5): {eq5} {_mark(ok['(5)'])}"))
        rows = []
        for r in self.layers:
            prev = self.prev_activations(r.l)
            rows += [[str(r.l), str(j + 1), str(k + 1), n(prev[k]), n(r.delta[j]), n(prev[k] * r.delta[j]),
                      n(r.w_grad[j][k])] for j in range(len(r.z)) for k in range(len(prev))]
        out += f.table([f.m(t) for t in ("l", "j", "k", "a^{l-1}_k", r"\delta^l_j")]
                       + ["by the equation", "backward"], rows)

        eq6 = f.m(r"\partial C/\partial b^l_j = \delta^l_j")
        out.append(f.heading(2, f"Biases, eq. (6): {eq6} {_mark(ok['(6)'])}"))
        rows = [[str(r.l), str(j + 1), n(r.delta[j]), n(r.b_grad[j])] for r in self.layers for j in range(len(r.z))]
        out += f.table([f.m(t) for t in ("l", "j", r"\delta^l_j")] + ["backward"], rows)
        out.append(f.para("“by the equation” is computed from the numbers in these tables, as by hand; "
                          "“backward” is the engine's gradient; ✓ means the two agree (to rounding)."))
        return out


def _loss_key(loss: Any) -> str | None:
    """The objective name of a loss given by name, as nn's own function, or None (the default: squared error)."""
    from nn.objectives import OBJECTIVES

    if loss is None:
        return "squared_error"
    if isinstance(loss, str):
        return loss
    return next((name for name, o in OBJECTIVES.items() if o.loss is loss), None)


def _quantity_name(quantity: tuple) -> str:
    kind, l, j = quantity[0], quantity[1], quantity[2]
    if kind == "delta":
        return f"δ^{l}_{j}"
    if kind == "bias":
        return f"∂C/∂b^{l}_{j}"
    return f"∂C/∂w^{l}_{j}{quantity[3]}"


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗ (differs)"


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _REL_TOL * max(1.0, abs(a), abs(b))


def _as_list(y: Any) -> list[float]:
    if isinstance(y, (int, float)) and not isinstance(y, bool):
        return [float(y)]
    try:
        return [float(v) for v in y]
    except (TypeError, ValueError):
        return []


class _Format:
    """How to write headings, paragraphs, math and tables in one output language."""

    def heading(self, level: int, text: str) -> str: ...
    def para(self, text: str) -> str: ...
    def m(self, tex: str) -> str: ...
    def table(self, header: list[str], rows: list[list[str]]) -> list[str]: ...


class _MarkdownFormat(_Format):
    def heading(self, level: int, text: str) -> str:
        return "\n" + "#" * (level + 1) + " " + text + "\n"

    def para(self, text: str) -> str:
        return text + "\n"

    def m(self, tex: str) -> str:
        return f"${tex}$"

    def table(self, header: list[str], rows: list[list[str]]) -> list[str]:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return lines + [""]


class _LatexFormat(_Format):
    def heading(self, level: int, text: str) -> str:
        return ("\\section*{" if level == 1 else "\\subsection*{") + _latex_text(text) + "}"

    def para(self, text: str) -> str:
        return _latex_text(text) + "\n"

    def m(self, tex: str) -> str:
        return f"${tex}$"

    def table(self, header: list[str], rows: list[list[str]]) -> list[str]:
        cols = "l" + "r" * (len(header) - 1)
        lines = [r"\begin{tabular}{" + cols + "}", r"\hline", " & ".join(header) + r" \\", r"\hline"]
        lines += [" & ".join(_latex_cell(c) for c in row) + r" \\" for row in rows]
        return lines + [r"\hline", r"\end{tabular}", ""]



def _latex_cell(cell: str) -> str:
    """Numbers in math mode (a real minus sign), other cells as they are."""
    try:
        float(cell)
    except ValueError:
        return cell
    return f"${cell}$"


def _latex_text(text: str) -> str:
    """Prose for LaTeX: marks and quotes as commands, underscores escaped outside $…$."""
    parts = text.split("$")
    for i in range(0, len(parts), 2):  # even parts are outside math
        parts[i] = (parts[i].replace("_", r"\_").replace("✓", r"$\checkmark$").replace("✗", r"$\times$")
                    .replace("δ", r"$\delta$").replace("“", "``").replace("”", "''"))
    return "$".join(parts)


_MARKDOWN = _MarkdownFormat()
_LATEX = _LatexFormat()


def mlp_worksheet(mlp: Any, x: Sequence[float], y: Any, loss: Callable[[list[Value], Any], Value] | None = None,
                  *, digits: int = 4) -> Worksheet:
    """Run one example (x, y) through mlp (forward, loss, fresh backward) and tabulate it.

    loss(outputs, y) defaults to nn.squared_error, note 000's C = ½ Σ_j (y_j − a^L_j)²; a name
    such as "binary_cross_entropy" (as train() takes it) works too.
    The model's parameter grads are zeroed first and hold this example's gradients afterwards.
    """
    check_int(digits, "mlp_worksheet", "digits", 0, 12)
    return Worksheet(mlp, x, y, loss, digits=digits)
