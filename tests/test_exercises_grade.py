"""The grader: right within tol × max(1, |expected|), wrong, carried (a wrong δ^L carried consistently into
δ^{L−1} and the weight gradients), missing, invalid, extra; another exercise's answers refused; JUnit XML
that junitparser reads; reading never changes the files."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from junitparser import Failure, JUnitXml

import viz
from nn import equations
from viz.app.expr import build_graph
from viz.exercises.generate import make_exercise
from viz.exercises.notation import get_notation
from viz.exercises.report import ClassReport, as_json, junit
from viz.exercises.sheets import write_exercise

ROOT = Path(__file__).resolve().parents[1]


def _network_answers(ex, wrong_output_delta):  # type: ignore[no-untyped-def]
    """A student's answers computed with nn.equations, δ^L replaced by f(right δ^L, a^L, y) and carried on."""
    net, example = ex.problem["network"], ex.problem["example"]
    sizes = net["sizes"]
    L = len(sizes)
    W = {l: np.array(net["weights"][l - 2]) for l in range(2, L + 1)}
    B = {l: np.array(net["biases"][l - 2]).reshape(-1, 1) for l in range(2, L + 1)}
    acts = {l: (net["output_activation"] if l == L else net["activation"]) for l in range(2, L + 1)}
    Z, A = equations.forward(W, B, np.array(example["x"], dtype=float).reshape(-1, 1), acts)
    delta = {L: wrong_output_delta(Z[L], A[L])}
    for l in range(L - 1, 1, -1):
        delta[l] = equations.hidden_delta(W[l + 1], delta[l + 1], Z[l], acts[l])
    note = get_notation(ex.notation)
    answers = {}
    for q in ex.quantities:
        kind, l, j = q[0], q[1], q[2]
        v = {"z": lambda: Z[l][j - 1, 0], "a": lambda: A[l][j - 1, 0],
             "sp": lambda: equations.sigma_prime(Z[l], acts[l])[j - 1, 0], "delta": lambda: delta[l][j - 1, 0],
             "bias": lambda: delta[l][j - 1, 0], "weight": lambda: (delta[l] @ A[l - 1].T)[j - 1, q[3] - 1]}[kind]()
        answers[note.name(q, L)] = round(float(v), 6)
    return answers


def test_wrong_output_delta_carried_into_hidden_delta_and_weight_gradients() -> None:
    ex = make_exercise("network", 12, "000", sizes=[2, 3, 1], loss="squared_error", activation="sigmoid")
    y = np.array(ex.problem["example"]["y"]).reshape(-1, 1)
    answers = _network_answers(ex, lambda ZL, AL: AL - y)  # forgot σ'(z^L): δ^L = a^L − y
    report = viz.grade(ex, answers)
    status = {n: r.status for n, r in report.blanks.items()}
    assert status["delta^3_1"] == "wrong"
    carried = [n for n, s in status.items() if s == "carried"]
    assert {"delta^2_1", "delta^2_2", "delta^2_3", "dC/dw^3_11", "dC/dw^2_11", "dC/db^2_3", "dC/db^3_1"} <= set(carried)
    assert all(s in ("right", "carried") for n, s in status.items() if n != "delta^3_1")
    assert report.score == report.total - 1


def test_carried_needs_consistency_a_second_mistake_is_wrong() -> None:
    ex = make_exercise("network", 12, "000", sizes=[2, 3, 1], loss="squared_error", activation="sigmoid")
    y = np.array(ex.problem["example"]["y"]).reshape(-1, 1)
    answers = _network_answers(ex, lambda ZL, AL: AL - y)
    answers["dC/dw^2_11"] *= -1  # not what the student's own δ^2_1 · x_1 gives
    status = {n: r.status for n, r in viz.grade(ex, answers).blanks.items()}
    assert status["dC/dw^2_11"] == "wrong" and status["dC/dw^2_12"] == "carried"


