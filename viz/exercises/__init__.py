"""Exercises for teachers: sheets and keys generated from a seed, and a grader that explains.

    >>> import viz
    >>> ex = viz.make_exercise("network", seed=3, notation="000", loss="squared_error")
    >>> report = viz.grade(ex, ex.key_json())      # the key itself scores full marks
    >>> (report.score, report.total) == (len(ex.blanks), len(ex.blanks))
    True
"""
from viz.exercises.check_op import OpCheck, OpFileError, check_op
from viz.exercises.errors import AnswersError, ExerciseError
from viz.exercises.generate import Exercise, make_exercise, regenerate, variant_seed
from viz.exercises.grade import BlankResult, Report, grade
from viz.exercises.notation import NOTATIONS, Notation
from viz.exercises.report import ClassReport
from viz.exercises.sheets import exercise_files, write_exercise

__all__ = ["Exercise", "make_exercise", "regenerate", "variant_seed", "grade", "Report", "BlankResult",
           "ClassReport", "exercise_files", "write_exercise", "check_op", "OpCheck", "OpFileError",
           "ExerciseError", "AnswersError", "NOTATIONS", "Notation"]
