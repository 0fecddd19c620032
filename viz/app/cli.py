"""The `deltagrad` terminal command.

    deltagrad step "tanh(x*w + b)" --at x=1 w=-2 b=0.5          walk the backward pass, one Enter a step
    deltagrad step "tanh(x*w + b)" --at x=1 w=-2 b=0.5 --quiz   type each gradient yourself
    deltagrad step "tanh(x*w + b)" --at x=1 w=-2 b=0.5 --html out.html   write the browser player
    deltagrad tour ...                                          (when viz.app.tour is installed)

Errors (bad expression, missing value, bad number) print one line naming the problem and a
caret under the offending part, and exit with status 2.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import math
import os
import re
import sys
import unicodedata
from typing import Callable, Sequence

from engine import DeltagradError, Value, numerical_grad
from viz.args import check_bool
from viz.app.expr import FUNCTIONS, ExpressionError, build_graph, parse_expression, parse_number, variables
from viz.stepping.steps import BackwardTrace, final_table, partial, trace_backward

EXIT_ERROR = 2
_NOT_UTF8 = re.compile("[\ud800-\udfff]")  # bytes the OS could not decode, as lone surrogates
_STEP_OPTIONS = {"-h", "--help", "--at", "--quiz", "--ask", "--html", "--frames", "--animation", "--latex",
                 "--all", "--no-pause", "--digits", "--tol", "--mistake"}


class UsageError(DeltagradError, ValueError):
    """A command-line mistake; `.expression_error` (if any) locates it in the expression."""

    def __init__(self, message: str, expression_error: ExpressionError | None = None) -> None:
        super().__init__(message)
        self.expression_error = expression_error


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: subcommands `step` (and `tour` when viz.app.tour exists)."""
    parser = argparse.ArgumentParser(
        prog="deltagrad", description="Step through backpropagation one chain-rule application at a time.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    step = sub.add_parser(
        "step", help="walk the backward pass of an expression, one Enter a step",
        description="Build the graph of EXPR (numbers, + - * / **, "
                    + ", ".join(FUNCTIONS) + ") and walk its backward pass.",
        epilog='example: deltagrad step "tanh(x*w + b)" --at x=1 w=-2 b=0.5')
    step.add_argument("expression", metavar="EXPR", help='the expression, e.g. "tanh(x*w + b)" (quote it)')
    step.add_argument("--at", nargs="+", action="extend", default=[], metavar="NAME=VALUE",
                      help="the value of each variable, e.g. --at x=1 w=-2 b=0.5 (repeat --at to add more)")
    step.add_argument("--quiz", action="store_true", help="hide the gradients: type each one yourself")
    step.add_argument("--ask", choices=("node", "step"), default="node",
                      help="quiz on each node's gradient (default) or on each step's contribution")
    step.add_argument("--tol", type=float, default=1e-3,
                      help="quiz tolerance: an answer within TOL × max(1, |right value|) counts (default 1e-3)")
    step.add_argument("--html", metavar="PATH", help="write the browser player to PATH instead of walking")
    step.add_argument("--frames", metavar="DIR", help="write one numbered SVG per step to DIR instead of walking")
    step.add_argument("--animation", metavar="PATH", help="write an animated .gif or .png (APNG) instead of walking")
    step.add_argument("--latex", action="store_true", help="also print each step in LaTeX")
    step.add_argument("--all", "--no-pause", dest="all", action="store_true",
                      help="print every step at once, without waiting for Enter")
    step.add_argument("--digits", type=int, default=4, help="decimals shown (default 4)")
    step.add_argument("--mistake", metavar="NAME", help="walk a wrong backward pass beside the right one "
                      "(see `deltagrad mistakes`)")  # misconception lab (viz/lab/cli.py)
    sub.add_parser("mistakes", help="run every misconception-lab mistake on an expression", add_help=False)
    from viz.exercises.cli import add_subcommands as _add_exercise_commands  # exercise, check, check-op

    _add_exercise_commands(sub)
    if _tour_available():
        sub.add_parser("tour", help="a guided tour of deltagrad (its own options follow)", add_help=False)
    return parser


