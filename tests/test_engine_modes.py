"""no_grad, detach, gradcheck, bad input and graphs a million nodes deep."""
from __future__ import annotations

import gc
import math
import sys

import pytest

from engine import (
    DeltagradError,
    DivisionByZero,
    DomainError,
    GradcheckError,
    analytic_grad,
    Value,
    ValueOverflow,
    gradcheck,
    is_grad_enabled,
    no_grad,
    numerical_grad,
    topo_order,
    zero_grad,
    backward_steps,
)


def test_no_grad_records_no_parents_and_restores():
    a = Value(2.0, "a")
    with no_grad():
        assert not is_grad_enabled()
        b = a * 3 + 1
        c = b.tanh()
    assert is_grad_enabled()
    assert b.parents == () and b.local_grads == () and c.is_leaf and b.data == 7.0
    d = c * a
    d.backward()
    assert c.grad == 2.0 and a.grad == math.tanh(7.0)  # only the d = c·a edge carries gradient


def test_no_grad_restores_after_an_exception():
    with pytest.raises(DomainError):
        with no_grad():
            Value(-1.0).log()
    assert is_grad_enabled()


def test_detach_stops_gradients():
    x = Value(3.0, "x")
    y = x * x
    z = y.detach() * x
    z.backward()
    assert z.data == 27.0 and x.grad == 9.0  # d(const·x)/dx with const = 9
    assert y.detach().label == y.label and y.detach().is_leaf


def test_gradcheck_passes_and_names_the_failing_input():
    assert gradcheck(lambda v: (v[0] * v[1]).tanh() + v[1].exp(), [0.3, -0.7])

    def broken(vs):
        out = vs[0] * vs[1]
        out.local_grads = (out.local_grads[0], 2 * out.local_grads[1])  # a wrong local derivative
        return out

    with pytest.raises(GradcheckError, match=r"input 1 \('b'\)") as info:
        gradcheck(broken, [Value(1.5, "a"), Value(2.0, "b")])
    assert info.value.index == 1 and info.value.analytic == 3.0
    assert math.isclose(info.value.numeric, 1.5, rel_tol=1e-6)


@pytest.mark.parametrize("check", [gradcheck, numerical_grad, analytic_grad])
def test_gradcheck_argument_errors_name_the_function_and_the_value(check):
    name = check.__name__
    with pytest.raises(TypeError, match=f"{name}: f must be a function .*got int 3"):
        check(3, [1.0])
    with pytest.raises(TypeError, match=f"{name}: xs must be a list of Values or numbers, got str 'ab'"):
        check(lambda v: v[0] * 2, "ab")
    with pytest.raises(TypeError, match=f"{name}: xs must be a list .*got str 'a'"):
        check(lambda v: v[0] * 2, [1.0, "a"])


def test_gradcheck_leaves_inputs_untouched():
    xs = [Value(1.0), Value(2.0)]
    xs[0].grad = 5.0
    gradcheck(lambda v: v[0] * v[1], xs)
    assert xs[0].grad == 5.0 and xs[1].grad == 0.0 and [x.data for x in xs] == [1.0, 2.0]


def test_numerical_grad_of_a_known_function():
    (g,) = numerical_grad(lambda v: v[0] ** 3, [2.0])
    assert math.isclose(g, 12.0, rel_tol=1e-8)
    with pytest.raises(ValueError, match="eps must be positive"):
        numerical_grad(lambda v: v[0], [1.0], eps=0)
    with pytest.raises(TypeError, match="must return a Value"):
        numerical_grad(lambda v: 3.0, [1.0])


@pytest.mark.parametrize("bad", ["3", None, [1], 1 + 2j, {}, object()])
def test_value_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match=rf"Value: expected a real number .* got {type(bad).__name__}"):
        Value(bad)


def test_ops_reject_non_numbers():
    with pytest.raises(TypeError, match=r"\*: expected a real number .* got str"):
        Value(1.0) * "2"
    with pytest.raises(TypeError, match=r"\+: .* got list"):
        [1] + Value(1.0)
    with pytest.raises(TypeError, match="label must be a str"):
        Value(1.0, label=3)


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda: Value(0.0).log(), DomainError, ["log", "0.0"]),
        (lambda: Value(-2.0).log(), DomainError, ["log", "-2.0"]),
        (lambda: Value(0.0) ** -1, DivisionByZero, ["**", "0.0", "-1"]),
        (lambda: Value(1.0) / 0, DivisionByZero, ["/", "division by zero", "1.0"]),
        (lambda: 1 / Value(0.0), DivisionByZero, ["/", "0.0"]),
        (lambda: Value(-8.0) ** 0.5, DomainError, ["**", "-8.0", "0.5"]),
        (lambda: Value(-8.0) ** Value(0.5), DomainError, ["**", "-8.0"]),
        (lambda: (-2.0) ** Value(1.5), DomainError, ["**", "-2.0"]),
        (lambda: Value(1000.0).exp(), ValueOverflow, ["exp", "1000.0"]),
        (lambda: Value(10.0) ** 400, ValueOverflow, ["**", "10.0", "400"]),
        (lambda: 10 ** Value(400.0), ValueOverflow, ["**", "10.0"]),
        (lambda: Value(-1.0).sqrt(), DomainError, ["sqrt", "-1.0"]),
        (lambda: Value(0.0) ** 0.5, DivisionByZero, ["**", "infinite"]),
    ],
)
def test_domain_errors_name_the_op_and_value(make, error, words):
    with pytest.raises(error) as info:
        make()
    assert isinstance(info.value, DeltagradError)
    for word in words:
        assert word in str(info.value)


def test_builtin_exception_types_still_catch_them():
    with pytest.raises(ValueError):
        Value(-1.0).log()
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / 0.0
    with pytest.raises(OverflowError):
        Value(800.0).exp()


def test_a_million_node_chain_runs_forward_and_backward_and_is_freed():
    blocks_before = sys.getallocatedblocks()
    x = Value(0.5, "x")
    y = x
    for _ in range(1_000_000):
        y = y * 1.0 + 0.0
    # 3 nodes per iteration with their lifted constants; the depth is 2,000,000 ops
    y.backward()
    assert x.grad == 1.0 and y.data == 0.5
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        del y
        # freed by reference counting alone, with the cyclic collector off
        assert sys.getallocatedblocks() - blocks_before < 10_000
    finally:
        if was_enabled:
            gc.enable()
    assert gc.collect() == 0


def test_a_million_deep_topo_order_has_no_recursion():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = -y
    order = topo_order(y)
    assert len(order) == 1_000_001 and order[0] is x


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: Value(1.0).backward("x"), TypeError, ["backward", "seed", "str"]),
        (lambda: Value(1.0).backward(float("nan")), ValueError, ["backward", "finite", "nan"]),
        (lambda: backward_steps(Value(1.0), float("inf")), ValueError, ["backward_steps", "inf"]),
        (lambda: backward_steps(3), TypeError, ["backward_steps", "int"]),
        (lambda: zero_grad(3), TypeError, ["zero_grad", "int"]),
        (lambda: zero_grad([Value(1.0), 2.0]), TypeError, ["zero_grad", "float"]),
    ],
)
def test_backward_and_zero_grad_reject_bad_arguments(call, error, words):
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value)


def test_zero_grad_changes_nothing_when_an_item_is_bad():
    good = Value(1.0)
    good.grad = 3.0
    with pytest.raises(TypeError):
        zero_grad([good, "w"])
    assert good.grad == 3.0
    zero_grad([good])
    assert good.grad == 0.0
