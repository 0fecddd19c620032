"""Names in the notes' notation: "w2_13" is drawn w²₁₃, "z3_1" is z³₁, "x1" is x₁."""
from __future__ import annotations

import re

_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_LAYERED = re.compile(r"^([A-Za-zδ]+)(\d*)_(\d+(?:,\d+)?)$")   # w2_13, b2_1, z3_1, w_13
_INDEXED = re.compile(r"^([A-Za-z])(\d{1,2})$")                 # x1, w2, a12


def superscript(n: int | str) -> str:
    return str(n).translate(_SUP)


def subscript(n: int | str) -> str:
    return str(n).translate(_SUB)


def pretty_label(label: str) -> str:
    """The notes' look for nn's labels (layer as superscript, indices as subscript); others as is."""
    m = _LAYERED.match(label)
    if m:
        base, layer, idx = m.groups()
        return base + superscript(layer) + subscript(idx)
    m = _INDEXED.match(label)
    if m:
        return m.group(1) + subscript(m.group(2))
    return label


def weight_name(layer: int, j: int, k: int) -> str:
    """w^l_jk as text: w²₁₃ (a comma once an index has two digits: w²₁₀,₃)."""
    idx = f"{j}{k}" if j < 10 and k < 10 else f"{j},{k}"
    return "w" + superscript(layer) + subscript(idx)
