"""viz's exceptions: each names what was asked for and what went wrong."""
from __future__ import annotations

from engine.errors import DeltagradError


class VizError(DeltagradError):
    """Base class of the errors viz raises on purpose."""


class NotDrawableError(VizError, TypeError):
    """The object given to a drawing or rendering function is not something viz can draw."""


class GraphTooLargeError(VizError, ValueError):
    """The graph has more nodes than `max_nodes`; `.nodes` and `.max_nodes` say how many."""

    def __init__(self, message: str, nodes: int, max_nodes: int) -> None:
        super().__init__(message)
        self.nodes = nodes
        self.max_nodes = max_nodes


class UnsupportedFormatError(VizError, ValueError):
    """An output format (or file extension) viz cannot write."""


class RendererNotFoundError(VizError, RuntimeError):
    """No Graphviz renderer is installed that can produce the requested format."""


class RenderError(VizError, RuntimeError):
    """The renderer ran but failed (bad DOT, a crash or a timeout)."""


class OutputPathError(VizError, OSError):
    """The output file cannot be written (missing directory, no permission, a directory)."""


# --- misconception lab (viz/lab) ---
class LabError(VizError, ValueError):
    """A misconception-lab request that cannot be met: an unknown mistake, a mistake of the other
    form (graph vs. network), a node outside the graph, a walk that would not end in time."""


class LabTypeError(VizError, TypeError):
    """A misconception-lab argument of the wrong type (an answer that is not a number, a root that is not a Value)."""


class TrainingInputError(VizError, ValueError):
    """A bad argument to the training stepper or player: the message names the argument."""


class NonFiniteGradientError(VizError, ArithmeticError):
    """A gradient the view needs is inf or nan (e.g. a sum of signals that overflowed)."""


class WorkTooLargeError(VizError, ValueError):
    """A run (frames, an animation) would take longer or more memory than its budget; refused up front."""


class ArgumentTypeError(VizError, TypeError, ValueError):
    """An argument of the wrong type ("yes" for a flag, a str for a tolerance); also a ValueError,
    which is what viz raised for some of these before."""


class ArgumentValueError(VizError, ValueError):
    """An argument of the right type but out of range (digits=-1, tol=inf)."""
