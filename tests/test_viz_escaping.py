"""Issue 11, pictures: titles are plain escaped text, and no control character (C0, DEL, C1) from any
text input (Value.label, titles, number formats) reaches the DOT, the SVG or the player raw."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

import viz
from engine import Value
from nn.mlp import MLP

CONTROLS = [chr(c) for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]]
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what may never appear (newline and tab are DOT/XML layout)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def pure_renderer(monkeypatch):
    monkeypatch.setenv("DELTAGRAD_RENDERER", "graphviz-pure")


def labelled_graph(labels):
    """sum of tanh(x_i) with x_i labelled labels[i]; root labelled too; after backward."""
    xs = [Value(0.1 * (i + 1), label) for i, label in enumerate(labels)]
    y = xs[0].tanh()
    for x in xs[1:]:
        y = y + x.tanh()
    y.label = "L" + "".join(labels[:3])
    y.backward()
    return y


def texts(svg: str) -> str:
    root = ET.fromstring(svg.encode("utf-8"))
    return "\n".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def assert_clean_dot(source: str) -> None:
    # inside the DOT, tabs and newlines are only the statements' own layout
    lines = source.rstrip("\n").split("\n")
    assert lines[-1] == "}" and all(line.startswith("\t") for line in lines[1:-1]), "a raw newline in a statement"
    for line in lines:
        body = line.lstrip("\t")
        assert RAW.search(body) is None and "\t" not in body and "\r" not in body, f"raw control in {line!r:.80}"


def assert_clean_svg(svg: str) -> None:
    ET.fromstring(svg.encode("utf-8"))  # parses
    assert RAW.search(svg) is None
    for el in ET.fromstring(svg.encode("utf-8")).iter():  # no tab/newline inside any text or attribute
        assert "\t" not in (el.text or "") and "\r" not in (el.text or "")
        assert not any(RAW.search(v) or "\t" in v or "\r" in v or "\n" in v for v in el.attrib.values())


@pytest.mark.parametrize("c", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_escaping_every_control_character_in_label_title_and_format_stays_out_of_the_dot(c):
    y = labelled_graph([f"a{c}b", c, f"{c}\\"])
    d = viz.draw(y, title=f"t{c}x{c}", fmt=lambda v: f"{v:.3f}{c}")
    assert_clean_dot(d.source)
    mlp = MLP(2, [2, 1], seed=0)
    mlp([1.0, 2.0])[0].backward()
    assert_clean_dot(viz.draw_network(mlp, title=f"n{c}", fmt=lambda v: f"{v:.2f}{c}").source)


def test_escaping_every_control_character_renders_to_a_clean_svg():
    y = labelled_graph([f"a{c}b" for c in CONTROLS])
    title = "".join(CONTROLS) + "end"
    svg = viz.to_svg(viz.draw(y, title=title, fmt=lambda v: f"{v:.2f}\x1b[31m"))
    assert_clean_svg(svg)
    shown = texts(svg)
    assert "a\\x1bb" in shown and "a\\tb" in shown and "a\\x7fb" in shown and "a\\x9fb" in shown
    assert "\\x1b[31m" in shown  # the number format's escape sequence is shown, not sent


def test_escaping_draw_network_title_and_format_render_clean():
    mlp = MLP(2, [2, 1], seed=0)
    mlp([1.0, 2.0])[0].backward()
    svg = viz.to_svg(viz.draw_network(mlp, title="net" + "".join(CONTROLS), fmt=lambda v: f"{v:.2f}\x00"))
    assert_clean_svg(svg)
    assert "net\\x00\\x01" in texts(svg)


def test_escaping_html_title_is_plain_text():
    y = labelled_graph(["q"])
    svg = viz.to_svg(viz.draw(y, title="<b>x</b> & <i>y</i>"))
    root = ET.fromstring(svg.encode("utf-8"))
    assert "<b>x</b> & <i>y</i>" in texts(svg)
    assert not any(t.get("font-weight") == "bold" and "".join(t.itertext()) == "x" for t in root.iter(f"{SVG}text"))


def test_escaping_title_ending_in_a_backslash_keeps_the_dot_valid():
    y = labelled_graph(["x"])
    svg = viz.to_svg(viz.draw(y, title="C:\\temp\\"))
    assert "C:\\temp\\" in texts(svg)
    assert "\\N" in texts(viz.to_svg(viz.draw(y, title="node \\N here")))  # no DOT escape: \N stays \N


def test_escaping_title_cannot_carry_a_link_into_the_svg():
    y = labelled_graph(["x"])
    evil = '<table><tr><td href="javascript:alert(1)">click</td></tr></table>'
    svg = viz.to_svg(viz.draw(y, title=evil))
    assert "javascript:" not in "".join(
        v for el in ET.fromstring(svg.encode("utf-8")).iter() for k, v in el.attrib.items() if k.endswith("href"))
    assert evil in texts(svg)
    with pytest.raises(TypeError, match="draw: title must be a str"):
        viz.draw(y, title=5)
    with pytest.raises(TypeError, match="draw_network: title must be a str"):
        viz.draw_network(MLP(2, [1]), title=b"x")


def test_escaping_player_and_frames_get_no_raw_control_character(tmp_path):
    labels = [f"a{c}b" for c in CONTROLS[:40]]
    y = labelled_graph(labels)
    page = viz.steps_html(y, title="p" + "".join(CONTROLS))
    template = viz.player._template()
    assert set(RAW.findall(page)) <= set(RAW.findall(template))
    assert "\t" not in page.replace(template, "") or "\t" in template
    assert "p\\x00\\x01" in page
    small = labelled_graph(["".join(CONTROLS[i::4]) for i in range(4)])  # every control character, in 4 labels
    for path in viz.save_frames(small, tmp_path / "frames", title="f" + "".join(CONTROLS)):
        assert_clean_svg(path.read_text(encoding="utf-8"))
    svg = viz.to_svg(viz.frame(small, 1))  # the default title: the step's equation, with the names escaped
    assert_clean_svg(svg)


def test_escaping_steps_text_shows_control_characters_as_escapes():
    y = labelled_graph(["x\x1b[2J"])
    lines = viz.explain_steps(y)
    assert not any(RAW.search(line) for line in lines)
    assert any("x\\x1b[2J" in line for line in lines)
