"""Issue 11, the command line: repeated --at, names given twice, NFKC names, empty paths, bytes that
are not UTF-8 (one line, no traceback), long flat sums, and the caret of a multi-line expression."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from viz.app import cli
from viz.app.expr import ExpressionError, parse_expression


def run(monkeypatch, capsys, argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("deltagrad: error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_cli_input_repeated_at_extends(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, ["step", "x*y", "--at", "x=3", "--at", "y=2", "--all"])
    assert code == 0, err
    assert "x = 3, y = 2" in out
    assert "∂L/∂x: backward 2.0000" in out and "∂L/∂y: backward 3.0000" in out  # ∂(xy)/∂x = y, ∂/∂y = x


@pytest.mark.parametrize("at", [["--at", "x=1", "--at", "x=5", "y=2"], ["--at", "x=1", "x=5", "--at", "y=2"],
                                ["--at", "y=2", "--at", "x=1", "--at", "ｘ=5"]])
def test_cli_input_a_name_given_twice_is_an_error_wherever_given(monkeypatch, capsys, at):
    code, out, err = run(monkeypatch, capsys, ["step", "x*y", *at, "--all"])
    assert code == 2 and "'x' is given twice" in one_error_line(err)


def test_cli_input_at_names_are_normalized_like_python_identifiers(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, ["step", "ｘ*2", "--at", "ｘ=3", "--all"])
    assert code == 0, err
    assert "∂L/∂x: backward 2.0000" in out  # Python reads ｘ (fullwidth) as x: d(2x)/dx = 2


@pytest.mark.parametrize("option", ["--html", "--frames", "--animation"])
@pytest.mark.parametrize("path", ["", "   "])
def test_cli_input_an_empty_path_is_an_error(monkeypatch, capsys, option, path):
    code, out, err = run(monkeypatch, capsys, ["step", "x*2", "--at", "x=3", option, path])
    assert code == 2 and f"{option} needs a path" in one_error_line(err)


@pytest.mark.parametrize("argv", [
    ["step", "x*\udcff", "--at", "x=1"],
    ["step", "x*2", "--at", "x=\udcff"],
    ["step", "x*2", "--at", "\udcff=1"],
    ["step", "x*2", "--at", "x=1", "--html", "p\udcff.html"],
])
def test_cli_input_bytes_that_are_not_utf8_are_one_line(monkeypatch, capsys, argv):
    code, out, err = run(monkeypatch, capsys, argv)
    assert code == 2
    line = one_error_line(err)
    assert "\udcff" not in err and ("\\xff" in line or "\\udcff" in line)


def test_cli_input_quiz_answer_with_bytes_that_are_not_utf8_is_asked_again(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, ["step", "x*2", "--at", "x=3", "--quiz"], "1\udcff\n2\n")
    assert code == 0, err
    assert "is not a number" in out and "Right: ∂L/∂x = 2.0000" in out
    assert "Traceback" not in err


def test_cli_input_real_non_utf8_bytes_in_argv(tmp_path):
    env = dict(os.environ, PYTHONIOENCODING="utf-8", LC_ALL="C.UTF-8")
    program = "import sys; from viz.app.cli import main; sys.exit(main())"
    done = subprocess.run([sys.executable, "-c", program, "step", b"x*\xff", "--at", b"x=\xfe"],
                          capture_output=True, env=env, timeout=60)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, err
    assert "Traceback" not in err and "UnicodeEncodeError" not in err
    assert err.startswith("deltagrad: error: --at x=\\xfe:") and "not UTF-8 (\\xfe)" in err, err
    assert len(err.splitlines()) == 1


def test_cli_input_a_flat_sum_of_3000_terms_is_accepted(monkeypatch, capsys):
    expression = "+".join(["x"] * 3000)
    code, out, err = run(monkeypatch, capsys, ["step", expression, "--at", "x=0.5", "--all"])
    assert code == 0, err
    assert "∂L/∂x: backward 3000.0000" in out  # d/dx (3000 x) = 3000


def test_cli_input_too_deep_says_what_the_limit_is_about():
    with pytest.raises(ExpressionError, match="nested too deeply for Python's parser: more than about 6,000 operators"):
        parse_expression("-" * 9000 + "x")


def test_cli_input_caret_of_a_multi_line_expression_is_on_the_offending_line():
    with pytest.raises(ExpressionError) as info:
        parse_expression("x +\n  * y")
    e = info.value
    assert e.text[e.start] == "*"
    assert e.location() == (1, "  * y", 2)
    assert e.caret() == "  ^" and "(line 2, column 3)" in str(e)
    with pytest.raises(ExpressionError) as info:
        parse_expression("tanh(x)\n+ q(y)")
    e = info.value
    assert e.location()[1][e.location()[2]:].startswith("q") and e.caret().endswith("^")


def test_cli_input_caret_under_the_token_in_the_printed_line(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, ["step", "x +\n  * y", "--at", "x=1", "y=2"])
    assert code == 2
    head, text, caret = err.splitlines()[-3:]
    assert text[caret.index("^")] == "*"
