"""Optimizers, the training helper, mini-batch averaging, and the 97% moons run."""
from __future__ import annotations

import math

import pytest

from engine import Value
from nn import (
    MLP, SGD, Adam, ConfigError, History, InputTypeError, NonFiniteError, ShapeError, TargetError,
    accuracy, classify, datasets, dataset_loss, predict, squared_error, train,
)


def test_sgd_step_is_w_minus_lr_grad():
    w = [Value(1.0), Value(-2.0)]
    w[0].grad, w[1].grad = 0.5, -1.0
    opt = SGD(w, lr=0.1)
    opt.step()
    assert [p.data for p in w] == [1.0 - 0.05, -2.0 + 0.1]
    opt.zero_grad()
    assert [p.grad for p in w] == [0.0, 0.0]


def test_sgd_momentum_accumulates_velocity():
    p = Value(0.0)
    opt = SGD([p], lr=0.1, momentum=0.9)
    p.grad = 1.0
    opt.step()
    opt.step()  # v = 1, then 0.9·1 + 1 = 1.9
    assert p.data == pytest.approx(-0.1 - 0.19)


def test_sgd_learning_rate_schedule():
    p = Value(0.0)
    opt = SGD([p], lr=lambda t: 1.0 / (t + 1))
    p.grad = 1.0
    for _ in range(3):
        opt.step()
    assert p.data == pytest.approx(-(1 + 1 / 2 + 1 / 3))
    bad = SGD([p], lr=lambda t: -1.0)
    with pytest.raises(ConfigError, match="lr\\(0\\)"):
        bad.step()


def test_adam_matches_its_formula():
    p = Value(1.0)
    opt = Adam([p], lr=0.01)
    m = v = 0.0
    x = 1.0
    for t, g in enumerate([0.5, -0.2, 0.3], start=1):
        p.grad = g
        opt.step()
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        x -= 0.01 * (m / (1 - 0.9**t)) / (math.sqrt(v / (1 - 0.999**t)) + 1e-8)
        assert p.data == pytest.approx(x, rel=1e-14)


def test_a_non_finite_step_changes_nothing():
    ps = [Value(1.0, "w1"), Value(2.0, "w2")]
    ps[0].grad, ps[1].grad = 1.0, float("inf")
    for opt in (SGD(ps, lr=0.1), SGD(ps, lr=0.1, momentum=0.5), Adam(ps)):
        with pytest.raises(NonFiniteError, match="w2"):
            opt.step()
        assert [p.data for p in ps] == [1.0, 2.0]


def test_optimizer_argument_errors():
    with pytest.raises(ConfigError):
        SGD([Value(1.0)], lr=0)
    with pytest.raises(ConfigError):
        SGD([Value(1.0)], lr=0.1, momentum=1.5)
    with pytest.raises(ConfigError, match="empty"):
        SGD([], lr=0.1)
    with pytest.raises(InputTypeError):
        Adam([1.0])
    with pytest.raises(ConfigError):
        Adam([Value(1.0)], betas=(0.9, 1.0))


def test_erratum_003_gradient_descent_decreases_f_only_for_small_steps():
    # f(w) = w², ∂f/∂w = 2w: a step of q > 1 overshoots and f grows
    for lr, grows in ((0.1, False), (1.5, True)):
        w = Value(1.0)
        opt = SGD([w], lr=lr)
        before = w.data**2
        (w * w).backward()
        opt.step()
        assert (w.data**2 > before) is grows


def test_one_full_batch_step_uses_the_averaged_gradient():
    X = [[0.1, 0.2], [0.5, -1.0], [-0.3, 0.8]]
    y = [[1.0], [0.0], [0.5]]
    model = MLP(2, [3, 1], activation="tanh", seed=1)
    twin = MLP(2, [3, 1], activation="tanh", seed=1)
    grads = [0.0] * len(twin.parameters())
    for x, t in zip(X, y):  # per-example gradients, averaged by hand
        twin.zero_grad()
        squared_error(twin(x), t).backward()
        grads = [g + p.grad / 3 for g, p in zip(grads, twin.parameters())]
    expected = [p.data - 0.5 * g for p, g in zip(twin.parameters(), grads)]
    history = train(model, X, y, loss="squared_error", optimizer=SGD(model.parameters(), lr=0.5),
                    epochs=1, progress=False)
    assert [p.data for p in model.parameters()] == pytest.approx(expected, abs=1e-15)
    assert history.steps == 1 and history.epochs == 1


