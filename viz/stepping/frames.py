"""The graph at each step of the backward pass: numbered SVGs and an animated GIF/APNG.

Frame k shows the state after k steps (k = 0: only the root is seeded): the edge of step k
highlighted, nodes whose gradient is complete marked, the others dimmed, and every node's
grad as it stands then. Drawing is viz.draw's; the state comes from a BackwardTrace.
"""
from __future__ import annotations

import io
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional, Union

from engine import Value
from viz.diagrams.draw import draw
from viz.args import check_int, check_number
from viz.errors import ArgumentValueError, OutputPathError, RenderError, UnsupportedFormatError, WorkTooLargeError
from viz.diagrams.render import Diagram, render_bytes
from viz.stepping import bounds
from viz.stepping.steps import BackwardTrace, trace_backward

PathLike = Union[str, "os.PathLike[str]"]
ANIMATION_FORMATS = {".gif": "GIF", ".png": "PNG", ".apng": "PNG"}
# A whole frames or animation run is bounded (issue 11: any graph the CLI accepts finishes or is
# refused within a minute and 1 GB): refused up front when the estimate exceeds max_seconds,
# stopped when it runs over; an animation's frames are scaled down to fit ANIMATION_PIXELS in all
# (held as RGB, and again by Pillow while it writes: under 1 GB).
FRAMES_SECONDS = 50.0  # of rendering; with start-up, tracing and writing the file the run stays within a minute
MAX_FRAMES = 5_000
MAX_FRAME_SIDE = 2000  # pixels
ANIMATION_PIXELS = 60_000_000
MAX_SECONDS_PER_STEP = 600.0  # GIF delays are 16-bit centiseconds (655 s)
_DPI = 96.0  # graphviz's pixels per inch, to turn MAX_FRAME_SIDE into a `size`
_SECONDS_PER_FRAME = (0.15, 0.002)  # a + b × (nodes + edges) s per frame: graphviz-pure here, on a loaded machine


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
    if not isinstance(title, (bool, str)):
        raise TypeError(f"frame: title must be True, False or a str, got {type(title).__name__} {title!r:.60}")
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


class _Budget:
    """The time left to a whole frames/animation run; each render may use only what is left."""

    def __init__(self, where: str, seconds: float) -> None:
        self.where, self.seconds = where, seconds
        self.end = time.monotonic() + seconds

    def render(self, diagram: Diagram, fmt: str) -> bytes:
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.exceeded()
        try:
            return render_bytes(diagram, fmt, timeout=left)
        except RenderError as e:
            if "took longer" in str(e):
                raise self.exceeded() from None
            raise

    def exceeded(self) -> WorkTooLargeError:
        return WorkTooLargeError(f"{self.where}: stopped after {self.seconds:g} s (max_seconds), before every "
                                 "frame was drawn; draw a smaller graph or pass a larger max_seconds")


class _Lazy:
    """A re-iterable view of `items` through `make`, so padded frames are never all in memory at once."""

    def __init__(self, items: list[Any], make: Any) -> None:
        self.items, self.make = items, make

    def __iter__(self) -> Iterator[Any]:
        return (self.make(item) for item in self.items)

    def __len__(self) -> int:
        return len(self.items)


def estimate_seconds(trace: BackwardTrace) -> float:
    """What rendering every frame of `trace` should take: (steps + 1) × (a + b × (nodes + edges))."""
    a, b = _SECONDS_PER_FRAME
    return (len(trace) + 1) * (a + b * (len(trace.order) + len(trace)))


def _plan(source: Value | BackwardTrace, where: str, max_seconds: object, digits: int = 4) -> tuple[BackwardTrace, _Budget]:
    """The trace and its time budget, or a WorkTooLargeError before anything is rendered."""
    seconds = check_number(max_seconds, where, "max_seconds", 0.0, 3600.0)
    if isinstance(source, Value):
        bounds.check_steps(source, where, MAX_FRAMES - 1)
    trace = as_trace(source, digits)
    if len(trace) + 1 > MAX_FRAMES:
        raise WorkTooLargeError(f"{where}: {len(trace) + 1:,} frames (one per step and the start) are more than "
                                f"{MAX_FRAMES:,}; step through a smaller graph")
    guess = estimate_seconds(trace)
    if guess > seconds:
        raise WorkTooLargeError(
            f"{where}: {len(trace) + 1:,} frames of a {len(trace.order):,}-node graph would take about "
            f"{guess:.0f} s to render, more than max_seconds={seconds:g}; step through a smaller graph "
            "(one neuron, one example), use the HTML player (save_steps_html draws the graph once), "
            "or pass a larger max_seconds")
    return trace, _Budget(where, seconds)


def _frames(trace: BackwardTrace, budget: _Budget, fmt: str, size: Optional[str] = None, *, title: bool | str = True,
            **draw_options: Any) -> Iterator[bytes]:
    """Frame k rendered, one at a time (start, then one per step); `size` caps the picture (inches)."""
    for k in range(len(trace) + 1):
        diagram = frame(trace, k, title=title, **draw_options)
        if size is not None:
            diagram.attr(size=size)  # Graphviz scales a larger drawing down to fit
        yield budget.render(diagram, fmt)


def frame_svgs(source: Value | BackwardTrace, *, title: bool | str = True, max_seconds: float = FRAMES_SECONDS,
               **draw_options: Any) -> list[str]:
    """Every frame (start, then one per step) as an SVG document, within max_seconds in all."""
    trace, budget = _plan(source, "frame_svgs", max_seconds)
    return [svg.decode("utf-8") for svg in _frames(trace, budget, "svg", title=title, **draw_options)]


