"""viz: diagrams of the forward and backward pass."""
