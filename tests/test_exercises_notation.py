"""For each notation, every blank name maps back to the engine quantity it names.

Each test reads the blank names with its own pattern, written from the note (not from
viz.exercises.notation), translates them to the engine's numbering (notes 000/004: the input is
layer 1, mlp.layers[l-2], neuron j, weight k) and compares the key with the engine's number.
"""
from __future__ import annotations

import re

import pytest

from nn.objectives import get_objective
from viz.exercises.generate import make_exercise, network_model

SEEDS = (0, 1, 2, 5)


def _engine(ex):  # type: ignore[no-untyped-def]
    """The MLP after forward and backward on the exercise's example."""
    mlp, x, y, loss = network_model(ex.problem)
    C = get_objective(loss).loss(mlp(x), y)
    mlp.zero_grad()
    C.backward()
    return mlp


def _value(mlp, kind: str, l: int, j: int, k: int | None = None) -> float:  # type: ignore[no-untyped-def]
    n = mlp.layers[l - 2].neurons[j - 1]
    if kind == "pre":
        return n.z.data
    if kind == "act":
        return n.a.data
    if kind == "sp":
        return 1.0 if n.a is n.z else n.a.local_grads[0]
    if kind == "delta":
        return n.z.grad
    if kind == "w":
        return n.w[k - 1].grad
    return n.b.grad


def _check_all(ex, patterns: list[tuple[str, str]], to_engine) -> None:  # type: ignore[no-untyped-def]
    mlp = _engine(ex)
    seen = set()
    for blank in ex.blanks:
        for pattern, kind in patterns:
            m = re.fullmatch(pattern, blank)
            if m:
                l, j, k = to_engine(kind, m)
                assert ex.key[blank] == _value(mlp, kind, l, j, k), blank
                seen.add((kind, l, j, k))
                break
        else:
            raise AssertionError(f"blank {blank!r} is not in the note's notation")
    sizes = mlp.sizes
    n_units = sum(sizes[1:])
    n_weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
    assert len(seen) == len(ex.blanks) == 5 * n_units + n_weights


@pytest.mark.parametrize("seed", SEEDS)
def test_notation_000_blanks_name_the_engine_quantities(seed: int) -> None:
    """000: z^l_j, a^l_j, σ'(z^l_j), δ^l_j, ∂C/∂w^l_jk (to j from k), ∂C/∂b^l_j, input = layer 1."""
    pats = [(r"z\^(\d)_(\d)", "pre"), (r"a\^(\d)_(\d)", "act"), (r"s'\(z\^(\d)_(\d)\)", "sp"),
            (r"delta\^(\d)_(\d)", "delta"), (r"dC/dw\^(\d)_(\d)(\d)", "w"), (r"dC/db\^(\d)_(\d)", "b")]
    _check_all(make_exercise("network", seed, "000"), pats,
               lambda kind, m: (int(m[1]), int(m[2]), int(m[3]) if kind == "w" else None))


@pytest.mark.parametrize("seed", SEEDS)
def test_notation_004_blanks_name_the_engine_quantities(seed: int) -> None:
    """004: as 000 with the loss λ: ∂λ/∂w^L_ij = δ^L_i a^{L-1}_j, i in layer l, j in layer l−1."""
    pats = [(r"z\^(\d)_(\d)", "pre"), (r"a\^(\d)_(\d)", "act"), (r"s'\(z\^(\d)_(\d)\)", "sp"),
            (r"delta\^(\d)_(\d)", "delta"), (r"dlambda/dw\^(\d)_(\d)(\d)", "w"), (r"dlambda/db\^(\d)_(\d)", "b")]
    _check_all(make_exercise("network", seed, "004"), pats,
               lambda kind, m: (int(m[1]), int(m[2]), int(m[3]) if kind == "w" else None))


@pytest.mark.parametrize("seed", SEEDS)
def test_notation_001_blanks_name_the_engine_quantities(seed: int) -> None:
    """001: the input is a^[0], so 001's layer [l] is 000's l + 1; w^[l]_ij goes from neuron i of
    layer l−1 to neuron j of layer l (z = Wᵀa + b), i.e. 000's w^{l+1}_ji."""
    pats = [(r"z\^\[(\d)\]_(\d)", "pre"), (r"a\^\[(\d)\]_(\d)", "act"), (r"s'\(z\^\[(\d)\]_(\d)\)", "sp"),
            (r"delta\^\[(\d)\]_(\d)", "delta"), (r"dL/dw\^\[(\d)\]_(\d)(\d)", "w"), (r"dL/db\^\[(\d)\]_(\d)", "b")]

    def to_engine(kind: str, m: re.Match) -> tuple:
        if kind == "w":
            return int(m[1]) + 1, int(m[3]), int(m[2])  # from i = m[2] to j = m[3]
        return int(m[1]) + 1, int(m[2]), None

    _check_all(make_exercise("network", seed, "001"), pats, to_engine)


@pytest.mark.parametrize("seed", SEEDS)
def test_notation_002_blanks_name_the_engine_quantities(seed: int) -> None:
    """002: layers (1), (2) from the first hidden layer; I is the first stage (pre-activation), hidden
    activations z_i, the output y*; w^(l)_ij from i below to j above (w^(2)_i1 to the output)."""
    ex = make_exercise("network", seed, "002")
    L = len(ex.problem["network"]["sizes"])
    pats = [(r"I\^\((\d)\)_(\d)", "pre"), (r"z\^\((\d)\)_(\d)", "act"), (r"y\*_(\d)", "out"),
            (r"A'\(I\^\((\d)\)_(\d)\)", "sp"), (r"delta\^\((\d)\)_(\d)", "delta"),
            (r"dL/dw\^\((\d)\)_(\d)(\d)", "w"), (r"dL/db\^\((\d)\)_(\d)", "b")]
    mlp = _engine(ex)
    for blank in ex.blanks:
        for pattern, kind in pats:
            m = re.fullmatch(pattern, blank)
            if m:
                break
        else:
            raise AssertionError(blank)
        if kind == "out":
            assert ex.key[blank] == _value(mlp, "act", L, int(m[1]))
        elif kind == "act":
            assert int(m[1]) + 1 < L  # z is a hidden activation only
            assert ex.key[blank] == _value(mlp, "act", int(m[1]) + 1, int(m[2]))
        elif kind == "w":
            assert ex.key[blank] == _value(mlp, "w", int(m[1]) + 1, int(m[3]), int(m[2]))
        else:
            assert ex.key[blank] == _value(mlp, kind, int(m[1]) + 1, int(m[2]))


@pytest.mark.parametrize("seed", SEEDS)
def test_notation_003_blanks_name_the_engine_quantities(seed: int) -> None:
    """003: a_i is the pre-activation and z_i = σ(a_i) the activation (the reverse of 000);
    ∂C0/∂u_il = δ_i z_l with u_il from unit l below to unit i."""
    pats = [(r"a\^(\d)_(\d)", "pre"), (r"z\^(\d)_(\d)", "act"), (r"s'\(a\^(\d)_(\d)\)", "sp"),
            (r"delta\^(\d)_(\d)", "delta"), (r"dC0/du\^(\d)_(\d)(\d)", "w"), (r"dC0/db\^(\d)_(\d)", "b")]
    ex = make_exercise("network", seed, "003")
    _check_all(ex, pats, lambda kind, m: (int(m[1]), int(m[2]), int(m[3]) if kind == "w" else None))
    same = make_exercise("network", seed, "000")
    assert ex.key["z^2_1"] == same.key["a^2_1"] and ex.key["a^2_1"] == same.key["z^2_1"]
