"""viz.steps: the words and LaTeX of each step, checked against hand-worked examples from the notes."""
from __future__ import annotations

import math

import pytest

from engine import Value, dot
from viz.steps import latex_name, local_formula, render_walk, trace_backward


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def issue_example():
    """L = 0.5·z + 0.25·w1 with z = w1·x: w1 fans out, ∂L/∂z = 0.5."""
    w1, x = Value(3.0, "w1"), Value(2.0, "x")
    z = w1 * x
    z.label = "z"
    L = z * 0.5 + w1 * 0.25
    L.label = "L"
    return L


def test_the_issue_example_step_word_for_word() -> None:
    trace = trace_backward(issue_example())
    texts = [trace.text(i) for i in range(len(trace))]
    assert ("∂L/∂w1 += ∂L/∂z · ∂z/∂w1 = 0.5000 × 2.0000 = 1.0000 "
            "(contribution 2 of 2: w1's gradient is complete, sum = 0.2500 + 1.0000 = 1.2500)") in texts
    assert ("∂L/∂w1 += ∂L/∂t6 · ∂t6/∂w1 = 1.0000 × 0.2500 = 0.2500 (contribution 1 of 2 to w1: w1 is used "
            "2 times, so its gradient is a sum; running sum 0.2500)") in texts
    i = texts.index(next(t for t in texts if t.startswith("∂L/∂w1 += ∂L/∂z")))
    assert trace.rule(i) == "∂z/∂w1 = x = 2.0000, since z = w1 · x"
    assert trace.preface(i) == "z's gradient is complete: ∂L/∂z = 0.5000; pass it back to its 2 inputs: w1, x"
    assert trace.latex(i) == (
        r"\frac{\partial L}{\partial w_{1}} \mathrel{+}= \frac{\partial L}{\partial z} \cdot "
        r"\frac{\partial z}{\partial w_{1}} = 0.5000 \times 2.0000 = 1.0000, \qquad "
        r"\frac{\partial z}{\partial w_{1}} = x \quad (\text{term 2 of 2; complete})")
    # the account agrees with an ordinary backward pass: ∂L/∂w1 = 0.5·x + 0.25
    assert trace.final[trace.names.index("w1")] == 0.5 * 2.0 + 0.25


def test_note_002_single_sigmoid_unit_with_bce() -> None:
    """Note 002: y* = σ(w·x), L = −y log y* − (1 − y) log(1 − y*)  ⇒  ∂L/∂w_i = (y* − y) x_i."""
    x1, x2 = Value(1.5, "x1"), Value(-0.5, "x2")
    w1, w2 = Value(0.2, "w1"), Value(0.4, "w2")
    y = 1.0
    z = dot([w1, w2], [x1, x2])
    z.label = "z"
    ys = z.sigmoid()
    ys.label = "y*"
    L = -y * ys.log() - (1 - y) * (1 - ys).log()
    L.label = "L"
    trace = trace_backward(L)
    texts = [trace.text(i) for i in range(len(trace))]

    pred = sigmoid(0.2 * 1.5 + 0.4 * -0.5)  # σ(0.1)
    delta = pred - y  # the note's (y* − y): ∂L/∂z
    # worked by hand: σ(0.1) = 0.52498, δ = −0.47502, ∂L/∂w1 = −0.47502 × 1.5 = −0.71253
    assert ("∂L/∂w1 += ∂L/∂z · ∂z/∂w1 = -0.4750 × 1.5000 = -0.7125 "
            "(the only contribution to w1: its gradient is complete, ∂L/∂w1 = -0.7125)") in texts
    assert ("∂L/∂w2 += ∂L/∂z · ∂z/∂w2 = -0.4750 × (-0.5000) = 0.2375 "
            "(the only contribution to w2: its gradient is complete, ∂L/∂w2 = 0.2375)") in texts
    # ... and from the note's closed form, to all digits
    assert w1.grad == pytest.approx(delta * 1.5, rel=1e-12)
    assert w2.grad == pytest.approx(delta * -0.5, rel=1e-12)
    assert z.grad == pytest.approx(delta, rel=1e-12)
    # y* feeds log(y*) and 1 − y*: a fan-out of two terms, −y/y* and (1 − y)/(1 − y*) = 0 here
    done = next(t for t in texts if t.startswith("∂L/∂y* +=") and "complete" in t)
    assert done.endswith(f"sum = 0.0000 − {y / pred:.4f} = {-y / pred:.4f})")
    i = texts.index(next(t for t in texts if t.startswith("∂L/∂z +=")))
    assert trace.rule(i) == f"∂y*/∂z = y*(1 − y*) = {pred * (1 - pred):.4f}, since y* = σ(z)"
    assert trace.text(i) == (f"∂L/∂z += ∂L/∂y* · ∂y*/∂z = {-y / pred:.4f} × {pred * (1 - pred):.4f} = "
                             f"{delta:.4f} (the only contribution to z: its gradient is complete, ∂L/∂z = {delta:.4f})")


