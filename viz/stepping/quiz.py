"""Quiz mode: the gradients are hidden and the learner types the next one.

    >>> from engine import Value
    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> q = Quiz(x * w)
    >>> q.question()
    'What is ∂L/∂x?  (x is used once: by L)'
    >>> q.answer("abc").correct is None          # not a number: asked again
    True
    >>> q.answer(-3).correct
    True
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from engine import Value
from viz.app.expr import ExpressionError, parse_number
from viz.args import check_bool, check_int, check_number
from viz.errors import NonFiniteGradientError
from viz.stepping import bounds
from viz.stepping.steps import BackwardTrace, partial, trace_backward

ASK_MODES = ("node", "step")
HELP = "type a number (0.25, -1/3 and 2*0.5 work), h for a hint, s to show the answer, q to quit"


@dataclass(frozen=True, repr=False)
class Feedback:
    """The verdict on one answer: correct True/False, or None when it was not a number."""

    correct: bool | None
    message: str
    expected: float | None = None
    mistakes: tuple[str, ...] = ()  # the misconception lab's names for a wrong answer (viz.diagnose)

    def __repr__(self) -> str:  # what a notebook shows after q.answer(...)
        return self.message


@dataclass(frozen=True)
class _Question:
    target: int  # node (topological position) whose value is asked
    steps: tuple[int, ...]  # the steps whose contributions make the expected value
    expected: float


class Quiz:
    """Ask for ∂L/∂(next node) in backward order, check answers with a tolerance, give hints.

    ask="node": one question per node, when its gradient becomes complete (a fan-out is a sum);
    ask="step": one question per chain-rule step (each contribution local × upstream).
    An answer is right when |answer − expected| ≤ tol · max(1, |expected|).
    """

    def __init__(self, root: Value, *, ask: str = "node", tol: float = 1e-3, digits: int = 4,
                 skip_constants: bool = True) -> None:
        if ask not in ASK_MODES:
            raise ValueError(f"Quiz: ask must be one of {ASK_MODES}, got {ask!r}")
        tol = check_number(tol, "Quiz", "tol", 0.0, 1.0, high_open=True)
        check_int(digits, "Quiz", "digits", 0, 12)
        check_bool(skip_constants, "Quiz", "skip_constants")
        if type(root) is not Value:
            raise TypeError(f"Quiz: expected a Value (the root of a graph), got {type(root).__name__} {root!r:.60}")
        bounds.check_steps(root, "Quiz")  # from the counts: a huge graph is refused before it is traced
        self.trace: BackwardTrace = trace_backward(root, digits=digits)
        self.ask, self.tol = ask, tol
        self.questions = self._make_questions(skip_constants)
        for q in self.questions:  # an overflowed sum of signals has no answer to type
            if not math.isfinite(q.expected):
                raise NonFiniteGradientError(
                    f"Quiz: the answer to {self._asked(q)} is {q.expected} (the gradient overflowed as its "
                    "signals were added up); a quiz needs finite gradients: scale the inputs down")
        self.position = 0  # index of the current question
        self.right = 0  # answered correctly (before being shown)
        self.shown = 0  # revealed with s / after too many tries
        self.tries = 0  # wrong answers to the current question

    def _make_questions(self, skip_constants: bool) -> list[_Question]:
        t = self.trace
        out, pending = [], {}
        for i, s in enumerate(t.steps):
            if skip_constants and t.order[s.parent].op == "const":
                continue
            if self.ask == "step":
                out.append(_Question(s.parent, (i,), s.contribution))
                continue
            pending.setdefault(s.parent, []).append(i)
            if s.parent_done:
                out.append(_Question(s.parent, tuple(pending.pop(s.parent)), s.parent_grad))
        return out

    def __repr__(self) -> str:  # what a notebook shows for the quiz object
        if self.done:
            return f"Quiz over. {self.summary()}"
        return f"Quiz, question {self.position + 1} of {len(self.questions)}: {self.question()}"

    # ------------------------------------------------------------------ state
    @property
    def done(self) -> bool:
        return self.position >= len(self.questions)

    @property
    def score(self) -> tuple[int, int]:
        """(answered right, questions finished so far)."""
        return self.right, self.right + self.shown

    @property
    def current(self) -> _Question | None:
        return None if self.done else self.questions[self.position]

    def known(self) -> list[tuple[str, float]]:
        """(name, grad) of every node whose gradient is complete before the current question."""
        q = self.current
        k = len(self.trace) if q is None else q.steps[0]
        grads, done = self.trace.grads_at(k), self.trace.complete_at(k)
        return [(self.trace.names[j], grads[j]) for j in sorted(done, reverse=True)]

    # ------------------------------------------------------------------ asking
    def question(self) -> str | None:
        """The current question, or None when the quiz is over."""
        q = self.current
        if q is None:
            return None
        t, L = self.trace, self.trace.root_name
        p = t.names[q.target]
        if self.ask == "step":
            s = t.steps[q.steps[0]]
            return (f"Step {q.steps[0] + 1} of {len(t)}: {partial(L, p)} += {partial(L, t.names[s.node])}"
                    f" · {partial(t.names[s.node], p)} = ?")
        users = [t.names[t.steps[i].node] for i in q.steps]
        uses = "once" if len(users) == 1 else f"{len(users)} times"
        return f"What is {partial(L, p)}?  ({p} is used {uses}: by {', '.join(users)})"

    def hint(self) -> str:
        """The chain-rule terms of the current question, with every factor's value (not the result)."""
        q = self.current
        if q is None:
            return "The quiz is over."
        t, L = self.trace, self.trace.root_name
        p = t.names[q.target]
        terms, facts = [], []
        for i in q.steps:
            s = t.steps[i]
            n = t.names[s.node]
            terms.append(f"{partial(L, n)} · {partial(n, p)}")
            facts.append(f"{partial(L, n)} = {t.num(s.upstream)}")
            facts.append(t.rule(i))
        if self.ask == "step":
            return f"Multiply the two factors: {terms[0]}, where {'; '.join(facts)}"
        lead = "Sum over every use" if len(terms) > 1 else "One use, one term"
        unique = list(dict.fromkeys(facts))
        return f"{lead}: {partial(L, p)} = {' + '.join(terms)}, where {'; '.join(unique)}"

    def answer(self, value: float | int | str) -> Feedback:
        """Check an answer (a number or text such as "0.25" or "-1/3"); right answers move on."""
        q = self.current
        if q is None:
            return Feedback(False, "The quiz is over.")
        try:
            number = _to_number(value)
        except (ExpressionError, TypeError):
            return Feedback(None, f"{str(value)!r:.40} is not a number: {HELP}.")
        if not math.isfinite(number):
            return Feedback(None, f"{number} is not a finite number; {HELP}.")
        name = self._asked(q)
        if _close(number, q.expected, self.tol):
            self.right += 1
            account = self._advance()
            return Feedback(True, f"Right: {name} = {self.trace.num(q.expected)}.\n{account}", q.expected)
        self.tries += 1
        names, why = _diagnosis(self, q, number)
        return Feedback(False, f"Not quite: {self.trace.num(number)} is not {name}.{why} Hint: {self.hint()}",
                        q.expected, names)

    def reveal(self) -> str:
        """Show the current answer with its steps and move on."""
        q = self.current
        if q is None:
            return "The quiz is over."
        self.shown += 1
        name = self._asked(q)
        return f"{name} = {self.trace.num(q.expected)}:\n{self._advance()}"

    def _asked(self, q: _Question) -> str:
        """What the question asks for: ∂L/∂p (node), or the one contribution ∂L/∂n · ∂n/∂p (step)."""
        t, L = self.trace, self.trace.root_name
        p = t.names[q.target]
        if self.ask == "step":
            n = t.names[t.steps[q.steps[0]].node]
            return f"the contribution {partial(L, n)} · {partial(n, p)}"
        return partial(L, p)

    def _advance(self) -> str:
        q = self.questions[self.position]
        self.position += 1
        self.tries = 0
        return "\n".join("    " + self.trace.text(i) for i in q.steps)

    def summary(self) -> str:
        right, finished = self.score
        left = len(self.questions) - finished
        tail = f", {left} left (not answered right or shown)" if left else ""
        return f"Score: {right} of {finished} right without being shown{tail}."


