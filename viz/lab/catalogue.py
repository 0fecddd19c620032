"""viz.MISTAKES: every mistake the lab can run, what it is, why it is wrong and where it comes from."""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Mapping, Optional

from viz.lab import mistakes, network

LEVELS = ("graph", "network", "perceptron")
_NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}


@dataclass(frozen=True)
class Mistake:
    """One misconception: `what` it is, `why` it is wrong, its `source`, the `wrong` line and the
    `right` one it replaces, how to `expose` it on a graph where it changes nothing, and the
    `outcome`, completing "<answer> is what you get if ...". `run` computes its gradients."""

    name: str
    level: str  # "graph" (compare_backward), "network" (compare_network), "perceptron" (nn.Perceptron)
    title: str
    what: str
    why: str
    source: str
    wrong: str
    right: str
    expose: str
    outcome: str  # may use {node} (the value asked about) and {count} (its number of contributions)
    run: Optional[Callable] = None

    @property
    def description(self) -> str:
        """What it is, why it is wrong, where it comes from: one paragraph each."""
        return f"{self.title}: {self.what}\n\nWhy it is wrong: {self.why}\n\nWhere it comes from: {self.source}"

    def __str__(self) -> str:
        return self.description

    def if_clause(self, node: str = "this value", count: int = 2) -> str:
        """The outcome with the value's name and number of contributions filled in."""
        return self.outcome.format(node=node, count=_NUMBER_WORDS.get(count, str(count)))


