"""draw_network(mlp): the neuron-level picture the notes draw, with z, a and δ on every neuron.

One node per input and per neuron, one edge per weight w^l_jk (from neuron k of layer l-1 to
neuron j of layer l, notes 000/004; the input layer is layer 1), layers as clusters. After a
forward pass each neuron shows z and a; after backward, δ = ∂L/∂z (coloured by sign and size)
and each edge ∂L/∂w^l_jk, which the notes' eq. (5) says is a^{l-1}_k · δ^l_j.
"""
from __future__ import annotations

import math
from typing import Any, Optional

from engine import Value
from viz.args import check_bool, check_optional_bool
from viz.diagrams import style
from viz.errors import GraphTooLargeError, NotDrawableError
from viz.diagrams.labels import subscript, superscript, weight_name
from viz.diagrams.render import Diagram, _looks_like_mlp
from viz.diagrams.style import esc

DEFAULT_MAX_EDGES = 2000
_LABEL_EDGES_UP_TO = 40  # more weights than this: numbers move to tooltips, colour and width stay
_ACTIVATION_NAMES = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "linear": "linear"}


def draw_network(
    mlp: Any,
    *,
    rankdir: str = "LR",
    fmt: style.FormatSpec = ".3g",
    title: Optional[str] = None,
    legend: bool = True,
    show_grad: Optional[bool] = None,
    edge_labels: Optional[bool] = None,
    loss: Optional[Value] = None,
    max_edges: int = DEFAULT_MAX_EDGES,
) -> Diagram:
    """The network as neurons and weights: inputs x_k, neurons {z, a, δ, b}, edges {w^l_jk, ∂L/∂w^l_jk}.

    Edge colour is the sign and size of ∂L/∂w (as node colour is for δ), edge width is |w|.
    edge_labels=None prints the numbers on the edges when there are at most 40 weights (else
    they are in each edge's tooltip); with labels each neuron lists its weights w^l_jk and ∂L/∂w^l_jk
    and the edge of w^l_jk ends at that row). `loss` adds the loss node fed by the output activations.
    show_grad=None shows gradients once any is non-zero (after backward()).
    """
    _check(mlp, rankdir, max_edges)
    check_bool(legend, "draw_network", "legend")
    check_optional_bool(show_grad, "draw_network", "show_grad")
    check_optional_bool(edge_labels, "draw_network", "edge_labels")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"draw_network: title must be a str (shown as plain text), got {type(title).__name__} "
                        f"{title!r:.60}")
    number = style.make_formatter(fmt)
    n_weights = sum(len(n.w) for layer in mlp.layers for n in layer.neurons)
    if n_weights > max_edges:
        raise GraphTooLargeError(
            f"draw_network: the network has {n_weights} weights, more than max_edges={max_edges}; "
            "Graphviz cannot lay that out readably. Draw a smaller model or pass a larger max_edges",
            n_weights, max_edges,
        )
    if loss is not None and type(loss) is not Value:
        raise TypeError(f"draw_network: loss must be a Value, got {type(loss).__name__} {loss!r:.60}")
    neurons = [n for layer in mlp.layers for n in layer.neurons]
    weights = [w for n in neurons for w in n.w]
    if show_grad is None:
        show_grad = any(w.grad != 0.0 for w in weights) or any(n.b.grad != 0.0 for n in neurons) or any(
            n.z is not None and n.z.grad != 0.0 for n in neurons)
    labels = n_weights <= _LABEL_EDGES_UP_TO if edge_labels is None else bool(edge_labels)
    delta_scale = style.grad_scale([n.z.grad for n in neurons if n.z is not None])
    wgrad_scale = style.grad_scale([w.grad for w in weights])
    w_scale = max((abs(w.data) for w in weights if math.isfinite(w.data)), default=0.0)

    g = Diagram(name="network")
    g.attr(rankdir=rankdir, fontname=style.FONT, nodesep="0.2", ranksep=_ranksep(mlp, labels),
           newrank="true", splines="true" if labels else "line")
    if title:
        g.attr(label=style.plain(title), labelloc="t", fontsize="16")
    g.attr("node", fontname=style.FONT, fontsize="10", shape="plain")
    g.attr("edge", fontname=style.FONT, fontsize="9", arrowsize="0.5")

    inputs = getattr(mlp, "inputs", None)
    with g.subgraph(name="layer1") as c:
        c.node("layer1", "<<b>layer 1</b><br/>input>", id="layer1", fontsize="11")
        for k in range(1, mlp.nin + 1):
            x = inputs[k - 1] if inputs is not None and len(inputs) == mlp.nin else None
            c.node(f"x{k}", _input_label(k, x, number), id=f"x{k}")
        _keep_order(c, ["layer1"] + [f"x{k}" for k in range(1, mlp.nin + 1)])
    last = len(mlp.layers) + 1
    for l, layer in enumerate(mlp.layers, start=2):
        kind = "output" if l == last else "hidden"
        act = _ACTIVATION_NAMES.get(layer.activation, layer.activation)
        with g.subgraph(name=f"layer{l}") as c:
            c.node(f"layer{l}", f"<<b>layer {l}</b><br/>{kind}, {esc(act)}>", id=f"layer{l}", fontsize="11")
            for j, neuron in enumerate(layer.neurons, start=1):
                c.node(f"n{l}_{j}", _neuron_label(neuron, l, j, number, show_grad, delta_scale, labels), id=f"n{l}_{j}",
                       tooltip=style.plain(_neuron_tooltip(neuron, l, j, number, show_grad)))
            column = [f"layer{l}"] + [f"n{l}_{j}" for j in range(1, len(layer.neurons) + 1)]
            if legend and loss is None and l == last:  # below the output neurons: nothing crosses there
                c.node("legend", _legend(delta_scale, number, show_grad, labels), id="legend", fontsize="9")
                column.append("legend")
            _keep_order(c, column)
    for l, layer in enumerate(mlp.layers, start=2):
        for j, neuron in enumerate(layer.neurons, start=1):
            for k, w in enumerate(neuron.w, start=1):
                tail = f"x{k}" if l == 2 else f"n{l - 1}_{k}"
                head = f"n{l}_{j}:w{k}:w" if labels else f"n{l}_{j}:w"
                g.edge(f"{tail}:e", head, **_weight_attrs(w, l, j, k, number, show_grad, labels,
                                                           wgrad_scale, w_scale))
    if loss is not None:
        with g.subgraph(name="loss_rank") as c:
            c.node("loss", _loss_label(mlp, loss, number, show_grad), id="loss")
            if legend:
                c.node("legend", _legend(delta_scale, number, show_grad, labels), id="legend", fontsize="9")
                _keep_order(c, ["loss", "legend"])
        for j in range(1, len(mlp.layers[-1].neurons) + 1):
            g.edge(f"n{last}_{j}:e", "loss", id=f"out{j}", style="dashed", color="#606060")
    return g


