"""Grade a student's answers: right, wrong, carried, missing, invalid per blank, plus extras.

A blank is right within tol × max(1, |expected|). A wrong number that is what the blank's own
rule gives from the student's *own* upstream numbers (δ^{L−1} from a wrong δ^L, ∂L/∂w from a
wrong δ, ∂L/∂t from a wrong ∂L/∂(its user)) is `carried`: the error was made once, upstream,
and this blank gets credit. Every `wrong` blank carries the misconception lab's diagnosis.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from engine import DeltagradError
from viz.exercises.diagnosis import diagnose_blank
from viz.exercises.errors import AnswersError
from viz.exercises.generate import Exercise, expression_graph, regenerate

STATUSES = ("right", "wrong", "carried", "missing", "invalid")
CREDIT = ("right", "carried")


@dataclass
class BlankResult:
    """One blank's grade: `given` is the student's entry as read (None when missing)."""

    name: str
    status: str
    expected: float
    given: Any
    diagnosis: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"status": self.status, "expected": self.expected, "given": self.given, "diagnosis": self.diagnosis}


@dataclass
class Report:
    """The grade of one answers file: `blanks` in sheet order, `extra` (names not on the sheet)."""

    kind: str
    seed: int
    source: str
    blanks: dict[str, BlankResult]
    extra: dict[str, Any]
    tol: float

    @property
    def score(self) -> int:
        return sum(r.status in CREDIT for r in self.blanks.values())

    @property
    def total(self) -> int:
        return len(self.blanks)

    @property
    def passed(self) -> bool:
        return self.score == self.total

    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.blanks.values()) for s in STATUSES}

    def as_json(self) -> dict:
        return {"exercise": {"kind": self.kind, "seed": self.seed}, "source": self.source, "score": self.score,
                "total": self.total, "tol": self.tol, "blanks": {n: r.as_json() for n, r in self.blanks.items()},
                "extra": dict(self.extra)}


def _close(given: float, target: float, tol: float) -> bool:
    return abs(given - target) <= tol * max(1.0, abs(target))


def number(v: Any) -> Optional[float]:
    """The entry as a finite float, or None when it is not a number ("0.25" counts, "1/4" does not)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        f = float(v)
    elif isinstance(v, str):
        try:
            f = float(v.strip())
        except ValueError:
            return None
    else:
        return None
    return f if math.isfinite(f) else None


def check_answers_exercise(exercise: Exercise, answers: Mapping[str, Any], source: str) -> dict[str, Any]:
    """The answers without their `exercise` entry; AnswersError if they belong to another exercise."""
    answers = dict(answers)
    entry = answers.pop("exercise", None)
    if entry is not None:
        if not isinstance(entry, dict) or "kind" not in entry or "seed" not in entry:
            raise AnswersError(f"{source}: the 'exercise' entry must be an object {{\"kind\": ..., \"seed\": ...}}, "
                               f"got {entry!r:.60}")
        if entry.get("kind") != exercise.kind or entry.get("seed") != exercise.seed:
            raise AnswersError(f"{source}: these are answers to another exercise ({entry.get('kind')} seed "
                               f"{entry.get('seed')}), not to this one ({exercise.kind} seed {exercise.seed})")
    if answers and not set(answers) & set(exercise.blanks):
        raise AnswersError(f"{source}: none of its {len(answers)} names is a blank of this exercise (e.g. "
                           f"{next(iter(answers))!r}; the sheet's blanks look like {exercise.blanks[0]!r}): "
                           "answers to another exercise, or another notation?")
    return answers


def grade(exercise: Exercise | Mapping[str, Any], answers: Mapping[str, Any] | str | os.PathLike, tol: float = 1e-3,
          *, source: str = "answers", diagnose: bool = True) -> Report:
    """Grade `answers` (blank name → number) against the exercise's key; see the module docstring.

    `exercise` may be the contents of an exercise.json (it is rebuilt from its seed) and
    `answers` the path of a JSON or CSV answers file.
    """
    if not isinstance(exercise, Exercise):
        exercise = regenerate(exercise)  # type: ignore[arg-type]
    if isinstance(answers, (str, os.PathLike)):
        from viz.exercises.answers import read_answers

        source = str(answers) if source == "answers" else source
        answers = read_answers(answers)
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 < tol < 1:
        raise AnswersError(f"grade: tol must be a number between 0 and 1, got {tol!r}")
    if not isinstance(answers, Mapping):
        raise AnswersError(f"{source}: answers must be an object from blank name to number, got "
                           f"{type(answers).__name__}")
    answers = check_answers_exercise(exercise, answers, source)
    recompute = _network_rules(exercise) if exercise.kind == "network" else _expression_rules(exercise)
    values: dict[str, float] = {}  # what the student's own numbers are, where they gave one
    results: dict[str, BlankResult] = {}
    for name in exercise.blanks:
        expected = exercise.key[name]
        if name not in answers or answers[name] is None or answers[name] == "":
            results[name] = BlankResult(name, "missing", expected, None)
            continue
        given = number(answers[name])
        if given is None:
            results[name] = BlankResult(name, "invalid", expected, answers[name])
            continue
        values[name] = given
        if _close(given, expected, tol):
            status = "right"
        else:
            upstream, candidates = recompute(name, lambda b: values.get(b, exercise.key[b]))
            off = any(results[u].status in ("wrong", "carried") for u in upstream if u in results)
            status = "carried" if off and any(_close(given, c, tol) for c in candidates) else "wrong"
        results[name] = BlankResult(name, status, expected, answers[name])
    if diagnose:
        for r in results.values():
            if r.status == "wrong":
                try:
                    r.diagnosis = diagnose_blank(exercise, r.name, values[r.name], tol)
                except DeltagradError:  # the lab cannot say (e.g. a pass refused as too long): no diagnosis
                    r.diagnosis = []
    extra = {n: v for n, v in answers.items() if n not in results}
    return Report(exercise.kind, exercise.seed, source, results, extra, tol)


