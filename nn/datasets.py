"""Toy classification data, generated here (seeded; no scikit-learn): (X, y) as plain lists.

X is a list of [x1, x2] floats (blobs: `dim` floats), y a list of int class indices 0..K-1.
`signed(y)` maps 0/1 labels to -1/+1 for the hinge loss and the perceptron.
"""
from __future__ import annotations

import math
import numbers
import random
from typing import Optional, Sequence

from nn.errors import ConfigError
from nn.inputs import check_seed

Dataset = tuple[list[list[float]], list[int]]


def _count(n: object, what: str, where: str, least: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < least:
        raise ConfigError(f"{where}: {what} must be an int >= {least}, got {n!r}")
    return n


def _spread(x: object, what: str, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not (math.isfinite(x) and x >= 0):
        raise ConfigError(f"{where}: {what} must be a finite number >= 0, got {x!r}")
    return float(x)


def _finite(x: object) -> bool:
    return not isinstance(x, bool) and isinstance(x, numbers.Real) and math.isfinite(x)


def _shuffled(X: list[list[float]], y: list[int], rng: random.Random) -> Dataset:
    order = list(range(len(y)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def _linspace(a: float, b: float, n: int) -> list[float]:
    return [a] if n == 1 else [a + (b - a) * i / (n - 1) for i in range(n)]


def moons(n: int = 100, noise: float = 0.0, seed: int = 0) -> Dataset:
    """Two interleaving half circles (as scikit-learn's make_moons): upper moon 0, lower moon 1."""
    _count(n, "n", "moons", 2)
    noise = _spread(noise, "noise", "moons")
    rng = random.Random(check_seed(seed, "moons"))
    n_out = n // 2
    n_in = n - n_out
    X = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_out)]
    X += [[1.0 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0.0, math.pi, n_in)]
    y = [0] * n_out + [1] * n_in
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in X] if noise else X
    return _shuffled(X, y, rng)


def circles(n: int = 100, noise: float = 0.0, factor: float = 0.5, seed: int = 0) -> Dataset:
    """A circle of radius `factor` (class 1) inside a circle of radius 1 (class 0)."""
    _count(n, "n", "circles", 2)
    noise = _spread(noise, "noise", "circles")
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0 < factor < 1:
        raise ConfigError(f"circles: factor must lie in (0, 1), got {factor!r}")
    rng = random.Random(check_seed(seed, "circles"))
    n_out = n // 2
    n_in = n - n_out
    X = [[math.cos(t), math.sin(t)] for t in [2 * math.pi * i / n_out for i in range(n_out)]]
    X += [[factor * math.cos(t), factor * math.sin(t)] for t in [2 * math.pi * i / n_in for i in range(n_in)]]
    y = [0] * n_out + [1] * n_in
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in X] if noise else X
    return _shuffled(X, y, rng)


def xor(n: int = 4, noise: float = 0.0, seed: int = 0) -> Dataset:
    """The XOR truth table: corners (0,0),(0,1),(1,0),(1,1) with label x1 XOR x2, repeated to n
    points (n = 4, noise = 0: exactly the table, in that order), plus Gaussian noise."""
    _count(n, "n", "xor")
    noise = _spread(noise, "noise", "xor")
    rng = random.Random(check_seed(seed, "xor"))
    corners = [(0.0, 0.0, 0), (0.0, 1.0, 1), (1.0, 0.0, 1), (1.0, 1.0, 0)]
    X, y = [], []
    for i in range(n):
        a, b, label = corners[i % 4]
        if noise:
            a, b = a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)
        X.append([a, b])
        y.append(label)
    return (X, y) if n == 4 and not noise else _shuffled(X, y, rng)


