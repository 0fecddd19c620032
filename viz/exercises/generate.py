"""Exercises generated from a seed: an expression to differentiate, or one example through an MLP.

The seed alone fixes the problem and its numbers (a `random.Random` seeded with the text
"deltagrad-exercise:<kind>:<seed>", deterministic across runs and machines); the notation changes
only the labels. Variant i (1-based) of a class set made from seed s has seed s·1000 + i, so
`--count K` writes K exercises each reproducible alone from the seed in its own exercise.json.
Every number of the key is read from the engine's graph after its backward pass.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Sequence

from engine import DeltagradError, Value
from viz.exercises.errors import ExerciseError
from viz.exercises.notation import NOTATION_CODES, get_notation

KINDS = ("expression", "network")
LOSSES = ("squared_error", "binary_cross_entropy", "cross_entropy")
MAX_SEED = 10 ** 12
MAX_COUNT = 999
UNARY_OPS = ("tanh", "exp", "sigmoid", "relu", "**2")
BINARY_OPS = ("+", "-", "*")
DEFAULT_OPS = ("+", "-", "*", "tanh", "exp", "sigmoid", "**2")
_VARIABLES = ("a", "b", "c", "x", "w", "v")


@dataclass
class Exercise:
    """One exercise: what the student is given (`problem`), the blanks and the key (kept apart).

    `quantities[i]` is what blank `blanks[i]` names: for a network ("z", l, j) etc. in notes
    000/004 numbering (see viz.exercises.notation), for an expression ("node", k) with k the
    node's position in the topological order of the expression's graph.
    """

    kind: str
    seed: int
    notation: str
    options: dict
    problem: dict
    blanks: list[str]
    quantities: list[tuple]
    key: dict[str, float]
    given: dict[str, float] = field(default_factory=dict)  # expression: the forward values shown

    def exercise_json(self) -> dict:
        """What exercise.json holds: the problem and the blank names, no answers."""
        return {"kind": self.kind, "seed": self.seed, "notation": self.notation, "options": self.options,
                "blanks": list(self.blanks), **self.problem}

    def key_json(self) -> dict:
        """key.json: a valid ANSWERS file (blank → exact value) with the `exercise` entry."""
        return {"exercise": {"kind": self.kind, "seed": self.seed}, **{b: self.key[b] for b in self.blanks}}

    def quantity(self, blank: str) -> tuple:
        return self.quantities[self.blanks.index(blank)]


def variant_seed(seed: int, i: int) -> int:
    """The seed of variant i (1-based) of a class set made from `seed`: seed·1000 + i."""
    return seed * 1000 + i


def make_exercise(kind: str, seed: int, notation: str = "000", **options: Any) -> Exercise:
    """An exercise of `kind` ("expression" or "network") fixed by `seed`, labelled in `notation`.

    expression options: size (operations, 3..12, default 5), variables (2..5, default 3),
    ops (a subset of + - * tanh exp sigmoid relu **2). network options: sizes (e.g. [2, 2, 1]),
    activation ("sigmoid" or "tanh"), loss ("squared_error", "binary_cross_entropy",
    "cross_entropy"); what is not given is drawn from the seed.
    """
    if kind not in KINDS:
        raise ExerciseError(f"exercise: unknown kind {kind!r}; choose 'expression' or 'network'")
    seed = check_seed(seed)
    get_notation(notation)
    if kind == "expression":
        return _expression_exercise(seed, notation, _expression_options(options))
    return _network_exercise(seed, notation, _network_options(options))


def check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < MAX_SEED:
        raise ExerciseError(f"exercise: the seed must be an int from 0 to {MAX_SEED - 1}, got {seed!r}")
    return seed


def _rng(kind: str, seed: int) -> random.Random:
    return random.Random(f"deltagrad-exercise:{kind}:{seed}")


# ---------------------------------------------------------------------------- expression
def _expression_options(options: dict) -> dict:
    unknown = set(options) - {"size", "variables", "ops"}
    if unknown:
        raise ExerciseError(f"exercise: unknown option(s) {', '.join(sorted(unknown))} for kind 'expression' "
                            "(valid: size, variables, ops)")
    out: dict = {}
    for name, low, high in (("size", 3, 12), ("variables", 2, 5)):
        if options.get(name) is not None:
            v = options[name]
            if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
                raise ExerciseError(f"exercise: {name} must be an int from {low} to {high}, got {v!r}")
            out[name] = v
    if options.get("ops") is not None:
        ops = options["ops"]
        if isinstance(ops, str):
            ops = [o.strip() for o in ops.split(",") if o.strip()]
        ops = list(ops)
        bad = [o for o in ops if o not in UNARY_OPS + BINARY_OPS]
        if bad or not any(o in BINARY_OPS for o in ops):
            raise ExerciseError(f"exercise: ops must be taken from {', '.join(BINARY_OPS + UNARY_OPS)} and include "
                                f"a binary one (+, - or *), got {ops!r}")
        out["ops"] = sorted(set(ops), key=(BINARY_OPS + UNARY_OPS).index)
    return out


def _round1(rng: random.Random, low: float, high: float, nonzero: bool = True) -> float:
    while True:
        v = round(rng.uniform(low, high), 1)
        if v != 0.0 or not nonzero:
            return v + 0.0  # no -0.0


def _random_expression(rng: random.Random, size: int, n_vars: int, ops: Sequence[str]) -> tuple[str, dict]:
    """Text (parseable by viz.app.expr) and values; one variable occurs twice (a fan-out)."""
    names = rng.sample(_VARIABLES, n_vars)
    values = {n: _round1(rng, -2.0, 2.0) for n in names}
    terms = list(names) + [rng.choice(names)]  # the repeated variable: its leaf feeds two nodes
    binary = [o for o in ops if o in BINARY_OPS]
    unary = [o for o in ops if o in UNARY_OPS]
    n_binary = len(terms) - 1
    n_unary = max(0, size - n_binary) if unary else 0
    while not unary and n_binary < size:  # only binary ops: more occurrences instead of unary ops
        terms.append(rng.choice(names))
        n_binary += 1
    plan = ["B"] * n_binary + ["U"] * n_unary
    rng.shuffle(plan)
    rng.shuffle(terms)
    for step in plan:
        if step == "U":
            i = rng.randrange(len(terms))
            op = rng.choice(unary)
            terms[i] = f"{terms[i]}**2" if op == "**2" else f"{op}({_bare(terms[i])})"
        else:
            i, j = sorted(rng.sample(range(len(terms)), 2))
            right = terms.pop(j)
            terms[i] = f"({terms[i]} {rng.choice(binary)} {right})"
    while len(terms) > 1:  # more binaries than planned cannot happen; fewer would leave terms
        right = terms.pop()
        terms[-1] = f"({terms[-1]} {rng.choice(binary)} {right})"
    return _bare(terms[0]), values


def _bare(text: str) -> str:
    """Drop one pair of outer parentheses when they enclose the whole text."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i < len(text) - 1:
            return text
    return text[1:-1]


