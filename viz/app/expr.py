"""A safe expression parser: "tanh(x*w + b)" -> a graph of Values (ast + a whitelist, never eval).

Allowed: numbers, variables (given values), + - * / ** and unary -/+, the functions
tanh exp log sigmoid relu sqrt abs sin cos softplus with one argument, leaky_relu(x) or
leaky_relu(x, slope), max(a, b), min(a, b) and clamp(x, low, high) (slope, low and high are
numbers). Anything else is an ExpressionError that says what is wrong and where (character
columns into the text).

    >>> root = build_graph("tanh(x*w + b)", {"x": 1, "w": -2, "b": 0.5})
    >>> round(root.data, 4)
    -0.9051
"""
from __future__ import annotations

import ast
import math
import re
import sys
from typing import Callable, Mapping, Union

from engine import DeltagradError, OpError, Value, maximum, minimum

FUNCTIONS: dict[str, Callable[..., Value]] = {
    "tanh": Value.tanh, "exp": Value.exp, "log": Value.log, "sigmoid": Value.sigmoid,
    "relu": Value.relu, "sqrt": Value.sqrt, "abs": Value.__abs__,
    "sin": Value.sin, "cos": Value.cos, "max": maximum, "min": minimum,
    "leaky_relu": Value.leaky_relu, "softplus": Value.softplus, "clamp": Value.clamp,
}
# The functions of more than one argument: (fewest, most) arguments, an example, and what the
# arguments after the first are when they must be numbers (a slope or bounds, not graph inputs).
_ARGUMENTS: dict[str, tuple[int, int, str, str]] = {
    "max": (2, 2, "max(a, b)", ""), "min": (2, 2, "min(a, b)", ""),
    "leaky_relu": (1, 2, "leaky_relu(x) or leaky_relu(x, 0.1)", "the slope must be a number"),
    "clamp": (3, 3, "clamp(x, 0, 1)", "the bounds low and high must be numbers"),
}
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_NOT_ALLOWED_OPS = {
    ast.FloorDiv: "'//' is not allowed (use /)", ast.Mod: "'%' is not allowed",
    ast.MatMult: "'@' is not allowed", ast.BitXor: "'^' is not allowed (use ** for powers)",
    ast.BitAnd: "'&' is not allowed", ast.BitOr: "'|' is not allowed", ast.LShift: "'<<' is not allowed",
    ast.RShift: "'>>' is not allowed", ast.Not: "'not' is not allowed (use -)",
    ast.Invert: "'~' is not allowed (use -)",
}
_NODE_WORDS = {
    ast.Compare: "a comparison", ast.BoolOp: "'and'/'or'", ast.Attribute: "attribute access",
    ast.Subscript: "indexing", ast.Lambda: "lambda", ast.IfExp: "'if ... else'",
    ast.List: "a list", ast.Tuple: "a tuple", ast.Dict: "a dict", ast.Set: "a set",
    ast.JoinedStr: "an f-string", ast.NamedExpr: "':='", ast.Starred: "'*' unpacking",
    ast.ListComp: "a comprehension", ast.GeneratorExp: "a generator", ast.Await: "await",
}
MAX_LENGTH = 10_000
_PARSE_DEPTH = 6_000  # recursion limit while parsing: a sum of MAX_LENGTH / 2 terms fits, the C stack too
_NOT_UTF8 = re.compile("[\ud800-\udfff]")
Number = Union[int, float]


class ExpressionError(DeltagradError, ValueError):
    """A bad expression: `.message` says what, `.text[.start:.end]` is the offending part."""

    def __init__(self, message: str, text: str, start: int, end: int | None = None) -> None:
        self.message, self.text = message, text
        self.start = max(0, min(start, len(text)))
        self.end = max(self.start + 1, end if end is not None else self.start + 1)
        line, _, column = self.location()
        where = f"line {line + 1}, column {column + 1}" if "\n" in text else f"column {self.start + 1}"
        super().__init__(f"{message} ({where})")

    def location(self) -> tuple[int, str, int]:
        """(line number from 0, that line's text, column in it) of the offending part's start."""
        before = self.text[: self.start]
        line = before.count("\n")
        line_start = before.rfind("\n") + 1
        line_end = self.text.find("\n", line_start)
        return line, self.text[line_start: line_end if line_end >= 0 else len(self.text)], self.start - line_start

    def caret(self, indent: int = 0) -> str:
        """A line of ^ under the offending part of its line (location()), for printing below `indent` chars + it."""
        _, text, column = self.location()
        width = max(1, min(self.end - self.start, len(text) - column))
        return " " * (indent + column) + "^" * width


