"""`deltagrad tour`: train a small MLP on the two moons and write every picture deltagrad makes.

    deltagrad tour                                   # into ./deltagrad-tour/
    deltagrad tour --out DIR --epochs 60 --seed 0 --no-progress

The network is 2-16-16-1, the size of micrograd's demo (tanh hidden layers, sigmoid output y* = P(class 1)), trained with
binary cross-entropy (note 002) by Adam on 100 noisy moons points. Then one example, the one the
trained network gets most wrong, is run forward and backward, and the folder receives:

    loss_graph.svg   that example's loss as an expression graph: data, grad and local derivatives
    network.svg      the network neuron by neuron: z, a and δ = ∂L/∂z, and ∂L/∂w on every weight
    player.html      the example's backward pass, one chain-rule step at a time (works offline)
    boundary.png     the decision boundary, with the example circled
    loss_curve.png   loss and accuracy per epoch
    worksheet.md     the example's z, a, σ'(z), δ and gradients, eqs. (3)-(6) of note 000 checked
    model.json       the trained weights (nn.MLP.load reads them back)
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from engine import DeltagradError, Value

DEFAULT_OUT = "deltagrad-tour"
DEFAULT_EPOCHS = 60
MAX_EPOCHS = 100_000
HIDDEN = (16, 16)  # micrograd's demo network: its graphs are drawn and played collapsed, one node per neuron
POINTS, NOISE, BATCH, LEARNING_RATE = 100, 0.1, 20, 0.05
PLAYER_EPOCHS = 200  # the training player replays at most this many epochs
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130

# name -> (what it shows, how to open it); {path} is the file's path as printed
FILES = {
    "loss_graph.svg": ("one example's loss as an expression graph, every gradient on it",
                       "open {path} in a browser"),
    "network.svg": ("the network neuron by neuron: z, a and δ = ∂L/∂z, ∂L/∂w on each weight",
                    "open {path} in a browser"),
    "player.html": ("that example's backward pass, one chain-rule step at a time",
                    "open {path} in a browser (arrow keys step)"),
    "training.html": ("the training run, epoch by epoch: boundary, curves, the network, the example's whole step",
                      "open {path} in a browser (click a neuron for its steps)"),
    "boundary.png": ("the decision boundary, the example circled", "open {path} in an image viewer"),
    "loss_curve.png": ("loss and accuracy per epoch", "open {path} in an image viewer"),
    "worksheet.md": ("the example's numbers, layer by layer; note 000's eqs. (3)-(6) checked",
                     "read {path} in an editor, or open it in Jupyter or on GitHub"),
    "model.json": ("the trained weights", "nn.MLP.load('{path}') in Python"),
}


class TourError(DeltagradError, RuntimeError):
    """The tour cannot run: a missing extra, a bad argument or an output folder it cannot use."""


@dataclass
class TourResult:
    """What run_tour made: the model, its training history, the example shown, the files."""

    model: Any
    history: Any
    X: list[list[float]]
    y: list[int]
    example: int  # index into X of the example drawn, stepped through and tabulated
    loss: Value  # that example's loss, after a fresh backward pass
    files: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


# ---------------------------------------------------------------------- the command line
class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line (raised as TourError) instead of usage text and exit."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise TourError(f"{message} (see deltagrad tour --help)")


def _count(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: an int in [low, high] (argparse prefixes the message with the option)."""
    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
        if not low <= n <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {n}")
        return n
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="deltagrad tour",
        description="Train a 2-16-16-1 MLP on the two moons (with a progress bar) and write the graph of "
                    "one example's loss, the network with δ, the step-through player, the decision "
                    "boundary, the loss curve and a worksheet into one folder.")
    parser.add_argument("--out", default=DEFAULT_OUT, metavar="DIR",
                        help=f"output folder, created if needed (default: ./{DEFAULT_OUT})")
    parser.add_argument("--epochs", type=_count(1, MAX_EPOCHS), default=DEFAULT_EPOCHS,
                        metavar="N", help=f"passes over the data (default {DEFAULT_EPOCHS})")
    parser.add_argument("--steps", type=_count(1, 10 * MAX_EPOCHS), default=None, metavar="N",
                        help=f"stop after N optimizer steps (batches of {BATCH}) even if epochs remain")
    parser.add_argument("--seed", type=_count(0, 2**31 - 1), default=0, metavar="N",
                        help="seed of the data and the initial weights (default 0)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """`deltagrad tour [--out DIR] [--epochs N] [--steps N] [--seed N] [--no-progress]`; 0 ok, 2 error."""
    try:
        ns = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
        _require_plotting()
        if not ns.out.strip():
            raise TourError("--out must name a folder for the tour's files, e.g. --out deltagrad-tour")
        out = _prepare(Path(ns.out))
        print(f"deltagrad tour: training a 2-{HIDDEN[0]}-{HIDDEN[1]}-1 network on {POINTS} moons points "
              f"for {ns.epochs} epochs" + (f" (at most {ns.steps} steps)" if ns.steps else ""), flush=True)
        result = run_tour(out, epochs=ns.epochs, steps=ns.steps, seed=ns.seed,
                          progress=False if ns.no_progress else None, report=lambda line: print(line, flush=True))
    except (DeltagradError, OSError) as e:
        print(f"deltagrad tour: error: {_one_line(e)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("\ndeltagrad tour: interrupted; the folder may hold only some of the files", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(summary(result, ns.out))
    return 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _one_line(e: BaseException) -> str:
    text = str(e) if not isinstance(e, OSError) or not e.strerror else f"{e.strerror}: {e.filename}"
    return " ".join(text.split())


def _require_plotting() -> None:
    """TourError naming the extra to install when matplotlib (and so NumPy) is missing."""
    try:
        import matplotlib  # noqa: F401
        import numpy  # noqa: F401
    except ImportError as e:
        raise TourError(f"the tour draws its PNGs with matplotlib and NumPy, and {e.name} is not installed: "
                        "pip install 'deltagrad[plot]' (or 'deltagrad[all]')") from None


def _prepare(out: Path) -> Path:
    """The output folder, created if needed; TourError if it is a file or cannot be created."""
    if out.exists() and not out.is_dir():
        raise TourError(f"--out {str(out)!r} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise TourError(f"cannot create the folder {str(out)!r}: {e.strerror or e}") from None
    return out


def trained_line(history: Any, example: int, loss: float) -> str:
    """One line on the training and the example chosen."""
    h = history
    return (f"trained: {_plural(h.epochs, 'epoch')}, {_plural(h.steps, 'step')}, loss {h.loss[0]:.4f} -> "
            f"{h.loss[-1]:.4f}, training accuracy {h.accuracy[-1]:.0%}; drawing example #{example} "
            f"(loss {loss:.4f}), the one the network fits worst")


def summary(result: TourResult, shown_as: str | Path) -> str:
    """What was written, with how to open each file."""
    folder = f"{shown_as}{'' if str(shown_as).endswith('/') else '/'}"
    lines = [f"wrote {len(result.files)} files into {folder} in {result.seconds:.1f} s:"]
    width = max(len(name) for name in result.files)
    for name in (n for n in FILES if n in result.files):
        what, how = FILES[name]
        lines.append(f"  {name:<{width}}  {what}\n  {'':<{width}}  -> {how.format(path=Path(shown_as) / name)}")
    return "\n".join(lines)


# ---------------------------------------------------------------------- the tour itself
def run_tour(out: Path, *, epochs: int = DEFAULT_EPOCHS, steps: Optional[int] = None, seed: int = 0,
             progress: Optional[bool] = None, report: Optional[Callable[[str], object]] = None) -> TourResult:
    """Train, pick the worst-fit example, and write every file of FILES into `out` (which must exist).

    `report(line)` hears what was trained before the (slower) drawing starts."""
    import nn
    import viz
    from nn.datasets import moons

    start = time.perf_counter()
    X, y = moons(n=POINTS, noise=NOISE, seed=seed)
    model = nn.MLP(2, [*HIDDEN, 1], activation="tanh", output_activation="sigmoid", seed=seed)
    stop = None if steps is None else (lambda info: info.step + 1 >= steps)
    history = nn.train(model, X, y, loss="binary_cross_entropy", epochs=epochs, batch_size=BATCH, seed=seed,
                       optimizer=nn.Adam(model.parameters(), lr=LEARNING_RATE), progress=progress, callback=stop)
    example = worst_example(model, X, y)
    x, target = X[example], y[example]
    if report is not None:
        report(trained_line(history, example, nn.binary_cross_entropy(model(x), target).data))
    files: dict[str, Path] = {}

    sheet = viz.mlp_worksheet(model, x, target, loss=nn.binary_cross_entropy)
    files["worksheet.md"] = _write_text(out / "worksheet.md", sheet.markdown() + "\n")

    loss = nn.binary_cross_entropy(model(x), target)
    loss.label = "L"
    model.zero_grad()
    loss.backward()
    where = f"example #{example}: x = ({x[0]:.3f}, {x[1]:.3f}), class {target}"
    files["loss_graph.svg"] = viz.save(viz.draw(loss, model=model, title=f"the loss of {where}"),
                                       out / "loss_graph.svg")
    files["network.svg"] = viz.save(viz.draw_network(model, loss=loss, title=f"δ for {where}"),
                                    out / "network.svg")
    files["player.html"] = viz.save_steps_html(loss, out / "player.html",
                                               title=f"the loss of {where}")
    files["boundary.png"] = plot_boundary(model, X, y, example, out / "boundary.png")
    files["loss_curve.png"] = plot_history(history, out / "loss_curve.png")
    model.save(out / "model.json")
    files["model.json"] = out / "model.json"
    # the same run again (same seed, batches and optimizer: the same weights), recorded for the training player
    replay = nn.MLP(2, [*HIDDEN, 1], activation="tanh", output_activation="sigmoid", seed=seed)
    files["training.html"] = viz.save_training_html(
        replay, X, y, out / "training.html", loss="binary_cross_entropy",
        optimizer=nn.Adam(replay.parameters(), lr=LEARNING_RATE), epochs=min(history.epochs, PLAYER_EPOCHS),
        batch_size=BATCH, example=example, seed=seed, title=f"2-{HIDDEN[0]}-{HIDDEN[1]}-1 on the moons")
    return TourResult(model, history, X, y, example, loss, files, time.perf_counter() - start)


def worst_example(model: Any, X: Sequence[Sequence[float]], y: Sequence[int]) -> int:
    """Index of the example with the largest loss (the first one on ties): its δ's are the largest."""
    import nn

    # With the graph recorded, BCE of a sigmoid node is computed from z: finite even where σ(z)
    # has rounded to exactly 0 or 1.
    losses = [nn.binary_cross_entropy(model(x), t).data for x, t in zip(X, y)]
    return max(range(len(losses)), key=losses.__getitem__)


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------- the PNGs (no pyplot: no global state)
def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _save_png(fig: Any, path: Path) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).print_png(str(path))  # the Agg backend, whatever pyplot is set to
    return path


