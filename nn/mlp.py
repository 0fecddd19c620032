"""MLP: layers of neurons whose z, a and δ = ∂L/∂z stay visible after every call.

Layer numbering follows notes 000 and 004: the input layer is layer 1, so `mlp.layers[i]` is
the notes' layer l = i + 2 and holds W^l (n_l × n_{l-1}) and b^l. Methods taking a layer number
`l` (weights, biases, delta, weight_grads, bias_grads, set_weights, set_biases) use the notes'
l = 2..L; lists indexed by position (`mlp.layers`, `mlp.deltas()`) start at 0 = layer 2.
"""
from __future__ import annotations

import math
import numbers
import os
import random
from typing import Optional, Sequence, Union

from engine import Value
from nn.activations import check_activation
from nn.errors import ConfigError, InputTypeError, NonFiniteError, ShapeError
from nn.init import check_init
from nn.inputs import Input, check_bool, input_labels, wrap_inputs
from nn.layer import Layer
from nn.module import Module
from nn.neuron import check_count
from nn import serialize

PathLike = Union[str, "os.PathLike[str]"]


class MLP(Module):
    """A multilayer perceptron: `MLP(nin, [n_2, ..., n_L])`, hidden layers use `activation`.

    `output_activation=None` means the same as the hidden layers. `mlp(x)` takes nin numbers or
    Values and returns a list of n_L Values. Attributes: `nin`, `sizes` = [nin, n_2, ..., n_L]
    (every layer's width, the input layer included, so sizes[l-1] = n_l), `layers`,
    `inputs` (the input Values of the most recent call, leaves labelled x1..xn for numbers),
    `activation`, `output_activation`, `init`, `seed`, `elementary`.
    Weights are seeded (default seed 0: the same network every time) and drawn by `init`
    (see `nn.init.initial_weights`): "auto" (default) is He-uniform U(±√(6/n_in)) for ReLU layers
    and U(±1/√n_in) for the others, biases 0; "uniform", "he" or "micrograd" (U(±1)) for all.
    `elementary=True` builds each z from binary * and + nodes (diagrams) instead of one dot node.
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activation: str = "sigmoid",
        output_activation: Optional[str] = None,
        *,
        seed: int = 0,
        init: str = "auto",
        elementary: bool = False,
    ) -> None:
        nin = check_count(nin, "nin", "MLP")
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
            raise ConfigError(f"MLP: layer sizes must be a list of positive ints, got {sizes!r:.60}")
        if len(sizes) == 0:
            raise ConfigError("MLP: layer sizes are empty; give at least the output layer, e.g. MLP(2, [1])")
        sizes = [check_count(n, "every layer size", "MLP") for n in sizes]
        check_activation(activation, "MLP")
        out_act = activation if output_activation is None else output_activation
        check_activation(out_act, "MLP (output_activation)")
        check_init(init, "MLP")
        elementary = check_bool(elementary, "elementary", "MLP")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ConfigError(f"MLP: seed must be an int, got {seed!r}")
        rng = random.Random(seed)
        self.nin = nin
        self.sizes = [nin, *sizes]
        self.activation, self.output_activation = activation, out_act
        self.init, self.seed, self.elementary = init, seed, bool(elementary)
        last = len(sizes) - 1
        self.layers = [
            Layer(self.sizes[i], n, out_act if i == last else activation, init=init,
                  elementary=elementary, rng=rng, number=i + 2)
            for i, n in enumerate(sizes)
        ]
        self.inputs: Optional[list[Value]] = None
        self._x_labels = input_labels(nin)
        self._named = [pair for layer in self.layers for pair in layer.named_parameters()]
        self._params = [p for _, p in self._named]

    @property
    def nout(self) -> int:
        """n_L, the width of the output layer."""
        return self.sizes[-1]

    def __call__(self, x: Sequence[Input]) -> list[Value]:
        """[a^L_1, ..., a^L_nL] for x = [x_1, ..., x_nin] (numbers or Values)."""
        return self._forward(wrap_inputs(x, self._x_labels, "MLP"), self._weight_data())

    def _forward_batch(self, X: Sequence[Sequence[Input]]) -> list[list[Value]]:
        """[mlp(x) for x in X], every weight's data read once for the whole batch."""
        w_data = self._weight_data()
        labels = self._x_labels
        return [self._forward(wrap_inputs(x, labels, "MLP"), w_data) for x in X]

    def _weight_data(self) -> list[list[Optional[list[float]]]]:
        """The weights' current data, per layer, per neuron (Layer._weight_data)."""
        return [layer._weight_data() for layer in self.layers]

    def _forward(self, a: list[Value], w_data: list[list[Optional[list[float]]]]) -> list[Value]:
        """The forward pass from checked inputs; w_data as from _weight_data()."""
        self.inputs = a
        for layer, wd in zip(self.layers, w_data):
            a = layer._forward(a, wd)
        return a

    # ------------------------------------------------------------------ parameters
    def named_parameters(self) -> list[tuple[str, Value]]:
        """(label, parameter) layer by layer, neuron by neuron: "w2_11", "w2_12", ..., "b2_1", ..."""
        return list(self._named)

    def parameters(self) -> list[Value]:
        """Every weight and bias, in the order of named_parameters()."""
        return list(self._params)

    def zero_grad(self) -> None:
        """p.grad = 0 for every parameter."""
        for p in self._params:
            p.grad = 0.0

    # ------------------------------------------------------------------ the notes' matrices
    def _layer(self, l: object, where: str) -> Layer:
        """mlp.layers[l - 2] for the notes' layer number l = 2..L, else ShapeError explaining."""
        top = len(self.sizes)
        if isinstance(l, bool) or not isinstance(l, int) or not 2 <= l <= top:
            raise ShapeError(
                f"MLP.{where}: layer number {l!r} is out of range; {where}(l) takes the notes' layer "
                f"number l = 2..{top} (the input layer is layer 1, so mlp.layers[i] is layer i + 2)"
            )
        return self.layers[l - 2]

    def weights(self, l: int) -> list[list[float]]:
        """W^l as floats, n_l × n_{l-1}: row j holds w^l_j1 .. w^l_jn (notes 000/004)."""
        return [[w.data for w in n.w] for n in self._layer(l, "weights").neurons]

    def biases(self, l: int) -> list[float]:
        """b^l as floats, length n_l."""
        return [n.b.data for n in self._layer(l, "biases").neurons]

    def weight_grads(self, l: int) -> list[list[float]]:
        """∂C/∂W^l as floats after backward: entry jk is ∂C/∂w^l_jk (= a^{l-1}_k δ^l_j per example)."""
        return [[w.grad for w in n.w] for n in self._layer(l, "weight_grads").neurons]

    def bias_grads(self, l: int) -> list[float]:
        """∂C/∂b^l as floats after backward (= δ^l per example)."""
        return [n.b.grad for n in self._layer(l, "bias_grads").neurons]

    def delta(self, l: int) -> list[float]:
        """δ^l_j = ∂L/∂z^l_j of the most recent call, after a backward pass (notes' layer l)."""
        return _layer_deltas(self._layer(l, "delta"), l)

    def deltas(self) -> list[list[float]]:
        """[δ², ..., δ^L]: one list per entry of mlp.layers, δ^l_j = ∂L/∂z^l_j of the most recent
        call after a backward pass. deltas()[i] belongs to mlp.layers[i], the notes' layer i + 2.

        The grads are those of the last backward(): for a batch whose loss is the mean of m
        examples' losses, the last example's z.grad is its own δ divided by m.
        """
        return [_layer_deltas(layer, i + 2) for i, layer in enumerate(self.layers)]

    def set_weights(self, l: int, W: Sequence[Sequence[float]]) -> None:
        """Set W^l (n_l × n_{l-1} numbers) all at once; nothing changes if any entry is bad."""
        layer = self._layer(l, "set_weights")
        rows = _matrix(W, layer.nout, layer.nin, f"set_weights({l})")
        for n, row in zip(layer.neurons, rows):
            for w, v in zip(n.w, row):
                w.data = v

    def set_biases(self, l: int, b: Sequence[float]) -> None:
        """Set b^l (n_l numbers) all at once; nothing changes if any entry is bad."""
        layer = self._layer(l, "set_biases")
        values = _matrix([b], 1, layer.nout, f"set_biases({l})")[0]
        for n, v in zip(layer.neurons, values):
            n.b.data = v

    # ------------------------------------------------------------------ files
    def config(self) -> dict:
        """What MLP(...) needs to rebuild this architecture."""
        return {
            "nin": self.nin, "sizes": self.sizes[1:], "activation": self.activation,
            "output_activation": self.output_activation, "init": self.init, "seed": self.seed,
            "elementary": self.elementary,
        }

    def save(self, path: PathLike) -> None:
        """Write architecture and every weight to a JSON file (exact floats), atomically."""
        serialize.save(path, self.config(),
                       [{"w": self.weights(l), "b": self.biases(l)} for l in range(2, len(self.sizes) + 1)])

    @classmethod
    def load(cls, path: PathLike) -> MLP:
        """A new MLP from a file written by save(); ModelFileError names the file and the problem."""
        config, layers = serialize.load(path)
        try:
            model = cls(**config)
        except (ValueError, TypeError) as e:
            raise serialize.file_error(path, f"its architecture is invalid: {e}") from None
        model._assign(layers, path)
        return model

    def load_state(self, path: PathLike) -> None:
        """Load weights saved from a model of the same architecture; all or nothing."""
        config, layers = serialize.load(path)
        mine = (self.nin, self.sizes[1:], self.activation, self.output_activation)
        theirs = (config["nin"], config["sizes"], config["activation"], config["output_activation"])
        if mine != theirs:
            raise serialize.file_error(
                path, f"it holds a different architecture {theirs} than this model {mine}")
        self._assign(layers, path)

    def _assign(self, layers: list[dict], path: PathLike) -> None:
        """Check every layer's W and b against the architecture first, then assign them all."""
        if len(layers) != len(self.layers):
            raise serialize.file_error(path, f"it has {len(layers)} layers of weights, expected {len(self.layers)}")
        checked = []
        for l, (layer, entry) in enumerate(zip(self.layers, layers), start=2):
            try:
                W = _matrix(entry["w"], layer.nout, layer.nin, f"layer {l} weights")
                b = _matrix([entry["b"]], 1, layer.nout, f"layer {l} biases")[0]
            except (ValueError, TypeError) as e:
                raise serialize.file_error(path, str(e)) from None
            checked.append((W, b))
        for layer, (W, b) in zip(self.layers, checked):
            for n, row, bj in zip(layer.neurons, W, b):
                for w, v in zip(n.w, row):
                    w.data = v
                n.b.data = bj

    def __repr__(self) -> str:
        return (f"MLP({self.nin}, {self.sizes[1:]}, activation={self.activation!r}, "
                f"output_activation={self.output_activation!r})")


