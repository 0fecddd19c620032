"""End to end, as a teacher: a fresh copy of the source tree, a class set generated with --count, a folder
of answer files (right, wrong, mistaken, malformed, another exercise's) graded, the JSON report read back;
bad input gives one line and exit 2."""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from junitparser import JUnitXml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """engine/, nn/ and viz/ copied as a clone would have them (no caches, no build files)."""
    src = tmp_path_factory.mktemp("clone")
    for pkg in ("engine", "nn", "viz"):
        shutil.copytree(ROOT / pkg, src / pkg, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return src


def _deltagrad(fresh: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(fresh))
    code = ("import sys, viz; assert viz.__file__.startswith(sys.argv[1]), viz.__file__; "
            "from viz.app.cli import main; sys.exit(main(sys.argv[2:]))")
    return subprocess.run([sys.executable, "-c", code, str(fresh), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_teacher_generates_a_class_set_grades_a_folder_and_reads_the_json(fresh: Path, tmp_path: Path) -> None:
    done = _deltagrad(fresh, tmp_path, "exercise", "--kind", "network", "--seed", "2026", "--out", "class",
                      "--count", "3", "--notation", "001", "--sizes", "2,2,1", "--loss", "squared_error")
    assert done.returncode == 0, done.stderr
    folders = sorted(p.name for p in (tmp_path / "class").iterdir())
    assert folders == ["01", "02", "03"]
    ex1 = json.loads((tmp_path / "class" / "01" / "exercise.json").read_text())
    key1 = json.loads((tmp_path / "class" / "01" / "key.json").read_text())
    key2 = json.loads((tmp_path / "class" / "02" / "key.json").read_text())
    assert ex1["seed"] == 2026001 and ex1["notation"] == "001"
    blanks = ex1["blanks"]

    answers = tmp_path / "answers-01"
    answers.mkdir()
    shutil.copy(tmp_path / "class" / "01" / "key.json", answers / "ada.json")  # all right
    wrong = {b: key1[b] for b in blanks}
    wrong[blanks[0]] = key1[blanks[0]] + 1.0  # one slip in z^[1]_1 (the rest right)
    with open(answers / "ben.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "value"])
        w.writerows([b, repr(v)] for b, v in wrong.items())
    flipped = {b: (-key1[b] if b.startswith(("delta", "dL/")) else key1[b]) for b in blanks}
    flipped["exercise"] = key1["exercise"]
    (answers / "cleo.json").write_text(json.dumps(flipped))  # note 001's sign: every δ flips, once
    (answers / "dan.json").write_text('{"z^[1]_1": 0.5,')  # malformed
    (answers / "eve.json").write_text(json.dumps(key2))  # variant 02's answers
    before = {p.name: p.read_bytes() for p in answers.iterdir()}

    done = _deltagrad(fresh, tmp_path, "check", "class/01/exercise.json", "answers-01", "--format", "json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    files = report["files"]
    assert set(files) == {"ada.json", "ben.csv", "cleo.json", "dan.json", "eve.json"}
    assert files["ada.json"]["score"] == files["ada.json"]["total"] == len(blanks)
    assert files["ben.csv"]["blanks"][blanks[0]]["status"] == "wrong"
    assert files["ben.csv"]["blanks"][blanks[0]]["given"] == repr(wrong[blanks[0]])
    assert files["ben.csv"]["score"] == len(blanks) - 1
    cleo = files["cleo.json"]["blanks"]
    assert cleo["delta^[2]_1"]["status"] == "wrong" and "flipped_sign" in cleo["delta^[2]_1"]["diagnosis"]
    assert {b["status"] for n, b in cleo.items() if n != "delta^[2]_1"} <= {"right", "carried"}
    assert "malformed JSON" in files["dan.json"]["error"]
    assert "another exercise" in files["eve.json"]["error"]
    assert report["total"] == 3 * len(blanks)
    assert {p.name: p.read_bytes() for p in answers.iterdir()} == before

    done = _deltagrad(fresh, tmp_path, "check", "class/01/exercise.json", "answers-01")
    assert done.returncode == 1 and "ada.json" in done.stdout and "flipped_sign" in done.stdout
    done = _deltagrad(fresh, tmp_path, "check", "class/01/exercise.json", "answers-01", "--format", "junit")
    xml = JUnitXml.fromstring(done.stdout)
    assert {s.name: s.failures for s in xml}["ada.json"] == 0
    done = _deltagrad(fresh, tmp_path, "check", "class/02/exercise.json", "class/02/key.json")
    assert done.returncode == 0 and f"score {len(key2) - 1}/{len(key2) - 1}" in done.stdout


@pytest.mark.parametrize("setup, args, message", [
    (lambda d: (d / "a.json").write_text("[1, 2"), ["ex/exercise.json", "a.json"], "malformed JSON"),
    (lambda d: (d / "a.csv").write_text("name,value,extra\nx,1,2\n"), ["ex/exercise.json", "a.csv"], "malformed CSV"),
    (lambda d: None, ["ex/exercise.json", "missing.json"], "cannot read"),
    (lambda d: (d / "ex" / "exercise.json").write_text('{"kind": "network"}'), ["ex/exercise.json", "ex/key.json"],
     "seed"),
    (lambda d: (d / "empty").mkdir(), ["ex/exercise.json", "empty"], "no answer files"),
])
def test_unusable_input_is_one_line_and_exit_2(fresh: Path, tmp_path: Path, setup, args, message) -> None:  # type: ignore[no-untyped-def]
    assert _deltagrad(fresh, tmp_path, "exercise", "--kind", "expression", "--seed", "1", "--out", "ex").returncode == 0
    setup(tmp_path)
    done = _deltagrad(fresh, tmp_path, "check", *args)
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_edited_exercise_file_is_refused(fresh: Path, tmp_path: Path) -> None:
    assert _deltagrad(fresh, tmp_path, "exercise", "--kind", "expression", "--seed", "1", "--out", "ex").returncode == 0
    data = json.loads((tmp_path / "ex" / "exercise.json").read_text())
    data["values"][next(iter(data["values"]))] += 1
    (tmp_path / "ex" / "exercise.json").write_text(json.dumps(data))
    done = _deltagrad(fresh, tmp_path, "check", "ex/exercise.json", "ex/key.json")
    assert done.returncode == 2 and "edited" in done.stderr


def test_unwritable_output_folder_is_one_line_and_exit_2(fresh: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    done = _deltagrad(fresh, tmp_path, "exercise", "--kind", "network", "--seed", "1", "--out", "file/sub")
    assert done.returncode == 2 and "cannot write" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    done = _deltagrad(fresh, tmp_path, "exercise", "--kind", "network", "--seed", "1", "--out", "file")
    assert done.returncode == 2 and "is a file" in done.stderr
    if os.name == "posix" and os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        done = _deltagrad(fresh, tmp_path, "exercise", "--kind", "network", "--seed", "1", "--out", "locked/x")
        locked.chmod(0o700)
        assert done.returncode == 2 and "cannot write" in done.stderr
