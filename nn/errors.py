"""nn's exceptions: each subclasses engine.DeltagradError and the builtin a caller would expect."""
from __future__ import annotations

from engine import DeltagradError


class NNError(DeltagradError):
    """Base class of every error nn raises on purpose."""


class ShapeError(NNError, ValueError):
    """A list has the wrong length: inputs, targets, weight matrices, layer numbers."""


class ConfigError(NNError, ValueError):
    """A bad setting: unknown activation or loss name, empty layer sizes, lr <= 0, ..."""


class TargetError(NNError, ValueError):
    """A target the loss cannot use: class index out of range, probability outside [0, 1], ..."""


class InputTypeError(NNError, TypeError):
    """An input or target is not a number (or a Value)."""


class NonFiniteError(NNError, ValueError):
    """An input, gradient or parameter is nan or infinite; the call was refused, nothing changed."""


class ModelFileError(NNError, ValueError):
    """A model file cannot be loaded: missing, truncated, foreign or inconsistent; `.path` names it."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"cannot load model from {str(path)!r}: {problem}")
        self.path = path
        self.problem = problem


class ModelFileNotFound(ModelFileError, FileNotFoundError):
    """The model file does not exist."""
