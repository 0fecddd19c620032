"""train(): epochs over mini-batches, the gradient averaged over each batch (note 000's last paragraph)."""
from __future__ import annotations

import numbers
import random
import sys
from typing import TYPE_CHECKING, Callable, Optional, Sequence

from engine.backward import collector_paused
from nn.errors import ConfigError, InputTypeError
from nn.inputs import check_bool, check_seed, finite_real
from nn.metrics import Data, batch_loss, check_dataset
from nn.objectives import get_objective, threshold_for
from nn.optim import SGD, Optimizer

if TYPE_CHECKING:
    from nn.mlp import MLP


class History:
    """What train() saw: per epoch `loss` and `accuracy`, per step `step_loss`.

    Epoch numbers are measured on the forward passes of that epoch, each before its batch's
    update (so they cost nothing extra): `loss[e]` is the mean over the epoch's examples of the
    batch losses (L2 penalty included), `accuracy[e]` the fraction classified right.
    """

    def __init__(self) -> None:
        self.loss: list[float] = []
        self.accuracy: list[float] = []
        self.step_loss: list[float] = []

    @property
    def epochs(self) -> int:
        return len(self.loss)

    @property
    def steps(self) -> int:
        return len(self.step_loss)

    def __repr__(self) -> str:
        if not self.loss:
            return "History(no epochs)"
        return (f"History({self.epochs} epochs, {self.steps} steps, loss {self.loss[0]:.4g} -> "
                f"{self.loss[-1]:.4g}, accuracy {self.accuracy[0]:.3f} -> {self.accuracy[-1]:.3f})")


class StepInfo:
    """Passed to train()'s callback after every optimizer step."""

    def __init__(self, model: MLP, epoch: int, step: int, loss: float, accuracy: float, batch_size: int) -> None:
        self.model = model
        self.epoch = epoch  # 0-based
        self.step = step  # 0-based, counted over all epochs
        self.loss = loss  # this batch's loss before the step
        self.accuracy = accuracy  # this batch's accuracy before the step
        self.batch_size = batch_size

    def deltas(self) -> list[list[float]]:
        """δ per layer of the batch's last example for its own loss: model.deltas() × batch size
        (the batch loss is the mean, so each example's δ reaches its z divided by the batch size)."""
        m = self.batch_size
        return [[d * m for d in layer] for layer in self.model.deltas()]


def _progress_bar(progress: Optional[bool], total: int):  # type: ignore[no-untyped-def]
    """A tqdm bar over the epochs, or None: auto (None) = on only if tqdm is installed and stderr is a TTY."""
    if progress is False:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        if progress:
            raise ImportError("train(progress=True) needs tqdm: pip install 'deltagrad[progress]'") from None
        return None
    if progress is None and not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return None
    return tqdm(total=total, unit="epoch", desc="train")


def train(
    model: MLP,
    X: Data,
    y: Sequence[object],
    loss: str = "hinge",
    optimizer: Optional[Optimizer] = None,
    epochs: int = 10,
    batch_size: Optional[int] = None,
    l2: float = 0.0,
    shuffle: bool = True,
    seed: Optional[int] = 0,
    progress: Optional[bool] = None,
    callback: Optional[Callable[[StepInfo], object]] = None,
) -> History:
    """Train `model` on (X, y) and return a History of loss and accuracy per epoch.

    Each step takes a batch of `batch_size` examples (None: the whole set), builds
    L = (1/m) Σ_i loss(model(x_i), y_i) + l2 · Σ_p p², zeroes the grads, runs L.backward() (so
    every parameter's grad is the batch *average*) and calls optimizer.step() (default
    SGD(model.parameters(), lr=0.1)). With mini-batches the examples are shuffled each epoch
    by a Random(seed), so a run is repeatable (seed=None: a different order every run).
    `callback(info)` runs after each step with a StepInfo; returning True stops training.
    Every input and target is checked before the first step, so bad data changes nothing.
    """
    objective = get_objective(loss)
    targets = check_dataset(model, X, y, objective)
    n = len(targets)
    for name, v in (("epochs", epochs), ("batch_size", 1 if batch_size is None else batch_size)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
            raise ConfigError(f"train: {name} must be a positive int, got {v!r:.60}")
    epochs, batch_size = int(epochs), None if batch_size is None else int(batch_size)
    if finite_real(l2) is None or not l2 >= 0:
        raise ConfigError(f"train: l2 must be a finite number >= 0, got {l2!r:.60}")
    l2 = float(l2)
    shuffle = check_bool(shuffle, "shuffle", "train")
    progress = check_bool(progress, "progress", "train", optional=True)
    seed = check_seed(seed, "train", optional=True)
    if callback is not None and not callable(callback):
        raise InputTypeError(f"train: callback must be a function of a StepInfo (or None), "
                             f"got {type(callback).__name__} {callback!r:.60}")
    if optimizer is None:
        optimizer = SGD(model.parameters(), lr=0.1)
    elif not isinstance(optimizer, Optimizer):
        raise ConfigError(f"train: optimizer must be an nn.SGD or nn.Adam, got {optimizer!r:.60}")
    elif not {id(p) for p in model.parameters()} & {id(p) for p in optimizer.params}:
        raise ConfigError(f"train: {optimizer!r:.60} updates none of this model's parameters; "
                          "build it from this model, e.g. SGD(model.parameters(), lr=0.1)")
    m = n if batch_size is None else min(batch_size, n)
    threshold = threshold_for(targets)
    order = list(range(n))
    rng = random.Random(seed)
    history = History()
    bar = _progress_bar(progress, epochs)
    step = 0
    try:
        for epoch in range(epochs):
            if shuffle and m < n:
                rng.shuffle(order)
            epoch_loss, epoch_right, seen, stop = 0.0, 0, 0, False
            for start in range(0, n, m):
                idx = order[start:start + m]
                xs, ts = [X[i] for i in idx], [targets[i] for i in idx]
                # The step's graph is built, used and dropped with the cyclic collector paused
                # (it has no cycles: reference counting frees it), so the collector never walks
                # it; it is restored before the callback, which is the user's code.
                with collector_paused():
                    L, outputs = batch_loss(model, xs, ts, objective, l2)
                    optimizer.zero_grad()
                    L.backward()
                    optimizer.step()
                    right = sum(objective.correct([v.data for v in a], t, threshold) for a, t in zip(outputs, ts))
                    step_loss = L.data
                    del L, outputs
                epoch_loss += step_loss * len(idx)
                epoch_right += right
                seen += len(idx)
                history.step_loss.append(step_loss)
                stop = callback is not None and callback(
                    StepInfo(model, epoch, step, step_loss, right / len(idx), len(idx))) is True
                step += 1
                if stop:
                    break
            history.loss.append(epoch_loss / seen)
            history.accuracy.append(epoch_right / seen)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{history.loss[-1]:.4g}", acc=f"{history.accuracy[-1]:.3f}")
            if stop:
                break
    finally:
        if bar is not None:
            bar.close()
    return history

