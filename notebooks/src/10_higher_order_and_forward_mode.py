# %% [markdown]
# # 10. Gradients of gradients, and forward mode
#
# `backward()` stores every local derivative as a number, so its gradients are numbers too.
# `engine.grad(out, xs, create_graph=True)` instead runs the chain rule with `Value` arithmetic
# over one derivative rule per op (`engine/rules.py`): the gradients come back as nodes of a graph
# of their own, which can be differentiated again. That gives Hessians (`engine.hessian`),
# Hessian-vector products without the Hessian (`engine.hvp`), and third derivatives by repetition.
#
# The other half is forward mode: one sweep of tangents $\dot v_i = \sum_j \partial v_i/\partial v_j\,\dot v_j$
# in the forward direction, reading the same stored local derivatives (`engine.jvp`). One forward
# sweep gives a column of the Jacobian, one reverse sweep a row: `engine.jacobian_cost` counts both.

# %%
import math

import viz
from engine import Value, grad, hessian, hvp, jacobian, jacobian_cost, jvp, nth_derivative
from nn import MLP, squared_error

x = Value(0.5, "x")
y = x.tanh()
(dy,) = grad(y, [x], create_graph=True)  # 1 − tanh² x, as a Value
(d2y,) = grad(dy, [x])                    # −2 tanh x (1 − tanh² x)
t = math.tanh(0.5)
print(f"dy/dx = {dy.data:.6f}   d²y/dx² = {d2y:.6f} (closed form {-2 * t * (1 - t * t):.6f})")
print("third derivative by repetition:", nth_derivative(lambda v: v.tanh(), 0.5, 3))

# %% [markdown]
# The nodes the backward pass built are labelled `∇…` and drawn with an orange name: here the
# gradient graph of $\tanh x$ reuses the forward node $\tanh x$ (its derivative is $1 - \text{out}^2$).

# %%
viz.draw(dy)

# %% [markdown]
# ## Newton's method in one variable
#
# $x \leftarrow x - f'(x)/f''(x)$ finds a stationary point of $f$ with the engine's second
# derivative. For $f(x) = x^4 - 3x^2 + x$ from $x_0 = 2$:

# %%
def f1(v):
    (u,) = v
    return u ** 4 - 3 * u ** 2 + u


x0 = 2.0
newton_1d = [x0]
for _ in range(8):
    leaf = Value(x0)
    (first,) = grad(f1([leaf]), [leaf])
    ((second,),) = hessian(f1, [x0])
    x0 = x0 - first / second
    newton_1d.append(x0)
print(" → ".join(f"{v:.10f}" for v in newton_1d))
slope = 4 * x0 ** 3 - 6 * x0 + 1
print(f"f'(x) = {slope:.2e} at x = {x0:.12f}")

# %% [markdown]
# ## Newton's method in two variables
#
# $\mathbf{x} \leftarrow \mathbf{x} - H^{-1}\nabla f$ on Rosenbrock's function
# $f(x, y) = (1 - x)^2 + 10\,(y - x^2)^2$, minimum at $(1, 1)$:

# %%
def rosen(v):
    a, b = v
    return (1 - a) ** 2 + 10 * (b - a * a) ** 2


point = [-1.2, 1.0]
path = [tuple(point)]
for _ in range(8):
    leaves = [Value(p) for p in point]
    gx, gy = grad(rosen(leaves), leaves)
    (h11, h12), (h21, h22) = hessian(rosen, point)
    det = h11 * h22 - h12 * h21
    step = ((h22 * gx - h12 * gy) / det, (-h21 * gx + h11 * gy) / det)
    point = [point[0] - step[0], point[1] - step[1]]
    path.append(tuple(point))
for k, (a, b) in enumerate(path):
    print(f"step {k}: ({a:.8f}, {b:.8f})   f = {rosen([Value(a), Value(b)]).data:.3e}")

# %% [markdown]
# ## The curvature of a network's loss along a direction
#
# For the loss $L(\theta)$ of a small MLP, $v^\top H v / v^\top v$ is the curvature along $v$.
# `engine.hvp` gets $Hv$ from two reverse sweeps (the gradient of $\nabla L \cdot v$), without the
# $n \times n$ Hessian. Along the gradient itself:

# %%
model = MLP(2, [4, 1], activation="tanh", output_activation="linear", seed=0)
X_data, Y_data = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8]], [1.0, -1.0, 0.5]