def expression_graph(expression: str, values: dict):  # type: ignore[no-untyped-def]
    """(root, trace) of the expression after its backward pass (viz.trace_backward's names)."""
    from viz.app.expr import build_graph
    from viz.stepping.steps import trace_backward

    root = build_graph(expression, {n: float(v) for n, v in values.items()})
    return root, trace_backward(root, digits=4)


def _expression_exercise(seed: int, notation: str, options: dict) -> Exercise:
    from viz.app.expr import ExpressionError

    rng = _rng("expression", seed)
    size, n_vars = options.get("size", 5), options.get("variables", 3)
    ops = options.get("ops", list(DEFAULT_OPS))
    for _ in range(1000):
        text, values = _random_expression(rng, size, n_vars, ops)
        try:
            root, trace = expression_graph(text, values)
        except (DeltagradError, ExpressionError, ArithmeticError, ValueError):
            continue
        order = trace.order
        if _acceptable(order, root):
            break
    else:  # pragma: no cover - the bounds above are loose enough
        raise ExerciseError(f"exercise: no expression with these options fits the bounds (seed {seed})")
    blanks, quantities, key, given = [], [], {}, {}
    root_name = trace.root_name
    for k in range(len(order) - 2, -1, -1):  # the order a student fills them in: from the root down
        node = order[k]
        if not node.parents and node.label not in values:
            continue  # a constant: given, not a blank
        name = f"d{root_name}/d{trace.names[k]}"
        blanks.append(name)
        quantities.append(("node", k))
        key[name] = node.grad
    for k, node in enumerate(order):
        given[trace.names[k]] = node.data
    problem = {"expression": text, "values": values}
    return Exercise("expression", seed, notation, options, problem, blanks, quantities, key, given)


