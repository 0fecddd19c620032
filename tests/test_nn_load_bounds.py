"""MLP.load is bounded by the file and every malformed file is a ModelFileError naming it
(issue 11, Files): huge sizes, 10^5 layers, deep nesting, huge integers, wrong booleans."""
from __future__ import annotations

import json
import os
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nn import MLP, ModelFileError
from nn import serialize


def document(sizes=(1,), nin=1, **config):
    """A model file's document with zero weights of the right shapes, then `config` overriding."""
    widths = [nin, *sizes]
    layers = [{"w": [[0.0] * widths[i] for _ in range(widths[i + 1])], "b": [0.0] * widths[i + 1]}
              for i in range(len(sizes))]
    c = {"nin": nin, "sizes": list(sizes), "activation": "tanh", "output_activation": None,
         "init": "auto", "seed": 0, "elementary": False}
    c.update(config)
    return {"format": "deltagrad.mlp", "version": 1, "config": c, "layers": layers}


def write(tmp_path, doc_or_text, name="m.json"):
    path = tmp_path / name
    path.write_text(doc_or_text if isinstance(doc_or_text, str) else json.dumps(doc_or_text))
    return path


def refused(path, problem):
    """MLP.load(path) raises ModelFileError naming path and matching `problem`; the peak memory."""
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match=problem) as info:
            MLP.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.value.path == str(path) and str(path) in str(info.value)
    return peak


def test_load_bounds_a_billion_neurons_in_a_100_byte_file_is_refused_before_allocating(tmp_path):
    doc = document()
    doc["config"]["sizes"] = [1_000_000_000]
    path = write(tmp_path, doc)
    assert os.path.getsize(path) < 300
    peak = refused(path, "layer 2 weights: expected 1000000000 rows, got 1|MAX_PARAMETERS")
    assert peak < 10 * 2**20  # today: allocates until the machine runs out of memory


def test_load_bounds_sizes_with_matching_shapes_beyond_max_parameters_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(serialize, "MAX_PARAMETERS", 50)
    path = write(tmp_path, document(sizes=(10, 10), nin=3))  # 40 + 110 parameters
    refused(path, r"more than nn.serialize.MAX_PARAMETERS = 50")
    MLP.load(write(tmp_path, document(sizes=(4,), nin=3), "small.json"))  # 16 parameters load


def test_load_bounds_a_hundred_thousand_layers_are_refused_without_building_them(tmp_path, monkeypatch):
    built = []
    monkeypatch.setattr("nn.mlp.Layer.__init__", lambda self, *a, **k: built.append(1) or 1 / 0)
    doc = document()
    doc["config"]["sizes"] = [1] * 100_000
    refused(write(tmp_path, doc), "100000 layers, more than nn.serialize.MAX_LAYERS")
    doc = document(sizes=(1,) * 50)
    doc["layers"] = doc["layers"][:49]
    refused(write(tmp_path, doc, "short.json"), "49 layers of weights.*need 50")
    assert built == []  # refused from the file alone; today every layer is built first


def test_load_bounds_a_file_larger_than_max_file_bytes_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(serialize, "MAX_FILE_BYTES", 1000)
    path = write(tmp_path, document(sizes=(30,), nin=30))
    assert os.path.getsize(path) > 1000
    refused(path, r"more than nn.serialize.MAX_FILE_BYTES = 1000")


def test_load_bounds_a_few_mb_file_loads_within_a_few_hundred_mb(tmp_path):
    m = MLP(100, [300, 10], seed=3)  # 33,310 parameters, about 1 MB of JSON
    path = tmp_path / "m.json"
    m.save(path)
    tracemalloc.start()
    try:
        back = MLP.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [p.data for p in back.parameters()] == [p.data for p in m.parameters()]
    assert peak < 300 * 2**20


