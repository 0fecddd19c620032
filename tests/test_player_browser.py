"""The HTML player in a real headless Chromium (Debian's chromium + chromium-driver, via Selenium).

Skipped, with the reason, where no browser is installed; CI (.ci/run) installs it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import viz
from engine import Value
from viz.steps import fmt_number, trace_backward

CHROMEDRIVER = Path("/usr/bin/chromedriver")
BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--window-size=1400,1000")


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (the test extra)")
    from selenium.webdriver.chrome.service import Service

    binary = next((b for b in BROWSERS if Path(b).exists()), None) or shutil.which("chromium")
    driver_path = str(CHROMEDRIVER) if CHROMEDRIVER.exists() else shutil.which("chromedriver")
    if binary is None or driver_path is None:
        pytest.skip("no headless browser: install Debian's chromium and chromium-driver "
                    "(apt-get install chromium chromium-driver) to run the player in a browser")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ARGS:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)  # explicit: never Selenium Manager
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def net():
    x, w, b = Value(1.0, "x"), Value(-2.0, "w"), Value(0.5, "b")
    return (x * w + b).tanh() * x


def text(driver, element_id: str) -> str:
    return driver.find_element("id", element_id).text


def highlighted(driver) -> tuple[str, list[str]]:
    edge = driver.find_element("id", "graph").get_attribute("data-edge")
    marked = driver.execute_script(
        "return Array.from(document.querySelectorAll('#graph svg .dg-current')).map(e => e.id)")
    return edge, marked


def grad_cell(driver, j: int) -> str:
    return text(driver, f"grad{j}")


def no_errors(driver) -> None:
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe


def test_next_arrows_slider_and_table(browser, tmp_path) -> None:
    from selenium.webdriver.common.keys import Keys

    trace = trace_backward(net())
    path = viz.save_steps_html(net(), tmp_path / "steps.html", title="tanh(x*w + b)*x")
    browser.get(path.resolve().as_uri())
    n = len(trace)
    assert text(browser, "equation") == trace.start_text()
    assert text(browser, "counter") == f"Start (step 0 of {n})"
    assert highlighted(browser) == ("", [])
    assert browser.find_element("id", "prev").get_attribute("disabled") is not None
    assert grad_cell(browser, len(trace.order) - 1) == "1.0000"

    # clicking next applies step 1: its equation, its edge, its parent's grad in the table
    browser.find_element("id", "next").click()
    s = trace.steps[0]
    edge = f"e{s.node}_{s.position}"
    assert text(browser, "equation") == trace.equation(0)
    assert highlighted(browser) == (edge, [edge])
    assert grad_cell(browser, s.parent) == fmt_number(s.parent_grad)
    assert "updated" in browser.find_element("id", f"row{s.parent}").get_attribute("class")
    assert text(browser, "status") == trace.status(0)

    # the right arrow key applies step 2 (a fan-out: x receives its first of two terms)
    browser.find_element("tag name", "body").send_keys(Keys.ARROW_RIGHT)
    s2 = trace.steps[1]
    assert text(browser, "equation") == trace.equation(1)
    assert highlighted(browser)[0] == f"e{s2.node}_{s2.position}"
    row = browser.find_element("id", f"row{s2.parent}")
    assert "partial" in row.get_attribute("class") and "1 of 2 received" in row.text
    assert text(browser, "counter") == f"Step 2 of {n}"

    # left goes back
    browser.find_element("tag name", "body").send_keys(Keys.ARROW_LEFT)
    assert text(browser, "equation") == trace.equation(0)

    # the slider jumps: to the end by keyboard, to step 4 by setting it
    slider = browser.find_element("id", "slider")
    slider.send_keys(Keys.END)
    assert text(browser, "counter") == f"Step {n} of {n}"
    assert text(browser, "equation") == trace.equation(n - 1)
    for j, g in enumerate(trace.final):
        assert grad_cell(browser, j) == fmt_number(g)
        assert "complete" in browser.find_element("id", f"row{j}").get_attribute("class")
    assert browser.find_element("id", "next").get_attribute("disabled") is not None
    browser.execute_script("const s = arguments[0]; s.value = 4; s.dispatchEvent(new Event('input'));", slider)
    s4 = trace.steps[3]
    assert text(browser, "equation") == trace.equation(3)
    assert highlighted(browser)[0] == f"e{s4.node}_{s4.position}"
    grads = trace.grads_at(4)
    for j in range(len(trace.order)):
        assert grad_cell(browser, j) == fmt_number(grads[j])

    # Home returns to the start
    browser.find_element("tag name", "body").send_keys(Keys.HOME)
    assert text(browser, "equation") == trace.start_text()
    no_errors(browser)


def test_player_inside_a_notebook_output_iframe(browser, tmp_path) -> None:
    """step_through's HTML output (an iframe) runs in the page that shows it, as in Jupyter."""
    trace = trace_backward(net())
    output = viz.step_through(net())._repr_html_()
    page = tmp_path / "notebook_output.html"
    page.write_text(f"<!DOCTYPE html><html><body><h1>cell output</h1>{output}</body></html>", encoding="utf-8")
    browser.get(page.resolve().as_uri())
    browser.switch_to.frame(browser.find_element("tag name", "iframe"))
    try:
        assert text(browser, "equation") == trace.start_text()
        browser.find_element("id", "next").click()
        browser.find_element("id", "next").click()
        assert text(browser, "equation") == trace.equation(1)
        s = trace.steps[1]
        assert highlighted(browser)[0] == f"e{s.node}_{s.position}"
    finally:
        browser.switch_to.default_content()
    no_errors(browser)


