"""How the stepper writes things: numbers, node names, ∂-notation, and each op's symbolic form.

Display only: every number shown comes from the graph (data, local_grads) or from
engine.backward_steps; the op is read only to write the local derivative's formula.
"""
from __future__ import annotations

import re
from typing import Sequence

from engine import Value
from viz.diagrams.style import visible

_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega",
    "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega",
}
_UNICODE_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "η": "eta",
    "θ": "theta", "λ": "lambda", "μ": "mu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma",
    "τ": "tau", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Δ": "Delta", "Σ": "Sigma",
}
_LATEX_SPECIAL = {c: "\\" + c for c in "#$%&_{}"}
_LATEX_SPECIAL.update({"\\": r"\backslash{}", "^": r"\hat{}", "~": r"\sim{}"})


def fmt_number(x: float, digits: int = 4) -> str:
    """x with `digits` decimals; scientific notation when that would hide it (tiny or huge)."""
    if x != 0.0 and (abs(x) < 0.5 * 10.0**-digits or abs(x) >= 1e7):
        return f"{x:.{digits}e}"
    text = f"{x:.{digits}f}"
    return "0." + "0" * digits if text.lstrip("-") == "0." + "0" * digits else text


def factor(x: float, digits: int) -> str:
    """A number as the right-hand factor of a product: negatives in parentheses."""
    text = fmt_number(x, digits)
    return f"({text})" if text.startswith("-") else text


def is_number(form: str, value: float) -> bool:
    """True when a symbolic form is just the number itself ("1", "−1"): not worth repeating."""
    try:
        return float(form.replace("−", "-")) == value
    except ValueError:
        return False


# ---------------------------------------------------------------------------- names
def node_names(order: Sequence[Value]) -> tuple[list[str], set[int]]:
    """A distinct display name per node of a topological order, and the positions of generated ones.

    Labels are kept; the root (last node) is "L" when unlabeled; other unlabeled nodes are
    named by their topological position as viz.draw names them (t2, t4), constants c1;
    repeated names get "#k" appended.
    """
    last = len(order) - 1
    names, generated = [], set()
    for k, v in enumerate(order):
        if v.label:
            names.append(visible(v.label))  # a tab or ESC in a label is shown as \t, \x1b, never sent raw
        elif k == last:
            names.append("L")
            generated.add(k)
        else:
            names.append(f"{'c' if v.op == 'const' else 't'}{k}")
            generated.add(k)
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return [f"{n}#{k}" if counts[n] > 1 else n for k, n in enumerate(names)], generated


def latex_name(name: str) -> str:
    """A display name in LaTeX: w1 -> w_{1}, z_2 -> z_{2}, delta -> \\delta, loss -> \\mathrm{loss}."""
    name = "".join(_UNICODE_GREEK.get(c, c) for c in name)
    suffix = ""
    if "#" in name:
        name, _, k = name.partition("#")
        suffix = r"^{\#" + k + "}"
    m = re.fullmatch(r"([A-Za-z]+?)_?(\d+)", name) or re.fullmatch(r"([A-Za-z]+)_([A-Za-z0-9]+)", name)
    if m:
        return _latex_base(m.group(1)) + "_{" + m.group(2) + "}" + suffix
    if re.fullmatch(r"[A-Za-z]+", name):
        return _latex_base(name) + suffix
    return r"\mathrm{" + "".join(_LATEX_SPECIAL.get(c, c) for c in name).replace(" ", r"\ ") + "}" + suffix


def _latex_base(word: str) -> str:
    if word in _GREEK:
        return "\\" + word
    return word if len(word) == 1 else r"\mathrm{" + word + "}"


def partial(top: str, bottom: str) -> str:
    """∂top/∂bottom in plain text."""
    return f"∂{top}/∂{bottom}"


def latex_partial(top: str, bottom: str) -> str:
    """\\frac{\\partial top}{\\partial bottom} for LaTeX names."""
    return r"\frac{\partial " + top + r"}{\partial " + bottom + "}"


# ---------------------------------------------------------------------------- symbolic forms
def definition(node: Value, name: str, parent_names: Sequence[str], latex: bool = False) -> str:
    """How node is computed from its parents, e.g. "t2 = x · w" (display only)."""
    p = list(parent_names)
    body = _expression(node, p, latex)
    if body is None:
        return name
    return f"{name} = {body}"


MAX_TERMS_SHOWN = 6  # a longer sum is written with an ellipsis


def _join_terms(terms: list[str], latex: bool) -> str:
    """t1 + t2 + ... + tn, with the middle left out when there are many terms."""
    if len(terms) > MAX_TERMS_SHOWN:
        dots = r"\dots" if latex else "…"
        terms = terms[:3] + [dots] + terms[-2:]
    return " + ".join(terms)