# --- misconception lab: name the mistake behind a wrong answer (viz/lab) ---
def _diagnosis(quiz: Quiz, q: _Question, answer: float) -> tuple[tuple[str, ...], str]:
    """(mistake names, " <answer> is what you get if ...") for a wrong answer, or ((), "")."""
    from viz.errors import LabError
    from viz.lab.catalogue import MISTAKES
    from viz.lab.diagnose import diagnose, explain

    t = quiz.trace
    if quiz.ask == "step":  # a contribution: the one mistake visible in a single step is local_only
        s = t.steps[q.steps[0]]
        tol = quiz.tol * max(1.0, abs(s.local))
        if abs(answer - s.local) <= tol and abs(s.local - s.contribution) > tol:
            clause = MISTAKES["local_only"].if_clause()
            return ("local_only",), f" {t.num(answer)} is what you get if {clause} (mistake 'local_only')."
        return (), ""
    try:
        names = diagnose(t.root, t.order[q.target], answer, tol=quiz.tol)
    except LabError:
        return (), ""
    text = explain(names, answer, t.names[q.target], len(q.steps), t.digits)
    return tuple(names), f" {text}" if text else ""


def _close(answer: float, expected: float, tol: float) -> bool:
    """|answer − expected| ≤ tol · max(1, |expected|), never true for a non-finite expected value or bound."""
    bound = tol * max(1.0, abs(expected))
    return math.isfinite(expected) and math.isfinite(bound) and abs(answer - expected) <= bound


