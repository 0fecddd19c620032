# %% [markdown]
# # 2. The chain rule on one neuron
#
# One sigmoid neuron with two inputs and the squared-error loss of one example:
#
# $$z = w_1 x_1 + w_2 x_2 + b,\qquad a = \sigma(z),\qquad L = \tfrac12 (a - y)^2 .$$
#
# Here $z$ is the pre-activation and $a$ the activation, as in notes 000 and 004. The loss depends
# on $w_1$ only through $z$ and then $a$, so the chain rule multiplies one local derivative per link:
#
# $$\frac{\partial L}{\partial w_1}
#   = \underbrace{\frac{\partial L}{\partial a}}_{a - y}\;
#     \underbrace{\frac{\partial a}{\partial z}}_{\sigma(z)(1-\sigma(z))}\;
#     \underbrace{\frac{\partial z}{\partial w_1}}_{x_1}.$$
#
# The first two factors do not depend on which weight we ask about. Their product is the neuron's
# **error** $\delta = \partial L/\partial z$, and then simply
# $\partial L/\partial w_i = \delta\, x_i$ and $\partial L/\partial b = \delta$.
#
# We compute these three numbers three ways: by hand with plain floats, with deltagrad's engine,
# and by finite differences (nudging each weight and watching the loss).

# %%
import math

import engine
from engine import Value

x1, x2 = 0.5, -1.5      # the example's inputs
w1, w2, b = 0.8, -0.4, 0.1
y = 1.0                  # its target

# %% [markdown]
# ## By hand
#
# Forward pass first, then the three factors of the chain rule, then $\delta$ times whatever
# multiplies each parameter in $z$.

# %%
def sigma(t):
    return 1.0 / (1.0 + math.exp(-t))

z = w1 * x1 + w2 * x2 + b
a = sigma(z)
L = 0.5 * (a - y) ** 2

dL_da = a - y
da_dz = a * (1 - a)              # σ'(z) = σ(z)(1 − σ(z))
delta = dL_da * da_dz            # δ = ∂L/∂z
hand = {"w1": delta * x1, "w2": delta * x2, "b": delta * 1.0}

print(f"z = {z:.6f}   a = σ(z) = {a:.6f}   L = {L:.6f}")
print(f"∂L/∂a = a − y = {dL_da:.6f}   ∂a/∂z = σ'(z) = {da_dz:.6f}   δ = {delta:.6f}")
for name, g in hand.items():
    print(f"∂L/∂{name} = {g:+.6f}")

# %% [markdown]
# ## By the engine
#
# The same expression built from `Value`s. Every operation stores its local derivatives
# (`local_grads`) when it runs forward; `backward()` multiplies them along every path from the
# loss back to each input. We label the nodes with the names used above.

# %%
W1, W2, B = Value(w1, "w1"), Value(w2, "w2"), Value(b, "b")
X1, X2 = Value(x1, "x1"), Value(x2, "x2")

P1, P2 = W1 * X1, W2 * X2
P1.label, P2.label = "w1·x1", "w2·x2"
S = P1 + P2
S.label = "w1·x1+w2·x2"
Z = S + B
Z.label = "z"
A = Z.sigmoid()
A.label = "a"
E = A - y
E.label = "a−y"
Q = E ** 2
Q.label = "(a−y)²"
Lv = 0.5 * Q
Lv.label = "L"
Lv.backward()

print(f"engine: z = {Z.data:.6f}, a = {A.data:.6f}, L = {Lv.data:.6f}")
print(f"engine: δ = Z.grad = {Z.grad:.6f}")
for v in (W1, W2, B):
    print(f"engine: ∂L/∂{v.label} = {v.grad:+.6f}   by hand: {hand[v.label]:+.6f}")

# %% [markdown]
# ## One chain-rule application at a time
#
# `engine.backward_steps` runs the very same loop but stops at each edge of the graph and reports
# it: the *upstream* gradient of the node (∂L/∂node, already complete), the *local* derivative
# ∂node/∂parent, and their product, the *contribution* added into the parent's gradient.
#
# Like `backward()`, it *adds* into the leaves (that is how a parameter used by many examples
# collects all its gradient), so we zero the leaves first: otherwise we would count twice.

# %%
engine.zero_grad([v for v in engine.topo_order(Lv) if v.is_leaf])

def name(v):
    return v.label or (f"const {v.data:g}" if v.op == "const" else v.op)

steps = list(engine.backward_steps(Lv))
for s in steps:
    print(f"{s.index:2d}. ∂L/∂{name(s.parent):<12} += {s.local:+.5f} × {s.upstream:+.5f} "
          f"= {s.contribution:+.5f}  → {s.parent_grad:+.5f}")

# %% [markdown]
# The step into `z` multiplies σ'(z) (the local derivative of the sigmoid node) by ∂L/∂a: that
# product is δ. After it, every parameter's gradient is δ times the matching input.