def test_history_callback_and_early_stop():
    X, y = datasets.moons(20, noise=0.1, seed=3)
    ys = datasets.signed(y)
    model = MLP(2, [4, 1], activation="tanh", output_activation="linear")
    seen = []

    def callback(info):
        seen.append((info.epoch, info.step, info.batch_size, [len(d) for d in info.deltas()]))
        return info.step == 6

    history = train(model, X, ys, loss="hinge", optimizer=SGD(model.parameters(), lr=0.1), epochs=5,
                    batch_size=8, callback=callback, progress=False)
    assert isinstance(history, History)
    assert [s[:3] for s in seen[:4]] == [(0, 0, 8), (0, 1, 8), (0, 2, 4), (1, 3, 8)]
    assert len(seen) == 7 and history.steps == 7 and history.epochs == 3
    assert all(s[3] == [4, 1] for s in seen)
    assert len(history.loss) == len(history.accuracy) == 3
    assert all(0.0 <= a <= 1.0 for a in history.accuracy)


def test_callback_deltas_are_the_last_examples_own_deltas():
    X = [[0.1, 0.2], [0.5, -1.0]]
    y = [[1.0], [0.0]]
    model = MLP(2, [2, 1], activation="sigmoid", seed=5)
    twin = MLP(2, [2, 1], activation="sigmoid", seed=5)
    twin.zero_grad()
    squared_error(twin(X[1]), y[1]).backward()
    got = []
    train(model, X, y, loss="squared_error", epochs=1, shuffle=False, progress=False,
          callback=lambda info: got.append(info.deltas()))
    for mine, theirs in zip(got[0], twin.deltas()):
        assert mine == pytest.approx(theirs, abs=1e-15)


def test_bad_data_is_rejected_before_any_step():
    model = MLP(2, [1], activation="linear")
    before = [p.data for p in model.parameters()]
    with pytest.raises(ShapeError, match="example 2: expected 2 inputs, got 1"):
        train(model, [[1.0, 2.0], [0.0, 1.0], [3.0]], [1, -1, 1], progress=False)
    with pytest.raises(TargetError, match="example 1"):
        train(model, [[1.0, 2.0], [0.0, 1.0]], [1, 0], loss="hinge", progress=False)
    with pytest.raises(ShapeError, match="2 examples but y has 1"):
        train(model, [[1.0, 2.0], [0.0, 1.0]], [1], progress=False)
    with pytest.raises(ConfigError, match="valid losses are"):
        train(model, [[1.0, 2.0]], [1], loss="l1", progress=False)
    with pytest.raises(ConfigError, match="epochs"):
        train(model, [[1.0, 2.0]], [1], epochs=0, progress=False)
    with pytest.raises(NonFiniteError, match="example 1: input x2 must be a finite number, got nan"):
        train(model, [[1.0, 2.0], [0.0, float("nan")]], [1, -1], progress=False)
    with pytest.raises(ConfigError, match="updates none of this model's parameters"):
        train(model, [[1.0, 2.0]], [1], optimizer=SGD(MLP(2, [1]).parameters(), lr=0.1), progress=False)
    assert [p.data for p in model.parameters()] == before


def test_an_optimizer_over_part_of_the_model_trains_only_that_part():
    model = MLP(2, [2, 1], activation="tanh", seed=3)
    frozen = [p.data for p in model.layers[0].parameters()]
    head = [p.data for p in model.layers[1].parameters()]
    train(model, [[1.0, 2.0], [-1.0, 0.5]], [1, -1], optimizer=SGD(model.layers[1].parameters(), lr=0.5),
          epochs=2, progress=False)
    assert [p.data for p in model.layers[0].parameters()] == frozen
    assert [p.data for p in model.layers[1].parameters()] != head