def _ranksep(mlp: Any, labels: bool) -> str:
    """Room between layers: wider when many weights cross, so their lines are not too steep."""
    widest = max(mlp.sizes)
    return f"{min(1.0 + 0.12 * widest, 3.0):.2f}"


def _keep_order(cluster: Any, names: list[str]) -> None:
    """The layer's title, then neuron 1, 2, ... top to bottom: one rank, chained by invisible edges.

    (Not a cluster: dot does not keep the order of a rank=same chain inside a cluster.)"""
    cluster.attr(rank="same")
    for a, b in zip(names, names[1:]):
        cluster.edge(a, b, style="invis")


def _input_label(k: int, x: Optional[Value], number: style.Formatter) -> str:
    value = "—" if x is None else esc(number(x.data))
    name = f"x{subscript(k)} = a{superscript(1)}{subscript(k)}"
    return (f'<<table border="1" cellborder="0" cellspacing="0" cellpadding="3" bgcolor="#f7f7f7">'
            f'<tr><td><b>{esc(name)}</b></td></tr><tr><td>{value}</td></tr></table>>')


def _neuron_label(neuron: Any, l: int, j: int, number: style.Formatter, show_grad: bool, scale: float,
                  weights: bool) -> str:
    """{ z^l_j → a^l_j | (w^l_jk, ∂L/∂w^l_jk for each k) | b, ∂L/∂b | z, a, δ } for one neuron.

    With `weights`, row k is the port "w{k}" where the edge of w^l_jk arrives.
    """
    z, a = neuron.z, neuron.a
    head = f"z{superscript(l)}{subscript(j)} → a{superscript(l)}{subscript(j)}"
    rows = [f'<tr><td colspan="3" bgcolor="#e7d4e8"><b>{esc(head)}</b></td></tr>']
    params = [(weight_name(l, j, k), w, "w", f' port="w{k}"') for k, w in enumerate(neuron.w, start=1)] if weights else []
    params.append((f"b{superscript(l)}{subscript(j)}", neuron.b, "b", ""))
    for name, p, short, port in params:
        grad = f"∂L/∂{short} {number(p.grad)}" if show_grad else ""
        rows.append(f'<tr><td{port} align="left">{esc(name)}</td><td align="right">{esc(number(p.data))}</td>'
                    f'<td align="left">{esc(grad)}</td></tr>')
    zt = "—" if z is None else number(z.data)
    at = "—" if a is None else number(a.data)
    if show_grad and z is not None:
        fill = style.grad_fill(z.grad, scale)
        delta = f'<td bgcolor="{fill}"><font color="{style.text_colour(fill)}">δ {esc(number(z.grad))}</font></td>'
    else:
        delta = "<td>δ —</td>"
    rows.append(f"<tr><td>z {esc(zt)}</td><td>a {esc(at)}</td>{delta}</tr>")
    return (f'<<table border="2" color="{style.PREACT}" cellborder="1" cellspacing="0" cellpadding="3">'
            f'{"".join(rows)}</table>>')


