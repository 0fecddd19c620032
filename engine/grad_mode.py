"""no_grad(): a context in which ops compute data but record no graph."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

# A one-element list so that value.py can read the flag without a module attribute lookup.
# Not thread-safe: like torch.no_grad, it is a process-wide switch while the block runs.
GRAD_ENABLED = [True]


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside the block, every new Value is a leaf: no parents, no local_grads."""
    previous = GRAD_ENABLED[0]
    GRAD_ENABLED[0] = False
    try:
        yield
    finally:
        GRAD_ENABLED[0] = previous


def is_grad_enabled() -> bool:
    """True unless inside a no_grad() block."""
    return GRAD_ENABLED[0]