def spiral(n: int = 150, classes: int = 3, noise: float = 0.2, seed: int = 0) -> Dataset:
    """`classes` interleaved spiral arms (CS231n's data): arm k has radius r ∈ [0, 1] and angle
    4k + 4r (+ noise); n points in all, split as evenly as possible."""
    _count(classes, "classes", "spiral", 2)
    _count(n, "n", "spiral", classes)
    noise = _spread(noise, "noise", "spiral")
    rng = random.Random(check_seed(seed, "spiral"))
    X, y = [], []
    for k in range(classes):
        m = n // classes + (1 if k < n % classes else 0)
        for r in _linspace(0.0, 1.0, m):
            t = 4.0 * k + 4.0 * r + rng.gauss(0.0, noise)
            X.append([r * math.sin(t), r * math.cos(t)])
            y.append(k)
    return _shuffled(X, y, rng)


def blobs(
    n: int = 100,
    centers: object = 3,
    std: float = 1.0,
    dim: int = 2,
    seed: int = 0,
    box: tuple[float, float] = (-10.0, 10.0),
) -> Dataset:
    """Gaussian blobs: `centers` (an int: drawn uniformly in `box`; or a list of points), each
    with standard deviation `std`; class k is blob k."""
    _count(n, "n", "blobs")
    std = _spread(std, "std", "blobs")
    rng = random.Random(check_seed(seed, "blobs"))
    if not (isinstance(box, (tuple, list)) and len(box) == 2 and all(_finite(v) for v in box) and box[0] < box[1]):
        raise ConfigError(f"blobs: box must be two finite numbers (low, high) with low < high, got {box!r:.60}")
    if isinstance(centers, int) and not isinstance(centers, bool):
        _count(centers, "centers", "blobs")
        _count(dim, "dim", "blobs")
        points: list[list[float]] = [[rng.uniform(*box) for _ in range(dim)] for _ in range(centers)]
    else:
        points = _center_list(centers)
    X, y = [], []
    for i in range(n):
        k = i % len(points)
        X.append([c + rng.gauss(0.0, std) for c in points[k]])
        y.append(k)
    return _shuffled(X, y, rng)


def _center_list(centers: object) -> list[list[float]]:
    if isinstance(centers, (str, bytes)) or not hasattr(centers, "__len__") or len(centers) == 0:
        raise ConfigError(f"blobs: centers must be a positive int or a list of points, got {centers!r:.60}")
    points = []
    for c in centers:  # type: ignore[attr-defined]
        if not hasattr(c, "__len__") or len(c) != len(centers[0]) or len(c) == 0 or not all(  # type: ignore[index]
                isinstance(v, numbers.Real) and not isinstance(v, bool) for v in c):
            raise ConfigError(f"blobs: every center must be a list of numbers of the same length, got {c!r:.60}")
        points.append([float(v) for v in c])
    return points


def signed(y: Sequence[int]) -> list[float]:
    """0/1 labels as -1.0/+1.0 (2y − 1), for hinge and the perceptron."""
    out = []
    for label in y:
        if label not in (0, 1):
            raise ConfigError(f"signed: expects 0/1 labels, got {label!r}")
        out.append(2.0 * label - 1.0)
    return out


def one_hot(y: Sequence[int], classes: Optional[int] = None) -> list[list[float]]:
    """Class indices as one-hot rows (for squared error on several outputs)."""
    labels = list(y) if hasattr(y, "__iter__") and not isinstance(y, (str, bytes)) else None
    if labels is None or not labels or not all(isinstance(c, numbers.Integral) and not isinstance(c, bool)
                                               and c >= 0 for c in labels):
        raise ConfigError(f"one_hot: y must be a non-empty list of class indices (ints >= 0), got {y!r:.60}")
    k = _count(classes, "classes", "one_hot") if classes is not None else max(labels) + 1
    if max(labels) >= k:
        raise ConfigError(f"one_hot: class index {max(labels)} is out of range for {k} classes (0..{k - 1})")
    y = labels
    return [[1.0 if j == label else 0.0 for j in range(k)] for label in y]
