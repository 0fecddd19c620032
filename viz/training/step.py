"""One whole training step, stepped: forward, loss, backward, update (for one example or a mini-batch).

    >>> import nn
    >>> model = nn.MLP(2, [2, 1], activation="tanh", output_activation="sigmoid")
    >>> opt = nn.SGD(model.parameters(), lr=0.5)
    >>> step = training_step(model, [[0.5, -1.0]], [1], opt, loss="binary_cross_entropy")
    >>> len(step.update) == len(model.parameters())      # one update per parameter
    True
    >>> all(s.after == p.data for s, p in zip(step.update.steps, model.parameters()))
    True
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from nn.optim import Optimizer
from viz.errors import TrainingInputError
from viz.stepping.steps import BackwardTrace, trace_backward
from viz.training.forward import ForwardTrace, trace_forward
from viz.training.update import BatchGradients, UpdateTrace, batch_gradients, check_optimizer, step_with_record


@dataclass
class TrainingStep:
    """The chosen example's forward and backward pass, the batch's gradients, and the update."""

    example: int  # index into the batch
    forward: ForwardTrace
    backward: BackwardTrace
    batch: BatchGradients
    update: UpdateTrace
    loss: float  # the example's loss

    def lines(self) -> list[str]:
        """Every step as text: forward, the loss, backward, the batch means, the update."""
        out = [f"forward {i + 1}: {self.forward.text(i)}" for i in range(len(self.forward))]
        out.append(f"loss: {self.forward.names[-1]} = {self.forward.num(self.loss)}")
        out += [f"backward {i + 1}: {self.backward.text(i)}" for i in range(len(self.backward))]
        if len(self.batch.per_example) > 1:
            out += [f"batch mean: {self.batch.text(j)}" for j in range(len(self.batch.names))]
        out += [f"update {i + 1}: {self.update.text(i)}" for i in range(len(self.update))]
        return out


def check_example(example: object, n: int, where: str) -> int:
    if isinstance(example, bool) or not isinstance(example, numbers.Integral) or not 0 <= example < n:
        raise TrainingInputError(f"{where}: example must be an index in 0..{n - 1} (one of the {n} examples), "
                                 f"got {example!r:.40}")
    return int(example)


def training_step(model: Any, X: Sequence[Sequence[float]], y: Sequence[object], optimizer: Optimizer,
                  *, loss: str = "squared_error", example: int = 0, l2: float = 0.0,
                  digits: int = 4) -> TrainingStep:
    """Run one optimizer step on the batch (X, y) and record it; `example` is the one stepped through."""
    from nn.objectives import get_objective

    if not hasattr(X, "__len__") or not hasattr(y, "__len__") or len(X) != len(y):
        raise TrainingInputError(f"training_step: X and y must be lists of the same length, got "
                                 f"{len(X) if hasattr(X, '__len__') else X!r} and {len(y) if hasattr(y, '__len__') else y!r}")
    if optimizer is None:
        raise TrainingInputError("training_step: optimizer is required (e.g. nn.SGD(model.parameters(), lr=0.1))")
    check_optimizer(model, optimizer, "training_step")
    k = check_example(example, len(X), "training_step")
    batch = batch_gradients(model, X, y, loss, l2=l2)  # checks the data; grads left at the batch mean
    saved = [p.grad for p in model.parameters()]
    objective = get_objective(loss)
    L = objective.loss(model(X[k]), objective.check(y[k], model.sizes[-1]))
    fwd = trace_forward(L, digits=digits)
    bwd = trace_backward(L, digits=digits)  # fresh: the example's own gradient
    for p, g in zip(model.parameters(), saved):
        p.grad = g
    update = step_with_record(optimizer, digits=digits)
    return TrainingStep(k, fwd, bwd, batch, update, L.data)
