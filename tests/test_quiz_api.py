"""viz.Quiz: hidden gradients, answers checked with a tolerance, hints that show the chain rule."""
from __future__ import annotations

import pytest

import engine
from engine import Value
from viz.quiz import Quiz, run_quiz


def net():
    """L = tanh(x·w + b)·x: x fans out into two uses."""
    x, w, b = Value(1.0, "x"), Value(-2.0, "w"), Value(0.5, "b")
    return (x * w + b).tanh() * x, (x, w, b)


def test_questions_follow_the_backward_pass_and_expect_the_engines_grads() -> None:
    root, leaves = net()
    quiz = Quiz(root)
    twin, twin_leaves = net()
    twin.backward()
    order = engine.topo_order(twin)
    expected = {quiz.trace.names[q.target]: q.expected for q in quiz.questions}
    for k, v in enumerate(order[:-1]):
        assert expected[quiz.trace.names[k]] == v.grad
    # one question per node, in the order their gradients become complete
    done_order = [s.parent for s in quiz.trace.steps if s.parent_done]
    assert [q.target for q in quiz.questions] == done_order


def test_right_wrong_and_non_numbers() -> None:
    root, (x, w, b) = net()
    quiz = Quiz(root)
    first = quiz.current
    assert quiz.question() == "What is ∂L/∂t5?  (t5 is used once: by L)"
    fb = quiz.answer("not a number")
    assert fb.correct is None and "is not a number" in fb.message
    assert quiz.current is first and quiz.tries == 0
    fb = quiz.answer(0.5)
    assert fb.correct is False and "Hint:" in fb.message and quiz.current is first
    fb = quiz.answer(str(x.data))  # ∂L/∂t5 = x = 1
    assert fb.correct is True and fb.expected == 1.0
    assert fb.message.startswith("Right: ∂L/∂t5 = 1.0000.")
    assert quiz.current is not first and quiz.score == (1, 1)


def test_tolerance_is_relative_to_the_size_of_the_answer() -> None:
    x = Value(1000.0, "x")
    y = x * x  # ∂L/∂x = 2000, in two contributions of 1000
    quiz = Quiz(y, tol=1e-3)
    assert quiz.answer(2001.9).correct is True  # within 0.1%
    quiz = Quiz(y, tol=1e-3)
    assert quiz.answer(2002.5).correct is False
    small = Value(0.001, "s")
    quiz = Quiz(small * 0.0001)
    assert quiz.answer(0.0).correct is True  # |0.0001 − 0| ≤ 1e-3 · max(1, …)
    assert Quiz(Value(2.0, "a") * 3.0).answer("3 + 0.0004").correct is True


def test_hint_shows_every_chain_rule_term_with_its_factors() -> None:
    root, (x, w, b) = net()
    quiz = Quiz(root)
    while quiz.trace.names[quiz.current.target] != "x":
        quiz.reveal()
    hint = quiz.hint()
    assert hint.startswith("Sum over every use: ∂L/∂x = ∂L/∂L · ∂L/∂x + ∂L/∂t2 · ∂t2/∂x, where ")
    assert "∂L/∂x = t5 = " in hint and "∂t2/∂x = w = -2.0000" in hint
    answer = quiz.current.expected
    assert f"{answer:.4f}" not in hint.split("where")[0]
    assert quiz.answer(f"{answer:.4f}").correct is True


def test_per_step_mode() -> None:
    root, _ = net()
    quiz = Quiz(root, ask="step")
    assert len(quiz.questions) == len(quiz.trace)
    assert quiz.question() == "Step 1 of 7: ∂L/∂t5 += ∂L/∂L · ∂L/∂t5 = ?"
    assert quiz.hint().startswith("Multiply the two factors: ∂L/∂L · ∂L/∂t5, where ∂L/∂L = 1.0000; ∂L/∂t5 = x = 1.0000")
    for q in list(quiz.questions):
        assert quiz.answer(q.expected).correct is True
    assert quiz.done and quiz.question() is None and quiz.score == (7, 7)
    assert quiz.answer(1).correct is False and quiz.hint() == "The quiz is over."


