# %% [markdown]
# # 4. Note 002: binary cross-entropy, one sigmoid unit, then two layers without biases
#
# Note 002 writes the prediction as $y^*$, the target as $y\in\{0,1\}$, the learning rate as ξ,
# the activation as $\mathcal A$ (here the sigmoid) and, in the 2-layer network, the hidden
# *activations* as $z_i$ (not pre-activations, as in notes 000 and 004). The loss is binary
# cross-entropy,
#
# $$L = -y\log y^* - (1-y)\log(1-y^*).$$
#
# Its three results, which we reproduce with real numbers:
#
# 1. one sigmoid unit $y^* = \mathcal A(\mathbf w^{\mathsf T}\mathbf x)$:
#    $\partial L/\partial w_i = (y^* - y)\,x_i$;
# 2. two layers without biases, $z_i = \mathcal A(\sum_j w^{(1)}_{ji}x_j)$ and
#    $y^* = \mathcal A(\sum_i w^{(2)}_{i1} z_i)$: with $\delta^{(2)} = y^* - y$ and
#    $\delta^{(1)}_i = \delta^{(2)} w^{(2)}_{i1} z_i(1-z_i)$,
#    $\partial L/\partial w^{(2)}_{i1} = \delta^{(2)} z_i$ and
#    $\partial L/\partial w^{(1)}_{ji} = \delta^{(1)}_i x_j$;
# 3. with a third layer the gradient of a first-layer weight is a **sum over paths**.
#
# The δ's here are gradients with respect to the *pre-activations* (the arguments of
# $\mathcal A$), which the note calls $\mathbf v$: $\delta^{(2)} = \partial L/\partial v^{(2)}_1$
# and $\delta^{(1)}_i = \partial L/\partial v^{(1)}_i$. The engine reports exactly those as the
# gradients of the nodes that feed each sigmoid.

# %%
import math

import numpy as np
import sympy as sp

import engine
from engine import Value

np.set_printoptions(precision=6, suppress=True)

def sigmoid(t):
    return 1.0 / (1.0 + math.exp(-t))

def bce(y_star, y):
    """L = −y log y* − (1 − y) log(1 − y*), built from engine nodes."""
    return -y * y_star.log() - (1 - y) * (1 - y_star).log()

# %% [markdown]
# ## Why BCE and the sigmoid give δ = y* − y
#
# The note cancels $y^*(1-y^*)$ by hand. SymPy does the same algebra: differentiate $L$ with
# respect to the pre-activation $v$ where $y^* = \mathcal A(v)$, and simplify.

# %%
v, y_sym = sp.symbols("v y", real=True)
y_star_sym = 1 / (1 + sp.exp(-v))
L_sym = -y_sym * sp.log(y_star_sym) - (1 - y_sym) * sp.log(1 - y_star_sym)
dL_dv = sp.simplify(sp.diff(L_sym, v) - (y_star_sym - y_sym))
print("∂L/∂v − (y* − y) simplifies to", dL_dv)

# %% [markdown]
# ## 1. One sigmoid unit
#
# Three inputs, no bias, one example with target $y = 1$. The gradient of every weight is the
# prediction error times its input.

# %%
x = [0.8, -1.2, 0.5]
y = 1.0
w = [Value(0.3, "w1"), Value(-0.6, "w2"), Value(0.9, "w3")]
v1 = engine.dot(w, x)                 # wᵀx, one node, no bias
y_star = v1.sigmoid()
L1 = bce(y_star, y)
L1.backward()
closed_form = [(y_star.data - y) * xi for xi in x]
print(f"y* = {y_star.data:.6f}, L = {L1.data:.6f}, ∂L/∂(wᵀx) = {v1.grad:.6f}, y* − y = {y_star.data - y:.6f}")
for wi, cf in zip(w, closed_form):
    print(f"∂L/∂{wi.label}: engine {wi.grad:+.6f}   (y* − y) x_i = {cf:+.6f}")

# %% [markdown]
# The note's update $\mathbf w := \mathbf w - \xi\,(y^* - y)\,\mathbf x$ with ξ = 0.5: the loss
# of this example goes down.

# %%
xi_rate = 0.5
w_new = [wi.data - xi_rate * (y_star.data - y) * x_k for wi, x_k in zip(w, x)]
y_star_new = sigmoid(sum(wk * x_k for wk, x_k in zip(w_new, x)))
L1_new = -y * math.log(y_star_new) - (1 - y) * math.log(1 - y_star_new)
print(f"loss before {L1.data:.6f}, after one step {L1_new:.6f}")

# %% [markdown]
# ## 2. Two layers, sigmoid everywhere, no biases
#
# Two inputs, two hidden units, one output, as on the slides. $w^{(1)}_{ji}$ goes from input $j$
# to hidden unit $i$ (so $\mathbf w^{(1)}$ is $D\times H$ and the hidden pre-activations are
# $(\mathbf w^{(1)})^{\mathsf T}\mathbf x$), and $w^{(2)}_{i1}$ from hidden unit $i$ to the output.

