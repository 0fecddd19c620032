"""The notes' matrix-form backward pass for one example, right and as the notes' errata print it.

    (3) Δ^L = ∂C/∂A^L ⊙ σ'(Z^L)          (4) Δ^l = (W^{l+1})ᵀ Δ^{l+1} ⊙ σ'(Z^l)
    (5) ∂C/∂W^l = Δ^l (A^{l-1})ᵀ          (6) ∂C/∂B^l = Δ^l
Layers are numbered as in notes 000/004 (input = 1). Every number comes from the engine's graph
of the example: W^l from mlp.weights(l), A^l = a.data, σ'(Z^l) = the local derivative stored on
each a = σ(z) node, ∂C/∂A^L = the output's gradient after the engine's backward pass. The
matrix algebra is NumPy (as nn.equations); each mistake is `right` with one line changed.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from engine import Value
from viz.errors import LabError, LabTypeError


class Example:
    """One example through an MLP, read off the engine's graph: W, A, S = σ'(Z), G = ∂C/∂A^L.

    The model's parameter gradients are left as they were before.
    """

    def __init__(self, mlp: Any, x: Sequence[float], y: Any, loss: str = "squared_error") -> None:
        import numpy as np

        import nn
        from nn.objectives import get_objective

        if not isinstance(mlp, nn.MLP):
            raise LabTypeError(f"compare_network: expected an nn.MLP, got {type(mlp).__name__} {mlp!r:.60}")
        self.mlp, self.loss = mlp, loss
        objective = get_objective(loss)
        params = mlp.parameters()
        before = [p.grad for p in params]
        outputs = mlp(x)
        self.C: Value = objective.loss(outputs, y)
        for p in params:
            p.grad = 0.0
        self.C.backward()
        self.L = L = len(mlp.sizes)
        col = lambda values: np.array(values, dtype=float).reshape(-1, 1)  # noqa: E731
        self.W = {l: np.array(mlp.weights(l), dtype=float) for l in range(2, L + 1)}
        self.A = {1: col([v.data for v in mlp.inputs])}
        self.S = {}
        for l in range(2, L + 1):
            neurons = mlp.layers[l - 2].neurons
            self.A[l] = col([n.a.data for n in neurons])
            self.S[l] = col([1.0 if n.a is n.z else n.a.local_grads[0] for n in neurons])  # σ'(z), as stored
        self.G = col([a.grad for a in outputs])  # ∂C/∂a^L, from the loss's own local derivatives
        self.engine_deltas = [[n.z.grad for n in layer.neurons] for layer in mlp.layers]
        for p, g in zip(params, before):
            p.grad = g

    def node(self, quantity: tuple) -> Value:
        """The graph's Value for ("delta", l, j) (z^l_j), ("weight", l, j, k) or ("bias", l, j)."""
        kind, l, j, k = check_quantity(self.mlp, quantity)
        neuron = self.mlp.layers[l - 2].neurons[j - 1]
        return neuron.z if kind == "delta" else neuron.b if kind == "bias" else neuron.w[k - 1]


Deltas = dict  # layer number l -> Δ^l, an n_l × 1 column


# ---------------------------------------------------------------------------- the right pass
def right(e: Example) -> Deltas:
    """Eqs. (3), (4): Δ^L = ∂C/∂A^L ⊙ σ'(Z^L), then Δ^l = (W^{l+1})ᵀ Δ^{l+1} ⊙ σ'(Z^l) downwards."""
    delta = {e.L: e.G * e.S[e.L]}
    for l in range(e.L - 1, 1, -1):
        delta[l] = (e.W[l + 1].T @ delta[l + 1]) * e.S[l]
    return delta


# ---------------------------------------------------------------------------- the notes' errata
def no_transpose(e: Example) -> Deltas:
    """Note 000's eq. (4) as printed: W^{l+1} Δ^{l+1} where (W^{l+1})ᵀ Δ^{l+1} belongs."""
    delta = {e.L: e.G * e.S[e.L]}
    for l in range(e.L - 1, 1, -1):
        delta[l] = (e.W[l + 1] @ delta[l + 1]) * e.S[l]  # the mistake: W, not W.T
    return delta


def sigma_not_prime(e: Example) -> Deltas:
    """Note 004's sentence after eq. (7) read literally: σ(Z^l) where σ'(Z^l) belongs, at every layer."""
    delta = {e.L: e.G * e.A[e.L]}  # the mistake: A = σ(Z), not S = σ'(Z)
    for l in range(e.L - 1, 1, -1):
        delta[l] = (e.W[l + 1].T @ delta[l + 1]) * e.A[l]  # the mistake again
    return delta