def test_expression_wrong_gradient_carried_down_the_graph() -> None:
    ex = make_exercise("expression", 3)
    text, values = ex.problem["expression"], ex.problem["values"]
    root = build_graph(text, values)
    order = viz.trace_backward(root).order
    names = viz.trace_backward(root).names
    grads = {id(root): 1.0}
    first = next(v for v in reversed(order[:-1]) if v.parents)  # the computed node nearest the root: doubled
    for node in reversed(order):
        g = grads.get(id(node), 0.0) * (2.0 if node is first else 1.0)
        grads[id(node)] = g
        for p, local in zip(node.parents, node.local_grads):
            grads[id(p)] = grads.get(id(p), 0.0) + g * local
    answers = {f"dL/d{names[k]}": grads[id(v)] for k, v in enumerate(order[:-1])}
    report = viz.grade(ex, answers)
    wrong = f"dL/d{names[order.index(first)]}"
    assert report.blanks[wrong].status == "wrong"
    others = [r.status for n, r in report.blanks.items() if n != wrong]
    assert "carried" in others and "wrong" not in others


def test_tolerance_is_relative_above_one_absolute_below() -> None:
    ex = next(e for e in (make_exercise("expression", s) for s in range(50))
              if max(map(abs, e.key.values())) > 1.5 and min(map(abs, e.key.values())) < 0.5)
    big = max(ex.blanks, key=lambda b: abs(ex.key[b]))
    small = min(ex.blanks, key=lambda b: abs(ex.key[b]))
    assert abs(ex.key[big]) > 1 and abs(ex.key[small]) < 1
    ans = dict(ex.key)
    ans[big] = ex.key[big] * (1 + 0.9e-3)
    ans[small] = ex.key[small] + 0.9e-3
    assert viz.grade(ex, ans).passed
    ans[big] = ex.key[big] * (1 + 1.2e-3)
    assert viz.grade(ex, ans).blanks[big].status in ("wrong",)
    assert viz.grade(ex, ans, tol=2e-3).passed


def test_missing_invalid_extra_and_strings() -> None:
    ex = make_exercise("network", 2)
    ans = {b: str(v) for b, v in ex.key.items()}  # numbers as text (as CSV gives them) count
    ans[ex.blanks[0]] = "about 0.3"
    ans[ex.blanks[1]] = True
    ans[ex.blanks[2]] = "NaN"
    del ans[ex.blanks[3]]
    ans["w^9_99"] = 1.0
    report = viz.grade(ex, ans)
    st = [report.blanks[b].status for b in ex.blanks[:4]]
    assert st == ["invalid", "invalid", "invalid", "missing"]
    assert report.extra == {"w^9_99": 1.0}
    assert report.score == report.total - 4
    data = report.as_json()
    assert data["blanks"][ex.blanks[0]] == {"status": "invalid", "expected": ex.key[ex.blanks[0]],
                                            "given": "about 0.3", "diagnosis": []}


def test_another_exercises_answers_are_refused() -> None:
    ex = make_exercise("network", 2)
    other = make_exercise("network", 3)
    with pytest.raises(viz.AnswersError, match="another exercise"):
        viz.grade(ex, other.key_json())
    with pytest.raises(viz.AnswersError, match="another exercise"):
        viz.grade(ex, make_exercise("expression", 2).key_json())
    with pytest.raises(viz.AnswersError, match="none of its"):
        viz.grade(ex, {"dL/da": 1.0})


