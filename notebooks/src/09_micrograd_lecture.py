# %% [markdown]
# # 9. Karpathy's micrograd lecture, run on deltagrad
#
# Andrej Karpathy's lecture *The spelled-out intro to neural networks and backpropagation:
# building micrograd* builds a `Value` class, then uses it on an expression, a neuron and a small
# MLP. Here the lecture's own code runs as it is written, with one change: the cells that define
# its `Value` class are replaced by `from engine import Value`. deltagrad's `Value` answers to
# micrograd's names (`_prev`, `_op`, `_backward()`, `label=`), so the lecture's helper cells
# (`trace`, `draw_dot`), its manual walk and its topological sort run unchanged. At each stage we
# then show what deltagrad adds: the stepper, the δ view and the quiz. At the end, micrograd's own
# demo (moons, `MLP(2, [16, 16, 1])`) runs through `nn.micrograd`.

# %%
import math
import random

from graphviz import Digraph
from IPython.display import SVG, display

import viz
from engine import Value

# %% [markdown]
# ## Part 1: an expression, L = d · f
#
# The lecture's first graph: $e = a b$, $d = e + c$, $L = d f$.

# %%
a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a*b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
L

# %% [markdown]
# The lecture's `trace` and `draw_dot` cells, copied as written. They read `_prev` (the parents as
# a set), `_op` (the op string, `''` for a leaf), `label`, `data` and `grad`. The lecture's
# Digraph needs a system Graphviz to show itself; `viz.to_svg` renders it without one.

# %%
def trace(root):
  # builds a set of all nodes and edges in a graph
  nodes, edges = set(), set()
  def build(v):
    if v not in nodes:
      nodes.add(v)
      for child in v._prev:
        edges.add((child, v))
        build(child)
  build(root)
  return nodes, edges

