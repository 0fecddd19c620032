"""`deltagrad check-op FILE`: is a learner's derivative(x) the derivative of their forward(x)?

The file defines forward(x) and derivative(x) (or forward(x, y) and derivative(x, y) -> (∂/∂x,
∂/∂y)) and optionally DOMAIN = (low, high). It is imported with importlib from its path and
RUNS THE LEARNER'S CODE, in a separate Python process with a time limit (and a 2 GB memory
limit where the system allows), so an infinite loop or a crash cannot hang or break the checker.
At random points and just inside the domain's edges, derivative is compared with the central
difference (f(x+h) − f(x−h)) / 2h of forward; every point where they differ is reported.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from viz.exercises.errors import ExerciseError

PathLike = Union[str, "os.PathLike[str]"]
_WORKER = Path(__file__).with_name("_op_worker.py")
_MARKER = "DELTAGRAD-RESULT "


class OpFileError(ExerciseError):
    """The learner's op file cannot be checked at all (missing, not Python, no forward/derivative)."""


@dataclass
class OpCheck:
    """What check_op found: `results` has one entry per point (point, where, status, expected, given)."""

    path: str
    arity: int = 1
    domain: list = field(default_factory=list)
    results: list = field(default_factory=list)
    timed_out: bool = False

    @property
    def failures(self) -> list[dict]:
        return [r for r in self.results if r["status"] != "right"]

    @property
    def passed(self) -> bool:
        return not self.timed_out and not self.failures

    def as_json(self) -> dict:
        return {"file": self.path, "arity": self.arity, "domain": self.domain, "passed": self.passed,
                "timed_out": self.timed_out, "checked": len(self.results), "failures": self.failures}

    def text(self) -> str:
        if self.timed_out:
            return (f"{self.path}: forward/derivative did not finish within the time limit "
                    "(an infinite loop?); nothing could be checked")
        names = ["∂/∂x"] if self.arity == 1 else ["∂/∂x", "∂/∂y"]
        lines = [f"{self.path}: {'binary' if self.arity == 2 else 'unary'} op, {len(self.results)} points checked "
                 f"on the domain {', '.join(f'({lo:g}, {hi:g})' for lo, hi in self.domain)}"]
        for r in self.failures:
            at = ", ".join(f"{v:.6g}" for v in r["point"])
            if r["status"] == "error":
                lines.append(f"  at ({at}) {r['where']}: {r['message']}")
                continue
            for n, e, g in zip(names, r["expected"], r["given"]):
                lines.append(f"  at ({at}) {r['where']}: {n} expected {e:.6g} (central differences), given {g:.6g}")
        lines.append("  all points agree" if self.passed else f"  {len(self.failures)} of {len(self.results)} points differ")
        return "\n".join(lines)


def check_op(path: PathLike, *, points: int = 20, seed: int = 0, tol: float = 1e-4, timeout: float = 10.0) -> OpCheck:
    """Check the learner's file at `points` random points plus the edges; see the module docstring."""
    path = str(path)
    if not Path(path).is_file():
        raise OpFileError(f"check-op: {path}: no such file")
    if not 1 <= points <= 10_000:
        raise OpFileError(f"check-op: points must be from 1 to 10000, got {points}")
    if not 0 < timeout <= 600:
        raise OpFileError(f"check-op: timeout must be between 0 and 600 seconds, got {timeout}")
    cmd = [sys.executable, str(_WORKER), os.path.abspath(path), str(points), str(seed), repr(float(tol))]
    try:
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                              text=True, timeout=timeout, encoding="utf-8", errors="replace",
                              cwd=os.path.dirname(os.path.abspath(path)))
    except subprocess.TimeoutExpired:
        return OpCheck(path, timed_out=True)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith(_MARKER)]
    if not lines:
        raise OpFileError(f"check-op: {path}: the check stopped before reporting (exit status {done.returncode})")
    result = json.loads(lines[-1][len(_MARKER):])
    if "unusable" in result:
        raise OpFileError(f"check-op: {result['unusable']}")
    return OpCheck(path, result["arity"], result["domain"], result["results"])