def _acceptable(order: list[Value], root: Value) -> bool:
    """A fan-out (a node feeding two nodes), moderate numbers, no gradient that is exactly 0."""
    users: dict[int, set[int]] = {}
    for node in order:
        for p in node.parents:
            users.setdefault(id(p), set()).add(id(node))
    if not any(len(u) >= 2 for u in users.values()):
        return False
    return all(abs(n.data) <= 20 and abs(n.grad) <= 50 and (n is root or abs(n.grad) >= 1e-3) for n in order)


# ---------------------------------------------------------------------------- network
def _network_options(options: dict) -> dict:
    unknown = set(options) - {"sizes", "activation", "loss"}
    if unknown:
        raise ExerciseError(f"exercise: unknown option(s) {', '.join(sorted(unknown))} for kind 'network' "
                            "(valid: sizes, activation, loss)")
    out: dict = {}
    if options.get("sizes") is not None:
        sizes = options["sizes"]
        if isinstance(sizes, str):
            sizes = [s for s in sizes.replace("-", ",").split(",") if s.strip()]
            try:
                sizes = [int(s) for s in sizes]
            except ValueError:
                raise ExerciseError(f"exercise: sizes must be layer widths like 2,3,1, got {options['sizes']!r}") from None
        sizes = list(sizes)
        if not 2 <= len(sizes) <= 4 or any(isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 4
                                           for n in sizes):
            raise ExerciseError(f"exercise: sizes must be 2 to 4 layer widths from 1 to 4 (input first), got {sizes!r}")
        out["sizes"] = sizes
    if options.get("activation") is not None:
        if options["activation"] not in ("sigmoid", "tanh"):
            raise ExerciseError(f"exercise: activation must be 'sigmoid' or 'tanh', got {options['activation']!r}")
        out["activation"] = options["activation"]
    if options.get("loss") is not None:
        if options["loss"] not in LOSSES:
            raise ExerciseError(f"exercise: loss must be one of {', '.join(LOSSES)}, got {options['loss']!r}")
        out["loss"] = options["loss"]
    loss, sizes = out.get("loss"), out.get("sizes")
    if loss == "binary_cross_entropy" and sizes and sizes[-1] != 1:
        raise ExerciseError("exercise: binary_cross_entropy needs one output neuron (sizes ending in 1)")
    if loss == "cross_entropy" and sizes and sizes[-1] < 2:
        raise ExerciseError("exercise: cross_entropy needs at least two output neurons (one per class)")
    return out


def _network_exercise(seed: int, notation: str, options: dict) -> Exercise:
    rng = _rng("network", seed)
    loss = options.get("loss") or rng.choice(LOSSES)
    activation = options.get("activation") or rng.choice(("sigmoid", "tanh"))
    sizes = options.get("sizes")
    if sizes is None:
        n_out = {"binary_cross_entropy": 1, "cross_entropy": 2}.get(loss, rng.choice((1, 2)))
        sizes = [rng.choice((2, 3)), rng.choice((2, 3)), n_out]
    output_activation = {"binary_cross_entropy": "sigmoid", "cross_entropy": "linear"}.get(loss, activation)
    weights = [[[_round1(rng, -1.0, 1.0) for _ in range(sizes[i - 1])] for _ in range(sizes[i])]
               for i in range(1, len(sizes))]
    biases = [[_round1(rng, -0.5, 0.5, nonzero=False) for _ in range(sizes[i])] for i in range(1, len(sizes))]
    x = [_round1(rng, -1.0, 1.0) for _ in range(sizes[0])]
    if loss == "cross_entropy":
        y: Any = rng.randrange(sizes[-1])
    elif loss == "binary_cross_entropy":
        y = rng.choice((0, 1))
    else:
        y = [round(rng.uniform(0.0, 1.0) if output_activation == "sigmoid" else rng.uniform(-1.0, 1.0), 1) + 0.0
             for _ in range(sizes[-1])]
    problem = {"network": {"sizes": sizes, "activation": activation, "output_activation": output_activation,
                           "weights": weights, "biases": biases},
               "example": {"x": x, "y": y}, "loss": loss}
    values = network_values(problem)
    L = len(sizes)
    note = get_notation(notation)
    quantities = network_quantities(sizes)
    blanks = [note.name(q, L) for q in quantities]
    key = {b: values[q] for b, q in zip(blanks, quantities)}
    return Exercise("network", seed, notation, options, problem, blanks, quantities, key)