def _span(text: str, node: ast.AST) -> tuple[int, int]:
    """Character offsets (start, end) of an ast node in `text` (ast counts UTF-8 bytes).

    parse_expression parses `text` with its newlines made spaces (one line of the same length),
    so every node is on line 1 and its byte column counts from the start of the whole text.
    """
    data = text.encode("utf-8")

    def offset(col: int) -> int:
        return len(data[:col].decode("utf-8", "replace"))

    start = offset(node.col_offset)  # type: ignore[attr-defined]
    end_col = getattr(node, "end_col_offset", None)
    return start, offset(end_col) if end_col is not None else start + 1


def parse_expression(text: str) -> ast.Expression:
    """Parse and check the expression against the whitelist; the tree is returned unevaluated."""
    if not isinstance(text, str):
        raise TypeError(f"parse_expression: expected a str, got {type(text).__name__} {text!r:.60}")
    text = text.strip()
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is too long ({len(text)} characters, at most {MAX_LENGTH})", text, MAX_LENGTH)
    if not text.strip():
        raise ExpressionError("the expression is empty", text, 0)
    bad = _NOT_UTF8.search(text)
    if bad:  # bytes the OS could not decode arrive as lone surrogates, which no parser can encode
        byte = ord(bad.group()) - 0xDC00  # surrogateescape maps byte b to U+DC00 + b
        shown = f"\\x{byte:02x}" if 0x80 <= byte <= 0xFF else ascii(bad.group())[1:-1]
        raise ExpressionError(f"the text holds a byte that is not UTF-8 ({shown}); "
                              "type the expression in UTF-8", text, bad.start())
    try:  # whitespace of the same length keeps every column where the user typed it
        tree = _parse(text.replace("\n", " ").replace("\r", " ").replace("\t", " "))
    except SyntaxError as e:  # one line (newlines became spaces): e.offset counts characters of it
        col = (e.offset or len(text) + 1) - 1
        raise ExpressionError(f"syntax error: {e.msg}", text, col if 0 <= col < len(text) else len(text)) from None
    except (RecursionError, MemoryError):
        raise ExpressionError(
            f"the expression is nested too deeply for Python's parser: more than about {_PARSE_DEPTH:,} "
            "operators applied one after another (a flat sum of a few thousand terms is fine; deep "
            "parentheses stop at 200 and long runs of - or ** at less)", text, 0) from None
    for node in ast.walk(tree):
        _check(node, text)
    return tree


def _parse(text: str) -> ast.Expression:
    """ast.parse with room for a long flat chain (x+x+…: each + is one level of ast construction)."""
    limit = sys.getrecursionlimit()
    if limit >= _PARSE_DEPTH:
        return ast.parse(text, mode="eval")
    sys.setrecursionlimit(_PARSE_DEPTH)
    try:
        return ast.parse(text, mode="eval")
    finally:
        sys.setrecursionlimit(limit)


def _check(node: ast.AST, text: str) -> None:
    """Raise ExpressionError if this single ast node is not on the whitelist."""
    if isinstance(node, (ast.Expression, ast.Load, ast.operator, ast.unaryop)) and type(node) not in _NOT_ALLOWED_OPS:
        return
    if isinstance(node, ast.Constant):
        if type(node.value) in (int, float):
            return
        raise ExpressionError(f"only real numbers are allowed, not {node.value!r:.30}", text, *_span(text, node))
    if isinstance(node, ast.BinOp):
        if type(node.op) in _NOT_ALLOWED_OPS:
            start = _operator_column(text, node)
            raise ExpressionError(_NOT_ALLOWED_OPS[type(node.op)], text, start, start + 1)
        return
    if isinstance(node, ast.UnaryOp):
        if type(node.op) in _NOT_ALLOWED_OPS:
            raise ExpressionError(_NOT_ALLOWED_OPS[type(node.op)], text, *_span(text, node))
        return
    if isinstance(node, ast.Name):
        if node.id.startswith("_"):
            raise ExpressionError(f"unknown name {node.id!r}", text, *_span(text, node))
        return
    if isinstance(node, ast.Call):
        _check_call(node, text)
        return
    what = _NODE_WORDS.get(type(node), f"'{type(node).__name__}'")
    raise ExpressionError(f"{what} is not allowed in an expression", text, *_span(text, node))


def _check_call(node: ast.Call, text: str) -> None:
    func = node.func
    if not isinstance(func, ast.Name):
        raise ExpressionError("only the functions " + ", ".join(FUNCTIONS) + " can be called", text, *_span(text, func))
    if func.id not in FUNCTIONS:
        raise ExpressionError(f"unknown function {func.id!r} (allowed: {', '.join(FUNCTIONS)})", text, *_span(text, func))
    fewest, most, example, _ = _ARGUMENTS.get(func.id, (1, 1, f"{func.id}(x)", ""))
    if node.keywords or not fewest <= len(node.args) <= most or any(isinstance(a, ast.Starred) for a in node.args):
        count = "exactly one argument" if most == 1 else (
            f"{fewest} arguments" if fewest == most else f"{fewest} or {most} arguments")
        raise ExpressionError(f"{func.id}() takes {count}, e.g. {example}", text, *_span(text, node))