def loss_of(params):
    it = iter(params)
    for layer in model.layers:
        for neuron in layer.neurons:
            neuron.w = [next(it) for _ in neuron.w]
            neuron.b = next(it)
    return sum((squared_error(model(x_), [y_]) for x_, y_ in zip(X_data, Y_data)), Value(0.0)) * (1 / 3)


theta = [p.data for p in model.parameters()]
leaves = [Value(p) for p in theta]
direction = grad(loss_of(leaves), leaves)
Hv = hvp(loss_of, theta, direction)
curvature = sum(h * d for h, d in zip(Hv, direction)) / sum(d * d for d in direction)
H = hessian(loss_of, theta)
curvature_full = sum(direction[i] * H[i][j] * direction[j] for i in range(len(theta)) for j in range(len(theta))) \
    / sum(d * d for d in direction)
print(f"{len(theta)} parameters; curvature along the gradient: {curvature:.6f} (from the full Hessian: {curvature_full:.6f})")

# %% [markdown]
# ## Forward against reverse mode
#
# Baydin et al.'s example $f(x_1, x_2) = \ln x_1 + x_1 x_2 - \sin x_2$ at $(2, 5)$: the forward
# primal and tangent traces (their Table 2) and the reverse adjoint trace (Table 3).

# %%
x1, x2 = Value(2.0, "x1"), Value(5.0, "x2")
trace = viz.evaluation_trace(x1.log() + x1 * x2 - x2.sin())
print(trace.text())
value, tangent = jvp(lambda v: v[0].log() + v[0] * v[1] - v[1].sin(), [2.0, 5.0], [1.0, 0.0])

# %% [markdown]
# One forward sweep gives the derivatives of every output along *one* input direction; one
# reverse sweep the derivatives of *one* output along every input. For a loss of $n$ inputs,
# reverse mode needs one sweep, forward mode $n$; for one input and many outputs it is the other
# way round. Each sweep does one multiply-add per edge of the graph:

# %%
def loss_like(v):  # n inputs, one output
    return [sum((u * u for u in v[1:]), v[0] * v[0]).tanh()]


def curve(v):  # one input, 20 outputs
    return [(v[0] * k).sin() for k in range(1, 21)]


many_in = jacobian_cost(loss_like, [0.01 * k for k in range(100)])
many_out = jacobian_cost(curve, [0.3])
for name, cost in (("100 inputs → 1 output", many_in), ("1 input → 20 outputs", many_out)):
    print(f"{name}: reverse {cost['reverse']['sweeps']} sweeps, {cost['reverse']['multiply_adds']} multiply-adds; "
          f"forward {cost['forward']['sweeps']} sweeps, {cost['forward']['multiply_adds']} multiply-adds")
J_rev = jacobian(curve, [0.3])
J_fwd = jacobian(curve, [0.3], mode="forward")

# %%
# Checks: the numbers shown above.
assert math.isclose(d2y, -2 * t * (1 - t * t), rel_tol=1e-14)
assert math.isclose(nth_derivative(lambda v: v.tanh(), 0.5, 3), -2 * (1 - t * t) * (1 - 3 * t * t), rel_tol=1e-12)
assert abs(4 * newton_1d[-1] ** 3 - 6 * newton_1d[-1] + 1) < 1e-12  # a stationary point of f1
assert math.isclose(path[-1][0], 1.0, abs_tol=1e-9) and math.isclose(path[-1][1], 1.0, abs_tol=1e-9)
assert math.isclose(curvature, curvature_full, rel_tol=1e-10)
assert round(trace.adjoints["x̄₁"], 3) == 5.5 and round(trace.adjoints["x̄₂"], 3) == 1.716
assert round(value, 3) == 11.652 and tangent == 5.5
assert many_in["reverse"]["sweeps"] == 1 and many_in["forward"]["sweeps"] == 100
assert many_in["forward"]["multiply_adds"] == 100 * many_in["reverse"]["multiply_adds"]
assert many_out["forward"]["sweeps"] == 1 and many_out["reverse"]["sweeps"] == 20
assert all(math.isclose(J_rev[i][0], J_fwd[i][0], rel_tol=1e-14) and math.isclose(J_rev[i][0], (i + 1) * math.cos(0.3 * (i + 1)), rel_tol=1e-12) for i in range(20))