def network_quantities(sizes: Sequence[int]) -> list[tuple]:
    """Every blank of a network sheet in sheet order: forward layer by layer, δ from the output
    down, then ∂L/∂w and ∂L/∂b per layer (notes 000/004 numbering)."""
    L = len(sizes)
    out: list[tuple] = []
    for l in range(2, L + 1):
        for kind in ("z", "a", "sp"):
            out += [(kind, l, j) for j in range(1, sizes[l - 1] + 1)]
    for l in range(L, 1, -1):
        out += [("delta", l, j) for j in range(1, sizes[l - 1] + 1)]
    for l in range(2, L + 1):
        out += [("weight", l, j, k) for j in range(1, sizes[l - 1] + 1) for k in range(1, sizes[l - 2] + 1)]
        out += [("bias", l, j) for j in range(1, sizes[l - 1] + 1)]
    return out


def network_model(problem: dict):  # type: ignore[no-untyped-def]
    """(mlp, x, y, loss name) of a network problem, the weights and biases set as given."""
    import nn

    net = problem["network"]
    sizes = net["sizes"]
    mlp = nn.MLP(sizes[0], sizes[1:], activation=net["activation"], output_activation=net["output_activation"])
    for l in range(2, len(sizes) + 1):
        mlp.set_weights(l, net["weights"][l - 2])
        mlp.set_biases(l, net["biases"][l - 2])
    return mlp, problem["example"]["x"], problem["example"]["y"], problem["loss"]


def network_values(problem: dict) -> dict[tuple, float]:
    """Every quantity of the network problem, read from the engine after forward and backward."""
    from nn.objectives import get_objective

    mlp, x, y, loss = network_model(problem)
    C = get_objective(loss).loss(mlp(x), y)
    mlp.zero_grad()
    C.backward()
    out: dict[tuple, float] = {}
    for i, layer in enumerate(mlp.layers):
        l = i + 2
        for j, n in enumerate(layer.neurons, start=1):
            out[("z", l, j)] = n.z.data
            out[("a", l, j)] = n.a.data
            out[("sp", l, j)] = 1.0 if n.a is n.z else n.a.local_grads[0]
            out[("delta", l, j)] = n.z.grad
            out[("bias", l, j)] = n.b.grad
            for k, w in enumerate(n.w, start=1):
                out[("weight", l, j, k)] = w.grad
    return out


def regenerate(data: dict) -> Exercise:
    """The exercise an exercise.json describes, rebuilt from its seed; ExerciseError if it differs."""
    if not isinstance(data, dict):
        raise ExerciseError("exercise file: expected a JSON object with kind, seed, notation")
    kind, seed, notation = data.get("kind"), data.get("seed"), data.get("notation", "000")
    if kind not in KINDS:
        raise ExerciseError(f"exercise file: 'kind' must be 'expression' or 'network', got {kind!r}")
    options = data.get("options") or {}
    if not isinstance(options, dict):
        raise ExerciseError(f"exercise file: 'options' must be an object, got {options!r:.60}")
    exercise = make_exercise(kind, seed, notation if isinstance(notation, str) else repr(notation), **options)
    if exercise.exercise_json() != data:
        raise ExerciseError(f"exercise file: its contents differ from the {kind} exercise that seed {seed} "
                            "generates (was it edited?); regenerate it with `deltagrad exercise`")
    return exercise


__all__ = ["Exercise", "make_exercise", "variant_seed", "regenerate", "network_values", "network_model",
           "expression_graph", "KINDS", "LOSSES", "NOTATION_CODES", "MAX_COUNT"]
