"""nnedu.network: Sequential (gradients, predict, summary, save/load) and mlp()."""

from __future__ import annotations

import json
import pathlib
import pickle
import re

import numpy as np
import pytest

from nnedu import activations, losses
from nnedu.gradcheck import numerical_gradient, relative_error
from nnedu.layers import Activation, Dense, Dropout, PReLU
from nnedu.network import Sequential, mlp

TOL = 1e-7


def network_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """Relative error of a whole parameter array: ‖a − n‖ / (‖a‖ + ‖n‖).

    For single layers the tests use the stricter entry-by-entry ``relative_error``. Through
    three layers some entries of a gradient are 10⁴ times smaller than the largest one, and
    for those the central difference's rounding noise (about 1e-11, whatever the entry) is
    no longer small compared with the entry itself; the norm-wise error is not fooled by that.
    """
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return float(np.linalg.norm(analytic - numeric) / max(scale, 1e-12))


# ------------------------------------------------------------------ gradient checks
def three_layer(hidden: tuple[str, str], output: str | None, n_out: int, seed: int) -> Sequential:
    """Dense(3→5) → hidden[0] → Dense(5→4) → hidden[1] → Dense(4→n_out) → output.

    ``hidden[1] == "prelu"`` puts a PReLU layer (with its learnable alpha) there. Every
    parameter is drawn here from ``seed`` (weights ~ N(0, 1/fan_in), biases ~ N(0, 0.5²),
    alphas in [0.1, 0.5]), so the check does not depend on the initialisers.
    """
    second = PReLU(4) if hidden[1] == "prelu" else Activation(hidden[1])
    stack = [Dense(3, 5), Activation(hidden[0]), Dense(5, 4), second, Dense(4, n_out)]
    if output is not None:
        stack.append(Activation(output))
    model = Sequential(stack)
    rng = np.random.default_rng(seed)
    for _, param in model.named_parameters():
        if param.ndim == 2:
            param[...] = rng.normal(0.0, 1.0 / np.sqrt(param.shape[0]), param.shape)
        elif isinstance(second, PReLU) and param is second.params["alpha"]:
            param[...] = rng.uniform(0.1, 0.5, param.shape)
        else:
            param[...] = rng.normal(0.0, 0.5, param.shape)
    return model


def targets(loss: str, model: Sequential, X: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed + 50)
    n = len(X)
    n_out = [layer for layer in model.layers if isinstance(layer, Dense)][-1].out_features
    if loss == "categorical_cross_entropy":
        return np.eye(n_out)[rng.integers(0, n_out, size=n)]
    if loss == "binary_cross_entropy":
        return rng.integers(0, 2, size=(n, n_out)).astype(float)
    out = model.forward(X)
    # regression: targets at least 0.1 away from the output (|ŷ − y| has a kink at 0)
    return out + rng.uniform(0.1, 1.0, out.shape) * rng.choice([-1.0, 1.0], out.shape)


NETWORK_CASES = [
    # loss, hidden activations, output activation, number of outputs
    ("categorical_cross_entropy", ("tanh", "sigmoid"), "softmax", 3),
    ("categorical_cross_entropy", ("gelu", "prelu"), "softmax", 4),
    ("binary_cross_entropy", ("tanh", "elu"), "sigmoid", 1),
    ("binary_cross_entropy", ("sigmoid", "tanh"), "sigmoid", 3),  # several yes/no outputs
    ("mse", ("elu", "prelu"), None, 2),
    ("mse", ("swish", "tanh"), "tanh", 2),
    ("mae", ("tanh", "tanh"), None, 2),
    ("mse", ("sigmoid", "sigmoid"), "sigmoid", 1),  # sigmoid without BCE: not fused
]


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize(("loss", "hidden", "output", "n_out"), NETWORK_CASES,
                         ids=[f"{c[0]}-{'-'.join(c[1])}-{c[2]}" for c in NETWORK_CASES])
