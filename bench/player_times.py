"""The players in headless Chromium: load and response times, and how long Python takes to write them.

    python bench/player_times.py            # prints a table (median of --repeat runs)
    python bench/player_times.py --write    # and appends it as a section at the end of bench/RESULTS.md

Targets (issue 15): the step player of micrograd's demo network (2-16-16-1, one example, dot and
binary-op forms) loads in ≤ 2 s and answers next, previous, expand and collapse in ≤ 50 ms each;
the training player for 60 epochs of moons loads in ≤ 3 s; Python writes either file in ≤ 3 s.
A response is timed inside the page: the action, then a forced style and layout (reading
offsetHeight), so the browser's own work for it is counted; painting is not. Load is the wall
time of WebDriver's get() (it returns once the page's load event has fired, after the script ran).
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import nn  # noqa: E402
import viz  # noqa: E402

ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000")
ACTION = ("var t = performance.now(); window.deltagradPlayer.{0}; document.body.offsetHeight;"
          " return performance.now() - t;")


def browser():  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for a in ARGS:
        options.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def demo_loss(elementary: bool):  # type: ignore[no-untyped-def]
    model = nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", elementary=elementary, seed=0)
    return nn.hinge(model([0.5, -0.3]), 1)


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values):.0f}"


def run(repeat: int) -> list[tuple[str, str, str, str]]:
    rows = []
    folder = Path(tempfile.mkdtemp(prefix="deltagrad-bench-"))
    driver = browser()
    try:
        for elementary, name in ((False, "dot neurons, 409 nodes, 678 steps"), (True, "binary ops, 984 nodes, 1,253 steps")):
            write, load = [], []
            acts: dict[str, list[float]] = {"next": [], "previous": [], "expand": [], "collapse": []}
            for _ in range(repeat):
                loss = demo_loss(elementary)
                t = time.perf_counter()
                path = viz.save_steps_html(loss, folder / "demo.html")
                write.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                driver.get(path.as_uri())
                load.append((time.perf_counter() - t) * 1000)
                n = driver.execute_script("return window.deltagradPlayer.steps")
                for k in (1, n // 2, n - 1):
                    driver.execute_script(f"window.deltagradPlayer.show({k});")
                    acts["next"].append(driver.execute_script(ACTION.format(f"show({k + 1})")))
                    acts["previous"].append(driver.execute_script(ACTION.format(f"show({k})")))
                for g in (0, 20, 32):
                    acts["expand"].append(driver.execute_script(ACTION.format(f"expand({g})")))
                    acts["collapse"].append(driver.execute_script(ACTION.format(f"collapse({g})")))
            size = path.stat().st_size / 1e6
            rows.append((f"step player, 2-16-16-1 ({name}), {size:.1f} MB", median_ms(write), median_ms(load),
                         ", ".join(f"{k} {median_ms(v)}" for k, v in acts.items())))
        X, y = nn.datasets.moons(100, noise=0.1, seed=0)
        for sizes in ((4, 4), (16, 16)):
            write, load, step = [], [], []
            for _ in range(repeat):
                model = nn.MLP(2, [*sizes, 1], activation="tanh", output_activation="sigmoid", seed=0)
                t = time.perf_counter()
                path = viz.save_training_html(model, X, y, folder / "train.html")
                write.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                driver.get(path.as_uri())
                load.append((time.perf_counter() - t) * 1000)
                for k in (1, 30, 59):
                    step.append(driver.execute_script(
                        f"var t = performance.now(); window.deltagradTraining.show({k}); document.body.offsetHeight;"
                        " return performance.now() - t;"))
            size = path.stat().st_size / 1e6
            rows.append((f"training player, 2-{sizes[0]}-{sizes[1]}-1, 60 epochs of 100 moons, {size:.1f} MB",
                         median_ms(write), median_ms(load), f"next epoch {median_ms(step)}"))
    finally:
        driver.quit()
    return rows


def table(rows: list[tuple[str, str, str, str]], repeat: int) -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [f"## The players in headless Chromium (bench/player_times.py, {datetime.date.today()})", "",
             f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores shared with "
             f"other jobs (load average {load} when it ran); medians of {repeat} runs, milliseconds.", "",
             "| page | Python writes it | load | response (ms) |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines += ["", "Targets: write ≤ 3000, step player load ≤ 2000 and each response ≤ 50, training player "
              "load ≤ 3000."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="append the table to bench/RESULTS.md")
    ns = parser.parse_args()
    text = table(run(ns.repeat), ns.repeat)
    print(text)
    if ns.write:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write("\n\n" + text + "\n")


if __name__ == "__main__":
    main()
