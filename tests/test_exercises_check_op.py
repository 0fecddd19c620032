"""`deltagrad check-op`: a learner's derivative against central differences of their forward, in a
subprocess with a time limit; the point, the expected and the given value where they differ."""
from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import viz
from viz.exercises.check_op import OpFileError

ROOT = Path(__file__).resolve().parents[1]


def _file(tmp_path: Path, body: str, name: str = "op.py") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(body))
    return p


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import sys; from viz.app.cli import main; sys.exit(main())", "check-op", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_right_unary_op_passes_with_exit_0(tmp_path: Path) -> None:
    f = _file(tmp_path, """
        import math
        def forward(x): return math.tanh(x)
        def derivative(x): return 1 - math.tanh(x) ** 2
    """)
    result = viz.check_op(f)
    assert result.passed and result.arity == 1 and len(result.results) == 22  # 20 random + 2 edges
    done = _cli(str(f))
    assert done.returncode == 0, done.stderr
    assert "all points agree" in done.stdout


def test_wrong_derivative_reports_point_expected_and_given(tmp_path: Path) -> None:
    f = _file(tmp_path, """
        import math
        def forward(x): return math.tanh(x)
        def derivative(x): return 1 - math.tanh(x)   # forgot the square
    """)
    result = viz.check_op(f, points=5)
    assert not result.passed
    r = result.failures[0]
    x = r["point"][0]
    assert r["given"][0] == pytest.approx(1 - math.tanh(x))
    assert r["expected"][0] == pytest.approx(1 - math.tanh(x) ** 2, rel=1e-6)
    done = _cli(str(f), "--format", "json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["passed"] is False and data["failures"]


def test_wrong_only_near_the_domain_edge_is_found(tmp_path: Path) -> None:
    f = _file(tmp_path, """
        import math
        DOMAIN = (0.0, 4.0)
        def forward(x): return math.log(x)
        def derivative(x): return 1 / x if x > 0.01 else 0.0   # wrong close to 0
    """)
    result = viz.check_op(f)
    assert [r["where"] for r in result.failures] == ["near the low edge"]
    assert result.failures[0]["point"][0] == pytest.approx(0.004)
    assert result.failures[0]["expected"][0] == pytest.approx(250.0, rel=1e-4)


def test_binary_op_checks_both_partials(tmp_path: Path) -> None:
    right = _file(tmp_path, """
        def forward(x, y): return x * y + y ** 3
        def derivative(x, y): return (y, x + 3 * y ** 2)
    """, "mul.py")
    wrong = _file(tmp_path, """
        def forward(x, y): return x / y
        DOMAIN = (0.5, 3.0)
        def derivative(x, y): return (1 / y, x / y ** 2)   # the sign of ∂/∂y
    """, "div.py")
    assert viz.check_op(right).passed and viz.check_op(right).arity == 2
    bad = viz.check_op(wrong)
    assert bad.failures and all(r["expected"][1] == pytest.approx(-r["given"][1], rel=1e-5) for r in bad.failures)
    assert all(r["expected"][0] == pytest.approx(r["given"][0], rel=1e-5) for r in bad.failures)


def test_infinite_loop_times_out_instead_of_hanging(tmp_path: Path) -> None:
    f = _file(tmp_path, """
        def forward(x):
            while True:
                pass
        def derivative(x): return 0.0
    """)
    result = viz.check_op(f, timeout=2.0)
    assert result.timed_out and not result.passed
    done = _cli(str(f), "--timeout", "2")
    assert done.returncode == 1 and "time limit" in done.stdout


def test_exceptions_are_reported_at_the_point(tmp_path: Path) -> None:
    f = _file(tmp_path, """
        def forward(x): return x * x
        def derivative(x): raise ValueError("not done yet")
    """)
    result = viz.check_op(f, points=3)
    assert all(r["status"] == "error" and "not done yet" in r["message"] for r in result.results)


@pytest.mark.parametrize("body, message", [
    ("def forward(x) return x\n", "syntax error"),
    ("def forward(x): return x\n", "derivative"),
    ("raise RuntimeError('boom')\n", "boom"),
    ("DOMAIN = (3, 1)\ndef forward(x): return x\ndef derivative(x): return 1\n", "DOMAIN"),
])
def test_unusable_files_exit_2_with_one_line(tmp_path: Path, body: str, message: str) -> None:
    f = _file(tmp_path, body)
    with pytest.raises(OpFileError, match=message):
        viz.check_op(f)
    done = _cli(str(f))
    assert done.returncode == 2 and message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    done = _cli(str(tmp_path / "nope.py"))
    assert done.returncode == 2 and "no such file" in done.stderr


def test_learner_prints_do_not_break_the_report(tmp_path: Path) -> None:
    f = _file(tmp_path, """
        print("DELTAGRAD-RESULT {}")
        def forward(x): print("hi"); return 2 * x
        def derivative(x): return 2.0
    """)
    assert viz.check_op(f, points=3).passed


def test_learner_exit_and_flood_of_output_are_contained(tmp_path: Path) -> None:
    exits = _file(tmp_path, """
        import sys
        def forward(x): return x
        def derivative(x): sys.exit(3)
    """, "exits.py")
    assert all(r["status"] == "error" and "SystemExit" in r["message"] for r in viz.check_op(exits, points=2).results)
    at_import = _file(tmp_path, "import sys\nsys.exit(0)\n", "leaves.py")
    with pytest.raises(OpFileError, match="SystemExit"):
        viz.check_op(at_import)
    flood = _file(tmp_path, """
        import os
        def forward(x):
            while True:
                os.write(1, b"x" * 65536)
        def derivative(x): return 1.0
    """, "flood.py")
    assert viz.check_op(flood, timeout=2.0).timed_out