# %%
x = [0.6, -0.4]
y = 0.0
W1 = [[Value(0.5, "w1_11"), Value(-0.3, "w1_12")],    # row j = input, column i = hidden unit
      [Value(0.8, "w1_21"), Value(0.2, "w1_22")]]
W2 = [Value(0.7, "w2_11"), Value(-1.1, "w2_21")]

v_hidden = [engine.dot([W1[0][i], W1[1][i]], x) for i in range(2)]   # v^(1)_i = Σ_j w_ji x_j
z = [vi.sigmoid() for vi in v_hidden]                              # z_i: hidden activations
v_out = engine.dot(W2, z)                                           # v^(2)_1 = Σ_i w_i1 z_i
y_star = v_out.sigmoid()
L2 = bce(y_star, y)
L2.backward()

delta2 = y_star.data - y
delta1 = [delta2 * W2[i].data * z[i].data * (1 - z[i].data) for i in range(2)]
print(f"y* = {y_star.data:.6f}, L = {L2.data:.6f}")
print(f"δ^(2) = y* − y = {delta2:+.6f};  engine ∂L/∂v^(2) = {v_out.grad:+.6f}")
for i in range(2):
    print(f"δ^(1)_{i+1} = δ^(2) w^(2)_{i+1}1 z_{i+1}(1 − z_{i+1}) = {delta1[i]:+.6f};  "
          f"engine ∂L/∂v^(1)_{i+1} = {v_hidden[i].grad:+.6f}")
for i in range(2):
    print(f"∂L/∂w^(2)_{i+1}1: engine {W2[i].grad:+.6f}   δ^(2) z_{i+1} = {delta2 * z[i].data:+.6f}")
for j in range(2):
    for i in range(2):
        print(f"∂L/∂w^(1)_{j+1}{i+1}: engine {W1[j][i].grad:+.6f}   δ^(1)_{i+1} x_{j+1} = {delta1[i] * x[j]:+.6f}")

# %% [markdown]
# ### The vector form
#
# The last slide stacks these: $\mathbf u^{(1)} = \mathbf x$, $\mathbf u^{(2)} = \mathbf z$,
# $\delta^{(1)} = (\delta^{(2)}(\mathbf w^{(2)})^{\mathsf T})\odot\mathcal Z$ with
# $\mathcal Z = [z_1(1-z_1),\dots,z_H(1-z_H)]$, and the weight updates use
# $\mathbf u^{(1)}\delta^{(1)}$ (an outer product, $D\times H$ like $\mathbf w^{(1)}$) and
# $\mathbf u^{(2)}\delta^{(2)}$.

# %%
u1 = np.array(x)
u2 = np.array([zi.data for zi in z])
w2 = np.array([wi.data for wi in W2])
Zcal = u2 * (1 - u2)
delta1_vec = (delta2 * w2) * Zcal
grad_w1_vec = np.outer(u1, delta1_vec)
grad_w2_vec = u2 * delta2
grad_w1_engine = np.array([[W1[j][i].grad for i in range(2)] for j in range(2)])
print("u^(1) δ^(1) =\n", grad_w1_vec, "\nengine ∂L/∂w^(1) =\n", grad_w1_engine)
print("u^(2) δ^(2) =", grad_w2_vec, " engine:", np.array([wi.grad for wi in W2]))

# %% [markdown]
# And central differences on all six weights, independent of both the engine's backward pass and
# the note's algebra.

# %%
def two_layer_loss(ws):
    a11, a12, a21, a22, b1, b2 = ws
    hidden = [engine.dot([a11, a21], x).sigmoid(), engine.dot([a12, a22], x).sigmoid()]
    return bce(engine.dot([b1, b2], hidden).sigmoid(), y)

fd_two_layer = engine.numerical_grad(two_layer_loss, [W1[0][0].data, W1[0][1].data, W1[1][0].data,
                                                      W1[1][1].data, W2[0].data, W2[1].data])
formula_two_layer = [delta1[0] * x[0], delta1[1] * x[0], delta1[0] * x[1], delta1[1] * x[1],
                     delta2 * z[0].data, delta2 * z[1].data]
print("finite differences:", np.array(fd_two_layer))
print("note 002's formulas:", np.array(formula_two_layer))

# %% [markdown]
# ## 3. Three layers: the sum over paths
#
# Add a second hidden layer. The slide's example is the first-layer weight $w^{(1)}_{22}$
# (input 2 → first-layer unit 2). It changes only $z^{(1)}_2$, but $z^{(1)}_2$ feeds *both*
# second-layer units, so two routes lead from $w^{(1)}_{22}$ to $y^*$, and the chain rule adds
# one product per route:
#
# $$\frac{\partial L}{\partial w^{(1)}_{22}} = \sum_{k=1}^{2}
#   \frac{\partial L}{\partial y^*}\frac{\partial y^*}{\partial z^{(2)}_k}
#   \frac{\partial z^{(2)}_k}{\partial z^{(1)}_2}\frac{\partial z^{(1)}_2}{\partial w^{(1)}_{22}} .$$
#
# (The slide writes the second route through $z^{(1)}_1$; but $z^{(1)}_1$ does not depend on
# $w^{(1)}_{22}$ at all: that factor is 0. Both routes pass through $z^{(1)}_2$ and split after it.)
#
# We build the network and then enumerate every path in the engine's graph from $L$ down to
# $w^{(1)}_{22}$, multiplying the stored local derivatives along each one. Paths are listed
# with an explicit stack: no recursion. The graph has twice as many paths as the slide has
# routes: $L$ uses $y^*$ twice (in $\log y^*$ and in $\log(1-y^*)$), so each route appears once
# per use, and we add the paths up by the second-layer unit they pass through.

