"""Read answers files (JSON or CSV) and exercise files; only ever opened for reading.

JSON: an object from blank name to number, optionally with "exercise": {"kind", "seed"}.
CSV: `name,value` rows (UTF-8), an optional header row whose first cell is "name" or "blank";
rows `exercise.kind,<kind>` and `exercise.seed,<seed>` give the JSON's "exercise" entry.
A folder: every *.json and *.csv file directly in it (exercise.json excepted), in name order.
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any, Union

from viz.exercises.errors import AnswersError, ExerciseError

MAX_BYTES = 2_000_000
PathLike = Union[str, "os.PathLike[str]"]


def _read_text(path: Path, error: type) -> str:
    try:
        if path.is_dir():
            raise error(f"{path}: is a folder, expected a file")
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise error(f"{path}: cannot read it ({e.strerror or e})") from None
    if len(data) > MAX_BYTES:
        raise error(f"{path}: too large ({MAX_BYTES // 1_000_000} MB at most)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise error(f"{path}: not UTF-8 text (byte {e.start})") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"the name {k!r} is given twice")
        out[k] = v
    return out


def _json(path: Path, error: type) -> Any:
    text = _read_text(path, error)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates,
                          parse_constant=lambda c: c)  # NaN/Infinity stay text: graded `invalid`
    except json.JSONDecodeError as e:
        raise error(f"{path}: malformed JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    except (ValueError, RecursionError) as e:
        raise error(f"{path}: unusable JSON ({e})") from None


def read_exercise_file(path: PathLike) -> dict:
    """The object in an exercise.json; ExerciseError when it is unreadable or not an object."""
    data = _json(Path(path), ExerciseError)
    if not isinstance(data, dict):
        raise ExerciseError(f"{path}: expected a JSON object (an exercise.json), got {type(data).__name__}")
    return data


def read_answers(path: PathLike) -> dict[str, Any]:
    """The answers in one JSON or CSV file (by its extension; otherwise JSON if it parses, else CSV)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv(path)
    if suffix != ".json":
        text = _read_text(path, AnswersError)
        if not text.lstrip().startswith("{"):
            return _csv(path)
    data = _json(path, AnswersError)
    if not isinstance(data, dict):
        raise AnswersError(f"{path}: expected a JSON object from blank name to number, got {type(data).__name__}")
    return data


def _csv(path: Path) -> dict[str, Any]:
    text = _read_text(path, AnswersError)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        raise AnswersError(f"{path}: malformed CSV ({e})") from None
    out: dict[str, Any] = {}
    for line, row in enumerate(rows, start=1):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != 2:
            raise AnswersError(f"{path}: malformed CSV, line {line} has {len(row)} fields; expected name,value")
        name, value = row[0].strip(), row[1].strip()
        if not out and line == _first_row(rows) and name.lower() in ("name", "blank"):
            continue  # the header
        if name in out:
            raise AnswersError(f"{path}: line {line}: the name {name!r} is given twice")
        out[name] = value
    if "exercise.kind" in out or "exercise.seed" in out:
        kind, seed = out.pop("exercise.kind", None), out.pop("exercise.seed", None)
        try:
            seed = int(seed) if seed is not None else None
        except ValueError:
            pass  # left as text: it cannot match, and the grader says so
        out["exercise"] = {"kind": kind, "seed": seed}
    return out


def _first_row(rows: list[list[str]]) -> int:
    for line, row in enumerate(rows, start=1):
        if row and any(c.strip() for c in row):
            return line
    return 0


def answer_files(folder: PathLike) -> list[Path]:
    """The answer files of a folder: *.json and *.csv (not exercise.json, not hidden), sorted by name."""
    folder = Path(folder)
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as e:
        raise AnswersError(f"{folder}: cannot list the folder ({e.strerror or e})") from None
    return [p for p in entries if p.is_file() and p.suffix.lower() in (".json", ".csv")
            and p.name != "exercise.json" and not p.name.startswith(".")]
