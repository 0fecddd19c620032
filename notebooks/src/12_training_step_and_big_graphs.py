# %% [markdown]
# # 12. The whole training step, a training run played back, and micrograd's demo network
#
# The stepper of notebook 8 starts at backward. Training is four things: the **forward** pass
# (each node's value from its inputs), the **loss**, the **backward** pass (δ and ∂L/∂w), and the
# **update** the optimizer makes with those gradients. Here all four are stepped, each number read
# from the engine or the optimizer, never recomputed by the viewer:
#
# - `viz.trace_forward(L)`: one line per node in topological order, formula and numbers;
# - `viz.training_step(model, X, y, optimizer)`: forward, loss and backward of one example, the
#   mini-batch's per-example gradients and their mean, and every parameter's update;
# - `viz.save_training_html(model, X, y, path)`: a training run as one offline page;
# - `viz.draw(L)` of a graph over 300 nodes: drawn collapsed, one node per neuron.

# %%
import math
import tempfile
from pathlib import Path

import engine
import nn
import viz

model = nn.MLP(2, [2, 1], activation="tanh", output_activation="sigmoid", seed=1)
x, y = [0.5, -1.0], 1
L = nn.binary_cross_entropy(model(x), y)
forward = viz.trace_forward(L)
for i in range(len(forward)):
    print(forward.text(i))

# %% [markdown]
# Each line is the node's formula in the notes' notation, the same formula with its inputs'
# values, and the value the engine computed. The first is $z^2_1 = w^2_{11} x_1 + w^2_{12} x_2 + b^2_1$.

# %%
w11, w12 = model.weights(2)[0]
b1 = model.biases(2)[0]
z21 = w11 * x[0] + w12 * x[1] + b1
print(forward.text(0))
print(f"by hand: {z21:.4f}")

# %% [markdown]
# ## One training step with Adam, on a mini-batch of three
#
# `training_step` runs the optimizer's real `step()` and reads its state before and after: for
# Adam the moments $m$ and $v$, the step count $t$, and the bias-corrected $\hat m$, $\hat v$. For a
# mini-batch, $\partial L/\partial w$ is the mean of the examples' own gradients (note 000's last
# paragraph, note 003).

# %%
X = [[0.5, -1.0], [1.5, 0.2], [-0.4, 0.8]]
Y = [1, 0, 1]
opt = nn.Adam(model.parameters(), lr=0.05)
step = viz.training_step(model, X, Y, opt, loss="binary_cross_entropy", example=0)
print(step.batch.text(0))
print("\n".join(step.update.steps[0].lines()))

# %% [markdown]
# ## Micrograd's demo network: 409 nodes, drawn collapsed
#
# One example through MLP(2, [16, 16, 1]) with the hinge loss is a graph over `draw`'s 300 nodes.
# `max_nodes` limits what is *drawn*, so the graph is drawn with one node per neuron (its weighted
# sum, activation and weights); `only_group="n3_5"` draws one neuron's inside, and the step player
# opens a neuron on click.

# %%
demo = nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=0)
hinge = nn.hinge(demo([0.5, -0.3]), 1)
hinge.backward()
order = engine.topo_order(hinge)
picture = viz.draw(hinge)
drawn = picture.source.count(" id=v")
print(f"{len(order)} nodes in the graph, {drawn} drawn")
folder = Path(tempfile.mkdtemp())
player = viz.save_steps_html(hinge, folder / "demo.html")
print(f"step player: {player.stat().st_size / 1e6:.1f} MB, opens neurons on click")

# %% [markdown]
# ## A training run, played back
#
# With only the model and the data, `save_training_html` picks the loss that fits the labels and
# the output (binary cross-entropy for 0/1 labels and a sigmoid), Adam, 60 epochs of batches of 20;
# the page shows the boundary per epoch, the curves with a cursor, the network, and the chosen
# example's whole step. Here 10 epochs keep the notebook fast.

# %%
Xm, ym = nn.datasets.moons(60, noise=0.1, seed=0)
small = nn.MLP(2, [4, 4, 1], activation="tanh", output_activation="sigmoid", seed=0)
page = viz.save_training_html(small, Xm, ym, folder / "training.html", epochs=10)
print(f"{page.name}: {page.stat().st_size / 1e6:.2f} MB; accuracy now {nn.accuracy(small, Xm, ym, 'binary_cross_entropy'):.2f}")

# %% [markdown]
# ## Checks of the numbers shown above

# %%
assert all(s.value == forward.order[s.node].data for s in forward.steps)  # forward steps are the engine's data
assert forward.text(0).endswith(f"= {z21:.4f}") and forward.text(0).startswith("z²₁ = w²₁₁ · x₁ + w²₁₂ · x₂ + b²₁")
per = step.batch.per_example
assert all(math.isclose(step.batch.mean[j], sum(g[j] for g in per) / 3, rel_tol=1e-12, abs_tol=1e-15)
           for j in range(len(per[0])))
assert all(u.after == p.data == u.predicted() for u, p in zip(step.update.steps, model.parameters()))
u = step.update.steps[0]
assert u.t == 1 and math.isclose(u.m_hat(), u.grad) and math.isclose(u.v_hat(), u.grad ** 2)
assert len(order) > 300 and drawn <= 300
assert viz.default_loss(small, ym) == "binary_cross_entropy" and page.stat().st_size < 3_000_000
