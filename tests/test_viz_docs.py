"""The pictures committed under docs/ are what docs/make_pictures.py makes now."""
from __future__ import annotations

import importlib.util
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from viz import backends

DOCS = Path(__file__).resolve().parent.parent / "docs"
NAMES = ("expression", "network_2_4_1")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("make_pictures", DOCS / "make_pictures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("docs")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATH", str(out))  # no system dot
        assert shutil.which("dot") is None
        module.make_pictures(out, renderer="graphviz-pure")
    return out


@pytest.mark.parametrize("name", NAMES)
def test_committed_dot_is_current(regenerated, name):
    committed = (DOCS / f"{name}.dot").read_text(encoding="utf-8")
    assert committed == (regenerated / f"{name}.dot").read_text(encoding="utf-8"), (
        f"docs/{name}.dot is out of date: run python docs/make_pictures.py")


@pytest.mark.parametrize("name", NAMES)
def test_committed_svg_is_current(regenerated, name):
    stamp = (DOCS / "RENDERER").read_text(encoding="utf-8")
    if stamp != (regenerated / "RENDERER").read_text(encoding="utf-8"):
        pytest.skip(f"docs/ was rendered by {stamp.strip()}, a different renderer version is installed")
    committed = (DOCS / f"{name}.svg").read_text(encoding="utf-8")
    assert committed == (regenerated / f"{name}.svg").read_text(encoding="utf-8"), (
        f"docs/{name}.svg is out of date: run python docs/make_pictures.py")


@pytest.mark.parametrize("name, words", [
    ("expression", ["grad", "δ", "signal", "local", "tanh"]),
    ("network_2_4_1", ["layer 2", "δ", "∂L/∂w", "w²₁₁", "L = "]),
])
def test_committed_svg_shows_what_a_learner_needs(name, words):
    root = ET.parse(DOCS / f"{name}.svg").getroot()
    text = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    for word in words:
        assert word in text


def test_readme_links_the_pictures():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert f"docs/{name}.svg" in readme
    assert backends.RENDERERS[0] == "dot"