def _neuron_tooltip(neuron: Any, l: int, j: int, number: style.Formatter, show_grad: bool) -> str:
    if neuron.z is None:
        return f"neuron {j} of layer {l}: not called yet"
    text = f"z^{l}_{j} = {number(neuron.z.data)}, a^{l}_{j} = {number(neuron.a.data)}"
    if show_grad:
        text += f", δ^{l}_{j} = ∂L/∂z = {number(neuron.z.grad)}, ∂L/∂b = {number(neuron.b.grad)}"
    return text


def _weight_attrs(w: Value, l: int, j: int, k: int, number: style.Formatter, show_grad: bool, labels: bool,
                  grad_scale: float, w_scale: float) -> dict[str, str]:
    tip = f"w^{l}_{j}{k} = {number(w.data)}" + (f", ∂L/∂w = {number(w.grad)}" if show_grad else "")
    width = 0.6 + 2.4 * (abs(w.data) / w_scale if w_scale > 0 and math.isfinite(w.data) else 0.0)
    attrs = {"id": f"w{l}_{j}_{k}", "tooltip": style.plain(tip), "penwidth": f"{width:.2f}",
             "color": style.grad_stroke(w.grad, grad_scale) if show_grad else "#606060"}
    return attrs


def _loss_label(mlp: Any, loss: Value, number: style.Formatter, show_grad: bool) -> str:
    """The loss node: L and ∂L/∂a^L_j (edge labels would double every rank in dot and spread the layers)."""
    last = len(mlp.layers) + 1
    rows = [f"<tr><td><b>L = {esc(number(loss.data))}</b></td></tr>"]
    for j, neuron in enumerate(mlp.layers[-1].neurons, start=1):
        if show_grad and neuron.a is not None:
            rows.append(f"<tr><td>∂L/∂a{superscript(last)}{subscript(j)} = {esc(number(neuron.a.grad))}</td></tr>")
    return f'<<table border="2" cellborder="0" cellpadding="3">{"".join(rows)}</table>>'


def _legend(delta_scale: float, number: style.Formatter, show_grad: bool, labels: bool) -> str:
    notes = ["zˡⱼ = Σₖ wˡⱼₖ aˡ⁻¹ₖ + bˡⱼ,   aˡⱼ = act(zˡⱼ),   δˡⱼ = ∂L/∂zˡⱼ",
             "edge wˡⱼₖ: from neuron k of layer l−1 to neuron j of layer l; width = |w|"]
    if show_grad:
        notes.append("edge colour: sign and size of ∂L/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ (blue −, red +)")
    if not labels:
        notes.append("hover an edge or a neuron for its numbers")
    swatches = style.legend_rows(delta_scale, number, "δ") if show_grad else []
    return style.legend_table(notes, swatches)


def _check(mlp: Any, rankdir: object, max_edges: object) -> None:
    if not _looks_like_mlp(mlp) or not hasattr(mlp, "nin"):
        hint = " (for an expression graph use viz.draw(value))" if type(mlp) is Value else ""
        raise NotDrawableError(
            f"draw_network: expected an nn.MLP, got {type(mlp).__name__} {mlp!r:.60}{hint}"
        )
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"draw_network: rankdir must be one of LR, TB, RL, BT, got {rankdir!r}")
    if isinstance(max_edges, bool) or not isinstance(max_edges, int) or max_edges < 1:
        raise ValueError(f"draw_network: max_edges must be a positive int, got {max_edges!r}")