# %%
x = [0.6, -0.4]
y = 1.0
Wa = [[Value(0.5, "w1_11"), Value(-0.3, "w1_12")], [Value(0.8, "w1_21"), Value(0.2, "w1_22")]]
Wb = [[Value(0.4, "w2_11"), Value(0.9, "w2_12")], [Value(-0.7, "w2_21"), Value(0.6, "w2_22")]]
Wc = [Value(1.2, "w3_11"), Value(-0.5, "w3_21")]
target = Wa[1][1]                                  # w^(1)_22

z1 = [engine.dot([Wa[0][i], Wa[1][i]], x).sigmoid() for i in range(2)]
for i, zi in enumerate(z1):
    zi.label = f"z(1)_{i+1}"
z2 = [engine.dot([Wb[0][k], Wb[1][k]], z1).sigmoid() for k in range(2)]
for k, zk in enumerate(z2):
    zk.label = f"z(2)_{k+1}"
y_star3 = engine.dot(Wc, z2).sigmoid()
y_star3.label = "y*"
L3 = bce(y_star3, y)
L3.backward()

def paths_to(root, leaf):
    """Every path root → ... → leaf as a list of (node, parent, local) edges (iterative DFS)."""
    found, stack = [], [(root, [])]
    while stack:
        node, path = stack.pop()
        if node is leaf:
            found.append(path)
            continue
        for parent, local in zip(node.parents, node.local_grads):
            stack.append((parent, path + [(node, parent, local)]))
    return found

paths = paths_to(L3, target)
by_route = {}
for path in paths:
    product = math.prod(local for _, _, local in path)
    route = next(p.label for _, p, _ in path if p.label.startswith("z(2)"))
    by_route[route] = by_route.get(route, 0.0) + product
print(f"{len(paths)} paths from L to w^(1)_22 in the graph")
for route, total in sorted(by_route.items()):
    print(f"  through {route}: {total:+.8f}")
print(f"sum over paths = {sum(by_route.values()):+.8f};  engine ∂L/∂w^(1)_22 = {target.grad:+.8f}")
print(f"∂z(1)_1/∂w^(1)_22 = {len(paths_to(z1[0], target))} paths, so 0: the slide's red route is empty")

# %% [markdown]
# The route products in closed form: with $\delta^{(3)} = y^* - y$,
# $\delta^{(2)}_k = \delta^{(3)} w^{(3)}_{k1} z^{(2)}_k(1-z^{(2)}_k)$ and route $k$ contributes
# $\delta^{(2)}_k\, w^{(2)}_{2k}\, z^{(1)}_2(1-z^{(1)}_2)\, x_2$.

# %%
d3 = y_star3.data - y
d2 = [d3 * Wc[k].data * z2[k].data * (1 - z2[k].data) for k in range(2)]
routes_closed = {f"z(2)_{k+1}": d2[k] * Wb[1][k].data * z1[1].data * (1 - z1[1].data) * x[1] for k in range(2)}
for route, value in routes_closed.items():
    print(f"route {route}: closed form {value:+.8f}, from the graph {by_route[route]:+.8f}")

# %% [markdown]
# ## Checks

# %%
assert dL_dv == 0
assert all(math.isclose(wi.grad, cf, rel_tol=1e-12) for wi, cf in zip(w, closed_form))
assert math.isclose(v1.grad, closed_form[0] / 0.8, rel_tol=1e-12)
assert L1_new < L1.data
assert math.isclose(v_out.grad, delta2, rel_tol=1e-12)
assert all(math.isclose(v_hidden[i].grad, delta1[i], rel_tol=1e-12) for i in range(2))
assert all(math.isclose(W2[i].grad, delta2 * z[i].data, rel_tol=1e-12) for i in range(2))
assert np.allclose(grad_w1_vec, grad_w1_engine, rtol=1e-12, atol=0)
assert np.allclose(grad_w2_vec, [wi.grad for wi in W2], rtol=1e-12, atol=0)
assert np.allclose(fd_two_layer, formula_two_layer, rtol=1e-6, atol=1e-9)
assert len(by_route) == 2 and len(paths) == 4   # 2 routes, each reaching y* through both uses of it in L
assert math.isclose(sum(by_route.values()), target.grad, rel_tol=1e-12)
assert all(math.isclose(by_route[r], routes_closed[r], rel_tol=1e-10) for r in routes_closed)
assert paths_to(z1[0], target) == []
print("all checks passed")
