"""viz is grouped by concern (diagrams/, stepping/, app/); the flat names of before still import."""
import importlib

import pytest

import viz

FLAT = {
    "backends": "diagrams", "draw": "diagrams", "labels": "diagrams", "network": "diagrams",
    "render": "diagrams", "style": "diagrams", "steps": "stepping", "step_symbols": "stepping",
    "quiz": "stepping", "worksheet": "stepping", "frames": "stepping", "player": "stepping",
    "player_graph": "stepping", "cli": "app", "expr": "app", "tour": "app",
}


@pytest.mark.parametrize("name", sorted(FLAT))
def test_flat_module_name_is_the_grouped_module(name: str) -> None:
    old = importlib.import_module(f"viz.{name}")
    new = importlib.import_module(f"viz.{FLAT[name]}.{name}")
    assert old is new


def test_viz_draw_is_still_the_function() -> None:
    from viz.draw import draw

    assert viz.draw is draw and callable(viz.draw)


def test_monkeypatching_a_flat_name_patches_the_module_used(monkeypatch) -> None:
    import viz.stepping.steps as grouped

    monkeypatch.setattr("viz.steps.fmt_number", lambda x, digits=4: "patched")
    assert grouped.fmt_number(1.0) == "patched"