_CATALOGUE = [
    Mistake(
        "overwrite", "graph", "= instead of +=",
        "Each chain-rule step writes its contribution into the input's gradient (p.grad = local × upstream) "
        "instead of adding it (p.grad += local × upstream); a value used several times keeps only the last write.",
        "A value that feeds several consumers influences the loss along every one of them, and the multivariable "
        "chain rule adds those influences: ∂L/∂x = Σ over x's consumers n of ∂L/∂n · ∂n/∂x. Overwriting keeps one "
        "term of that sum. On a tree (every value used once) it changes nothing, which is why it survives small tests.",
        "micrograd's lecture itself (the nn-zero-to-hero notebook notes 'in the video I incorrectly used = instead "
        "of +=', karpathy/nn-zero-to-hero#52) and the threads on micrograd's tracker about gradients that "
        "accumulate; STYLE.md's 'Avoid' list (backward that overwrites).",
        "p.grad = local * n.grad", "p.grad += local * n.grad",
        "use a value twice, so that its gradient is a sum: x*x instead of x*y, or x*3 + x",
        "the {count} contributions into {node} overwrite each other instead of adding up",
        mistakes.overwrite),
    Mistake(
        "no_topo", "graph", "recursion without a topological order",
        "backward written as the recursion `def back(v): v._backward(); for p in v.parents: back(p)`, with no record "
        "of visited nodes: a node is visited once per path from the root, and passes its gradient on each time.",
        "A node may pass its gradient on only once, when it is complete (all its consumers have added their "
        "contributions). Revisiting a non-leaf node reached along two paths passes its gradient on twice, and the "
        "second time it has grown, so everything below it is counted too often; on deep shared graphs the number "
        "of visits grows exponentially. A topological order visits each node once, after all its consumers.",
        "micrograd's issue tracker, where the question why backward() sorts topologically instead of recursing "
        "returns again and again (karpathy/micrograd#21, #23, #64, #68, #91, #96); on #64 the author answers that "
        "the recursion 'doesn't actually work' when a non-leaf value is re-used, and the thread's example "
        "b = a + a; c = b + b gives ∂c/∂a = 8 instead of 4.",
        "for p in v.parents: back(p)   # every time", "for v in reversed(topo_order(root)): ...   # once each",
        "reuse an intermediate value, not just an input: u = x*x; L = u*3 + u (in Python; in a deltagrad "
        "expression every occurrence is a new node, so only inputs are shared)",
        "the backward recursion has no record of visited nodes, so a value reached along two paths passes its "
        "gradient on twice",
        mistakes.no_topo),
    Mistake(
        "preorder", "graph", "depth-first pre-order instead of reverse topological order",
        "The same recursion with a visited set: each node is visited once, in depth-first pre-order, and passes its "
        "gradient on at its first visit, which can come before all its consumers have contributed.",
        "A node's gradient is complete only after every consumer has added its term; passing it on earlier sends a "
        "partial sum downstream, and the terms that arrive later never reach the inputs. Reverse topological order "
        "is exactly the order in which every node is visited after all its consumers.",
        "micrograd's issue tracker (karpathy/micrograd#96 and #91: a visited set alone does not fix the recursion; "
        "only visiting a node after all its consumers does).",
        "visit v before all its consumers", "visit v after all its consumers (reverse topological order)",
        "reuse an intermediate value and use it first where it is needed last: u = x*x; L = u + u*3 (in Python)",
        "a value passes its gradient on before all its consumers have added their contributions (depth-first "
        "pre-order instead of reverse topological order)",
        mistakes.preorder),
    Mistake(
        "set_parents", "graph", "parents kept in a set",
        "The graph keeps each node's inputs in a set, so a value that is an input twice (a + a, a * a) keeps one "
        "edge, the first, and receives one contribution instead of two.",
        "a + a depends on a through both operands: ∂(a + a)/∂a = 1 + 1 = 2, and ∂(a·a)/∂a = a + a = 2a. A set "
        "cannot hold the same input twice, so one of the two terms is lost.",
        "micrograd's `_prev = set(_children)`; STYLE.md's 'Avoid' list (parents kept in a set).",
        "parents = set(inputs)", "parents = tuple(inputs)   # a + a has two parents",
        "use one value twice in the same op: a + a or a * a",
        "{node}, used twice by the same op, is counted once (as if the op kept its inputs in a set)",
        mistakes.set_parents),
    Mistake(
        "no_zero_grad", "graph", "gradients not zeroed between two backward passes",
        "backward() is run twice on the same graph without zeroing the gradients in between; deltagrad's backward() "
        "adds into the leaves (inputs and parameters), so their gradients double.",
        "Gradients accumulate by design (that is how a mini-batch gradient is summed), so each backward pass adds "
        "its result to whatever the leaves already hold; the previous pass's gradient has to be zeroed first "
        "(model.zero_grad(), engine.zero_grad).",
        "micrograd's issue tracker (karpathy/micrograd#102: calling backward() twice gives the wrong grad, "
        "backward() is not idempotent); the README section 'backward() accumulates into leaves'.",
        "loss.backward(); loss.backward()", "model.zero_grad(); loss.backward()",
        "make some input's gradient non-zero (here every input's gradient is 0, and 2 × 0 = 0)",
        "backward runs twice without zeroing the gradients in between, so {node}'s gradient doubles",
        mistakes.no_zero_grad),
    Mistake(
        "no_seed", "graph", "the root's gradient left at 0",
        "The backward pass starts with the root's gradient left at 0 instead of ∂L/∂L = 1, so every contribution "
        "local × upstream is 0.",
        "The chain rule multiplies every path's local derivatives by the root's own derivative, ∂L/∂L = 1; a seed of 0 "
        "multiplies everything by 0 (and a seed s scales every gradient by s).",
        "a micrograd-style backward written by hand without `self.grad = 1.0` before the loop.",
        "root.grad = 0   (never set)", "root.grad = 1.0",
        "nothing to change: the root's own gradient is always wrong (0 instead of 1)",
        "the root's gradient is left at 0 instead of ∂L/∂L = 1, so nothing flows back",
        mistakes.no_seed),
    Mistake(
        "local_only", "graph", "the local derivative without the upstream factor",
        "Each step passes back the local derivative ∂n/∂p alone, not multiplied by the upstream gradient ∂L/∂n (the "
        "contributions into a value are still added up).",
        "The chain rule is a product: ∂L/∂p = ∂L/∂n · ∂n/∂p. ∂n/∂p says how n moves with p, but the loss moves with n "
        "at the rate ∂L/∂n, which is 1 only right next to the root.",
        "a frequent first reading of backprop diagrams: each edge shows its local derivative, and that number is "
        "taken for the gradient.",
        "p.grad += local", "p.grad += local * n.grad",
        "put an op between the root and the rest whose gradient is not 1: 2*(x*y) instead of x*y",
        "each step passes back only the local derivative, without multiplying by the upstream gradient",
        mistakes.local_only),
    Mistake(
        "no_transpose", "network", "W where Wᵀ belongs (note 000, eq. 4)",
        "The hidden layers' error is computed as Δ^l = W^{l+1} Δ^{l+1} ⊙ σ'(Z^l), as note 000's eq. (4) prints it, "
        "instead of (W^{l+1})ᵀ Δ^{l+1} ⊙ σ'(Z^l).",
        "w^{l+1}_ij connects neuron j of layer l to neuron i of layer l+1, so neuron j's error sums over the column j "
        "of W^{l+1}: δ^l_j = Σ_i w^{l+1}_ij δ^{l+1}_i σ'(z^l_j), the row j of (W^{l+1})ᵀ. Without the transpose the "
        "product is undefined when layers l and l+1 differ in width, and wrong numbers when they do not.",
        "note 000, eq. (4) (its own derivation a few lines earlier has the transpose); note 001 writes W δ without "
        "the transpose and is right, because its w_ij runs the other way.",
        "Δ^l = W^{l+1} Δ^{l+1} ⊙ σ'(Z^l)", "Δ^l = (W^{l+1})ᵀ Δ^{l+1} ⊙ σ'(Z^l)",
        "give the network two layers of the same width (e.g. MLP(2, [2, 2])): then W Δ multiplies, and is wrong",
        "δ is computed with W^(l+1) instead of its transpose (note 000's eq. 4 as printed)",
        network.no_transpose),
    Mistake(
        "sigma_not_prime", "network", "σ where σ' belongs (note 004, after eq. 7)",
        "Every layer's error is multiplied by σ(z), the activation itself, instead of its derivative σ'(z): at the "
        "output Δ^L = ∂C/∂A^L ⊙ σ(Z^L), below it Δ^l = (W^{l+1})ᵀ Δ^{l+1} ⊙ σ(Z^l).",
        "δ^l = ∂C/∂z^l, and a = σ(z) changes with z at the rate σ'(z), not σ(z): for the sigmoid σ' = σ(1 − σ), "
        "which is at most ¼ while σ is up to 1.",
        "note 004, the sentence after eq. (7), which says σ is applied; its formula (correctly) has σ'.",
        "⊙ σ(Z^l)", "⊙ σ'(Z^l)",
        "use an activation whose σ differs from σ' at this z (any sigmoid or tanh layer does)",
        "σ(z) is used where σ'(z) belongs",
        network.sigma_not_prime),
    Mistake(
        "flipped_sign", "network", "(y − a) where (a − y) belongs (note 001)",
        "The output error is taken with its sign flipped, ∂C/∂a^L = (y − a) instead of (a − y) for C = ½Σ(y − a)², "
        "so every δ and every gradient comes out with the wrong sign.",
        "d/da ½(y − a)² = −(y − a) = a − y: the inner derivative of (y − a) with respect to a is −1. With the sign "
        "flipped, gradient descent climbs the loss instead of descending it.",
        "note 001, whose intermediate lines write ∂L/∂a_j = (y_j − a_j) (its boxed result has the right sign).",
        "∂C/∂a^L = y − a", "∂C/∂a^L = a − y",
        "nothing to change unless a = y already (then the error is 0 either way)",
        "the output error is (y − a) instead of (a − y): every sign is flipped",
        network.flipped_sign),
    Mistake(
        "half_factor", "network", "the ½ of the squared error lost (or added)",
        "The derivative of one squared cost used for the other: for note 000's C = ½Σ(y − a)² (loss='squared_error'), "
        "note 003's 2(a − y) ⊙ σ'(z) for C₀ = (y − y')², so every δ and gradient comes out twice the right one; for "
        "loss='mse' (no ½), the derivative of ½(y − a)², so everything comes out half the right one.",
        "The ½ in ½(y − a)² is there to cancel the 2 that differentiating the square brings down; the notes use both "
        "costs (000 with ½, 003 without), and carrying one's derivative over to the other scales every gradient.",
        "notes 000 (C = ½‖Y − A^L‖²) and 003 (C₀ = (y − y')², δ_k = −2(y − y')σ'(a_k)).",
        "∂C/∂a^L = 2(a − y)", "∂C/∂a^L = a − y   (for ½Σ(y − a)²)",
        "nothing to change unless a = y already",
        "the squared error's derivative has the factor 2 of the other cost ((y − a)² for ½(y − a)², or the reverse)",
        network.half_factor),
    Mistake(
        "perceptron_sign", "perceptron", "the perceptron update with the gradient's minus dropped (note 003)",
        "The perceptron rule as note 003's slide prints it: w ← w − η y_i x_i (and b ← b − η y_i) for a misclassified "
        "point, instead of w ← w + η y_i x_i, b ← b + η y_i.",
        "The perceptron criterion error(w, b) = −Σ_M y_i (wᵀx_i + b) has the gradient −Σ_M y_i x_i, so a descent step "
        "adds η y_i x_i. Subtracting it pushes a misclassified point further to the wrong side: on separable data the "
        "right rule converges and the slide's never does.",
        "note 003, the perceptron slide (its bias line b − q x_i is also dimensionally wrong; read here as b − η y_i).",
        "w ← w − η y_i x_i", "w ← w + η y_i x_i",
        "it is not a backward pass: run viz.lab.perceptron_demo() (nn.Perceptron.fit with "
        "update=nn.errata.perceptron_update_as_printed)",
        "the perceptron's update subtracts η y x instead of adding it",
        None),
]

MISTAKES: Mapping[str, Mistake] = MappingProxyType({m.name: m for m in _CATALOGUE})
GRAPH_MISTAKES = tuple(m.name for m in _CATALOGUE if m.level == "graph")
NETWORK_MISTAKES = tuple(m.name for m in _CATALOGUE if m.level == "network")
