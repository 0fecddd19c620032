# %% [markdown]
# # 3. Note 000: backpropagation in matrix form, on the 3-4-2 network
#
# Note 000 numbers the layers from the input: layer 1 is the input, layer 2 the hidden layer,
# layer $L = 3$ the output. For every other layer
#
# $$\mathbf Z^l = \mathbf W^l \mathbf A^{l-1} + \mathbf B^l \quad (1) \qquad
#   \mathbf A^l = \sigma(\mathbf Z^l) \quad (2)$$
#
# with $z$ the pre-activation, $a$ the activation and $w^l_{jk}$ the weight from neuron $k$ of
# layer $l-1$ to neuron $j$ of layer $l$, so $\mathbf W^l$ is $n_l \times n_{l-1}$
# ($4\times 3$ and $2\times 4$ here). The cost of one example is
# $C = \tfrac12\lVert \mathbf Y - \mathbf A^L\rVert^2$ and the note derives
#
# $$\Delta^L = (\mathbf A^L - \mathbf Y)\odot\sigma'(\mathbf Z^L) \quad (3)\qquad
#   \Delta^l = (\mathbf W^{l+1})^{\mathsf T}\Delta^{l+1}\odot\sigma'(\mathbf Z^l) \quad (4)$$
#
# $$\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k\,\delta^l_j \quad (5)\qquad
#   \frac{\partial C}{\partial b^l_j} = \delta^l_j \quad (6)$$
#
# where $\delta^l_j = \partial C/\partial z^l_j$. Equation (4) is written here *with* the
# transpose; the note prints it without, and its equation (2) reads $\mathbf Z^l = \sigma(\mathbf A^l)$.
# Both slips are shown with numbers below.
#
# The plan: build the network with deltagrad (`nn.MLP`), let the engine do the backward pass,
# then compute equations (1) to (6) with NumPy and see that every number agrees.

# %%
import numpy as np

import engine
from engine import Value
from nn import MLP, equations, errata

np.set_printoptions(precision=5, suppress=True)

net = MLP(3, [4, 2], activation="sigmoid", seed=1)   # layers 2 and 3 of note 000
net.set_biases(2, [0.1, -0.2, 0.05, 0.3])            # biases start at 0; give B^l some values
net.set_biases(3, [-0.1, 0.2])
x = [0.5, -0.2, 0.9]                                 # A^1, the input layer
Y = np.array([1.0, 0.0])                             # the target

W = {l: np.array(net.weights(l)) for l in (2, 3)}
B = {l: np.array(net.biases(l)) for l in (2, 3)}
for l in (2, 3):
    print(f"W^{l} is {W[l].shape[0]}×{W[l].shape[1]}:\n{W[l]}\nB^{l} = {B[l]}\n")

# %% [markdown]
# ## The engine's forward and backward pass
#
# `net(x)` runs equations (1) and (2) one neuron at a time; every $z^l_j$ and $a^l_j$ is a node
# of the graph. The cost is built from those nodes, and one `backward()` fills in every
# $\partial C/\partial(\cdot)$. `net.delta(l)` reads $\delta^l_j$ = the gradient of node $z^l_j$.

# %%
A_out = net(x)
C = 0.5 * sum((y - a) ** 2 for y, a in zip(Y, A_out))
C.backward()

z_engine = {l: np.array([n.z.data for n in net.layers[l - 2].neurons]) for l in (2, 3)}
a_engine = {l: np.array([n.a.data for n in net.layers[l - 2].neurons]) for l in (2, 3)}
delta_engine = {l: np.array(net.delta(l)) for l in (2, 3)}
dW_engine = {l: np.array(net.weight_grads(l)) for l in (2, 3)}
db_engine = {l: np.array(net.bias_grads(l)) for l in (2, 3)}
print(f"C = {C.data:.6f}")
for l in (2, 3):
    print(f"engine: z^{l} = {z_engine[l]}  a^{l} = {a_engine[l]}  δ^{l} = {delta_engine[l]}")

# %% [markdown]
# ## Equations (1) and (2) with NumPy
#
# The note's matrix form, computed directly. $\sigma'(z) = \sigma(z)(1-\sigma(z))$ for the sigmoid.

# %%
def sigma(t):
    return 1.0 / (1.0 + np.exp(-t))

def sigma_prime(t):
    return sigma(t) * (1.0 - sigma(t))

A = {1: np.array(x)}
Z = {}
for l in (2, 3):
    Z[l] = W[l] @ A[l - 1] + B[l]          # (1)
    A[l] = sigma(Z[l])                     # (2), read as A = σ(Z)
    print(f"eq. (1): Z^{l} = {Z[l]}   eq. (2): A^{l} = {A[l]}")
print("largest difference from the engine:",
      max(np.abs(Z[l] - z_engine[l]).max() for l in (2, 3)))

# %% [markdown]
# ### Erratum: equation (2) as printed, $\mathbf Z^l = \sigma(\mathbf A^l)$
#
# Read literally, the printed equation applies σ to the *activation* to get the weighted sum.
# With the numbers of the network it is plainly false: σ(A²) is not Z².

