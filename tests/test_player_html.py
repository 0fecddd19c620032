"""viz.save_steps_html / viz.step_through: one self-contained, offline page holding every step."""
from __future__ import annotations

import html
import json
import re

import pytest

import viz
from engine import Value
from viz import player, style
from viz.errors import OutputPathError
from viz.steps import trace_backward


def net():
    x, w, b = Value(1.0, "x"), Value(-2.0, "w"), Value(0.5, "b")
    return (x * w + b).tanh() * x


def embedded_data(page: str) -> dict:
    m = re.search(r'<script id="deltagrad-data" type="application/json">(.*?)</script>', page, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def test_one_file_with_every_step_and_frame(tmp_path) -> None:
    path = viz.save_steps_html(net(), tmp_path / "steps.html")
    page = path.read_text(encoding="utf-8")
    data = embedded_data(page)
    trace = trace_backward(net())
    assert len(data["steps"]) == len(trace) and len(data["frames"]) == len(trace) + 1
    assert data["names"] == trace.names and data["initial"] == trace.initial
    for i, (step, s) in enumerate(zip(data["steps"], trace.steps)):
        assert step["equation"] == trace.equation(i) and step["latex"] == trace.latex(i)
        assert step["edge"] == f"e{s.node}_{s.position}" and step["grad"] == s.parent_grad
        frame = data["frames"][i + 1]
        assert frame.startswith("<svg") and f'id="{step["edge"]}"' in frame
        assert style.HIGHLIGHT.lower() in frame.lower()
    # the position at which each node's gradient is complete
    for j in range(len(trace.order)):
        k = data["complete"][j]
        assert j in trace.complete_at(k) and (k == 0 or j not in trace.complete_at(k - 1))


def test_works_offline_no_external_resources() -> None:
    page = player.steps_html(net())
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "<link" not in page.lower() and "@import" not in page and "<script src" not in page.lower()
    assert "<iframe" not in page.lower()
    urls = set(re.findall(r"https?://[^\s\\\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}  # XML namespaces only
    for needed in ('id="prev"', 'id="next"', 'id="slider"', 'type="range"', 'id="equation"', 'id="grads"',
                   "ArrowRight", "ArrowLeft"):
        assert needed in page


def test_labels_and_titles_cannot_break_out_of_the_page() -> None:
    x = Value(2.0, "</script><script>alert(1)</script>")
    y = x * x
    y.label = "<!--"
    page = player.steps_html(y, title="<b>title</b>")
    assert page.count("</script>") == 2  # the data block and the player's own script
    assert "<b>title</b>" not in page and "&lt;b&gt;title&lt;/b&gt;" in page
    data = embedded_data(page)
    assert data["names"] == ["</script><script>alert(1)</script>", "<!--"]


def test_save_steps_html_errors(tmp_path) -> None:
    with pytest.raises(OutputPathError, match="is a directory"):
        viz.save_steps_html(net(), tmp_path)
    with pytest.raises(OutputPathError, match="cannot write"):
        viz.save_steps_html(net(), tmp_path / "missing" / "x.html")
    with pytest.raises(TypeError, match="path must be a str"):
        viz.save_steps_html(net(), 42)  # type: ignore[arg-type]


def test_too_many_steps_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(player, "MAX_STEPS", 3)
    with pytest.raises(ValueError, match="more than 3"):
        player.steps_html(net())


def test_step_through_is_an_inline_html_output() -> None:
    shown = viz.step_through(net(), title="tanh(x*w + b)*x", height=500)
    out = shown._repr_html_()
    assert out.startswith("<iframe srcdoc=\"") and "height:500px" in out and 'sandbox="allow-scripts"' in out
    srcdoc = re.search(r'srcdoc="(.*?)"', out, re.S).group(1)
    assert html.unescape(srcdoc) == shown.document
    assert embedded_data(shown.document)["steps"]
    with pytest.raises(ValueError, match="height must be"):
        viz.step_through(net(), height=10)


def test_non_finite_grads_are_written_as_text() -> None:
    x = Value(1e-300, "x")
    z = (x * 1e200) * 1e200  # ∂z/∂x = 1e200 · 1e200 overflows to inf in the backward pass
    data = embedded_data(player.steps_html(z))
    into_x = [s["grad"] for s in data["steps"] if data["names"][s["parent"]] == "x"]
    assert into_x == ["inf"]


def test_step_player_outside_notebooks(tmp_path) -> None:
    shown = viz.step_through(net())
    assert repr(shown).startswith("StepPlayer(") and "save(" in repr(shown)
    path = shown.save(tmp_path / "p.html")
    assert path.read_text(encoding="utf-8") == shown.document
