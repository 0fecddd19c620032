"""deltagrad's own library on micrograd's moons problem: nn.MLP and nn.dataset_loss.

Same weights as micrograd.nn.MLP(2, [16, 16, 1]) draws, the same loss (mean hinge + 1e-4·Σ p²),
each built the library's own way: one dot node per neuron, the loss through the public API.
"""
from __future__ import annotations


def deltagrad_library_model(weights, X, y):
    """(loss_fn, parameters) for deltagrad's nn.MLP holding `weights` (per layer: [(w, b), ...])."""
    from nn import MLP, dataset_loss

    model = MLP(2, [16, 16, 1], activation="relu", output_activation="linear")
    for l, layer in enumerate(weights, start=2):
        model.set_weights(l, [ws for ws, _ in layer])
        model.set_biases(l, [b for _, b in layer])

    def loss_fn():
        return dataset_loss(model, X, y, loss="hinge", l2=1e-4)

    return loss_fn, model.parameters()