def test_note_003_output_delta() -> None:
    """Note 003: C₀ = (y − y')², y' = σ(a_k)  ⇒  δ_k = ∂C₀/∂a_k = −2(y − y')σ'(a_k)."""
    y, a_k = 1.0, 0.3
    a = Value(a_k, "a_k")
    yp = a.sigmoid()
    yp.label = "y'"
    C = (y - yp) ** 2
    C.label = "C0"
    trace = trace_backward(C)
    s = sigmoid(a_k)
    delta_k = -2 * (y - s) * s * (1 - s)
    assert a.grad == pytest.approx(delta_k, rel=1e-12)
    last = len(trace) - 1
    # by hand: σ(0.3) = 0.57444, −2(1 − 0.57444) = −0.85113, σ' = 0.24446, δ_k = −0.20807
    assert trace.text(last) == ("∂C0/∂a_k += ∂C0/∂y' · ∂y'/∂a_k = -0.8511 × 0.2445 = -0.2081 "
                                "(the only contribution to a_k: its gradient is complete, ∂C0/∂a_k = -0.2081)")
    assert trace.rule(last) == "∂y'/∂a_k = y'(1 − y') = 0.2445, since y' = σ(a_k)"
    assert trace.explain(0).splitlines()[0] == "C0 is the root: ∂C0/∂C0 = 1.0000; pass it back to its 1 input: t3"
    assert trace.rule(0) == f"∂C0/∂t3 = 2·t3 = {2 * (y - s):.4f}, since C0 = t3²"


def test_constants_are_named_and_flagged() -> None:
    x = Value(2.0, "x")
    trace = trace_backward(x * 3)
    assert trace.names == ["x", "c1", "L"]
    assert trace.text(1).endswith("[c1 is the constant 3.0000: its gradient is never used]")
    assert "c1 = 3.0000 (a constant)" in trace.definitions()


@pytest.mark.parametrize("build, position, expected", [
    (lambda a, b: a + b, 1, "1"),
    (lambda a, b: a - b, 1, "−1"),
    (lambda a, b: a * b, 0, "b"),
    (lambda a, b: a / b, 0, "1/b"),
    (lambda a, b: a / b, 1, "−a/b²"),
    (lambda a, b: -a, 0, "−1"),
    (lambda a, b: a ** 3, 0, "3·a^2"),
    (lambda a, b: a ** 2, 0, "2·a"),
    (lambda a, b: a ** b, 0, "b·a^(b − 1)"),
    (lambda a, b: a ** b, 1, "L·ln a"),
    (lambda a, b: 2 ** a, 0, "L·ln 2"),
    (lambda a, b: a.exp(), 0, "L"),
    (lambda a, b: a.log(), 0, "1/a"),
    (lambda a, b: a.tanh(), 0, "1 − L²"),
    (lambda a, b: a.sigmoid(), 0, "L(1 − L)"),
    (lambda a, b: a.relu(), 0, "[a > 0]"),
    (lambda a, b: abs(a), 0, "sign(a)"),
    (lambda a, b: a.sqrt(), 0, "1/(2·L)"),
    (lambda a, b: dot([a], [b]), 0, "b"),
    (lambda a, b: dot([a], [b], 1.0), 2, "1"),
])
def test_local_formulas_name_the_right_factor(build, position, expected) -> None:
    a, b = Value(1.7, "a"), Value(0.6, "b")
    root = build(a, b)
    trace = trace_backward(root)
    names = [trace.names[trace.index_of[id(p)]] for p in root.parents]
    assert local_formula(root, position, "L", names) == expected
    # the rule shows the engine's number, whatever the form says
    step = next(i for i, s in enumerate(trace.steps) if s.node == len(trace.order) - 1 and s.position == position)
    assert trace.rule(step).split(", since")[0].endswith(f"= {root.local_grads[position]:.4f}")


