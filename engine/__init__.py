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
    NoDerivativeRule,
    OpError,
    StaleLocalGrads,
    ValueOverflow,
)
from engine.grad_mode import is_grad_enabled, no_grad
from engine.gradcheck import analytic_grad, gradcheck, numerical_grad
from engine.value import Value, as_value, dot, maximum, minimum, sum_values
from engine.forward import jacobian, jacobian_cost, jvp
from engine.higher import backward_graph, built_by_backward, clear_grad_values, grad, hessian, hvp, nth_derivative

__all__ = [
    "Value", "Step", "backward_steps", "run_backward", "topo_order", "zero_grad", "no_grad",
    "is_grad_enabled", "numerical_grad", "analytic_grad", "gradcheck", "dot", "sum_values",
    "maximum", "minimum", "as_value", "DeltagradError", "OpError", "DomainError", "DivisionByZero",
    "ValueOverflow", "GradcheckError", "CycleError",
    # higher-order gradients and forward mode (engine/rules.py, higher.py, forward.py, sweeps.py)
    "grad", "backward_graph", "built_by_backward", "clear_grad_values", "hessian", "hvp", "nth_derivative", "jvp",
    "jacobian", "jacobian_cost", "NoDerivativeRule", "StaleLocalGrads",
]
