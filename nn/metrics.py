"""Using a model on a data set: predictions, labels, accuracy and the mean loss."""
from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator, Sequence

from engine import Value, no_grad, sum_values
from engine.backward import collector_paused
from nn.errors import InputTypeError, ShapeError, TargetError
from nn.inputs import wrap_inputs
from nn.losses import l2_penalty
from nn.objectives import Objective, get_objective, threshold_for

if TYPE_CHECKING:
    from nn.mlp import MLP

Data = Sequence[Sequence[float]]


def check_dataset(model: MLP, X: Data, y: Sequence[object], objective: Objective) -> list[object]:
    """Check every input and target before anything runs; returns the checked targets."""
    if not hasattr(X, "__len__") or not hasattr(y, "__len__"):
        raise ShapeError("X and y must be lists (one input row and one target per example)")
    if len(X) != len(y):
        raise ShapeError(f"X has {len(X)} examples but y has {len(y)} targets")
    if len(X) == 0:
        raise ShapeError("the data set is empty")
    labels = getattr(model, "_x_labels", None)
    if labels is None or not hasattr(model, "sizes"):
        raise InputTypeError(f"expected an nn.MLP as the model, got {type(model).__name__}")
    for i, x in enumerate(X):
        wrap_inputs(x, labels, f"example {i}")
    nout = model.sizes[-1]
    checked = []
    for i, t in enumerate(y):
        try:
            checked.append(objective.check(t, nout))
        except (TargetError, InputTypeError) as e:
            raise type(e)(f"example {i}: {e}") from None
    return checked


@contextmanager
def evaluating(model: MLP) -> Iterator[None]:
    """no_grad(), and afterwards the model's inputs, z and a are those of the call before: looking
    at predictions does not wipe the δ a learner is about to read with model.deltas()."""
    layers = getattr(model, "layers", ())
    saved = [(n, n.z, n.a) for layer in layers for n in layer.neurons]
    inputs = getattr(model, "inputs", None)
    try:
        with no_grad():
            yield
    finally:
        for n, z, a in saved:
            n.z, n.a = z, a
        if layers:
            model.inputs = inputs


def _require_model(model: object, where: str) -> None:
    """InputTypeError naming `where` unless model is a callable nn model (an MLP)."""
    if not hasattr(model, "sizes") or not callable(model):
        raise InputTypeError(f"{where}: expected an nn.MLP as the model, got {type(model).__name__} {model!r:.60}")


def predict(model: MLP, X: Data) -> list[list[float]]:
    """The model's outputs (floats) for every row of X, without building a graph."""
    _require_model(model, "predict")
    if isinstance(X, (str, bytes)) or not hasattr(X, "__iter__"):
        raise InputTypeError(f"predict: X must be a list of input rows, got {type(X).__name__} {X!r:.60}")
    with evaluating(model):
        return [[a.data for a in model(x)] for x in X]


def classify(model: MLP, x: Sequence[float], loss: str = "hinge") -> object:
    """The predicted label of one input under `loss`'s convention: ±1 (hinge), 0/1 (BCE),
    a class index (cross-entropy), or for squared error/MSE 0/1 (one output) or an index."""
    _require_model(model, "classify")
    objective = get_objective(loss)
    with evaluating(model):
        a = [v.data for v in model(x)]
    name = objective.name
    if name == "hinge":
        return 1 if a[0] > 0 else -1
    if name == "binary_cross_entropy":
        return 1 if a[0] > 0.5 else 0
    if name == "binary_cross_entropy_with_logits":
        return 1 if a[0] > 0 else 0
    if len(a) == 1:
        return 1 if a[0] > 0.5 else 0
    return max(range(len(a)), key=a.__getitem__)


def accuracy(model: MLP, X: Data, y: Sequence[object], loss: str = "hinge") -> float:
    """The fraction of examples the model gets right (see nn.objectives for what 'right' means)."""
    objective = get_objective(loss)
    targets = check_dataset(model, X, y, objective)
    threshold = threshold_for(targets)
    outputs = predict(model, X)
    right = sum(objective.correct(a, t, threshold) for a, t in zip(outputs, targets))
    return right / len(targets)


def batch_loss(model: MLP, X: Data, y: Sequence[object], objective: Objective,
               l2: float = 0.0) -> tuple[Value, list[list[Value]]]:
    """(L, outputs) with L = (1/m) Σ_i loss(model(x_i), y_i) (+ l2 · Σ p²); the targets unchecked."""
    # The graph has no reference cycles, so the cyclic collector's passes over it while it
    # grows find nothing; pausing it (restored on exit) makes a training step ~10% faster.
    with collector_paused():
        outputs = model._forward_batch(X)  # [model(x) for x in X], weights read once
        loss = objective.loss
        total = sum_values([loss(a, t) for a, t in zip(outputs, y)]) * (1.0 / len(outputs))
        if l2:
            total = total + l2_penalty(model.parameters(), l2)
    return total, outputs


def dataset_loss(model: MLP, X: Data, y: Sequence[object], loss: str = "hinge", l2: float = 0.0) -> Value:
    """The mean loss over the data set (+ the L2 penalty l2 · Σ p²) as one Value.

    Its backward() gives the gradient averaged over the examples, as in the notes' mini-batches.
    """
    objective = get_objective(loss)
    targets = check_dataset(model, X, y, objective)
    return batch_loss(model, X, targets, objective, l2)[0]