def test_three_layer_network_gradients(loss, hidden, output, n_out, seed):
    model = three_layer(hidden, output, n_out, seed)
    # An odd batch: for MAE the output bias gradient is a sum of ±1/N terms, which would be
    # exactly 0 for an even batch split evenly (and 0 against rounding noise is no check).
    X = np.random.default_rng(seed + 20).normal(size=(5, 3))
    y = targets(loss, model, X, seed)
    value_fn, _ = losses.get_loss(loss)

    value = model.loss_and_backward(X, y, loss)
    names = [name for name, _ in model.named_parameters()]
    params = model.parameters()
    grads = [g.copy() for g in model.gradients()]
    assert len(names) == len(params) == len(grads)

    # The loss that backward differentiates, computed independently (no fused shortcut).
    def loss_of_output(_):
        return value_fn(model.forward(X, training=True), y)

    assert value == pytest.approx(loss_of_output(None), rel=1e-12)
    for name, param, grad in zip(names, params, grads):
        assert grad.shape == param.shape, name
        error = network_error(grad, numerical_gradient(loss_of_output, param))
        assert error < TOL, f"{name}: relative error {error:.2e}"


def test_relu_network_gradients_away_from_the_kink():
    model = mlp((3, 6, 5, 2), activation="relu", seed=4)
    rng = np.random.default_rng(4)
    for param in model.parameters():
        param[...] = rng.normal(0.0, 0.7, param.shape)
    X = rng.normal(size=(5, 3))
    # The check is only meaningful if no ReLU input sits within reach of the ±1e-5 nudges.
    z = X
    for layer in model.layers:
        if isinstance(layer, Activation) and layer.activation == "relu":
            assert np.min(np.abs(z)) > 1e-3
        z = layer.forward(z)
    y = np.eye(2)[[0, 1, 1, 0, 1]]
    model.loss_and_backward(X, y)
    for (name, param), grad in zip(model.named_parameters(), model.gradients()):
        numeric = numerical_gradient(
            lambda _: losses.categorical_cross_entropy(model.forward(X), y), param)
        assert network_error(grad, numeric) < TOL, name


def test_backward_returns_the_input_gradient():
    model = three_layer(("tanh", "prelu"), None, 2, seed=3)
    X = np.random.default_rng(3).normal(size=(4, 3))
    y = targets("mse", model, X, 3)
    out = model.forward(X)
    dx = model.backward(losses.mse_gradient(out, y))
    numeric = numerical_gradient(lambda x: losses.mse(model.forward(x), y), X.copy())
    assert dx.shape == X.shape
    assert relative_error(dx, numeric) < TOL


@pytest.mark.parametrize(("output", "loss", "n_out"), [
    ("softmax", "categorical_cross_entropy", 3),
    ("sigmoid", "binary_cross_entropy", 1),
])
def test_fused_shortcut_gives_the_chained_gradients(output, loss, n_out):
    model = three_layer(("tanh", "tanh"), output, n_out, seed=1)
    X = np.random.default_rng(1).normal(size=(5, 3))
    y = targets(loss, model, X, 1)
    value = model.loss_and_backward(X, y, loss)
    fused = [g.copy() for g in model.gradients()]
    value_fn, grad_fn = losses.get_loss(loss)
    out = model.forward(X, training=True)
    model.backward(grad_fn(out, y))  # the long way: loss gradient, then through the activation
    assert value == pytest.approx(value_fn(out, y), rel=1e-12)
    for a, b in zip(fused, model.gradients()):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-15)


def test_named_parameters_are_the_live_arrays_in_layer_order():
    model = Sequential([Dense(2, 3), Activation("relu"), PReLU(3), Dense(3, 1)])
    names = [name for name, _ in model.named_parameters()]
    assert names == ["dense_1.W", "dense_1.b", "prelu_1.alpha", "dense_2.W", "dense_2.b"]
    assert model.parameters()[0] is model.layers[0].params["W"]
    model.parameters()[1][...] = 5.0  # changing the list's array changes the network
    np.testing.assert_array_equal(model.layers[0].params["b"], 5.0)
    assert model.count_parameters() == 2 * 3 + 3 + 3 + 3 * 1 + 1


def test_layer_names_are_made_unique():
    model = Sequential([Dense(2, 3), Activation("relu"), Dense(3, 3), Activation("relu"),
                        Dense(3, 2), Activation("softmax")])
    assert [layer.name for layer in model.layers] == [
        "dense_1", "relu_1", "dense_2", "relu_2", "dense_3", "softmax_1"]


