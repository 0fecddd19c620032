"""viz: diagrams of the forward and backward pass."""
from __future__ import annotations

# --- stepper exports ---
