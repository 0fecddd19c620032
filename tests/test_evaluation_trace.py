"""viz.evaluation_trace: Baydin, Pearlmutter, Radul and Siskind (JMLR 18, 2018), Tables 2 and 3,
f(x1, x2) = ln(x1) + x1·x2 − sin(x2) at (2, 5), with their published numbers."""
from __future__ import annotations

import pytest

import viz
from engine import Value, grad


def _baydin(seed_second: bool = False):
    x1, x2 = Value(2.0, "x1"), Value(5.0, "x2")
    f = x1.log() + x1 * x2 - x2.sin()
    return f, x1, x2


def test_forward_primal_trace_has_baydins_numbers():
    f, _, _ = _baydin()
    t = viz.evaluation_trace(f)
    published = {"v₋₁": 2, "v₀": 5, "v₁": 0.693, "v₂": 10, "v₃": -0.959, "v₄": 10.693, "v₅": 11.652}
    assert list(t.values) == list(published)
    for name, value in published.items():
        assert round(t.values[name], 3) == value
    text = t.text()
    for line in ("v₋₁ = x₁ = 2", "v₁ = ln v₋₁ = ln 2 = 0.693", "v₂ = v₋₁ × v₀ = 2 × 5 = 10",
                 "v₃ = sin v₀ = sin 5 = −0.959", "v₄ = v₁ + v₂", "v₅ = v₄ − v₃", "y = v₅ = 11.652"):
        assert line in text


def test_forward_tangent_trace_has_baydins_numbers():
    f, _, _ = _baydin()
    t = viz.evaluation_trace(f)  # ẋ1 = 1, ẋ2 = 0 by default
    published = {"v̇₋₁": 1, "v̇₀": 0, "v̇₁": 0.5, "v̇₂": 5, "v̇₃": 0, "v̇₄": 5.5, "v̇₅": 5.5}
    assert t.tangents == pytest.approx(published, abs=1e-12)
    text = t.text()
    assert "v̇₁ = v̇₋₁ × 1/v₋₁ = 1 × 0.5 = 0.5" in text
    assert "v̇₂ = v̇₋₁ × v₀ + v̇₀ × v₋₁ = 1 × 5 + 0 × 2 = 5" in text
    assert "ẏ = v̇₅ = 5.5" in text


def test_reverse_adjoint_trace_has_baydins_numbers_and_order():
    f, x1, x2 = _baydin()
    t = viz.evaluation_trace(f)
    assert round(t.adjoints["x̄₁"], 3) == 5.5 and round(t.adjoints["x̄₂"], 3) == 1.716
    # Table 3's order: v̄5, v̄4, v̄3, v̄1, v̄2, v̄0, v̄−1, v̄0 (+=), v̄−1 (+=), then x̄1, x̄2
    assert [r.name for r in t.adjoint] == ["v̄₅", "v̄₄", "v̄₃", "v̄₁", "v̄₂", "v̄₀", "v̄₋₁", "v̄₀", "v̄₋₁", "x̄₁", "x̄₂"]
    assert [round(r.value, 3) for r in t.adjoint] == [1, 1, -1, 1, 1, -0.284, 5, 1.716, 5.5, 5.5, 1.716]
    assert "v̄₀ = v̄₀ + v̄₂ ∂v₂/∂v₀ = −0.284 + 1 × 2 = 1.716" in t.text()
    assert grad(f, [x1, x2]) == [t.adjoints["x̄₁"], t.adjoints["x̄₂"]]


def test_markdown_and_latex_tables():
    f, x1, x2 = _baydin()
    t = viz.evaluation_trace(f)
    md = t.markdown()
    assert "| Forward primal trace | Forward tangent trace |" in md
    assert "| v₃ = sin v₀ = sin 5 = −0.959 | v̇₃ = v̇₀ × cos v₀ = 0 × 0.284 = 0 |" in md
    assert "| Forward primal trace | Reverse adjoint trace |" in md
    tex = t.latex()
    assert r"$v_{1} = \ln v_{-1} = 0.693$" in tex and r"\bar{v}_{0} = \bar{v}_{0} + \bar{v}_{2} \frac{\partial v_{2}}{\partial v_{0}} = 1.716" in tex
    assert tex.count(r"\begin{tabular}") == 2


def test_tangents_choose_the_direction():
    f, x1, x2 = _baydin()
    t = viz.evaluation_trace(f, {"x2": 1.0})
    # ∂f/∂x2 = x1 − cos x2 = 2 − 0.284 = 1.716, the same number as the reverse sweep's x̄2
    assert round(t.tangents["v̇₅"], 3) == 1.716
    t2 = viz.evaluation_trace(f, {x1: 2.0, x2: 1.0})
    assert t2.tangents["v̇₅"] == pytest.approx(2 * 5.5 + 1.7163378145367738)


def test_evaluation_trace_bad_input():
    f, x1, _ = _baydin()
    with pytest.raises(TypeError, match="evaluation_trace: expected a Value, got float"):
        viz.evaluation_trace(1.0)
    with pytest.raises(ValueError, match="tangents names 'x9', which is not an input"):
        viz.evaluation_trace(f, {"x9": 1.0})
    with pytest.raises(TypeError, match="must be a finite number"):
        viz.evaluation_trace(f, {x1: "1"})
    y = Value(1.0)
    for _ in range(300):
        y = y * 1.0
    with pytest.raises(viz.GraphTooLargeError, match="evaluation_trace: the graph has"):
        viz.evaluation_trace(y)


def test_draw_and_the_stepper_mark_the_nodes_the_backward_pass_built():
    from engine import built_by_backward, topo_order

    x = Value(2.0, "x")
    y = (x * x).tanh()
    (g,) = grad(y, [x], create_graph=True)
    order = topo_order(g)
    built = [k for k, v in enumerate(order) if built_by_backward(v)]
    plain = [k for k, v in enumerate(order) if not built_by_backward(v)]
    src = viz.draw(g).source
    assert "built by the backward pass" in src  # the legend says what the colour means
    for k in built:
        node_line = next(line for line in src.splitlines() if line.strip().startswith(f"v{k} "))
        assert "fdd9b5" in node_line or "e6550d" in node_line, node_line
    for k in plain:
        node_line = next(line for line in src.splitlines() if line.strip().startswith(f"v{k} "))
        assert "fdd9b5" not in node_line and "e6550d" not in node_line
    assert "fdd9b5" not in viz.draw(y).source
    steps = viz.explain_steps(g)
    assert any("∂∇x/∂x" in s for s in steps)  # the stepper names the built nodes ∇…
