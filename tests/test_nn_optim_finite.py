"""Optimizers refuse non-finite state and updates with NonFiniteError naming the parameter, and
validate every hyper-parameter (issue 11, Numbers: Adam overflowed v to inf and froze a weight)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine import Value
from nn import MLP, SGD, Adam, ConfigError, NonFiniteError


def params():
    return [Value(1.0, "w1"), Value(-2.0, "w2")]


def snapshot(opt):
    state = {k: list(v) if isinstance(v, list) else v for k, v in vars(opt).items() if k != "params"}
    return [p.data for p in opt.params], state


def test_optim_finite_adam_one_huge_gradient_is_refused_not_frozen():
    p = params()
    opt = Adam(p, lr=0.1)
    p[0].grad, p[1].grad = 1e156, 1.0  # (1 − β₂) g² = 1e309 overflows v to inf
    before = snapshot(opt)
    with pytest.raises(NonFiniteError, match=r"Adam.step: .*second moment v.* parameter 0 \('w1'\) to inf"):
        opt.step()
    assert snapshot(opt) == before  # nothing changed, t included
    # the parameter is not frozen: a normal gradient then moves it by lr (Adam's first step)
    p[0].grad = 1.0
    opt.step()
    assert p[0].data == pytest.approx(1.0 - 0.1, rel=1e-6)


@pytest.mark.parametrize("g", [1e150, 1e155, -1e155])
def test_optim_finite_adam_gradient_of_1e155_steps_by_lr_not_frozen(g):
    # v = (1 − β₂) g² = 1e307 is finite, but v̂ = v / (1 − β₂) = 1e310 is not: today √v̂ = inf and
    # the weight silently stays put. Adam's first step is lr · sign(g) (m̂/√v̂ = g/|g|).
    p = params()
    opt = Adam(p, lr=0.1, eps=1e-8)
    p[0].grad, p[1].grad = g, -3.0
    opt.step()
    assert p[0].data == pytest.approx(1.0 - 0.1 * math.copysign(1, g), rel=1e-9)
    assert p[1].data == pytest.approx(-1.9, rel=1e-6)


@pytest.mark.parametrize("make", [
    lambda p: SGD(p, lr=0.1), lambda p: SGD(p, lr=0.1, momentum=0.9), lambda p: Adam(p, lr=0.1),
])
@pytest.mark.parametrize("grad", [math.nan, math.inf, -math.inf, 10**400])
def test_optim_finite_non_finite_gradient_is_refused_by_every_optimizer(make, grad):
    p = params()
    opt = make(p)
    p[0].grad, p[1].grad = 0.5, grad
    before = snapshot(opt)
    with pytest.raises(NonFiniteError, match=r"\.step: the grad of parameter 1 \('w2'\) is .*nothing was changed"):
        opt.step()
    assert snapshot(opt) == before


def test_optim_finite_sgd_momentum_velocity_overflow_is_refused():
    p = params()
    opt = SGD(p, lr=1e-300, momentum=0.5)
    p[0].grad, p[1].grad = 1.5e308, 0.0
    opt.step()  # v = 1.5e308 (finite), w moves by 1.5e8
    p[0].grad = 1.5e308
    before = snapshot(opt)
    with pytest.raises(NonFiniteError, match=r"SGD.step: .*velocity of parameter 0 \('w1'\) to inf"):
        opt.step()  # v = 0.5 · 1.5e308 + 1.5e308 overflows
    assert snapshot(opt) == before


def test_optim_finite_unlabelled_parameters_are_named_by_position():
    p = [Value(1.0), Value(2.0)]
    opt = Adam(p)
    p[1].grad = math.nan
    with pytest.raises(NonFiniteError, match=r"the grad of parameter 1 is nan"):
        opt.step()


@pytest.mark.parametrize("lr", [0, -1, math.nan, math.inf, True, "0.1", 10**400, None, [0.1]])
def test_optim_finite_bad_lr_is_refused_by_every_optimizer(lr):
    for make in (SGD, Adam):
        with pytest.raises(ConfigError, match="lr must be a positive finite number"):
            make(params(), lr=lr)


def test_optim_finite_a_model_as_lr_is_refused():
    model = MLP(2, [1])
    for make in (SGD, Adam):  # an MLP is callable, so it used to be taken for a schedule
        with pytest.raises(ConfigError, match=r"lr must be .* got a MLP"):
            make(model.parameters(), lr=model)
    with pytest.raises(ConfigError, match=r"got a Value"):
        SGD(params(), lr=Value(0.1))


def test_optim_finite_schedule_results_are_checked_at_the_step():
    p = params()
    opt = SGD(p, lr=lambda t: [0.1])
    p[0].grad = p[1].grad = 1.0
    with pytest.raises(ConfigError, match=r"lr\(0\) returned \[0.1\]"):
        opt.step()
    opt = SGD(p, lr=lambda t: 1 / 0)
    with pytest.raises(ConfigError, match=r"lr is a function, but lr\(0\) failed: ZeroDivisionError"):
        opt.step()
    assert [q.data for q in p] == [1.0, -2.0]


@pytest.mark.parametrize("momentum", [-0.1, 1.0, math.nan, math.inf, True, "0.9", None])
def test_optim_finite_bad_momentum(momentum):
    with pytest.raises(ConfigError, match="SGD: momentum must be a number in \\[0, 1\\)"):
        SGD(params(), lr=0.1, momentum=momentum)


@pytest.mark.parametrize("betas", [
    (0.9,), (0.9, 0.999, 0.5), "00", ("0.9", "0.999"), (False, 0.9), (0.9, True), (1.0, 0.9),
    (0.9, math.nan), (-0.1, 0.9), 0.9, None,
])
def test_optim_finite_bad_betas(betas):
    with pytest.raises(ConfigError, match="Adam: betas"):
        Adam(params(), betas=betas)


@pytest.mark.parametrize("eps", [math.inf, math.nan, 0.0, -1e-8, True, "1e-8", None, 10**400])
def test_optim_finite_bad_eps(eps):
    with pytest.raises(ConfigError, match="Adam: eps must be a positive finite number"):
        Adam(params(), eps=eps)


def test_optim_finite_numpy_hyper_parameters_are_accepted():
    p = params()
    opt = Adam(p, lr=np.float64(0.1), betas=(np.float32(0.5), np.float64(0.5)), eps=np.float64(1e-8))
    p[0].grad, p[1].grad = 2.0, -2.0
    opt.step()
    assert p[0].data == pytest.approx(0.9, rel=1e-6) and p[1].data == pytest.approx(-1.9, rel=1e-6)
    assert isinstance(opt.eps, float) and isinstance(SGD(p, lr=0.1, momentum=np.float64(0.5)).momentum, float)
