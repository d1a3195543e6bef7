"""Sequential with images: predict_proba, predict and summary take (batch, channels, height,
width) when the network starts with a Conv2D, and explain what to do when the shape is wrong."""

from __future__ import annotations

import numpy as np
import pytest

from nnedu.conv import Conv2D, Flatten, MaxPool2D, digits_cnn
from nnedu.layers import Activation, Dense
from nnedu.network import Sequential, mlp


@pytest.fixture(scope="module")
def cnn():
    return digits_cnn(filters=4, seed=0)


def images(n: int = 5, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 1, (n, 1, 8, 8))


def test_predict_proba_takes_images(cnn):
    p = cnn.predict_proba(images())
    assert p.shape == (5, 10)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_array_equal(p, cnn.forward(images(), training=False))


def test_predict_gives_one_label_per_image(cnn):
    labels = cnn.predict(images(7))
    assert labels.shape == (7,)
    np.testing.assert_array_equal(labels, cnn.predict_proba(images(7)).argmax(axis=1))


def test_float32_images_give_float32_probabilities():
    cnn32 = digits_cnn(filters=4, seed=0, dtype=np.float32)
    assert cnn32.predict_proba(images().astype(np.float32)).dtype == np.float32


def test_a_conv_network_has_no_in_features(cnn):
    assert cnn.in_features is None
    assert mlp((64, 10)).in_features == 64


def test_summary_of_a_conv_network_shows_image_shapes(cnn):
    text = cnn.summary((1, 8, 8))
    for fragment in ("conv2d_1 (Conv2D)", "(batch, 4, 8, 8)", "(batch, 8, 8, 8)",
                     "maxpool2d_1 (MaxPool2D)", "(batch, 8, 1, 1)", "flatten_1 (Flatten)",
                     "(batch, 8)", "(batch, 10)", f"{cnn.count_parameters():,}"):
        assert fragment in text, text


def test_summary_with_valid_padding_and_pooling():
    model = Sequential([Conv2D(1, 2, 3), Activation("relu"), MaxPool2D(2), Flatten(),
                        Dense(18, 3), Activation("softmax")])
    text = model.summary((1, 8, 8))
    assert "(batch, 2, 6, 6)" in text and "(batch, 2, 3, 3)" in text and "(batch, 18)" in text


def test_summary_of_a_dense_network_is_unchanged():
    text = mlp((4, 3, 2)).summary()
    assert "(batch, 3)" in text and "(batch, 2)" in text
    assert mlp((4, 3, 2)).summary((4,)) == text


@pytest.mark.parametrize(("x", "fragments"), [
    (np.ones((5, 64)), ["Sequential.predict_proba", "Conv2D", "(batch, channels=1, height, "
                        "width)", "x.reshape(-1, 1, 8, 8)"]),
    (np.ones((5, 8, 8)), ["Conv2D", "add the channel axis", "x.reshape(-1, 1, 8, 8)"]),
    (np.ones((5, 8, 8, 1)), ["Conv2D", "channels come last", "transpose(0, 3, 1, 2)"]),
    (np.ones((5, 3, 8, 8)), ["Conv2D", "3 channel(s)", "built for 1"]),
])
def test_wrong_image_shapes_are_explained(cnn, x, fragments):
    with pytest.raises(ValueError) as info:
        cnn.predict_proba(x)
    assert all(f in str(info.value) for f in fragments), str(info.value)


def test_nan_in_images_is_named(cnn):
    x = images()
    x[2, 0, 3, 4] = np.nan
    with pytest.raises(ValueError, match=r"1 nan or inf.*\(2, 0, 3, 4\)"):
        cnn.predict(x)


def test_a_dense_network_still_refuses_images():
    with pytest.raises(ValueError, match="expected a 2-D x"):
        mlp((64, 10)).predict_proba(images())


@pytest.mark.parametrize("shape", [None, (8, 8), (1, 8, 0), (1.0, 8, 8)])
def test_summary_of_a_conv_network_needs_a_good_image_shape(cnn, shape):
    with pytest.raises(ValueError, match=r"summary.*\(channels, height, width\)"):
        cnn.summary(shape)


def test_a_saved_conv_network_predicts_the_same_images(cnn, tmp_path):
    cnn.save(tmp_path / "cnn.npz")
    loaded = Sequential.load(tmp_path / "cnn.npz")
    np.testing.assert_array_equal(loaded.predict(images()), cnn.predict(images()))
