"""The README's examples are tests: every ```python block runs, and its asserts hold."""
from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def test_readme_has_examples_and_a_two_command_quick_start():
    assert len(BLOCKS) >= 4
    quick = README.split("## Quick start", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line for line in quick.splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[0].endswith("deltagrad tour") and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "readme_command.py 2" in ci
    printed = subprocess.run([sys.executable, str(ROOT / ".ci" / "readme_command.py"), "2"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert printed == commands[1]


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_python_block_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__readme__"}
    exec(compile(BLOCKS[index], f"README.md block {index + 1}", "exec"), namespace)


def test_readme_quoted_step_text_is_what_explain_steps_prints():
    import viz
    from engine import Value

    quoted = re.search(r"e\.g\. for the `y` above\n  `(.*?)`", README).group(1)
    x, w, b = Value(1.0, "x"), Value(-2.0, "w"), Value(0.5, "b")
    y = (x * w + b).tanh()
    y.backward()
    assert any(line.startswith(quoted) for line in viz.explain_steps(y))


def test_readme_stepper_runs_the_backward_pass_afresh_unless_told_not_to():
    import viz
    from engine import Value

    assert "the leaves' grads are zeroed first" in README
    for show in (viz.explain_steps, viz.steps_html, viz.Quiz):
        w = Value(2.0, "w")
        (w * 3).backward()
        L = w * 5
        L.backward()  # w.grad = 3 + 5, accumulated
        show(L)
        assert w.grad == 5.0
    w = Value(2.0, "w")
    (w * 3).backward()
    L = w * 5
    L.backward()
    viz.explain_steps(L, fresh=False)
    assert w.grad == 8.0 + 5.0
