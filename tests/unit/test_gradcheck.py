"""nnedu.gradcheck: it must pass correct derivatives and catch wrong ones."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from nnedu import gradcheck
from nnedu.gradcheck import (
    GradCheckReport,
    check_function,
    check_layer,
    check_loss,
    check_network,
    numerical_gradient,
    relative_error,
)


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


needs_layers = pytest.mark.skipif(not _has("nnedu.layers"), reason="nnedu.layers not there yet")
needs_network = pytest.mark.skipif(not _has("nnedu.network"),
                                   reason="nnedu.network not there yet")


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_derivative(z):
    s = sigmoid(z)
    return s * (1.0 - s)


# ----------------------------------------------------------------------------- building blocks

def test_numerical_gradient_of_a_cubic():
    x = np.array([[0.5, -1.2], [2.0, 0.3]])
    numeric = numerical_gradient(lambda v: np.sum(v**3), x)
    assert relative_error(numeric, 3 * x**2) < 1e-9


def test_numerical_gradient_restores_x_exactly():
    x = np.random.default_rng(0).normal(size=(3, 4))
    before = x.copy()
    numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    assert x.tobytes() == before.tobytes()


def test_numerical_gradient_sees_the_changes_in_place():
    """f may ignore its argument and read the array from elsewhere (a layer's params)."""
    w = np.array([1.0, 2.0])
    holder = {"w": w}
    numeric = numerical_gradient(lambda _: float(holder["w"] @ np.array([3.0, -4.0])), w)
    np.testing.assert_allclose(numeric, [3.0, -4.0], rtol=1e-9)


def test_numerical_gradient_errors():
    with pytest.raises(TypeError, match="float"):
        numerical_gradient(np.sum, np.array([1, 2, 3]))
    with pytest.raises(TypeError, match="float"):
        numerical_gradient(np.sum, [1.0, 2.0])
    with pytest.raises(ValueError, match="one number"):
        numerical_gradient(lambda v: v * 2, np.ones(3))
    with pytest.raises(ValueError, match="eps"):
        numerical_gradient(np.sum, np.ones(3), eps=0.0)


def test_relative_error_values():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([1.0], [3.0]) == pytest.approx(0.5)
    assert relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert relative_error([1e-3, 5.0], [1e-3, 5.0 + 5e-6]) == pytest.approx(5e-6 / 10.000005)
    assert relative_error(np.empty(0), np.empty(0)) == 0.0
    with pytest.raises(ValueError, match="shapes"):
        relative_error(np.ones(3), np.ones((3, 1)))


def test_report_table_and_html():
    report = GradCheckReport("demo")
    report.add("good", np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    assert report.passed and bool(report)
    report.add("bad", np.array([1.0]), np.array([2.0]))
    assert not report.passed and report.max_error == pytest.approx(1 / 3)
    text = str(report)
    assert "good" in text and "bad" in text and "WRONG" in text and "1e-07" in text
    html = report._repr_html_()
    assert html.startswith("<table>") and "bad" in html
    assert [row.name for row in report.rows] == ["good", "bad"]
    assert [row.passed for row in report.rows] == [True, False]
    assert not GradCheckReport("empty").passed


def test_noise_floor():
    assert gradcheck.noise_floor(0.0) == gradcheck.TINY
    # |f| = 1, eps = 1e-5: noise about 10 * 2.2e-16 / 1e-5 = 2.2e-10, divided by 1e-7
    assert gradcheck.noise_floor(1.0) == pytest.approx(10 * np.finfo(float).eps / 1e-5 / 1e-7)
    assert gradcheck.noise_floor(-3.0) == pytest.approx(3 * gradcheck.noise_floor(1.0))


def test_tiny_entries_are_judged_against_the_noise_not_ignored():
    """A 1e-6 entry off by 1e-12 passes (rounding noise); off by 1e-7 it fails."""
    report = GradCheckReport("floor")
    tiny = gradcheck.noise_floor(1.0)
    report.add("noise", np.array([1e-6, 0.5]), np.array([1e-6 + 1e-12, 0.5]), tiny)
    report.add("wrong", np.array([1e-6, 0.5]), np.array([1.1e-6, 0.5]), tiny)
    assert [row.passed for row in report.rows] == [True, False]


# ----------------------------------------------------------------------------- check_function

X_AWAY_FROM_ZERO = np.array([[-2.0, -0.7, 0.4], [1.3, 2.5, -0.2]])


def test_check_function_passes_the_correct_sigmoid_derivative():
    report = check_function(sigmoid, sigmoid_derivative, X_AWAY_FROM_ZERO)
    assert report.passed, str(report)
    assert report.max_error < 1e-8


@pytest.mark.parametrize("wrong", [
    lambda z: z * (1.0 - z),                              # a(1 − a) formula fed z
    lambda z: sigmoid_derivative(sigmoid(z)),             # derivative evaluated at a = σ(z)
    lambda z: 0.5 * sigmoid_derivative(z),                # a missing factor
])
def test_check_function_catches_wrong_sigmoid_derivatives(wrong):
    report = check_function(sigmoid, wrong, X_AWAY_FROM_ZERO)
    assert not report.passed
    assert report.max_error > 1e-3


def test_check_function_leaves_x_alone():
    x = X_AWAY_FROM_ZERO.copy()
    check_function(np.tanh, lambda z: 1 - np.tanh(z) ** 2, x)
    np.testing.assert_array_equal(x, X_AWAY_FROM_ZERO)


@pytest.mark.skipif(not _has("nnedu.activations"), reason="nnedu.activations not there yet")
def test_check_function_passes_every_library_activation():
    from nnedu.activations import ACTIVATIONS

    for name, (f, df) in ACTIVATIONS.items():
        report = check_function(f, df, X_AWAY_FROM_ZERO)
        assert report.passed, f"{name}\n{report}"


# ----------------------------------------------------------------------------- check_loss

def mse(y_pred, y_true):
    return float(np.mean((y_pred - y_true) ** 2))


def test_check_loss_passes_correct_and_catches_wrong_mse_gradient():
    rng = np.random.default_rng(1)
    y_pred, y_true = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    good = check_loss(mse, lambda p, t: 2 * (p - t) / p.size, y_pred, y_true)
    assert good.passed, str(good)
    forgot_the_two = check_loss(mse, lambda p, t: (p - t) / p.size, y_pred, y_true)
    assert not forgot_the_two.passed


@pytest.mark.skipif(not _has("nnedu.losses"), reason="nnedu.losses not there yet")
def test_check_loss_passes_the_library_losses():
    from nnedu.losses import LOSSES

    rng = np.random.default_rng(2)
    probabilities = rng.uniform(0.1, 0.9, size=(5, 3))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    targets = {
        "mse": rng.normal(size=(5, 3)),
        "mae": rng.normal(size=(5, 3)),
        "binary_cross_entropy": rng.integers(0, 2, size=(5, 3)).astype(float),
        "categorical_cross_entropy": np.eye(3)[rng.integers(0, 3, size=5)],
    }
    for name, (loss, grad) in LOSSES.items():
        report = check_loss(loss, grad, probabilities, targets[name])
        assert report.passed, f"{name}\n{report}"


# ----------------------------------------------------------------------------- check_layer

class TinyDense:
    """A hand-written Dense layer following the nnedu.layers contract."""

    def __init__(self, n_in, n_out, seed=0, bug=None):
        rng = np.random.default_rng(seed)
        self.name = "tiny"
        self.params = {"W": rng.normal(size=(n_in, n_out)), "b": rng.normal(size=n_out)}
        self.grads = {}
        self.bug = bug

    def forward(self, x, training=False):
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, dz):
        self.grads["W"] = self.x.T @ dz
        self.grads["b"] = dz.mean(axis=0) if self.bug == "mean_bias" else dz.sum(axis=0)
        if self.bug == "forgot_b":
            del self.grads["b"]
        return dz @ self.params["W"].T


X_BATCH = np.random.default_rng(3).normal(size=(5, 4))


def test_check_layer_passes_a_correct_dense():
    report = check_layer(TinyDense(4, 3), X_BATCH)
    assert report.passed, str(report)
    assert [row.name for row in report.rows] == ["input", "W", "b"]


def test_check_layer_pinpoints_the_wrong_gradient():
    report = check_layer(TinyDense(4, 3, bug="mean_bias"), X_BATCH)
    assert not report.passed
    assert {row.name: row.passed for row in report.rows} == {"input": True, "W": True, "b": False}


def test_check_layer_requires_every_parameter_gradient():
    with pytest.raises(ValueError, match="'b'"):
        check_layer(TinyDense(4, 3, bug="forgot_b"), X_BATCH)


def test_check_layer_restores_the_parameters():
    layer = TinyDense(4, 3)
    before = {k: v.copy() for k, v in layer.params.items()}
    check_layer(layer, X_BATCH)
    for key, value in before.items():
        assert layer.params[key].tobytes() == value.tobytes()


@needs_layers
@pytest.mark.parametrize("seed", range(3))
def test_check_layer_passes_library_dense(seed):
    from nnedu.layers import Dense

    report = check_layer(Dense(4, 3, seed=seed, init="xavier"), X_BATCH, seed=seed)
    assert report.passed, str(report)


@needs_layers
def test_check_layer_refuses_float32():
    from nnedu.layers import Dense

    with pytest.raises(TypeError, match="float64"):
        check_layer(Dense(4, 3, seed=0, dtype=np.float32), X_BATCH)


@needs_layers
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "elu", "softmax"])
def test_check_layer_passes_library_activation_layers(name):
    from nnedu.layers import Activation

    report = check_layer(Activation(name), X_BATCH)
    assert report.passed, str(report)


