"""A grade as text, JSON or JUnit XML; one answers file or a folder of them graded into one table.

JSON of one file: {"exercise", "source", "score", "total", "tol", "blanks": name → {status,
expected, given, diagnosis}, "extra"}; of a folder: {"exercise", "score", "total", "files":
file name → that object, or {"error": message} for a file that could not be graded}.
JUnit: a <testsuite> per answers file, a <testcase> per blank, a <failure> for every blank that
is not right or carried (an <error> for a file that could not be graded).
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any, Union

from viz.exercises.grade import CREDIT, Report
from viz.exercises.sheets import sig4

Graded = Union[Report, str]  # a Report, or the one-line reason the file could not be graded


@dataclass
class ClassReport:
    """Every answers file of a folder: file name → Report or error message, in name order."""

    kind: str
    seed: int
    files: dict[str, Graded]

    @property
    def score(self) -> int:
        return sum(r.score for r in self.files.values() if isinstance(r, Report))

    @property
    def total(self) -> int:
        return sum(r.total for r in self.files.values() if isinstance(r, Report))

    def as_json(self) -> dict:
        return {"exercise": {"kind": self.kind, "seed": self.seed}, "score": self.score, "total": self.total,
                "files": {n: (r.as_json() if isinstance(r, Report) else {"error": r}) for n, r in self.files.items()}}


def _given(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return sig4(v)
    return str(v) if not isinstance(v, str) else (v if v.strip() else repr(v))


def text(report: Report, catalogue: dict[str, str] | None = None) -> str:
    """One answers file's grade: a line per blank, then extras and the score."""
    rows = [["blank", "status", "expected", "given", "diagnosis"]]
    for r in report.blanks.values():
        diag = ", ".join(r.diagnosis) if r.diagnosis else ("" if r.status != "wrong" else "(no diagnosis)")
        rows.append([r.name, r.status, sig4(r.expected), _given(r.given), diag])
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"{report.source}: {report.kind} exercise, seed {report.seed}"]
    for row in rows:
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(row[:4], widths)) + ("  " + row[4] if row[4] else ""))
    for name, v in report.extra.items():
        lines.append(f"  extra: {name!r} = {_given(v)} is not a blank of this sheet")
    named = sorted({d for r in report.blanks.values() for d in r.diagnosis[:1]})
    for d in named:
        if catalogue and d in catalogue:
            lines.append(f"  {d}: {catalogue[d]}")
    lines.append(f"  score {report.score}/{report.total}")
    return "\n".join(lines)


def class_text(report: ClassReport, catalogue: dict[str, str] | None = None) -> str:
    """A folder's grades as one table: a row per answers file (what is not right, and why)."""
    header = ["file", "score", "wrong", "carried", "missing", "invalid", "extra", "details"]
    rows = [header]
    for name, r in report.files.items():
        if not isinstance(r, Report):
            rows.append([name, "—", "", "", "", "", "", f"error: {r}"])
            continue
        c = r.counts()
        details = "; ".join(f"{b.name} {b.status}" + (f" ({', '.join(b.diagnosis[:2])})" if b.diagnosis else "")
                            for b in r.blanks.values() if b.status not in ("right",))
        rows.append([name, f"{r.score}/{r.total}", str(c["wrong"]), str(c["carried"]), str(c["missing"]),
                     str(c["invalid"]), str(len(r.extra)), details])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = [f"{report.kind} exercise, seed {report.seed}: {len(report.files)} answer files"]
    lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(row[:-1], widths)) + "  " + row[-1] for row in rows]
    lines.append(f"  total {report.score}/{report.total}")
    named = sorted({d for r in report.files.values() if isinstance(r, Report)
                    for b in r.blanks.values() for d in b.diagnosis[:2]})
    for d in named:
        if catalogue and d in catalogue:
            lines.append(f"  {d}: {catalogue[d]}")
    return "\n".join(lines)


def as_json(report: Union[Report, ClassReport]) -> str:
    return json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n"


def junit(report: Union[Report, ClassReport]) -> str:
    """JUnit XML: <testsuites> of one <testsuite> per answers file, one <testcase> per blank."""
    files = report.files if isinstance(report, ClassReport) else {report.source: report}
    suites = ET.Element("testsuites", name="deltagrad check")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for name, r in files.items():
        suite = ET.SubElement(suites, "testsuite", name=name)
        if not isinstance(r, Report):
            case = ET.SubElement(suite, "testcase", name="answers file", classname=name)
            ET.SubElement(case, "error", message=r, type="unusable")
            counts = {"tests": 1, "failures": 0, "errors": 1}
        else:
            cls = f"{r.kind}.seed{r.seed}"
            failures = 0
            for b in r.blanks.values():
                case = ET.SubElement(suite, "testcase", name=b.name, classname=cls)
                if b.status in CREDIT:
                    if b.status == "carried":
                        ET.SubElement(case, "system-out").text = "carried error: consistent with the answers above"
                    continue
                failures += 1
                message = f"{b.status}: expected {sig4(b.expected)}, given {_given(b.given)}"
                if b.diagnosis:
                    message += f"; diagnosis: {', '.join(b.diagnosis)}"
                ET.SubElement(case, "failure", message=message, type=b.status).text = message
            if r.extra:
                ET.SubElement(suite, "system-out").text = "extra names (not on the sheet): " + ", ".join(r.extra)
            counts = {"tests": len(r.blanks), "failures": failures, "errors": 0}
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
    for k, v in totals.items():
        suites.set(k, str(v))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