# ------------------------------------------------------------------ predict
def test_predict_softmax_gives_class_labels():
    model = mlp((4, 6, 3), seed=0)
    X = np.random.default_rng(0).normal(size=(7, 4))
    proba = model.predict_proba(X)
    assert proba.shape == (7, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    labels = model.predict(X)
    assert labels.shape == (7,) and labels.dtype.kind == "i"
    np.testing.assert_array_equal(labels, np.argmax(proba, axis=1))


def test_predict_sigmoid_thresholds_at_one_half():
    model = Sequential([Dense(1, 1, init="zeros"), Activation("sigmoid")])
    model.layers[0].params["W"][...] = 1.0  # output = sigmoid(x)
    X = np.array([[-3.0], [-0.1], [0.0], [0.2], [5.0]])
    np.testing.assert_allclose(model.predict_proba(X)[:, 0], 1 / (1 + np.exp(-X[:, 0])))
    np.testing.assert_array_equal(model.predict(X), [0, 0, 1, 1, 1])


def test_predict_linear_returns_the_raw_output():
    model = mlp((2, 4, 2), output="linear", seed=0)
    X = np.random.default_rng(1).normal(size=(3, 2))
    np.testing.assert_array_equal(model.predict(X), model.predict_proba(X))
    assert model.predict(X).shape == (3, 2)


def test_predict_switches_dropout_off():
    model = mlp((4, 16, 3), dropout=0.5, seed=0)
    X = np.random.default_rng(0).normal(size=(5, 4))
    np.testing.assert_array_equal(model.predict_proba(X), model.predict_proba(X))
    assert not np.array_equal(model.forward(X, training=True), model.predict_proba(X))


# ------------------------------------------------------------------ summary
def summary_rows(text: str) -> dict[str, list[str]]:
    """{layer name: [type, output shape, parameters]} from the summary table."""
    rows = {}
    for line in text.splitlines():
        m = re.match(r"^(\S+) \((\w+)\)\s+(\(batch, \d+\))\s+([\d,]+)$", line.strip())
        if m:
            rows[m.group(1)] = [m.group(2), m.group(3), m.group(4).replace(",", "")]
    return rows


def test_summary_lists_layers_shapes_and_parameter_counts():
    model = mlp((64, 32, 16, 10), dropout=0.2, seed=0)
    text = model.summary()
    rows = summary_rows(text)
    expected = {
        "dense_1": ["Dense", "(batch, 32)", str(64 * 32 + 32)],
        "relu_1": ["Activation", "(batch, 32)", "0"],
        "dropout_1": ["Dropout", "(batch, 32)", "0"],
        "dense_2": ["Dense", "(batch, 16)", str(32 * 16 + 16)],
        "relu_2": ["Activation", "(batch, 16)", "0"],
        "dropout_2": ["Dropout", "(batch, 16)", "0"],
        "dense_3": ["Dense", "(batch, 10)", str(16 * 10 + 10)],
        "softmax_1": ["Activation", "(batch, 10)", "0"],
    }
    assert rows == expected
    total = sum(int(v[2]) for v in expected.values())
    total_line = next(line for line in text.splitlines() if line.startswith("total"))
    assert int(total_line.split()[-1].replace(",", "")) == total == model.count_parameters()


def test_summary_counts_prelu_alpha():
    model = Sequential([Dense(3, 4), PReLU(4), Dense(4, 2), Activation("sigmoid")])
    rows = summary_rows(model.summary())
    assert rows["prelu_1"] == ["PReLU", "(batch, 4)", "4"]
    assert rows["dense_2"] == ["Dense", "(batch, 2)", str(4 * 2 + 2)]


# ------------------------------------------------------------------ mlp
def test_mlp_builds_the_expected_layers():
    model = mlp((64, 32, 10))
    kinds = [(type(layer).__name__, getattr(layer, "activation", None)) for layer in model.layers]
    assert kinds == [("Dense", None), ("Activation", "relu"), ("Dense", None),
                     ("Activation", "softmax")]
    assert [(d.in_features, d.out_features) for d in model.layers if isinstance(d, Dense)] == [
        (64, 32), (32, 10)]
    assert all(d.init == "he" for d in model.layers if isinstance(d, Dense))


def test_mlp_options():
    model = mlp((2, 8, 8, 1), activation="tanh", output="sigmoid", dropout=0.25, seed=1)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Dense", "Activation", "Dropout", "Dense", "Activation", "Dropout",
                     "Dense", "Activation"]
    assert model.layers[-1].activation == "sigmoid"
    assert all(d.init == "xavier" for d in model.layers if isinstance(d, Dense))
    assert all(d.rate == 0.25 for d in model.layers if isinstance(d, Dropout))
    linear = mlp((2, 3, 1), output="linear")
    assert isinstance(linear.layers[-1], Dense)
    assert mlp((2, 3, 1), init="normal").layers[0].init == "normal"