def flipped_sign(e: Example) -> Deltas:
    """Note 001's intermediate sign: ∂C/∂a = (y − a) where (a − y) belongs; every δ flips."""
    delta = {e.L: -e.G * e.S[e.L]}  # the mistake: −∂C/∂A^L
    for l in range(e.L - 1, 1, -1):
        delta[l] = (e.W[l + 1].T @ delta[l + 1]) * e.S[l]
    return delta


HALF_FACTOR = {"squared_error": 2.0, "mse": 0.5}  # C = ½Σ(y − a)² taken as (y − a)², and the reverse


def half_factor(e: Example) -> Deltas:
    """The two squared costs mixed up: note 003's 2(a − y) for note 000's ½Σ(y − a)² (every δ doubles),
    or, for the mean squared error (no ½), the derivative of ½(y − a)² (every δ halves)."""
    if e.loss not in HALF_FACTOR:
        raise LabError(f"half_factor: is a mistake about the squared costs (loss='squared_error' or 'mse'), "
                       f"not about loss={e.loss!r}")
    delta = {e.L: HALF_FACTOR[e.loss] * e.G * e.S[e.L]}  # the mistake: the factor 2 (or ½) of the other cost
    for l in range(e.L - 1, 1, -1):
        delta[l] = (e.W[l + 1].T @ delta[l + 1]) * e.S[l]
    return delta


NETWORK_PASSES: dict[str, Callable[[Example], Deltas]] = {
    "no_transpose": no_transpose, "sigma_not_prime": sigma_not_prime, "flipped_sign": flipped_sign,
    "half_factor": half_factor,
}


# ---------------------------------------------------------------------------- gradients, as the notes' lists
class NetworkGrads:
    """δ, ∂C/∂W and ∂C/∂b per layer, as mlp.deltas() / mlp.weight_grads(l) / mlp.bias_grads(l) give them:
    lists indexed from 0 = layer 2; weight_grads[i][j][k] is ∂C/∂w^{i+2}_{j+1,k+1}."""

    def __init__(self, e: Example, delta: Deltas) -> None:
        layers = range(2, e.L + 1)
        self.deltas = [[float(v) for v in delta[l][:, 0]] for l in layers]
        self.weight_grads = [(delta[l] @ e.A[l - 1].T).tolist() for l in layers]  # (5) Δ^l (A^{l-1})ᵀ
        self.bias_grads = [list(row) for row in self.deltas]  # (6) ∂C/∂b^l = δ^l

    def value(self, quantity: tuple) -> float:
        """The number for ("delta", l, j), ("weight", l, j, k) or ("bias", l, j) (notes' numbering)."""
        kind, l, j, k = quantity[0], quantity[1], quantity[2], quantity[3] if len(quantity) > 3 else None
        if kind == "delta":
            return self.deltas[l - 2][j - 1]
        if kind == "bias":
            return self.bias_grads[l - 2][j - 1]
        return self.weight_grads[l - 2][j - 1][k - 1]


def run(e: Example, name: Optional[str]) -> NetworkGrads:
    """The right pass (name None) or the named mistake's, as NetworkGrads; NumPy's ValueError when
    the mistake's matrix product is undefined (no_transpose on a non-square W)."""
    return NetworkGrads(e, right(e) if name is None else NETWORK_PASSES[name](e))


QUANTITY_FORMS = '("delta", l, j), ("weight", l, j, k) or ("bias", l, j)'


def check_quantity(mlp: Any, quantity: object) -> tuple[str, int, int, Optional[int]]:
    """(kind, l, j, k) for a quantity in the notes' numbering, else LabError saying what is valid."""
    if not isinstance(quantity, (tuple, list)) or not quantity or quantity[0] not in ("delta", "weight", "bias"):
        raise LabError(f"diagnose_network: quantity must be {QUANTITY_FORMS}, got {quantity!r:.80}")
    kind = quantity[0]
    size = 4 if kind == "weight" else 3
    if len(quantity) != size or any(isinstance(v, bool) or not isinstance(v, int) for v in quantity[1:]):
        form = '("weight", l, j, k)' if kind == "weight" else f'("{kind}", l, j)'
        raise LabError(f"diagnose_network: a {kind} is given as {form} with whole numbers, got {quantity!r:.80}")
    l, j = quantity[1], quantity[2]
    L = len(mlp.sizes)
    if not 2 <= l <= L:
        raise LabError(f"diagnose_network: layer l = {l} is out of range; l = 2..{L} (the input layer is layer 1)")
    if not 1 <= j <= mlp.sizes[l - 1]:
        raise LabError(f"diagnose_network: neuron j = {j} is out of range for layer {l}; j = 1..{mlp.sizes[l - 1]}")
    k = None
    if kind == "weight":
        k = quantity[3]
        if not 1 <= k <= mlp.sizes[l - 2]:
            raise LabError(f"diagnose_network: k = {k} is out of range for w^{l}_jk; k = 1..{mlp.sizes[l - 2]} "
                           f"(the neurons of layer {l - 1})")
    return kind, l, j, k
