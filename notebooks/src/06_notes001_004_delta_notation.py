# %% [markdown]
# # 6. Notes 001 and 004: the δ notation and the two weight-index conventions
#
# Both notes define the error of a neuron as the gradient of the loss with respect to its
# pre-activation, $\delta^l_j = \partial L/\partial z^l_j$, and both arrive at the same two rules:
# the gradient of a weight is "δ at its head times the activation at its tail", and δ travels
# backward through the weights and is multiplied by σ'. They only disagree about which index of
# a weight names which end.
#
# | | note 004 (and 000) | note 001 |
# |---|---|---|
# | weight | $w^l_{ij}$: from neuron $j$ of layer $l-1$ to neuron $i$ of layer $l$ | $w_{ij}$: from neuron $i$ of layer $l-1$ to neuron $j$ of layer $l$ |
# | matrix shape | $\mathbf W^l$ is $n_l\times n_{l-1}$ | $\mathbf W^l$ is $n_{l-1}\times n_l$ |
# | forward | $\mathbf z^l = \mathbf W^l \mathbf a^{l-1} + \mathbf b^l$ | $\mathbf z^l = (\mathbf W^l)^{\mathsf T}\mathbf a^{l-1} + \mathbf b^l$ |
# | weight gradient | $\partial\lambda/\partial w^L_{ij} = \delta^L_i a^{L-1}_j$ (3), i.e. $\delta^l(\mathbf a^{l-1})^{\mathsf T}$ | $\partial L/\partial \mathbf W^l = \mathbf a^{l-1}(\delta^l)^{\mathsf T}$ |
# | δ backward | $\delta^{L-1} = (\mathbf W^L)^{\mathsf T}\delta^L\odot\sigma'(\mathbf z^{L-1})$ (7) | $\delta^l = (\mathbf W^{l+1}\delta^{l+1})\circ\sigma'(\mathbf z^l)$ |
#
# The map between them is one transpose: $\mathbf W^l_{(001)} = (\mathbf W^l_{(004)})^{\mathsf T}$.
# Below, one network and one backward pass of the engine, read in both conventions.

# %%
import math

import numpy as np

import engine
from engine import Value
from nn import MLP, errata

np.set_printoptions(precision=5, suppress=True)

def sigma(t):
    return 1.0 / (1.0 + np.exp(-t))

def sigma_prime(t):
    return sigma(t) * (1.0 - sigma(t))

net = MLP(2, [3, 2], activation="sigmoid", seed=7)   # layers 1 (input), 2, 3 = L
net.set_biases(2, [0.1, -0.3, 0.2])
net.set_biases(3, [0.05, -0.05])
x, y = [0.9, -0.6], np.array([0.0, 1.0])
out = net(x)
loss = 0.5 * sum((yj - aj) ** 2 for yj, aj in zip(y, out))      # λ = ½ Σ_j (y_j − a^L_j)²
loss.backward()

W004 = {l: np.array(net.weights(l)) for l in (2, 3)}      # n_l × n_{l−1}
W001 = {l: W004[l].T for l in (2, 3)}                     # n_{l−1} × n_l
z = {l: np.array([n.z.data for n in net.layers[l - 2].neurons]) for l in (2, 3)}
a = {1: np.array(x), **{l: np.array([n.a.data for n in net.layers[l - 2].neurons]) for l in (2, 3)}}
b = {l: np.array(net.biases(l)) for l in (2, 3)}
delta = {l: np.array(net.delta(l)) for l in (2, 3)}        # the engine's ∂λ/∂z^l
grads = {l: np.array(net.weight_grads(l)) for l in (2, 3)} # engine, entry [i][j] = ∂λ/∂w^l_ij in 004's indices
for l in (2, 3):
    print(f"layer {l}: W(004) is {W004[l].shape}, W(001) is {W001[l].shape}")
    print(f"  forward, 004: W a + b = {W004[l] @ a[l-1] + b[l]}")
    print(f"  forward, 001: Wᵀ a + b = {W001[l].T @ a[l-1] + b[l]}")
    print(f"  the engine's z^{l}      = {z[l]}")

