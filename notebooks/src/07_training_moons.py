# %% [markdown]
# # 7. Training: moons and circles, curves, decision boundaries, and δ over training
#
# Everything so far looked at one backward pass. Training repeats it: for each mini-batch, the
# loss is the mean of the examples' losses, `backward()` leaves in every weight the batch average
# of $\partial L/\partial w$ (note 000's last paragraph), and an optimizer moves the weights
# against it. `nn.train` does exactly that and records the loss and accuracy of every epoch.
#
# The model: an MLP with two tanh hidden layers of 16 and a sigmoid output $y^* = P(\text{class }1)$,
# trained with binary cross-entropy (note 002's loss) by Adam on the two-moons data.

# %%
import math
import tempfile
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from nn import MLP, Adam, accuracy, binary_cross_entropy, equations, train
from nn.datasets import circles, moons

# Without ipywidgets tqdm falls back to a text bar and says so; the text bar is all we need.
warnings.filterwarnings("ignore", message="IProgress not found")
out_dir = Path(tempfile.mkdtemp(prefix="deltagrad-training-"))

X, y = moons(n=100, noise=0.1, seed=0)
net = MLP(2, [16, 16, 1], activation="tanh", output_activation="sigmoid", seed=0)
print(net, f"with {len(net.parameters())} parameters; {len(X)} examples, {sum(y)} of class 1")

# %% [markdown]
# ## Training, with a progress bar, recording δ per layer
#
# The callback runs after every optimizer step. `info.deltas()` gives, for each layer, the δ of
# the batch's last example (for its own loss); we keep the mean $|\delta^l|$ of each layer.

# %%
delta_log = []            # one row per step: mean |δ^l| for l = 2, 3, 4

def record(info):
    delta_log.append([float(np.mean(np.abs(layer))) for layer in info.deltas()])

history = train(net, X, y, loss="binary_cross_entropy", optimizer=Adam(net.parameters(), lr=0.05),
                epochs=40, batch_size=20, seed=0, progress=True, callback=record)
print(history)

# %% [markdown]
# ## Loss and accuracy per epoch

# %%
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.2))
ax_loss.plot(range(1, history.epochs + 1), history.loss, color="tab:red")
ax_loss.set(xlabel="epoch", ylabel="mean BCE loss", yscale="log", title="loss")
ax_acc.plot(range(1, history.epochs + 1), history.accuracy, color="tab:blue")
ax_acc.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1.05), title="training accuracy")
fig.tight_layout()
fig.savefig(out_dir / "moons_curves.png", dpi=80)
plt.show()

# %% [markdown]
# ## The decision boundary
#
# The network's probability of class 1 on a grid. For speed the grid goes through
# `nn.equations.forward` (the notes' matrix form in NumPy, eqs. (1) and (2)) with the trained
# weights; on the training points it must give the engine's numbers exactly.

# %%
W, B, act = equations.from_mlp(net)

def probability(points):
    _, A = equations.forward(W, B, equations.columns(points), act)
    return A[max(A)][0]

def plot_boundary(ax, X, y, title):
    xs = np.linspace(min(p[0] for p in X) - 0.5, max(p[0] for p in X) + 0.5, 120)
    ys = np.linspace(min(p[1] for p in X) - 0.5, max(p[1] for p in X) + 0.5, 120)
    gx, gy = np.meshgrid(xs, ys)
    P = probability(np.c_[gx.ravel(), gy.ravel()]).reshape(gx.shape)
    ax.contourf(gx, gy, P, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.6)
    ax.contour(gx, gy, P, levels=[0.5], colors="k", linewidths=1)
    pts, labels = np.array(X), np.array(y)
    for label, colour in ((0, "tab:red"), (1, "tab:blue")):
        ax.scatter(*pts[labels == label].T, color=colour, edgecolors="white", s=20, label=f"class {label}")
    ax.set(title=title, xticks=[], yticks=[])

fig, ax = plt.subplots(figsize=(4.5, 3.6))
plot_boundary(ax, X, y, "moons: P(class 1)")
fig.savefig(out_dir / "moons_boundary.png", dpi=80)
plt.show()

p_matrix = probability(X)
p_engine = np.array([net(x)[0].data for x in X])
acc_engine = accuracy(net, X, y, loss="binary_cross_entropy")
acc_matrix = float(np.mean((p_matrix > 0.5) == np.array(y)))
print(f"accuracy: engine {acc_engine:.3f}, matrix form {acc_matrix:.3f}; "
      f"largest difference in P: {np.abs(p_matrix - p_engine).max():.2e}")

