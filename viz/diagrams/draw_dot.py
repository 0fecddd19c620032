"""draw_dot(root, format, rankdir): micrograd's drawing function, drawn by deltagrad's draw().

The lecture and micrograd's notebooks call `draw_dot(root)` (and `draw_dot(root, format='png',
rankdir='TB')` before `.render()`); this is that signature over `viz.draw`, so the picture is
deltagrad's: the same { label | data | grad } records plus local derivatives and signals.
"""
from __future__ import annotations

from engine import Value
from viz.diagrams.draw import RANKDIRS, draw
from viz.diagrams.render import Diagram
from viz.errors import UnsupportedFormatError

FORMATS = ("svg", "png")  # what viz renders (Diagram.render/pipe use these)


def draw_dot(root: Value, format: str = "svg", rankdir: str = "LR") -> Diagram:
    """micrograd's draw_dot: viz.draw(root, rankdir=rankdir) with `format` set for `.render()`.

    The result is a graphviz.Digraph subclass that displays inline in Jupyter (as SVG) and
    renders without a system Graphviz; `format` is 'svg' or 'png', `rankdir` 'LR' or 'TB'
    (micrograd's two; 'RL' and 'BT' work too).
    """
    if format not in FORMATS:
        raise UnsupportedFormatError(f"draw_dot: format must be one of {', '.join(FORMATS)}, got {format!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_dot: rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    diagram = draw(root, rankdir=rankdir)
    diagram.format = format
    return diagram