def test_constants_are_skipped_unless_asked() -> None:
    x = Value(2.0, "x")
    assert [Quiz(x * 3).trace.names[q.target] for q in Quiz(x * 3).questions] == ["x"]
    assert len(Quiz(x * 3, skip_constants=False).questions) == 2


def test_known_gradients_before_each_question() -> None:
    root, _ = net()
    quiz = Quiz(root)
    assert quiz.known() == [("L", 1.0)]
    quiz.reveal()
    assert [name for name, _ in quiz.known()] == ["L", "t5"]


@pytest.mark.parametrize("kwargs, message", [
    ({"ask": "edge"}, "ask must be one of"), ({"tol": 0}, "tol must be"), ({"tol": 2}, "tol must be"),
    ({"tol": True}, "tol must be"),
])
def test_bad_options(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        Quiz(Value(1.0, "x") * 2, **kwargs)


def test_non_finite_and_odd_answers_are_asked_again() -> None:
    quiz = Quiz(Value(1.0, "x") * 2)
    for bad in ["", "nan", "1/0", "x", True, None, [1]]:
        assert quiz.answer(bad).correct is None  # type: ignore[arg-type]
    assert quiz.answer(float("inf")).correct is None
    assert quiz.position == 0


def test_terminal_loop_gives_the_answer_after_three_wrong_tries() -> None:
    root, _ = net()
    quiz = Quiz(root)
    replies = iter(["9", "9", "9", "q"])
    out: list[str] = []
    score = run_quiz(quiz, read=lambda prompt: next(replies), write=out.append)
    assert score == (0, 1)
    text = "\n".join(out)
    assert text.count("Not quite") == 3 and "Here is the answer: ∂L/∂t5 = 1.0000:" in text


def test_terminal_loop_ends_cleanly_at_end_of_input() -> None:
    quiz = Quiz(net()[0])

    def read(prompt: str) -> str:
        raise EOFError

    out: list[str] = []
    assert run_quiz(quiz, read=read, write=out.append) == (0, 0)
    assert out[-1].endswith("Score: 0 of 0 right without being shown, 6 left (not answered right or shown).")


def test_notebook_display() -> None:
    quiz = Quiz(Value(2.0, "x") * 3.0)
    assert repr(quiz) == "Quiz, question 1 of 1: What is ∂L/∂x?  (x is used once: by L)"
    fb = quiz.answer(3)
    assert repr(fb) == fb.message and fb.message.startswith("Right: ∂L/∂x = 3.0000.")
    assert repr(quiz) == "Quiz over. Score: 1 of 1 right without being shown."


def test_a_question_tried_but_not_finished_counts_as_left() -> None:
    quiz = Quiz(net()[0])
    replies = iter(["12345"])  # one wrong answer, then end of input

    def read(prompt: str) -> str:
        try:
            return next(replies)
        except StopIteration:
            raise EOFError from None

    out: list[str] = []
    assert run_quiz(quiz, read=read, write=out.append) == (0, 0)
    assert out[-1].endswith("6 left (not answered right or shown).")


def test_step_mode_verdicts_name_the_contribution_not_the_whole_gradient() -> None:
    x = Value(3.0, "x")
    quiz = Quiz(x * x + x, ask="step")  # x gets 1 + 3 + 3 = 7 in three steps
    assert quiz.answer(1).message.startswith("Right: the contribution ∂L/∂L · ∂L/∂t1 = 1.0000.")
    assert quiz.answer(1).message.startswith("Right: the contribution ∂L/∂L · ∂L/∂x = 1.0000.")
    wrong = quiz.answer(7)  # the whole ∂L/∂x is not what step 3 asks
    assert wrong.correct is False and wrong.message.startswith(
        "Not quite: 7.0000 is not the contribution ∂L/∂t1 · ∂t1/∂x. Hint: Multiply the two factors")
    assert quiz.reveal().startswith("the contribution ∂L/∂t1 · ∂t1/∂x = 3.0000:")
    node = Quiz(x * x + x)
    node.answer(1)
    assert node.answer(7).message.startswith("Right: ∂L/∂x = 7.0000.")