def test_local_formula_values_match_local_grads() -> None:
    """Evaluate each symbolic form with the nodes' data: it equals the number the engine stored."""
    a, b = Value(1.7, "a"), Value(0.6, "b")
    cases = [(a * b, 0), (a / b, 0), (a / b, 1), (a ** 3, 0), (a ** b, 0), (a ** b, 1), (a.exp(), 0),
             (a.log(), 0), (a.tanh(), 0), (a.sigmoid(), 0), (a.sqrt(), 0), (2 ** a, 0)]
    for root, position in cases:
        form = local_formula(root, position, "L", ["a", "b"][: len(root.parents)])
        python = (form.replace("−", "-").replace("·", "*").replace("²", "**2").replace("^", "**")
                  .replace("L(", "L*(").replace("ln ", "math.log "))
        python = python.replace("math.log a", "math.log(a)").replace("math.log 2", "math.log(2)")
        value = eval(python, {"math": math}, {"a": a.data, "b": b.data, "L": root.data})  # test-only
        assert value == pytest.approx(root.local_grads[position], rel=1e-12), form


def test_latex_names_and_balanced_braces() -> None:
    assert latex_name("w1") == "w_{1}"
    assert latex_name("a_k") == "a_{k}"
    assert latex_name("delta") == r"\delta"
    assert latex_name("δ2") == r"\delta_{2}"
    assert latex_name("loss") == r"\mathrm{loss}"
    assert latex_name("a#3") == r"a^{\#3}"
    assert latex_name("my_var$") == r"\mathrm{my\_var\$}"
    trace = trace_backward(issue_example())
    for i in range(len(trace)):
        tex = trace.latex(i)
        depth = 0
        for ch in tex:
            depth += {"{": 1, "}": -1}.get(ch, 0)
            assert depth >= 0
        assert depth == 0
    body = trace.latex_document_body()
    assert body.startswith("\\begin{align*}") and body.count("&\\mathrel{+}=") == len(trace)


def test_the_full_walk_reads_in_order() -> None:
    trace = trace_backward(issue_example())
    blocks = render_walk(trace)
    assert blocks[0].startswith("Forward pass:\n    z = w1 · x = 6.0000")
    assert blocks[2] == "Start: ∂L/∂L = 1.0000 (the seed); every other gradient waits."
    assert blocks[3].startswith("L is the root: ∂L/∂L = 1.0000; pass it back to its 2 inputs: t4, t6\nStep 1 of 8:")
    assert blocks[-1].splitlines()[0] == "Gradients after the backward pass (constants left out):"
    assert "    ∂L/∂w1 = 1.2500" in blocks[-1].splitlines()


def test_long_fan_out_sums_are_not_written_out() -> None:
    from engine import sum_values

    x = Value(1.0, "x")
    trace = trace_backward(sum_values([x * float(i) for i in range(12)]))
    last_into_x = [trace.text(i) for i, s in enumerate(trace.steps) if trace.names[s.parent] == "x"][-1]
    assert last_into_x.endswith("(contribution 12 of 12: x's gradient is complete, sum of all 12 contributions = 66.0000)")


def test_convenience_functions(capsys) -> None:
    from viz.steps import explain_steps, explain_steps_latex, print_steps

    texts = explain_steps(issue_example())
    assert len(texts) == 8 and texts[0].startswith("∂L/∂t4 += ∂L/∂L · ∂L/∂t4 = 1.0000 × 1.0000 = 1.0000")
    tex = explain_steps_latex(issue_example(), digits=2)
    assert tex[6].startswith(r"\frac{\partial L}{\partial w_{1}} \mathrel{+}= ") and "0.50 \\times 2.00 = 1.00" in tex[6]
    print_steps(issue_example())
    out = capsys.readouterr().out
    assert out.startswith("Forward pass:") and "Step 8 of 8:" in out and out.rstrip().endswith("∂L/∂w1 = 1.2500")
    assert "∂L/∂c5 =" not in out.split("Gradients after the backward pass")[1]  # constants left out


def test_long_sums_are_shortened_in_definitions() -> None:
    ws = [Value(0.1 * i, f"w{i}") for i in range(1, 9)]
    xs = [Value(1.0, f"x{i}") for i in range(1, 9)]
    z = dot(ws, xs, Value(0.5, "b"))
    z.label = "z"
    trace = trace_backward(z)
    assert trace.definitions()[-1] == "z = w1 · x1 + w2 · x2 + w3 · x3 + … + w8 · x8 + b = 4.1000"
    assert trace.rule(0) == "∂z/∂w1 = x1 = 1.0000, since z = w1 · x1 + w2 · x2 + w3 · x3 + … + w8 · x8 + b"
    assert latex_name("my weight") == r"\mathrm{my\ weight}"
