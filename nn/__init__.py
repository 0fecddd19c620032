"""nn: neurons, layers and MLPs built from engine.Value, with z, a and δ = ∂L/∂z kept visible.

    >>> from nn import MLP, hinge
    >>> mlp = MLP(2, [4, 1], activation="tanh", output_activation="linear")
    >>> L = hinge(mlp([0.5, -1.0]), 1)
    >>> L.backward()
    >>> [len(d) for d in mlp.deltas()]     # δ² (4 hidden neurons) and δ³ (the output)
    [4, 1]

Layer numbers follow notes 000/004 (input layer = 1): `mlp.layers[i]` is layer i + 2,
`mlp.weights(l)` is W^l for l = 2..L. `nn.equations` (NumPy) is imported on first use.
"""
from __future__ import annotations

from nn import datasets
from nn.errors import (
    ConfigError,
    InputTypeError,
    ModelFileError,
    ModelFileNotFound,
    ModelSaveError,
    NNError,
    NonFiniteError,
    ShapeError,
    TargetError,
)
from nn.layer import Layer
from nn.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge,
    l2_penalty,
    mse,
    softmax,
    squared_error,
)
from nn.metrics import accuracy, classify, dataset_loss, predict
from nn.mlp import MLP
from nn.module import Module
from nn.neuron import Neuron
from nn.objectives import OBJECTIVES, Objective
from nn.optim import SGD, Adam, Optimizer
from nn.perceptron import Perceptron, perceptron_update
from nn.train import History, StepInfo, train

__all__ = [
    "Module", "Neuron", "Layer", "MLP", "squared_error", "mse", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "cross_entropy", "softmax", "hinge", "l2_penalty",
    "SGD", "Adam", "Optimizer", "train", "History", "StepInfo", "Perceptron", "perceptron_update",
    "datasets", "equations", "errata", "accuracy", "classify", "predict", "dataset_loss",
    "Objective", "OBJECTIVES", "NNError", "ShapeError", "ConfigError", "TargetError",
    "InputTypeError", "NonFiniteError", "ModelFileError", "ModelFileNotFound", "ModelSaveError",
]


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    """`nn.equations`, `nn.errata` and `nn.micrograd` on first use (equations needs NumPy)."""
    if name in ("equations", "errata", "micrograd"):
        import importlib

        return importlib.import_module(f"nn.{name}")
    raise AttributeError(f"module 'nn' has no attribute {name!r}")