# %%
print("Z^2          =", Z[2])
print("σ(A^2) (note) =", sigma(A[2]))
print("A^2 = σ(Z^2)  =", A[2])

# %% [markdown]
# ## Equations (3) and (4): the errors Δ, and the missing transpose
#
# Equation (3) at the output layer, then equation (4) with the transpose to go back one layer.

# %%
Delta = {3: (A[3] - Y) * sigma_prime(Z[3])}                 # (3)
Delta[2] = (W[3].T @ Delta[3]) * sigma_prime(Z[2])          # (4), with (W^3)ᵀ
for l in (3, 2):
    print(f"Δ^{l} by the equations = {Delta[l]}\nδ^{l} by the engine    = {delta_engine[l]}")

# %% [markdown]
# ### Erratum: equation (4) as printed, $\Delta^l = \mathbf W^{l+1}\Delta^{l+1}\odot\sigma'(\mathbf Z^l)$
#
# $\mathbf W^3$ is $2\times 4$ and $\Delta^3$ has 2 entries, so $\mathbf W^3\Delta^3$ is not even
# defined: NumPy refuses the product.

# %%
try:
    errata.delta_as_printed_000(W[3], Delta[3], Z[2], "sigmoid")   # W^3 Δ^3 ⊙ σ'(Z^2), as printed
    printed_eq4_error = None
except ValueError as error:
    printed_eq4_error = str(error)
print("W^3 Δ^3 →", printed_eq4_error)

# %% [markdown]
# One might hope the printed form is fine whenever the shapes happen to fit. They fit when layer
# $l+1$ has as many neurons as layer $l$: take a 3-3-3 network. The product is then defined, but
# it is the wrong number, because the note's own derivation a few lines earlier sums
# $\sum_i w^L_{ij}\delta^L_i$, which is row $j$ of $(\mathbf W^L)^{\mathsf T}\Delta^L$.

# %%
sq = MLP(3, [3, 3], activation="sigmoid", seed=4)
sq.set_biases(2, [0.2, -0.1, 0.3])
out = sq(x)
C_sq = 0.5 * sum((y - a) ** 2 for y, a in zip([1.0, 0.0, 1.0], out))
C_sq.backward()
Ws = {l: np.array(sq.weights(l)) for l in (2, 3)}
zs = {l: np.array([n.z.data for n in sq.layers[l - 2].neurons]) for l in (2, 3)}
d3 = np.array(sq.delta(3))
with_T = (Ws[3].T @ d3) * sigma_prime(zs[2])
as_printed = errata.delta_as_printed_000(Ws[3], d3, zs[2], "sigmoid")   # W^3 Δ^3 ⊙ σ'(Z^2)
print("engine δ^2            =", np.array(sq.delta(2)))
print("(W^3)ᵀ Δ^3 ⊙ σ'(Z^2)  =", with_T)
print("W^3 Δ^3 ⊙ σ'(Z^2)     =", as_printed, " ← the printed equation (4)")

# %% [markdown]
# ## Equations (5) and (6): the gradients
#
# Equation (5) says the matrix of $\partial C/\partial w^l_{jk}$ is the outer product
# $\Delta^l (\mathbf A^{l-1})^{\mathsf T}$ (an $n_l\times n_{l-1}$ matrix, like $\mathbf W^l$);
# equation (6) says the bias gradients are $\Delta^l$ itself.

# %%
dW = {l: np.outer(Delta[l], A[l - 1]) for l in (2, 3)}   # (5)
db = {l: Delta[l] for l in (2, 3)}                       # (6)
for l in (2, 3):
    print(f"∂C/∂W^{l} by (5):\n{dW[l]}\nby the engine:\n{dW_engine[l]}\n")

# %% [markdown]
# A finite-difference check of one entry, $\partial C/\partial w^2_{13}$: nudge it and recompute
# the cost with equations (1) and (2).

# %%
def cost_with(W2):
    a2 = sigma(W2 @ A[1] + B[2])
    a3 = sigma(W[3] @ a2 + B[3])
    return 0.5 * np.sum((Y - a3) ** 2)

eps = 1e-6
bump = np.zeros_like(W[2])
bump[0, 2] = eps
fd_w2_13 = (cost_with(W[2] + bump) - cost_with(W[2] - bump)) / (2 * eps)
print(f"∂C/∂w^2_13: finite difference {fd_w2_13:.8f}, eq. (5) {dW[2][0, 2]:.8f}, engine {dW_engine[2][0, 2]:.8f}")

# %% [markdown]
# ## Side by side: the engine and `nn.equations`
#
# `nn.equations` is deltagrad's NumPy transcription of the same six equations (it shares no code
# with the engine; one example is one column). One table with every quantity, both ways.

