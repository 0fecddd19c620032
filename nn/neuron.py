"""Neuron: z = Σ_k w_k x_k + b, a = σ(z); keeps the z and a of its most recent call."""
from __future__ import annotations

import numbers
import random
from typing import Optional, Sequence

from engine import Value, dot
from engine.value import dot_node
from nn.activations import ACTIVATIONS, check_activation
from nn.errors import ConfigError
from nn.init import check_init, initial_weights, scheme_for
from nn.inputs import Input, check_bool, check_seed, input_labels, wrap_inputs
from nn.module import Module


def subscript(j: int, k: Optional[int] = None) -> str:
    """The notes' subscript: "13" for j=1, k=3; "10,3" once an index has two digits."""
    if k is None:
        return str(j)
    return f"{j}{k}" if j < 10 and k < 10 else f"{j},{k}"


def check_count(n: object, what: str, where: str) -> int:
    """n as an int if it is a positive integer (numpy ints too), else ConfigError."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ConfigError(f"{where}: {what} must be a positive int, got {n!r}")
    return int(n)


class Neuron(Module):
    """One unit: z = Σ_k w_k·x_k + b, then a = σ(z) (the notes' z^l_j and a^l_j).

    z is one n-ary `engine.dot` node whose local derivatives are the inputs (∂z/∂w_k = x_k) and
    the weights (∂z/∂x_k = w_k). With elementary=True it is built from binary * and + nodes
    instead, so a diagram shows every multiply. For "linear" no activation node is made: a is z.

    Weights and bias are leaf Values labelled in the notes' notation: inside layer l (input
    layer = 1) as neuron j, w^l_jk is "w{l}_{jk}" and b^l_j is "b{l}_{j}" (z and a of each call
    are labelled "z{l}_{j}", "a{l}_{j}"); without a layer number "w_{jk}"; a neuron with no
    index either uses "w1".."wn", "b", "z", "a".
    Initial values (seeded): `init="auto"` draws w_k ~ U(±√(6/nin)) (He) for ReLU and
    U(±1/√nin) otherwise, b = 0; "uniform", "he", "micrograd" (w, b ~ U(±1)) force one scheme.
    """

    def __init__(
        self,
        nin: int,
        activation: str = "sigmoid",
        *,
        seed: int = 0,
        init: str = "auto",
        elementary: bool = False,
        rng: Optional[random.Random] = None,
        layer: Optional[int] = None,
        index: Optional[int] = None,
    ) -> None:
        nin = check_count(nin, "nin", "Neuron")
        self.activation = check_activation(activation, "Neuron")
        check_init(init, "Neuron")
        if layer is not None and index is None:
            raise ConfigError("Neuron: a layer number needs the neuron's index too (for the labels)")
        rng = rng if rng is not None else random.Random(check_seed(seed, "Neuron"))
        weights, bias = initial_weights(nin, scheme_for(init, self.activation), rng)
        if index is None:
            w_labels = [f"w{k}" for k in range(1, nin + 1)]
            b_label, self._z_label, self._a_label = "b", "z", "a"
        else:
            at = "" if layer is None else str(layer)
            w_labels = [f"w{at}_{subscript(index, k)}" for k in range(1, nin + 1)]
            b_label = f"b{at}_{subscript(index)}"
            self._z_label, self._a_label = f"z{at}_{subscript(index)}", f"a{at}_{subscript(index)}"
        self.nin = nin
        self.elementary = check_bool(elementary, "elementary", "Neuron")
        self.w: list[Value] = [Value(wk, label) for wk, label in zip(weights, w_labels)]
        self.b: Value = Value(bias, b_label)
        self.z: Optional[Value] = None  # z of the most recent call
        self.a: Optional[Value] = None  # a = σ(z) of the most recent call
        self._sigma = ACTIVATIONS[self.activation]
        self._x_labels = input_labels(nin)

    def __call__(self, x: Sequence[Input]) -> Value:
        """a = σ(Σ_k w_k x_k + b) for x of length nin (numbers become leaves labelled x1, x2, ...)."""
        return self._forward(wrap_inputs(x, self._x_labels, "Neuron"))

    def _weight_data(self) -> Optional[list[float]]:
        """[w_1.data, ..., w_n.data] for a one-node z (None: elementary, or a parameter is not a Value)."""
        if self.elementary or type(self.b) is not Value:
            return None
        data = [w.data for w in self.w if type(w) is Value]
        return data if len(data) == len(self.w) == self.nin else None  # else dot() checks and lifts

    def _forward(self, x: list[Value], x_data: Optional[list[float]] = None,
                 w_data: Optional[list[float]] = None) -> Value:
        """The forward pass without input checks (the caller has checked x).

        With w_data from _weight_data(), x_data must be [x_k.data]: a layer reads its inputs'
        data once for all its neurons, and an MLP its weights' once for a whole batch.
        """
        if w_data is not None:
            z = dot_node(self.w, x, self.b, w_data, x_data)
        elif self.elementary:
            z = self.w[0] * x[0]
            for wk, xk in zip(self.w[1:], x[1:]):
                z = z + wk * xk
            z = z + self.b
        else:
            z = dot(self.w, x, self.b)
        z.label = self._z_label
        self.z = z
        sigma = self._sigma
        if sigma is None:
            self.a = z
            return z
        a = sigma(z)
        a.label = self._a_label
        self.a = a
        return a

    def named_parameters(self) -> list[tuple[str, Value]]:
        """[(label, w_1), ..., (label, w_n), (label, b)]."""
        return [(p.label, p) for p in (*self.w, self.b)]

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"