def _expression(node: Value, p: list[str], latex: bool) -> str | None:
    op = node.op
    dot_, minus = (r" \cdot ", "-") if latex else (" · ", "−")
    if op in ("", "const"):
        return None
    if op in ("+", "sum"):
        return _join_terms(p, latex)
    if op == "-":
        return f"{p[0]} {minus} {p[1]}"
    if op == "*":
        return f"{p[0]}{dot_}{p[1]}"
    if op == "/":
        return r"\frac{" + p[0] + "}{" + p[1] + "}" if latex else f"{p[0]} / {p[1]}"
    if op == "neg":
        return f"{minus}{p[0]}"
    if op == "**":
        return f"{p[0]}^{{{p[1]}}}" if latex else f"{p[0]}^{p[1]}"
    if op.startswith("**"):
        if latex:
            return f"{p[0]}^{{{op[2:]}}}"
        return p[0] + {"2": "²", "3": "³"}.get(op[2:], f"^{op[2:]}")
    if op.endswith("**"):
        return f"{op[:-2]}^{{{p[0]}}}" if latex else f"{op[:-2]}^{p[0]}"
    if op == "dot":
        n = len(p) // 2
        terms = [f"{p[k]}{dot_}{p[n + k]}" for k in range(n)] + p[2 * n:]
        return _join_terms(terms, latex)
    if op == "abs":
        return rf"\left|{p[0]}\right|" if latex else f"|{p[0]}|"
    if op == "sigmoid":
        return rf"\sigma({p[0]})" if latex else f"σ({p[0]})"
    if op == "sqrt":
        return rf"\sqrt{{{p[0]}}}" if latex else f"√{p[0]}"
    if op in ("max", "min"):
        return rf"\{op}({p[0]}, {p[1]})" if latex else f"{op}({p[0]}, {p[1]})"
    if op == "clamp":  # the bounds are not stored on the node: named, not valued
        return rf"\operatorname{{clamp}}({p[0]}, \mathrm{{low}}, \mathrm{{high}})" if latex else f"clamp({p[0]}, low, high)"
    if latex and op in ("leaky_relu", "softplus"):
        return r"\operatorname{" + op.replace("_", r"\_") + "}(" + p[0] + ")"
    if latex and op in ("exp", "log", "tanh", "sin", "cos"):
        return rf"\{op}({p[0]})"
    return f"{op}({p[0]})"


def local_formula(node: Value, position: int, out: str, p: Sequence[str], latex: bool = False) -> str | None:
    """The symbolic form of ∂node/∂parents[position] in the nodes' names (None if unknown).

    Display only: the number used is always node.local_grads[position].
    """
    op, i = node.op, position
    sq, minus, dot_ = ("^2", "-", r" \cdot ") if latex else ("²", "−", "·")
    if op in ("+", "sum"):
        return "1"
    if op == "-":
        return "1" if i == 0 else f"{minus}1"
    if op == "*":
        return p[1 - i]
    if op == "/":
        if latex:
            return r"\frac{1}{" + p[1] + "}" if i == 0 else r"-\frac{" + p[0] + "}{" + p[1] + "^2}"
        return f"1/{p[1]}" if i == 0 else f"−{p[0]}/{p[1]}²"
    if op == "neg":
        return f"{minus}1"
    if op == "**":
        if i == 0:
            return f"{p[1]}{dot_}{p[0]}^{{{p[1]} - 1}}" if latex else f"{p[1]}·{p[0]}^({p[1]} − 1)"
        return f"{out}{dot_}\\ln {p[0]}" if latex else f"{out}·ln {p[0]}"
    if op.startswith("**"):
        n = float(op[2:])
        if n == 1.0:
            return "1"
        power = "" if n == 2.0 else (f"^{{{n - 1:g}}}" if latex else f"^{n - 1:g}")
        return f"{n:g}{dot_}{p[0]}{power}"
    if op.endswith("**"):
        return f"{out}{dot_}\\ln {op[:-2]}" if latex else f"{out}·ln {op[:-2]}"
    if op == "exp":
        return out
    if op == "log":
        return r"\frac{1}{" + p[0] + "}" if latex else f"1/{p[0]}"
    if op == "tanh":
        return f"1 {minus} {out}{sq}"
    if op == "sigmoid":
        return f"{out}(1 {minus} {out})"
    if op == "relu":
        return rf"[{p[0]} > 0]" if latex else f"[{p[0]} > 0]"
    if op == "abs":
        return rf"\operatorname{{sign}}({p[0]})" if latex else f"sign({p[0]})"
    if op == "sqrt":
        return r"\frac{1}{2" + out + "}" if latex else f"1/(2·{out})"
    if op in ("sin", "cos"):
        other = {"sin": "cos", "cos": "sin"}[op]
        sign = minus if op == "cos" else ""
        return rf"{sign}\{other}({p[0]})" if latex else f"{sign}{other}({p[0]})"
    if op in ("max", "min"):  # the tie goes to the first input: ≥/≤ for it, strict for the second
        ge, gt = ((r"\ge", ">") if op == "max" else (r"\le", "<")) if latex else (("≥", ">") if op == "max" else ("≤", "<"))
        tie = "" if latex or node.parents[0].data != node.parents[1].data else " (a tie: the first input takes it)"
        return (f"[{p[0]} {ge} {p[1]}]" if i == 0 else f"[{p[1]} {gt} {p[0]}]") + tie
    if op == "leaky_relu":
        return rf"[{p[0]} > 0] + \mathrm{{slope}} \cdot [{p[0]} \le 0]" if latex else f"[{p[0]} > 0] + slope·[{p[0]} ≤ 0]"
    if op == "softplus":
        return rf"\sigma({p[0]})" if latex else f"σ({p[0]})"
    if op == "clamp":
        return rf"[\mathrm{{low}} \le {p[0]} \le \mathrm{{high}}]" if latex else f"[low ≤ {p[0]} ≤ high]"
    if op == "dot":
        n = len(p) // 2
        return p[i + n] if i < n else p[i - n] if i < 2 * n else "1"
    return None