def test_metrics_helpers():
    model = MLP(2, [1], activation="linear")
    model.set_weights(2, [[1.0, -1.0]])
    model.set_biases(2, [0.0])
    X, y = [[2.0, 1.0], [0.0, 1.0], [1.0, 0.0]], [1, -1, -1]
    assert predict(model, X) == [[1.0], [-1.0], [1.0]]
    assert accuracy(model, X, y, loss="hinge") == pytest.approx(2 / 3)
    assert classify(model, [2.0, 1.0], loss="hinge") == 1
    L = dataset_loss(model, X, y, loss="hinge")
    assert L.data == pytest.approx((0.0 + 0.0 + 2.0) / 3)
    L2 = dataset_loss(model, X, y, loss="hinge", l2=0.5)
    assert L2.data == pytest.approx(L.data + 0.5 * 2.0)


def test_progress_flag_is_accepted():
    X, y = datasets.xor()
    model = MLP(2, [1], activation="sigmoid")
    assert train(model, X, y, loss="binary_cross_entropy", epochs=2, progress=False).epochs == 2


def test_moons_97_percent_within_100_sgd_steps():
    # micrograd's demo set-up: full batch, hinge + 1e-4 L2, SGD; stop once the updated model
    # classifies 97% of the training set right
    X, y = datasets.moons(100, noise=0.1)
    ys = datasets.signed(y)
    model = MLP(2, [16, 16, 1], activation="relu", output_activation="linear")
    opt = SGD(model.parameters(), lr=1.0)
    history = train(model, X, ys, loss="hinge", optimizer=opt, epochs=100, l2=1e-4, progress=False,
                    callback=lambda info: accuracy(info.model, X, ys, loss="hinge") >= 0.97)
    assert history.steps <= 100
    assert accuracy(model, X, ys, loss="hinge") >= 0.97
    assert history.accuracy[0] < 0.9 and history.loss[-1] < history.loss[0]


def test_progress_bar_is_off_without_a_tty_and_on_when_asked():
    from nn.train import _progress_bar

    assert _progress_bar(None, 3) is None  # pytest's stderr is not a TTY
    assert _progress_bar(False, 3) is None
    bar = _progress_bar(True, 3)
    assert bar is not None and bar.total == 3
    bar.close()


def test_looking_at_predictions_keeps_the_last_deltas():
    model = MLP(2, [3, 1], activation="tanh", seed=2)
    X, y = [[0.5, -0.5], [1.0, 1.0]], [1, -1]
    L = dataset_loss(model, X, y, loss="hinge")
    model.zero_grad()
    L.backward()
    deltas, inputs = model.deltas(), model.inputs
    assert any(d != 0 for layer in deltas for d in layer)
    predict(model, X)
    accuracy(model, X, y, loss="hinge")
    classify(model, X[0])
    assert model.deltas() == deltas and model.inputs is inputs


@pytest.mark.parametrize("enabled", [True, False])
def test_train_pauses_the_collector_only_inside_its_steps(enabled):
    import gc

    class FailingSGD(SGD):
        def step(self):
            assert not gc.isenabled()  # inside the step the collector is paused
            raise ZeroDivisionError("a step that fails")

    X, y = datasets.moons(12, noise=0.1, seed=5)
    ys = datasets.signed(y)
    model = MLP(2, [3, 1], activation="tanh", output_activation="linear", seed=4)
    states = []
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        train(model, X, ys, loss="hinge", epochs=2, batch_size=5,
              callback=lambda info: states.append(gc.isenabled()), progress=False)
        after = gc.isenabled()
        with pytest.raises(ZeroDivisionError, match="a step that fails"):
            train(model, X, ys, loss="hinge", optimizer=FailingSGD(model.parameters(), lr=0.1), progress=False)
        failed_after = gc.isenabled()
    finally:
        gc.enable() if was else gc.disable()
    # the user's callback runs with the collector as the user set it, and so does everything after
    assert states == [enabled] * 6 and after is enabled and failed_after is enabled
