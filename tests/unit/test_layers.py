"""nnedu.layers: initialisers, forward values and gradient checks for every layer."""

from __future__ import annotations

import numpy as np
import pytest

from nnedu import layers
from nnedu.activations import ACTIVATION_NAMES, softmax
from nnedu.gradcheck import numerical_gradient, relative_error
from nnedu.layers import Activation, Dense, Dropout, PReLU

TOL = 1e-7


def away_from_zero(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """Inputs with 0.1 ≤ |x| ≤ 2 (no input sits on the kink of relu-like functions)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


def layer_gradients(layer, x: np.ndarray, seed: int = 0, training: bool = False,
                    before_forward=lambda: None) -> dict[str, float]:
    """Relative errors of the layer's input and parameter gradients.

    The scalar checked is S = Σ forward(x) ⊙ g for a fixed random upstream gradient g, so
    dS/d(output) = g and backward(g) must return dS/dx and fill grads with dS/dparams.
    ``before_forward`` runs before every forward pass (used to fix the dropout mask).
    """
    before_forward()
    out = layer.forward(x.copy(), training=training)
    g = np.random.default_rng(seed + 100).standard_normal(out.shape)
    dx = layer.backward(g).copy()
    grads = {key: value.copy() for key, value in layer.grads.items()}
    assert set(grads) == set(layer.params), "backward must fill a gradient for every parameter"

    def objective(_):
        before_forward()
        return float(np.sum(layer.forward(x, training=training) * g))

    x = x.copy()
    errors = {"input": relative_error(dx, numerical_gradient(objective, x))}
    for key, value in layer.params.items():
        assert grads[key].shape == value.shape
        errors[key] = relative_error(grads[key], numerical_gradient(objective, value))
    return errors


# ------------------------------------------------------------------ initialisers
@pytest.mark.parametrize("name", ["normal", "xavier", "he"])
def test_initialisers_are_seeded(name):
    init = layers.INITIALISERS[name]
    a = init((20, 30), np.random.default_rng(5))
    b = init((20, 30), np.random.default_rng(5))
    c = init((20, 30), np.random.default_rng(6))
    assert a.shape == (20, 30)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize(("name", "std"), [
    ("normal", 0.01),
    ("xavier", np.sqrt(2.0 / (200 + 300))),
    ("he", np.sqrt(2.0 / 200)),
])
def test_initialiser_scale(name, std):
    w = layers.INITIALISERS[name]((200, 300), np.random.default_rng(0))
    assert abs(w.mean()) < 0.05 * std
    assert w.std() == pytest.approx(std, rel=0.02)


def test_zeros_and_glorot_alias():
    np.testing.assert_array_equal(layers.zeros((2, 3)), np.zeros((2, 3)))
    assert layers.INITIALISERS["glorot"] is layers.xavier


# ------------------------------------------------------------------ Dense
def test_dense_forward_is_x_at_w_plus_b():
    dense = Dense(3, 2, seed=0)
    dense.params["W"][...] = [[1.0, 2.0], [0.0, -1.0], [0.5, 0.5]]
    dense.params["b"][...] = [0.1, -0.2]
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(dense.forward(x), [[2.6, 1.3], [0.1, -0.2]])


def test_dense_shapes_init_and_seed():
    dense = Dense(4, 3, seed=1)
    assert dense.params["W"].shape == (4, 3) and dense.params["b"].shape == (3,)
    np.testing.assert_array_equal(dense.params["b"], 0.0)
    np.testing.assert_array_equal(dense.params["W"], Dense(4, 3, seed=1).params["W"])
    assert not np.array_equal(dense.params["W"], Dense(4, 3, seed=2).params["W"])
    rng = np.random.default_rng(1)
    np.testing.assert_array_equal(Dense(4, 3, rng=rng).params["W"],
                                  layers.he((4, 3), np.random.default_rng(1)))
    assert Dense(4, 3, init="zeros").params["W"].sum() == 0.0
    assert dense.output_features(4) == 3
    assert dense.config() == {"in_features": 4, "out_features": 3, "init": "he", "name": "dense"}


def test_dense_float32():
    dense = Dense(2, 2, seed=0, dtype=np.float32)
    assert dense.params["W"].dtype == np.float32
    out = dense.forward(np.ones((3, 2), dtype=np.float32))
    assert out.dtype == np.float32


@pytest.mark.parametrize("seed", range(3))
def test_dense_gradients(seed):
    dense = Dense(4, 3, init="xavier", seed=seed)
    dense.params["b"][...] = np.random.default_rng(seed).normal(size=3)
    x = np.random.default_rng(seed + 10).normal(size=(5, 4))
    errors = layer_gradients(dense, x, seed)
    assert set(errors) == {"input", "W", "b"}
    assert max(errors.values()) < TOL, errors


def test_dense_backward_formulas():
    dense = Dense(3, 2, seed=0)
    x = np.arange(6.0).reshape(2, 3)
    dz = np.array([[1.0, -1.0], [0.5, 2.0]])
    dense.forward(x)
    dx = dense.backward(dz)
    np.testing.assert_allclose(dense.grads["W"], x.T @ dz)
    np.testing.assert_allclose(dense.grads["b"], dz.sum(axis=0))
    np.testing.assert_allclose(dx, dz @ dense.params["W"].T)


# ------------------------------------------------------------------ Activation
ACTIVATION_CASES = [(name, {}) for name in ACTIVATION_NAMES] + [
    ("leaky_relu", {"alpha": 0.2}),
    ("elu", {"alpha": 0.5}),
]


@pytest.mark.parametrize(("name", "kwargs"), ACTIVATION_CASES,
                         ids=[f"{n}-{k}" if k else n for n, k in ACTIVATION_CASES])
def test_activation_layer_gradients(name, kwargs):
    layer = Activation(name, **kwargs)
    x = away_from_zero((4, 5), seed=3)
    x[x < -0.6] -= 0.8  # keep gelu (zero slope near -0.75) and swish (-1.28) off flat spots
    errors = layer_gradients(layer, x)
    assert layer.params == {} and set(errors) == {"input"}
    assert errors["input"] < TOL, errors


def test_activation_layer_forward_and_kwargs():
    x = np.array([[-2.0, 0.5]])
    np.testing.assert_allclose(Activation("leaky_relu", alpha=0.1).forward(x), [[-0.2, 0.5]])
    np.testing.assert_allclose(Activation("softmax").forward(x), softmax(x))
    np.testing.assert_allclose(Activation("ReLU").forward(x), [[0.0, 0.5]])
    layer = Activation("elu", alpha=0.5)
    assert layer.name == "elu"
    assert layer.config() == {"activation": "elu", "name": "elu", "alpha": 0.5}
    assert "alpha=0.5" in repr(layer)


# ------------------------------------------------------------------ PReLU
def test_prelu_forward():
    layer = PReLU(2, alpha=0.25)
    x = np.array([[-2.0, 3.0], [4.0, -1.0]])
    np.testing.assert_allclose(layer.forward(x), [[-0.5, 3.0], [4.0, -0.25]])
    layer.params["alpha"][...] = [0.1, 0.5]
    np.testing.assert_allclose(layer.forward(x), [[-0.2, 3.0], [4.0, -0.5]])


@pytest.mark.parametrize("seed", range(3))
def test_prelu_gradients_including_alpha(seed):
    layer = PReLU(4)
    layer.params["alpha"][...] = [0.1, 0.25, 0.6, 1.5]
    errors = layer_gradients(layer, away_from_zero((6, 4), seed), seed)
    assert set(errors) == {"input", "alpha"}
    assert max(errors.values()) < TOL, errors


def test_prelu_alpha_gradient_by_hand():
    layer = PReLU(2)
    x = np.array([[-2.0, 3.0], [-1.0, -4.0]])
    layer.forward(x)
    layer.backward(np.array([[1.0, 1.0], [2.0, 0.5]]))
    # dα_j = Σ over samples of da · z where z ≤ 0
    np.testing.assert_allclose(layer.grads["alpha"], [1.0 * -2.0 + 2.0 * -1.0, 0.5 * -4.0])


# ------------------------------------------------------------------ Dropout
def test_dropout_is_the_identity_when_not_training():
    x = np.random.default_rng(0).normal(size=(4, 5))
    layer = Dropout(0.5, seed=0)
    np.testing.assert_array_equal(layer.forward(x), x)
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), np.ones_like(x))
    np.testing.assert_array_equal(Dropout(0.0, seed=0).forward(x, training=True), x)


def test_dropout_in_training_zeros_and_rescales():
    x = np.ones((200, 50))
    out = Dropout(0.3, seed=0).forward(x, training=True)
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1.0 / 0.7)  # inverted dropout keeps the mean
    assert kept.mean() == pytest.approx(0.7, abs=0.02)
    assert out.mean() == pytest.approx(1.0, abs=0.03)


def test_dropout_backward_uses_the_forward_mask():
    layer = Dropout(0.5, seed=1)
    out = layer.forward(np.ones((3, 4)), training=True)
    grad = layer.backward(np.ones((3, 4)))
    np.testing.assert_array_equal(grad, out)  # same zeros, same 1/(1−rate) scale


def test_dropout_same_seed_same_mask():
    x = np.ones((6, 8))
    a = Dropout(0.5, seed=7).forward(x, training=True)
    b = Dropout(0.5, seed=7).forward(x, training=True)
    c = Dropout(0.5, seed=8).forward(x, training=True)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    same_rng = Dropout(0.5, rng=np.random.default_rng(7)).forward(x, training=True)
    np.testing.assert_array_equal(a, same_rng)


def test_dropout_gradient_with_a_fixed_mask():
    layer = Dropout(0.4)

    def same_mask():  # the same generator state before every forward: the same mask
        layer.rng = np.random.default_rng(11)

    x = np.random.default_rng(2).normal(size=(5, 6))
    same_mask()
    mask = layer.forward(x, training=True) != 0
    assert 0 < mask.sum() < mask.size  # some units dropped, some kept
    errors = layer_gradients(layer, x, training=True, before_forward=same_mask)
    assert errors["input"] < TOL, errors


# ------------------------------------------------------------------ common behaviour
@pytest.mark.parametrize("layer", [Dense(2, 3), Activation("relu"), PReLU(2), Dropout(0.5)],
                         ids=["Dense", "Activation", "PReLU", "Dropout"])
def test_every_layer_has_name_params_grads(layer):
    assert isinstance(layer, layers.Layer)
    assert isinstance(layer.name, str) and layer.name
    assert isinstance(layer.params, dict) and isinstance(layer.grads, dict)
    assert repr(layer).startswith(type(layer).__name__ + "(")
    assert set(layers.LAYER_TYPES) == {"Dense", "Activation", "PReLU", "Dropout"}


def test_custom_names():
    assert Dense(2, 3, name="hidden").name == "hidden"
    assert Activation("tanh", name="squash").name == "squash"
