"""Neuron, Layer, MLP: forward values, labels, z/a/δ bookkeeping, the notes' W^l, bad input."""
from __future__ import annotations

import math

import pytest

from engine import Value, numerical_grad
from nn import MLP, ConfigError, InputTypeError, Layer, Neuron, NonFiniteError, ShapeError, squared_error


def sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def test_neuron_computes_sigma_of_weighted_sum():
    n = Neuron(3, activation="sigmoid", seed=5)
    x = [0.5, -1.0, 2.0]
    expected = sig(sum(w.data * xk for w, xk in zip(n.w, x)) + n.b.data)
    a = n(x)
    assert a.data == pytest.approx(expected, abs=1e-15)
    assert n.a is a and n.z is a.parents[0] and n.z.op == "dot"
    assert [w.label for w in n.w] == ["w1", "w2", "w3"] and n.b.label == "b"


@pytest.mark.parametrize("activation, f", [
    ("sigmoid", sig), ("tanh", math.tanh), ("relu", lambda z: max(0.0, z)), ("linear", lambda z: z)])
def test_each_activation(activation, f):
    n = Neuron(2, activation=activation, init="micrograd", seed=1)
    for x in ([1.0, 2.0], [-1.5, 0.3], [0.0, -4.0]):
        z = n.w[0].data * x[0] + n.w[1].data * x[1] + n.b.data
        assert n(x).data == pytest.approx(f(z), abs=1e-15)
    if activation == "linear":
        assert n.a is n.z  # no extra node for a = z


