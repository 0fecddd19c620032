"""Look of the diagrams: number formats, op symbols, and the colour scale for grad (sign and size)."""
from __future__ import annotations

import html
import math
import re
from typing import Callable, Union

from graphviz import nohtml

FONT = "Helvetica"
Formatter = Callable[[float], str]
FormatSpec = Union[str, Formatter]

# Diverging scale: blue for negative grad, red for positive, darker for larger |grad|.
# Bins are fractions of the largest finite |grad| in the picture.
BIN_EDGES = (0.1, 0.5)
NEGATIVE = ("#deebf7", "#9ecae1", "#3182bd")
POSITIVE = ("#fee0d2", "#fc9272", "#de2d26")
ZERO = "#ffffff"
NOT_FINITE = "#ffff66"
DARK = {"#3182bd", "#de2d26"}  # fills that need white text

MUTED = "#a0a0a0"        # pending (not yet reached) nodes and edges
LOCAL = "#505050"        # the local-derivative line of an edge label
HIGHLIGHT = "#e66101"    # the edge being applied right now
COMPLETE = "#1b7837"     # border of a node whose grad is complete
PREACT = "#762a83"       # border of a pre-activation z (shows δ)

_OP_SYMBOLS = {"*": "×", "/": "÷", "-": "−", "neg": "−x", "dot": "Σ w·x", "sum": "Σ", "**": "xʸ"}


def make_formatter(fmt: FormatSpec) -> Formatter:
    """A function float -> str from a format spec like ".4g" or from a callable; ValueError if unusable."""
    if callable(fmt):
        def call(x: float) -> str:
            text = fmt(x)
            if not isinstance(text, str):
                raise TypeError(f"fmt: the number format returned {type(text).__name__}, not str")
            return text
        return call
    if not isinstance(fmt, str):
        raise TypeError(f"fmt: expected a format spec like '.4g' or a callable, got {type(fmt).__name__} {fmt!r:.60}")
    try:
        format(1.5, fmt)
    except (ValueError, TypeError):
        raise ValueError(f"fmt: {fmt!r} is not a number format spec (try '.4g' or '.3f')") from None
    return lambda x: format(x, fmt)


# The subgradient each piecewise-linear op chose at its kinks, shown in its op node's tooltip.
_OP_NOTES = {
    "relu": "local 1 if x > 0 else 0 (0 at x = 0)",
    "leaky_relu": "local 1 if x > 0 else the slope (the slope at x = 0)",
    "abs": "local sign(x) (0 at x = 0)",
    "max": "local 1 for the larger input, 0 for the other; a tie sends the gradient to the first input",
    "min": "local 1 for the smaller input, 0 for the other; a tie sends the gradient to the first input",
    "clamp": "local 1 if low ≤ x ≤ high (bounds included) else 0",
}


def op_tooltip(op: str) -> str:
    """The op node's tooltip: its name, and for a piecewise-linear op the local derivative at its kinks."""
    note = _OP_NOTES.get(op)
    return f"op {op}: {note}" if note else f"op {op}"


def op_symbol(op: str) -> str:
    """How an op is printed in its node: × for *, xⁿ-style for powers, the name for functions."""
    if op in _OP_SYMBOLS:
        return _OP_SYMBOLS[op]
    if op.startswith("**"):
        return "x^" + op[2:]
    if op.endswith("**"):
        return op[:-2] + "^x"
    return op


def grad_fill(grad: float, scale: float) -> str:
    """Fill colour for a grad: sign picks blue (−) or red (+), |grad| / scale picks the shade."""
    if not math.isfinite(grad):
        return NOT_FINITE
    if grad == 0.0 or scale <= 0.0:
        return ZERO
    shades = POSITIVE if grad > 0 else NEGATIVE
    size = abs(grad) / scale
    return shades[sum(size > edge for edge in BIN_EDGES)]


def text_colour(fill: str) -> str:
    return "white" if fill in DARK else "black"


def grad_scale(grads: list[float]) -> float:
    """The largest finite |grad|: the reference for the colour shades."""
    return max((abs(g) for g in grads if math.isfinite(g)), default=0.0)


def legend_rows(scale: float, fmt: Formatter, name: str = "grad") -> list[tuple[str, str]]:
    """(fill colour, description) rows of the colour legend for `name` values up to ±scale."""
    if scale <= 0.0:
        return [(ZERO, f"{name} = 0")]
    lo, mid = (fmt(scale * e) for e in BIN_EDGES)
    top = fmt(scale)
    rows = [
        (POSITIVE[2], f"{name} in ({mid}, {top}]"),
        (POSITIVE[1], f"{name} in ({lo}, {mid}]"),
        (POSITIVE[0], f"{name} in (0, {lo}]"),
        (ZERO, f"{name} = 0"),
        (NEGATIVE[0], f"{name} in [-{lo}, 0)"),
        (NEGATIVE[1], f"{name} in [-{mid}, -{lo})"),
        (NEGATIVE[2], f"{name} in [-{top}, -{mid})"),
    ]
    return rows


def legend_table(notes: list[str], swatches: list[tuple[str, str]]) -> str:
    """A legend: a column of notes, then the colour scale as cells painted in their own colour."""
    rows = [f'<tr><td align="left">{esc(n)}</td></tr>' for n in notes]
    rows += [f'<tr><td bgcolor="{fill}" border="1" align="left"><font color="{text_colour(fill)}">{esc(text)}'
             f"</font></td></tr>" for fill, text in swatches]
    return f'<<table border="1" color="#909090" cellborder="0" cellspacing="0" cellpadding="2">{"".join(rows)}</table>>'


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # C0, DEL, C1, lone surrogates
_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def visible(text: str) -> str:
    """Text with each control character (C0, DEL, C1) or lone surrogate written as an escape: tab as \\t, ESC as \\x1b."""
    return _UNPRINTABLE.sub(_escape_one, text)


def _escape_one(match: re.Match) -> str:
    c = match.group()
    return _NAMED_ESCAPES.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def esc(text: str) -> str:
    """Text made safe inside a Graphviz HTML-like label (control characters shown as escapes)."""
    return html.escape(visible(text), quote=True)


def plain(text: str) -> str:
    """Text for a quoted DOT attribute, read as plain text: never HTML-like, no DOT escape (\\n, \\N, a final \\)."""
    return nohtml(visible(str(text)).replace("\\", "\\\\"))


EDGE_NEGATIVE = ("#9ecae1", "#4292c6", "#08519c")
EDGE_POSITIVE = ("#fcae91", "#fb6a4a", "#cb181d")
EDGE_ZERO = "#bdbdbd"


def grad_stroke(grad: float, scale: float) -> str:
    """Line colour for an edge by the sign and size of its grad (the same bins as grad_fill)."""
    if not math.isfinite(grad):
        return "#e6ab02"
    if grad == 0.0 or scale <= 0.0:
        return EDGE_ZERO
    shades = EDGE_POSITIVE if grad > 0 else EDGE_NEGATIVE
    return shades[sum(abs(grad) / scale > edge for edge in BIN_EDGES)]