# %%
W_eq, B_eq, act = equations.from_mlp(net)
bp = equations.backprop(W_eq, B_eq, equations.columns([x]), Y[:, None], act, loss="squared_error")
rows = []
for l in (2, 3):
    rows += [(f"Z^{l}", bp.Z[l][:, 0], z_engine[l]), (f"A^{l}", bp.A[l][:, 0], a_engine[l]),
             (f"Δ^{l}", bp.delta[l][:, 0], delta_engine[l]),
             (f"∂C/∂W^{l}", bp.dW[l].ravel(), dW_engine[l].ravel()), (f"∂C/∂B^{l}", bp.dB[l][:, 0], db_engine[l])]
print(f"{'quantity':<10} {'largest |equations − engine|':>30}")
for name, by_eq, by_engine in rows:
    print(f"{name:<10} {np.abs(by_eq - by_engine).max():>30.2e}")
print(f"cost: equations {bp.cost:.10f}, engine {C.data:.10f}")

# %% [markdown]
# ## Mini-batches: the average of the per-example gradients
#
# The note ends by averaging the per-example partials over a mini-batch. In matrix form the
# batch is a matrix whose columns are examples; equations (1) to (5) work column by column, and
# the gradient of the *mean* cost is the mean of the per-example outer products. The engine gets
# the same numbers by differentiating the mean cost directly.

# %%
X_batch = np.array([[0.5, -0.2, 0.9], [1.0, 0.3, -0.7], [-0.4, 0.8, 0.1], [0.0, -1.0, 0.5]]).T
Y_batch = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]]).T
m = X_batch.shape[1]

Zb2 = W[2] @ X_batch + B[2][:, None]
Ab2 = sigma(Zb2)
Zb3 = W[3] @ Ab2 + B[3][:, None]
Ab3 = sigma(Zb3)
Db3 = (Ab3 - Y_batch) * sigma_prime(Zb3)
Db2 = (W[3].T @ Db3) * sigma_prime(Zb2)
dW2_mean = Db2 @ X_batch.T / m         # = mean over examples of δ² (a¹)ᵀ
dW3_mean = Db3 @ Ab2.T / m

net.zero_grad()
costs = []
for col in range(m):
    out = net(list(X_batch[:, col]))
    costs.append(0.5 * sum((y - a) ** 2 for y, a in zip(Y_batch[:, col], out)))
mean_cost = engine.sum_values(costs) / m
mean_cost.backward()
bp_batch = equations.backprop(W_eq, B_eq, X_batch, Y_batch, act, loss="squared_error")
print("∂C̄/∂W^2 by the batch equations:\n", dW2_mean)
print("by nn.equations.backprop:\n", bp_batch.dW[2])
print("by the engine on the mean cost:\n", np.array(net.weight_grads(2)))

# %% [markdown]
# ## Checks

# %%
for l in (2, 3):
    assert np.allclose(Z[l], z_engine[l], rtol=0, atol=1e-12)
    assert np.allclose(A[l], a_engine[l], rtol=0, atol=1e-12)
    assert np.allclose(Delta[l], delta_engine[l], rtol=1e-10, atol=1e-14)
    assert np.allclose(dW[l], dW_engine[l], rtol=1e-10, atol=1e-14)
    assert np.allclose(db[l], db_engine[l], rtol=1e-10, atol=1e-14)
assert np.isclose(C.data, 0.5 * np.sum((Y - A[3]) ** 2), rtol=1e-12)
# erratum in (2): σ(A) is not Z
assert np.abs(sigma(A[2]) - Z[2]).min() > 0.05
# erratum in (4): no product for the 3-4-2 network, a wrong one for the 3-3-3 network
assert printed_eq4_error is not None and "2×4 matrix by a 2×1 one, which is undefined" in printed_eq4_error
assert np.allclose(with_T, sq.delta(2), rtol=1e-10, atol=1e-14)
assert not np.allclose(as_printed, sq.delta(2), rtol=1e-2, atol=1e-6)
# (5) against central differences
assert np.isclose(fd_w2_13, dW[2][0, 2], rtol=1e-6, atol=1e-10)
# nn.equations agrees with the engine on every quantity
assert all(np.allclose(by_eq, by_engine, rtol=1e-10, atol=1e-14) for _, by_eq, by_engine in rows)
assert np.isclose(bp.cost, C.data, rtol=1e-12)
assert np.allclose(bp_batch.dW[2], dW2_mean, rtol=1e-12) and np.allclose(bp_batch.dW[3], dW3_mean, rtol=1e-12)
assert np.allclose(bp_batch.dB[3][:, 0], net.bias_grads(3), rtol=1e-10, atol=1e-14)
# mini-batch averaging
assert np.allclose(dW2_mean, net.weight_grads(2), rtol=1e-10, atol=1e-14)
assert np.allclose(dW3_mean, net.weight_grads(3), rtol=1e-10, atol=1e-14)
assert np.isclose(mean_cost.data, np.mean(0.5 * np.sum((Y_batch - Ab3) ** 2, axis=0)), rtol=1e-12)
print("all checks passed")
