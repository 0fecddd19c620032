"""viz.save_training_html: one offline HTML file that plays a short training run on 2-D data.

The page shows, at the epoch under the cursor: the decision boundary, the loss and accuracy
curves, the network (z, a, δ of a chosen example, weights and ∂L/∂w), and that example's whole
training step (forward, loss, backward, update) as recorded by viz.training.training_step from
the engine and the optimizer. Clicking a neuron lists its scalar steps; clicking a step marks
its neuron. With only (model, X, y, path) it trains the model itself with sensible defaults.
"""
from __future__ import annotations

import base64
import html
import json
import math
import numbers
import os
import random
import re
from importlib import resources
from pathlib import Path
from typing import Any, Optional, Sequence, Union

from engine import topo_order
from engine.backward import collector_paused
from nn.optim import Adam, Optimizer
from viz.diagrams.groups import find_groups
from viz.errors import OutputPathError, TrainingInputError
from viz.training.step import check_example, training_step
from viz.training.update import check_optimizer

PathLike = Union[str, "os.PathLike[str]"]
DEFAULT_EPOCHS, DEFAULT_BATCH, DEFAULT_LR = 60, 20, 0.05
MAX_EPOCHS = 1000
MAX_STEP_LINES = 12_000  # the whole steps kept in the page; past it only every k-th epoch keeps its step
GRID = 48  # the boundary is sampled on GRID × GRID points per epoch (one byte each)
_NODE = re.compile(r"^[za](\d+)_(\d+)$")


def default_loss(model: Any, y: Sequence[object]) -> str:
    """The loss that fits the labels and the output activation: BCE for 0/1 labels and a sigmoid
    output (with logits for a linear one), hinge for ±1 labels, squared error otherwise."""
    labels = {float(t) for t in y if isinstance(t, numbers.Real) and not isinstance(t, bool)}
    out = model.output_activation
    if model.nout == 1 and labels <= {0.0, 1.0}:
        return "binary_cross_entropy" if out == "sigmoid" else (
            "binary_cross_entropy_with_logits" if out == "linear" else "squared_error")
    if model.nout == 1 and labels <= {-1.0, 1.0} and out in ("linear", "tanh"):
        return "hinge"
    return "squared_error"


def _check(model: Any, X: Any, y: Any) -> None:
    if not hasattr(model, "sizes") or not hasattr(model, "layers") or not callable(model):
        raise TrainingInputError(f"save_training_html: model must be an nn.MLP, got {type(model).__name__} {model!r:.60}")
    if model.nin != 2:
        raise TrainingInputError(f"save_training_html: model takes {model.nin} inputs; the decision boundary is "
                                 "drawn in the plane, so the model must take 2 (MLP(2, [...]))")
    if model.nout != 1:
        raise TrainingInputError(f"save_training_html: model has {model.nout} outputs; the boundary view needs "
                                 "one output (a probability, logit or score)")
    for name, v in (("X", X), ("y", y)):
        if isinstance(v, (str, bytes)) or not hasattr(v, "__len__"):
            raise TrainingInputError(f"save_training_html: {name} must be a list, got {type(v).__name__} {v!r:.60}")
    if len(X) != len(y):
        raise TrainingInputError(f"save_training_html: X has {len(X)} rows but y has {len(y)} labels; give one "
                                 "label per row")
    if len(X) == 0:
        raise TrainingInputError("save_training_html: X is empty")
    for i, row in enumerate(X):
        if isinstance(row, (str, bytes)) or not hasattr(row, "__len__") or len(row) != 2:
            raise TrainingInputError(f"save_training_html: X[{i}] must be 2 numbers (a point in the plane), got {row!r:.60}")


def _neuron_of(label: str) -> Optional[str]:
    """"n2_1" for nn's labels of neuron 1 of layer 2 (z2_1, a2_1, w2_13, w2_1,10, b2_1), else None."""
    m = _NODE.match(label)
    if m:
        return f"n{m.group(1)}_{m.group(2)}"
    m = re.match(r"^b(\d+)_(\d+)$", label) or re.match(r"^w(\d+)_(\d+),\d+$", label) or \
        re.match(r"^w(\d+)_(\d)\d$", label)
    return f"n{m.group(1)}_{m.group(2)}" if m else None


