"""`deltagrad step`: walks, quizzes and writes the player, driven through standard input."""
from __future__ import annotations

import importlib.machinery
import io
import math
import subprocess
import sys
import types
from pathlib import Path

import pytest

from engine import Value
from viz import cli
from viz.quiz import Quiz

EXPR = "tanh(x*w + b)"
AT = ["--at", "x=1", "w=-2", "b=0.5"]
T = math.tanh(1 * -2 + 0.5)
DT = 1 - T * T  # ∂L/∂(xw + b)


def run(monkeypatch, capsys, argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_walks_one_step_per_enter_and_quits(monkeypatch, capsys) -> None:
    code, out, err = run(monkeypatch, capsys, ["step", EXPR, *AT], "\n\nq\n")
    assert code == 0 and err == ""
    assert out.count("[Enter] step") == 3
    assert f"Step 1 of 5: ∂L/∂t4 += ∂L/∂L · ∂L/∂t4 = 1.0000 × {DT:.4f} = {DT:.4f}" in out
    assert "Step 2 of 5: ∂L/∂t2 += ∂L/∂t4 · ∂t4/∂t2" in out
    assert "Step 3 of 5" not in out
    assert out.rstrip().endswith("Stopped after 2 of 5 steps.")
    # the prompt for step k comes before step k's text
    assert out.index("[Enter] step 2 of 5") < out.index("Step 2 of 5:")


def test_a_full_walk_ends_with_the_gradients_and_a_finite_difference_check(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, ["step", EXPR, *AT], "\n" * 5)
    assert code == 0
    assert "Step 5 of 5: ∂L/∂w += ∂L/∂t2 · ∂t2/∂w" in out
    assert f"    ∂L/∂x = {DT * -2:.4f}" in out
    assert f"    ∂L/∂w = {DT * 1:.4f}" in out
    assert out.count("✓") == 3 and "✗" not in out
    assert out.startswith("tanh(x*w + b) at x = 1, w = -2, b = 0.5\nForward pass:\n    t2 = x · w = -2.0000")


def test_end_of_input_prints_the_rest_and_exits_cleanly(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, ["step", EXPR, *AT], "\n")
    assert code == 0
    assert "(end of input: the remaining steps follow)" in out
    assert out.count("[Enter] step") == 2
    assert "Step 5 of 5" in out and "Gradients after the backward pass (constants left out):" in out


def test_a_prints_the_rest_and_all_never_waits(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, ["step", EXPR, *AT], "a\n")
    assert code == 0 and out.count("[Enter] step") == 1 and "Step 5 of 5" in out
    code, out, _ = run(monkeypatch, capsys, ["step", EXPR, *AT, "--all", "--latex"], "")
    assert code == 0 and "[Enter]" not in out and "Step 5 of 5" in out
    assert out.count("    LaTeX: \\frac{\\partial L}") == 5
    code, out2, _ = run(monkeypatch, capsys, ["step", EXPR, *AT, "--no-pause"], "")
    assert "[Enter]" not in out2


def test_expression_may_start_with_a_minus(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, ["step", "-x*w", "--at", "x=3", "w=2", "--all"])
    assert code == 0
    assert "    ∂L/∂x = -2.0000" in out and "    ∂L/∂w = -3.0000" in out


def test_digits(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, ["step", "x*w", "--at", "x=1/3", "w=3", "--all", "--digits", "2"])
    assert code == 0 and "∂L/∂w = 0.33" in out


def quiz_answers(root: Value) -> list[str]:
    """The right answers, from an independent Quiz built on the same expression."""
    return [f"{q.expected:.4f}" for q in Quiz(root).questions]


def test_quiz_checks_answers_and_asks_again_for_non_numbers(monkeypatch, capsys) -> None:
    stdin = "abc\n" + f"{DT:.4f}\n" + "h\n" + "7\n" + "s\n"  # then end of input
    code, out, err = run(monkeypatch, capsys, ["step", EXPR, *AT, "--quiz"], stdin)
    assert code == 0 and err == ""
    assert "What is ∂L/∂t4?  (t4 is used once: by L)" in out
    assert "'abc' is not a number" in out
    assert f"Right: ∂L/∂t4 = {DT:.4f}." in out
    assert f"Hint: One use, one term: ∂L/∂t2 = ∂L/∂t4 · ∂t4/∂t2, where ∂L/∂t4 = {DT:.4f}" in out
    assert "Not quite: 7.0000 is not ∂L/∂t2." in out
    assert f"∂L/∂t2 = {DT:.4f}:" in out  # shown after s
    assert "Score: 1 of 2 right without being shown, 3 left (not answered right or shown)." in out


def test_quiz_all_right(monkeypatch, capsys) -> None:
    from viz.expr import build_graph

    answers = quiz_answers(build_graph(EXPR, {"x": 1, "w": -2, "b": 0.5}))
    assert answers == [f"{DT:.4f}", f"{DT:.4f}", f"{DT:.4f}", f"{-2 * DT:.4f}", f"{DT:.4f}"]
    code, out, _ = run(monkeypatch, capsys, ["step", EXPR, *AT, "--quiz"], "\n".join(answers) + "\n")
    assert code == 0 and out.count("Right:") == 5
    assert "Score: 5 of 5 right without being shown." in out


def test_quiz_per_step_and_quit(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, ["step", EXPR, *AT, "--quiz", "--ask", "step"], "q\n")
    assert code == 0
    assert "Step 1 of 5: ∂L/∂t4 += ∂L/∂L · ∂L/∂t4 = ?" in out
    assert "Score: 0 of 0" in out


def test_html_writes_the_player(monkeypatch, capsys, tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    code, out, _ = run(monkeypatch, capsys, ["step", EXPR, *AT, "--html", str(target)])
    assert code == 0 and f"wrote {target}" in out
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "tanh(x*w + b)" in page
    code, _, err = run(monkeypatch, capsys, ["step", EXPR, *AT, "--html", str(tmp_path / "no" / "such" / "x.html")])
    assert code == 2 and "cannot write" in err and "Traceback" not in err


def located(err: str) -> tuple[str, str, str]:
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 3, err
    return lines[0], lines[1], lines[2]


@pytest.mark.parametrize("expression, at, message, offending", [
    ("tanh(x*q + b)", AT, "no value for 'q': give it with --at q=<number> (given: x, w, b) (column 8)", "q"),
    ("cosh(x*w)", AT, "unknown function 'cosh'", "cosh"),
    ("x ^ w", AT, "'^' is not allowed (use ** for powers)", "^"),
    ("tanh(x*w +", AT, "syntax error: '(' was never closed", "("),
    ("log(x - 1)", AT, "log: log is undefined for the non-positive value 0.0", "log(x - 1)"),
    ("x.__class__", AT, "attribute access is not allowed", "x.__class__"),
])
def test_bad_expressions_give_one_line_and_a_caret(monkeypatch, capsys, expression, at, message, offending) -> None:
    code, out, err = run(monkeypatch, capsys, ["step", expression, *at])
    assert code == 2 and out == ""
    first, shown, caret = located(err)
    assert first.startswith("deltagrad: error: ") and message in first
    start = caret.index("^")
    assert shown[start:start + len(caret) - start] == offending
    assert shown.strip() == expression


@pytest.mark.parametrize("at, message", [
    (["--at", "x"], "--at expects NAME=VALUE, got 'x'"),
    (["--at", "x=abc"], "--at x=abc: 'abc' is not a number"),
    (["--at", "x=1", "x=2"], "--at x=2: 'x' is given twice"),
    (["--at", "tanh=1", "x=1"], "'tanh' is a function name"),
    (["--at", "2x=1"], "'2x' is not a valid variable name"),
    (["--at", "x=1e999"], "'1e999' is not a number (this number is too large for a float)"),
    (["--at", "x=1/0"], "'1/0' is not a number (/: division by zero"),
    (["--at", "x=1+"], "--at x=1+: '1+' is not a number"),
])
def test_bad_values_give_one_line(monkeypatch, capsys, at, message) -> None:
    code, out, err = run(monkeypatch, capsys, ["step", "x", *at])
    assert code == 2
    assert err.count("\n") == 1 and message in err and err.startswith("deltagrad: error: ")


def test_unused_values_are_noted(monkeypatch, capsys) -> None:
    code, out, err = run(monkeypatch, capsys, ["step", "x*2", "--at", "x=1", "z=3", "--all"])
    assert code == 0 and "note: --at z not used" in err


def test_usage_errors(monkeypatch, capsys) -> None:
    code, _, err = run(monkeypatch, capsys, [])
    assert code == 2 and "usage: deltagrad" in err
    with pytest.raises(SystemExit) as info:
        run(monkeypatch, capsys, ["step"])
    assert info.value.code == 2
    code, _, err = run(monkeypatch, capsys, ["step", "x", "--at", "x=1", "--digits", "40"])
    assert code == 2 and "--digits must be between 0 and 12" in err


def test_tour_is_dispatched_when_installed(monkeypatch, capsys) -> None:
    seen = []
    fake = types.ModuleType("viz.app.tour")
    fake.__spec__ = importlib.machinery.ModuleSpec("viz.app.tour", None)
    fake.main = lambda argv: seen.append(list(argv)) or 0
    monkeypatch.setitem(sys.modules, "viz.app.tour", fake)
    assert cli.main(["tour", "--fast", "x"]) == 0
    assert seen == [["--fast", "x"]]
    assert "tour" in cli.build_parser().format_help()


def test_tour_missing_is_a_clear_error(monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "_tour_available", lambda: False)
    code, _, err = run(monkeypatch, capsys, ["tour"])
    assert code == 2 and "the tour is not installed" in err


# ---------------------------------------------------------------------- the installed command
def deltagrad_script() -> Path:
    script = Path(sys.executable).parent / "deltagrad"
    if not script.exists():
        pytest.skip(f"the console script is not installed next to {sys.executable} (pip install -e .)")
    return script


def test_installed_command_walks_through_piped_stdin() -> None:
    done = subprocess.run([str(deltagrad_script()), "step", EXPR, *AT], input="\n\n\nq\n", text=True,
                          capture_output=True, timeout=120, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert "Step 3 of 5: ∂L/∂b += ∂L/∂t4 · ∂t4/∂b" in done.stdout
    assert "Step 4 of 5" not in done.stdout and "Stopped after 3 of 5 steps." in done.stdout


def test_installed_command_with_closed_stdin_does_not_hang() -> None:
    done = subprocess.run([str(deltagrad_script()), "step", EXPR, *AT, "--quiz"], stdin=subprocess.DEVNULL,
                          text=True, capture_output=True, timeout=120, encoding="utf-8")
    assert done.returncode == 0 and "Score: 0 of 0" in done.stdout


def test_installed_command_reports_errors_with_status_2() -> None:
    done = subprocess.run([str(deltagrad_script()), "step", "tanh(x*q)", "--at", "x=1"], text=True,
                          capture_output=True, timeout=120, encoding="utf-8")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    first, shown, caret = located(done.stderr)
    assert "no value for 'q'" in first and shown[caret.index("^")] == "q"


def test_frames_and_animation(monkeypatch, capsys, tmp_path: Path) -> None:
    frames, gif = tmp_path / "frames", tmp_path / "steps.gif"
    code, out, err = run(monkeypatch, capsys, ["step", "x*w", "--at", "x=2", "w=3", "--frames", str(frames),
                                                "--animation", str(gif)])
    assert code == 0, err
    assert sorted(p.name for p in frames.iterdir()) == ["step_000.svg", "step_001.svg", "step_002.svg"]
    assert "wrote 3 frames" in out and gif.read_bytes()[:6] == b"GIF89a"
    code, _, err = run(monkeypatch, capsys, ["step", "x*w", "--at", "x=2", "w=3", "--animation", str(tmp_path / "a.mp4")])
    assert code == 2 and "unknown extension '.mp4'" in err and err.count("\n") == 1


def test_walk_stops_on_ctrl_c() -> None:
    from viz.steps import trace_backward

    def read(prompt: str) -> str:
        raise KeyboardInterrupt

    out: list[str] = []
    shown = cli.walk(trace_backward(Value(2.0, "x") * Value(3.0, "w")), read=read, write=out.append)
    assert shown == 0 and out[-1] == "Stopped after 0 of 2 steps."


def test_a_graph_too_big_to_draw_says_what_to_do_at_the_terminal(monkeypatch, capsys, tmp_path: Path) -> None:
    expression = " + ".join(f"x*{k}" for k in range(1, 200))  # 597 nodes
    code, out, err = run(monkeypatch, capsys, ["step", expression, "--at", "x=1", "--html", str(tmp_path / "p.html")])
    assert code == 2 and not (tmp_path / "p.html").exists()
    assert err.strip() == ("deltagrad: error: the expression's graph has 597 nodes, too many to draw (at most 300); "
                           "leave out --html/--frames/--animation to walk it in the terminal")
    code, out, err = run(monkeypatch, capsys, ["step", expression, "--at", "x=1", "--all"])
    assert code == 0 and "∂L/∂x = 19900.0000" in out