def save_frames(source: Value | BackwardTrace, directory: PathLike, *, prefix: str = "step",
                max_seconds: float = FRAMES_SECONDS, **draw_options: Any) -> list[Path]:
    """Write frame k to directory/{prefix}_{k:03d}.svg (000 = start); returns the paths in order.

    Each frame is written as soon as it is rendered (never all held in memory); the whole run is
    refused up front when its estimate exceeds max_seconds, and stopped if it runs over.
    """
    if not isinstance(prefix, str) or not prefix or "/" in prefix or "\\" in prefix or prefix in (".", ".."):
        raise ValueError(f"save_frames: prefix must be a plain file-name start such as 'step' (the frames "
                         f"go into `directory`), got {prefix!r:.60}")
    if not isinstance(directory, (str, os.PathLike)) or not str(directory):
        raise ValueError(f"save_frames: directory must be a non-empty path, got {directory!r:.60}")
    trace, budget = _plan(source, "save_frames", max_seconds)
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputPathError(f"save_frames: cannot create {str(folder)!r}: {e.strerror or e}") from None
    width = max(3, len(str(len(trace))))
    paths = []
    for k, svg in enumerate(_frames(trace, budget, "svg", **draw_options)):
        path = folder / f"{prefix}_{k:0{width}d}.svg"
        try:
            path.write_bytes(svg)
        except OSError as e:
            raise OutputPathError(f"save_frames: cannot write {str(path)!r}: {e.strerror or e}") from None
        paths.append(path)
    return paths


def save_animation(source: Value | BackwardTrace, path: PathLike, *, seconds_per_step: float = 1.5,
                   loop: int = 0, max_seconds: float = FRAMES_SECONDS, **draw_options: Any) -> Path:
    """The frames as an animated GIF (.gif) or APNG (.png / .apng), padded to one size.

    The first and last frames stay twice as long; loop=0 repeats forever, n plays n more times.
    Every argument is checked before anything is drawn. Bounded: the run is refused up front
    when its estimate exceeds max_seconds (and stopped if it runs over), each frame is at most
    MAX_FRAME_SIDE pixels a side and all frames together at most ANIMATION_PIXELS (larger
    pictures are scaled down). Needs Pillow (the `gif` extra).
    """
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise ValueError(f"save_animation: path must be a non-empty file name like steps.gif, got {path!r:.60}")
    target = Path(path)
    fmt = ANIMATION_FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise UnsupportedFormatError(
            f"save_animation: unknown extension {target.suffix or '(none)'!r} in {str(target)!r}; "
            f"use one of {', '.join(ANIMATION_FORMATS)}")
    try:
        seconds_per_step = check_number(seconds_per_step, "save_animation", "seconds_per_step", 0.0,
                                        MAX_SECONDS_PER_STEP)
    except ArgumentValueError:
        raise ArgumentValueError(f"save_animation: seconds_per_step must be positive, finite and at most "
                                 f"{MAX_SECONDS_PER_STEP:g} (seconds), got {seconds_per_step!r}") from None
    if round(seconds_per_step * 1000) < 10:
        raise ArgumentValueError(f"save_animation: seconds_per_step must be positive and at least 0.01 "
                                 f"(seconds), got {seconds_per_step!r}")
    check_int(loop, "save_animation", "loop", 0, 65535)  # GIF and APNG store the count in 16 bits
    if target.is_dir():
        raise OutputPathError(f"save_animation: {str(target)!r} is a directory; give a file name like steps.gif")
    if not (target.parent if str(target.parent) else Path(".")).is_dir():
        raise OutputPathError(f"save_animation: cannot write {str(target)!r}: the directory "
                              f"{str(target.parent)!r} does not exist")
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow is in the gif extra
        raise ImportError("save_animation needs Pillow: pip install 'deltagrad[gif]'") from None
    trace, budget = _plan(source, "save_animation", max_seconds)
    frames = len(trace) + 1
    pixels = ANIMATION_PIXELS // frames  # per frame
    side = min(MAX_FRAME_SIDE, int(pixels ** 0.5 * 2))  # the renderer's box; a wide frame is cut to `pixels` below
    size = f"{side / _DPI:.2f},{side / _DPI:.2f}"
    images = []
    for png in _frames(trace, budget, "png", size, **draw_options):
        im = Image.open(io.BytesIO(png))
        if im.width * im.height > pixels:  # the hard cap on memory, whatever the renderer made
            scale = (pixels / (im.width * im.height)) ** 0.5
            im = im.resize((max(1, int(im.width * scale)), max(1, int(im.height * scale))))
        images.append(im.convert("RGB"))
    width = max(im.width for im in images)
    height = max(im.height for im in images)
    if width * height > pixels:  # frames of different shapes: the padded size must fit too
        scale = (pixels / (width * height)) ** 0.5
        images = [im.resize((max(1, int(im.width * scale)), max(1, int(im.height * scale)))) for im in images]
        width, height = max(1, int(width * scale)), max(1, int(height * scale))

    def pad(im: Any) -> Any:
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(im, (0, 0))
        return canvas.convert("P", palette=Image.Palette.ADAPTIVE, colors=255) if fmt == "GIF" else canvas

    step_ms = round(seconds_per_step * 1000)
    durations = [step_ms] * len(images)
    durations[0] = durations[-1] = 2 * step_ms
    rest = _Lazy(images[1:], pad)  # padded one at a time, as Pillow writes them (APNG reads the list twice)
    options: dict[str, Any] = {"save_all": True, "append_images": rest, "duration": durations, "loop": loop}
    if fmt == "GIF":
        options["disposal"] = 1
    try:
        pad(images[0]).save(target, format=fmt, **options)
    except OSError as e:
        raise OutputPathError(f"save_animation: cannot write {str(target)!r}: {e.strerror or e}") from None
    return target
