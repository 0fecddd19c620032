"""The player's mistake view (save_steps_html(..., mistake=...)) in headless Chromium: the first
diverging edge highlighted, both passes' values shown at every step, the explanation beside them."""
from __future__ import annotations

import engine
import viz
from engine import Value
from viz.steps import fmt_number
from test_player_browser import browser, no_errors, text  # noqa: F401  (the fixture)


def overwrite_graph():
    x, w = Value(0.3, "x"), Value(0.5, "w")
    return (x * w + x).tanh() * 0.1, x  # x is used twice: = loses one of its two contributions


def test_the_mistake_view_marks_the_first_diverging_edge_and_shows_both_values(browser, tmp_path):  # noqa: F811
    root, x = overwrite_graph()
    steps = list(engine.backward_steps(root))
    c = viz.compare_backward(root, "overwrite")
    order = engine.topo_order(root)
    k = c.first.step
    s = steps[k]
    edge = f"e{order.index(s.node)}_{s.position}"
    path = viz.save_steps_html(root, tmp_path / "overwrite.html", mistake="overwrite")
    browser.get(path.resolve().as_uri())
    assert browser.find_element("id", "graph").get_attribute("data-diverge") == edge
    marked = browser.execute_script(
        "return Array.from(document.querySelectorAll('#graph .dg-diverge')).map(e => e.id)")
    assert marked == [edge]
    stroke = browser.execute_script(f"return getComputedStyle(document.querySelector('#{edge} path')).stroke")
    assert stroke == "rgb(178, 24, 43)"
    card = browser.find_element("id", "mistake-card")
    assert "overwrite" in card.text and "= instead of +=" in card.text
    # before the divergence the two passes agree; at it, both values differ and the note says so
    browser.execute_script("window.deltagradPlayer.show(arguments[0]);", 1)
    assert "agree" in text(browser, "mistake-note")
    browser.execute_script("window.deltagradPlayer.show(arguments[0]);", k + 1)
    right_grad = s.parent_grad  # the engine's running grad of x after this step: both contributions added
    assert text(browser, "mistake-right").endswith(f"x.grad = {fmt_number(right_grad)}")
    assert text(browser, "mistake-wrong").endswith(f"x.grad = {fmt_number(s.contribution)}")  # = keeps the last one
    assert "first divergence" in text(browser, "mistake-note")
    assert f"{fmt_number(c.first.wrong)} instead of {fmt_number(c.first.right)}" in text(browser, "mistake-note")
    # at the end, the table holds the wrong pass's gradient beside the right one
    browser.execute_script("window.deltagradPlayer.show(arguments[0]);", len(steps))
    j = order.index(x)
    assert text(browser, f"wrong{j}") == fmt_number(c.wrong[x]) and text(browser, f"grad{j}") == fmt_number(c.right[x])
    no_errors(browser)


def test_a_mistake_that_changes_nothing_says_so_in_the_player(browser, tmp_path):  # noqa: F811
    x, w = Value(1.0, "x"), Value(-2.0, "w")
    path = viz.save_steps_html(x * w, tmp_path / "tree.html", mistake="overwrite")
    browser.get(path.resolve().as_uri())
    assert "No difference here" in text(browser, "mistake-note")
    assert browser.execute_script("return document.querySelectorAll('#graph .dg-diverge').length") == 0
    no_errors(browser)