def probabilities(model: Any, points: Any) -> Any:
    """P(class 1) for each row of `points`, by the notes' matrix form (nn.equations) with the model's weights."""
    from nn import equations

    W, B, activations = equations.from_mlp(model)
    _, A = equations.forward(W, B, equations.columns(points), activations)
    return A[max(A)][0]


def plot_boundary(model: Any, X: Sequence[Sequence[float]], y: Sequence[int], example: int, path: Path) -> Path:
    """The probability of class 1 over the plane, the 0.5 contour, the data and the example."""
    import numpy as np

    pts, labels = np.asarray(X, dtype=float), np.asarray(y)
    (x0, y0), (x1, y1) = pts.min(axis=0) - 0.5, pts.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(x0, x1, 150), np.linspace(y0, y1, 150))
    P = probabilities(model, np.c_[gx.ravel(), gy.ravel()]).reshape(gx.shape)
    fig = _figure(5.6, 4.2)
    ax = fig.add_subplot()
    filled = ax.contourf(gx, gy, P, levels=np.linspace(0.0, 1.0, 11), cmap="RdBu", alpha=0.55)
    ax.contour(gx, gy, P, levels=[0.5], colors="black", linewidths=1.2)
    for label, colour in ((0, "#b2182b"), (1, "#2166ac")):
        ax.scatter(*pts[labels == label].T, s=22, color=colour, edgecolors="white", linewidths=0.6,
                   label=f"class {label}")
    ax.scatter(*pts[example], s=180, facecolors="none", edgecolors="#e66101", linewidths=2,
               label=f"example #{example} (drawn)")
    fig.colorbar(filled, ax=ax, label="P(class 1) = y*")
    ax.set(title="decision boundary (black: y* = 0.5)", xlabel="x₁", ylabel="x₂")
    ax.legend(loc="lower left", fontsize=8)
    return _save_png(fig, path)


def plot_history(history: Any, path: Path) -> Path:
    """Loss (log scale, per epoch and per step) and training accuracy per epoch."""
    fig = _figure(8.0, 3.2)
    ax_loss, ax_acc = fig.subplots(1, 2)
    epochs = range(1, history.epochs + 1)
    per_step = [(i + 1) * history.epochs / max(1, history.steps) for i in range(history.steps)]
    ax_loss.plot(per_step, history.step_loss, color="#f4a582", lw=0.8, label="each batch")
    ax_loss.plot(epochs, history.loss, color="#b2182b", lw=2, label="epoch mean")
    ax_loss.set(xlabel="epoch", ylabel="binary cross-entropy", title="loss", yscale="log")
    ax_loss.legend(fontsize=8)
    ax_acc.plot(epochs, history.accuracy, color="#2166ac", lw=2)
    ax_acc.set(xlabel="epoch", ylabel="fraction right", title="training accuracy", ylim=(0.0, 1.02))
    if not all(math.isfinite(v) and v > 0 for v in history.step_loss + history.loss):
        ax_loss.set_yscale("linear")
    return _save_png(fig, path)