def draw_dot(root):
  dot = Digraph(format='svg', graph_attr={'rankdir': 'LR'}) # LR = left to right

  nodes, edges = trace(root)
  for n in nodes:
    uid = str(id(n))
    # for any value in the graph, create a rectangular ('record') node for it
    dot.node(name = uid, label = "{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad), shape='record')
    if n._op:
      # if this value is a result of some operation, create an op node for it
      dot.node(name = uid + n._op, label = n._op)
      # and connect this node to it
      dot.edge(uid + n._op, uid)

  for n1, n2 in edges:
    # connect n1 to the op node of n2
    dot.edge(str(id(n1)), str(id(n2)) + n2._op)

  return dot

display(SVG(viz.to_svg(draw_dot(L))))

# %% [markdown]
# The lecture derives each gradient by hand and then lets `backward()` do it. The lecture's
# numbers: ∂L/∂a = 6, ∂L/∂b = −4, ∂L/∂c = −2, ∂L/∂e = −2, ∂L/∂d = −2, ∂L/∂f = 4.

# %%
L.backward()
part1 = [a.grad, b.grad, c.grad, e.grad, d.grad, f.grad]
print(L.data, part1)

# %% [markdown]
# **What deltagrad adds.** `viz.draw_dot(root)` has micrograd's signature (`format`, `rankdir`) but
# draws deltagrad's diagram: on each edge the local derivative ∂out/∂in and the signal
# local × grad(out) it carried back, colour for the sign and size of each gradient. And the
# stepper writes each chain-rule application with its arithmetic, in the lecture's labels.

# %%
viz.draw_dot(L)

# %%
viz.print_steps(L)

# %% [markdown]
# ## Part 2: a neuron, o = tanh(x₁w₁ + x₂w₂ + b)
#
# The lecture picks the bias so that o = √½ = 0.7071, then walks the backward pass by hand,
# calling each node's `_backward()` in turn (a leaf's is a no-op, as in micrograd).

# %%
# inputs x1,x2
x1 = Value(2.0, label='x1')
x2 = Value(0.0, label='x2')
# weights w1,w2
w1 = Value(-3.0, label='w1')
w2 = Value(1.0, label='w2')
# bias of the neuron
b = Value(6.8813735870195432, label='b')
# x1*w1 + x2*w2 + b
x1w1 = x1*w1; x1w1.label = 'x1*w1'
x2w2 = x2*w2; x2w2.label = 'x2*w2'
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
n = x1w1x2w2 + b; n.label = 'n'
o = n.tanh(); o.label = 'o'

o.grad = 1.0
o._backward()
n._backward()
b._backward()
x1w1x2w2._backward()
x2w2._backward()
x1w1._backward()
manual = {v.label: v.grad for v in (x1, w1, x2, w2, b, n)}
print(f"o = {o.data:.4f}", manual)
display(SVG(viz.to_svg(draw_dot(o))))

# %% [markdown]
# Then the topological sort, and `backward()` on a fresh copy of the same neuron: the same grads.

# %%
topo = []
visited = set()
def build_topo(v):
  if v not in visited:
    visited.add(v)
    for child in v._prev:
      build_topo(child)
    topo.append(v)
build_topo(o)
print([v.label for v in topo])

def neuron(with_exp=False):
    x1, x2 = Value(2.0, label='x1'), Value(0.0, label='x2')
    w1, w2 = Value(-3.0, label='w1'), Value(1.0, label='w2')
    b = Value(6.8813735870195432, label='b')
    n = x1*w1 + x2*w2 + b; n.label = 'n'
    if with_exp:
        e = (2*n).exp()
        o = (e - 1) / (e + 1)
    else:
        o = n.tanh()
    o.label = 'o'
    return o, dict(x1=x1, w1=w1, x2=x2, w2=w2, b=b, n=n)

o2, leaves = neuron()
o2.backward()
print({k: v.grad for k, v in leaves.items()})

# %% [markdown]
# The lecture then breaks tanh into exp, subtraction and division: $o = (e^{2n} - 1)/(e^{2n} + 1)$.
# The graph grows, the numbers stay.

# %%
o3, leaves3 = neuron(with_exp=True)
o3.backward()
print(f"o = {o3.data:.4f}", {k: round(v.grad, 4) for k, v in leaves3.items()})
viz.draw_dot(o3)

# %% [markdown]
# **What deltagrad adds: the δ view and the quiz.** In the lecture notes' language $n$ is the
# neuron's pre-activation $z$, and its gradient is the error signal $\delta = \partial o/\partial z$.
# Label it `z` and the diagram marks it and shows δ = 1 − o² = 0.5. Then the quiz hides every
# gradient and asks for them in backward order; here it is answered, non-interactively, with the
# numbers the lecture derives by hand (run `viz.start_quiz(o)` to take it yourself).

# %%
o4, leaves4 = neuron()
leaves4["n"].label = "z"
o4.backward()
display(viz.draw(o4))

o5, leaves5 = neuron()
leaves5["n"].label = "z"
lecture_answers = {"z": 0.5, "b": 0.5, "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}
quiz = viz.Quiz(o5)
while not quiz.done:
    name = quiz.trace.names[quiz.current.target]
    answer = lecture_answers.get(name, 0.5)  # the unlabelled sums pass δ = 0.5 on unchanged
    print(quiz.question(), "->", answer, "|", quiz.answer(answer).message.splitlines()[0])
print(quiz.summary())

# %% [markdown]
# ## Part 3: the lecture's MLP
#
# The lecture's Neuron, Layer and MLP classes as written: tanh neurons whose activation is
# `sum((wi*xi for wi, xi in zip(self.w, x)), self.b)`, a one-neuron layer returning a bare Value.
# Trained on the four examples with `p.data += -0.05 * p.grad`.

# %%
class Neuron:

  def __init__(self, nin):
    self.w = [Value(random.uniform(-1,1)) for _ in range(nin)]
    self.b = Value(random.uniform(-1,1))

  def __call__(self, x):
    # w * x + b
    act = sum((wi*xi for wi, xi in zip(self.w, x)), self.b)
    out = act.tanh()
    return out

  def parameters(self):
    return self.w + [self.b]

class Layer:

  def __init__(self, nin, nout):
    self.neurons = [Neuron(nin) for _ in range(nout)]

  def __call__(self, x):
    outs = [n(x) for n in self.neurons]
    return outs[0] if len(outs) == 1 else outs

  def parameters(self):
    return [p for neuron in self.neurons for p in neuron.parameters()]

class MLP:

  def __init__(self, nin, nouts):
    sz = [nin] + nouts
    self.layers = [Layer(sz[i], sz[i+1]) for i in range(len(nouts))]

  def __call__(self, x):
    for layer in self.layers:
      x = layer(x)
    return x

  def parameters(self):
    return [p for layer in self.layers for p in layer.parameters()]

random.seed(0)
x = [2.0, 3.0, -1.0]
n = MLP(3, [4, 4, 1])
print(n(x), len(n.parameters()))

# %%
xs = [
  [2.0, 3.0, -1.0],
  [3.0, -1.0, 0.5],
  [0.5, 1.0, 1.0],
  [1.0, 1.0, -1.0],
]
ys = [1.0, -1.0, -1.0, 1.0] # desired targets

start_weights = [[([w.data for w in ne.w], ne.b.data) for ne in layer.neurons] for layer in n.layers]
losses = []
for k in range(20):

  # forward pass
  ypred = [n(x) for x in xs]
  loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))

  # backward pass
  for p in n.parameters():
    p.grad = 0.0
  loss.backward()

  # update
  for p in n.parameters():
    p.data += -0.05 * p.grad

  losses.append(loss.data)
  print(k, loss.data)

print([round(y.data, 4) for y in ypred])

# %% [markdown]
# **What deltagrad adds.** The same network in deltagrad's own `nn.MLP` (the lecture's starting
# weights copied in): each neuron keeps its $z$ and $a$, and after one example's loss the network
# picture shows every δ and every ∂L/∂w in the notes' notation (w³₁₂ is layer 3, neuron 1,
# input 2).

# %%
from nn import MLP as DeltagradMLP

