"""viz.save_training_html: trains with sensible defaults, writes one offline file, refuses bad input by name."""
from __future__ import annotations

import json
import re

import pytest

import nn
import viz
from viz.errors import TrainingInputError
from viz.training.player import default_loss, training_data


def page_data(path) -> dict:
    text = path.read_text(encoding="utf-8")
    found = re.search(r'<script id="deltagrad-data" type="application/json">(.*?)</script>', text, re.S)
    return json.loads(found.group(1).replace("<\\/", "</"))


def test_four_arguments_train_sixty_epochs_of_moons_into_one_small_offline_file(tmp_path) -> None:
    X, y = nn.datasets.moons(100, noise=0.1, seed=0)
    model = nn.MLP(2, [4, 4, 1], activation="tanh", output_activation="sigmoid", seed=0)
    path = viz.save_training_html(model, X, y, tmp_path / "train.html")
    size = path.stat().st_size
    assert size < 4_000_000
    text = path.read_text(encoding="utf-8")
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text
    data = page_data(path)
    assert data["loss"] == "binary_cross_entropy" and data["epochs"] == 60 and len(data["lossCurve"]) == 60
    assert len(data["grids"]) == len(data["params"]) == 61  # before training, then after each epoch
    assert data["params"][-1] == [float(f"{p.data:.5g}") for p in model.parameters()]
    assert data["lossCurve"][-1] < data["lossCurve"][0] / 2
    assert nn.accuracy(model, X, y, loss="binary_cross_entropy") >= 0.9
    # one whole step of example 0 per epoch: forward, the loss, backward, the batch means, the update
    assert len(data["steps"]) == 60
    step = data["steps"][0]
    assert step["phase"].count("update") == len(model.parameters())
    assert step["phase"].count("batch") == len(model.parameters()) and step["batch"] == 20
    assert {"forward", "loss", "backward"} <= set(step["phase"])
    first = step["lines"][0]
    assert first.startswith("z²₁ = w²₁₁ · x₁ + w²₁₂ · x₂ + b²₁ = ") and step["neuron"][0] == "n2_1"
    # every update line of a weight names that weight's neuron
    for text, phase, key in zip(step["lines"], step["phase"], step["neuron"]):
        if phase == "update" and text.startswith("step t = 1; g = ∂L/∂w²₃₂"):
            assert key == "n2_3"


def test_the_default_loss_fits_the_labels_and_the_output_activation() -> None:
    sig = nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid")
    lin = nn.MLP(2, [3, 1], activation="relu", output_activation="linear")
    assert default_loss(sig, [0, 1, 1]) == "binary_cross_entropy"
    assert default_loss(lin, [0, 1, 1]) == "binary_cross_entropy_with_logits"
    assert default_loss(lin, [-1, 1, 1]) == "hinge"
    assert default_loss(sig, [0.2, 0.7]) == "squared_error"


def test_bad_input_names_the_argument(tmp_path) -> None:
    X, y = nn.datasets.moons(20, noise=0.1, seed=0)
    model = nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid")
    cases = [
        (dict(model=nn.MLP(3, [2, 1])), "model takes 3 inputs"),
        (dict(model=nn.MLP(2, [2, 2])), "model has 2 outputs"),
        (dict(model="net"), "model must be an nn.MLP"),
        (dict(y=y[:-1]), "X has 20 rows but y has 19 labels"),
        (dict(X=[[0.0, 1.0, 2.0]] * 20), r"X\[0\] must be 2 numbers"),
        (dict(example=20), r"example must be an index in 0..19"),
        (dict(example=-1), r"example must be an index in 0..19"),
        (dict(optimizer=nn.SGD(nn.MLP(2, [3, 1]).parameters(), lr=0.1)), "optimizer's state does not belong"),
        (dict(epochs=0), "epochs must be an int"),
    ]
    for change, message in cases:
        args = dict(model=model, X=X, y=y)
        args.update(change)
        with pytest.raises(TrainingInputError, match=message):
            training_data(args.pop("model"), args.pop("X"), args.pop("y"), **args)
    with pytest.raises(viz.OutputPathError, match="is a directory"):
        viz.save_training_html(model, X, y, tmp_path, epochs=1)


def test_an_optimizer_of_the_model_is_used_and_its_updates_are_the_ones_shown() -> None:
    X, y = nn.datasets.moons(30, noise=0.1, seed=1)
    model = nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=3)
    opt = nn.SGD(model.parameters(), lr=0.5, momentum=0.9)
    data = training_data(model, X, y, optimizer=opt, epochs=3, batch_size=None)
    assert data["batch"] == 30 and opt.t == 3  # full batch: one step per epoch
    # the last epoch's update lines end with the parameters' values after it (to 4 decimals)
    last = [t for t, ph in zip(data["steps"][-1]["lines"], data["steps"][-1]["phase"]) if ph == "update"]
    assert [t.rsplit("= ", 1)[1] for t in last] == [f"{p.data:.4f}" for p in model.parameters()]