def _tour_available() -> bool:
    try:
        return importlib.util.find_spec("viz.app.tour") is not None
    except (ImportError, ValueError):
        return False


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `deltagrad`; returns the exit status (0 ok, 2 bad input)."""
    args = list(sys.argv[1:] if argv is None else argv)
    _safe_output()
    if args and args[0] == "tour":
        if not _tour_available():
            _error("the tour is not installed in this version of deltagrad (no viz.app.tour module)")
            return EXIT_ERROR
        return int(importlib.import_module("viz.app.tour").main(args[1:]) or 0)
    if args and args[0] == "mistakes":  # misconception lab (viz/lab/cli.py)
        return importlib.import_module("viz.lab.cli").main(args[1:])
    if args and args[0] in ("exercise", "check", "check-op"):  # viz/exercises/cli.py
        return importlib.import_module("viz.exercises.cli").main(args)
    if len(args) > 1 and args[0] == "step" and args[1].startswith("-") and args[1] not in _STEP_OPTIONS:
        args[1] = " " + args[1]  # "-x*w" is an expression, not an option
    parser = build_parser()
    ns = parser.parse_args(args)
    if ns.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return run_step(ns)
    except BrokenPipeError:  # `deltagrad step ... | head`: the reader left; stop quietly
        _silence_stdout()
        return 0
    except UsageError as e:
        _error(str(e), e.expression_error)
        return EXIT_ERROR
    except ExpressionError as e:
        _error(str(e), e)
        return EXIT_ERROR


def _silence_stdout() -> None:
    """Point stdout at the null device so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _safe_output() -> None:
    """Terminals that cannot print ∂ get '?' instead of a crash; input bytes that are not UTF-8 reach
    the parser (as lone surrogates, which it refuses in one line) instead of a UnicodeDecodeError."""
    try:
        sys.stdin.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            "∂×·−²".encode(stream.encoding or "ascii")
        except (UnicodeEncodeError, LookupError):
            try:
                stream.reconfigure(errors="replace")  # type: ignore[union-attr]
            except (AttributeError, ValueError):
                pass


def _error(message: str, located: ExpressionError | None = None) -> None:
    """One line saying what is wrong; with an expression, the expression and a caret line."""
    message = _NOT_UTF8.sub(_byte_text, message)  # printable on any stderr
    if located is None:
        print(f"deltagrad: error: {message}", file=sys.stderr)
        return
    head = "deltagrad: error: "
    print(f"{head}{message}", file=sys.stderr)
    indent = " " * len(head)
    line = _NOT_UTF8.sub("?", located.location()[1])  # one character each: the caret stays in place
    print(indent + line, file=sys.stderr)  # the line holding the offending part
    print(located.caret(len(indent)), file=sys.stderr)


def _byte_text(match: re.Match) -> str:
    """A byte the OS could not decode (surrogateescape keeps byte b as U+DC00 + b) written as \\xNN."""
    code = ord(match.group()) - 0xDC00
    return f"\\x{code:02x}" if 0x80 <= code <= 0xFF else ascii(match.group())[1:-1]


def parse_assignments(items: Sequence[str]) -> dict[str, float]:
    """["x=1", "w=-2"] -> {"x": 1.0, "w": -2.0}; values may be arithmetic ("1/3")."""
    values: dict[str, float] = {}
    for item in items:
        name, eq, text = item.partition("=")
        name = unicodedata.normalize("NFKC", name.strip())  # as Python reads identifiers: ｘ is x
        if not eq or not name:
            raise UsageError(f"--at expects NAME=VALUE, got {item!r}")
        if not name.isidentifier() or name.startswith("_"):
            raise UsageError(f"--at {item}: {name!r} is not a valid variable name")
        if name in FUNCTIONS:
            raise UsageError(f"--at {item}: {name!r} is a function name; pick another variable name")
        if name in values:
            raise UsageError(f"--at {item}: {name!r} is given twice (each name once, in any --at)")
        try:
            values[name] = parse_number(text)
        except ExpressionError as e:
            why = "" if e.message.startswith(("not a number", "syntax error")) else f" ({e.message})"
            raise UsageError(f"--at {item}: {text.strip()!r} is not a number{why}") from None
        if not math.isfinite(values[name]):
            raise UsageError(f"--at {item}: the value must be finite")
    return values


def make_graph(expression: str, at: Sequence[str]) -> tuple[Value, list[Value]]:
    """The root and the variables' leaves (in order of appearance) of EXPR at the given values."""
    expression = " ".join(expression.splitlines())
    values = parse_assignments(at)
    names = variables(parse_expression(expression))
    leaves = {n: Value(x, n) for n, x in values.items()}
    root = build_graph(expression, leaves)
    unused = [n for n in values if n not in names]
    if unused:
        print(f"deltagrad: note: --at {', '.join(unused)} not used by the expression", file=sys.stderr)
    return root, [leaves[n] for n in names]


def run_step(ns: argparse.Namespace) -> int:
    """`deltagrad step`: build, then write HTML, quiz, or walk."""
    for option in ("html", "frames", "animation"):
        path = getattr(ns, option)
        if path is not None and not path.strip():
            raise UsageError(f"--{option} needs a path, got an empty one")
        if path is not None and _NOT_UTF8.search(path):
            raise UsageError(f"--{option}: the path {path!r} holds bytes that are not UTF-8; use another name")
    if not 0 <= ns.digits <= 12:
        raise UsageError(f"--digits must be between 0 and 12, got {ns.digits}")
    if not 0 < ns.tol < 1:
        raise UsageError(f"--tol must be between 0 and 1, got {ns.tol}")
    root, leaves = make_graph(ns.expression, ns.at)
    expression = ns.expression.strip()
    if ns.mistake is not None:  # misconception lab (viz/lab/cli.py)
        return importlib.import_module("viz.lab.cli").run_step(ns, root, leaves, expression)
    if ns.html is not None or ns.frames is not None or ns.animation is not None:
        write_outputs(root, ns, expression)
        return 0
    if ns.quiz:
        from viz.stepping.quiz import Quiz, run_quiz

        print(f"{expression} at {_values_text(leaves)}")
        run_quiz(Quiz(root, ask=ns.ask, tol=ns.tol, digits=ns.digits), read=_read_line, write=print)
        return 0
    trace = trace_backward(root, digits=ns.digits)
    print(f"{expression} at {_values_text(leaves)}")
    if walk(trace, pause=not ns.all, latex=ns.latex, read=_read_line, write=print) == len(trace):
        print(finite_difference_check(expression, leaves, trace))
    return 0


