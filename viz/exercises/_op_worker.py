"""Run a learner's op file and compare its derivative with central differences (standard library only).

Run as a script in its own process by viz.exercises.check_op (which enforces the time limit):
    python _op_worker.py FILE POINTS SEED TOL
It prints one line "DELTAGRAD-RESULT <json>" at the end; the learner's own output (fds 1 and 2) is discarded.
"""
from __future__ import annotations

import importlib.util
import inspect
import json
import math
import os
import random
import sys
from typing import Any

MARKER = "DELTAGRAD-RESULT "


class Unusable(Exception):
    """The file cannot be checked at all (missing, not Python, no forward/derivative)."""


def load(path: str) -> Any:
    """Import the learner's file as a module named `learner_op` (runs its top-level code)."""
    spec = importlib.util.spec_from_file_location("learner_op", path)
    if spec is None or spec.loader is None:
        raise Unusable(f"{path}: not a Python file that can be imported")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except FileNotFoundError:
        raise Unusable(f"{path}: no such file") from None
    except SyntaxError as e:
        raise Unusable(f"{path}: syntax error on line {e.lineno}: {e.msg}") from None
    except Exception as e:  # the learner's top-level code failed
        raise Unusable(f"{path}: importing it raised {type(e).__name__}: {e}") from None
    for name in ("forward", "derivative"):
        if not callable(getattr(module, name, None)):
            raise Unusable(f"{path}: defines no function {name}(x) (or {name}(x, y) for a binary op)")
    return module


def arity(f: Any) -> int:
    try:
        params = [p for p in inspect.signature(f).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    except (TypeError, ValueError):
        return 1
    return len(params)


def domains(module: Any, n: int) -> list[tuple[float, float]]:
    """DOMAIN as one (low, high) per argument; (-3, 3) when not given, infinite ends cut at ±3 from the other."""
    d = getattr(module, "DOMAIN", None)
    if d is None:
        return [(-3.0, 3.0)] * n
    try:
        pairs = [tuple(map(float, p)) for p in d] if n == 2 and isinstance(d[0], (tuple, list)) else [
            tuple(map(float, d))] * n
        if any(len(p) != 2 for p in pairs):
            raise ValueError
    except (TypeError, ValueError, IndexError):
        raise Unusable(f"DOMAIN must be (low, high) with low < high, got {d!r:.60}") from None
    out = []
    for low, high in pairs:
        if math.isnan(low) or math.isnan(high) or not low < high:
            raise Unusable(f"DOMAIN must be (low, high) with low < high, got {d!r:.60}")
        if math.isinf(low):
            low = min(-3.0, high - 6.0) if math.isfinite(high) else -3.0
        if math.isinf(high):
            high = max(3.0, low + 6.0)
        out.append((low, high))
    return out


def sample_points(doms: list[tuple[float, float]], count: int, rng: random.Random) -> list[tuple[list[float], str]]:
    """`count` random points inside the domain, then points just inside each edge."""
    pts: list[tuple[list[float], str]] = []
    for _ in range(count):
        pts.append(([rng.uniform(lo + 0.01 * (hi - lo), hi - 0.01 * (hi - lo)) for lo, hi in doms], "random"))
    mid = [(lo + hi) / 2 for lo, hi in doms]
    for i, (lo, hi) in enumerate(doms):
        gap = max(1e-3 * (hi - lo), 1e-6)
        for edge, where in ((lo + gap, "near the low edge"), (hi - gap, "near the high edge")):
            p = list(mid)
            p[i] = edge
            pts.append((p, where))
    return pts


def _float(v: Any, what: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        try:
            v = float(v)  # numpy scalars and the like
        except (TypeError, ValueError):
            raise TypeError(f"{what} returned {type(v).__name__} {v!r:.40}, not a number") from None
    return float(v)


def check(path: str, count: int, seed: int, tol: float) -> dict:
    module = load(path)
    forward, derivative = module.forward, module.derivative
    n = arity(forward)
    if n not in (1, 2):
        raise Unusable(f"{path}: forward takes {n} arguments; a unary op takes (x), a binary one (x, y)")
    doms = domains(module, n)
    rng = random.Random(seed)
    results = []
    for point, where in sample_points(doms, count, rng):
        entry: dict = {"point": point, "where": where}
        try:
            given = derivative(*point)
            given = [_float(given, "derivative")] if n == 1 else [_float(g, "derivative") for g in given]
            if len(given) != n:
                raise TypeError(f"derivative returned {len(given)} values, expected {n} (∂/∂x, ∂/∂y)")
        except (Exception, SystemExit) as e:
            entry.update(status="error", message=f"derivative{tuple(point)} raised {type(e).__name__}: {e}")
            results.append(entry)
            continue
        expected = []
        try:
            for i in range(n):
                lo, hi = doms[i]
                x = point[i]
                h = min(1e-5 * max(1.0, abs(x)), (x - lo) / 2, (hi - x) / 2)
                up, down = list(point), list(point)
                up[i] += h
                down[i] -= h
                expected.append((_float(forward(*up), "forward") - _float(forward(*down), "forward")) / (2 * h))
        except (Exception, SystemExit) as e:
            entry.update(status="error", message=f"forward near {tuple(point)} raised {type(e).__name__}: {e}")
            results.append(entry)
            continue
        ok = all(math.isfinite(g) and abs(g - e) <= tol * max(1.0, abs(e)) for g, e in zip(given, expected))
        entry.update(status="right" if ok else "wrong", expected=expected, given=given)
        results.append(entry)
    return {"arity": n, "domain": doms, "results": results}


def main(argv: list[str]) -> int:
    path, count, seed, tol = argv[0], int(argv[1]), int(argv[2]), float(argv[3])
    try:
        import resource  # bound the learner's memory where the platform allows it

        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))
    except (ImportError, ValueError, OSError):
        pass
    sys.path[0] = os.path.dirname(os.path.abspath(path))  # the learner's folder, not this package's
    sys.stdout.flush()
    result_fd = os.dup(1)  # the result goes here; whatever the learner prints goes nowhere
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        result = check(path, count, seed, tol)
    except Unusable as e:
        result = {"unusable": str(e)}
    except MemoryError:
        result = {"unusable": f"{path}: ran out of memory"}
    except BaseException as e:  # SystemExit or the like from the learner's code
        result = {"unusable": f"{path}: the check was stopped by {type(e).__name__}: {e}"}
    with os.fdopen(result_fd, "w", encoding="utf-8") as out:
        out.write(MARKER + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
