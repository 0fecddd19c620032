"""Big graphs in the step player (headless Chromium): micrograd's demo network, 2-16-16-1, one example.

Drawn collapsed (one node per neuron); a neuron opens on click and closes again; stepping reaches
the end, and the gradients shown then are the engine's own (a fresh engine backward pass).
"""
from __future__ import annotations

import pytest

import engine
import nn
import viz
from test_player_browser import browser, no_errors  # noqa: F401  (the module-scoped browser fixture)
from viz.steps import fmt_number


def demo_loss(elementary: bool) -> engine.Value:
    """One example's hinge loss through micrograd's demo network MLP(2, [16, 16, 1])."""
    model = nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", elementary=elementary, seed=0)
    return nn.hinge(model([0.5, -0.3]), 1)


def engine_grads(root: engine.Value) -> list[float]:
    order = engine.topo_order(root)
    for v in order:
        if not v.parents:
            v.grad = 0.0
    root.backward()
    return [v.grad for v in order]


def click(driver, element_id: str) -> None:
    driver.execute_script(
        "document.getElementById(arguments[0]).dispatchEvent(new MouseEvent('click', {bubbles: true}));", element_id)


GRAD_TEXT = ("const e = document.querySelector(arguments[0]); const t = e && e.querySelector('.dg-grad');"
             "return t ? t.textContent : null;")


@pytest.mark.parametrize("elementary", [False, True], ids=["dot neurons", "binary ops"])
def test_the_demo_network_is_played_collapsed_and_expands_on_click(browser, tmp_path, elementary) -> None:  # noqa: F811
    from viz.diagrams.groups import find_groups

    loss = demo_loss(elementary)
    order = engine.topo_order(loss)
    assert len(order) > 300  # over draw's max_nodes: drawn collapsed, not refused
    expected = engine_grads(loss)
    n_steps = sum(len(v.parents) for v in order)
    groups = find_groups(order, "neuron")
    assert len(groups) == 16 + 16 + 1
    path = viz.save_steps_html(loss, tmp_path / "demo.html")
    browser.get(path.resolve().as_uri())
    player = "return window.deltagradPlayer"
    assert browser.execute_script(player + ".steps") == n_steps
    assert browser.execute_script(player + ".groups") == len(groups)
    assert browser.find_element("id", "groups-note").is_displayed()
    # a hidden-layer neuron: collapsed, its inside not in the page; a click opens it
    g = next(g for g in groups if g.key == "n3_2")
    inside = sorted(g.members - {g.output})
    assert browser.find_elements("id", f"xv{inside[0]}") == []
    click(browser, f"v{g.output}")
    panel = browser.find_element("id", "inside-n3_2")
    assert panel.is_displayed()
    assert all(browser.find_elements("id", f"xv{k}") for k in inside if order[k].op != "const")
    # to the end: the table, the collapsed neurons and the opened one show the engine's gradients
    browser.execute_script("window.deltagradPlayer.show(arguments[0]);", n_steps)
    assert browser.find_element("id", "counter").text == f"Step {n_steps} of {n_steps}"
    cells = browser.execute_script(
        "return Array.from({length: arguments[0]}, (_, j) => document.getElementById('grad' + j).textContent);",
        len(order))
    assert cells == [fmt_number(x) for x in expected]
    for grp in groups:
        word = "δ" if order[grp.output].label.startswith("z") else "grad"
        assert browser.execute_script(GRAD_TEXT, f"#v{grp.output}") == f"{word} {expected[grp.output]:.4g}"
    for k in inside:
        if order[k].op != "const":
            word = "δ" if order[k].label.startswith("z") else "grad"
            assert browser.execute_script(GRAD_TEXT, f"#xv{k}") == f"{word} {expected[k]:.4g}"
    # a step inside the opened neuron is highlighted there, and its collapsed node is marked
    index = {id(v): k for k, v in enumerate(order)}
    steps = list(engine.backward_steps(loss))
    i, s = next((i, s) for i, s in enumerate(steps) if index[id(s.node)] in g.members)
    browser.execute_script("window.deltagradPlayer.show(arguments[0]);", i + 1)
    edge = f"xe{index[id(s.node)]}_{s.position}"
    assert "dg-current" in browser.find_element("id", edge).get_attribute("class")
    assert "dg-inside-now" in browser.find_element("id", f"v{g.output}").get_attribute("class")
    click(browser, f"v{g.output}")  # a second click collapses it again
    assert browser.find_elements("id", "inside-n3_2") == []
    no_errors(browser)