# %% [markdown]
# ## δ per layer over training
#
# How big the errors δ are in each layer as training goes on, averaged over each epoch's steps
# (one example per step is noisy). As the fit improves the output error $y^* - y$ shrinks, and
# with it every hidden layer's δ: each is the output's δ sent back through weights and
# multiplied by σ'.

# %%
log = np.array(delta_log)
per_epoch = log.reshape(history.epochs, -1, log.shape[1]).mean(axis=1)
fig, ax = plt.subplots(figsize=(6, 3.2))
for i in range(per_epoch.shape[1]):
    ax.plot(range(1, history.epochs + 1), per_epoch[:, i], label=f"mean |δ^{i + 2}| (layer {i + 2})")
ax.set(xlabel="epoch", ylabel="mean |δ|", yscale="log", title="δ per layer during training")
ax.legend()
fig.tight_layout()
fig.savefig(out_dir / "moons_deltas.png", dpi=80)
plt.show()
first, last = per_epoch[0], per_epoch[-5:].mean(axis=0)
print("mean |δ| per layer, first epoch:", np.round(first, 5), " last 5 epochs:", np.round(last, 6))

# %% [markdown]
# After training, one example's δ per layer from the engine and from the notes' equations (3)
# and (4) (for BCE, eq. (3)'s $\partial C/\partial A^L \odot\sigma'(Z^L)$ is $y^* - y$, as note 002
# showed):

# %%
x0, y0 = X[0], y[0]
net.zero_grad()
binary_cross_entropy(net(x0), y0).backward()
bp = equations.backprop(W, B, equations.columns([x0]), np.array([[y0]]), act, loss="binary_cross_entropy")
deltas_after = {l: np.array(net.delta(l)) for l in (2, 3, 4)}     # read before any new forward pass
for l in (2, 3, 4):
    print(f"layer {l}: largest |δ engine − δ equations| = {np.abs(deltas_after[l] - bp.delta[l][:, 0]).max():.2e}")
print(f"δ^4 = {deltas_after[4][0]:.3e}, y* − y = {bp.A[4][0, 0] - y0:.3e}")

# %% [markdown]
# ## A second dataset: circles
#
# One ring inside another. A single hidden layer of 8 tanh units is enough.

# %%
Xc, yc = circles(n=100, noise=0.05, seed=0)
net_c = MLP(2, [8, 1], activation="tanh", output_activation="sigmoid", seed=0)
history_c = train(net_c, Xc, yc, loss="binary_cross_entropy", optimizer=Adam(net_c.parameters(), lr=0.05),
                  epochs=40, batch_size=20, seed=0, progress=True)
print(history_c)
W, B, act = equations.from_mlp(net_c)        # probability() now reads the circles model
fig, (ax_b, ax_l) = plt.subplots(1, 2, figsize=(9, 3.4))
plot_boundary(ax_b, Xc, yc, "circles: P(class 1)")
ax_l.plot(range(1, history_c.epochs + 1), history_c.loss, color="tab:red")
ax_l.set(xlabel="epoch", ylabel="mean BCE loss", yscale="log", title="loss")
fig.tight_layout()
fig.savefig(out_dir / "circles.png", dpi=80)
plt.show()
acc_c = accuracy(net_c, Xc, yc, loss="binary_cross_entropy")
print(f"circles accuracy {acc_c:.3f}")

# %% [markdown]
# ## Checks

# %%
assert history.epochs == 40 and len(delta_log) == history.steps == 40 * 5
assert history.loss[-1] < 0.2 * history.loss[0]
assert acc_engine >= 0.97 and math.isclose(acc_engine, acc_matrix)
assert np.allclose(p_matrix, p_engine, rtol=1e-12, atol=1e-14)
assert log.shape == (200, 3) and np.all(log > 0) and np.all(last < first)
for l in (2, 3, 4):
    assert np.allclose(deltas_after[l], bp.delta[l][:, 0], rtol=1e-9, atol=1e-15)
assert math.isclose(deltas_after[4][0], bp.A[4][0, 0] - y0, rel_tol=1e-9)
assert acc_c >= 0.95 and history_c.loss[-1] < history_c.loss[0]
for name in ("moons_curves.png", "moons_boundary.png", "moons_deltas.png", "circles.png"):
    assert (out_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
print("all checks passed")
