"""The examples in the stepper modules' docstrings run and print what they say."""
from __future__ import annotations

import doctest

import pytest

import viz.cli
import viz.expr
import viz.quiz
import viz.step_symbols
import viz.steps


@pytest.mark.parametrize("module", [viz.steps, viz.step_symbols, viz.expr, viz.quiz, viz.cli])
def test_docstring_examples(module) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
