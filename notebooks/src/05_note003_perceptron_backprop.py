# %% [markdown]
# # 5. Note 003: the perceptron, then backpropagation one example at a time
#
# ## Part 1: the perceptron
#
# Points $x_i\in\mathbb R^d$ with labels $y_i\in\{-1,+1\}$; the perceptron predicts the sign of
# $w^{\mathsf T}x + b$. The note measures how well a point is classified by
# $d_i = y_i(w^{\mathsf T}x_i + b)$ (positive when it is on the right side) and minimises
#
# $$\mathrm{error}(w,b) = -\sum_{i\in M} y_i\,(w^{\mathsf T}x_i + b)$$
#
# over the set $M$ of misclassified points. Differentiating,
#
# $$\frac{\partial\,\mathrm{error}}{\partial w} = -\sum_{M} y_i x_i,\qquad
#   \frac{\partial\,\mathrm{error}}{\partial b} = -\sum_{M} y_i ,$$
#
# so a gradient step on one misclassified point is $w \leftarrow w + \eta\,y_i x_i$,
# $b \leftarrow b + \eta\,y_i$. **The slides drop the minus sign** (they write the gradient as
# $\sum_M y_i x_i$) and print the update as $w - q\,y_i x_i$, $b - q\,x_i$. We check the sign
# with the engine, then watch both updates train.

# %%
import math

import numpy as np

import engine
from engine import Value
from nn import MLP, Perceptron, perceptron_update
from nn.datasets import blobs, signed, xor

np.set_printoptions(precision=5, suppress=True)

# %% [markdown]
# ### The gradient of error(w, b), by the engine
#
# A few points and a poor starting line. The engine differentiates the perceptron criterion over
# the misclassified points; compare with $-\sum_M y_i x_i$ and with the slide's $+\sum_M y_i x_i$.

# %%
X_few = [[2.0, 1.0], [1.0, 3.0], [-1.0, -2.0], [-2.0, 0.5], [0.5, -1.5]]
y_few = [1.0, 1.0, -1.0, -1.0, -1.0]
w = [Value(-0.5, "w1"), Value(0.2, "w2")]
b = Value(0.3, "b")

scores = [engine.dot(w, x, b) for x in X_few]
d = [yi * s.data for yi, s in zip(y_few, scores)]
M = [i for i, di in enumerate(d) if di <= 0]
print("d_i = y_i (wᵀx_i + b):", np.array(d), "  misclassified:", M)
error = -engine.sum_values([y_few[i] * scores[i] for i in M])
error.backward()
correct_grad = [-sum(y_few[i] * X_few[i][k] for i in M) for k in range(2)]
slide_grad = [sum(y_few[i] * X_few[i][k] for i in M) for k in range(2)]
print(f"error(w, b) = {error.data:.4f}")
print("engine ∂error/∂w =", [wk.grad for wk in w], " ∂error/∂b =", b.grad)
print("−Σ_M y_i x_i      =", correct_grad, "  −Σ_M y_i =", -sum(y_few[i] for i in M))
print("slide: Σ_M y_i x_i =", slide_grad)

# %% [markdown]
# Note also the slide's "$d_i \ge 0$": it holds only for the correctly classified points; the
# misclassified ones above have $d_i \le 0$, which is exactly why $-\sum_M d_i \ge 0$ is a
# sensible error.
#
# ### One update on one misclassified point
#
# The corrected rule raises that point's $d_i$ by $\eta(\lVert x_i\rVert^2 + 1)$; the printed
# rule (sign flipped) lowers it by the same amount: it pushes the point further to the wrong side.
# (The printed $b - q\,x_i$ subtracts a vector from a number; we read it as $b - q\,y_i$, the same
# sign slip as for $w$.)

# %%
from nn.errata import perceptron_update_as_printed as update_as_printed   # w − η y x, b − η y


i = M[0]
w0, b0, xi, yi = [wk.data for wk in w], b.data, X_few[i], y_few[i]
def margin(w_, b_):
    return yi * (sum(wk * xk for wk, xk in zip(w_, xi)) + b_)
for name, rule in (("corrected", perceptron_update), ("as printed", update_as_printed)):
    w1, b1 = rule(w0, b0, xi, yi, 1.0)
    print(f"{name:>10}: d_{i} goes from {margin(w0, b0):+.3f} to {margin(w1, b1):+.3f}")
one_step = {name: margin(*rule(w0, b0, xi, yi, 1.0)) - margin(w0, b0)
            for name, rule in (("corrected", perceptron_update), ("as printed", update_as_printed))}

# %% [markdown]
# ### Training on separable data, with each rule
#
# Two well separated blobs around (1, 1) and (3, 3): the separating line needs a bias, and the
# small random starting weights get many points wrong. `nn.Perceptron.fit` sweeps the data and applies the rule to every
# misclassified point, until a sweep makes no mistake; `update=` swaps in the printed rule.