# %% [markdown]
# ## δ at the output, note 004 eq. (1)
#
# With $\lambda = \tfrac12\sum_j(y_j - a^L_j)^2$ and $a = \sigma(z)$ the output error is
# $\delta^L = (\mathbf a^L - \mathbf y)\odot\sigma'(\mathbf z^L)$ (note 001's boxed result too).

# %%
delta_L = (a[3] - y) * sigma_prime(z[3])
print("(a − y) ⊙ σ'(z^L) =", delta_L, "  engine δ^L =", delta[3])

# %% [markdown]
# ## The weight gradients in both conventions
#
# Note 004's (3) is the outer product $\delta^L(\mathbf a^{L-1})^{\mathsf T}$, shaped like its
# $\mathbf W^L$; note 001's is $\mathbf a^{l-1}(\delta^l)^{\mathsf T}$, shaped like *its*
# $\mathbf W^l$. They are transposes of each other, and both are the engine's numbers.

# %%
for l in (3, 2):
    g004 = np.outer(delta[l], a[l - 1])
    g001 = np.outer(a[l - 1], delta[l])
    print(f"layer {l}: δ aᵀ (004) =\n{g004}\n a δᵀ (001) =\n{g001}\n engine, 004 indices =\n{grads[l]}\n")
print("∂λ/∂b^L (eq. 4):", np.array(net.bias_grads(3)), "= δ^L")

# %% [markdown]
# One entry in words. Note 004's $w^3_{21}$ (to output neuron 2, from hidden neuron 1) is the
# same wire as note 001's $w_{12}$ in layer 3. Both notes say its gradient is
# $\delta^3_2\,a^2_1$.

# %%
wire = net.layers[1].neurons[1].w[0]                 # to neuron 2 of layer 3, from neuron 1 of layer 2
print(f"engine label {wire.label!r}: W004[3][1,0] = {W004[3][1, 0]:.5f}, W001[3][0,1] = {W001[3][0, 1]:.5f}")
print(f"∂λ/∂w = {wire.grad:.6f};  δ^3_2 a^2_1 = {delta[3][1] * a[2][0]:.6f}")

# %% [markdown]
# ## δ backward: eq. (7) of note 004 and note 001's hidden-layer rule
#
# Same vector, computed in each note's own convention. Each needs its *own* matrix: feeding
# note 004's $\mathbf W$ into note 001's formula (or the reverse) has the wrong shape here
# (note 004's $\mathbf W^3$ is $2\times 3$, and $2\times 3$ times a 2-vector is not defined).

# %%
back_004 = (W004[3].T @ delta[3]) * sigma_prime(z[2])    # (W^L)ᵀ δ^L ⊙ σ'(z^{L−1})
back_001 = (W001[3] @ delta[3]) * sigma_prime(z[2])      # (W^{l+1} δ^{l+1}) ∘ σ'(z^l)
print("004:", back_004, " 001:", back_001, " engine δ^2:", delta[2])
try:
    (W004[3] @ delta[3]) * sigma_prime(z[2])
    mixed_error = None
except ValueError as error:
    mixed_error = str(error)
print("note 001's formula with note 004's W:", mixed_error)

# %% [markdown]
# ### Erratum in note 004: σ or σ'?
#
# The sentence after eq. (7) says the Hadamard product is with "the activation function σ
# applied to each of the weighted sums". The formula is right: it is σ'. With σ the numbers are
# wrong.

# %%
with_sigma = errata.delta_with_sigma_004(W004[3], delta[3], z[2], "sigmoid")   # (W^L)ᵀ δ^L ⊙ σ(z^{L−1})
print("with σ' (the formula):", back_004, "\nwith σ (the sentence):", with_sigma)

# %% [markdown]
# ## Note 001's numeric table, recomputed
#
# Note 001 has a small table with an output column $a^L = (0.3, 0.5, 0.2)$, a target column
# $y = (1, 0, 0)$ and a middle column $(0.5, 0.2, 0)$, which we read as the previous layer's
# activations $\mathbf a^{l-1}$. We take sigmoid outputs (so $z_j = \sigma^{-1}(a_j)$), choose any
# weights and fix the biases so the outputs are exactly the table's, and let the engine compute
# the gradients of $L = \tfrac12\sum_i(y_i - a_i)^2$.