def test_quiz_mode_asks_before_each_step(browser, tmp_path) -> None:
    trace = trace_backward(net())
    path = viz.save_steps_html(net(), tmp_path / "quiz.html")
    browser.get(path.resolve().as_uri())
    browser.find_element("id", "quiz").click()
    card = browser.find_element("id", "quiz-card")
    assert card.is_displayed()
    s = trace.steps[0]
    assert text(browser, "quiz-question") == f"Step 1 of {len(trace)}: ∂L/∂t5 += ∂L/∂L · ∂L/∂t5 = ?"
    answer = browser.find_element("id", "quiz-answer")
    answer.send_keys("abc")
    browser.find_element("id", "quiz-check").click()
    assert "not a number" in text(browser, "quiz-feedback")
    assert text(browser, "equation") == trace.start_text()  # still before step 1
    answer.clear()
    answer.send_keys("0.5")
    browser.find_element("id", "quiz-check").click()
    assert text(browser, "quiz-feedback").startswith("Not quite (0.5000). Hint: ∂L/∂L = 1.0000 and ∂L/∂t5 = x")
    assert text(browser, "equation") == trace.start_text()
    answer.clear()
    answer.send_keys(f"{s.contribution:.4f}\n")  # Enter checks
    assert text(browser, "quiz-feedback") == f"Right: {fmt_number(s.contribution)}."
    assert text(browser, "equation") == trace.equation(0)
    assert highlighted(browser)[0] == f"e{s.node}_{s.position}"
    assert text(browser, "quiz-question").startswith(f"Step 2 of {len(trace)}: ∂L/∂x += ∂L/∂L · ∂L/∂x = ?")
    browser.find_element("id", "quiz-show").click()  # give up: shown, counted as not right
    assert text(browser, "equation") == trace.equation(1)
    assert text(browser, "quiz-score") == "1 of 2 right"
    s3 = trace.steps[2]
    answer = browser.find_element("id", "quiz-answer")
    answer.send_keys(f"{s3.contribution:.6f}")
    browser.find_element("id", "next").click()  # next checks the typed answer
    assert text(browser, "equation") == trace.equation(2)
    no_errors(browser)


