"""viz.save_steps_html / viz.step_through: one self-contained, offline page holding every step."""
from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET

import pytest

import engine
import nn
import viz
from engine import Value
from viz import player, player_graph, style
from viz.frames import frame_svgs
from viz.errors import OutputPathError
from viz.steps import trace_backward


def net():
    x, w, b = Value(1.0, "x"), Value(-2.0, "w"), Value(0.5, "b")
    return (x * w + b).tanh() * x


SVG = "http://www.w3.org/2000/svg"


def embedded_data(page: str) -> dict:
    m = re.search(r'<script id="deltagrad-data" type="application/json">(.*?)</script>', page, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def tour_sized_loss():
    """The loss of one example through MLP(2, [4, 4, 1]), as in `deltagrad tour`: ~60 nodes, ~76 steps."""
    model = nn.MLP(2, [4, 4, 1], activation="tanh", output_activation="sigmoid", seed=3)
    loss = nn.binary_cross_entropy(model([0.4, -1.1]), 1)
    loss.label = "L"
    return loss


def frame_lines(svg: str, j: int) -> list[str]:
    """The grad cell's lines of node j in a full frame: its texts after the name and data cells."""
    root = ET.fromstring(svg.encode("utf-8"))
    group = next(g for g in root.iter(f"{{{SVG}}}g") if g.get("id") == f"v{j}")
    return [t.text for t in group.iter(f"{{{SVG}}}text")][2:]


def replayed_lines(graph: dict, trace, k: int, j: int) -> list[str]:
    """What the page's script writes into node j's grad cell at position k (see player.html)."""
    text, line = graph["start"][j], ""
    for i, s in enumerate(trace.steps[:k]):
        if s.parent == j:
            text, line = graph["grad"][i], graph["sum"][i]
    return [f"{graph['word'][j]} {text}"] + ([line] if line else [])


def test_one_file_with_every_step_and_the_graph_once(tmp_path) -> None:
    path = viz.save_steps_html(net(), tmp_path / "steps.html")
    page = path.read_text(encoding="utf-8")
    data = embedded_data(page)
    trace = trace_backward(net())
    graph = data["graph"]
    assert len(data["steps"]) == len(trace) and data["frames"] is None
    assert graph["svg"].startswith("<svg") and page.count("<svg") == 1  # one picture, not one per step
    assert data["names"] == trace.names and data["initial"] == trace.initial
    assert graph["start"] == [f"{g:.4g}" for g in trace.initial]
    svg = ET.fromstring(graph["svg"])
    ids = {e.get("id"): e for e in svg.iter() if e.get("id")}
    for i, (step, s) in enumerate(zip(data["steps"], trace.steps)):
        assert step["equation"] == trace.equation(i) and step["latex"] == trace.latex(i)
        assert step["edge"] == f"e{s.node}_{s.position}" and step["grad"] == s.parent_grad
        assert graph["grad"][i] == f"{s.parent_grad:.4g}"
        signal = [t for t in ids[step["edge"]].iter(f"{{{SVG}}}text") if "dg-signal" in t.get("class", "")]
        assert [t.text for t in signal] == [f"signal {s.contribution:.4g}"]
    for j, v in enumerate(trace.order):
        grad = [t for t in ids[f"v{j}"].iter(f"{{{SVG}}}text") if t.get("class") == "dg-grad"]
        assert [t.text for t in grad] == [f"grad {trace.final[j]:.4g}"]  # drawn complete
        assert graph["tip"][j].endswith("grad ") and graph["word"][j] == "grad"
    # x fans out: after its second signal its cell shows the sum of both
    x = trace.names.index("x")
    into_x = [i for i, s in enumerate(trace.steps) if s.parent == x]
    a, b = (trace.steps[i].contribution for i in into_x)
    assert graph["sum"][into_x[0]] == "" and graph["sum"][into_x[1]] == f"= {a:.4g} − {-b:.4g}"
    # the position at which each node's gradient is complete
    for j in range(len(trace.order)):
        k = data["complete"][j]
        assert j in trace.complete_at(k) and (k == 0 or j not in trace.complete_at(k - 1))


@pytest.mark.parametrize("case", ["neuron", "mlp"])
def test_each_position_shows_the_texts_of_the_full_frame(case) -> None:
    """Replaying the step records gives, at every position, the grad lines the old full frames drew."""
    if case == "neuron":
        root, options = net(), {}
    else:
        model = nn.MLP(2, [2, 1], seed=1)
        root, options = nn.squared_error(model([0.5, -1.0]), [1.0]), {"model": model}
    graph = embedded_data(player.steps_html(root, **options))["graph"]
    trace = trace_backward(root)
    frames = frame_svgs(trace, title=False, **options)
    assert "δ" in graph["word"] if case == "mlp" else "δ" not in graph["word"]
    for k, frame in enumerate(frames):
        for j, v in enumerate(trace.order):
            if v.op != "const":
                assert replayed_lines(graph, trace, k, j) == frame_lines(frame, j), (k, trace.names[j])


def test_a_tour_sized_player_is_small() -> None:
    """One picture plus text per step: the 12 MB of one SVG per step (76 steps) is gone.

    Bound: the graph's SVG (about 150 kB here), at most 3 kB of text and numbers per step (about
    1.4 kB now) and 60 kB for the page itself; and under 600 kB in all, twice what it is now, so
    a more verbose Graphviz still passes while any per-step picture (over 100 kB each) fails.
    """
    loss = tour_sized_loss()
    page = player.steps_html(loss)
    data = embedded_data(page)
    n = len(data["steps"])
    assert 60 <= n <= 100 and len(engine.topo_order(loss)) >= 50
    size = len(page.encode("utf-8"))
    assert size < len(data["graph"]["svg"].encode("utf-8")) + 3000 * n + 60_000
    assert size < 600_000 and page.count("<svg") == 1


def test_draw_options_reach_the_drawing_and_the_step_state_is_refused() -> None:
    data = embedded_data(player.steps_html(net(), rankdir="TB", fmt=".2f", legend=False))
    assert data["graph"]["legend"] is None and data["graph"]["grad"][0] == "1.00"
    assert "rankdir" not in data["graph"]["svg"]  # (DOT option: the layout shows it, the SVG does not)
    legend = embedded_data(player.steps_html(net()))["graph"]["legend"]
    scale = max(abs(g) for g in trace_backward(net()).final)  # the colours of the complete graph
    assert legend["rows"] == [[fill, text, style.text_colour(fill)]
                              for fill, text in style.legend_rows(scale, lambda v: f"{v:.4g}")]
    assert legend["rows"][0][1] == "grad in (0.6333, 1.267]"
    for key in ("highlight_edge", "complete", "pending", "applied_edges", "show_grad"):
        with pytest.raises(TypeError, match=f"{key} is set by each step"):
            player.steps_html(net(), **{key: None})
    with pytest.raises(TypeError, match="legend must be True or False"):
        player.steps_html(net(), legend="yes")
    with pytest.raises(ValueError, match="rankdir must be one of"):
        player.steps_html(net(), rankdir="XY")


def test_hidden_constants_have_no_graph_elements() -> None:
    x = Value(2.0, "x")
    y = (x * 3 + 1).relu() * 2
    data = embedded_data(player.steps_html(y, hide_constants=True))
    trace = trace_backward(y)
    consts = [j for j, v in enumerate(trace.order) if v.op == "const"]
    assert consts and all(f'id="v{j}"' not in data["graph"]["svg"] for j in consts)
    assert all(data["graph"]["word"][j] is None for j in consts)


def test_an_svg_of_unknown_structure_falls_back_to_one_frame_per_step(monkeypatch) -> None:
    monkeypatch.setattr(player, "graph_data", lambda trace, **options: None)
    data = embedded_data(player.steps_html(net()))
    trace = trace_backward(net())
    assert data["graph"] is None and len(data["frames"]) == len(trace) + 1
    for i, s in enumerate(trace.steps):
        frame = data["frames"][i + 1]
        assert frame.startswith("<svg") and f'id="e{s.node}_{s.position}"' in frame
        assert style.HIGHLIGHT.lower() in frame.lower()
    monkeypatch.setattr(player, "MAX_FRAME_STEPS", 3)
    with pytest.raises(ValueError, match="more than 3"):
        player.steps_html(net())


# node v0 of the neuron after backward(), as Graphviz 2.43 `dot` draws it (frame last, fills with a
# transparent stroke) and as graphviz-pure 16.1 does (frame first, fills with no stroke)
CELLS = """<polygon fill="none" stroke="#1b7837" points="3,-64 3,-98 20,-98 20,-64 3,-64"/>
<text text-anchor="start" x="8" y="-79.2" font-weight="bold">x</text>
<polygon fill="none" stroke="#1b7837" points="20,-64 20,-98 66,-98 66,-64 20,-64"/>
<text text-anchor="start" x="25" y="-78.2">data 1</text>
<polygon fill="#3182bd" stroke="{stroke}" points="66,-64 66,-98 185,-98 185,-64 66,-64"/>
<polygon fill="none" stroke="#1b7837" points="66,-64 66,-98 185,-98 185,-64 66,-64"/>
<text text-anchor="start" x="93.5" y="-84.2" fill="white">grad &#45;1.267</text>
<text text-anchor="start" x="71" y="-72.2" fill="white">= &#45;0.9051 − 0.3614</text>"""
FRAME = '<polygon fill="none" stroke="#1b7837" stroke-width="3" points="1.5,-62.5 1.5,-99.5 186.5,-99.5 186.5,-62.5"/>'


@pytest.mark.parametrize("body", [CELLS.format(stroke="transparent") + FRAME, FRAME + CELLS.format(stroke="none")],
                         ids=["dot-2.43", "graphviz-pure"])
def test_records_are_read_by_their_geometry(body) -> None:
    group = ET.fromstring(f'<g xmlns="{SVG}" id="v0" class="node"><a>{body}</a></g>')
    lines = player_graph._mark_record(group)
    assert [t.text for t in lines] == ["grad -1.267", "= -0.9051 − 0.3614"]
    assert [t.get("class") for t in lines] == ["dg-grad", "dg-sum"]
    assert {t.get("x") for t in lines} == {"125.50"} and {t.get("text-anchor") for t in lines} == {"middle"}
    polygons = list(group.iter(f"{{{SVG}}}polygon"))
    assert [p.get("class") for p in polygons if p.get("stroke-width") == "3"] == ["dg-box"]
    assert [p.get("class") for p in polygons if p.get("fill") == "#3182bd"] == ["dg-fill"]
    assert sum(p.get("class") is None for p in polygons) == 3  # the three cell borders


def test_a_record_of_unknown_shape_is_not_marked() -> None:
    """The structure check behind the fallback: a node that is not a 3-cell record is refused."""
    plain = ET.fromstring('<g xmlns="http://www.w3.org/2000/svg"><polygon points="0,0 1,1"/>'
                          '<polygon fill="none" points="0,0 1,1"/><text>only one cell</text></g>')
    assert player_graph._mark_record(plain) is None
    edge = ET.fromstring('<g xmlns="http://www.w3.org/2000/svg"><path/><text>local 1</text></g>')
    assert player_graph._mark_signal(edge) is False


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