# %%
a_L = [0.3, 0.5, 0.2]
y_table = [1.0, 0.0, 0.0]
a_prev = [0.5, 0.2, 0.0]
rng = np.random.default_rng(1)
V = rng.uniform(-1, 1, size=(3, 3))                  # note 001's w_ij, i = from (l−1), j = to (l)
logit = [math.log(p / (1 - p)) for p in a_L]
Vv = [[Value(V[i, j], f"w_{i+1}{j+1}") for j in range(3)] for i in range(3)]
bias = [Value(logit[j] - sum(V[i, j] * a_prev[i] for i in range(3)), f"b_{j+1}") for j in range(3)]
z_table = [engine.dot([Vv[i][j] for i in range(3)], a_prev, bias[j]) for j in range(3)]
a_table = [zj.sigmoid() for zj in z_table]
L_table = 0.5 * sum((yj - aj) ** 2 for yj, aj in zip(y_table, a_table))
L_table.backward()

aL, yv, ap = np.array(a_L), np.array(y_table), np.array(a_prev)
sp = aL * (1 - aL)                                   # σ'(z_j) = a_j (1 − a_j)
delta_table = (aL - yv) * sp                         # the boxed δ^L = (a − y) ∘ σ'(z)
print("outputs:", np.array([t.data for t in a_table]), "  L =", round(L_table.data, 6))
print("σ'(z) =", sp, "   δ^L = (a − y) ∘ σ'(z) =", delta_table)
print("engine ∂L/∂z =", np.array([t.grad for t in z_table]))
print("a^{l−1} (δ^L)ᵀ =\n", np.outer(ap, delta_table))
print("engine ∂L/∂w_ij =\n", np.array([[Vv[i][j].grad for j in range(3)] for i in range(3)]))
print("∂L/∂b_j = δ_j:", np.array([bj.grad for bj in bias]))

# %% [markdown]
# ### The intermediate lines of note 001, tested on the table
#
# On the way to its (correct) boxed result the note writes $\partial L/\partial a_j = (y_j - a_j)$,
# then $\tfrac12(y_j - a_j)$, and later $(y_j + a_j)\,\sigma'(z_j)$ for δ. Finite differences of
# $L$ with respect to each output decide: only $a_j - y_j$ is the derivative. (Where the target
# $y_j$ is 0, $(y_j + a_j)$ and $(a_j - y_j)$ happen to agree; the output with target 1 exposes
# the sign.) The loss, as first written, $\tfrac12\sum(\hat y - \hat y)^2$, is identically 0 and
# has no gradient at all.

# %%
def L_of_outputs(outputs):
    return 0.5 * sum((yj - aj) ** 2 for yj, aj in zip(y_table, outputs))

dL_da_fd = np.array(engine.numerical_grad(L_of_outputs, a_L))
variants = {
    "a_j − y_j (correct)": aL - yv,
    "y_j − a_j (note)": np.array(errata.output_grad_as_written_001(a_L, y_table)),
    "½ (y_j − a_j) (note)": 0.5 * (yv - aL),
}
for name, value in variants.items():
    print(f"{name:<22} {value}   matches finite differences: {np.allclose(value, dL_da_fd, atol=1e-8)}")
print(f"finite differences     {dL_da_fd}")
print("δ with (y_j + a_j) σ'(z_j):", (yv + aL) * sp, "  correct δ:", delta_table)
print("½ Σ (ŷ − ŷ)² =", 0.5 * sum((v - v) ** 2 for v in a_L))

# %% [markdown]
# ### Softmax at the output
#
# Note 001's forward pass ends with $\hat y = \mathrm{softmax}(z)$, while its δ uses
# $\sigma'(z)$. With a softmax each output depends on every $z_k$, so the elementwise product
# becomes a matrix product with the softmax Jacobian $J = \mathrm{diag}(a) - a a^{\mathsf T}$:
# $\delta^L = J(\mathbf a - \mathbf y)$. The engine builds softmax from `exp`, a sum and
# divisions, and agrees with the Jacobian form, not with $(a-y)\circ a(1-a)$.

