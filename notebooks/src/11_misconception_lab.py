# %% [markdown]
# # 11. The misconception lab: the wrong backward passes, run beside the right one
#
# Learning backprop is mostly meeting one's own wrong idea next to the right one. The lab runs the
# classic wrong backward passes on a graph where each one matters, shows the first step where it
# parts from the right pass, and recognises a wrong answer as one of them. Every mistake is the
# right algorithm with one line changed, reading the same local derivatives the engine stored
# (`viz/lab/mistakes.py` puts them side by side).
#
# The catalogue, `viz.MISTAKES`, says for each one what it is, why it is wrong and where it comes
# from (micrograd's issue tracker, or a lecture note and its equation).

# %%
import numpy as np

import nn
import viz
from engine import Value
from nn import equations

for name, m in viz.MISTAKES.items():
    print(f"{name:16} {m.level:10} {m.title}")

# %% [markdown]
# ## `=` instead of `+=`: the two contributions into x overwrite each other
#
# $L = x\cdot x$ at $x = 3$: $\partial L/\partial x = x + x = 6$. Each of the two edges from $L$ to $x$
# carries $3$; written with `=`, the second write replaces the first.

# %%
x0 = Value(3.0, "x")
L0 = x0 * x0
overwrite = viz.compare_backward(L0, "overwrite")
print(overwrite.right[x0], overwrite.wrong[x0])
print(overwrite)

# %% [markdown]
# The same graph is where `set_parents` shows: a node that keeps its inputs in a set has one edge
# for `a + a`, and $\partial(a + a)/\partial a$ comes out 1 instead of 2.

# %%
a = Value(2.0, "a")
sets = viz.compare_backward(a + a, "set_parents")
print(sets.right[a], sets.wrong[a])

# %% [markdown]
# ## Recursion without a topological order
#
# The recursion learners write first, `def back(v): v._backward(); for p in v.parents: back(p)`,
# visits a node once per path from the root. With $u = x\cdot x$ and $L = 3u + u$ at $x = 3$, $u$ is
# reached twice and passes its (by then complete) gradient 4 on twice: $\partial L/\partial x$ comes
# out 48 instead of $4 \cdot 2x = 24$. A visited set alone does not fix it: in depth-first pre-order,
# $L = u + 3u$ visits $u$ before the $3u$ branch has contributed, and $x$ gets $1 \cdot 2x = 6$.

# %%
x1 = Value(3.0, "x")
u1 = x1 * x1
L1 = u1 * 3 + u1
no_topo = viz.compare_backward(L1, "no_topo")
x2 = Value(3.0, "x")
u2 = x2 * x2
L2 = u2 + u2 * 3
preorder = viz.compare_backward(L2, "preorder")
print("no_topo:", no_topo.right[x1], no_topo.wrong[x1], "at step", no_topo.first.step + 1)
print("preorder:", preorder.right[x2], preorder.wrong[x2])

# %% [markdown]
# ## The seed, the upstream factor, and zero_grad
#
# On $L = 5\,(x\cdot w)$: without the seed $\partial L/\partial L = 1$ nothing flows; passing back the
# local derivative alone gives $\partial L/\partial x = w$ instead of $5w$; and a second `backward()`
# without zeroing doubles the leaves' gradients (deltagrad's `backward()` adds into leaves).

# %%
x3, w3 = Value(3.0, "x"), Value(-2.0, "w")
L3 = (x3 * w3) * 5
rows = {name: viz.compare_backward(L3, name) for name in ("no_seed", "local_only", "no_zero_grad")}
for name, c in rows.items():
    print(f"{name:13} ∂L/∂x = {c.wrong[x3]:7.3f} (right {c.right[x3]:.3f}), first divergence at step {c.first.step + 1}")

# %% [markdown]
# ## A mistake that changes nothing here
#
# On a tree (every value used once) `overwrite` is harmless, which is why it survives small tests.
# The comparison says so and suggests the smallest change that would expose it.

# %%
tree = viz.compare_backward((Value(1.0, "x") * Value(-2.0, "w") + Value(0.5, "b")).tanh(), "overwrite")
print(tree)

# %% [markdown]
# ## Naming a learner's answer
#
# `viz.diagnose(root, node, answer)` runs every mistake and returns those that give the answer (to
# about four digits), most plausible first. The quiz uses it in its feedback.