def _operator_column(text: str, node: ast.BinOp) -> int:
    """Where the operator of a BinOp is: the first non-space, non-')' between its operands."""
    left_end, right_start = _span(text, node.left)[1], _span(text, node.right)[0]
    for k in range(left_end, right_start):
        if text[k] not in " \t\n)(":
            return k
    return left_end


def variables(tree: ast.Expression) -> list[str]:
    """The variable names an expression uses, in order of first appearance."""
    names: list[str] = []
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called),
                       key=lambda n: (n.lineno, n.col_offset)):
        if node.id not in names:
            names.append(node.id)
    return names


def build_graph(text: str, values: Mapping[str, Number | Value]) -> Value:
    """The graph of the expression with each variable a labeled leaf (one Value per name).

    Values given as numbers become Value(number, label=name); Values are used as they are.
    """
    tree = parse_expression(text)
    text = text.strip()  # parse_expression's columns count from the first non-space
    leaves = {}
    for name, v in values.items():
        leaves[name] = v if type(v) is Value else Value(_number(v, name, text), name)
    result = _evaluate(tree, text, leaves)
    return result if type(result) is Value else Value(result)


def _number(v: object, name: str, text: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"build_graph: the value of {name!r} must be a number, got {type(v).__name__} {v!r:.60}")
    return float(v)


def _evaluate(tree: ast.Expression, text: str, leaves: Mapping[str, Value]) -> Value | float:
    """Post-order evaluation with an explicit stack (no recursion, however deep the expression)."""
    results: dict[int, Value | float] = {}
    stack: list[tuple[ast.AST, bool]] = [(tree.body, False)]
    while stack:
        node, ready = stack.pop()
        if not ready:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(_operands(node)))
            continue
        results[id(node)] = _apply(node, text, leaves, [results.pop(id(c)) for c in _operands(node)])
    return results[id(tree.body)]


def _operands(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def _apply(node: ast.AST, text: str, leaves: Mapping[str, Value], args: list) -> Value | float:
    """Evaluate one checked node given its evaluated operands; engine errors point at the node."""
    if isinstance(node, ast.Constant):
        try:
            value = float(node.value)
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            raise ExpressionError("this number is too large for a float", text, *_span(text, node))
        return value
    if isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise ExpressionError(f"{node.id} is a function: call it, e.g. {node.id}(x)", text, *_span(text, node))
        if node.id not in leaves:
            known = ", ".join(leaves) or "none"
            raise ExpressionError(f"no value for {node.id!r}: give it with --at {node.id}=<number> (given: {known})",
                                  text, *_span(text, node))
        return leaves[node.id]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and any(type(a) is Value for a in args[1:]):
        fewest, most, example, numbers_only = _ARGUMENTS.get(node.func.id, (1, 1, "", ""))
        if numbers_only:
            raise ExpressionError(f"{node.func.id}(): {numbers_only}, not a variable, e.g. {example}",
                                  text, *_span(text, node))
    try:
        if isinstance(node, ast.BinOp):
            return _binary(type(node.op), args[0], args[1])
        if isinstance(node, ast.UnaryOp):
            return -args[0] if isinstance(node.op, ast.USub) else args[0]
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):  # _check rules this out
            raise ExpressionError("not allowed in an expression", text, *_span(text, node))
        arg = args[0]
        out = FUNCTIONS[node.func.id](arg if type(arg) is Value else Value(arg), *args[1:])
        return out if any(type(a) is Value for a in args) else out.data
    except (OpError, ZeroDivisionError, OverflowError, ValueError) as e:
        raise ExpressionError(str(e), text, *_span(text, node)) from None


def _binary(op: type, a: Value | float, b: Value | float) -> Value | float:
    """a op b; two numbers are combined through Value so errors are the engine's."""
    numbers_only = type(a) is not Value and type(b) is not Value
    if numbers_only:
        a = Value(a)
    if op is ast.Add:
        out = a + b
    elif op is ast.Sub:
        out = a - b
    elif op is ast.Mult:
        out = a * b
    elif op is ast.Div:
        out = a / b
    else:
        out = a ** b
    return out.data if numbers_only else out  # type: ignore[union-attr]


def parse_number(text: str) -> float:
    """A number typed by a person: "0.25", "-2", "1/3", "2**-1" (no variables)."""
    tree = parse_expression(text)
    text = text.strip()
    names = variables(tree)
    if names:
        raise ExpressionError(f"not a number: {names[0]!r} is a name; type a number like 0.25 or 1/4", text,
                              *_span(text, next(n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == names[0])))
    result = _evaluate(tree, text, {})
    return result.data if type(result) is Value else float(result)
