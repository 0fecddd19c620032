"""The update, one parameter at a time, read from the optimizer's real state (never re-derived).

`step_with_record(optimizer)` reads every parameter's data, grad and state (optimizer.state_of),
calls optimizer.step() itself, and reads them again: the new value shown is the one the optimizer
wrote. The formula's numbers are those before and after the step:

    SGD        w ← w − η·∂L/∂w
    momentum   v ← μ·v + ∂L/∂w,  w ← w − η·v
    Adam       m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ),  w ← w − η·m̂/(√v̂ + ε)

For a mini-batch, `batch_gradients` shows each example's own ∂L_i/∂w and their mean, which is what
backward() of the batch loss L = (1/m) Σ_i L_i leaves in w.grad (notes 000 and 003).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from engine import Value
from nn.optim import SGD, Adam, Optimizer
from viz.diagrams.labels import pretty_label
from viz.errors import TrainingInputError
from viz.stepping.step_symbols import factor, fmt_number


@dataclass(frozen=True)
class UpdateStep:
    """One parameter's update: before and after as the optimizer held them."""

    index: int
    name: str  # the parameter's label in the notes' look (w²₁₁), or p{index}
    rule: str  # "sgd", "momentum" or "adam"
    before: float  # w before the step
    grad: float  # ∂L/∂w the step used
    lr: float
    after: float  # w after the step, read back from the parameter
    state_before: dict[str, float] = field(default_factory=dict)
    state_after: dict[str, float] = field(default_factory=dict)
    hyper: dict[str, float] = field(default_factory=dict)  # momentum μ, or Adam's β₁, β₂, ε

    @property
    def t(self) -> int:
        """The optimizer's step count after this step."""
        return int(self.state_after.get("t", 0))

    def m_hat(self) -> float:
        return self.state_after["m"] / (1 - self.hyper["beta1"] ** self.t)

    def v_hat(self) -> float:
        return self.state_after["v"] / (1 - self.hyper["beta2"] ** self.t)

    def predicted(self) -> float:
        """The new value computed from the numbers shown, by the rule's formula."""
        if self.rule == "sgd":
            return self.before - self.lr * self.grad
        if self.rule == "momentum":
            return self.before - self.lr * self.state_after["velocity"]
        # √v̂ as nn.Adam computes it, √v / √(1 − β₂ᵗ): the same number, and the same bits as the step
        root_c2 = math.sqrt(1 - self.hyper["beta2"] ** self.t)
        return self.before - self.lr * self.m_hat() / (math.sqrt(self.state_after["v"]) / root_c2 + self.hyper["eps"])

    def lines(self, digits: int = 4) -> list[str]:
        """The update in words and numbers, one equation per line."""
        n, w, f = self.name, self.name, lambda x: fmt_number(x, digits)
        g, lr, new = f"∂L/∂{w}", f(self.lr), f(self.after)
        if self.rule == "sgd":
            return [f"{w} ← {w} − η·{g} = {f(self.before)} − {lr} × {factor(self.grad, digits)} = {new}"]
        if self.rule == "momentum":
            mu, v0, v1 = f(self.hyper["momentum"]), self.state_before["velocity"], self.state_after["velocity"]
            return [f"velocity of {n}: v ← μ·v + {g} = {mu} × {factor(v0, digits)} + {factor(self.grad, digits)} = {f(v1)}",
                    f"{w} ← {w} − η·v = {f(self.before)} − {lr} × {factor(v1, digits)} = {new}"]
        b1, b2, eps, t = self.hyper["beta1"], self.hyper["beta2"], self.hyper["eps"], self.t
        m0, m1 = self.state_before["m"], self.state_after["m"]
        v0, v1 = self.state_before["v"], self.state_after["v"]
        return [
            f"step t = {t}; g = {g} = {f(self.grad)}",
            f"m ← β₁·m + (1 − β₁)·g = {b1:g} × {factor(m0, digits)} + {1 - b1:g} × {factor(self.grad, digits)} = {f(m1)}",
            f"v ← β₂·v + (1 − β₂)·g² = {b2:g} × {factor(v0, digits)} + {1 - b2:g} × {factor(self.grad, digits)}² = {f(v1)}",
            f"m̂ = m / (1 − β₁^{t}) = {f(m1)} / {f(1 - b1 ** t)} = {f(self.m_hat())};  "
            f"v̂ = v / (1 − β₂^{t}) = {f(v1)} / {f(1 - b2 ** t)} = {f(self.v_hat())}",
            f"{w} ← {w} − η·m̂/(√v̂ + ε) = {f(self.before)} − {lr} × {factor(self.m_hat(), digits)} / "
            f"(√{f(self.v_hat())} + {eps:g}) = {new}",
        ]

    def text(self, digits: int = 4) -> str:
        return "; ".join(self.lines(digits))