def _step_record(model: Any, step: Any, epoch: int) -> dict[str, Any]:
    """The page's record of one whole step: lines with their phase and neuron, and the network's numbers."""
    order = step.forward.order
    neuron_of = {}
    for g in find_groups(order, "neuron"):
        for k in g.members:
            neuron_of[k] = g.key
    lines, phase, owner = [], [], []
    f, b = step.forward, step.backward

    def add(text: str, kind: str, key: Optional[str]) -> None:
        lines.append(text)
        phase.append(kind)
        owner.append(key or "")

    for i, s in enumerate(f.steps):
        add(f.text(i), "forward", neuron_of.get(s.node))
    add(f"{f.names[-1]} = {f.num(step.loss)} (the loss of example #{step.example})", "loss", None)
    for i, s in enumerate(b.steps):
        add(b.text(i), "backward", neuron_of.get(s.parent) or neuron_of.get(s.node))
    m = len(step.batch.per_example)
    for j, name in enumerate(step.batch.names):
        p = model.parameters()[j]
        if m > 1:
            add(step.batch.text(j), "batch", _neuron_of(p.label))
    for i, u in enumerate(step.update.steps):
        add(step.update.text(i), "update", _neuron_of(model.parameters()[i].label))
    return {"epoch": epoch, "lines": lines, "phase": phase, "neuron": owner, "batch": m}


def _network(model: Any) -> dict[str, Any]:
    """Per neuron (layer by layer): key, z, a, δ of the most recent example pass; weights with data and grad."""
    layers = []
    for li, layer in enumerate(model.layers):
        l = li + 2
        layers.append([{
            "key": f"n{l}_{j}", "z": _r(n.z.data) if n.z is not None else None,
            "a": _r(n.a.data) if n.a is not None else None, "delta": _r(n.z.grad) if n.z is not None else None,
            "w": [_r(w.data) for w in n.w], "dw": [_r(w.grad) for w in n.w], "b": _r(n.b.data), "db": _r(n.b.grad),
        } for j, n in enumerate(layer.neurons, start=1)])
    return {"layers": layers}


def _r(x: float) -> float | str:
    return float(f"{x:.5g}") if math.isfinite(x) else str(x)


def _grid(model: Any, X: Sequence[Sequence[float]]) -> tuple[list[float], str]:
    """The model's output on a GRID × GRID lattice over the data (+ margin), as bytes 0..255 of σ(out)."""
    from nn import equations
    import numpy as np

    pts = np.asarray(X, dtype=float)
    (x0, y0), (x1, y1) = pts.min(axis=0) - 0.5, pts.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y1, y0, GRID))
    W, B, act = equations.from_mlp(model)
    _, A = equations.forward(W, B, equations.columns(np.c_[gx.ravel(), gy.ravel()]), act)
    out = A[max(A)][0]
    if model.output_activation != "sigmoid":
        out = 1.0 / (1.0 + np.exp(-np.clip(out * (4.0 if model.output_activation != "linear" else 1.0), -50, 50)))
    data = np.clip(np.round(out * 255), 0, 255).astype(np.uint8).tobytes()
    return [float(x0), float(x1), float(y0), float(y1)], base64.b64encode(data).decode("ascii")