def test_mlp_seed():
    a, b, c = mlp((4, 5, 3), seed=3), mlp((4, 5, 3), seed=3), mlp((4, 5, 3), seed=4)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p, q)
    assert not np.array_equal(a.parameters()[0], c.parameters()[0])


# ------------------------------------------------------------------ save / load
def rich_model() -> Sequential:
    model = Sequential([Dense(3, 5, seed=0), Activation("leaky_relu", alpha=0.2), PReLU(5),
                        Dropout(0.3), Dense(5, 4, seed=1), Activation("softmax")])
    model.layers[2].params["alpha"][...] = np.linspace(0.1, 0.5, 5)
    model.layers[4].params["b"][...] = [0.1, -0.2, 0.3, 0.0]
    return model


def test_save_load_round_trip(tmp_path):
    model = rich_model()
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = Sequential.load(path)
    X = np.random.default_rng(0).normal(size=(6, 3))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert [n for n, _ in loaded.named_parameters()] == [n for n, _ in model.named_parameters()]
    for (_, p), (_, q) in zip(loaded.named_parameters(), model.named_parameters()):
        np.testing.assert_array_equal(p, q)
        assert p.dtype == q.dtype
    assert repr(loaded) == repr(model)
    assert loaded.summary() == model.summary()
    assert loaded.layers[1].kwargs == {"alpha": 0.2}
    assert loaded.layers[3].rate == 0.3


def test_loaded_model_can_train_again(tmp_path):
    model = mlp((3, 4, 2), seed=0)
    model.save(str(tmp_path / "m.npz"))
    loaded = Sequential.load(str(tmp_path / "m.npz"))
    X = np.random.default_rng(0).normal(size=(4, 3))
    y = np.eye(2)[[0, 1, 0, 1]]
    assert loaded.loss_and_backward(X, y) == pytest.approx(model.loss_and_backward(X, y))
    for a, b in zip(loaded.gradients(), model.gradients()):
        np.testing.assert_array_equal(a, b)


@pytest.fixture
def saved(tmp_path) -> pathlib.Path:
    path = tmp_path / "good.npz"
    mlp((3, 4, 2), seed=0).save(path)
    return path


def rewrite(path: pathlib.Path, target: pathlib.Path, **changes) -> pathlib.Path:
    """Copy a saved model file with some arrays replaced."""
    with np.load(path) as data:
        arrays = {key: data[key] for key in data.files}
    arrays.update(changes)
    np.savez(target, **arrays)
    return target


class _Payload:
    """Unpickling this would create a file: proof that code ran."""

    def __init__(self, marker: pathlib.Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (self.marker,))


def assert_refused(path: pathlib.Path, *fragments: str) -> None:
    with pytest.raises(ValueError) as err:
        Sequential.load(path)
    message = str(err.value)
    assert message.startswith("Sequential.load:"), message
    for fragment in fragments:
        assert fragment in message, message


def test_load_refuses_a_corrupt_file(tmp_path):
    path = tmp_path / "corrupt.npz"
    path.write_bytes(b"this is not a zip archive at all" * 10)
    assert_refused(path, "not a readable nnedu model file")


