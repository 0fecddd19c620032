"""The training player in headless Chromium: it plays, its cursor moves along the curves, and clicking
a neuron opens that neuron's scalar steps (clicking a step marks its neuron)."""
from __future__ import annotations

import time

import nn
import viz
from test_player_browser import browser, no_errors  # noqa: F401  (the module-scoped browser fixture)
from viz.training.player import training_data

CURSOR = "return [document.getElementById('cursor-loss').getAttribute('x1'), document.getElementById('cursor-acc').getAttribute('x1')]"


def test_the_training_player_plays_and_links_the_network_to_the_steps(browser, tmp_path) -> None:  # noqa: F811
    X, y = nn.datasets.moons(60, noise=0.1, seed=0)
    model = nn.MLP(2, [4, 4, 1], activation="tanh", output_activation="sigmoid", seed=0)
    twin = nn.MLP(2, [4, 4, 1], activation="tanh", output_activation="sigmoid", seed=0)
    path = viz.save_training_html(model, X, y, tmp_path / "train.html", epochs=12, example=5)
    data = training_data(twin, X, y, epochs=12, example=5)  # the same run, for what the page should show
    browser.get(path.resolve().as_uri())
    api = "return window.deltagradTraining"
    assert browser.execute_script(api + ".epochs") == 12 and browser.execute_script(api + ".position()") == 0
    start = browser.execute_script(CURSOR)
    browser.find_element("id", "play").click()
    deadline = time.monotonic() + 20
    while browser.execute_script(api + ".position()") < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert browser.execute_script(api + ".position()") >= 3
    moved = browser.execute_script(CURSOR)
    assert float(moved[0]) > float(start[0]) and float(moved[1]) > float(start[1])  # the cursor moves right
    browser.find_element("id", "play").click()  # pause
    assert not browser.execute_script(api + ".playing()")
    k = browser.execute_script(api + ".position()")
    assert browser.find_element("id", "counter").text.startswith(f"epoch {k} of 12: loss {data['lossCurve'][k - 1]:.4f}")
    # clicking a neuron lists exactly its scalar steps
    browser.execute_script("document.getElementById('n3_2').dispatchEvent(new MouseEvent('click', {bubbles: true}));")
    visible = browser.execute_script(
        "return Array.from(document.querySelectorAll('#step-list li')).filter(li => !li.hidden)"
        ".map(li => [li.dataset.neuron, li.className, li.textContent]);")
    step = data["steps"][min(k, 11)]
    mine = [i for i, key in enumerate(step["neuron"]) if key == "n3_2"]
    assert len(visible) == len(mine) > 0 and all(v[0] == "n3_2" for v in visible)
    assert [v[2] for v in visible] == [step["phase"][i] + step["lines"][i] for i in mine]
    assert {"forward", "backward", "update"} <= {v[1] for v in visible}
    assert "neuron 3_2" in browser.find_element("id", "filter-note").text
    # selecting a step marks its neuron in the network view
    browser.find_element("id", "show-all").click()
    j = next(i for i, key in enumerate(step["neuron"]) if key == "n2_4")
    browser.find_element("id", f"step{j}").click()
    assert "sel" in browser.find_element("id", "n2_4").get_attribute("class")
    assert "sel" in browser.find_element("id", f"step{j}").get_attribute("class")
    no_errors(browser)
