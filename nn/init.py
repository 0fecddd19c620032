"""Initial weights: small seeded random numbers (note 003: "initiate the weights to small values")."""
from __future__ import annotations

import math
import random

from nn.errors import ConfigError

INIT_SCHEMES = ("auto", "uniform", "he", "micrograd")


def check_init(init: object, where: str) -> str:
    """The scheme name if known, else ConfigError listing the valid ones."""
    if not isinstance(init, str) or init not in INIT_SCHEMES:
        valid = ", ".join(repr(s) for s in INIT_SCHEMES)
        raise ConfigError(f"{where}: unknown init {init!r}; valid schemes are {valid}")
    return init


def scheme_for(init: str, activation: str) -> str:
    """"auto" resolves to "he" for ReLU neurons and "uniform" for the others."""
    if init != "auto":
        return init
    return "he" if activation == "relu" else "uniform"


def initial_weights(nin: int, init: str, rng: random.Random) -> tuple[list[float], float]:
    """nin weights and a bias drawn by the named scheme ("auto" must be resolved by scheme_for).

    "uniform":   w_k ~ U(-1/√nin, 1/√nin), b = 0  (LeCun-style uniform, PyTorch's Linear default)
    "he":        w_k ~ U(-√(6/nin), √(6/nin)), b = 0  (He/Kaiming uniform, suited to ReLU)
    "micrograd": w_k, b ~ U(-1, 1)  (micrograd's Neuron)
    """
    if init == "micrograd":
        return [rng.uniform(-1.0, 1.0) for _ in range(nin)], rng.uniform(-1.0, 1.0)
    bound = 1.0 / math.sqrt(nin) if init == "uniform" else math.sqrt(6.0 / nin)
    return [rng.uniform(-bound, bound) for _ in range(nin)], 0.0
