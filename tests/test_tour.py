"""`deltagrad tour`: every file it writes is checked, and its numbers are recomputed independently.

The trained model is read back from the tour's model.json; the example, the worksheet's numbers and
the player's step equations are recomputed from it with NumPy (nn.equations) and the engine.
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import nn
import viz
from nn import equations
from nn.datasets import moons
from viz import tour

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_main(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = tour.main(args)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def toured(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One full tour (default epochs and seed) into a fresh folder: (folder, what it printed)."""
    out = tmp_path_factory.mktemp("tour") / "deltagrad-tour"
    code, printed, errors = run_main(["--out", str(out), "--no-progress"])
    assert code == 0, errors
    assert errors == ""
    return out, printed


@pytest.fixture(scope="module")
def recomputed(toured: tuple[Path, str]) -> dict:
    """The example and its numbers, from model.json alone (NumPy, no engine)."""
    out, _ = toured
    model = nn.MLP.load(out / "model.json")
    X, y = moons(n=tour.POINTS, noise=tour.NOISE, seed=0)
    W, B, act = equations.from_mlp(model)
    _, A = equations.forward(W, B, equations.columns(X), act)
    p, t = A[max(A)][0], np.array(y, dtype=float)
    losses = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    k = int(np.argmax(losses))
    bp = equations.backprop(W, B, equations.columns([X[k]]), np.array([[y[k]]]), act, loss="binary_cross_entropy")
    return {"model": model, "X": X, "y": y, "p": p, "k": k, "loss": float(losses[k]), "bp": bp, "act": act}


def test_every_file_is_written_and_listed_with_how_to_open_it(toured):
    out, printed = toured
    assert sorted(p.name for p in out.iterdir()) == sorted(tour.FILES)
    for name in tour.FILES:
        assert (out / name).stat().st_size > 0
        assert f"{out / name}" in printed, name
    assert f"open {out / 'player.html'} in a browser" in printed
    assert "epochs" in printed and "accuracy" in printed


def test_the_example_is_the_worst_fit_one(toured, recomputed):
    _, printed = toured
    found = re.search(r"drawing example #(\d+) \(loss ([0-9]+\.[0-9]+)\)", printed)
    assert int(found.group(1)) == recomputed["k"]
    assert recomputed["loss"] == pytest.approx(float(found.group(2)), abs=6e-5)


def test_the_trained_model_separates_the_moons(recomputed):
    accuracy = np.mean((recomputed["p"] > 0.5) == np.array(recomputed["y"], dtype=bool))
    assert accuracy >= 0.95


def _svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return [t.text for t in root.iter(f"{SVG}text") if t.text]


def test_loss_graph_svg_shows_the_example_with_its_gradients(toured, recomputed):
    """The demo-sized graph (over draw's 300 nodes) is drawn collapsed: one node per neuron."""
    out, _ = toured
    texts = _svg_texts(out / "loss_graph.svg")
    joined = " ".join(texts)
    assert "L" in texts and "x₁" in texts and "neuron z²₁ → a²₁" in texts and "neuron z⁴₁ → a⁴₁" in texts
    assert sum(t.startswith("neuron z") for t in texts) == sum(tour.HIDDEN) + 1
    assert f"example #{recomputed['k']}" in joined
    # the output neuron's node shows a⁴₁ and its gradient; for BCE ∂L/∂a = −y/a + (1 − y)/(1 − a) (note 002)
    bp, k, y = recomputed["bp"], recomputed["k"], recomputed["y"]
    a = bp.A[4][0, 0]
    grad_a = -y[k] / a + (1 - y[k]) / (1 - a)
    assert any(t == f"a⁴₁ {a:.4g}" for t in texts), a
    assert any(t.startswith("grad") and math.isclose(float(t.split()[-1].replace("−", "-")), grad_a, rel_tol=1e-3)
               for t in texts), grad_a


def test_training_player_replays_the_same_run(toured, recomputed):
    """training.html trains a twin (same seed, batches, optimizer) and ends at model.json's weights."""
    out, _ = toured
    text = (out / "training.html").read_text(encoding="utf-8")
    found = re.search(r'<script id="deltagrad-data" type="application/json">(.*?)</script>', text, re.S)
    data = json.loads(found.group(1).replace("<\\/", "</"))
    assert data["epochs"] == tour.DEFAULT_EPOCHS and data["example"] == recomputed["k"]
    assert data["params"][-1] == [float(f"{p.data:.5g}") for p in recomputed["model"].parameters()]
    assert data["sizes"] == [2, *tour.HIDDEN, 1] and len(data["steps"]) >= 1


def test_network_svg_shows_every_layer_and_delta(toured):
    out, _ = toured
    texts = _svg_texts(out / "network.svg")
    joined = " ".join(texts)
    for l in (1, 2, 3, 4):
        assert f"layer {l}" in joined
    assert "δ" in joined


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("name", ["boundary.png", "loss_curve.png"])
def test_pngs_are_pngs_of_a_sensible_size(toured, name):
    out, _ = toured
    width, height = _png_size(out / name)
    assert 300 <= width <= 2000 and 200 <= height <= 2000


