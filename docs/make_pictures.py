"""Regenerate the pictures in docs/: `python docs/make_pictures.py [outdir] [--renderer NAME]`.

Writes expression.{dot,svg} (y = x·tanh(x·w + b) after backward: x fans out, so its grad is a
visible sum) and network_2_4_1.{dot,svg} (MLP(2, [4, 1]) after one backward pass on one example),
plus RENDERER (which renderer drew the SVGs). tests/test_viz_docs.py checks the committed files are
what this script makes. The renderer is forced (graphviz-pure by default) so the SVG is reproducible.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable from a checkout without installing
    sys.path.insert(0, str(ROOT))

from engine import Value  # noqa: E402
from nn.mlp import MLP  # noqa: E402
import viz  # noqa: E402

DOCS = Path(__file__).resolve().parent
DEFAULT_RENDERER = "graphviz-pure"


def expression() -> Value:
    """y = x · tanh(x·w + b) with x = 2, w = -0.5, b = 0.8, after y.backward()."""
    x, w, b = Value(2.0, "x"), Value(-0.5, "w"), Value(0.8, "b")
    z = x * w + b
    z.label = "z"
    a = z.tanh()
    a.label = "a"
    y = a * x
    y.label = "y"
    y.backward()
    return y


def network() -> tuple[MLP, Value]:
    """MLP(2, [4, 1]) (seed 0) and its loss L = ½(a³₁ − y)² on x = (0.5, −1), y = 1, after backward."""
    mlp = MLP(2, [4, 1], seed=0)
    out = mlp([0.5, -1.0])[0]
    loss = 0.5 * (out - 1.0) ** 2
    loss.label = "L"
    loss.backward()
    return mlp, loss


def make_pictures(outdir: Path = DOCS, renderer: str = DEFAULT_RENDERER) -> list[Path]:
    """Write the four pictures (and RENDERER) into outdir; return the paths written."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    y = expression()
    expr = viz.draw(y, title="y = x · tanh(x·w + b) after y.backward()")
    mlp, loss = network()
    net = viz.draw_network(mlp, loss=loss, title="MLP(2, [4, 1]) after one backward pass: "
                                                 "L = ½(a³₁ − y)², x = (0.5, −1), y = 1")
    written = []
    for name, diagram in (("expression", expr), ("network_2_4_1", net)):
        written.append(viz.save(diagram, outdir / f"{name}.dot"))
        written.append(viz.save(diagram, outdir / f"{name}.svg", renderer=renderer))
    stamp = outdir / "RENDERER"
    stamp.write_text(f"{renderer} {_version(renderer)}\n", encoding="utf-8")
    written.append(stamp)
    return written


def _version(renderer: str) -> str:
    if renderer != "graphviz-pure":
        return "(system)"
    try:
        return importlib.metadata.version("graphviz-pure")
    except importlib.metadata.PackageNotFoundError:
        return "(unknown)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", default=str(DOCS), help="where to write (default: docs/)")
    parser.add_argument("--renderer", default=DEFAULT_RENDERER, choices=viz.RENDERERS)
    args = parser.parse_args(argv)
    for path in make_pictures(Path(args.outdir), args.renderer):
        print(path)


if __name__ == "__main__":
    main()