def test_load_refuses_a_truncated_file(tmp_path, saved):
    data = saved.read_bytes()
    path = tmp_path / "truncated.npz"
    path.write_bytes(data[: len(data) // 2])
    assert_refused(path, "not a readable nnedu model file")


def test_load_refuses_a_foreign_npz(tmp_path):
    path = tmp_path / "foreign.npz"
    np.savez(path, weights=np.arange(6.0).reshape(2, 3))
    assert_refused(path, "was not written by Sequential.save", "nnedu-sequential-1")


def test_load_never_unpickles_an_object_array(tmp_path):
    marker = tmp_path / "code-ran"
    path = tmp_path / "evil.npy"
    np.save(path, np.array([_Payload(marker)], dtype=object), allow_pickle=True)
    assert_refused(path, "not a readable nnedu model file")
    assert not marker.exists()


def test_load_never_unpickles_a_pickle_file(tmp_path):
    marker = tmp_path / "code-ran"
    path = tmp_path / "evil.npz"
    path.write_bytes(pickle.dumps(_Payload(marker)))
    assert_refused(path, "not a readable nnedu model file")
    assert not marker.exists()


def test_load_never_unpickles_an_object_array_inside_a_model_file(tmp_path, saved):
    marker = tmp_path / "code-ran"
    path = rewrite(saved, tmp_path / "evil.npz",
                   **{"param:0:W": np.array([_Payload(marker)], dtype=object)})
    assert_refused(path)
    assert not marker.exists()


def test_load_refuses_a_parameter_of_the_wrong_shape(tmp_path, saved):
    path = rewrite(saved, tmp_path / "shape.npz", **{"param:0:W": np.zeros((5, 4))})
    assert_refused(path, "dense_1.W", "(3, 4)", "(5, 4)")


def test_load_refuses_a_missing_parameter(tmp_path, saved):
    with np.load(saved) as data:
        arrays = {key: data[key] for key in data.files if key != "param:2:b"}
    path = tmp_path / "missing.npz"
    np.savez(path, **arrays)
    assert_refused(path, "dense_2.b", "missing")


def test_load_refuses_a_damaged_layer_description(tmp_path, saved):
    assert_refused(rewrite(saved, tmp_path / "a.npz", config=np.array("{not json")),
                   "layer description is damaged")
    unknown = json.dumps([{"type": "Evil", "config": {}}])
    assert_refused(rewrite(saved, tmp_path / "b.npz", config=np.array(unknown)),
                   "layer description is damaged", "Evil")


def test_load_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="Sequential.load: no file at"):
        Sequential.load(tmp_path / "nothing.npz")


def test_load_refuses_a_plain_npy_array(tmp_path):
    path = tmp_path / "weights.npy"
    np.save(path, np.arange(4.0))
    assert_refused(path, "not a readable nnedu model file")


def test_save_and_load_with_the_same_name_without_suffix(tmp_path):
    model = mlp((3, 4, 2), seed=0)
    path = tmp_path / "model"
    model.save(path)
    loaded = Sequential.load(path)
    X = np.ones((2, 3))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


# ------------------------------------------------------------------ float32 stays float32
FLOAT32_ACTIVATIONS = ["relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu", "swish", "linear"]


@pytest.mark.parametrize("output, loss, n_out", [
    ("softmax", "categorical_cross_entropy", 3),  # the fused path
    ("sigmoid", "binary_cross_entropy", 1),       # the fused path
    ("linear", "mse", 2),                         # loss gradient, then every layer
])
def test_every_layer_of_a_float32_model_computes_in_float32(output, loss, n_out):
    f32 = np.float32
    layers = [Dense(4, 6, seed=0, dtype=f32)]
    for name in FLOAT32_ACTIVATIONS:
        layers += [Activation(name), Dense(6, 6, seed=1, dtype=f32)]
    layers += [PReLU(6, dtype=f32), Dropout(0.3, seed=0), Dense(6, n_out, seed=2, dtype=f32),
               Activation(output)]
    model = Sequential(layers)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 4)).astype(f32)
    y = (np.eye(3)[rng.integers(0, 3, 8)] if n_out == 3 else
         rng.integers(0, 2, (8, 1)) if n_out == 1 else rng.normal(size=(8, 2))).astype(f32)
    x = X
    for layer in model.layers:  # every layer's output, one by one
        x = layer.forward(x, training=True)
        assert x.dtype == f32, f"{layer.name} returned {x.dtype}"
    value = model.loss_and_backward(X, y, loss)
    assert np.isfinite(value)
    for (name, p), g in zip(model.named_parameters(), model.gradients()):
        assert p.dtype == f32 and g.dtype == f32, f"{name}: {p.dtype}, gradient {g.dtype}"
    grad_in = model.backward(np.ones((8, n_out), dtype=f32))  # dL/dX when asked for
    assert grad_in.dtype == f32 and grad_in.shape == X.shape