@pytest.mark.skipif(os.name != "posix", reason="POSIX file types")
def test_load_bounds_a_fifo_or_endless_device_is_refused_without_reading(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    refused(fifo, "FIFO")  # today: open() blocks forever
    with pytest.raises(ModelFileError, match="character device"):
        MLP.load("/dev/zero")  # today: reads forever


def test_load_malformed_deeply_nested_json_is_a_model_file_error(tmp_path):
    path = write(tmp_path, "[" * 100_000 + "]" * 100_000)
    refused(path, "nested too deeply")  # today: a bare RecursionError
    doc = json.dumps(document())
    nested = doc.replace('"seed": 0', '"seed": ' + "[" * 100_000 + "]" * 100_000)
    refused(write(tmp_path, nested, "n2.json"), "nested too deeply")


@pytest.mark.parametrize("digits, problem", [
    (310, "about 310 digits, too large for a float"),  # today: OverflowError
    (401, "number of 401 digits"),  # today: OverflowError
    (5000, "number of 5000 digits"),  # today: ValueError (int max str digits)
])
def test_load_malformed_huge_integer_weight_is_a_model_file_error(tmp_path, digits, problem):
    text = json.dumps(document(sizes=(2,), nin=2)).replace("0.0", "1" + "0" * (digits - 1), 1)
    refused(write(tmp_path, text), problem)


def test_load_malformed_huge_integer_seed_is_a_model_file_error(tmp_path):
    text = json.dumps(document()).replace('"seed": 0', '"seed": ' + "9" * 5000)
    refused(write(tmp_path, text), "number of 5000 digits")
    text = json.dumps(document()).replace('"seed": 0', '"seed": ' + "9" * 10**6)  # quadratic in 3.10
    refused(write(tmp_path, text, "long.json"), "number of 10000\\+ digits")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_load_malformed_non_finite_weight(tmp_path, literal):
    text = json.dumps(document()).replace("0.0", literal, 1)
    refused(write(tmp_path, text), "not a finite number|non-finite")


@pytest.mark.parametrize("key, value, problem", [
    ("elementary", "yes", '"elementary" must be true or false'),  # today: accepted as True
    ("elementary", 1, '"elementary" must be true or false'),
    ("elementary", None, '"elementary" must be true or false'),
    ("nin", True, '"nin" must be a positive int'),
    ("nin", 1.0, '"nin" must be a positive int'),
    ("sizes", [True], '"sizes" must be positive ints'),
    ("sizes", {"1": 1}, '"sizes" must be a non-empty list'),
    ("sizes", [], '"sizes" must be a non-empty list'),
    ("seed", True, '"seed" must be an int'),
    ("seed", "0", '"seed" must be an int'),
    ("activation", ["tanh"], '"activation" must be a string'),
    ("output_activation", 3, '"output_activation" must be a string or null'),
    ("init", None, '"init" must be a string'),
])
def test_load_malformed_config_types(tmp_path, key, value, problem):
    doc = document()
    doc["config"][key] = value
    refused(write(tmp_path, doc), problem)


@pytest.mark.parametrize("version", [True, 1.0, "1", None])
def test_load_malformed_version_must_be_the_integer_1(tmp_path, version):
    doc = document()
    doc["version"] = version  # `"version": true` is accepted today (True == 1)
    refused(write(tmp_path, doc), "format version")


@pytest.mark.parametrize("mangle, problem", [
    (lambda d: d["layers"][0].update(w=[[0.0, 0.0]]), "row 1 should have 1 numbers, got 2"),
    (lambda d: d["layers"][0].update(w="0"), "expected 1 rows, got str"),
    (lambda d: d["layers"][0].update(w=[0.0]), "row 1 should have 1 numbers, got float"),
    (lambda d: d["layers"][0].update(b=[]), "layer 2 biases: expected 1 numbers, got 0"),
    (lambda d: d["layers"][0].update(b=[True]), "bool True, not a number"),
    (lambda d: d["layers"][0].update(w=[[None]]), "NoneType None, not a number"),
])
def test_load_malformed_weights(tmp_path, mangle, problem):
    doc = document()
    mangle(doc)
    refused(write(tmp_path, doc), problem)


def test_load_state_failed_load_leaves_the_model_untouched(tmp_path):
    target = MLP(1, [1], activation="tanh", seed=5)
    before = [p.data for p in target.parameters()]
    bad_files = []
    for i, mangle in enumerate([
        lambda d: d["config"].update(elementary="yes"),
        lambda d: d["layers"][0].update(b=[10**400]),
        lambda d: d.update(version=True),
    ]):
        doc = document()
        doc["layers"][0]["w"] = [[0.5]]
        mangle(doc)
        bad_files.append(write(tmp_path, doc, f"bad{i}.json"))
    bad_files.append(write(tmp_path, "[" * 100_000, "deep.json"))
    for path in bad_files:
        with pytest.raises(ModelFileError, match=path.name):
            target.load_state(path)
        assert [p.data for p in target.parameters()] == before


VALID = MLP(2, [2, 1], activation="tanh", seed=7)


def _valid_text(tmp_path_factory=None):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.json")
        VALID.save(path)
        return open(path, encoding="utf-8").read()


TEXT = _valid_text()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_load_corrupted_files_are_model_file_errors_or_the_original(tmp_path, data):
    kind = data.draw(st.sampled_from(["truncate", "replace", "insert", "delete"]))
    i = data.draw(st.integers(0, len(TEXT)))
    if kind == "truncate":
        text = TEXT[:i]
    elif kind == "replace":
        chunk = data.draw(st.text(alphabet='0123456789.-+eE[]{}",:tfnaluesrI \\' , min_size=1, max_size=6))
        text = TEXT[:i] + chunk + TEXT[i + len(chunk):]
    elif kind == "insert":
        text = TEXT[:i] + data.draw(st.text(min_size=1, max_size=6)) + TEXT[i:]
    else:
        text = TEXT[:i] + TEXT[i + data.draw(st.integers(1, 20)):]
    path = tmp_path / "c.json"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        back = MLP.load(path)
    except ModelFileError as e:
        assert e.path == str(path)
        return
    # a corruption that still parses: a valid model, loaded exactly as the file says
    doc = json.loads(text)
    assert back.sizes == [doc["config"]["nin"], *doc["config"]["sizes"]]
    weights = [float(w) for layer in doc["layers"] for row in layer["w"] for w in row]
    assert [w.data for layer in back.layers for n in layer.neurons for w in n.w] == weights
    if text == TEXT:
        assert [p.data for p in back.parameters()] == [p.data for p in VALID.parameters()]
