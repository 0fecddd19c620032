"""Layer: nout neurons reading the same inputs; always returns a list."""
from __future__ import annotations

import random
from typing import Optional, Sequence

from engine import Value
from nn.inputs import Input, check_bool, check_seed, input_labels, wrap_inputs
from nn.module import Module
from nn.neuron import Neuron, check_count


class Layer(Module):
    """nout neurons z_j = Σ_k w_jk x_k + b_j, a_j = σ(z_j); `layer(x)` is always a list of Values.

    `number` is the notes' layer number (input layer = 1, so the first layer of weights is 2),
    used only for the labels "w{number}_{jk}"; without it labels read "w_{jk}".
    Weights are drawn from one seeded stream (`seed`, or a shared `rng`).
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "sigmoid",
        *,
        seed: int = 0,
        init: str = "auto",
        elementary: bool = False,
        rng: Optional[random.Random] = None,
        number: Optional[int] = None,
    ) -> None:
        nin, nout = check_count(nin, "nin", "Layer"), check_count(nout, "nout", "Layer")
        elementary = check_bool(elementary, "elementary", "Layer")
        rng = rng if rng is not None else random.Random(check_seed(seed, "Layer"))
        self.nin, self.nout, self.number = nin, nout, number
        self.neurons = [
            Neuron(nin, activation, init=init, elementary=elementary, rng=rng,
                   layer=number, index=j)
            for j in range(1, nout + 1)
        ]
        self.activation = self.neurons[0].activation
        self._x_labels = input_labels(nin)

    def __call__(self, x: Sequence[Input]) -> list[Value]:
        """[a_1, ..., a_nout] for x of length nin."""
        return self._forward(wrap_inputs(x, self._x_labels, "Layer"))

    def _weight_data(self) -> list[Optional[list[float]]]:
        """Each neuron's weights' data (Neuron._weight_data), read once for a batch."""
        return [n._weight_data() for n in self.neurons]

    def _forward(self, x: list[Value], w_data: Optional[list[Optional[list[float]]]] = None) -> list[Value]:
        """The forward pass without input checks; w_data as from _weight_data() (read now if None)."""
        if w_data is None:
            w_data = self._weight_data()
        x_data = [v.data for v in x]
        return [n._forward(x, x_data, wd) for n, wd in zip(self.neurons, w_data)]

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every neuron's parameters, neuron by neuron."""
        return [pair for n in self.neurons for pair in n.named_parameters()]

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"