# %%
X_sep, y01 = blobs(n=60, centers=[[1.0, 1.0], [3.0, 3.0]], std=0.4, seed=3)
y_sep = signed(y01)
good = Perceptron(2, seed=0)
good.fit(X_sep, y_sep, lr=1.0, max_epochs=50)
bad = Perceptron(2, seed=0)
bad.fit(X_sep, y_sep, lr=1.0, max_epochs=50, update=update_as_printed)
print(f"corrected rule: converged={good.converged} after {good.epochs} sweeps, mistakes per sweep {good.mistakes}")
print(f"printed rule:   converged={bad.converged} after {bad.epochs} sweeps, mistakes in the last 5 sweeps {bad.mistakes[-5:]}")
acc_good = np.mean([good.predict(x) == t for x, t in zip(X_sep, y_sep)])
acc_bad = np.mean([bad.predict(x) == t for x, t in zip(X_sep, y_sep)])
print(f"training accuracy: corrected {acc_good:.2f}, printed {acc_bad:.2f}")

# %% [markdown]
# ### XOR: no line separates it
#
# The four corners of the unit square labelled by XOR. Whatever the rule does, every sweep makes
# at least one mistake: a single perceptron cannot represent XOR. That is the note's motivation
# for stacking perceptrons into a network.

# %%
X_xor, y_xor01 = xor()
y_xor = signed(y_xor01)
p_xor = Perceptron(2, seed=0)
p_xor.fit(X_xor, y_xor, lr=1.0, max_epochs=100)
print(f"XOR: converged={p_xor.converged} after {p_xor.epochs} sweeps; fewest mistakes in a sweep: {min(p_xor.mistakes)}")

# %% [markdown]
# ## Part 2: backpropagation with $C_0 = (y - y')^2$, one example at a time
#
# Note 003 switches letters: $a_i = \sum_l u_{il} z_l$ is the **pre-activation** of unit $i$ and
# $z_i = \sigma(a_i)$ its **activation** (the reverse of notes 000 and 004). $u_{il}$ is the weight
# from unit $l$ into unit $i$, $y'$ the network's output $z_k$ and $\delta_i = \partial C_0/\partial a_i$:
#
# $$\delta_k = -2(y - y')\,\sigma'(a_k),\qquad
#   \delta_i = \sigma'(a_i)\sum_j \delta_j u_{ji},\qquad
#   \frac{\partial C_0}{\partial u_{il}} = \delta_i z_l .$$
#
# deltagrad's `nn` uses the 000/004 letters, so below `neuron.z` is note 003's $a_i$ and
# `neuron.a` is its $z_i$. Biases are weights $u_{i0}$ from a unit with $z_0 = 1$.

# %%
def s(t):
    return 1.0 / (1.0 + np.exp(-t))

def s_prime(t):
    return s(t) * (1.0 - s(t))

net = MLP(2, [3, 1], activation="sigmoid", seed=0)
x_k, y_k = X_xor[1], float(y_xor01[1])                       # the example (0, 1) → 1
y_prime = net(x_k)[0]
C0 = (y_k - y_prime) ** 2
C0.backward()

hidden, output = net.layers[0].neurons, net.layers[1].neurons[0]
a_hidden = np.array([n.z.data for n in hidden])              # note 003's a_i
z_hidden = np.array([n.a.data for n in hidden])              # note 003's z_i
a_k = output.z.data
U_out = np.array(net.weights(3))[0]                          # u_ki, hidden → output
U_hid = np.array(net.weights(2))                             # u_il, input → hidden

delta_k = -2 * (y_k - y_prime.data) * s_prime(a_k)
delta_i = s_prime(a_hidden) * (delta_k * U_out)              # Σ_j δ_j u_ji has one term j = k
print(f"y' = {y_prime.data:.6f}, C0 = {C0.data:.6f}")
print(f"δ_k = −2(y − y')σ'(a_k) = {delta_k:+.6f};  engine ∂C0/∂a_k = {output.z.grad:+.6f}")
print("δ_i = σ'(a_i) Σ_j δ_j u_ji =", delta_i, "\nengine ∂C0/∂a_i           =", np.array([n.z.grad for n in hidden]))
print("∂C0/∂u_il = δ_i z_l (z_l = inputs):\n", np.outer(delta_i, x_k), "\nengine:\n", np.array(net.weight_grads(2)))
print("∂C0/∂u_ki = δ_k z_i:", delta_k * z_hidden, " engine:", np.array(net.weight_grads(3))[0])

# %% [markdown]
# ### The algorithm on the last slide, twice
#
# "For each $x_k$: feed forward, compute $\delta_k$, then every $\delta_i$, then
# $\partial C_0/\partial u_{il} = \delta_i z_l$, then $u_{il} \leftarrow u_{il} - \eta\,\partial C_0/\partial u_{il}$."
# Once with NumPy and the note's formulas, once with the engine's `backward()`, from the same
# small random weights: the two runs must produce the same weights, and the network learns XOR,
# which the perceptron could not.