def test_full_size_follows_the_edge_being_applied(browser, tmp_path) -> None:
    import nn

    mlp = nn.MLP(2, [3, 1])
    loss = nn.squared_error(mlp([0.5, -1.0]), [1.0])
    trace = trace_backward(loss)
    path = viz.save_steps_html(loss, tmp_path / "mlp.html")
    browser.get(path.resolve().as_uri())
    zoom = browser.find_element("id", "zoom")
    if zoom.text == "Full size":  # a wide graph starts at full size by itself
        zoom.click()
    assert zoom.text == "Fit" and "actual" in browser.find_element("id", "graph").get_attribute("class")
    visible = ("const g = document.getElementById('graph').getBoundingClientRect();"
               "const e = document.querySelector('#graph .dg-current').getBoundingClientRect();"
               "const x = e.left + e.width / 2, y = e.top + e.height / 2;"
               "return x >= g.left && x <= g.right && y >= g.top && y <= g.bottom;")
    for k in (1, len(trace) // 2, len(trace)):
        browser.execute_script("window.deltagradPlayer.show(arguments[0]);", k)
        assert browser.execute_script(visible), k
    browser.execute_script("window.deltagradPlayer.show(0);")  # the start shows the root with its seed
    root = f"v{len(trace.order) - 1}"
    assert browser.execute_script(visible.replace("'#graph .dg-current'", f"'#{root}'"))
    zoom.click()
    assert zoom.text == "Full size" and "actual" not in browser.find_element("id", "graph").get_attribute("class")
    no_errors(browser)


STATE = """
const q = (id, sel) => { const g = document.getElementById(id); const e = g && g.querySelector(sel);
                         return e ? e.textContent : null; };
const n = arguments[0];
return {
  grad: Array.from({length: n}, (_, j) => q('v' + j, '.dg-grad')),
  sum: Array.from({length: n}, (_, j) => q('v' + j, '.dg-sum')),
  pending: Array.from(document.querySelectorAll('#graph g.node.dg-pending')).map(e => e.id),
  waiting: Array.from(document.querySelectorAll('#graph g.edge.dg-waiting')).map(e => e.id),
  current: Array.from(document.querySelectorAll('#graph .dg-current')).map(e => e.id),
};
"""


def tour_sized_loss():
    """The loss of one example through MLP(2, [4, 4, 1]), as in `deltagrad tour`: ~60 nodes, ~76 steps."""
    import nn

    model = nn.MLP(2, [4, 4, 1], activation="tanh", output_activation="sigmoid", seed=3)
    loss = nn.binary_cross_entropy(model([0.4, -1.1]), 1)
    loss.label = "L"
    return loss


def sum_line(terms: list[float]) -> str:
    """A fan-out's grad as the sum of the signals received so far: "= a + b − c" (4 terms at most)."""
    if len(terms) < 2:
        return ""
    text = f"{terms[0]:.4g}" + "".join(f" − {-t:.4g}" if t < 0 else f" + {t:.4g}" for t in terms[1:4])
    return "= " + text + (f" + … ({len(terms)} terms)" if len(terms) > 4 else "")


def test_every_position_of_a_tour_sized_pass_shows_the_engines_grads(browser, tmp_path) -> None:
    """The graph, drawn once, shows at each position the grads engine.backward_steps computed."""
    import engine

    loss = tour_sized_loss()
    order = engine.topo_order(loss)
    index = {id(v): k for k, v in enumerate(order)}
    steps = list(engine.backward_steps(loss))  # the engine's own record, independent of viz
    path = viz.save_steps_html(loss, tmp_path / "tour.html")
    browser.get(path.resolve().as_uri())
    word = ["δ" if v.label.startswith("z") else "grad" for v in order]
    values = [j for j, v in enumerate(order) if v.op != "const"]
    assert any(w == "δ" for w in word) and len(steps) > 60
    grads = [0.0] * len(order)
    grads[-1] = 1.0
    complete = {len(order) - 1}
    terms: dict[int, list[float]] = {}
    for k in range(len(steps) + 1):
        browser.execute_script("window.deltagradPlayer.show(arguments[0]);", k)
        state = browser.execute_script(STATE, len(order))
        if k:
            s = steps[k - 1]
            j, edge = index[id(s.parent)], f"e{index[id(s.node)]}_{s.position}"
            grads[j] = s.parent_grad
            terms.setdefault(j, []).append(s.contribution)
            if s.parent_done:
                complete.add(j)
            assert state["grad"][j] == f"{word[j]} {s.parent_grad:.4g}", k
            assert state["current"] == [edge] and browser.find_element("id", "graph").get_attribute("data-edge") == edge
        else:
            assert state["current"] == []
        assert [state["grad"][j] for j in values] == [f"{word[j]} {grads[j]:.4g}" for j in values], k
        assert set(state["pending"]) == ({f"v{j}" for j in range(len(order)) if j not in complete}
                                         | {f"op{j}" for j in range(len(order)) if j not in complete and order[j].parents})
        assert set(state["waiting"]) == {f"e{index[id(s.node)]}_{s.position}" for s in steps[k:]}
        assert [state["sum"][j] or "" for j in values] == [sum_line(terms.get(j, [])) for j in values], k
    no_errors(browser)


def test_the_state_is_drawn_in_the_right_colours(browser, tmp_path) -> None:
    from viz import style

    trace = trace_backward(net())
    path = viz.save_steps_html(net(), tmp_path / "steps.html")
    browser.get(path.resolve().as_uri())
    browser.execute_script("window.deltagradPlayer.show(3);")
    css = ("const e = document.querySelector(arguments[0]);"
           "return e && [getComputedStyle(e)[arguments[1]], e.getAttribute(arguments[1])];")

    def rgb(hex_colour: str) -> str:
        return "rgb({}, {}, {})".format(*(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)))

    s = trace.steps[2]
    assert browser.execute_script(css, f"#e{s.node}_{s.position} path", "stroke")[0] == rgb(style.HIGHLIGHT)
    waiting, applied = trace.steps[3], trace.steps[1]
    assert browser.execute_script(css, f"#e{waiting.node}_{waiting.position} .dg-signal", "visibility")[0] == "hidden"
    assert browser.execute_script(css, f"#e{waiting.node}_{waiting.position} path", "stroke")[0] == rgb(style.MUTED)
    assert browser.execute_script(css, f"#e{applied.node}_{applied.position} .dg-signal", "visibility")[0] == "visible"
    pending = next(j for j in range(len(trace.order)) if j not in trace.complete_at(3))
    done = next(j for j in trace.complete_at(3) if j != len(trace.order) - 1)
    assert browser.execute_script(css, f"#v{pending} .dg-grad", "fill")[0] == rgb(style.MUTED)
    assert browser.execute_script(css, f"#v{pending} .dg-fill", "fill")[0] == "none"
    shown, drawn = browser.execute_script(css, f"#v{done} .dg-fill", "fill")
    assert shown == rgb(drawn) and drawn == style.grad_fill(trace.final[done], max(map(abs, trace.final)))
    assert browser.execute_script(css, f"#v{done} .dg-box", "stroke")[0] == rgb(style.COMPLETE)
    legend = browser.find_element("id", "side-legend")
    assert legend.is_displayed() and "orange edge" in legend.text and "grad in (0.6333, 1.267]" in legend.text
    no_errors(browser)


