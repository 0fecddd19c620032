# %% [markdown]
# # 13. Exercises for teachers: a class set from one seed, a folder of answers graded with a diagnosis
#
# `deltagrad exercise` writes a sheet with blanks (Markdown, LaTeX, printable HTML) and its key,
# generated from a seed: the same seed always gives the same files, byte for byte, so the seed is
# all a teacher needs to keep. `--count K` writes K variants, one per student or per group.
# `deltagrad check` grades an answers file, or a folder of them, and says for each blank whether it
# is right, wrong (and which classic mistake gives that number), carried (wrong only because an
# earlier wrong number was used consistently), missing or invalid.
#
# Everything below runs the same commands a teacher types, from Python, in a temporary folder.

# %%
import contextlib
import io
import json
import shutil
import tempfile
from pathlib import Path

import viz
from viz.app.cli import main as deltagrad

work = Path(tempfile.mkdtemp(prefix="deltagrad-class-"))


def run(*args: str) -> tuple[int, str]:
    """`deltagrad ARGS` in this folder: (exit status, what it printed)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = deltagrad([a.replace("WORK", str(work)) for a in args])
    return status, out.getvalue()


status, said = run("exercise", "--kind", "network", "--seed", "2026", "--out", "WORK/class", "--count", "4",
                   "--notation", "000", "--sizes", "2,2,1", "--loss", "squared_error")
print(said)
print(sorted(p.name for p in (work / "class").iterdir()))
print(sorted(p.name for p in (work / "class" / "01").iterdir()))

# %% [markdown]
# ## The sheet and the key
#
# Variant *i* of seed *s* has the seed *s*·1000 + *i*, written in its own `exercise.json`, so
# `deltagrad exercise --seed 2026001 ...` rebuilds folder `01` alone. The sheet gives the network,
# the example and the loss, and asks for z, a, σ'(z), δ, ∂C/∂w and ∂C/∂b in the chosen note's
# notation (`--notation 001` would label the same numbers w^[l]_ij with z = Wᵀa + b).

# %%
sheet = (work / "class" / "01" / "sheet.md").read_text()
print(sheet[:1400])
exercise = json.loads((work / "class" / "01" / "exercise.json").read_text())
key = json.loads((work / "class" / "01" / "key.json").read_text())
print(exercise["seed"], len(exercise["blanks"]), "blanks; exercise.json keys:", sorted(exercise))

# %% [markdown]
# ## A folder of answers
#
# Four students hand in answers to variant 01: Ada is right everywhere; Ben slips once, in
# ∂C/∂w³₁₁; Cleo writes ∂C/∂a = y − a (note 001's flipped intermediate sign), so her δ³ has the
# wrong sign and so does everything she computes from it; Dan's file is not valid JSON. Ben hands
# in CSV, the others JSON.

# %%
answers = work / "answers"
answers.mkdir()
shutil.copy(work / "class" / "01" / "key.json", answers / "ada.json")
ben = {b: key[b] for b in exercise["blanks"]}
ben["dC/dw^3_11"] += 0.25
(answers / "ben.csv").write_text("name,value\n" + "".join(f"{b},{v!r}\n" for b, v in ben.items()))
cleo = {b: (-v if b.startswith(("delta", "dC/")) else v) for b, v in ben.items() if b != "dC/dw^3_11"}
cleo["dC/dw^3_11"] = -key["dC/dw^3_11"]
(answers / "cleo.json").write_text(json.dumps(cleo))
(answers / "dan.json").write_text('{"z^2_1": 0.31,')

status, table = run("check", "WORK/class/01/exercise.json", "WORK/answers")
print(table)
print("exit status", status)

# %% [markdown]
# Cleo's mistake is counted once: δ³₁ is wrong, and the diagnosis names it (`flipped_sign`);
# δ² and every gradient she computed from her own δ³ are *carried* and get credit. Dan's file is
# reported, not graded. The exit status is 1 because some blanks are not right; it is 0 when all
# are right or carried and 2 when nothing could be graded.
#
# ## The report as JSON (and JUnit XML for an autograder)

# %%
status, text = run("check", "WORK/class/01/exercise.json", "WORK/answers", "--format", "json")
report = json.loads(text)
for name, r in report["files"].items():
    if "error" in r:
        print(f"{name:10} error: {r['error']}")
        continue
    off = {b: v["status"] for b, v in r["blanks"].items() if v["status"] != "right"}
    print(f"{name:10} {r['score']}/{r['total']}  {off}")
cleo_delta = report["files"]["cleo.json"]["blanks"]["delta^3_1"]
print(cleo_delta)
print(viz.MISTAKES["flipped_sign"].title)

status_junit, xml = run("check", "WORK/class/01/exercise.json", "WORK/answers", "--format", "junit")
print(xml[:300])

# %%
n = len(exercise["blanks"])
assert status == 1 and status_junit == 1
assert report["files"]["ada.json"]["score"] == n
assert report["files"]["ben.csv"]["score"] == n - 1
assert report["files"]["ben.csv"]["blanks"]["dC/dw^3_11"]["status"] == "wrong"
assert cleo_delta["status"] == "wrong" and "flipped_sign" in cleo_delta["diagnosis"]
assert report["files"]["cleo.json"]["score"] == n - 1
assert "malformed JSON" in report["files"]["dan.json"]["error"]
assert exercise["seed"] == 2026001 and "delta^3_1" not in exercise
assert viz.make_exercise("network", 2026001, sizes=[2, 2, 1], loss="squared_error").key["delta^3_1"] == key["delta^3_1"]
shutil.rmtree(work)