net = DeltagradMLP(3, [4, 4, 1], activation="tanh")
for layer, weights in zip(net.layers, start_weights):
    for neuron_, (ws, bias) in zip(layer.neurons, weights):
        for w, value in zip(neuron_.w, ws):
            w.data = value
        neuron_.b.data = bias

random.seed(0)
lecture_net = MLP(3, [4, 4, 1])  # the same draw as before training
y0 = net(xs[0])[0]
print(f"deltagrad nn.MLP: {y0.data:.12f}, the lecture's MLP: {lecture_net(xs[0]).data:.12f}")
L0 = (y0 - ys[0]) ** 2
L0.label = "L"
L0.backward()
print("δ per layer:", [[round(d, 4) for d in layer] for layer in net.deltas()])
viz.draw_network(net, loss=L0)

# %% [markdown]
# ## micrograd's own demo through `nn.micrograd`
#
# `nn.micrograd` is micrograd 0.1.0's `Module`, `Neuron`, `Layer` and `MLP` over deltagrad's Value:
# the same graph of binary ops, ReLU hidden layers, a linear output, the same reprs, and weights
# drawn by `random.uniform(-1, 1)` in micrograd's order, so that after `random.seed(1337)` it holds
# micrograd's weights. The demo's loop: hinge loss + L2 (α = 1e-4), `learning_rate = 1.0 - 0.9*k/100`.
# To stay fast here: 40 points and 10 steps (the tests compare 20 steps with micrograd itself).

# %%
from nn import datasets
from nn.micrograd import MLP as MicrogradMLP

X, labels = datasets.moons(40, noise=0.1, seed=0)
y = datasets.signed(labels)

random.seed(1337)
model = MicrogradMLP(2, [16, 16, 1]) # 2-layer neural network
print(model)
print("number of parameters", len(model.parameters()))

def demo_loss():
    inputs = [list(map(Value, xrow)) for xrow in X]
    # forward the model to get scores
    scores = list(map(model, inputs))
    # svm "max-margin" loss
    losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    # L2 regularization
    alpha = 1e-4
    reg_loss = alpha * sum((p*p for p in model.parameters()))
    total_loss = data_loss + reg_loss
    # also get accuracy
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    return total_loss, sum(accuracy) / len(accuracy)

demo_history = []
for k in range(10):
    # forward
    total_loss, acc = demo_loss()
    # backward
    model.zero_grad()
    total_loss.backward()
    # update (sgd)
    learning_rate = 1.0 - 0.9*k/100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    demo_history.append((total_loss.data, acc))
    print(f"step {k} loss {total_loss.data}, accuracy {acc*100}%")

# %% [markdown]
# ## The next ops a learner reaches for
#
# The lecture's exercises use `sin`; CS231n's backprop notes use a max gate, which routes the whole
# gradient to its larger input (at a tie, deltagrad sends it to the **first** input, and says so
# in the stepper). `engine.maximum`/`engine.minimum` take Values or numbers on either side; there
# are also `leaky_relu(slope=0.01)` (its slope at 0), `softplus()` (stable at ±1000, derivative σ)
# and `clamp(low, high)` (gradient 1 on the bounds themselves, 0 outside). Built-in `max(a, b)`
# also works on Values (they compare by data), but returns one of the two Values itself, not a
# new node.

# %%
from engine import maximum

p, q, r = Value(-2.0, label='x'), Value(5.0, label='y'), Value(-4.0, label='z')
gate = maximum(p * q, r) + p.sin()
gate.label = 'f'
gate.backward()
viz.print_steps(gate)
print(max(p, q) is q, f"{p.grad:.4f}", q.grad, r.grad)

# %%
assert L.data == -8.0
assert part1 == [6.0, -4.0, -2.0, -2.0, -2.0, 4.0]  # the lecture's numbers
assert round(o.data, 4) == 0.7071 and math.isclose(o.data, math.sqrt(0.5), rel_tol=1e-12)
assert {k: round(v, 4) for k, v in manual.items()} == {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5, "n": 0.5}
assert {k: v.grad for k, v in leaves.items()} == manual  # the manual walk is backward()
assert all(math.isclose(leaves3[k].grad, leaves[k].grad, rel_tol=1e-9, abs_tol=1e-12) for k in leaves)
assert quiz.score == (9, 9)
assert math.isclose(y0.data, lecture_net(xs[0]).data, rel_tol=1e-12)
assert math.isclose(net.delta(4)[0], 2 * (y0.data - ys[0]) * (1 - y0.data ** 2), rel_tol=1e-12)
assert losses[-1] < 0.1 * losses[0] and all(b_ < a_ for a_, b_ in zip(losses, losses[1:]))
assert repr(model).startswith("MLP of [Layer of [ReLUNeuron(2)") and len(model.parameters()) == 337
assert demo_history[-1][0] < demo_history[0][0]
assert math.isclose(p.grad, 0.0 + math.cos(-2.0), rel_tol=1e-12) and r.grad == 1.0 and q.grad == 0.0
