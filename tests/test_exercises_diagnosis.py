"""Answers produced by each of the misconception lab's mistakes are graded wrong where the mistake is made,
and diagnosed as that mistake; what the mistake does further on is consistent, so it is `carried`."""
from __future__ import annotations

import pytest

import viz
from viz.exercises.generate import expression_graph, make_exercise, network_model, network_values
from viz.lab import mistakes, network
from viz.lab.catalogue import GRAPH_MISTAKES, NETWORK_MISTAKES

# set_parents shows only where a node has the same input twice (a * a): small expressions of + and *
OPTIONS = {"set_parents": {"variables": 2, "ops": ["+", "*"], "size": 3}}
# In an expression exercise only the variables are shared (each occurrence of a subexpression is a new
# node), so a recursion without a topological order, or in pre-order, gives the right gradients.
INVISIBLE = ("no_topo", "preorder")


def _mistaken_expression(name: str, seed: int):  # type: ignore[no-untyped-def]
    ex = make_exercise("expression", seed, **OPTIONS.get(name, {}))
    root, trace = expression_graph(ex.problem["expression"], ex.problem["values"])
    wrong = mistakes.GRAPH_PASSES[name](root)
    answers = {b: wrong[trace.order[q[1]]] for b, q in zip(ex.blanks, ex.quantities)}
    return ex, answers


@pytest.mark.parametrize("name", [m for m in GRAPH_MISTAKES if m not in INVISIBLE])
def test_expression_answers_of_each_graph_mistake_are_diagnosed_as_it(name: str) -> None:
    for seed in range(200):
        ex, answers = _mistaken_expression(name, seed)
        if any(abs(answers[b] - ex.key[b]) > 1e-2 * max(1, abs(ex.key[b])) for b in ex.blanks):
            break
    else:
        raise AssertionError(f"no exercise where {name} changes an answer")
    report = viz.grade(ex, answers)
    wrong = [r for r in report.blanks.values() if r.status == "wrong"]
    assert wrong, name
    assert all(name in r.diagnosis for r in wrong), [(r.name, r.diagnosis) for r in wrong]
    assert all(r.status in ("right", "carried", "wrong") for r in report.blanks.values())


@pytest.mark.parametrize("name", INVISIBLE)
def test_mistakes_that_need_a_shared_subexpression_do_not_show_in_expression_exercises(name: str) -> None:
    for seed in range(40):
        ex, answers = _mistaken_expression(name, seed)
        assert viz.grade(ex, answers, diagnose=False).passed


NETWORK_CASES = {  # no_transpose needs a square W^{l+1}; half_factor is about squared error
    "no_transpose": {"sizes": [2, 2, 2], "loss": "squared_error"},
    "sigma_not_prime": {"sizes": [3, 2, 1], "loss": "squared_error"},
    "flipped_sign": {"sizes": [2, 3, 2], "loss": "cross_entropy"},
    "half_factor": {"sizes": [2, 3, 1], "loss": "squared_error"},
}


@pytest.mark.parametrize("name", NETWORK_MISTAKES)
@pytest.mark.parametrize("notation", ["000", "001"])
def test_network_answers_of_each_lab_mistake_are_diagnosed_as_it(name: str, notation: str) -> None:
    for seed in range(100):  # an exercise where the mistake changes an answer by more than the tolerance
        ex = make_exercise("network", seed, notation, **NETWORK_CASES[name])
        mlp, x, y, loss = network_model(ex.problem)
        mistaken = network.run(network.Example(mlp, x, y, loss), name)
        right = network_values(ex.problem)
        answers = {b: (mistaken.value(q) if q[0] in ("delta", "weight", "bias") else right[q])
                   for b, q in zip(ex.blanks, ex.quantities)}
        if any(abs(answers[b] - ex.key[b]) > 1e-2 * max(1, abs(ex.key[b])) for b in ex.blanks):
            break
    report = viz.grade(ex, answers)
    wrong = [r for r in report.blanks.values() if r.status == "wrong"]
    assert wrong
    assert all(name in r.diagnosis for r in wrong), [(r.name, r.diagnosis) for r in wrong]
    if name in ("flipped_sign", "half_factor"):  # made once, at δ^L: everything below it is carried
        L = len(ex.problem["network"]["sizes"])
        assert {ex.quantity(r.name)[:2] for r in wrong} == {("delta", L)}
        assert sum(r.status == "carried" for r in report.blanks.values()) > len(wrong)


def test_the_text_report_names_the_mistake_and_describes_it() -> None:
    from viz.exercises.report import text

    ex = make_exercise("network", 31, "000", sizes=[2, 3, 1], loss="squared_error")
    mlp, x, y, loss = network_model(ex.problem)
    mistaken = network.run(network.Example(mlp, x, y, loss), "half_factor")
    answers = dict(ex.key)
    answers["delta^3_1"] = mistaken.value(("delta", 3, 1))
    out = text(viz.grade(ex, answers), {k: str(v.title) for k, v in viz.MISTAKES.items()})
    assert "delta^3_1" in out and "half_factor" in out and viz.MISTAKES["half_factor"].title in out