def training_data(model: Any, X: Sequence[Sequence[float]], y: Sequence[object], *, loss: Optional[str] = None,
                  optimizer: Optional[Optimizer] = None, epochs: int = DEFAULT_EPOCHS,
                  batch_size: Optional[int] = DEFAULT_BATCH, example: int = 0, seed: int = 0) -> dict[str, Any]:
    """Train `model` on (X, y) and record what the page plays (see the module docstring)."""
    from nn.metrics import batch_loss, check_dataset
    from nn.objectives import get_objective, threshold_for

    _check(model, X, y)
    k = check_example(example, len(X), "save_training_html")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or not 1 <= epochs <= MAX_EPOCHS:
        raise TrainingInputError(f"save_training_html: epochs must be an int from 1 to {MAX_EPOCHS}, got {epochs!r}")
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1):
        raise TrainingInputError(f"save_training_html: batch_size must be a positive int or None, got {batch_size!r}")
    check_optimizer(model, optimizer, "save_training_html")
    loss = default_loss(model, y) if loss is None else loss
    objective = get_objective(loss)
    targets = check_dataset(model, X, y, objective)
    optimizer = optimizer if optimizer is not None else Adam(model.parameters(), lr=DEFAULT_LR)
    n = len(targets)
    m = n if batch_size is None else min(batch_size, n)
    per_step = sum(len(v.parents) for v in topo_order(objective.loss(model(X[k]), targets[k]))) + \
        2 * len(model.parameters()) + 20
    every = max(1, math.ceil(epochs * per_step / MAX_STEP_LINES))
    threshold = threshold_for(targets)
    rng = random.Random(seed)
    order = list(range(n))
    extent, first = _grid(model, X)
    grids, params, losses, accuracy, steps, nets = [first], [[_r(p.data) for p in model.parameters()]], [], [], [], []
    for epoch in range(epochs):
        if m < n:
            rng.shuffle(order)
        total, right = 0.0, 0
        for start in range(0, n, m):
            idx = order[start:start + m]
            xs, ts = [X[i] for i in idx], [targets[i] for i in idx]
            if k in idx and epoch % every == 0:
                record = training_step(model, xs, ts, optimizer, loss=objective.name, example=idx.index(k))
                nets.append(_network(model))  # the example's z, a, δ (its own pass), weights after the update
                steps.append(_step_record(model, record, epoch))
                L_data, outputs = record.batch.loss, record.batch.outputs
            else:
                with collector_paused():  # as nn.train: the step's graph has no cycles, refcounting frees it
                    L, outs = batch_loss(model, xs, ts, objective)
                    optimizer.zero_grad()
                    L.backward()
                    optimizer.step()
                    L_data, outputs = L.data, [[v.data for v in a] for a in outs]
                    del L, outs
            total += L_data * len(idx)
            right += sum(objective.correct(a, t, threshold) for a, t in zip(outputs, ts))
        losses.append(total / n)
        accuracy.append(right / n)
        extent, g = _grid(model, X)
        grids.append(g)
        params.append([_r(p.data) for p in model.parameters()])
    return {
        "sizes": model.sizes, "loss": objective.name, "optimizer": repr(optimizer), "epochs": epochs,
        "batch": m, "example": k, "X": [[_r(float(a)) for a in row] for row in X], "y": [_r(float(t)) for t in targets],
        "extent": extent, "grid": GRID, "grids": grids, "params": params, "lossCurve": losses,
        "accuracy": accuracy, "steps": steps, "nets": nets, "every": every,
        "names": [p.label for p in model.parameters()],
    }


def _template() -> str:
    return resources.files("viz.training").joinpath("training.html").read_text(encoding="utf-8")


def training_html(model: Any, X: Sequence[Sequence[float]], y: Sequence[object], *, title: Optional[str] = None,
                  **options: Any) -> str:
    """The training player as one HTML document (inline CSS, JS and data: works offline)."""
    data = json.dumps(training_data(model, X, y, **options), ensure_ascii=False, allow_nan=False,
                      separators=(",", ":"))
    data = data.replace("</", "<\\/").replace("<!--", "\\u003c!--")
    name = title if title is not None else f"MLP{tuple(model.sizes)}"
    fill = {"TITLE": html.escape(str(name)), "DATA": data}
    return re.sub(r"\{\{([A-Z]+)\}\}", lambda m: fill[m.group(1)], _template())


def save_training_html(model: Any, X: Sequence[Sequence[float]], y: Sequence[object], path: PathLike, *,
                       loss: Optional[str] = None, optimizer: Optional[Optimizer] = None,
                       epochs: int = DEFAULT_EPOCHS, batch_size: Optional[int] = DEFAULT_BATCH,
                       example: int = 0, seed: int = 0, title: Optional[str] = None) -> Path:
    """Train `model` on 2-D data (X, y) and write the training player to `path` (one .html file).

    Defaults: the loss that fits the labels and the output activation (default_loss), Adam(lr=0.05),
    60 epochs of mini-batches of 20 (shuffled by Random(seed)); `example` is the row whose whole step
    is shown. The model is trained in place.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TrainingInputError(f"save_training_html: path must be a str or os.PathLike, got {type(path).__name__}")
    target = Path(path)
    if target.is_dir():
        raise OutputPathError(f"save_training_html: {str(target)!r} is a directory; give a file name like training.html")
    document = training_html(model, X, y, title=title, loss=loss, optimizer=optimizer, epochs=epochs,
                             batch_size=batch_size, example=example, seed=seed)
    try:
        target.write_text(document, encoding="utf-8")
    except OSError as e:
        raise OutputPathError(f"save_training_html: cannot write {str(target)!r}: {e.strerror or e}") from None
    return target
