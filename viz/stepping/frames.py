"""The graph at each step of the backward pass: numbered SVGs and an animated GIF/APNG.

Frame k shows the state after k steps (k = 0: only the root is seeded): the edge of step k
highlighted, nodes whose gradient is complete marked, the others dimmed, and every node's
grad as it stands then. Drawing is viz.draw's; the state comes from a BackwardTrace.
"""
from __future__ import annotations

import io
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Union

from engine import Value
from viz.diagrams.draw import draw
from viz.errors import OutputPathError, UnsupportedFormatError
from viz.diagrams.render import Diagram, to_png, to_svg
from viz.stepping.steps import BackwardTrace, trace_backward

PathLike = Union[str, "os.PathLike[str]"]
ANIMATION_FORMATS = {".gif": "GIF", ".png": "PNG", ".apng": "PNG"}


def as_trace(source: Value | BackwardTrace, digits: int = 4) -> BackwardTrace:
    """A BackwardTrace for a root Value (running its backward pass), or the trace itself."""
    if isinstance(source, BackwardTrace):
        return source
    return trace_backward(source, digits=digits)


@contextmanager
def _state(trace: BackwardTrace, k: int) -> Iterator[None]:
    """Temporarily give every node its grad after k steps (and an unlabeled root the name L).

    viz.draw reads `grad` and `label` off the nodes; both are restored afterwards.
    """
    grads = trace.grads_at(k)
    saved = [v.grad for v in trace.order]
    root = trace.order[-1]
    saved_label = root.label
    try:
        for v, g in zip(trace.order, grads):
            v.grad = g
        if not saved_label:
            root.label = trace.root_name
        yield
    finally:
        for v, g in zip(trace.order, saved):
            v.grad = g
        root.label = saved_label


def frame(source: Value | BackwardTrace, k: int, *, title: bool | str = True, **draw_options: Any) -> Diagram:
    """The diagram after k steps (0 = start), with step k's edge highlighted.

    title=True puts the step's equation above the graph; a str is used as the title as is.
    Other keyword arguments go to viz.draw (rankdir, fmt, hide_constants, max_nodes, legend).
    """
    trace = as_trace(source)
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= len(trace):
        raise IndexError(f"frame: k must be an int in 0..{len(trace)}, got {k!r}")
    for key in ("highlight_edge", "complete", "pending", "applied_edges", "show_grad"):
        if key in draw_options:
            raise TypeError(f"frame: {key} is set from the step; do not pass it")
    order = trace.order
    done = trace.complete_at(k)
    edge = None
    if k:
        s = trace.steps[k - 1]
        edge = (order[s.node], s.position)
    if title is True:
        title = frame_title(trace, k)
    with _state(trace, k):
        return draw(
            trace.root, highlight_edge=edge, complete=[order[j] for j in done],
            pending=[v for j, v in enumerate(order) if j not in done],
            applied_edges=[(order[n], p) for n, p in trace.applied_at(k)],
            show_grad=True, title=title or None, **draw_options,
        )


def frame_title(trace: BackwardTrace, k: int) -> str:
    """The caption of frame k: the start, or "Step k of n: <equation>"."""
    if k == 0:
        return trace.start_text()
    return f"Step {k} of {len(trace)}: {trace.equation(k - 1)}"


def frame_svgs(source: Value | BackwardTrace, *, title: bool | str = True, **draw_options: Any) -> list[str]:
    """Every frame (start, then one per step) as an SVG document."""
    trace = as_trace(source)
    return [to_svg(frame(trace, k, title=title, **draw_options)) for k in range(len(trace) + 1)]


def save_frames(source: Value | BackwardTrace, directory: PathLike, *, prefix: str = "step",
                **draw_options: Any) -> list[Path]:
    """Write frame k to directory/{prefix}_{k:03d}.svg (000 = start); returns the paths in order."""
    if not isinstance(prefix, str) or not prefix or "/" in prefix or "\\" in prefix or prefix in (".", ".."):
        raise ValueError(f"save_frames: prefix must be a plain file-name start such as 'step' (the frames "
                         f"go into `directory`), got {prefix!r:.60}")
    trace = as_trace(source)
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputPathError(f"save_frames: cannot create {str(folder)!r}: {e.strerror or e}") from None
    width = max(3, len(str(len(trace))))
    paths = []
    for k, svg in enumerate(frame_svgs(trace, **draw_options)):
        path = folder / f"{prefix}_{k:0{width}d}.svg"
        try:
            path.write_text(svg, encoding="utf-8")
        except OSError as e:
            raise OutputPathError(f"save_frames: cannot write {str(path)!r}: {e.strerror or e}") from None
        paths.append(path)
    return paths


def save_animation(source: Value | BackwardTrace, path: PathLike, *, seconds_per_step: float = 1.5,
                   loop: int = 0, **draw_options: Any) -> Path:
    """The frames as an animated GIF (.gif) or APNG (.png / .apng), padded to one size.

    The first and last frames stay twice as long. Needs Pillow (the `gif` extra).
    """
    target = Path(path)
    fmt = ANIMATION_FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise UnsupportedFormatError(
            f"save_animation: unknown extension {target.suffix or '(none)'!r} in {str(target)!r}; "
            f"use one of {', '.join(ANIMATION_FORMATS)}")
    if not seconds_per_step > 0:
        raise ValueError(f"save_animation: seconds_per_step must be positive, got {seconds_per_step!r}")
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow is in the gif extra
        raise ImportError("save_animation needs Pillow: pip install 'deltagrad[gif]'") from None
    trace = as_trace(source)
    images = [Image.open(io.BytesIO(to_png(frame(trace, k, **draw_options)))).convert("RGB")
              for k in range(len(trace) + 1)]
    width = max(im.width for im in images)
    height = max(im.height for im in images)
    padded = []
    for im in images:
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(im, (0, 0))
        padded.append(canvas)
    step_ms = int(seconds_per_step * 1000)
    durations = [step_ms] * len(padded)
    durations[0] = durations[-1] = 2 * step_ms
    options: dict[str, Any] = {"save_all": True, "append_images": padded[1:], "duration": durations,
                               "loop": loop}
    if fmt == "GIF":
        padded = [im.convert("P", palette=Image.Palette.ADAPTIVE, colors=255) for im in padded]
        options["append_images"] = padded[1:]
        options["disposal"] = 1
    try:
        padded[0].save(target, format=fmt, **options)
    except OSError as e:
        raise OutputPathError(f"save_animation: cannot write {str(target)!r}: {e.strerror or e}") from None
    return target