# %%
into_z = [s for s in steps if s.parent is Z]
print(f"local σ'(z) = {into_z[0].local:.6f}, upstream ∂L/∂a = {into_z[0].upstream:.6f}, "
      f"contribution = δ = {into_z[0].contribution:.6f}")

# %% [markdown]
# ## The same neuron with one `dot` node
#
# `engine.dot(weights, inputs, bias)` makes $z = \sum_k w_k x_k + b$ a single node whose local
# derivatives are exactly the notes' $\partial z/\partial w_k = x_k$, $\partial z/\partial x_k = w_k$
# and $\partial z/\partial b = 1$.

# %%
W1b, W2b, Bb = Value(w1, "w1"), Value(w2, "w2"), Value(b, "b")
Zd = engine.dot([W1b, W2b], [x1, x2], Bb)
print("parents:", [name(p) for p in Zd.parents])
print("local_grads:", Zd.local_grads)
Ld = 0.5 * (Zd.sigmoid() - y) ** 2
Ld.backward()
print("∂L/∂w1, ∂L/∂w2, ∂L/∂b =", W1b.grad, W2b.grad, Bb.grad)

# %% [markdown]
# ## Finite differences
#
# If the chain rule is right, nudging $w_1$ by a tiny $\varepsilon$ up and down should change $L$
# by about $2\varepsilon\,\partial L/\partial w_1$:
# $\partial L/\partial w_1 \approx \frac{L(w_1+\varepsilon) - L(w_1-\varepsilon)}{2\varepsilon}$.
# `engine.numerical_grad` does that for each input, and `engine.gradcheck` compares it with
# `backward()`.

# %%
def loss(params):
    p1, p2, pb = params
    return 0.5 * ((p1 * x1 + p2 * x2 + pb).sigmoid() - y) ** 2

numeric = engine.numerical_grad(loss, [w1, w2, b])
for n, g in zip(hand, numeric):
    print(f"finite difference ∂L/∂{n} = {g:+.6f}")
print("gradcheck:", engine.gradcheck(loss, [w1, w2, b]))

# %% [markdown]
# ## When a value is used twice, the paths add
#
# Feed the same input into the neuron twice, $z = w_1 x + w_2 x + b$. There are now two paths
# from $L$ to $x$, and the chain rule sums them: $\partial L/\partial x = \delta (w_1 + w_2)$.
# The stepper shows the two contributions (`term 1 of 2`, `term 2 of 2`).

# %%
X = Value(x1, "x")
W1c, W2c, Bc = Value(w1, "w1"), Value(w2, "w2"), Value(b, "b")
Zc = W1c * X + W2c * X + Bc
Lc = 0.5 * (Zc.sigmoid() - y) ** 2
into_x = [s for s in engine.backward_steps(Lc) if s.parent is X]
for s in into_x:
    print(f"term {s.term} of {s.terms}: {s.local:+.3f} × {s.upstream:+.6f} = {s.contribution:+.6f}")
zc = w1 * x1 + w2 * x1 + b
delta_c = (sigma(zc) - y) * sigma(zc) * (1 - sigma(zc))
print(f"∂L/∂x = {X.grad:+.6f};  δ (w1 + w2) = {delta_c * (w1 + w2):+.6f}")

# %% [markdown]
# ## Checks
#
# Every number above, checked: the engine equals the hand computation, the finite differences
# agree to about 1e-8, each gradient is the sum of the contributions the stepper reported, and
# the fan-out really produced two terms.

# %%
assert math.isclose(Z.data, z, rel_tol=1e-12) and math.isclose(Lv.data, L, rel_tol=1e-12)
assert math.isclose(Z.grad, delta, rel_tol=1e-12)
for v in (W1, W2, B):
    assert math.isclose(v.grad, hand[v.label], rel_tol=1e-12), v
for v, xi in ((W1, x1), (W2, x2), (B, 1.0)):
    assert math.isclose(v.grad, Z.grad * xi, rel_tol=1e-12)   # ∂L/∂w_i = δ x_i
assert Zd.local_grads == (x1, x2, w1, w2, 1.0)
assert all(math.isclose(g, h, rel_tol=1e-12) for g, h in zip((W1b.grad, W2b.grad, Bb.grad), hand.values()))
assert all(math.isclose(g, h, rel_tol=1e-6, abs_tol=1e-9) for g, h in zip(numeric, hand.values()))
assert math.isclose(into_z[0].contribution, delta, rel_tol=1e-12)
assert math.isclose(into_z[0].local, a * (1 - a), rel_tol=1e-12)
for v in (W1, W2, B, X1, X2, P1, P2, S, Z, A, E, Q):
    assert math.isclose(sum(s.contribution for s in steps if s.parent is v), v.grad, rel_tol=1e-12, abs_tol=1e-15)
assert len(steps) == sum(len(v.parents) for v in engine.topo_order(Lv))
assert [s.terms for s in into_x] == [2, 2] and math.isclose(X.grad, delta_c * (w1 + w2), rel_tol=1e-12)
print("all checks passed")
