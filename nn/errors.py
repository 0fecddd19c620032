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
    """An input or target is not a number (or a Value), or an argument has the wrong type (a flag that
    is not True/False, a seed that is not an int, a callback that is not callable)."""


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


class ModelSaveError(NNError, OSError):
    """A model file cannot be written (the path is not a regular file, the folder is missing or
    read-only, the disk is full, fsync failed, ...); `.path` names the file. Nothing was changed."""

    def __init__(self, path: object, problem: str, errno: "int | None" = None) -> None:
        self.message = f"MLP.save: cannot write {str(path)!r}: {problem}"
        super().__init__(errno, self.message)
        self.path = path
        self.filename = path
        self.problem = problem

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (self.path, self.problem, self.errno))


class ModelSaveNotFound(ModelSaveError, FileNotFoundError):
    """The folder of the model file does not exist (or the path is empty)."""


class ModelSaveIsADirectory(ModelSaveError, IsADirectoryError):
    """The path names a folder, not a file."""


class ModelSavePermission(ModelSaveError, PermissionError):
    """The folder (or the file) may not be written by this user."""