def test_player_holds_every_step_of_the_examples_backward_pass(toured, recomputed):
    out, _ = toured
    html = (out / "player.html").read_text(encoding="utf-8")
    model, k = recomputed["model"], recomputed["k"]
    loss = nn.binary_cross_entropy(model(recomputed["X"][k]), recomputed["y"][k])
    loss.label = "L"
    trace = viz.trace_backward(loss)
    assert len(trace) > 50
    for i in range(len(trace)):
        assert json.dumps(trace.equation(i), ensure_ascii=False) in html, trace.equation(i)
    assert "<script" in html and "example #" in html


def _table(markdown: str, heading: str) -> list[list[str]]:
    """The rows of the Markdown table that follows the heading containing `heading`."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("#") and heading in line)
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("#"):
            break
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows[1:]  # without the header


def _close(text: str, value: float) -> bool:
    return abs(float(text) - value) <= 6e-5 + 1e-4 * abs(value)


def test_worksheet_numbers_match_a_recomputation(toured, recomputed):
    out, _ = toured
    sheet = (out / "worksheet.md").read_text(encoding="utf-8")
    bp, act, k = recomputed["bp"], recomputed["act"], recomputed["k"]
    x = recomputed["X"][k]
    rows = _table(sheet, "Forward pass and δ")
    inputs = [r for r in rows if r[0].startswith("1")]
    assert [_close(r[3], xi) for r, xi in zip(inputs, x)] == [True, True]
    model = recomputed["model"]  # and the engine, on the model read back from model.json
    nn.binary_cross_entropy(model(x), recomputed["y"][k]).backward()
    checked = 0
    for l, j, z, a, sp, delta in (r for r in rows if not r[0].startswith("1")):
        l, j = int(l), int(j) - 1
        Z = bp.Z[l][j, 0]
        assert _close(z, Z), (l, j, z, Z)
        assert _close(a, bp.A[l][j, 0]), (l, j)
        assert _close(sp, equations.sigma_prime(np.array(Z), act[l])), (l, j)
        assert _close(delta, bp.delta[l][j, 0]), (l, j, delta, bp.delta[l][j, 0])
        neuron = model.layers[l - 2].neurons[j]
        assert _close(z, neuron.z.data) and _close(a, neuron.a.data) and _close(delta, neuron.z.grad), (l, j)
        checked += 1
    assert checked == sum(tour.HIDDEN) + 1
    weights = _table(sheet, "Weights, eq. (5)")
    h2, h3 = tour.HIDDEN
    assert len(weights) == 2 * h2 + h2 * h3 + h3
    for l, j, k_, a_prev, delta, by_eq, backward in weights:
        assert _close(backward, bp.dW[int(l)][int(j) - 1, int(k_) - 1])
    marks = [line for line in sheet.splitlines() if line.startswith("#") and "eq. (" in line]
    assert len(marks) == 4 and all(line.endswith("✓") for line in marks) and "✗" not in sheet
    C = float(re.search(r"\$C\$ = (-?[0-9]+\.[0-9]+(?:e[+-]?[0-9]+)?)", sheet).group(1))
    assert _close(str(C), recomputed["loss"])


def test_a_rerun_overwrites_the_folder_and_steps_stop_training(tmp_path):
    (tmp_path / "player.html").write_text("stale")
    code, printed, errors = run_main(["--out", str(tmp_path), "--epochs", "3", "--steps", "4", "--seed", "2",
                                      "--no-progress"])
    assert code == 0, errors
    assert "trained: 1 epoch, 4 steps," in printed  # 5 batches per epoch: stopped inside the first
    assert "stale" not in (tmp_path / "player.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(tour.FILES)


@pytest.mark.parametrize("args, words", [
    (["--epochs", "abc"], "argument --epochs: must be a whole number, got 'abc'"),
    (["--epochs", "0"], "argument --epochs: must be between 1 and 100000, got 0"),
    (["--seed", "-1"], "argument --seed: must be between 0"),
    (["--colour"], "unrecognized arguments: --colour"),
    (["--out"], "expected one argument"),
    (["--out", ""], "--out must name a folder"),
])
def test_bad_arguments_are_one_line_errors(args, words):
    code, printed, errors = run_main(args)
    assert code == 2 and printed == ""
    assert errors.count("\n") == 1 and errors.startswith("deltagrad tour: error: ") and words in errors


def test_an_output_path_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    code, _, errors = run_main(["--out", str(target)])
    assert code == 2 and "is a file, not a folder" in errors and errors.count("\n") == 1
    assert target.read_text() == "not a folder"


def test_missing_matplotlib_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    code, _, errors = run_main(["--out", str(tmp_path / "t")])
    assert code == 2 and "deltagrad[plot]" in errors and "matplotlib" in errors
    assert not (tmp_path / "t").exists()


def test_help_lists_the_options():
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as done:
        tour.main(["--help"])
    assert done.value.code == 0
    for option in ("--out", "--epochs", "--steps", "--seed", "--no-progress"):
        assert option in out.getvalue()


def _installed_command() -> str | None:
    here = Path(sys.executable).parent / "deltagrad"
    return str(here) if here.exists() else shutil.which("deltagrad")


def test_the_installed_command_runs_the_tour(tmp_path):
    command = _installed_command()
    if command is None:
        pytest.skip("the deltagrad command is not installed (pip install -e .)")
    out = tmp_path / "folder with space"
    done = subprocess.run([command, "tour", "--out", str(out), "--epochs", "5"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # not a terminal: no progress bar
    assert f"open {out / 'player.html'} in a browser" in done.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(tour.FILES)
    bad = subprocess.run([command, "tour", "--epochs", "many"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--epochs" in bad.stderr
