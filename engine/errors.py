"""The project's exceptions: each names the operation and the offending value."""
from __future__ import annotations


class DeltagradError(Exception):
    """Base class of every error deltagrad raises on purpose."""


class OpError(DeltagradError):
    """An op was asked for something outside its domain; `.op` and `.value` say which."""

    def __init__(self, op: str, value: object, message: str) -> None:
        super().__init__(f"{op}: {message}")
        self.op = op
        self.value = value


class DomainError(OpError, ValueError):
    """The op is undefined at this value (log of a non-positive number, (-8) ** 0.5, ...)."""


class DivisionByZero(OpError, ZeroDivisionError):
    """The op divides by zero (x / 0, 0 ** -1)."""


class ValueOverflow(OpError, OverflowError):
    """The result or a local derivative is too large for a float (exp(1000), 10 ** 400, 1e308 * 10)."""


class CycleError(DeltagradError, ValueError):
    """Assigning these parents would make the graph a cycle; `.node` is the node being rewired."""

    def __init__(self, message: str, node: object) -> None:
        super().__init__(message)
        self.node = node


class GradcheckError(DeltagradError, ValueError):
    """Analytic and numerical gradients disagree; `.index` names the input."""

    def __init__(self, message: str, index: int, analytic: float, numeric: float) -> None:
        super().__init__(message)
        self.index = index
        self.analytic = analytic
        self.numeric = numeric


class NoDerivativeRule(OpError, NotImplementedError):
    """create_graph met an op with no rule in engine.rules (a hand-wired custom op); `.op` names it."""


class StaleLocalGrads(OpError, ValueError):
    """A node's stored local_grads disagree with its op's rule (set by hand, or data changed since)."""
