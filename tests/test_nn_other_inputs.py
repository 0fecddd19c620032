"""Other nn inputs that ended in a bare traceback from deep inside (found while fixing issue 11):
each is now an error of nn's hierarchy naming the function and the value."""
from __future__ import annotations

import pytest

from nn import MLP, ConfigError, InputTypeError, Layer, NNError, Neuron, NonFiniteError, Perceptron, TargetError
from nn import datasets, mse, predict


def test_other_inputs_set_weights_with_an_integer_too_large_for_a_float():
    m = MLP(1, [1])
    before = m.weights(2)
    with pytest.raises(NonFiniteError, match=r"set_weights\(2\): row 1 holds an integer of about 401 digits"):
        m.set_weights(2, [[10**400]])  # today: OverflowError from float()
    assert m.weights(2) == before


@pytest.mark.parametrize("make, where", [
    (lambda: Neuron(2, seed=[1]), "Neuron"), (lambda: Layer(2, 1, seed=[1]), "Layer"),
    (lambda: Perceptron(2, seed=[1]), "Perceptron"), (lambda: datasets.moons(seed=[1]), "moons"),
    (lambda: datasets.circles(seed=1.5), "circles"), (lambda: datasets.xor(seed="s"), "xor"),
    (lambda: datasets.spiral(seed=True), "spiral"), (lambda: datasets.blobs(seed=None), "blobs"),
])
def test_other_inputs_seed_must_be_an_int(make, where):
    with pytest.raises(InputTypeError, match=rf"^{where}: seed must be an int, got"):
        make()  # today: random's own TypeError (or, for a float or str, silently accepted)


@pytest.mark.parametrize("box", [(1,), (1.0, float("inf")), (2.0, 1.0), "ab", None])
def test_other_inputs_blobs_box(box):
    with pytest.raises(ConfigError, match="blobs: box must be two finite numbers"):
        datasets.blobs(box=box)


def test_other_inputs_one_hot():
    assert datasets.one_hot([0, 2], 3) == [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    with pytest.raises(ConfigError, match="one_hot: y must be a non-empty list"):
        datasets.one_hot([])  # today: max() arg is an empty sequence
    with pytest.raises(ConfigError, match="one_hot: class index 5 is out of range for 2 classes"):
        datasets.one_hot([5], 2)  # today: a silent row of zeros
    with pytest.raises(ConfigError, match="one_hot: y must be"):
        datasets.one_hot([0.5, 1])


def test_other_inputs_loss_target_too_large_for_a_float():
    out = MLP(1, [1])([1.0])
    with pytest.raises(TargetError, match="mse: the target must be finite, got an integer too large"):
        mse(out, [10**400])  # today: OverflowError


def test_other_inputs_predict_of_a_number():
    with pytest.raises(InputTypeError, match="predict: X must be a list of input rows, got int 5"):
        predict(MLP(1, [1]), 5)  # today: 'int' object is not iterable


def test_other_inputs_perceptron_update_must_be_callable():
    p = Perceptron(2)
    before = [q.data for q in p.parameters()]
    with pytest.raises(InputTypeError, match="Perceptron.fit: update must be a function"):
        p.fit([[1.0, 2.0], [-1.0, -2.0]], [1, -1], update=5)
    assert [q.data for q in p.parameters()] == before
    assert issubclass(InputTypeError, NNError)
