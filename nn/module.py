"""Module: anything that owns parameters (micrograd's base class, plus names for the diagrams)."""
from __future__ import annotations

from engine import Value


class Module:
    """Owns parameters; `named_parameters()` says where each one sits, `zero_grad()` clears them."""

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(name, parameter) pairs in a fixed order; the name is the parameter's label."""
        return []

    def parameters(self) -> list[Value]:
        """Every trainable Value, in the order of `named_parameters()`."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """p.grad = 0 for every parameter (backward() adds into leaves, so do this per step)."""
        for p in self.parameters():
            p.grad = 0.0