# %%
zs = [Value(t) for t in np.log(a_L)]                 # softmax(log a) = a, so the outputs are the table's
exps = [t.exp() for t in zs]
total = engine.sum_values(exps)
soft = [e / total for e in exps]
L_soft = 0.5 * sum((yj - sj) ** 2 for yj, sj in zip(y_table, soft))
L_soft.backward()
J = np.diag(aL) - np.outer(aL, aL)
print("softmax outputs:", np.array([s.data for s in soft]))
print("engine ∂L/∂z:      ", np.array([t.grad for t in zs]))
print("J (a − y):         ", J @ (aL - yv))
print("(a − y) ∘ a(1 − a):", delta_table)

# %% [markdown]
# ## A batch as a matrix, note 001's $\mathbf X$ ($m\times n$)
#
# With examples as rows, $\mathbf A^{[0]} = \mathbf X$ and note 001's layer is
# $\mathbf Z = \mathbf X\mathbf W + \mathbf b$ ($m\times n_l$, one row per example). Row $i$ is the
# engine's $z$ for example $i$.

# %%
X = np.array([[0.9, -0.6], [0.1, 0.4], [-1.0, 0.3], [0.5, 0.5]])
Z_batch = X @ W001[2] + b[2]
rows = []
for example in X:
    net(list(example))
    rows.append([n.z.data for n in net.layers[0].neurons])
print("X W + b =\n", Z_batch, "\nengine, example by example =\n", np.array(rows))

# %% [markdown]
# ## Checks

# %%
for l in (2, 3):
    assert np.allclose(W004[l] @ a[l - 1] + b[l], z[l], atol=1e-12)
    assert np.allclose(W001[l].T @ a[l - 1] + b[l], z[l], atol=1e-12)
    assert np.allclose(np.outer(delta[l], a[l - 1]), grads[l], rtol=1e-12, atol=1e-15)
    assert np.allclose(np.outer(a[l - 1], delta[l]), grads[l].T, rtol=1e-12, atol=1e-15)
assert np.allclose(delta_L, delta[3], rtol=1e-10)
assert np.allclose(net.bias_grads(3), delta[3], rtol=1e-12)
assert math.isclose(wire.grad, delta[3][1] * a[2][0], rel_tol=1e-12) and wire.data == W001[3][0, 1]
assert np.allclose(back_004, delta[2], rtol=1e-10) and np.allclose(back_001, delta[2], rtol=1e-10)
assert mixed_error is not None
assert not np.allclose(with_sigma, delta[2], rtol=0.1)
# note 001's table
assert np.allclose([t.data for t in a_table], a_L, atol=1e-12)
assert math.isclose(L_table.data, 0.39, rel_tol=1e-12)
assert np.allclose([t.grad for t in z_table], delta_table, rtol=1e-10)
assert np.allclose([[Vv[i][j].grad for j in range(3)] for i in range(3)], np.outer(ap, delta_table), rtol=1e-10, atol=1e-15)
assert np.allclose([bj.grad for bj in bias], delta_table, rtol=1e-10)
assert np.allclose(dL_da_fd, aL - yv, atol=1e-8)
assert not np.allclose(yv - aL, dL_da_fd, atol=1e-3) and not np.allclose(0.5 * (yv - aL), dL_da_fd, atol=1e-3)
assert not np.allclose((yv + aL) * sp, delta_table, atol=1e-3)
assert np.allclose(((yv + aL) * sp)[yv == 0], delta_table[yv == 0]) and not np.isclose(((yv + aL) * sp)[0], delta_table[0])
assert np.allclose([t.grad for t in zs], J @ (aL - yv), rtol=1e-10, atol=1e-15)
assert not np.allclose(J @ (aL - yv), delta_table, atol=1e-3)
assert np.allclose(Z_batch, rows, atol=1e-12)
print("all checks passed")
