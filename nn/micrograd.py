"""nn.micrograd: micrograd 0.1.0's Module, Neuron, Layer and MLP, over deltagrad's Value.

The compatibility face for code written against `micrograd.nn` (the lecture, its demo): the
same classes, the same graph of binary ops (z = ((b + w₁x₁) + w₂x₂) + ..., then relu), ReLU on
every layer but the last, a one-neuron layer returning a bare Value, micrograd's reprs, and the
weights drawn as micrograd draws them: `random.uniform(-1, 1)` from the module-level `random`,
layer by layer, neuron by neuron, each neuron's weights in order, its bias 0. So after
`random.seed(s)` this MLP and micrograd's hold the same weights and compute the same losses.
Its pitfalls (the bare Value, the unlabelled parameters) are copied on purpose (STYLE.md, "Wrong
on purpose"); only bad input differs: a wrong-length input is an nn.ShapeError, not a silently
shortened zip. deltagrad's own `nn.MLP` (z, a and δ kept, seeded, labelled) is unchanged.

    >>> import random
    >>> from nn.micrograd import MLP
    >>> random.seed(1337)
    >>> model = MLP(2, [16, 16, 1])
    >>> model.layers[2]
    Layer of [LinearNeuron(16)]
    >>> model([0.5, -1.0])        # one output: a bare Value, as in micrograd
    Value(data=..., grad=0)
    >>> len(model.parameters())   # (2+1)·16 + (16+1)·16 + (16+1)·1
    337
"""
from __future__ import annotations

import random
from typing import Sequence, Union

from engine import Value
from nn.errors import ConfigError, ShapeError
from nn.neuron import check_count

Input = Union[Value, float]


class Module:
    """micrograd's base class: `parameters()` (none here) and `zero_grad()`."""

    def zero_grad(self) -> None:
        """p.grad = 0 for every parameter."""
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self) -> list[Value]:
        """Every trainable Value (a subclass lists its own)."""
        return []


class Neuron(Module):
    """relu(b + Σ_k w_k·x_k) from binary + and * nodes (linear with nonlin=False); w_k ~ U(-1, 1), b = 0."""

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        nin = check_count(nin, "nin", "micrograd.Neuron")
        if not isinstance(nonlin, bool):
            raise ConfigError(f"micrograd.Neuron: nonlin must be True or False, got {nonlin!r}")
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x: Sequence[Input]) -> Value:
        if len(x) != len(self.w):
            raise ShapeError(f"micrograd.Neuron: expected {len(self.w)} inputs, got {len(x)}")
        act = self.b
        for wi, xi in zip(self.w, x):  # micrograd's sum(generator, b): left to right from b
            act = act + wi * xi
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """nout Neurons on the same inputs; one output comes back as a bare Value, more as a list."""

    def __init__(self, nin: int, nout: int, **kwargs: bool) -> None:
        nout = check_count(nout, "nout", "micrograd.Layer")
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x: Sequence[Input]) -> Union[Value, list[Value]]:
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(map(repr, self.neurons))}]"


class MLP(Module):
    """Layers of sizes nin → nouts[0] → ... → nouts[-1]: ReLU neurons, a linear last layer."""

    def __init__(self, nin: int, nouts: Sequence[int]) -> None:
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise ConfigError(f"micrograd.MLP: nouts must be a non-empty list of layer sizes, got {nouts!r:.60}")
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i != last) for i in range(len(nouts))]

    def __call__(self, x: Sequence[Input]) -> Union[Value, list[Value]]:
        for layer in self.layers:
            x = layer(x)  # type: ignore[assignment]
        return x  # type: ignore[return-value]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(map(repr, self.layers))}]"
