"""`deltagrad exercise`, `deltagrad check` and `deltagrad check-op` (registered by viz/app/cli.py).

Exit status: 0 every blank right or carried (every point agrees), 1 some are not, 2 the input
cannot be used (unreadable, malformed, another exercise's answers, unwritable output folder).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from viz.exercises.answers import answer_files, read_answers, read_exercise_file
from viz.exercises.check_op import check_op
from viz.exercises.diagnosis import mistakes
from viz.exercises.errors import AnswersError, ExerciseError
from viz.exercises.generate import KINDS, LOSSES, MAX_COUNT, make_exercise, regenerate, variant_seed
from viz.exercises.grade import grade
from viz.exercises.notation import NOTATION_CODES
from viz.exercises import report as fmt
from viz.exercises.sheets import FILES, write_exercise

COMMANDS = ("exercise", "check", "check-op")
EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    """Add the three subcommands to `deltagrad`'s subparsers (so they show in its help)."""
    _exercise_parser(sub)
    _check_parser(sub)
    _check_op_parser(sub)


def _exercise_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("exercise", help="generate an exercise sheet and its key from a seed",
                       description="Write exercise.json, sheet.md/.tex/.html (with blanks) and key.md/key.json "
                                   "into DIR. The seed fixes the problem; --notation only the labels.",
                       epilog="example: deltagrad exercise --kind network --seed 7 --out class/ --count 30 "
                              "(variant i has seed 7·1000 + i, written to class/01, class/02, ...)")
    p.add_argument("--kind", choices=KINDS, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--out", metavar="DIR", required=True)
    p.add_argument("--count", type=int, default=None, metavar="K",
                   help=f"write K variants into DIR/01, DIR/02, ... (1..{MAX_COUNT})")
    p.add_argument("--notation", choices=NOTATION_CODES, default="000",
                   help="label the blanks as this lecture note does (default 000)")
    p.add_argument("--size", type=int, help="expression: number of operations (3..12, default 5)")
    p.add_argument("--variables", type=int, help="expression: number of variables (2..5, default 3)")
    p.add_argument("--ops", help="expression: comma-separated ops, e.g. +,*,tanh,exp,sigmoid,relu,**2")
    p.add_argument("--sizes", help="network: layer widths, input first, e.g. 2,3,1 (default: from the seed)")
    p.add_argument("--activation", choices=("sigmoid", "tanh"), help="network: hidden activation")
    p.add_argument("--loss", choices=LOSSES, help="network: the loss (default: from the seed)")
    return p


def _check_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("check", help="grade answers (JSON, CSV or a folder of them) against an exercise",
                       description="Grade ANSWERS against EXERCISE.json: right, wrong (with the misconception "
                                   "lab's diagnosis), carried, missing, invalid per blank; extra names; a score.")
    p.add_argument("exercise", metavar="EXERCISE.json")
    p.add_argument("answers", metavar="ANSWERS", help="a .json or .csv answers file, or a folder of them")
    p.add_argument("--format", choices=("text", "json", "junit"), default="text")
    p.add_argument("--tol", type=float, default=1e-3,
                   help="an answer counts within TOL × max(1, |expected|) (default 1e-3)")
    return p


def _check_op_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("check-op", help="check a learner's forward/derivative against central differences",
                       description="Import FILE (it runs the learner's code, in a separate process with a time "
                                   "limit) and compare derivative with central differences of forward.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--points", type=int, default=20, help="random points (the domain's edges are added)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tol", type=float, default=1e-4)
    p.add_argument("--timeout", type=float, default=10.0, help="seconds for the whole check (default 10)")
    return p


def main(argv: Sequence[str]) -> int:
    """Run one of the three subcommands; argv starts with its name."""
    parser = argparse.ArgumentParser(prog="deltagrad")
    sub = parser.add_subparsers(dest="command")
    add_subcommands(sub)
    ns = parser.parse_args(list(argv))
    try:
        if ns.command == "exercise":
            return run_exercise(ns)
        if ns.command == "check":
            return run_check(ns)
        return run_check_op(ns)
    except (ExerciseError, AnswersError) as e:
        print(f"deltagrad: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK


def run_exercise(ns: argparse.Namespace) -> int:
    options = {"size": ns.size, "variables": ns.variables, "ops": ns.ops} if ns.kind == "expression" else {
        "sizes": ns.sizes, "activation": ns.activation, "loss": ns.loss}
    wrong_kind = [f"--{n}" for n, v in (("size", ns.size), ("variables", ns.variables), ("ops", ns.ops))
                  if v is not None] if ns.kind == "network" else [
        f"--{n}" for n, v in (("sizes", ns.sizes), ("activation", ns.activation), ("loss", ns.loss)) if v is not None]
    if wrong_kind:
        raise ExerciseError(f"exercise: {', '.join(wrong_kind)} does not apply to --kind {ns.kind}")
    options = {k: v for k, v in options.items() if v is not None}
    out = Path(ns.out)
    if out.exists() and not out.is_dir():
        raise ExerciseError(f"exercise: --out {out} is a file, not a folder")
    if ns.count is None:
        ex = make_exercise(ns.kind, ns.seed, ns.notation, **options)
        write_exercise(ex, out)
        print(f"wrote {out}: {', '.join(FILES)} ({len(ex.blanks)} blanks; keep key.md and key.json to yourself)")
        return EXIT_OK
    if not 1 <= ns.count <= MAX_COUNT:
        raise ExerciseError(f"exercise: --count must be from 1 to {MAX_COUNT}, got {ns.count}")
    exercises = [make_exercise(ns.kind, variant_seed(ns.seed, i), ns.notation, **options)
                 for i in range(1, ns.count + 1)]
    width = max(2, len(str(ns.count)))
    for i, ex in enumerate(exercises, start=1):
        write_exercise(ex, out / f"{i:0{width}d}")
    print(f"wrote {ns.count} exercises to {out}/{1:0{width}d} .. {out}/{ns.count:0{width}d} "
          f"(variant i has seed {ns.seed}·1000 + i; each folder holds {', '.join(FILES)})")
    return EXIT_OK


def run_check(ns: argparse.Namespace) -> int:
    exercise = regenerate(read_exercise_file(ns.exercise))
    if not 0 < ns.tol < 1:
        raise AnswersError(f"check: --tol must be between 0 and 1, got {ns.tol}")
    path = Path(ns.answers)
    catalogue = mistakes()
    if path.is_dir():
        files = answer_files(path)
        if not files:
            raise AnswersError(f"{path}: no answer files (*.json, *.csv) in this folder")
        graded: dict = {}
        for f in files:
            try:
                graded[f.name] = grade(exercise, read_answers(f), ns.tol, source=f.name)
            except AnswersError as e:
                graded[f.name] = str(e)
        cls = fmt.ClassReport(exercise.kind, exercise.seed, graded)
        _emit(ns.format, cls, fmt.class_text(cls, catalogue))
        usable = [r for r in graded.values() if not isinstance(r, str)]
        if not usable:
            return EXIT_ERROR
        return EXIT_OK if len(usable) == len(graded) and all(r.passed for r in usable) else EXIT_FAIL
    rep = grade(exercise, read_answers(path), ns.tol, source=str(path))
    _emit(ns.format, rep, fmt.text(rep, catalogue))
    return EXIT_OK if rep.passed else EXIT_FAIL


def _emit(form: str, rep: object, text: str) -> None:
    if form == "json":
        sys.stdout.write(fmt.as_json(rep))  # type: ignore[arg-type]
    elif form == "junit":
        sys.stdout.write(fmt.junit(rep))  # type: ignore[arg-type]
    else:
        print(text)


def run_check_op(ns: argparse.Namespace) -> int:
    result = check_op(ns.file, points=ns.points, seed=ns.seed, tol=ns.tol, timeout=ns.timeout)
    if ns.format == "json":
        import json

        sys.stdout.write(json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        print(result.text())
    return EXIT_OK if result.passed else EXIT_FAIL