def _to_number(value: object) -> float:
    if isinstance(value, bool):
        raise TypeError("True/False is not a number")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return parse_number(value)
    raise TypeError(f"expected a number or text, got {type(value).__name__}")


def run_quiz(quiz: Quiz, *, read: Callable[[str], str] = input, write: Callable[[str], None] = print,
             max_tries: int = 3) -> tuple[int, int]:
    """The terminal loop: ask, check, hint; the answer is shown after max_tries wrong tries.

    End of input (EOF) or q ends the quiz cleanly; returns quiz.score.
    """
    if not isinstance(quiz, Quiz):
        raise TypeError(f"run_quiz: expected a Quiz, got {type(quiz).__name__} {quiz!r:.60}")
    check_int(max_tries, "run_quiz", "max_tries", 1)
    if not callable(read) or not callable(write):
        raise TypeError("run_quiz: read and write must be callables (like input and print)")
    write(f"Quiz: {len(quiz.questions)} questions; {HELP}.")
    for line in quiz.trace.definitions():
        write("    " + line)
    while not quiz.done:
        write(quiz.question() or "")
        while True:
            try:
                reply = read("> ").strip()
            except (EOFError, KeyboardInterrupt):
                write("\n" + quiz.summary())
                return quiz.score
            command = reply.lower()
            if command in ("q", "quit", "exit"):
                write(quiz.summary())
                return quiz.score
            if command in ("h", "hint"):
                write("Hint: " + quiz.hint())
                continue
            if command in ("s", "show", "?"):
                write(quiz.reveal())
                break
            if not reply:
                write(HELP[0].upper() + HELP[1:] + ".")
                continue
            feedback = quiz.answer(reply)
            write(feedback.message)
            if feedback.correct:
                break
            if feedback.correct is False and quiz.tries >= max_tries:
                write("Here is the answer: " + quiz.reveal())
                break
    write(quiz.summary())
    return quiz.score


def start_quiz(root: Value, *, ask: str = "node", tol: float = 1e-3, digits: int = 4) -> tuple[int, int]:
    """Quiz yourself on root's backward pass with input()/print() (terminal or notebook)."""
    return run_quiz(Quiz(root, ask=ask, tol=tol, digits=digits))