def write_outputs(root: Value, ns: argparse.Namespace, expression: str) -> None:
    """--html, --frames and --animation: write the files and say where they are."""
    from viz.errors import GraphTooLargeError, VizError
    from viz.stepping.frames import save_animation, save_frames
    from viz.stepping.player import save_steps_html

    trace = trace_backward(root, digits=ns.digits)
    try:
        if ns.html is not None:
            path = save_steps_html(trace, ns.html, title=expression, digits=ns.digits,
                                   mistake=getattr(ns, "mistake", None))
            print(f"wrote {path}: open it in a browser (works offline)")
        if ns.frames is not None:
            paths = save_frames(trace, ns.frames)
            print(f"wrote {len(paths)} frames to {ns.frames}: {paths[0].name} (start) .. {paths[-1].name}")
        if ns.animation is not None:
            print(f"wrote {save_animation(trace, ns.animation)}")
    except GraphTooLargeError as e:  # its advice (draw_network, max_nodes) is for Python, not this command
        raise UsageError(f"the expression's graph has {e.nodes} nodes, too many to draw (at most {e.max_nodes}); "
                         "leave out --html/--frames/--animation to walk it in the terminal") from None
    except (OSError, VizError, ValueError) as e:
        raise UsageError(str(e) if isinstance(e, (VizError, ValueError)) else
                         f"cannot write: {e.strerror or e}") from None


def _values_text(leaves: Sequence[Value]) -> str:
    return ", ".join(f"{v.label} = {v.data:g}" for v in leaves) or "(no variables)"


def _read_line(prompt: str) -> str:
    """One line from stdin (prompt on stdout); EOFError at the end of input."""
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        sys.stdout.write("\n")
        raise EOFError
    return line.strip()


def write_walk_start(trace: BackwardTrace, write: Callable[[str], None]) -> None:
    """What a walk prints before its first step: the forward pass, the naming note, the seed."""
    write("Forward pass:")
    for line in trace.definitions() or ["(nothing computed: the expression is a single value)"]:
        write("    " + line)
    note = trace.naming_note()
    if note:
        write(note)
    write(trace.start_text())


def ask_next_step(read: Callable[[str], str], write: Callable[[str], None], i: int, n: int) -> str:
    """Ask before step i + 1 of n: "next" (Enter), "all" (the rest without asking) or "quit"."""
    try:
        reply = read(f"[Enter] step {i + 1} of {n}, a = all the rest, q = quit: ").lower()
    except EOFError:
        write("(end of input: the remaining steps follow)")
        return "all"
    except KeyboardInterrupt:
        reply = "q"
    if reply in ("q", "quit", "exit"):
        write(f"Stopped after {i} of {n} steps.")
        return "quit"
    return "all" if reply in ("a", "all") else "next"


def walk(trace: BackwardTrace, *, pause: bool = True, latex: bool = False,
         read: Callable[[str], str] = input, write: Callable[[str], None] = print) -> int:
    """Print the backward pass a step at a time, waiting for Enter between steps.

    a = print the rest at once, q (or Ctrl-C) = stop. At the end of input the rest is printed at once.
    Returns the number of steps shown.
    """
    check_bool(pause, "walk", "pause")
    check_bool(latex, "walk", "latex")
    write_walk_start(trace, write)
    n = len(trace)
    for i in range(n):
        if pause:
            reply = ask_next_step(read, write, i, n)
            if reply == "quit":
                return i
            pause = reply == "next"
        write("")
        write(trace.explain(i))
        if latex:
            write("    LaTeX: " + trace.latex(i))
    write("")
    write(final_table(trace))
    return n


def finite_difference_check(expression: str, leaves: Sequence[Value], trace: BackwardTrace) -> str:
    """Compare each variable's gradient with central differences of the expression."""
    if not leaves:
        return "No variables: nothing to check."
    names = [v.label for v in leaves]

    def f(xs: list[Value]) -> Value:
        return build_graph(expression, dict(zip(names, xs)))

    try:
        numeric = numerical_grad(f, [v.data for v in leaves])
    except (DeltagradError, ArithmeticError, ValueError):
        return "Check by central differences: not possible here (the expression is undefined nearby)."
    rows = []
    for v, num in zip(leaves, numeric):
        ok = math.isclose(v.grad, num, rel_tol=1e-4, abs_tol=1e-6)
        rows.append(f"    {partial(trace.root_name, v.label)}: backward {trace.num(v.grad)}, "
                    f"central differences {trace.num(num)} {'✓' if ok else '✗ (differs: a kink or a bug?)'}")
    return "Check by central differences (f(x+ε) − f(x−ε)) / 2ε:\n" + "\n".join(rows)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