def _layer_deltas(layer: Layer, l: int) -> list[float]:
    """[z.grad for each neuron's most recent z]; ConfigError before any call."""
    out = []
    for n in layer.neurons:
        if n.z is None:
            raise ConfigError(f"MLP.deltas: layer {l} has not been called yet; run mlp(x), then loss.backward()")
        out.append(n.z.grad)
    return out


def _matrix(rows: object, nrows: int, ncols: int, where: str) -> list[list[float]]:
    """rows as nrows × ncols finite floats, else ShapeError / InputTypeError / ValueError."""
    if isinstance(rows, (str, bytes)) or not hasattr(rows, "__len__") or len(rows) != nrows:
        if isinstance(rows, (str, bytes)) or not hasattr(rows, "__len__"):
            got = f"{type(rows).__name__} {rows!r:.40}"
        else:
            got = str(len(rows))
        raise ShapeError(f"{where}: expected {nrows} rows, got {got}")
    out = []
    for j, row in enumerate(rows, start=1):
        if isinstance(row, (str, bytes)) or not hasattr(row, "__len__") or len(row) != ncols:
            got = len(row) if hasattr(row, "__len__") else type(row).__name__
            raise ShapeError(f"{where}: row {j} should have {ncols} numbers, got {got}")
        values = []
        for v in row:
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise InputTypeError(f"{where}: row {j} holds {type(v).__name__} {v!r:.40}, not a number")
            try:
                v = float(v)
            except OverflowError:
                raise NonFiniteError(f"{where}: row {j} holds an integer of about "
                                     f"{int(v.bit_length() * 0.30103) + 1} digits, too large for a float") from None
            if not math.isfinite(v):
                raise NonFiniteError(f"{where}: row {j} holds the non-finite number {v!r}")
            values.append(v)
        out.append(values)
    return out