def test_float32_training_keeps_parameters_gradients_and_optimizer_state_float32():
    from nnedu.optim import Adam
    from nnedu.train import fit

    f32 = np.float32
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)).astype(f32)
    y = rng.integers(0, 3, 40)
    model = mlp((3, 8, 3), seed=0, dtype=f32)
    opt = Adam(0.01, weight_decay=1e-3)
    history = fit(model, X, y, optimizer=opt, epochs=3, batch_size=16, progress=False)
    assert all(p.dtype == f32 for p in model.parameters())
    assert all(g.dtype == f32 for g in model.gradients())
    assert all(buf.dtype == f32 for state in opt.state for buf in state.values())
    assert model.predict_proba(X).dtype == f32 and np.isfinite(history["loss"]).all()


# ------------------------------------------------------------------ the lean step
@pytest.mark.parametrize("output, loss, n_out", [
    ("softmax", "categorical_cross_entropy", 3), ("sigmoid", "binary_cross_entropy", 1),
    ("linear", "mse", 2)])
def test_a_step_without_the_loss_value_gives_the_same_gradients(output, loss, n_out):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(6, 4))
    y = (np.eye(3)[rng.integers(0, 3, 6)] if n_out == 3 else
         rng.integers(0, 2, (6, 1)).astype(float) if n_out == 1 else rng.normal(size=(6, 2)))
    with_value, without = mlp((4, 5, n_out), output=output, seed=0), mlp((4, 5, n_out),
                                                                         output=output, seed=0)
    value = with_value.loss_and_backward(X, y, loss)
    assert without.loss_and_backward(X, y, loss, value=False) is None
    for g, h in zip(with_value.gradients(), without.gradients()):
        np.testing.assert_array_equal(g, h)
    assert value == pytest.approx(
        {"softmax": losses.softmax_cross_entropy, "sigmoid": losses.sigmoid_binary_cross_entropy,
         "linear": losses.mse}[output](
            with_value.layers[-1].z if output != "linear" else with_value.forward(X), y),
        rel=1e-15)


def test_the_fused_gradient_from_the_output_is_the_one_from_the_logits():
    rng = np.random.default_rng(2)
    z = rng.normal(size=(5, 4)) * 30
    y = np.eye(4)[rng.integers(0, 4, 5)]
    np.testing.assert_array_equal(
        losses.fused_output_gradient(activations.softmax(z), y, "softmax"),
        losses.softmax_cross_entropy_gradient(z, y))
    yb = rng.integers(0, 2, (5, 1)).astype(float)
    np.testing.assert_array_equal(
        losses.fused_output_gradient(activations.sigmoid(z[:, :1]), yb, "sigmoid"),
        losses.sigmoid_binary_cross_entropy_gradient(z[:, :1], yb))


def test_the_first_layer_skips_dx_but_fills_its_gradients():
    dense = Dense(3, 2, seed=0)
    x, g = np.ones((4, 3)), np.arange(8.0).reshape(4, 2)
    dense.forward(x)
    dx = dense.backward(g)
    grads = {k: v.copy() for k, v in dense.grads.items()}
    assert dense.backward(g, input_grad=False) is None
    np.testing.assert_array_equal(dense.grads["W"], grads["W"])
    np.testing.assert_array_equal(dx, g @ dense.params["W"].T)
    model = mlp((3, 4, 2), seed=0)
    model.forward(x)
    assert model.backward(np.ones((4, 2)), input_grad=False) is None
    assert model.backward(np.ones((4, 2))).shape == (4, 3)
