"""The toy data sets: shape, labels, geometry, determinism, bad arguments."""
from __future__ import annotations

import math

import pytest

from nn import ConfigError, datasets


@pytest.mark.parametrize("make", [datasets.moons, datasets.circles, datasets.spiral, datasets.blobs])
def test_shapes_types_and_determinism(make):
    X, y = make(60, seed=4)
    assert len(X) == len(y) == 60
    assert all(isinstance(v, float) for row in X for v in row) and all(len(row) == 2 for row in X)
    assert all(isinstance(label, int) for label in y)
    assert make(60, seed=4) == (X, y) and make(60, seed=5) != (X, y)


def test_moons_without_noise_lie_on_the_two_half_circles():
    X, y = datasets.moons(51)
    assert y.count(0) == 25 and y.count(1) == 26
    for (a, b), label in zip(X, y):
        if label == 0:
            assert math.hypot(a, b) == pytest.approx(1.0) and b >= -1e-12
        else:
            assert math.hypot(a - 1.0, b - 0.5) == pytest.approx(1.0) and b <= 0.5 + 1e-12


def test_circles_radii():
    X, y = datasets.circles(40, factor=0.3)
    for (a, b), label in zip(X, y):
        assert math.hypot(a, b) == pytest.approx(0.3 if label else 1.0)


def test_xor_is_the_truth_table():
    X, y = datasets.xor()
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] and y == [0, 1, 1, 0]
    X, y = datasets.xor(200, noise=0.05, seed=1)
    assert all(label == (round(a) ^ round(b)) for (a, b), label in zip(X, y))


def test_spiral_classes_and_radius():
    X, y = datasets.spiral(90, classes=3, noise=0.0)
    assert sorted(set(y)) == [0, 1, 2] and y.count(2) == 30
    assert max(math.hypot(a, b) for a, b in X) == pytest.approx(1.0)


def test_blobs_cluster_around_their_centers():
    X, y = datasets.blobs(300, centers=[[0.0, 0.0, 0.0], [10.0, 10.0, 10.0]], std=0.5)
    for k, c in enumerate(([0.0] * 3, [10.0] * 3)):
        rows = [x for x, label in zip(X, y) if label == k]
        mean = [sum(col) / len(rows) for col in zip(*rows)]
        assert mean == pytest.approx(c, abs=0.15)
    X, y = datasets.blobs(10, centers=4, dim=3)
    assert len(X[0]) == 3 and set(y) == {0, 1, 2, 3}


def test_label_helpers():
    assert datasets.signed([0, 1, 1]) == [-1.0, 1.0, 1.0]
    assert datasets.one_hot([2, 0], 3) == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    with pytest.raises(ConfigError):
        datasets.signed([2])


@pytest.mark.parametrize("call", [
    lambda: datasets.moons(0), lambda: datasets.moons(10, noise=-1), lambda: datasets.moons("10"),
    lambda: datasets.circles(10, factor=1.5), lambda: datasets.spiral(2, classes=3),
    lambda: datasets.blobs(10, centers=[]), lambda: datasets.blobs(10, centers=[[1.0], [1.0, 2.0]]),
])
def test_bad_arguments(call):
    with pytest.raises(ConfigError):
        call()
