"""The lab at the terminal and in the quiz: `deltagrad step --mistake`, `deltagrad mistakes`, and the
quiz's (terminal, notebook API) and the worksheet's feedback naming the mistake behind a wrong answer."""
from __future__ import annotations

import io
import sys

import nn
import viz
from engine import Value
from viz import cli


def run(monkeypatch, capsys, argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_terminal_quiz_feedback_names_the_mistake(monkeypatch, capsys):
    # ∂(x·x)/∂x = 2x = 1 at x = 0.5; typing 0.5 is one contribution, the other one overwritten
    code, out, err = run(monkeypatch, capsys, ["step", "x*x", "--at", "x=0.5", "--quiz"], "0.5\n1\n")
    assert code == 0 and err == ""
    assert ("Not quite: 0.5000 is not ∂L/∂x. 0.5000 is what you get if the two contributions into x overwrite "
            "each other instead of adding up (mistake 'overwrite'") in out
    assert "Right: ∂L/∂x = 1.0000." in out
    code, out, _ = run(monkeypatch, capsys, ["step", "x*x", "--at", "x=0.5", "--quiz"], "0.8\n")
    assert "Not quite: 0.8000 is not ∂L/∂x. Hint:" in out  # an unrelated number: no diagnosis


def test_notebook_quiz_feedback_names_the_mistake():
    x, w = Value(3.0, "x"), Value(-2.0, "w")
    L = (x * w) * 5  # ∂L/∂x = 5w = -10; the local derivative alone is w = -2
    q = viz.Quiz(L)
    while q.trace.names[q.current.target] != "x":
        q.answer(q.current.expected)
    fb = q.answer(-2)
    assert fb.correct is False and fb.mistakes[0] == "local_only"
    assert "-2.0000 is what you get if each step passes back only the local derivative" in fb.message
    assert q.answer(-10).correct
    steps = viz.Quiz((x * w) * 5, ask="step")
    while steps.trace.steps[steps.current.steps[0]].upstream == 1:
        steps.answer(steps.current.expected)
    s = steps.trace.steps[steps.current.steps[0]]
    fb = steps.answer(s.local)
    assert fb.mistakes == ("local_only",) and "only the local derivative" in fb.message


def test_worksheet_check_names_the_notes_erratum():
    m, x, y = nn.MLP(2, [3, 2], seed=5), [0.8, -0.6], [1.0, 0.0]
    ws = viz.mlp_worksheet(m, x, y)
    wrong = viz.compare_network(m, x, y, "sigma_not_prime").wrong.deltas[1][0]
    fb = ws.check(("delta", 3, 1), wrong)
    assert fb.correct is False and fb.mistakes[0] == "sigma_not_prime"
    assert "is what you get if σ(z) is used where σ'(z) belongs" in fb.message
    right = ws.value(("weight", 2, 1, 2))
    assert ws.check(("weight", 2, 1, 2), right).correct
    assert ws.check(("weight", 2, 1, 2), "x").correct is None


def test_step_mistake_walks_the_wrong_pass_beside_the_right_one(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, ["step", "x*x", "--at", "x=3", "--mistake", "overwrite", "--all"])
    assert code == 0 and err == ""
    assert "Step 2 of 2: ∂L/∂x += ∂L/∂L · ∂L/∂x = 1.0000 × 3.0000 = 3.0000" in out
    assert "    overwrite: sends 3.0000; ∂L/∂x = 3.0000 after this step  ✗" in out
    assert "← first divergence: ∂L/∂x ends at 3.0000 instead of 6.0000" in out
    assert "    ∂L/∂x = 6.0000   overwrite: 3.0000  ✗" in out
    # one Enter per step, as the plain walk
    code, out, _ = run(monkeypatch, capsys, ["step", "x*x", "--at", "x=3", "--mistake", "overwrite"], "\nq\n")
    assert "Stopped after 1 of 2 steps." in out


def test_step_mistake_html_writes_the_player_with_the_mistake(monkeypatch, capsys, tmp_path):
    target = tmp_path / "ow.html"
    code, out, _ = run(monkeypatch, capsys, ["step", "x*x", "--at", "x=3", "--mistake", "set_parents",
                                             "--html", str(target)])
    assert code == 0 and target.exists()
    page = target.read_text(encoding="utf-8")
    assert '"mistake": {"name": "set_parents"' in page


def test_unknown_mistake_exits_2_with_one_line_listing_the_valid_ones(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, ["step", "x*x", "--at", "x=3", "--mistake", "nope"])
    assert code == 2 and out == ""
    assert err == ("deltagrad: error: --mistake: unknown mistake 'nope'; valid: overwrite, no_topo, preorder, "
                   "set_parents, no_zero_grad, no_seed, local_only\n")
    code, _, err = run(monkeypatch, capsys, ["step", "x*x", "--at", "x=3", "--mistake", "no_transpose"])
    assert code == 2 and err.count("\n") == 1 and "network-level" in err and "compare_network" in err


def test_mistakes_lists_every_graph_level_mistake_and_where_it_diverges(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, ["mistakes", "x*x + x*y", "--at", "x=3", "y=2"])
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "x*x + x*y at x = 3, y = 2"
    rows = {line.split()[0]: line for line in lines[2:9]}
    assert set(rows) == set(viz.lab.GRAPH_MISTAKES)
    # ∂/∂x (x² + xy) = 2x + y = 8; overwrite keeps only x's last contribution in backward_steps' order
    import engine

    x, y = Value(3.0, "x"), Value(2.0, "y")
    L = x * x + x * y
    last = [s for s in engine.backward_steps(L) if s.parent is x][-1]
    assert f"∂L/∂x = {last.contribution:.4f} instead of 8.0000" in rows["overwrite"]
    assert "yes" in rows["set_parents"] and "∂L/∂x = 5.0000 instead of 8.0000" in rows["set_parents"]  # x·x keeps x
    assert "yes" in rows["no_zero_grad"] and "16.0000 instead of 8.0000" in rows["no_zero_grad"]
    for name in ("no_topo", "preorder", "local_only"):
        assert rows[name].split()[1] == "no" and "no difference here" in rows[name]
    code, _, err = run(monkeypatch, capsys, ["mistakes", "x*", "--at", "x=3"])
    assert code == 2 and "syntax error" in err
