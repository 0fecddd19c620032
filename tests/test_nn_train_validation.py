"""train() checks every argument before the first step, so a bad one changes nothing
(issue 11, Smaller unclear errors: train(callback=5) changed the model, train(seed=[1]))."""
from __future__ import annotations

import math

import numpy as np
import pytest

from nn import MLP, SGD, ConfigError, InputTypeError, NNError, train

X, Y = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [1, -1, 1]


@pytest.mark.parametrize("kwargs, error, message", [
    ({"callback": 5}, InputTypeError, r"train: callback must be a function of a StepInfo \(or None\), got int 5"),
    ({"callback": "print"}, InputTypeError, "train: callback must be a function"),
    ({"seed": [1]}, InputTypeError, r"train: seed must be an int or None, got list \[1\]"),
    ({"seed": 1.5}, InputTypeError, "train: seed must be an int or None, got float"),
    ({"seed": "1"}, InputTypeError, "train: seed must be an int or None, got str"),
    ({"seed": True}, InputTypeError, "train: seed must be an int or None, got bool"),
    ({"epochs": 2.0}, ConfigError, "train: epochs must be a positive int, got 2.0"),
    ({"epochs": -1}, ConfigError, "train: epochs must be a positive int"),
    ({"batch_size": 0}, ConfigError, "train: batch_size must be a positive int"),
    ({"batch_size": "2"}, ConfigError, "train: batch_size must be a positive int"),
    ({"l2": math.inf}, ConfigError, "train: l2 must be a finite number >= 0, got inf"),
    ({"l2": 10**400}, ConfigError, "train: l2 must be a finite number >= 0"),
    ({"l2": math.nan}, ConfigError, "train: l2 must be a finite number >= 0"),
    ({"l2": "0.1"}, ConfigError, "train: l2 must be a finite number >= 0"),
    ({"shuffle": "no"}, InputTypeError, "train: shuffle must be True or False"),
    ({"progress": "yes"}, InputTypeError, "train: progress must be True, False or None"),
    ({"optimizer": "adam"}, ConfigError, "train: optimizer must be an nn.SGD or nn.Adam"),
    ({"loss": "l1"}, NNError, "l1"),
])
def test_train_validation_bad_argument_changes_nothing(kwargs, error, message):
    model = MLP(2, [2, 1], activation="tanh", output_activation="linear")
    before = [p.data for p in model.parameters()]
    args = {"epochs": 2, "batch_size": 1, "progress": False, **kwargs}
    with pytest.raises(error, match=message):
        train(model, X, Y, **args)
    assert [p.data for p in model.parameters()] == before  # today callback=5 fails after step 1


def test_train_validation_callback_5_used_to_change_the_model_first():
    model = MLP(2, [1])
    before = [p.data for p in model.parameters()]
    with pytest.raises(TypeError, match="callback"):
        train(model, X, Y, callback=5, progress=False)
    assert [p.data for p in model.parameters()] == before


def test_train_validation_seed_none_and_numpy_ints_are_accepted():
    a = train(MLP(2, [1]), X, Y, epochs=3, batch_size=1, seed=np.int64(4), progress=False)
    b = train(MLP(2, [1]), X, Y, epochs=3, batch_size=1, seed=4, progress=False)
    assert a.step_loss == b.step_loss  # the same seed as an int: the same shuffles
    h = train(MLP(2, [1]), X, Y, epochs=np.int64(2), batch_size=np.int64(2), seed=None, progress=False)
    assert h.epochs == 2 and h.steps == 4


def test_train_validation_callable_callback_still_runs_every_step():
    seen = []
    train(MLP(2, [1]), X, Y, epochs=2, batch_size=1, callback=lambda info: seen.append(info.step), progress=False)
    assert seen == [0, 1, 2, 3, 4, 5]


def test_train_validation_optimizer_of_the_model_with_a_bad_schedule_changes_nothing():
    model = MLP(2, [1])
    before = [p.data for p in model.parameters()]
    with pytest.raises(ConfigError, match=r"lr\(0\) returned -1"):
        train(model, X, Y, optimizer=SGD(model.parameters(), lr=lambda t: -1), progress=False)
    assert [p.data for p in model.parameters()] == before
