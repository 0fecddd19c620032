"""Rendering anywhere: to_svg, to_png, save, and a Digraph that displays itself in Jupyter.

Everything goes through `viz.backends.find_renderer`, so it works with no system Graphviz
(graphviz-pure is installed with deltagrad) and uses a system `dot` when there is one.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Union

import graphviz

from viz.diagrams.backends import DEFAULT_TIMEOUT, find_renderer
from viz.errors import NotDrawableError, OutputPathError, UnsupportedFormatError

PathLike = Union[str, "os.PathLike[str]"]
SAVE_FORMATS = {".svg": "svg", ".png": "png", ".dot": "dot", ".gv": "dot"}


class Diagram(graphviz.Digraph):
    """A graphviz.Digraph rendered by viz's renderers: shows as SVG in Jupyter without system dot."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", "svg")  # graphviz's default is pdf, which viz does not render
        super().__init__(*args, **kwargs)

    def pipe(self, format: str | None = None, renderer: str | None = None, formatter: str | None = None,
             neato_no_op: Any = None, quiet: bool = False, *, engine: str | None = None,
             encoding: str | None = None) -> Any:
        """The rendered bytes (or str, when `encoding` is given) in `format` ("svg" or "png")."""
        data = render_bytes(self, format or self.format or "svg")
        return data.decode(encoding) if encoding is not None else data

    def render(self, filename: PathLike | None = None, directory: PathLike | None = None,
               view: bool = False, cleanup: bool = False, format: str | None = None,
               **_ignored: Any) -> str:
        """Write the DOT source to `filename` and the picture to `filename.format`; return its path."""
        base = Path(directory or self.directory or "") / (filename or self.filename)
        out = Path(f"{base}.{format or self.format or 'svg'}")
        save(self, out)
        if not cleanup:  # like graphviz: keep the DOT source next to the picture
            _check_writable(base)
            base.write_text(self.source, encoding="utf-8")
        return str(out)

    def _repr_image_svg_xml(self) -> str:
        return to_svg(self)

    def _repr_image_png(self) -> bytes:
        return to_png(self)

    def _repr_image_jpeg(self) -> bytes:
        raise UnsupportedFormatError("viz diagrams display as SVG or PNG, not JPEG")

    def _repr_svg_(self) -> str:
        return to_svg(self)

    def to_svg(self, renderer: str | None = None) -> str:
        """This diagram as an SVG document."""
        return to_svg(self, renderer=renderer)

    def save(self, path: PathLike, renderer: str | None = None) -> Path:
        """Write this diagram to `path` (.svg, .png or .dot)."""
        return save(self, path, renderer=renderer)


def dot_source(obj: object) -> str:
    """The DOT source of a Diagram/graphviz graph; a Value is drawn with draw(), an MLP with draw_network()."""
    if isinstance(obj, (graphviz.Graph, graphviz.Digraph, graphviz.Source)):
        return obj.source
    from engine import Value

    if type(obj) is Value:
        from viz.diagrams.draw import draw

        return draw(obj).source
    if _looks_like_mlp(obj):
        from viz.diagrams.network import draw_network

        return draw_network(obj).source
    raise NotDrawableError(
        f"render: expected a diagram (viz.draw / viz.draw_network / a graphviz graph), an "
        f"engine.Value or an nn.MLP, got {type(obj).__name__} {obj!r:.60}"
    )


def render_bytes(obj: object, fmt: str, renderer: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """`obj` rendered to `fmt` ("svg" or "png") by the chosen or first installed renderer."""
    source = dot_source(obj)
    return find_renderer(renderer, fmt).run(source, fmt, timeout)


def to_svg(obj: object, renderer: str | None = None) -> str:
    """`obj` (a diagram, Value or MLP) as an SVG document string."""
    return render_bytes(obj, "svg", renderer).decode("utf-8")


def to_png(obj: object, renderer: str | None = None) -> bytes:
    """`obj` (a diagram, Value or MLP) as PNG bytes."""
    return render_bytes(obj, "png", renderer)


def save(obj: object, path: PathLike, renderer: str | None = None) -> Path:
    """Write `obj` to `path`, the format taken from the extension: .svg, .png, or .dot (the source)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"save: path must be a str or os.PathLike, got {type(path).__name__} {path!r:.60}")
    target = Path(path)
    fmt = SAVE_FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise UnsupportedFormatError(
            f"save: unknown extension {target.suffix or '(none)'!r} in {str(target)!r}; "
            f"use one of {', '.join(SAVE_FORMATS)}"
        )
    _check_writable(target)
    data = dot_source(obj).encode("utf-8") if fmt == "dot" else render_bytes(obj, fmt, renderer)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise OutputPathError(f"save: cannot write {str(target)!r}: {exc.strerror or exc}") from None
    return target


def _check_writable(target: Path) -> None:
    """Fail before rendering when the file obviously cannot be written."""
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise OutputPathError(f"save: {str(target)!r} is a directory, not a file name")
    if not parent.is_dir():
        raise OutputPathError(f"save: cannot write {str(target)!r}: the directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise OutputPathError(f"save: cannot write {str(target)!r}: permission denied")


def _looks_like_mlp(obj: object) -> bool:
    return hasattr(obj, "layers") and hasattr(obj, "sizes") and not isinstance(obj, type)
