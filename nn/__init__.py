"""nn: neurons, layers and MLPs built from engine.Value."""