def test_tooltips_follow_the_steps(browser, tmp_path) -> None:
    trace = trace_backward(net())
    path = viz.save_steps_html(net(), tmp_path / "steps.html")
    browser.get(path.resolve().as_uri())
    title = ("return document.querySelector(arguments[0])"
             ".getAttributeNS('http://www.w3.org/1999/xlink', 'title');")
    x = trace.names.index("x")
    s = trace.steps[0]
    assert browser.execute_script(title, f"#v{x} a") == "x (leaf): data 1, grad 0"  # not the answer yet
    assert "signal" not in browser.execute_script(title, f"#e{s.node}_{s.position} a")
    browser.execute_script(f"window.deltagradPlayer.show({len(trace)});")
    assert browser.execute_script(title, f"#v{x} a") == f"x (leaf): data 1, grad {trace.final[x]:.4g}"
    assert f"signal = {s.local:.4g} × 1 = {s.contribution:.4g}" in browser.execute_script(
        title, f"#e{s.node}_{s.position} a")
    no_errors(browser)


def test_the_fallback_with_one_frame_per_step_still_plays(browser, tmp_path, monkeypatch) -> None:
    from viz import player

    monkeypatch.setattr(player, "graph_data", lambda trace, **options: None)
    trace = trace_backward(net())
    path = viz.save_steps_html(net(), tmp_path / "frames.html")
    browser.get(path.resolve().as_uri())
    browser.find_element("id", "next").click()
    browser.find_element("id", "next").click()
    s = trace.steps[1]
    assert highlighted(browser) == (f"e{s.node}_{s.position}", [f"e{s.node}_{s.position}"])
    assert text(browser, "equation") == trace.equation(1)
    assert not browser.find_element("id", "side-legend").is_displayed()
    no_errors(browser)
