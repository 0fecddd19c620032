"""The whole training step, stepped: forward steps, update steps, and the training player."""
