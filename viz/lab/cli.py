"""The misconception lab at the terminal.

    deltagrad step "x*x" --at x=3 --mistake overwrite     walk the wrong pass beside the right one
    deltagrad mistakes "x*x + x*y" --at x=3 y=2           every graph-level mistake on this expression

Errors print one line and exit with status 2 (an unknown mistake lists the valid ones).
"""
from __future__ import annotations

import argparse
import sys
from typing import Callable, Sequence

from engine import Value
from viz.app.cli import ask_next_step, write_walk_start
from viz.errors import LabError
from viz.lab.catalogue import GRAPH_MISTAKES, NETWORK_MISTAKES
from viz.lab.compare import Comparison, compare_backward, get_mistake
from viz.stepping.steps import BackwardTrace, partial, trace_backward

MISTAKE_HELP = "walk this wrong backward pass beside the right one: " + ", ".join(GRAPH_MISTAKES)


def check_name(name: str) -> str:
    """The mistake's name if it is a graph-level one, else the CLI's one-line UsageError."""
    from viz.app.cli import UsageError

    try:
        return get_mistake(name, "graph", "--mistake").name
    except LabError as e:
        message = str(e)
        if name in NETWORK_MISTAKES:
            message = (f"--mistake: {name!r} is a network-level mistake (the notes' matrix form), not one of an "
                       f"expression's backward pass; use viz.compare_network in Python. Valid here: "
                       f"{', '.join(GRAPH_MISTAKES)}")
        raise UsageError(message) from None


def comparison(root: Value, name: str) -> Comparison:
    """compare_backward, its refusals as the CLI's UsageError."""
    from viz.app.cli import UsageError

    try:
        return compare_backward(root, name)
    except LabError as e:
        raise UsageError(str(e)) from None


def step_lines(trace: BackwardTrace, c: Comparison, i: int) -> list[str]:
    """What the wrong pass did at step i, under the right step's account."""
    s, L = c.steps[i], trace.root_name
    p = trace.names[trace.index_of[id(s.parent)]]
    sent = "sends nothing (the edge is missing)" if s.wrong_contribution is None else \
        f"sends {trace.num(s.wrong_contribution)}" + (f" (in all, over {s.sends} passes)" if s.sends > 1 else "")
    after = "after this step" if s.aligned else "in the end"
    mark = "  ✗" if s.differs else ""
    lines = [f"    {c.name}: {sent}; {partial(L, p)} = {trace.num(s.wrong_grad)} {after}{mark}"]
    if c.first is not None and c.first.edge is not None and c.first.step == i:
        n = trace.names[trace.index_of[id(c.first.node)]]
        lines.append(f"    ← first divergence: {partial(L, n)} ends at {trace.num(c.first.wrong)} instead of "
                     f"{trace.num(c.first.right)}: it is what you get if {c.mistake.if_clause(n, s_terms(c, c.first.node))}.")
    return lines


def s_terms(c: Comparison, v: Value) -> int:
    return sum(1 for s in c.steps if s.parent is v)


def walk_mistake(trace: BackwardTrace, c: Comparison, *, pause: bool = True,
                 read: Callable[[str], str] = input, write: Callable[[str], None] = print) -> int:
    """The right pass a step at a time (as `deltagrad step`), each step followed by the wrong pass's."""
    m = c.mistake
    write(f"Beside the mistake {m.name}: {m.title}")
    write(f"    wrong: {m.wrong}")
    write(f"    right: {m.right}")
    write_walk_start(trace, write)
    if m.name == "no_seed":
        write(f"    {m.name}: {partial(trace.root_name, trace.root_name)} = 0 (never set)  ✗")
    n = len(trace)
    for i in range(n):
        if pause:
            reply = ask_next_step(read, write, i, n)
            if reply == "quit":
                return i
            pause = reply == "next"
        write("")
        write(trace.explain(i))
        for line in step_lines(trace, c, i):
            write(line)
    write("")
    write(final_comparison(trace, c))
    write("")
    write(str(c))
    return n


def final_comparison(trace: BackwardTrace, c: Comparison) -> str:
    """Every gradient in both passes, root first (constants left out)."""
    L = trace.root_name
    rows = []
    for j in reversed(range(len(trace.order))):
        v = trace.order[j]
        if v.op == "const":
            continue
        mark = "" if c.right[v] == c.wrong[v] or abs(c.right[v] - c.wrong[v]) <= 1e-9 * max(1, abs(c.right[v])) else "  ✗"
        rows.append(f"    {partial(L, trace.names[j])} = {trace.num(c.right[v])}   {c.name}: {trace.num(c.wrong[v])}{mark}")
    return f"Gradients, right pass and {c.name} (constants left out):\n" + "\n".join(rows)