def test_layer_always_returns_a_list():
    out = Layer(2, 1, activation="tanh")([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 1 and isinstance(out[0], Value)
    assert len(Layer(2, 3)([1.0, 2.0])) == 3


def test_mlp_forward_matches_hand_computation():
    mlp = MLP(2, [3, 2], activation="tanh", output_activation="sigmoid", init="micrograd", seed=4)
    x = [0.7, -0.2]
    hidden = [math.tanh(sum(w * xk for w, xk in zip(row, x)) + b) for row, b in zip(mlp.weights(2), mlp.biases(2))]
    out = [sig(sum(w * h for w, h in zip(row, hidden)) + b) for row, b in zip(mlp.weights(3), mlp.biases(3))]
    got = mlp(x)
    assert [a.data for a in got] == pytest.approx(out, abs=1e-14)
    assert mlp.nin == 2 and mlp.sizes == [2, 3, 2] and mlp.nout == 2
    assert [layer.activation for layer in mlp.layers] == ["tanh", "sigmoid"]


def test_output_activation_none_means_hidden_activation():
    mlp = MLP(2, [3, 1], activation="relu")
    assert mlp.output_activation == "relu" and mlp.layers[-1].activation == "relu"


def test_labels_follow_the_notes_numbering():
    mlp = MLP(3, [4, 2], activation="sigmoid")
    names = [name for name, _ in mlp.named_parameters()]
    assert names[:4] == ["w2_11", "w2_12", "w2_13", "b2_1"]
    assert "w3_24" in names and "b3_2" in names
    assert len(names) == len(set(names)) == 4 * 4 + 2 * 5
    assert [p.label for p in mlp.parameters()] == names
    assert mlp.layers[1].neurons[1].w[3].label == "w3_24"
    mlp([1.0, 2.0, 3.0])
    assert [v.label for v in mlp.inputs] == ["x1", "x2", "x3"]
    n = mlp.layers[0].neurons[2]
    assert (n.z.label, n.a.label) == ("z2_3", "a2_3")


def test_two_digit_indices_get_a_comma():
    mlp = MLP(12, [11], activation="linear")
    assert mlp.layers[0].neurons[10].w[11].label == "w2_11,12"
    assert mlp.layers[0].neurons[1].w[2].label == "w2_23"


def test_values_given_as_inputs_are_kept_so_their_gradient_is_visible():
    mlp = MLP(2, [2, 1], activation="tanh", seed=2)
    x = [Value(0.3, "u"), Value(-0.8, "v")]
    out = mlp(x)[0]
    out.backward()
    assert mlp.inputs[0] is x[0]
    numeric = numerical_grad(lambda xs: mlp(xs)[0], [0.3, -0.8])
    assert [v.grad for v in x] == pytest.approx(numeric, abs=1e-8)


def test_weights_is_the_notes_W_and_indexing_is_explicit():
    mlp = MLP(3, [4, 2])
    W2 = mlp.weights(2)
    assert len(W2) == 4 and all(len(row) == 3 for row in W2)  # n_2 × n_1
    assert W2[1][2] == mlp.layers[0].neurons[1].w[2].data
    assert len(mlp.weights(3)) == 2 and len(mlp.weights(3)[0]) == 4
    for bad in (0, 1, 4, "2", 2.0):
        with pytest.raises(ShapeError, match="layer number"):
            mlp.weights(bad)


def test_deltas_are_dL_dz_per_layer():
    mlp = MLP(2, [3, 2], activation="sigmoid", output_activation="linear", init="micrograd", seed=7)
    x, y = [0.4, -1.1], [0.5, -0.5]
    L = squared_error(mlp(x), y)
    mlp.zero_grad()
    L.backward()
    deltas = mlp.deltas()
    assert [len(d) for d in deltas] == [3, 2]
    assert deltas[1] == mlp.delta(3)
    # δ = ∂L/∂z by central differences: nudge z through its bias (∂z/∂b = 1)
    for i, layer in enumerate(mlp.layers):
        for j, neuron in enumerate(layer.neurons):
            b = neuron.b
            numeric = numerical_grad(lambda bs: squared_error(mlp(x), y), [b])[0]
            assert deltas[i][j] == pytest.approx(numeric, abs=1e-8)


def test_deltas_before_any_call_is_a_clear_error():
    with pytest.raises(ConfigError, match="not been called"):
        MLP(2, [1]).deltas()


def test_elementary_graph_gives_the_same_numbers():
    fast = MLP(3, [4, 2], activation="tanh", output_activation="sigmoid", seed=3, init="micrograd")
    slow = MLP(3, [4, 2], activation="tanh", output_activation="sigmoid", seed=3, init="micrograd", elementary=True)
    x, y = [0.1, -0.7, 1.3], [1.0, 0.0]
    for m in (fast, slow):
        m.zero_grad()
        squared_error(m(x), y).backward()
    assert [p.grad for p in fast.parameters()] == pytest.approx([p.grad for p in slow.parameters()], abs=1e-14)
    for d_fast, d_slow in zip(fast.deltas(), slow.deltas()):
        assert d_fast == pytest.approx(d_slow, abs=1e-14)
    z = slow.layers[0].neurons[0].z
    assert z.op == "+" and fast.layers[0].neurons[0].z.op == "dot"
    assert {v.op for v in (z.parents[0], z.parents[1])} >= {"+"}


def test_seeded_initialisation_is_deterministic_and_small():
    a, b, c = MLP(2, [5, 1], seed=1), MLP(2, [5, 1], seed=1), MLP(2, [5, 1], seed=2)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert [p.data for p in a.parameters()] != [p.data for p in c.parameters()]
    assert MLP(2, [1]).weights(2) == MLP(2, [1]).weights(2)  # default seed
    relu = MLP(8, [6, 1], activation="relu", output_activation="linear")
    assert all(abs(w) <= math.sqrt(6 / 8) for row in relu.weights(2) for w in row)  # He for ReLU
    assert all(abs(w) <= 1 / math.sqrt(6) for row in relu.weights(3) for w in row)  # 1/√n otherwise
    assert relu.biases(2) == [0.0] * 6


def test_zero_grad_clears_every_parameter():
    mlp = MLP(2, [2, 1])
    squared_error(mlp([1.0, 1.0]), 1.0).backward()
    assert any(p.grad != 0 for p in mlp.parameters())
    mlp.zero_grad()
    assert all(p.grad == 0 for p in mlp.parameters())


def test_set_weights_is_all_or_nothing():
    mlp = MLP(2, [2, 1])
    before = mlp.weights(2)
    with pytest.raises(ShapeError):
        mlp.set_weights(2, [[1.0, 2.0]])
    with pytest.raises(InputTypeError):
        mlp.set_weights(2, [[1.0, 2.0], [3.0, "x"]])
    with pytest.raises(ValueError, match="non-finite"):
        mlp.set_weights(2, [[1.0, 2.0], [3.0, float("nan")]])
    assert mlp.weights(2) == before
    mlp.set_weights(2, [[1.0, 2.0], [3.0, 4.0]])
    mlp.set_biases(2, [0.5, -0.5])
    assert mlp.weights(2) == [[1.0, 2.0], [3.0, 4.0]] and mlp.biases(2) == [0.5, -0.5]


def test_wrong_input_length_says_expected_and_got():
    mlp = MLP(3, [2])
    with pytest.raises(ShapeError, match="expected 3 inputs, got 2"):
        mlp([1.0, 2.0])
    with pytest.raises(ShapeError, match="expected 3 inputs, got 2"):
        Neuron(3)([1.0, 2.0])


def test_non_numeric_input_names_the_input():
    mlp = MLP(2, [1])
    with pytest.raises(InputTypeError, match="x2 .*str"):
        mlp([1.0, "two"])
    with pytest.raises(InputTypeError):
        mlp(3.0)
    for bad in (float("nan"), float("inf")):
        with pytest.raises(NonFiniteError, match=f"MLP: input x1 must be a finite number, got {bad}"):
            mlp([bad, 1.0])
    assert mlp.inputs is None  # nothing was recorded


def test_unknown_activation_lists_the_valid_ones():
    with pytest.raises(ConfigError, match="'sigmoid', 'tanh', 'relu', 'linear'"):
        MLP(2, [1], activation="softplus")
    with pytest.raises(ConfigError, match="unknown activation"):
        MLP(2, [1], output_activation="gelu")
    with pytest.raises(ConfigError):
        Neuron(2, activation=None)


@pytest.mark.parametrize("sizes", [[], [0], [2, -1], [1.5], "3"])
def test_bad_layer_sizes(sizes):
    with pytest.raises(ConfigError):
        MLP(2, sizes)


def test_bad_nin_and_init():
    with pytest.raises(ConfigError):
        MLP(0, [1])
    with pytest.raises(ConfigError, match="valid schemes"):
        MLP(2, [1], init="xavier")


def test_nn_imports_without_numpy_and_equations_names_the_extra():
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "import nn\n"
        "assert 'viz' not in sys.modules\n"
        "nn.MLP(2, [1])([1.0, 2.0])\n"
        "try:\n"
        "    nn.equations\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "pip install 'deltagrad[numpy]'" in out.stdout


def test_package_docstring_example_runs():
    import doctest

    import nn

    result = doctest.testmod(nn)
    assert result.attempted >= 3 and result.failed == 0


def test_a_very_deep_network_needs_no_recursion():
    mlp = MLP(1, [1] * 1500, activation="tanh", output_activation="linear", init="micrograd")
    out = mlp([0.5])[0]
    squared_error(out, 1.0).backward()
    deltas = mlp.deltas()
    assert len(deltas) == 1500 and deltas[-1] == [out.data - 1.0]
    # δ^l = w^{l+1} δ^{l+1} σ'(z^l), checked at the first layer
    w2 = mlp.weights(3)[0][0]
    z = mlp.layers[0].neurons[0].z.data
    assert deltas[0][0] == pytest.approx(w2 * deltas[1][0] * (1 - math.tanh(z) ** 2), abs=1e-300, rel=1e-12)


def test_predict_and_classify_name_themselves_for_a_non_model():
    import pytest

    from nn import InputTypeError, classify, predict

    with pytest.raises(InputTypeError, match="predict: expected an nn.MLP as the model, got int"):
        predict(3, [[1.0, 2.0]])
    with pytest.raises(InputTypeError, match="classify: expected an nn.MLP as the model, got str"):
        classify("model", [1.0, 2.0])


def test_set_weights_with_a_string_names_its_type_and_l2_penalty_a_non_list():
    import pytest

    from nn import MLP, InputTypeError, ShapeError, l2_penalty

    mlp = MLP(2, [3, 1], seed=0)
    before = mlp.weights(2)
    with pytest.raises(ShapeError, match=r"expected 3 rows, got str 'abc'"):
        mlp.set_weights(2, "abc")
    assert mlp.weights(2) == before
    with pytest.raises(InputTypeError, match="l2_penalty: expected a list of Values .* got int 3"):
        l2_penalty(3)
