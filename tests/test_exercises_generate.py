"""Exercises from a seed: byte-identical files, different seeds differ, every key value is the engine's
(and nn.equations' for networks), the expression has a fan-out and parses, exercise.json holds no answers."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import viz
from engine import Value, numerical_grad
from nn import equations
from viz.app.expr import build_graph, parse_expression, variables
from viz.exercises.generate import make_exercise, variant_seed
from viz.exercises.sheets import FILES, exercise_files, write_exercise

ROOT = Path(__file__).resolve().parents[1]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("kind", ["expression", "network"])
def test_same_seed_same_bytes_in_another_process(tmp_path: Path, kind: str) -> None:
    write_exercise(make_exercise(kind, 41, "001"), tmp_path / "here")
    env = dict(os.environ, PYTHONHASHSEED="123")
    code = (f"from viz.exercises import make_exercise, write_exercise; "
            f"write_exercise(make_exercise({kind!r}, 41, '001'), {str(tmp_path / 'there')!r})")
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
    here, there = _digest(tmp_path / "here"), _digest(tmp_path / "there")
    assert sorted(here) == sorted(FILES)
    assert here == there


def test_no_timestamps_or_paths_in_files(tmp_path: Path) -> None:
    files = exercise_files(make_exercise("network", 3))
    for name, text in files.items():
        assert "2026" not in text and str(tmp_path) not in text, name


@pytest.mark.parametrize("kind", ["expression", "network"])
def test_different_seeds_give_different_numbers(kind: str) -> None:
    keys = [tuple(sorted(make_exercise(kind, s).key.values())) for s in range(8)]
    assert len(set(keys)) == 8


def test_notation_changes_labels_only() -> None:
    exs = [make_exercise("network", 17, code) for code in ("000", "001", "002", "003", "004")]
    assert all(e.problem == exs[0].problem for e in exs)
    assert all([e.key[b] for b in e.blanks] == [exs[0].key[b] for b in exs[0].blanks] for e in exs)
    assert len({tuple(e.blanks) for e in exs}) == 5


@pytest.mark.parametrize("seed", range(6))
def test_expression_parses_has_fan_out_and_key_is_the_engine_and_central_differences(seed: int) -> None:
    ex = make_exercise("expression", seed)
    text, values = ex.problem["expression"], ex.problem["values"]
    assert set(variables(parse_expression(text))) == set(values)
    leaves = {n: Value(v, n) for n, v in values.items()}
    root = build_graph(text, leaves)
    root.backward()
    users: dict[int, set[int]] = {}
    order = viz.trace_backward(root).order
    for node in order:
        for p in node.parents:
            users.setdefault(id(p), set()).add(id(node))
    assert max(len(u) for u in users.values()) >= 2  # a fan-out
    names = list(values)
    numeric = numerical_grad(lambda xs: build_graph(text, dict(zip(names, xs))), [values[n] for n in names])
    for n, g in zip(names, numeric):
        assert ex.key[f"dL/d{n}"] == leaves[n].grad
        assert ex.key[f"dL/d{n}"] == pytest.approx(g, rel=1e-5, abs=1e-7)
    assert len(ex.blanks) == len([v for v in order if v is not root])  # every node but the root


@pytest.mark.parametrize("seed", range(8))
def test_network_key_equals_nn_equations(seed: int) -> None:
    ex = make_exercise("network", seed)
    net, example, loss = ex.problem["network"], ex.problem["example"], ex.problem["loss"]
    sizes = net["sizes"]
    L = len(sizes)
    W = {l: np.array(net["weights"][l - 2]) for l in range(2, L + 1)}
    B = {l: np.array(net["biases"][l - 2]).reshape(-1, 1) for l in range(2, L + 1)}
    acts = {l: (net["output_activation"] if l == L else net["activation"]) for l in range(2, L + 1)}
    X = np.array(example["x"], dtype=float).reshape(-1, 1)
    y = example["y"]
    if loss == "cross_entropy":
        Y = np.array([y])
    else:
        Y = np.array(y if isinstance(y, list) else [y], dtype=float).reshape(-1, 1)
    bp = equations.backprop(W, B, X, Y, acts, loss)
    for blank, q in zip(ex.blanks, ex.quantities):
        kind, l, j = q[0], q[1], q[2]
        want = {"z": lambda: bp.Z[l][j - 1, 0], "a": lambda: bp.A[l][j - 1, 0],
                "sp": lambda: equations.sigma_prime(bp.Z[l], acts[l])[j - 1, 0],
                "delta": lambda: bp.delta[l][j - 1, 0], "bias": lambda: bp.dB[l][j - 1, 0],
                "weight": lambda: bp.dW[l][j - 1, q[3] - 1]}[kind]()
        assert ex.key[blank] == pytest.approx(float(want), rel=1e-9, abs=1e-12), blank


def test_exercise_json_holds_no_answers_and_key_json_is_an_answers_file(tmp_path: Path) -> None:
    ex = make_exercise("network", 9, loss="binary_cross_entropy")
    write_exercise(ex, tmp_path)
    data = json.loads((tmp_path / "exercise.json").read_text())
    assert set(data) == {"kind", "seed", "notation", "options", "blanks", "network", "example", "loss"}
    assert data["blanks"] == ex.blanks
    flat = json.dumps(data)
    secret = [v for q, v in zip(ex.quantities, ex.key.values()) if q[0] not in ("z",)]
    assert not any(repr(v) in flat for v in secret if abs(v) > 1e-3 and len(repr(v)) > 6)
    key = json.loads((tmp_path / "key.json").read_text())
    assert key["exercise"] == {"kind": "network", "seed": 9}
    report = viz.grade(ex, key)
    assert (report.score, report.total) == (len(ex.blanks), len(ex.blanks))
    expr = make_exercise("expression", 9)
    write_exercise(expr, tmp_path / "e")
    data = json.loads((tmp_path / "e" / "exercise.json").read_text())
    assert set(data) == {"kind", "seed", "notation", "options", "blanks", "expression", "values"}


def test_count_variants_each_reproducible_alone(tmp_path: Path) -> None:
    out = tmp_path / "class"
    rc = subprocess.run([sys.executable, "-c", "import sys; from viz.app.cli import main; sys.exit(main())", "exercise", "--kind", "expression", "--seed", "4",
                         "--out", str(out), "--count", "3"], cwd=ROOT, capture_output=True, text=True)
    assert rc.returncode == 0, rc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["01", "02", "03"]
    texts = set()
    for i in (1, 2, 3):
        data = json.loads((out / f"0{i}" / "exercise.json").read_text())
        assert data["seed"] == variant_seed(4, i) == 4000 + i
        alone = tmp_path / f"alone{i}"
        write_exercise(make_exercise("expression", data["seed"]), alone)
        assert _digest(alone) == _digest(out / f"0{i}")
        texts.add(data["expression"])
    assert len(texts) == 3


def test_bad_requests_are_clear_errors() -> None:
    with pytest.raises(viz.ExerciseError, match="unknown kind"):
        make_exercise("matrix", 1)
    with pytest.raises(viz.ExerciseError, match="seed"):
        make_exercise("network", -1)
    with pytest.raises(viz.ExerciseError, match="notation"):
        make_exercise("network", 1, "005")
    with pytest.raises(viz.ExerciseError, match="one output"):
        make_exercise("network", 1, sizes=[2, 2, 2], loss="binary_cross_entropy")
    with pytest.raises(viz.ExerciseError, match="unknown option"):
        make_exercise("expression", 1, sizes=[2, 1])


def test_package_docstring_example_runs() -> None:
    import doctest

    import viz.exercises

    assert doctest.testmod(viz.exercises).failed == 0
