"""Issue 11, threads: grad mode is per thread and per asyncio task (no_grad was one process-wide flag)."""
from __future__ import annotations

import asyncio
import threading

from engine import Value, is_grad_enabled, no_grad


def _run(*targets) -> list:
    errors: list = []

    def wrap(f):
        def run():
            try:
                f()
            except BaseException as e:  # noqa: BLE001 (reported by the test below)
                errors.append(e)
        return run

    threads = [threading.Thread(target=wrap(f)) for f in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


def test_no_grad_threads_interleaved_enter_and_leave_keep_grad_on_afterwards():
    # A enters, B enters, A leaves, B leaves: with one process-wide flag, B restored A's "off".
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def thread_a():
        with no_grad():
            a_in.set()
            b_in.wait(10)
        a_out.set()
        seen["a"] = is_grad_enabled(), Value(1.0) * 2

    def thread_b():
        a_in.wait(10)
        with no_grad():
            b_in.set()
            a_out.wait(10)
            seen["b_inside"] = is_grad_enabled()
        seen["b"] = is_grad_enabled(), Value(1.0) * 2

    assert _run(thread_a, thread_b) == []
    assert seen["b_inside"] is False
    for name in ("a", "b"):
        enabled, node = seen[name]
        assert enabled is True and len(node.parents) == 2, name
    assert is_grad_enabled() and len((Value(1.0) + 1).parents) == 2  # and in the main thread


def test_no_grad_in_one_thread_leaves_another_threads_graphs_recorded():
    start = threading.Barrier(2)
    done = threading.Event()
    recorded, unrecorded = [], []

    def evaluator():
        with no_grad():
            start.wait(10)
            while not done.is_set():
                unrecorded.append((Value(2.0) * 3).is_leaf)

    def trainer():
        start.wait(10)
        for _ in range(20000):
            x = Value(0.5)
            y = (x * 3 + 1).tanh()
            recorded.append(not y.is_leaf and len(y.parents) == 1 and not y.parents[0].is_leaf)
        done.set()

    assert _run(evaluator, trainer) == []
    assert len(recorded) == 20000 and all(recorded)  # every training op recorded its graph
    assert unrecorded and all(unrecorded)  # and the evaluator's under no_grad recorded none


def test_no_grad_per_asyncio_task():
    async def inside():
        with no_grad():
            await asyncio.sleep(0.01)  # the other task runs here, while this block is open
            out = Value(1.0) * 2
            await asyncio.sleep(0.01)
        return out, is_grad_enabled()

    async def outside():
        await asyncio.sleep(0.005)
        first = Value(1.0) * 2
        await asyncio.sleep(0.01)
        return first, Value(1.0) * 2, is_grad_enabled()

    async def main():
        return await asyncio.gather(inside(), outside())

    (quiet, after), (first, second, enabled) = asyncio.run(main())
    assert quiet.is_leaf and after is True
    assert len(first.parents) == 2 and len(second.parents) == 2 and enabled is True


def test_no_grad_task_started_inside_a_block_follows_that_block():
    async def child(opened: asyncio.Event, closed: asyncio.Event):
        inside = (Value(1.0) * 2).is_leaf
        opened.set()
        await closed.wait()
        return inside, (Value(1.0) * 2).is_leaf

    async def main():
        opened, closed = asyncio.Event(), asyncio.Event()
        with no_grad():
            task = asyncio.ensure_future(child(opened, closed))
            await opened.wait()
        closed.set()
        return await task

    assert asyncio.run(main()) == (True, False)


def test_no_grad_nested_and_restored_after_an_exception():
    with no_grad():
        with no_grad():
            assert not is_grad_enabled()
        assert not is_grad_enabled() and (Value(1.0) * 2).is_leaf
    assert is_grad_enabled()
    try:
        with no_grad():
            raise KeyError
    except KeyError:
        pass
    assert is_grad_enabled() and not (Value(1.0) * 2).is_leaf
