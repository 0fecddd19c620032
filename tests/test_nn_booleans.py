"""Every boolean argument of nn's public API takes only True/False (numpy.bool_ too): a string
such as "no" used to be read as True (issue 11, Files: booleans in the public API)."""
from __future__ import annotations

import numpy as np
import pytest

from nn import MLP, InputTypeError, Layer, Neuron, train

NOT_BOOLS = ["no", "yes", "", "False", 0, 1, 0.0, None, [], [False]]


def data():
    return [[0.0, 1.0], [1.0, 0.0]], [1, -1]


@pytest.mark.parametrize("value", NOT_BOOLS)
@pytest.mark.parametrize("make, where", [
    (lambda v: MLP(2, [1], elementary=v), "MLP"),
    (lambda v: Layer(2, 1, elementary=v), "Layer"),
    (lambda v: Neuron(2, elementary=v), "Neuron"),
])
def test_booleans_elementary_refuses_non_bools(make, where, value):
    with pytest.raises(InputTypeError, match=rf"^{where}: elementary must be True or False, got {type(value).__name__}"):
        make(value)
    with pytest.raises(TypeError):  # InputTypeError is a TypeError
        make(value)


def test_booleans_elementary_no_is_not_yes():
    with pytest.raises(TypeError, match="elementary must be True or False, got str 'no'"):
        MLP(2, [1], elementary="no")  # today: accepted, and builds the elementary graph


@pytest.mark.parametrize("value", [True, False, np.bool_(True), np.bool_(False)])
def test_booleans_real_bools_and_numpy_bools_are_accepted(value):
    m = MLP(2, [2, 1], elementary=value)
    assert m.elementary is bool(value) and type(m.elementary) is bool
    assert all(n.elementary is bool(value) for layer in m.layers for n in layer.neurons)
    # the elementary graph has binary * and + nodes, the other one n-ary dot nodes
    z = m.layers[0].neurons[0]
    m([0.5, -0.5])
    assert (z.z.op == "+") is bool(value)


@pytest.mark.parametrize("value", [v for v in NOT_BOOLS if v is not None])
def test_booleans_train_shuffle_refuses_non_bools_before_any_step(value):
    model = MLP(2, [1])
    before = [p.data for p in model.parameters()]
    with pytest.raises(InputTypeError, match=r"^train: shuffle must be True or False, got"):
        train(model, *data(), batch_size=1, shuffle=value, progress=False)
    assert [p.data for p in model.parameters()] == before


@pytest.mark.parametrize("value", [v for v in NOT_BOOLS if v is not None])
def test_booleans_train_progress_refuses_non_bools_before_any_step(value):
    model = MLP(2, [1])
    before = [p.data for p in model.parameters()]
    with pytest.raises(InputTypeError, match=r"^train: progress must be True, False or None, got"):
        train(model, *data(), progress=value)
    assert [p.data for p in model.parameters()] == before


def test_booleans_train_accepts_real_and_numpy_bools():
    for shuffle in (True, False, np.bool_(False)):
        for progress in (False, None, np.bool_(False)):
            history = train(MLP(2, [1]), *data(), epochs=2, batch_size=1, shuffle=shuffle, progress=progress)
            assert history.epochs == 2 and history.steps == 4