# ----------------------------------------------------------------------------- check_network

def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class TinyNet:
    """Dense → tanh → Dense → softmax + categorical cross-entropy, written out by hand."""

    def __init__(self, sizes=(4, 5, 3), seed=0, bug=None):
        self.layers = [TinyDense(sizes[0], sizes[1], seed), TinyDense(sizes[1], sizes[2], seed + 1)]
        self.bug = bug

    def loss_and_backward(self, X, Y, loss="categorical_cross_entropy"):
        assert loss == "categorical_cross_entropy"
        m = len(X)
        h = np.tanh(self.layers[0].forward(X))
        p = softmax(self.layers[1].forward(h))
        value = -np.sum(Y * np.log(p)) / m
        dz2 = (p - Y) if self.bug == "forgot_1_over_m" else (p - Y) / m
        dh = self.layers[1].backward(dz2)
        self.layers[0].backward(dh * (1 - h**2))
        return value

    def named_parameters(self):
        return [(f"layer{i}.{k}", v) for i, layer in enumerate(self.layers)
                for k, v in layer.params.items()]

    def gradients(self):
        return [layer.grads[k] for layer in self.layers for k in layer.params]


Y_BATCH = np.eye(3)[[0, 2, 1, 1, 0]]


def test_check_network_passes_a_correct_network():
    report = check_network(TinyNet(), X_BATCH, Y_BATCH)
    assert report.passed, str(report)
    assert [row.name for row in report.rows] == ["layer0.W", "layer0.b", "layer1.W", "layer1.b"]


