"""Experiment, not adopted yet: would a node with its parents in slots beat tuples under the collector?

The current Value allocates up to three collector-tracked objects per binary node (the Value, its
`parents` tuple, its `local_grads` tuple); a layout keeping the two parents and two local
derivatives of unary/binary nodes in slots (p0, p1, g0, g1; `.parents`/`.local_grads` would become
properties) allocates one. This times only the forward pass of the engine-level moons graph
(2-16-16-1, ReLU, 100 points, binary ops) in both layouts, collector on and off.

    .venv/bin/python bench/node_layout_experiment.py
"""
import gc
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from engine import Value

_new = object.__new__
class B:
    __slots__ = ("data", "grad", "p0", "p1", "g0", "g1", "op", "label")
    def __mul__(self, o):
        if type(o) is not B: o = lift(o)
        out = _new(B); a, b = self.data, o.data
        out.data = a * b; out.grad = 0.0; out.p0 = self; out.p1 = o; out.g0 = b; out.g1 = a; out.op = "*"; out.label = ""
        return out
    def __add__(self, o):
        if type(o) is not B: o = lift(o)
        out = _new(B)
        out.data = self.data + o.data; out.grad = 0.0; out.p0 = self; out.p1 = o; out.g0 = 1.0; out.g1 = 1.0; out.op = "+"; out.label = ""
        return out
    __radd__ = __add__
    __rmul__ = __mul__
    def relu(self):
        out = _new(B); x = self.data
        out.data = x if x > 0 else 0.0; out.grad = 0.0; out.p0 = self; out.p1 = None; out.g0 = 1.0 if x > 0 else 0.0; out.g1 = 0.0; out.op = "relu"; out.label = ""
        return out
def lift(x):
    v = _new(B); v.data = float(x); v.grad = 0.0; v.p0 = v.p1 = None; v.g0 = v.g1 = 0.0; v.op = "const"; v.label = ""
    return v
def leafB(x): return lift(x)

def forward(make, X, W):
    total = make(0.0)
    for x in X:
        a = [make(v) for v in x]
        for layer in W:
            out = []
            for ws, b in layer:
                s = b
                for w, ai in zip(ws, a): s = s + w * ai
                out.append(s.relu())
            a = out
        total = total + a[0]
    return total

random.seed(0)
X = [[random.uniform(-1, 1), random.uniform(-1, 1)] for _ in range(100)]
sizes = [2, 16, 16, 1]
def weights(make):
    random.seed(1)
    return [[([make(random.uniform(-1, 1)) for _ in range(sizes[i])], make(0.0)) for _ in range(sizes[i+1])] for i in range(3)]
WA, WB = weights(Value), weights(leafB)
for name, make, W in [("tuples (current)", Value, WA), ("slots p0/p1", leafB, WB)]:
    for gc_on in (True, False):
        (gc.enable if gc_on else gc.disable)()
        ts = []
        for _ in range(7):
            t = time.process_time(); r = forward(make, X, W); ts.append(time.process_time() - t); del r
        gc.enable()
        ts.sort(); print(f"{name:18s} gc {'on ' if gc_on else 'off'}: forward median {ts[3]*1000:.1f} ms")