class UpdateTrace:
    """Every parameter's update of one optimizer.step(), in the optimizer's parameter order."""

    def __init__(self, steps: list[UpdateStep], digits: int = 4) -> None:
        self.steps, self.digits = steps, digits

    def __len__(self) -> int:
        return len(self.steps)

    def text(self, i: int) -> str:
        return self.steps[i].text(self.digits)

    def by_name(self) -> dict[str, UpdateStep]:
        return {s.name: s for s in self.steps}


def _rule(optimizer: Optimizer) -> tuple[str, dict[str, float]]:
    if isinstance(optimizer, Adam):
        b1, b2 = optimizer.betas
        return "adam", {"beta1": b1, "beta2": b2, "eps": optimizer.eps}
    if isinstance(optimizer, SGD):
        return ("momentum", {"momentum": optimizer.momentum}) if optimizer.momentum else ("sgd", {})
    raise TypeError(f"step_with_record: optimizer must be an nn.SGD or nn.Adam, got {type(optimizer).__name__}")


def param_name(p: Value, i: int) -> str:
    return pretty_label(p.label) if p.label else f"p{i + 1}"


def step_with_record(optimizer: Optimizer, *, digits: int = 4) -> UpdateTrace:
    """Call optimizer.step() once and return what it did to every parameter (read before and after)."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"step_with_record: optimizer must be an nn.SGD or nn.Adam, got {optimizer!r:.60}")
    rule, hyper = _rule(optimizer)
    lr = optimizer.current_lr()
    params = optimizer.params
    before = [(p.data, p.grad, optimizer.state_of(p)) for p in params]
    optimizer.step()
    steps = [UpdateStep(i, param_name(p, i), rule, d, g, lr, p.data, s0, optimizer.state_of(p), hyper)
             for i, (p, (d, g, s0)) in enumerate(zip(params, before))]
    return UpdateTrace(steps, digits)


# ---------------------------------------------------------------------- a mini-batch's gradient
@dataclass
class BatchGradients:
    """Per parameter: each example's own ∂L_i/∂w and the engine's batch gradient ∂L/∂w (their mean)."""

    names: list[str]
    per_example: list[list[float]]  # [example][parameter]
    mean: list[float]  # w.grad after backward() of L = (1/m) Σ L_i
    loss: float = 0.0  # the batch loss L
    outputs: list[list[float]] = field(default_factory=list)  # each example's model output

    def text(self, j: int, digits: int = 4, show: int = 4) -> str:
        """∂L/∂w = (1/m)(g₁ + g₂ + …) = mean, for parameter j."""
        m = len(self.per_example)
        terms = [self.per_example[i][j] for i in range(m)]
        shown = " + ".join(factor(t, digits) for t in terms[:show]) + (f" + … ({m} terms)" if m > show else "")
        return f"∂L/∂{self.names[j]} = (1/{m})·({shown}) = {fmt_number(self.mean[j], digits)}"


def batch_gradients(model: Any, X: Sequence[Sequence[float]], y: Sequence[object], loss: str = "squared_error",
                    *, l2: float = 0.0) -> BatchGradients:
    """Each example's gradient (its own backward pass) and the batch mean (one backward of the batch loss).

    Leaves the parameters' grads at the batch gradient, ready for optimizer.step().
    """
    from nn.metrics import batch_loss, check_dataset
    from nn.objectives import get_objective

    objective = get_objective(loss)
    targets = check_dataset(model, X, y, objective)
    params = model.parameters()
    per_example = []
    for x, t in zip(X, targets):
        model.zero_grad()
        objective.loss(model(x), t).backward()
        per_example.append([p.grad for p in params])
    model.zero_grad()
    L, outputs = batch_loss(model, X, targets, objective, l2)
    L.backward()
    return BatchGradients([param_name(p, i) for i, p in enumerate(params)], per_example, [p.grad for p in params],
                          L.data, [[v.data for v in a] for a in outputs])


def check_optimizer(model: Any, optimizer: Optional[Optimizer], where: str) -> None:
    """TrainingInputError naming `optimizer` unless it updates every parameter of the model."""
    if optimizer is None:
        return
    if not isinstance(optimizer, Optimizer):
        raise TrainingInputError(f"{where}: optimizer must be an nn.SGD or nn.Adam, got {optimizer!r:.60}")
    mine = {id(p) for p in optimizer.params}
    missing = [p for p in model.parameters() if id(p) not in mine]
    if missing:
        raise TrainingInputError(
            f"{where}: optimizer's state does not belong to this model's parameters ({len(missing)} of "
            f"{len(model.parameters())} are not in it, e.g. {missing[0].label or missing[0]!r}); build it from "
            "this model: nn.Adam(model.parameters())")