# %%
x = Value(0.5, "x")
sq = x * x
print(viz.diagnose(sq, x, 0.5), viz.diagnose(sq, x, 1.0), viz.diagnose(sq, x, 0.8))
quiz = viz.Quiz(sq)
feedback = quiz.answer(0.5)
print(feedback.message.split(" Hint:")[0])

# %% [markdown]
# ## The player, beside the mistake
#
# `viz.step_through(root, mistake=...)` (or `save_steps_html`) shows both passes' values at every
# step, the first diverging edge in dashed red, and the explanation.

# %%
viz.step_through(L1, mistake="no_topo")

# %% [markdown]
# ## The notes' errata at network level
#
# On note 000's 3-4-2 network, eq. (4) as printed ($W^{l+1}\Delta^{l+1}$, no transpose) cannot even be
# computed: $W^3$ is 2 × 4 and $\Delta^3$ is 2 × 1. On a network with square layers it multiplies and
# gives wrong numbers. σ for σ' (note 004), the flipped sign of note 001 and the factor 2 of note 003's
# cost are compared with `nn.equations`, the independent matrix form, with the erratum applied.

# %%
net = nn.MLP(3, [4, 2], seed=1)
xs, ys = [0.5, -0.2, 0.1], [1.0, 0.0]
printed = viz.compare_network(net, xs, ys, "no_transpose")
print(printed)
square = nn.MLP(2, [2, 2], seed=2)
square_cmp = viz.compare_network(square, [0.7, -0.4], [1.0, 0.0], "no_transpose")
print(square_cmp)
errata = {name: viz.compare_network(net, xs, ys, name) for name in ("sigma_not_prime", "flipped_sign", "half_factor")}
for name, c in errata.items():
    print(f"{name:16} δ³ = {np.round(c.wrong.deltas[1], 4)}   right {np.round(c.right.deltas[1], 4)}")

# %%
W, B, act = equations.from_mlp(net)
X, Y = np.array(xs).reshape(-1, 1), np.array(ys).reshape(-1, 1)
Z, A = equations.forward(W, B, X, act)
sig_out = (A[3] - Y) * equations.sigma(Z[3], "sigmoid")  # note 004's sentence, read literally
flip_out = (Y - A[3]) * equations.sigma_prime(Z[3], "sigmoid")  # note 001's (y − a)
half_out = 2 * (A[3] - Y) * equations.sigma_prime(Z[3], "sigmoid")  # note 003's 2(a − y) for ½Σ(y − a)²
print(viz.diagnose_network(net, xs, ys, ("delta", 3, 1), float(flip_out[0, 0])))

# %% [markdown]
# ## The perceptron's sign (note 003)
#
# The slide's update $w \leftarrow w - \eta\, y_i x_i$ drops the minus of the gradient. On a linearly
# separable set the right rule converges in a few sweeps; the slide's never does.

# %%
demo = viz.perceptron_demo()
print(demo)

# %% [markdown]
# ## Checks

# %%
assert (overwrite.right[x0], overwrite.wrong[x0]) == (6.0, 3.0) and overwrite.first.node is x0
assert (sets.right[a], sets.wrong[a]) == (2.0, 1.0)
assert (no_topo.right[x1], no_topo.wrong[x1]) == (24.0, 48.0)
assert preorder.first.wrong == 6.0
assert rows["no_seed"].first.step == 0 and rows["no_seed"].wrong[x3] == 0.0 and rows["local_only"].wrong[x3] == -2.0
assert rows["no_zero_grad"].wrong[x3] == 2 * rows["no_zero_grad"].right[x3] == -20.0
assert tree.first is None and "no difference here" in str(tree)
assert viz.diagnose(sq, x, 0.5)[0] == "overwrite" and viz.diagnose(sq, x, 0.8) == []
assert "overwrite each other instead of adding up" in feedback.message
assert printed.wrong is None and isinstance(printed.first.error, nn.errors.ShapeError)
assert np.allclose(errata["sigma_not_prime"].wrong.deltas[1], sig_out[:, 0], rtol=1e-10)
assert np.allclose(errata["flipped_sign"].wrong.deltas[1], flip_out[:, 0], rtol=1e-10)
assert np.allclose(errata["half_factor"].wrong.deltas[1], half_out[:, 0], rtol=1e-10)
assert square_cmp.first.layer == 2 and square_cmp.first.error is None
assert demo.right.converged and not demo.wrong.converged
print("all checks passed")