def test_check_network_catches_a_missing_one_over_m():
    report = check_network(TinyNet(bug="forgot_1_over_m"), X_BATCH, Y_BATCH)
    assert not report.passed
    assert all(not row.passed for row in report.rows)


@needs_network
@pytest.mark.parametrize("seed", range(3))
def test_check_network_passes_library_mlp_softmax(seed):
    from nnedu.network import mlp

    model = mlp((4, 6, 3), activation="tanh", output="softmax", seed=seed)
    report = check_network(model, X_BATCH, Y_BATCH, loss="categorical_cross_entropy")
    assert report.passed, str(report)
    assert len(report.rows) == 4


@needs_network
def test_check_network_passes_library_mlp_sigmoid_bce():
    from nnedu.network import mlp

    model = mlp((4, 5, 1), activation="sigmoid", output="sigmoid", seed=1)
    y = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]])
    report = check_network(model, X_BATCH, y, loss="binary_cross_entropy")
    assert report.passed, str(report)


@needs_network
@pytest.mark.parametrize("seed", range(4))
def test_check_network_passes_relu_mlp_with_nonzero_biases(seed):
    from nnedu.network import mlp

    rng = np.random.default_rng(seed)
    model = mlp((4, 6, 5, 3), activation="relu", output="softmax", seed=seed)
    for _, value in model.named_parameters():
        if value.ndim == 1:  # biases: away from the exact-zero ReLU kink (see check_network)
            value[:] = rng.normal(scale=0.1, size=value.shape)
    report = check_network(model, X_BATCH, Y_BATCH)
    assert report.passed, str(report)


@needs_network
def test_check_network_refuses_dropout():
    from nnedu.network import mlp

    model = mlp((4, 6, 3), dropout=0.5, seed=0)
    with pytest.raises(ValueError, match="dropout"):
        check_network(model, X_BATCH, Y_BATCH)


def test_threshold_constant():
    assert gradcheck.THRESHOLD == 1e-7
