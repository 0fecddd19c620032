"""The perceptron rule of note 003, corrected, against the slide's version."""
from __future__ import annotations

import pytest

from nn import ConfigError, NonFiniteError, Perceptron, ShapeError, TargetError, datasets, errata


def separable(n=40, seed=0):
    X, y = datasets.blobs(n, centers=[[-2.0, -2.0], [2.0, 2.0]], std=0.5, seed=seed)
    return X, datasets.signed(y)


def test_converges_on_separable_data_and_reports_epochs():
    X, y = separable()
    p = Perceptron(2, seed=1)
    epochs = p.fit(X, y, lr=1.0, max_epochs=100)
    assert p.converged and epochs == p.epochs == len(p.mistakes) and p.mistakes[-1] == 0
    assert sum(p.mistakes) > 0  # it had to learn something
    assert all(p.predict(x) == t for x, t in zip(X, y))
    assert all(t * p(x).data > 0 for x, t in zip(X, y))


def test_each_mistake_moves_w_by_eta_y_x():
    p = Perceptron(2)
    p.w[0].data, p.w[1].data, p.b.data = 0.0, 0.0, 0.0
    p.fit([[1.0, 2.0]], [-1], lr=0.5, max_epochs=1)  # y (wᵀx + b) = 0 ≤ 0: a mistake
    assert [w.data for w in p.w] == [-0.5, -1.0] and p.b.data == -0.5


def test_stops_cleanly_at_max_epochs_on_xor():
    X, y = datasets.xor()
    p = Perceptron(2)
    assert p.fit(X, datasets.signed(y), max_epochs=25) == 25
    assert not p.converged and all(m > 0 for m in p.mistakes)


def test_erratum_003_slide_update_does_not_converge_where_the_corrected_one_does():
    X, y = separable(seed=3)
    right, slide = Perceptron(2), Perceptron(2)
    for p in (right, slide):  # start from w = 0, b = 0: every point is a mistake at first
        for v in p.parameters():
            v.data = 0.0
    right.fit(X, y, max_epochs=50)
    slide.fit(X, y, max_epochs=50, update=errata.perceptron_update_as_printed)
    assert right.converged and right.epochs < 50
    assert not slide.converged and slide.epochs == 50
    wrong = sum(slide.predict(x) != t for x, t in zip(X, y))
    assert wrong > len(X) // 4  # the slide's rule pushes w the wrong way


def test_bad_input_changes_nothing():
    p = Perceptron(2)
    before = [v.data for v in p.parameters()]
    with pytest.raises(TargetError, match="-1 or \\+1"):
        p.fit([[0.0, 1.0], [1.0, 0.0]], [1, 0])
    with pytest.raises(ShapeError, match="expected 2 inputs, got 3"):
        p.fit([[0.0, 1.0], [1.0, 0.0, 2.0]], [1, -1])
    with pytest.raises(ConfigError):
        p.fit([[0.0, 1.0]], [1, -1])
    with pytest.raises(ConfigError):
        p.fit([[0.0, 1.0]], [1], max_epochs=0)
    for lr in (float("inf"), float("nan"), 0.0):
        with pytest.raises(ConfigError, match=f"lr must be a positive finite number, got {lr}"):
            p.fit([[0.0, -1.0]], [1], lr=lr)
    with pytest.raises(NonFiniteError, match="example 0: input x2 must be a finite number"):
        p.fit([[0.0, float("nan")]], [1])
    assert [v.data for v in p.parameters()] == before
