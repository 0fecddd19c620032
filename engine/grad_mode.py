"""no_grad(): a context in which ops compute data but record no graph.

Grad mode belongs to the thread and to the asyncio task (a contextvars.ContextVar, as PyTorch's
grad mode is thread-local): a no_grad block in one thread or task leaves every other one
recording. A task started inside an open block runs under it until that block closes.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Optional


class _Block:
    """One no_grad block: open until its `with` ends; `outer` is the block it was entered in."""

    __slots__ = ("open", "outer")

    def __init__(self, outer: Optional[_Block]) -> None:
        self.open = True
        self.outer = outer


# The innermost no_grad block of this thread / task (None: recording). A task copies its
# creator's context, so it sees its creator's block, and records again once that block closes.
_BLOCK: ContextVar[Optional[_Block]] = ContextVar("deltagrad_no_grad_block", default=None)

# NONE_OPEN[0] is True while no no_grad block is open in any thread or task: every op reads it
# (a list item read costs about what a local does) and calls recording() only when some block is
# open somewhere, so the common case pays nothing for the ContextVar (its get() is a call per op).
# The count of open blocks behind it changes under a lock; a block closing in another thread
# never matters to this one, whose own blocks keep the count above zero.
NONE_OPEN = [True]
_open_blocks = 0
_count_lock = threading.Lock()


def recording() -> bool:
    """True unless this thread / task is inside an open no_grad block (the slow path of the ops)."""
    block = _BLOCK.get()
    while block is not None:
        if block.open:
            return False
        block = block.outer  # a closed block, inherited by a task that outlived it
    return True


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside the block, every new Value made by this thread or task is a leaf: no parents, no local_grads."""
    global _open_blocks
    block = _Block(_BLOCK.get())
    with _count_lock:
        _open_blocks += 1
        NONE_OPEN[0] = False
    _BLOCK.set(block)
    try:
        yield
    finally:
        block.open = False
        _BLOCK.set(block.outer)
        with _count_lock:
            _open_blocks -= 1
            NONE_OPEN[0] = _open_blocks == 0


def is_grad_enabled() -> bool:
    """True unless inside a no_grad() block of this thread or asyncio task."""
    return NONE_OPEN[0] or recording()
