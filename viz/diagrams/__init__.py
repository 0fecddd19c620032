"""Diagrams: the expression graph (`draw`), the network (`draw_network`), styling and rendering."""
