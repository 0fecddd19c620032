"""The blanks of a network exercise labelled as each lecture note labels them.

Every blank is one engine quantity, written in notes 000/004's numbering (the input layer is
layer 1, l = 2..L, j a neuron of layer l, k a neuron of layer l − 1):

    ("z", l, j)  pre-activation z^l_j        ("a", l, j)     activation a^l_j = σ(z^l_j)
    ("sp", l, j) σ'(z^l_j)                    ("delta", l, j) δ^l_j = ∂L/∂z^l_j
    ("weight", l, j, k) ∂L/∂w^l_jk            ("bias", l, j)  ∂L/∂b^l_j

A notation maps such a quantity to the name a student types (ASCII, also printed on the sheet)
and to its LaTeX. The numbers never change with the notation, only the labels:

    000  w^l_jk (to j from k), the input is layer 1, cost C
    004  as 000, loss λ
    001  layers from 0 (the input is a^[0]), w_ij from neuron i of layer l−1 to j of layer l
         (z = Wᵀa + b): 000's w^l_jk is 001's w^[l−1]_kj
    002  layers (1), (2), … from the first hidden layer; I (first stage) is the pre-activation,
         hidden activations z, the output y*; w^(l)_ij from i below to j above
    003  a is the pre-activation and z = σ(a) the activation (the reverse of 000); u^l_jk, cost C0
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

Quantity = tuple  # ("z", l, j) | ("a", l, j) | ("sp", l, j) | ("delta", l, j) | ("weight", l, j, k) | ("bias", l, j)

NOTATION_CODES = ("000", "001", "002", "003", "004")


@dataclass(frozen=True)
class Notation:
    """One note's labels: `name(q, L)` is what a student types, `tex(q, L)` its LaTeX."""

    code: str
    summary: str
    forward: str  # the forward equations in this note's letters (LaTeX)
    name: Callable[[Quantity, int], str]
    tex: Callable[[Quantity, int], str]


def _std(loss: str, loss_tex: str, pre: str = "z", act: str = "a", weight: str = "w"):
    """000/004/003 style: layer l as given (input = 1), w^l_jk = to j from k."""
    def name(q: Quantity, L: int) -> str:
        kind, l, j = q[0], q[1], q[2]
        if kind == "z":
            return f"{pre}^{l}_{j}"
        if kind == "a":
            return f"{act}^{l}_{j}"
        if kind == "sp":
            return f"s'({pre}^{l}_{j})"
        if kind == "delta":
            return f"delta^{l}_{j}"
        if kind == "weight":
            return f"d{loss}/d{weight}^{l}_{j}{q[3]}"
        return f"d{loss}/db^{l}_{j}"

    def tex(q: Quantity, L: int) -> str:
        kind, l, j = q[0], q[1], q[2]
        if kind == "z":
            return f"{pre}^{{{l}}}_{{{j}}}"
        if kind == "a":
            return f"{act}^{{{l}}}_{{{j}}}"
        if kind == "sp":
            return rf"\sigma'({pre}^{{{l}}}_{{{j}}})"
        if kind == "delta":
            return rf"\delta^{{{l}}}_{{{j}}}"
        if kind == "weight":
            return rf"\partial {loss_tex}/\partial {weight}^{{{l}}}_{{{j}{q[3]}}}"
        return rf"\partial {loss_tex}/\partial b^{{{l}}}_{{{j}}}"

    return name, tex


def _note001():
    """Layers from 0 ([l−1]), w_ij from i (layer l−1) to j (layer l)."""
    def name(q: Quantity, L: int) -> str:
        kind, l, j = q[0], q[1] - 1, q[2]
        if kind == "weight":
            return f"dL/dw^[{l}]_{q[3]}{j}"
        return {"z": f"z^[{l}]_{j}", "a": f"a^[{l}]_{j}", "sp": f"s'(z^[{l}]_{j})",
                "delta": f"delta^[{l}]_{j}", "bias": f"dL/db^[{l}]_{j}"}[kind]

    def tex(q: Quantity, L: int) -> str:
        kind, l, j = q[0], q[1] - 1, q[2]
        if kind == "weight":
            return rf"\partial L/\partial w^{{[{l}]}}_{{{q[3]}{j}}}"
        return {"z": f"z^{{[{l}]}}_{{{j}}}", "a": f"a^{{[{l}]}}_{{{j}}}", "sp": rf"\sigma'(z^{{[{l}]}}_{{{j}}})",
                "delta": rf"\delta^{{[{l}]}}_{{{j}}}", "bias": rf"\partial L/\partial b^{{[{l}]}}_{{{j}}}"}[kind]

    return name, tex


