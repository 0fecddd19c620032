"""Evaluation traces: the Wengert list of a graph, with forward tangents and reverse adjoints."""