def test_junit_xml_parses_with_junitparser() -> None:
    ex = make_exercise("network", 4)
    ans = dict(ex.key)
    ans[ex.blanks[0]] = 99.0
    del ans[ex.blanks[1]]
    ans[ex.blanks[2]] = "x"
    good, bad = viz.grade(ex, ex.key_json(), source="good.json"), viz.grade(ex, ans, source="bad.json")
    xml = JUnitXml.fromstring(junit(ClassReport("network", 4, {"bad.json": bad, "good.json": good,
                                                               "broken.csv": "broken.csv: malformed CSV"})))
    suites = {s.name: s for s in xml}
    assert set(suites) == {"bad.json", "good.json", "broken.csv"}
    cases = list(suites["bad.json"])
    assert [c.name for c in cases] == ex.blanks
    failed = {c.name: c.result[0] for c in cases if c.result}
    assert set(failed) == set(ex.blanks[:3])
    assert all(isinstance(r, Failure) for r in failed.values())
    assert failed[ex.blanks[1]].type == "missing"
    assert suites["good.json"].failures == 0 and suites["good.json"].tests == len(ex.blanks)
    assert suites["bad.json"].failures == 3
    assert suites["broken.csv"].errors == 1


def _snapshot(folder: Path) -> dict:
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_grading_never_changes_the_files_it_reads(tmp_path: Path) -> None:
    ex = make_exercise("expression", 8)
    write_exercise(ex, tmp_path / "ex")
    answers = tmp_path / "answers"
    answers.mkdir()
    (answers / "a.json").write_text(json.dumps(ex.key_json()))
    (answers / "b.csv").write_text("name,value\n" + "".join(f"{b},{v + 1}\n" for b, v in ex.key.items()))
    (answers / "c.json").write_text("{not json")
    before = _snapshot(tmp_path)
    for fmt in ("text", "json", "junit"):
        for target in (answers, answers / "a.json", answers / "c.json"):
            subprocess.run([sys.executable, "-c", "import sys; from viz.app.cli import main; sys.exit(main())", "check", str(tmp_path / "ex" / "exercise.json"),
                            str(target), "--format", fmt], cwd=ROOT, capture_output=True)
    assert _snapshot(tmp_path) == before


def test_json_report_round_trips() -> None:
    ex = make_exercise("expression", 5)
    report = viz.grade(ex, ex.key_json())
    data = json.loads(as_json(report))
    assert data["score"] == data["total"] == len(ex.blanks)
    assert all(b["status"] == "right" and b["given"] == b["expected"] for b in data["blanks"].values())


def test_bad_tolerance_is_refused() -> None:
    ex = make_exercise("expression", 5)
    with pytest.raises(viz.AnswersError, match="tol"):
        viz.grade(ex, {}, tol=0)


def test_csv_exercise_rows_and_grading_from_files(tmp_path: Path) -> None:
    ex = make_exercise("expression", 6)
    write_exercise(ex, tmp_path)
    rows = "".join(f"{b},{v}\n" for b, v in ex.key.items())
    (tmp_path / "mine.csv").write_text("blank,value\nexercise.kind,expression\nexercise.seed,6\n" + rows)
    (tmp_path / "theirs.csv").write_text("exercise.kind,expression\nexercise.seed,7\n" + rows)
    exercise_json = json.loads((tmp_path / "exercise.json").read_text())
    assert viz.grade(exercise_json, tmp_path / "mine.csv").passed
    with pytest.raises(viz.AnswersError, match="another exercise"):
        viz.grade(exercise_json, str(tmp_path / "theirs.csv"))


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=25, deadline=None)
@given(kind=st.sampled_from(["expression", "network"]), seed=st.integers(0, 10 ** 6), pick=st.integers(0, 10 ** 6),
       factor=st.sampled_from([-1.0, 2.0, 0.5, 10.0]))
def test_one_slip_with_the_rest_right_is_exactly_one_wrong_blank(kind: str, seed: int, pick: int, factor: float) -> None:
    ex = make_exercise(kind, seed)
    blank = ex.blanks[pick % len(ex.blanks)]
    answers = dict(ex.key)
    v = ex.key[blank]
    answers[blank] = v * factor if abs(v * (factor - 1)) > 0.01 * max(1, abs(v)) else v + 0.5
    report = viz.grade(ex, answers, diagnose=False)
    assert [n for n, r in report.blanks.items() if r.status != "right"] == [blank]
    assert report.blanks[blank].status == "wrong" and report.score == report.total - 1
