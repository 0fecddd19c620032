"""The exercises' exceptions: each says what was wrong and what is valid."""
from __future__ import annotations

from viz.errors import VizError


class ExerciseError(VizError, ValueError):
    """A bad exercise request or exercise file (unknown kind, bad seed, edited exercise.json)."""


class AnswersError(VizError, ValueError):
    """An answers file that cannot be graded (unreadable, malformed, another exercise's answers)."""