def _note002():
    """Layers (1), (2), … from the first hidden one; I pre-activation, z hidden activation, y* output."""
    def name(q: Quantity, L: int) -> str:
        kind, l, j = q[0], q[1] - 1, q[2]
        if kind == "a":
            return f"y*_{j}" if q[1] == L else f"z^({l})_{j}"
        if kind == "weight":
            return f"dL/dw^({l})_{q[3]}{j}"
        return {"z": f"I^({l})_{j}", "sp": f"A'(I^({l})_{j})", "delta": f"delta^({l})_{j}",
                "bias": f"dL/db^({l})_{j}"}[kind]

    def tex(q: Quantity, L: int) -> str:
        kind, l, j = q[0], q[1] - 1, q[2]
        if kind == "a":
            return f"y^*_{{{j}}}" if q[1] == L else f"z^{{({l})}}_{{{j}}}"
        if kind == "weight":
            return rf"\partial L/\partial w^{{({l})}}_{{{q[3]}{j}}}"
        return {"z": f"I^{{({l})}}_{{{j}}}", "sp": rf"\mathcal{{A}}'(I^{{({l})}}_{{{j}}})",
                "delta": rf"\delta^{{({l})}}_{{{j}}}", "bias": rf"\partial L/\partial b^{{({l})}}_{{{j}}}"}[kind]

    return name, tex


NOTATIONS: dict[str, Notation] = {
    "000": Notation("000", "note 000: the input is layer 1; z pre-activation, a = σ(z); w^l_jk from neuron k "
                           "of layer l−1 to neuron j of layer l; cost C",
                    r"z^l = W^l a^{l-1} + b^l,\ a^l = \sigma(z^l),\ \delta^l = \partial C/\partial z^l",
                    *_std("C", "C")),
    "004": Notation("004", "note 004: as note 000 (the input is layer 1, w^l_jk to j from k); loss λ",
                    r"z^l = W^l a^{l-1} + b^l,\ a^l = \sigma(z^l),\ \delta^l = \partial \lambda/\partial z^l",
                    *_std("lambda", r"\lambda")),
    "001": Notation("001", "note 001: the input is a^[0]; w_ij from neuron i of layer l−1 to neuron j of "
                           "layer l, so z = Wᵀa + b; loss L",
                    r"z^{[l]} = (W^{[l]})^T a^{[l-1]} + b^{[l]},\ a^{[l]} = \sigma(z^{[l]}),\ "
                    r"\delta^{[l]} = \partial L/\partial z^{[l]}",
                    *_note001()),
    "002": Notation("002", "note 002: layers (1), (2), … from the first hidden layer; I = wᵀu is the "
                           "pre-activation, hidden activations z, the prediction y*; w^(l)_ij from i below to j",
                    r"I^{(l)} = (w^{(l)})^T u^{(l)} + b^{(l)},\ z^{(l)} = \mathcal{A}(I^{(l)}),\ y^* = "
                    r"\mathcal{A}(I^{(L)}),\ \delta^{(l)} = \partial L/\partial I^{(l)}",
                    *_note002()),
    "003": Notation("003", "note 003: a is the pre-activation and z = σ(a) the activation (the reverse "
                           "of note 000); u^l_jk from unit k below to unit j; cost C0",
                    r"a^l_j = \sum_k u^l_{jk} z^{l-1}_k + b^l_j,\ z^l_j = \sigma(a^l_j),\ "
                    r"\delta^l_j = \partial C_0/\partial a^l_j",
                    *_std("C0", "C_0", pre="a", act="z", weight="u")),
}


def get_notation(code: object) -> Notation:
    """The Notation of a note number ("000" .. "004"), else ValueError listing them."""
    from viz.exercises.errors import ExerciseError

    if not isinstance(code, str) or code not in NOTATIONS:
        raise ExerciseError(f"exercise: unknown notation {code!r}; choose one of {', '.join(NOTATION_CODES)} "
                            "(the number of the lecture note whose labels the sheet uses)")
    return NOTATIONS[code]
