# %% [markdown]
# # 8. Step through a small network's backward pass, then quiz yourself
#
# A 2-2-1 sigmoid network (notes 000/004 numbering: layer 1 is the input, layer 3 the output) and
# the squared error of one example, written with a named error $e$:
#
# $$e = a^3_1 - y,\qquad L = \tfrac12 e^2 .$$
#
# First two pictures (the neurons with their δ, and the full expression graph), then the step
# player, then the quiz: it hides every gradient and asks for them in backward order. Here the
# quiz is answered by code, with the notes' equations (3) to (6) computed independently by
# `nn.equations`, so every answer the quiz accepts is also a check of the engine. (To take the
# quiz yourself, run `viz.start_quiz(L)` in a notebook or `deltagrad step` in a terminal.)

# %%
import math

import numpy as np

import viz
from nn import MLP, equations

net = MLP(2, [2, 1], activation="sigmoid", seed=3)
x, y = [0.5, -1.0], 1.0
out = net(x)[0]
e = out - y
e.label = "e"
e2 = e ** 2
e2.label = "e²"
L = 0.5 * e2
L.label = "L"
L.backward()
print(f"a^3_1 = {out.data:.6f}, e = {e.data:.6f}, L = {L.data:.6f}")
print("δ^2 =", net.delta(2), " δ^3 =", net.delta(3))

# %% [markdown]
# ## The network, neuron by neuron
#
# `viz.draw_network` draws what the notes draw: each neuron shows $z$, $a$ and
# $\delta = \partial L/\partial z$ (coloured by sign and size), each edge the weight $w^l_{jk}$ and
# its gradient $\partial L/\partial w^l_{jk} = a^{l-1}_k\delta^l_j$.

# %%
viz.draw_network(net, loss=L)

# %% [markdown]
# ## The same computation as an expression graph
#
# Every value the forward pass made, with the local derivative on each edge. Passing the model
# marks its $z$ nodes as pre-activations, so their gradients are labelled δ.

# %%
viz.draw(L, model=net)

# %% [markdown]
# ## The step player
#
# Each step is one chain-rule application: *upstream gradient × local derivative*, added into one
# input. Use the buttons or the arrow keys; fan-outs (the inputs $x_k$, used by both hidden
# neurons) show their terms being summed.

# %%
viz.step_through(L, title="2-2-1 network, one example")

# %% [markdown]
# ## The quiz, answered from the notes' equations
#
# We compute every gradient the quiz can ask for, without the engine: $\partial L/\partial e^2 = \tfrac12$,
# $\partial L/\partial e = \partial L/\partial a^3_1 = e$, then $\Delta^3$, $\Delta^2$, $\partial L/\partial W^l$
# and $\partial L/\partial B^l$ from `nn.equations.backprop` (eqs. (3)-(6)), and the remaining
# activations and inputs by one more application of the same rule:
# $\partial L/\partial \mathbf a^{l-1} = (\mathbf W^l)^{\mathsf T}\Delta^l$.

# %%
W, B, act = equations.from_mlp(net)
bp = equations.backprop(W, B, equations.columns([x]), np.array([[y]]), act, loss="squared_error")
expected = {"e²": 0.5, "e": e.data}
for l in (2, 3):
    for j in range(net.sizes[l - 1]):
        expected[f"z{l}_{j + 1}"] = bp.delta[l][j, 0]
        expected[f"b{l}_{j + 1}"] = bp.dB[l][j, 0]
        for k in range(net.sizes[l - 2]):
            expected[f"w{l}_{j + 1}{k + 1}"] = bp.dW[l][j, k]
    grad_prev = W[l].T @ bp.delta[l][:, 0]                  # ∂L/∂a^{l-1}
    for k, g in enumerate(grad_prev):
        expected[f"a{l - 1}_{k + 1}" if l > 2 else f"x{k + 1}"] = g
expected["a3_1"] = bp.A[3][0, 0] - y

quiz = viz.Quiz(L)
print(f"{len(quiz.questions)} questions")
first = quiz.question()
print(first)
wrong = quiz.answer(expected["e²"] + 1.0)       # a wrong answer: the quiz explains
print(wrong.message)
not_a_number = quiz.answer("one half")
print(not_a_number.message)
verdicts = []
while not quiz.done:
    name = quiz.trace.names[quiz.current.target]
    feedback = quiz.answer(expected[name])
    verdicts.append((name, feedback.correct))
print(quiz.summary())
print("asked, in order:", ", ".join(name for name, _ in verdicts))

# %% [markdown]
# ## The terminal loop, with scripted replies
#
# `viz.run_quiz` is the loop behind `viz.start_quiz` and the CLI: it reads a reply, checks it,
# and understands `h` (hint), `s` (show the answer) and `q` (quit). It takes the functions it
# reads and writes with, so we can feed it replies instead of waiting for a keyboard.

# %%
replies = iter(["h", "0.5", "s", "q"])
transcript = []
score = viz.run_quiz(viz.Quiz(L), read=lambda prompt: next(replies), write=transcript.append)
print("\n".join(transcript))

# %% [markdown]
# ## Quiz by step
#
# With `ask="step"` there is one question per chain-rule application: the contribution
# *upstream × local* of that single edge. For the input $x_1$ the two contributions (one through
# each hidden neuron) are asked separately; their sum is $\partial L/\partial x_1$.

# %%
by_step = viz.Quiz(L, ask="step")
x1_terms = []
while not by_step.done:
    q = by_step.current
    step = by_step.trace.steps[q.steps[0]]
    name = by_step.trace.names[q.target]
    if name == "x1":
        print(by_step.question())
        x1_terms.append(step.contribution)
    by_step.answer(step.local * step.upstream)
print(f"terms into x1: {x1_terms}; sum {sum(x1_terms):.6f}; ∂L/∂x1 by the equations {expected['x1']:.6f}")
print(by_step.summary())

# %% [markdown]
# ## Checks

# %%
assert set(expected) == {quiz.trace.names[q.target] for q in quiz.questions}
assert wrong.correct is False and not_a_number.correct is None
assert all(ok for _, ok in verdicts) and quiz.score == (len(quiz.questions), len(quiz.questions))
for l in (2, 3):
    assert np.allclose(net.delta(l), bp.delta[l][:, 0], rtol=1e-10)
assert math.isclose(net.inputs[0].grad, expected["x1"], rel_tol=1e-10)
assert score == (1, 2) and any(line.startswith("Hint") for line in transcript)
assert len(x1_terms) == 2 and math.isclose(sum(x1_terms), expected["x1"], rel_tol=1e-10)
assert by_step.score == (len(by_step.questions), len(by_step.questions))
assert math.isclose(bp.cost, L.data, rel_tol=1e-12)
print("all checks passed")