Rule = Callable[[str, Callable[[str], float]], tuple[list[str], list[float]]]


def _expression_rules(exercise: Exercise) -> Rule:
    """∂L/∂p = Σ over the users n of p of ∂L/∂n · ∂n/∂p (local derivatives from the graph)."""
    root, trace = expression_graph(exercise.problem["expression"], exercise.problem["values"])
    order = trace.order
    blank_of = {q[1]: b for b, q in zip(exercise.blanks, exercise.quantities)}
    users: dict[int, list[tuple[int, float]]] = {}
    for c, node in enumerate(order):
        for p, local in zip(node.parents, node.local_grads):
            users.setdefault(trace.index_of[id(p)], []).append((c, local))
    root_k = len(order) - 1

    def rule(name: str, v: Callable[[str], float]) -> tuple[list[str], list[float]]:
        k = exercise.quantity(name)[1]
        ups = [blank_of[c] for c, _ in users.get(k, []) if c in blank_of]
        total = sum((1.0 if c == root_k else v(blank_of[c])) * local for c, local in users.get(k, []))
        return ups, [total]

    return rule


def _network_rules(exercise: Exercise) -> Rule:
    """Equations (1)-(6) of notes 000/004 applied to the student's own numbers."""
    from viz.exercises.notation import get_notation

    net, x, y, loss = (exercise.problem["network"], exercise.problem["example"]["x"],
                       exercise.problem["example"]["y"], exercise.problem["loss"])
    sizes, W, B = net["sizes"], net["weights"], net["biases"]
    L = len(sizes)
    note = get_notation(exercise.notation)
    label = {q: note.name(q, L) for q in exercise.quantities}

    def act(l: int) -> str:
        return net["output_activation"] if l == L else net["activation"]

    def rule(name: str, v: Callable[[str], float]) -> tuple[list[str], list[float]]:
        q = exercise.quantity(name)
        kind, l, j = q[0], q[1], q[2]

        def val(*key: Any) -> float:
            return v(label[key])

        if kind == "z":
            prev = [("a", l - 1, k) for k in range(1, sizes[l - 2] + 1)] if l > 2 else []
            a_prev = [val(*p) for p in prev] if prev else list(x)
            return ([label[p] for p in prev],
                    [sum(w * a for w, a in zip(W[l - 2][j - 1], a_prev)) + B[l - 2][j - 1]])
        if kind == "a":
            return [label[("z", l, j)]], [_sigma(val("z", l, j), act(l))]
        if kind == "sp":
            ups = [label[("z", l, j)], label[("a", l, j)]]
            return ups, [_sigma_prime_z(val("z", l, j), act(l)), _sigma_prime_a(val("a", l, j), act(l))]
        if kind == "delta" and l == L:
            aL = [val("a", L, i) for i in range(1, sizes[-1] + 1)]
            ups = [label[("a", L, i)] for i in range(1, sizes[-1] + 1)] + [label[("sp", L, j)]]
            candidates = [_loss_gradient(aL, y, loss, j) * val("sp", L, j)]
            if loss in ("binary_cross_entropy", "cross_entropy"):  # δ^L = y* − y (note 002) at once
                candidates.append(_shortcut(aL, y, loss, j))
            return ups, candidates
        if kind == "delta":
            below = [("delta", l + 1, i) for i in range(1, sizes[l] + 1)]
            s = sum(W[l - 1][i - 1][j - 1] * val(*d) for i, d in zip(range(1, sizes[l] + 1), below))
            return [label[d] for d in below] + [label[("sp", l, j)]], [s * val("sp", l, j)]
        if kind == "weight":
            k = q[3]
            a_prev = val("a", l - 1, k) if l > 2 else x[k - 1]
            ups = [label[("delta", l, j)]] + ([label[("a", l - 1, k)]] if l > 2 else [])
            return ups, [val("delta", l, j) * a_prev]
        return [label[("delta", l, j)]], [val("delta", l, j)]

    return rule


def _sigma(z: float, activation: str) -> float:
    if activation == "sigmoid":
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    if activation == "tanh":
        return math.tanh(z)
    return z


def _sigma_prime_z(z: float, activation: str) -> float:
    if activation == "linear":
        return 1.0
    return _sigma_prime_a(_sigma(z, activation), activation)


def _sigma_prime_a(a: float, activation: str) -> float:
    if activation == "sigmoid":
        return a * (1.0 - a)
    if activation == "tanh":
        return 1.0 - a * a
    return 1.0


def _loss_gradient(aL: list[float], y: Any, loss: str, j: int) -> float:
    """∂L/∂a^L_j at the student's a^L."""
    a = aL[j - 1]
    if loss == "squared_error":
        return a - y[j - 1]
    if loss == "binary_cross_entropy":
        if a <= 0.0 or a >= 1.0:
            return math.nan
        return (a - y) / (a * (1.0 - a))
    return _shortcut(aL, y, loss, j)


def _shortcut(aL: list[float], y: Any, loss: str, j: int) -> float:
    """∂L/∂z^L_j in one step: p − y for BCE of a sigmoid, softmax − one-hot for cross-entropy."""
    if loss == "binary_cross_entropy":
        return aL[0] - y
    top = max(aL)
    exps = [math.exp(a - top) for a in aL]
    return exps[j - 1] / sum(exps) - (1.0 if j - 1 == y else 0.0)