# %%
eta, epochs = 2.0, 600
by_hand = MLP(2, [3, 1], activation="sigmoid", seed=0)
U2, c2 = np.array(by_hand.weights(2)), np.array(by_hand.biases(2))
U3, c3 = np.array(by_hand.weights(3))[0], by_hand.biases(3)[0]
for _ in range(epochs):
    for x, t in zip(X_xor, y_xor01):
        a_h = U2 @ np.array(x) + c2                      # feedforward
        z_h = s(a_h)
        a_o = U3 @ z_h + c3
        y_out = s(a_o)
        d_k = -2 * (t - y_out) * s_prime(a_o)            # δ_k
        d_i = s_prime(a_h) * (d_k * U3)                  # δ_i
        U3, c3 = U3 - eta * d_k * z_h, c3 - eta * d_k    # ∂C0/∂u = δ z
        U2, c2 = U2 - eta * np.outer(d_i, x), c2 - eta * d_i

with_engine = MLP(2, [3, 1], activation="sigmoid", seed=0)
for _ in range(epochs):
    for x, t in zip(X_xor, y_xor01):
        loss = (t - with_engine(x)[0]) ** 2
        with_engine.zero_grad()
        loss.backward()
        for p in with_engine.parameters():
            p.data -= eta * p.grad

predictions = [with_engine(x)[0].data for x in X_xor]
print("largest weight difference, NumPy vs engine:", np.abs(U2 - np.array(with_engine.weights(2))).max())
print("XOR outputs after training:", np.round(predictions, 3), " targets:", y_xor01)

# %% [markdown]
# ## Erratum: gradient descent is non-increasing only for small steps
#
# The note says the values of $f$ never increase under $w \leftarrow w - q\nabla f$. That needs
# $q$ small enough. On $f(w) = w^2$ (gradient $2w$) a step multiplies $w$ by $1 - 2q$: with
# $q = 0.1$ the values fall, with $q = 1.1$ they grow. The same happens to the network: one
# full-batch step on the mean of $C_0$ over the four XOR points lowers it with η = 5 and raises
# it with η = 50.

# %%
def descend(q, w=1.0, steps=5):
    values = [w * w]
    for _ in range(steps):
        w = w - q * 2 * w
        values.append(w * w)
    return values

small, large = descend(0.1), descend(1.1)
print("q = 0.1:", np.round(small, 4))
print("q = 1.1:", np.round(large, 4))

def batch_step(eta):
    """Mean C0 over the XOR points before and after one gradient step of size eta."""
    probe = MLP(2, [3, 1], activation="sigmoid", seed=0)
    def mean_cost():
        return engine.sum_values([(t - probe(x)[0]) ** 2 for x, t in zip(X_xor, y_xor01)]) / len(X_xor)
    before = mean_cost()
    before.backward()
    for p in probe.parameters():
        p.data -= eta * p.grad
    return before.data, mean_cost().data

steps = {eta: batch_step(eta) for eta in (5.0, 50.0)}
for eta, (c_before, c_after) in steps.items():
    print(f"network, one step with η = {eta:g}: mean C0 {c_before:.5f} → {c_after:.5f}")

# %% [markdown]
# ## Checks

# %%
assert M and all(d[i] <= 0 for i in M) and all(d[i] > 0 for i in range(len(d)) if i not in M)
assert np.allclose([wk.grad for wk in w], correct_grad, rtol=1e-12)
assert math.isclose(b.grad, -sum(y_few[i] for i in M), rel_tol=1e-12)
assert not np.allclose(slide_grad, correct_grad)
norm = sum(t * t for t in xi) + 1
assert math.isclose(one_step["corrected"], norm, rel_tol=1e-12) and math.isclose(one_step["as printed"], -norm, rel_tol=1e-12)
assert good.converged and good.mistakes[0] > 0 and good.mistakes[-1] == 0 and acc_good == 1.0
assert not bad.converged and bad.epochs == 50 and min(bad.mistakes) > 0 and acc_bad < 1.0
assert not p_xor.converged and min(p_xor.mistakes) >= 1
assert math.isclose(output.z.grad, delta_k, rel_tol=1e-12)
assert np.allclose([n.z.grad for n in hidden], delta_i, rtol=1e-10, atol=1e-15)
assert np.allclose(net.weight_grads(2), np.outer(delta_i, x_k), rtol=1e-10, atol=1e-15)
assert np.allclose(np.array(net.weight_grads(3))[0], delta_k * z_hidden, rtol=1e-10)
assert np.allclose(U2, with_engine.weights(2), atol=1e-9) and np.allclose(U3, with_engine.weights(3)[0], atol=1e-9)
assert all((p > 0.5) == bool(t) for p, t in zip(predictions, y_xor01))
assert all(b_ < a_ for a_, b_ in zip(small, small[1:])) and all(b_ > a_ for a_, b_ in zip(large, large[1:]))
assert steps[5.0][1] < steps[5.0][0] and steps[50.0][1] > steps[50.0][0]
print("all checks passed")
