"""The activations σ a neuron may use, by name: a = σ(z) as one engine node (none for "linear")."""
from __future__ import annotations

from typing import Callable, Optional

from engine import Value
from nn.errors import ConfigError

# name -> the Value method that builds a = σ(z); None means a = z (no extra node).
ACTIVATIONS: dict[str, Optional[Callable[[Value], Value]]] = {
    "sigmoid": Value.sigmoid,  # σ(z) = 1/(1+e⁻ᶻ); σ' = σ(1-σ)
    "tanh": Value.tanh,  # tanh z; σ' = 1 - tanh² z
    "relu": Value.relu,  # max(0, z); σ' = 1 if z > 0 else 0
    "linear": None,  # a = z; σ' = 1
}


def check_activation(name: object, where: str) -> str:
    """The name itself if it is a known activation, else ConfigError listing the valid ones."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        valid = ", ".join(repr(n) for n in ACTIVATIONS)
        raise ConfigError(f"{where}: unknown activation {name!r}; valid activations are {valid}")
    return name
