"""The misconception lab: the wrong backward passes learners write, run beside the right one.

    viz.MISTAKES                                   name -> Mistake (what, why, where from)
    viz.compare_backward(root, "overwrite")        graph-level: both passes, the first divergence
    viz.compare_network(mlp, x, y, "no_transpose") network-level (the notes' errata)
    viz.diagnose(root, node, answer)               which mistakes give this answer for ∂L/∂node
    viz.diagnose_network(mlp, x, y, ("delta", 2, 1), answer)
"""
from viz.lab.catalogue import GRAPH_MISTAKES, MISTAKES, NETWORK_MISTAKES, Mistake
from viz.lab.compare import Comparison, Divergence, NetworkComparison, NetworkDivergence, compare_backward, compare_network
from viz.lab.diagnose import diagnose, diagnose_network, explain
from viz.lab.perceptron import perceptron_demo

__all__ = [
    "MISTAKES", "GRAPH_MISTAKES", "NETWORK_MISTAKES", "Mistake", "Comparison", "Divergence",
    "NetworkComparison", "NetworkDivergence", "compare_backward", "compare_network", "diagnose",
    "diagnose_network", "explain", "perceptron_demo",
]