def run_step(ns: argparse.Namespace, root: Value, leaves: Sequence[Value], expression: str) -> int:
    """`deltagrad step ... --mistake NAME`: the walk beside the wrong pass, or the player with it (--html)."""
    from viz.app.cli import UsageError, _read_line, _values_text, write_outputs

    name = check_name(ns.mistake)
    if ns.quiz:
        raise UsageError("--mistake walks a wrong pass beside the right one; leave out --quiz (the quiz already "
                         "names the mistake behind a wrong answer)")
    c = comparison(root, name)
    if ns.html or ns.frames or ns.animation:
        if ns.frames or ns.animation:
            raise UsageError("--mistake works with --html (the player) or the terminal walk, not --frames/--animation")
        write_outputs(root, ns, expression)
        return 0
    trace = trace_backward(root, digits=ns.digits)
    print(f"{expression} at {_values_text(leaves)}")
    walk_mistake(trace, c, pause=not ns.all, read=_read_line, write=print)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deltagrad mistakes",
        description="Run every graph-level mistake of the misconception lab on EXPR: does it change an answer, "
                    "and where does it first go wrong?",
        epilog='example: deltagrad mistakes "x*x + x*y" --at x=3 y=2')
    parser.add_argument("expression", metavar="EXPR", help='the expression, e.g. "x*x + x*y" (quote it)')
    parser.add_argument("--at", nargs="+", default=[], metavar="NAME=VALUE", help="the value of each variable")
    parser.add_argument("--digits", type=int, default=4, help="decimals shown (default 4)")
    return parser


def mistakes_table(root: Value, digits: int = 4) -> list[str]:
    """One line per graph-level mistake: whether it changes an answer here and where it first diverges."""
    from viz.stepping.steps import fmt_number, node_names
    from engine import topo_order

    order = topo_order(root)
    names = dict(zip(order, node_names(order)[0]))
    L = names[root]
    width = max(len(n) for n in GRAPH_MISTAKES)
    lines = [f"{'mistake':<{width}}  changes an answer?  where it first diverges"]
    for name in GRAPH_MISTAKES:
        try:
            c = compare_backward(root, name)
        except LabError as e:
            lines.append(f"{name:<{width}}  {'not run':<18}  {e}")
            continue
        f = c.first
        if f is None:
            lines.append(f"{name:<{width}}  {'no':<18}  no difference here; to expose it, {c.suggestion()}")
            continue
        where = f"step {f.step + 1} of {len(c.steps)}" if f.edge is not None else "the start"
        changed = len(c.changed())
        verdict = f"yes ({changed} value{'s' if changed != 1 else ''})"
        lines.append(f"{name:<{width}}  {verdict:<18}  at {where}: {partial(L, names[f.node])} = "
                     f"{fmt_number(f.wrong, digits)} instead of {fmt_number(f.right, digits)}")
    lines.append(f"(network-level mistakes, the notes' errata: {', '.join(NETWORK_MISTAKES)}: viz.compare_network; "
                 "walk one with: deltagrad step EXPR --at ... --mistake NAME)")
    return lines


def main(argv: Sequence[str]) -> int:
    """`deltagrad mistakes EXPR --at ...`; returns the exit status (0 ok, 2 bad input)."""
    from viz.app.cli import EXIT_ERROR, UsageError, _error, _values_text, make_graph
    from viz.app.expr import ExpressionError

    args = list(argv)
    if args and args[0].startswith("-") and args[0] not in ("-h", "--help", "--at", "--digits"):
        args[0] = " " + args[0]  # "-x*w" is an expression, not an option
    ns = build_parser().parse_args(args)
    try:
        if not 0 <= ns.digits <= 12:
            raise UsageError(f"--digits must be between 0 and 12, got {ns.digits}")
        root, leaves = make_graph(ns.expression, ns.at)
        print(f"{ns.expression.strip()} at {_values_text(leaves)}")
        for line in mistakes_table(root, ns.digits):
            print(line)
    except BrokenPipeError:
        return 0
    except UsageError as e:
        _error(str(e), e.expression_error)
        return EXIT_ERROR
    except ExpressionError as e:
        _error(str(e), e)
        return EXIT_ERROR
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
