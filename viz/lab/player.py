"""The step player's mistake view: what the page shows beside each step when `mistake=` is given.

`mistake_data(trace, name)` is the JSON block the player's script reads (D.mistake): both passes'
numbers at every step, the first diverging edge, and the explanation.
"""
from __future__ import annotations

from typing import Any

from viz.lab.compare import Comparison, compare_backward
from viz.stepping.steps import BackwardTrace


def mistake_data(trace: BackwardTrace, name: str) -> dict[str, Any]:
    """D.mistake for the player: per step right/wrong contribution and parent grad, per node the wrong grad."""
    c: Comparison = compare_backward(trace.root, name)
    num = trace.num
    index = trace.index_of
    steps = []
    for s in c.steps:
        sent = "never sent (edge missing)" if s.wrong_contribution is None else num(s.wrong_contribution)
        if s.sends > 1:
            sent += f" (in all, over {s.sends} passes along this edge)"
        steps.append({
            "right": num(s.right_contribution), "wrong": sent, "rightGrad": num(s.right_grad),
            "wrongGrad": num(s.wrong_grad), "aligned": s.aligned, "differs": s.differs,
        })
    f = c.first
    first = None
    if f is not None:
        first = {"step": f.step, "node": index[id(f.node)], "right": num(f.right), "wrong": num(f.wrong),
                 "edge": f"e{index[id(f.edge[0])]}_{f.edge[1]}" if f.edge is not None else ""}
    m = c.mistake
    return {
        "name": m.name, "title": m.title, "what": m.what, "explanation": str(c), "wrongLine": m.wrong,
        "rightLine": m.right, "first": first, "steps": steps,
        "final": [num(c.wrong[v]) for v in trace.order],
    }
