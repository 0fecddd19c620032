"""deltagrad's engine: scalar reverse-mode autodiff whose graph is plain data.

    >>> from engine import Value
    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> y = (x * w).tanh()
    >>> y.backward()
    >>> round(x.grad, 8)   # ∂y/∂x = (1 - tanh²(xw)) · w
    -7.373e-05
"""
from engine.backward import Step, backward_steps, run_backward, topo_order, zero_grad
from engine.errors import (
    CycleError,
    DeltagradError,
    DivisionByZero,
    DomainError,
    GradcheckError,
    OpError,
    ValueOverflow,
)
from engine.grad_mode import is_grad_enabled, no_grad
from engine.gradcheck import analytic_grad, gradcheck, numerical_grad
from engine.value import Value, as_value, dot, sum_values

__all__ = [
    "Value", "Step", "backward_steps", "run_backward", "topo_order", "zero_grad", "no_grad",
    "is_grad_enabled", "numerical_grad", "analytic_grad", "gradcheck", "dot", "sum_values",
    "as_value", "DeltagradError", "OpError", "DomainError", "DivisionByZero", "ValueOverflow",
    "GradcheckError", "CycleError",
]
