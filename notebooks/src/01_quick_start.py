# %% [markdown]
# # 1. Quick start: one expression, its graph, backward, δ, and stepping through it
#
# deltagrad is a small automatic-differentiation engine for *seeing* backpropagation. Every number
# is a `Value` that remembers which values made it and the **local derivatives** of that operation
# (∂out/∂in, computed during the forward pass). `backward()` then applies the chain rule from the
# loss back to every input, one edge at a time: each input's gradient is the sum over its uses of
#
# $$\text{local derivative}\times\text{upstream gradient}.$$
#
# Our expression is one neuron with two inputs, a tanh activation and a squared error against the
# target $y = 1$:
#
# $$z = x_1 w_1 + x_2 w_2 + b,\qquad a = \tanh z,\qquad L = \tfrac12 (a - y)^2 .$$
#
# The bias is chosen so that $a = \tanh z = 1/\sqrt 2$ exactly, which makes the numbers easy to
# check by hand: $\partial a/\partial z = 1 - a^2 = \tfrac12$.
#
# (From a terminal, `deltagrad tour` trains a small network on the two moons and writes all of
# these pictures for one of its examples into a folder; `deltagrad step "tanh(x*w + b)" --at x=1 w=-2 b=0.5`
# walks any expression's backward pass one Enter at a time.)

# %%
import json
import math
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import engine
import viz
from engine import Value

x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
b = Value(6.0 + math.atanh(1 / math.sqrt(2)), "b")    # so that z = atanh(1/√2)

x1w1, x2w2 = x1 * w1, x2 * w2
x1w1.label, x2w2.label = "x1·w1", "x2·w2"
z = x1w1 + x2w2 + b
z.label = "z"
a = z.tanh()
a.label = "a"
L = 0.5 * (a - 1.0) ** 2
L.label = "L"
print(f"z = {z.data:.6f}, a = {a.data:.6f} (1/√2 = {1 / math.sqrt(2):.6f}), L = {L.data:.6f}")

# %% [markdown]
# ## The graph
#
# `viz.draw(L)` draws every value as a record {name | data | grad} and every operation as a small
# node; edges run forward, from inputs to the loss. Before `backward()` every gradient is still 0,
# so none is shown. (In Jupyter the last expression of a cell displays the picture.)

# %%
viz.draw(L)

# %% [markdown]
# ## Backward
#
# One call. The loss's own gradient is seeded with 1 and every other gradient is the chain rule's
# sum. By hand: $\partial L/\partial a = a - 1$, $\partial a/\partial z = 1 - a^2 = \tfrac12$, so
# $\delta = \partial L/\partial z = \tfrac12(a - 1)$, and then $\partial L/\partial w_1 = \delta x_1$,
# $\partial L/\partial x_1 = \delta w_1$, $\partial L/\partial b = \delta$.

# %%
L.backward()
delta = 0.5 * (a.data - 1.0)
print(f"δ = ∂L/∂z: engine {z.grad:+.6f}, by hand {delta:+.6f}")
for v, by_hand in ((w1, delta * x1.data), (x1, delta * w1.data), (w2, delta * x2.data),
                   (x2, delta * w2.data), (b, delta)):
    print(f"∂L/∂{v.label}: engine {v.grad:+.6f}, by hand {by_hand + 0.0:+.6f}")

# %% [markdown]
# ## The picture of δ
#
# Drawn again after the backward pass, every record shows its gradient, coloured by sign and size,
# and every edge shows the local derivative and the signal it carried back
# (local × upstream). The node labelled `z` is a pre-activation, so the drawing calls its
# gradient δ: the error of the neuron in the lecture notes' sense.

# %%
picture = viz.draw(L)
picture

# %% [markdown]
# ## Stepping through the backward pass
#
# `viz.print_steps` writes the whole backward pass as text, one chain-rule application per step
# (unlabelled values get names such as `t7`, constants such as `c0`);
# `viz.step_through` shows the same steps as an interactive player (buttons and arrow keys) right
# here in the notebook. `viz.save_steps_html` writes that player to a standalone HTML file.

# %%
viz.print_steps(L)

# %%
viz.step_through(L)

# %% [markdown]
# The player is one HTML file holding the graph and every step, so it works offline. We save it to a
# temporary folder (a notebook should not litter the repository) and also keep the SVG picture.

# %%
out = Path(tempfile.mkdtemp(prefix="deltagrad-quickstart-"))
player_path = viz.save_steps_html(L, out / "steps.html")
svg_path = viz.save(picture, out / "neuron.svg")
steps_text = viz.explain_steps(L)
print(f"wrote {player_path} ({player_path.stat().st_size} bytes) and {svg_path}")
print(f"{len(steps_text)} steps, the first: {steps_text[0]}")

# %% [markdown]
# ## Checks
#
# The engine's gradients against the hand computation and central differences; the number of steps
# (one per edge of the graph); the picture parses as SVG and shows the names and δ; the player holds
# every step.

# %%
assert math.isclose(a.data, 1 / math.sqrt(2), rel_tol=1e-12)
assert math.isclose(z.grad, delta, rel_tol=1e-12) and math.isclose(z.grad, 0.5 * (1 / math.sqrt(2) - 1), rel_tol=1e-12)
assert math.isclose(w1.grad, 2 * delta, rel_tol=1e-12) and math.isclose(x1.grad, -3 * delta, rel_tol=1e-12)
assert math.isclose(b.grad, delta, rel_tol=1e-12) and w2.grad == 0.0 and math.isclose(x2.grad, delta, rel_tol=1e-12)

def loss(params):
    p1, q1, p2, q2, pb = params
    return 0.5 * ((p1 * q1 + p2 * q2 + pb).tanh() - 1.0) ** 2

numeric = engine.numerical_grad(loss, [x1.data, w1.data, x2.data, w2.data, b.data])
assert all(math.isclose(n, v.grad, rel_tol=1e-6, abs_tol=1e-9) for n, v in zip(numeric, (x1, w1, x2, w2, b)))
edges = sum(len(v.parents) for v in engine.topo_order(L))
assert len(steps_text) == edges
svg = viz.to_svg(picture)
root = ET.fromstring(svg)
texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text}
assert {"x₁", "w₁", "z", "a", "L"} <= texts, texts
assert any(t.startswith("δ") for t in texts)
html = player_path.read_text(encoding="utf-8")
trace = viz.trace_backward(L)       # the recorded pass the player was built from
assert all(json.dumps(trace.equation(i), ensure_ascii=False) in html for i in range(len(trace)))
ET.parse(svg_path)
print("all checks passed")
