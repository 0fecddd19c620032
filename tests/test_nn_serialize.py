"""save/load: exact round trip, atomic writes, clear errors, nothing half-changed."""
from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nn import MLP, ModelFileError, ModelFileNotFound, squared_error


def model():
    m = MLP(3, [4, 2], activation="tanh", output_activation="sigmoid", seed=11, init="micrograd")
    m.layers[0].neurons[0].w[0].data = 0.1 + 0.2  # a float whose repr has 17 digits
    return m


def test_round_trip_is_exact(tmp_path):
    m = model()
    path = tmp_path / "m.json"
    m.save(path)
    back = MLP.load(path)
    assert [p.data for p in back.parameters()] == [p.data for p in m.parameters()]
    assert back.config() == m.config() and repr(back) == repr(m)
    x = [0.3, -0.1, 0.7]
    assert [a.data for a in back(x)] == [a.data for a in m(x)]
    assert [name for name, _ in back.named_parameters()] == [name for name, _ in m.named_parameters()]
    document = json.loads(path.read_text())
    assert document["format"] == "deltagrad.mlp" and document["version"] == 1
    assert os.listdir(tmp_path) == ["m.json"]  # no temporary file left behind


def test_save_replaces_atomically_and_keeps_the_old_file_on_failure(tmp_path):
    path = tmp_path / "m.json"
    m = model()
    m.save(path)
    old = path.read_text()
    m.layers[0].neurons[0].b._data = float("nan")  # past the engine's check (`.data = nan` is refused)
    with pytest.raises(ValueError, match="nan or infinite"):
        m.save(path)
    assert path.read_text() == old and os.listdir(tmp_path) == ["m.json"]


def test_save_into_a_missing_folder_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="folder .*nowhere.* does not exist"):
        model().save(tmp_path / "nowhere" / "m.json")


def test_save_onto_a_folder_says_so_and_writes_nothing(tmp_path):
    (tmp_path / "models").mkdir()
    with pytest.raises(IsADirectoryError, match="models.* is a folder; give a file name"):
        model().save(tmp_path / "models")
    assert sorted(os.listdir(tmp_path)) == ["models"] and os.listdir(tmp_path / "models") == []


def test_missing_file(tmp_path):
    path = tmp_path / "nope.json"
    with pytest.raises(ModelFileNotFound, match="nope.json.*no such file"):
        MLP.load(path)
    with pytest.raises(FileNotFoundError):
        MLP.load(str(path))


@pytest.mark.parametrize("mangle, problem", [
    (lambda text: text[: len(text) // 2], "not valid JSON"),
    (lambda text: "", "empty"),
    (lambda text: json.dumps({"hello": 1}), "not a deltagrad model file"),
    (lambda text: json.dumps([1, 2, 3]), "not a deltagrad model file"),
    (lambda text: text.replace('"version": 1', '"version": 99'), "version 99"),
    (lambda text: text.replace('"activation": "tanh"', '"activation": "swish"'), "unknown activation"),
    (lambda text: text.replace('"nin": 3', '"nin": 2'), "row 1 should have 2 numbers, got 3"),
])
def test_broken_files_name_the_file_and_the_problem(tmp_path, mangle, problem):
    path = tmp_path / "m.json"
    model().save(path)
    path.write_text(mangle(path.read_text()))
    with pytest.raises(ModelFileError, match=problem) as info:
        MLP.load(path)
    assert "m.json" in str(info.value) and info.value.path == str(path)


def test_binary_file(tmp_path):
    path = tmp_path / "weights.bin"
    path.write_bytes(b"\x89PNG\x00\xff\xfe")
    with pytest.raises(ModelFileError, match="weights.bin"):
        MLP.load(path)


def test_load_state_is_all_or_nothing(tmp_path):
    source, target = model(), MLP(3, [4, 2], activation="tanh", output_activation="sigmoid", seed=99)
    path = tmp_path / "m.json"
    source.save(path)
    document = json.loads(path.read_text())
    document["layers"][1]["b"] = [0.0, "oops"]  # the second layer is bad, the first is fine
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    before = [p.data for p in target.parameters()]
    with pytest.raises(ModelFileError, match="bad.json.*layer 3 biases"):
        target.load_state(bad)
    assert [p.data for p in target.parameters()] == before
    other = MLP(3, [5, 2], activation="tanh", output_activation="sigmoid")
    with pytest.raises(ModelFileError, match="different architecture"):
        other.load_state(path)
    target.load_state(path)
    assert [p.data for p in target.parameters()] == [p.data for p in source.parameters()]


def test_loaded_model_trains_like_the_original(tmp_path):
    m = model()
    m.save(tmp_path / "m.json")
    back = MLP.load(tmp_path / "m.json")
    for net in (m, back):
        net.zero_grad()
        squared_error(net([1.0, 2.0, 3.0]), [0.0, 1.0]).backward()
    assert [p.grad for p in back.parameters()] == [p.grad for p in m.parameters()]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 5), st.lists(st.integers(1, 5), min_size=1, max_size=3),
       st.sampled_from(["sigmoid", "tanh", "relu", "linear"]), st.integers(0, 1000))
def test_any_model_round_trips_exactly(tmp_path, nin, sizes, activation, seed):
    m = MLP(nin, sizes, activation, seed=seed, init="micrograd")
    path = tmp_path / "any.json"
    m.save(path)
    back = MLP.load(path)
    assert [p.data for p in back.parameters()] == [p.data for p in m.parameters()]
    assert back.sizes == m.sizes and back.layers[-1].activation == activation


def test_saved_model_has_the_permissions_of_an_ordinary_new_file(tmp_path):
    import os
    import stat

    from nn import MLP

    old = os.umask(0o022)
    try:
        path = tmp_path / "model.json"
        MLP(2, [3, 1], seed=0).save(path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    finally:
        os.umask(old)


@pytest.mark.parametrize("bad", [None, 5, b"m.json"])
def test_a_path_that_is_not_a_path_names_the_operation(bad):
    with pytest.raises(TypeError, match=f"MLP.load: path must be a str or os.PathLike, got {type(bad).__name__}"):
        MLP.load(bad)
    with pytest.raises(TypeError, match=f"MLP.save: path must be a str or os.PathLike, got {type(bad).__name__}"):
        model().save(bad)
