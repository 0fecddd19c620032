"""viz.frames: one picture per step (numbered SVGs, GIF/APNG), drawn in the state of that step."""
from __future__ import annotations

import html
import io
import re

import pytest

from engine import Value
from viz import style
from viz.errors import UnsupportedFormatError
from viz.frames import frame, frame_svgs, save_animation, save_frames
from viz.steps import trace_backward


def net():
    x, w, b = Value(1.0, "x"), Value(-2.0, "w"), Value(0.5, "b")
    return (x * w + b).tanh() * x, (x, w, b)


def group(svg: str, element_id: str) -> str:
    """The <g id="..."> element of an SVG (nodes and edges are not nested in graphviz output)."""
    m = re.search(rf'<g id="{element_id}" class="(?:node|edge)">(.*?)</g>\s*(?=<!--|</g>\s*</svg>)', svg, re.S)
    assert m, f"no element {element_id}"
    return m.group(1)


def test_numbered_svgs_one_per_step_plus_the_start(tmp_path) -> None:
    root, _ = net()
    trace = trace_backward(root)
    paths = save_frames(trace, tmp_path / "frames")
    assert [p.name for p in paths] == [f"step_{k:03d}.svg" for k in range(len(trace) + 1)]
    svgs = [p.read_text(encoding="utf-8") for p in paths]
    assert all(s.lstrip().startswith("<?xml") or s.lstrip().startswith("<svg") for s in svgs)
    assert len(set(svgs)) == len(svgs)  # every frame differs from the others
    assert style.HIGHLIGHT.lower() not in svgs[0].lower()
    for k in range(1, len(trace) + 1):
        s = trace.steps[k - 1]
        edge = group(svgs[k], f"e{s.node}_{s.position}")
        assert style.HIGHLIGHT.lower() in edge.lower()  # the edge being applied
        assert svgs[k].lower().count(f'stroke="{style.HIGHLIGHT.lower()}"') >= 1
        assert f"Step {k} of {len(trace)}" in html.unescape(svgs[k])


def test_each_frame_shows_the_grads_of_its_step() -> None:
    root, (x, w, b) = net()
    trace = trace_backward(root)
    svgs = frame_svgs(trace, title=False)
    for k in range(len(trace) + 1):
        grads = trace.grads_at(k)
        for j, v in enumerate(trace.order):
            record = html.unescape(group(svgs[k], f"v{j}"))
            assert f"grad {grads[j]:.4g}" in record, (k, trace.names[j])


def test_drawing_restores_grads_and_labels() -> None:
    root, (x, w, b) = net()
    trace = trace_backward(root)
    before = [v.grad for v in trace.order]
    d = frame(trace, 2)
    assert 'label="L"' in d.source or ">L<" in d.source  # the unlabeled root is drawn as L
    assert [v.grad for v in trace.order] == before and root.label == ""
    with pytest.raises(IndexError, match="0..7"):
        frame(trace, 8)
    with pytest.raises(TypeError, match="highlight_edge is set from the step"):
        frame(trace, 1, highlight_edge=(root, 0))
    assert [v.grad for v in trace.order] == before


def test_frame_from_a_root_runs_its_backward_pass() -> None:
    root, (x, w, b) = net()
    d = frame(root, 0, title="custom title", rankdir="TB")
    assert "custom title" in d.source and "rankdir=TB" in d.source
    assert root.grad == 1.0 and x.grad != 0.0


@pytest.mark.parametrize("suffix", [".gif", ".png", ".apng"])
def test_animation_has_one_frame_per_position(tmp_path, suffix) -> None:
    PIL = pytest.importorskip("PIL.Image")
    root, _ = net()
    trace = trace_backward(root)
    path = save_animation(trace, tmp_path / f"steps{suffix}", seconds_per_step=0.5)
    data = path.read_bytes()
    im = PIL.open(io.BytesIO(data))
    assert im.format == ("GIF" if suffix == ".gif" else "PNG")
    assert getattr(im, "is_animated", False) and im.n_frames == len(trace) + 1
    sizes = set()
    for i in range(im.n_frames):
        im.seek(i)
        sizes.add(im.size)
    assert len(sizes) == 1


def test_animation_rejects_unknown_formats(tmp_path) -> None:
    root, _ = net()
    with pytest.raises(UnsupportedFormatError, match="use one of .gif, .png, .apng"):
        save_animation(root, tmp_path / "a.mp4")
    with pytest.raises(ValueError, match="seconds_per_step must be positive"):
        save_animation(root, tmp_path / "a.gif", seconds_per_step=0)


@pytest.mark.parametrize("prefix", ["../../x", "sub/step", "", 3])
def test_frames_stay_in_their_folder(tmp_path, prefix) -> None:
    folder = tmp_path / "frames"
    with pytest.raises(ValueError, match="save_frames: prefix must be a plain file-name start"):
        save_frames(Value(2.0, "x") * 3.0, folder, prefix=prefix)
    assert list(tmp_path.rglob("*.svg")) == []
