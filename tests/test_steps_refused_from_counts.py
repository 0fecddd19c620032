"""Issue 11: save_steps_html and Quiz refused a 2×10⁶-node chain only after tracing it (21 s, 2 GB).
They refuse from the node and edge counts first (a count that stops once over the limit); the limit
is one constant, viz.stepping.bounds.MAX_STEPS, far above the MLP example the player must accept."""
from __future__ import annotations

import pytest

import viz
from engine import Value
from nn.losses import squared_error
from nn.mlp import MLP
from viz.stepping import bounds, player, quiz


def chain(n: int) -> Value:
    y = Value(0.5, "x")
    for _ in range(n - 1):
        y = y * 1.0001  # 2 nodes and 2 edges a link (the constant is a node too)
    return y


@pytest.fixture
def no_tracing(monkeypatch):
    fail = lambda *a, **k: pytest.fail("traced before refusing")  # noqa: E731
    monkeypatch.setattr(quiz, "trace_backward", fail)
    monkeypatch.setattr(player, "as_trace", fail)


def test_refused_from_counts_quiz_and_player_before_any_trace(no_tracing, tmp_path):
    root = chain(bounds.MAX_STEPS // 2 + 10)  # more than MAX_STEPS edges
    with pytest.raises(viz.GraphTooLargeError, match=f"Quiz: the graph has more than {bounds.MAX_STEPS:,} edges"):
        viz.Quiz(root)
    with pytest.raises(viz.GraphTooLargeError, match="save_steps_html: the graph has more than"):
        viz.save_steps_html(root, tmp_path / "p.html")
    with pytest.raises(viz.GraphTooLargeError, match="steps_html: the graph has more than"):
        viz.steps_html(root)
    assert not (tmp_path / "p.html").exists()


def test_refused_from_counts_the_count_stops_once_over_the_limit():
    root = chain(60_000)  # 119,999 nodes
    nodes, edges = bounds.count_graph(root, 1_000)
    assert 1_000 < edges <= 1_002 and nodes <= edges + 1
    assert bounds.count_graph(chain(10), 1_000) == (19, 18)  # exact below the limit: x, 9 constants, 9 products


def test_refused_from_counts_counts_shared_nodes_once_and_every_edge():
    x = Value(2.0, "x")
    y = x * x + x  # nodes: x, x*x, x*x + x; edges: 2 + 2
    assert bounds.count_graph(y, 100) == (3, 4)
    assert len(viz.trace_backward(y)) == 4  # one step per edge


def test_refused_from_counts_the_limit_admits_the_big_mlp_example():
    mlp = MLP(2, [16, 16, 1], seed=0, elementary=True)  # the example graph: 982 nodes, 1,251 steps
    loss = squared_error(mlp([0.5, -0.5]), [1.0])
    nodes, edges = bounds.count_graph(loss, bounds.MAX_STEPS)
    assert edges == len(viz.trace_backward(loss)) and edges > 1_000
    assert bounds.MAX_STEPS >= 10 * edges
    bounds.check_steps(loss, "steps_html")  # accepted
    assert player.MAX_STEPS == bounds.MAX_STEPS


def test_refused_from_counts_at_the_limit_is_accepted(monkeypatch):
    root = chain(6)  # 10 edges
    bounds.check_steps(root, "Quiz", limit=10)
    with pytest.raises(viz.GraphTooLargeError):
        bounds.check_steps(root, "Quiz", limit=9)
