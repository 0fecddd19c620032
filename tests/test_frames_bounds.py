"""Issue 11, bounded frames/animation: arguments are checked and a too-large run is refused before
any frame is rendered (renders counted through a monkeypatched renderer, never timed); a run that
overruns max_seconds is stopped; frames are written one by one; animation frames are size-capped."""
from __future__ import annotations

import io
import math

import pytest

import viz
from engine import Value
from viz.errors import WorkTooLargeError
from viz.stepping import frames


def net():
    x, w, b = Value(1.0, "x"), Value(-2.0, "w"), Value(0.5, "b")
    return (x * w + b).tanh() * x


def nested_tanh(n: int) -> Value:
    y = Value(0.5, "x")
    for _ in range(n - 1):
        y = y.tanh()
    return y


@pytest.fixture
def renders(monkeypatch):
    """Count the renders frames.py asks for (the real renderer still runs)."""
    monkeypatch.setenv("DELTAGRAD_RENDERER", "graphviz-pure")
    calls = []
    real = frames.render_bytes

    def counting(diagram, fmt, renderer=None, timeout=120.0):
        calls.append((fmt, timeout))
        return real(diagram, fmt, renderer, timeout)

    monkeypatch.setattr(frames, "render_bytes", counting)
    return calls


@pytest.mark.parametrize("kwargs, message", [
    ({"loop": -1}, "loop must be an int from 0 to 65535"), ({"loop": "x"}, "loop must be an int"),
    ({"loop": True}, "loop must be an int"), ({"loop": 70_000}, "loop must be an int from 0 to 65535"),
    ({"loop": 1.5}, "loop must be an int"),
    ({"seconds_per_step": 1e12}, "seconds_per_step must be positive, finite and at most 600"),
    ({"seconds_per_step": math.nan}, "seconds_per_step must be positive"),
    ({"seconds_per_step": math.inf}, "seconds_per_step must be positive"),
    ({"seconds_per_step": 0}, "seconds_per_step must be positive"),
    ({"seconds_per_step": 0.001}, "seconds_per_step must be positive and at least 0.01"), ({"seconds_per_step": "1"}, "seconds_per_step must be"),
    ({"max_seconds": -1}, "max_seconds must be"), ({"max_seconds": math.nan}, "max_seconds must be"),
])
def test_frames_bounds_animation_arguments_refused_before_any_render(renders, tmp_path, kwargs, message):
    with pytest.raises((ValueError, TypeError), match=f"save_animation: {message}"):
        viz.save_animation(net(), tmp_path / "a.gif", **kwargs)
    assert renders == []


def test_frames_bounds_animation_paths_refused_before_any_render(renders, tmp_path):
    with pytest.raises(ValueError, match="non-empty file name"):
        viz.save_animation(net(), "")
    with pytest.raises(viz.OutputPathError, match="does not exist"):
        viz.save_animation(net(), tmp_path / "missing" / "a.gif")
    with pytest.raises(viz.OutputPathError, match="is a directory"):
        (tmp_path / "d.gif").mkdir()
        viz.save_animation(net(), tmp_path / "d.gif")
    with pytest.raises(ValueError, match="non-empty path"):
        viz.save_frames(net(), "")
    assert renders == []


def test_frames_bounds_141_node_nested_tanh_refused_up_front(renders, tmp_path):
    root = nested_tanh(141)
    with pytest.raises(WorkTooLargeError, match=r"save_animation: 141 frames of a 141-node graph would take about"):
        viz.save_animation(root, tmp_path / "a.gif")
    with pytest.raises(WorkTooLargeError, match="save_frames: 141 frames"):
        viz.save_frames(root, tmp_path / "frames")
    with pytest.raises(WorkTooLargeError, match="frame_svgs"):
        viz.frame_svgs(root)
    assert renders == []
    assert not (tmp_path / "frames").exists()


def test_frames_bounds_huge_graph_refused_from_counts_without_tracing(renders, monkeypatch, tmp_path):
    monkeypatch.setattr(frames, "trace_backward", lambda *a, **k: pytest.fail("traced"))
    with pytest.raises(viz.GraphTooLargeError, match="save_frames: the graph has more than"):
        viz.save_frames(nested_tanh(frames.MAX_FRAMES + 10), tmp_path / "f")
    assert renders == []


def test_frames_bounds_run_over_max_seconds_is_stopped(monkeypatch, tmp_path):
    clock = [0.0]
    calls = []
    monkeypatch.setattr(frames.time, "monotonic", lambda: clock[0])

    def slow(diagram, fmt, renderer=None, timeout=120.0):
        calls.append(timeout)
        clock[0] += 10.0  # each render "takes" 10 s of the budget
        return b"<svg xmlns='http://www.w3.org/2000/svg'/>"

    monkeypatch.setattr(frames, "render_bytes", slow)
    with pytest.raises(WorkTooLargeError, match="stopped after 25 s"):
        viz.save_frames(net(), tmp_path / "f", max_seconds=25)
    assert len(calls) == 3  # 0-10, 10-20, 20-30 s: the fourth is never started
    assert calls == [25.0, 15.0, 5.0]  # each render may use only the time left


def test_frames_bounds_frames_are_written_as_they_are_rendered(monkeypatch, tmp_path):
    written = []
    real = frames.render_bytes

    def check(diagram, fmt, renderer=None, timeout=120.0):
        written.append(sorted(p.name for p in (tmp_path / "f").glob("*.svg")))
        return real(diagram, fmt, "graphviz-pure", timeout)

    monkeypatch.setattr(frames, "render_bytes", check)
    paths = viz.save_frames(net(), tmp_path / "f")
    assert [len(w) for w in written] == list(range(len(paths)))  # frame k rendered after k were on disk


def test_frames_bounds_animation_frames_are_scaled_to_the_pixel_budget(monkeypatch, tmp_path):
    PIL = pytest.importorskip("PIL.Image")
    monkeypatch.setenv("DELTAGRAD_RENDERER", "graphviz-pure")
    monkeypatch.setattr(frames, "ANIMATION_PIXELS", 400_000)
    root = net()
    n_frames = len(viz.trace_backward(root)) + 1
    path = viz.save_animation(root, tmp_path / "a.gif")
    im = PIL.open(io.BytesIO(path.read_bytes()))
    assert im.n_frames == n_frames
    assert im.width * im.height <= 400_000 // n_frames
