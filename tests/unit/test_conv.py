"""nnedu.conv: loops vs vectorised, gradient checks, save/load, dtypes, errors, shifted digits."""

from __future__ import annotations

import numpy as np
import pytest

from nnedu.conv import (
    DIGITS_CNN_TRAINING,
    AvgPool2D,
    Conv2D,
    Flatten,
    MaxPool2D,
    conv2d,
    conv2d_backward,
    conv2d_backward_loops,
    conv2d_loops,
    digits_cnn,
    shift_digits,
)
from nnedu.gradcheck import check_layer, check_network
from nnedu.layers import Activation, Dense
from nnedu.network import Sequential

# (x shape, W shape): channels, image sizes and (non-square) kernels of every kind
SHAPES = [((2, 1, 5, 5), (3, 1, 3, 3)), ((3, 2, 6, 4), (4, 2, 2, 3)),
          ((1, 3, 4, 7), (2, 3, 4, 1)), ((2, 2, 3, 3), (1, 2, 3, 3)), ((2, 1, 4, 4), (2, 1, 1, 1))]


def random_conv(x_shape, w_shape, seed=0):
    rng = np.random.default_rng(seed)
    x, W, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    return rng, x, W, b


# ------------------------------------------------------------------ loops == vectorised
@pytest.mark.parametrize("x_shape, w_shape", SHAPES)
def test_vectorised_forward_equals_loops(x_shape, w_shape):
    _, x, W, b = random_conv(x_shape, w_shape)
    expected = conv2d_loops(x, W, b)
    n, _, h, w = x_shape
    assert expected.shape == (n, w_shape[0], h - w_shape[2] + 1, w - w_shape[3] + 1)
    np.testing.assert_allclose(conv2d(x, W, b), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("x_shape, w_shape", SHAPES)
def test_vectorised_backward_equals_loops(x_shape, w_shape):
    rng, x, W, b = random_conv(x_shape, w_shape, seed=1)
    dz = rng.normal(size=conv2d_loops(x, W, b).shape)
    for fast, slow, name in zip(conv2d_backward(x, W, dz), conv2d_backward_loops(x, W, dz),
                                ("dx", "dW", "db")):
        assert fast.shape == slow.shape, name
        np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-12, err_msg=name)
    dx, dW, db = conv2d_backward(x, W, dz, input_grad=False)
    assert dx is None
    np.testing.assert_allclose(dW, conv2d_backward_loops(x, W, dz)[1], rtol=1e-12)


def test_loops_and_vectorised_agree_on_random_shapes():
    rng = np.random.default_rng(10)
    for _ in range(20):
        n, c, f = rng.integers(1, 4, size=3)
        kh, kw = rng.integers(1, 5, size=2)
        h, w = kh + rng.integers(0, 4), kw + rng.integers(0, 4)
        x, W = rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, kh, kw))
        b = rng.normal(size=f)
        np.testing.assert_allclose(conv2d(x, W, b), conv2d_loops(x, W, b), rtol=1e-12, atol=1e-12)
        dz = rng.normal(size=(n, f, h - kh + 1, w - kw + 1))
        for fast, slow in zip(conv2d_backward(x, W, dz), conv2d_backward_loops(x, W, dz)):
            np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-12)


def test_the_loops_compute_the_formula_on_a_small_case():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    W = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])            # x[i, j] − x[i+1, j+1]
    z = conv2d_loops(x, W, np.array([0.5]))
    np.testing.assert_array_equal(z, np.full((1, 1, 3, 3), -5.0 + 0.5))


@pytest.mark.parametrize("padding, kernel", [("same", 3), ("valid", 3), ("same", 2), ("same", 5)])
def test_layer_equals_loops_on_the_padded_input(padding, kernel):
    layer = Conv2D(2, 3, kernel, padding=padding, seed=0)
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 2, 6, 5))
    before = (kernel - 1) // 2 if padding == "same" else 0
    after = kernel - 1 - before if padding == "same" else 0
    x_padded = np.pad(x, ((0, 0), (0, 0), (before, after), (before, after)))
    z = layer.forward(x)
    size = (6, 5) if padding == "same" else (6 - kernel + 1, 5 - kernel + 1)
    assert z.shape == (2, 3, *size)
    assert layer.output_shape((2, 6, 5)) == z.shape[1:]
    np.testing.assert_allclose(z, conv2d_loops(x_padded, layer.params["W"], layer.params["b"]),
                               rtol=1e-12, atol=1e-12)
    dz = rng.normal(size=z.shape)
    dx = layer.backward(dz)
    dx_padded, dW, db = conv2d_backward_loops(x_padded, layer.params["W"], dz)
    np.testing.assert_allclose(dx, dx_padded[:, :, before:before + 6, before:before + 5],
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.grads["W"], dW, rtol=1e-12)
    np.testing.assert_allclose(layer.grads["b"], db, rtol=1e-12)


# ------------------------------------------------------------------ gradient checks
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv2d_gradient_check(padding):
    layer = Conv2D(2, 3, 3, padding=padding, seed=0)
    layer.params["b"] = np.random.default_rng(1).normal(size=3)
    x = np.random.default_rng(3).normal(size=(2, 2, 5, 4))
    report = check_layer(layer, x)
    assert [row.name for row in report.rows] == ["input", "W", "b"]
    assert report.passed, str(report)
    assert report.max_error < 1e-7


@pytest.mark.parametrize("layer", [MaxPool2D(2), MaxPool2D(3), AvgPool2D(2), Flatten()],
                         ids=["maxpool2", "maxpool3", "avgpool2", "flatten"])
def test_pooling_and_flatten_gradient_check(layer):
    x = np.random.default_rng(4).normal(size=(2, 3, 7, 6))   # odd sizes: a row is dropped
    report = check_layer(layer, x)
    assert report.passed, str(report)


def test_maxpool_values_and_gradient_routing():
    x = np.array([[[[1.0, 5.0, 2.0], [3.0, 4.0, 0.0], [9.0, 9.0, 9.0]]]])  # last row/col dropped
    pool = MaxPool2D(2)
    np.testing.assert_array_equal(pool.forward(x), [[[[5.0]]]])
    dx = pool.backward(np.array([[[[7.0]]]]))
    np.testing.assert_array_equal(dx, [[[[0, 7, 0], [0, 0, 0], [0, 0, 0]]]])
    tie = MaxPool2D(2)
    tie.forward(np.zeros((1, 1, 2, 2)))
    assert tie.backward(np.ones((1, 1, 1, 1))).sum() == 1.0   # a tie sends the gradient once
    avg = AvgPool2D(2)
    np.testing.assert_array_equal(avg.forward(x), [[[[13.0 / 4]]]])


def small_cnn(seed: int = 0) -> Sequential:
    rng = np.random.default_rng(seed)
    model = Sequential([Conv2D(1, 3, 3, padding="same", rng=rng), Activation("relu"),
                        MaxPool2D(2), Flatten(), Dense(12, 3, rng=rng), Activation("softmax")])
    for layer in model.layers:  # small random biases keep the ReLUs off their kink at 0
        if "b" in layer.params:
            layer.params["b"][...] = rng.normal(0.0, 0.1, size=layer.params["b"].shape)
    return model


def test_small_cnn_gradient_check_with_softmax_cross_entropy():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(4, 1, 4, 4))
    Y = np.eye(3)[[0, 2, 1, 2]]
    report = check_network(small_cnn(), X, Y)
    assert len(report.rows) == 4
    assert report.passed, str(report)


def test_digits_cnn_gradient_check():
    model = digits_cnn(filters=2, seed=1)
    for layer in model.layers:
        if "b" in layer.params:
            layer.params["b"][...] = 0.1
    X = np.random.default_rng(6).uniform(0, 1, size=(3, 1, 8, 8))
    report = check_network(model, X, np.eye(10)[[3, 1, 4]])
    assert report.passed, str(report)


# ------------------------------------------------------------------ save / load, dtype, seeds
def test_save_and_load_round_trip(tmp_path):
    model = digits_cnn(filters=4, seed=3)
    model.layers.insert(5, AvgPool2D(1, name="avgpool2d_1"))  # every conv layer type, saved too
    x = np.random.default_rng(0).uniform(size=(5, 1, 8, 8))
    path = tmp_path / "cnn.npz"
    model.save(path)
    loaded = Sequential.load(path)
    assert [type(layer).__name__ for layer in loaded.layers] == [
        type(layer).__name__ for layer in model.layers]
    assert [layer.config() for layer in loaded.layers] == [layer.config() for layer in model.layers]
    np.testing.assert_array_equal(loaded.forward(x), model.forward(x))


def test_float32_stays_float32():
    model = digits_cnn(filters=3, seed=0, dtype=np.float32)
    x = np.random.default_rng(0).uniform(size=(4, 1, 8, 8)).astype(np.float32)
    assert model.forward(x).dtype == np.float32
    model.loss_and_backward(x, np.eye(10, dtype=np.float32)[[0, 1, 2, 3]])
    assert all(g.dtype == np.float32 for g in model.gradients())
    for layer in (MaxPool2D(2), AvgPool2D(2), Flatten()):
        out = layer.forward(x)
        assert out.dtype == np.float32
        assert layer.backward(np.ones_like(out)).dtype == np.float32
    conv = Conv2D(1, 2, 3, padding="same", dtype=np.float32)
    assert conv.backward(np.ones_like(conv.forward(x))).dtype == np.float32


def test_same_seed_same_weights_and_he_scale():
    a, b, c = Conv2D(3, 4, 3, seed=7), Conv2D(3, 4, 3, seed=7), Conv2D(3, 4, 3, seed=8)
    np.testing.assert_array_equal(a.params["W"], b.params["W"])
    assert not np.array_equal(a.params["W"], c.params["W"])
    assert a.params["W"].shape == (4, 3, 3, 3)
    np.testing.assert_array_equal(a.params["b"], np.zeros(4))
    big = Conv2D(32, 64, 3, seed=0).params["W"]               # fan_in = 32·3·3 = 288
    assert abs(big.std() / np.sqrt(2.0 / 288) - 1.0) < 0.03  # 18,432 draws: ±3 % is > 4 σ
    xavier = Conv2D(32, 64, 3, init="xavier", seed=0).params["W"]
    assert abs(xavier.std() / np.sqrt(2.0 / (288 + 576)) - 1.0) < 0.03
    np.testing.assert_array_equal(digits_cnn(seed=2).parameters()[0],
                                  digits_cnn(seed=2).parameters()[0])


# ------------------------------------------------------------------ beginner errors
@pytest.mark.parametrize("shape, fragments", [
    ((5, 64), ["(batch, channels=1, height, width)", "(5, 64)", "x.reshape(-1, 1, 8, 8)"]),
    ((5, 8, 8), ["(5, 8, 8)", "channel axis", "x.reshape(-1, 1, 8, 8)"]),
    ((5, 8, 8, 1), ["(5, 8, 8, 1)", "x.transpose(0, 3, 1, 2)"]),
    ((5, 3, 8, 8), ["(5, 3, 8, 8)", "3 channel(s)", "built for 1"]),
    ((5, 1, 2, 2), ["2×2", "3×3 filter", "padding='same'"]),
])
def test_conv_wrong_shapes_say_what_to_do(shape, fragments):
    with pytest.raises(ValueError) as info:
        Conv2D(1, 4, 3, name="conv").forward(np.zeros(shape))
    message = str(info.value)
    assert message.startswith("Conv2D layer 'conv': ")
    for fragment in fragments:
        assert fragment in message, message


def test_pool_and_flatten_errors():
    with pytest.raises(ValueError, match=r"MaxPool2D layer 'maxpool2d'.*\(5, 64\).*reshape"):
        MaxPool2D(2).forward(np.zeros((5, 64)))
    with pytest.raises(ValueError, match=r"AvgPool2D layer 'avgpool2d'.*1×1.*2×2"):
        AvgPool2D(2).forward(np.zeros((2, 3, 1, 1)))
    with pytest.raises(ValueError, match=r"Flatten layer 'flatten'.*\(3,\)"):
        Flatten().forward(np.zeros(3))
    for layer in (Conv2D(1, 2), MaxPool2D(), AvgPool2D(), Flatten()):
        with pytest.raises(RuntimeError, match="before forward"):
            layer.backward(np.zeros((1, 2, 1, 1)))
    conv = Conv2D(1, 2, 3, name="c")
    conv.forward(np.zeros((2, 1, 5, 5)))
    with pytest.raises(ValueError, match=r"c\.backward.*\(2, 2, 3, 3\).*\(2, 2, 5, 5\)"):
        conv.backward(np.zeros((2, 2, 5, 5)))


@pytest.mark.parametrize("kwargs, fragment", [
    ({"in_channels": 0, "out_channels": 2}, "in_channels must be a whole number ≥ 1, got 0"),
    ({"in_channels": 1, "out_channels": 2.5}, "out_channels"),
    ({"in_channels": 1, "out_channels": 2, "kernel_size": True}, "kernel_size"),
    ({"in_channels": 1, "out_channels": 2, "padding": "sam"}, "Did you mean 'same'"),
    ({"in_channels": 1, "out_channels": 2, "init": "glorot_normal"}, "Choose one of: he, xavier"),
])
def test_conv_constructor_errors(kwargs, fragment):
    with pytest.raises(ValueError) as info:
        Conv2D(**kwargs)
    assert fragment in str(info.value)


def test_fit_accepts_images_and_a_dense_model_explains_them():
    from nnedu.network import mlp
    from nnedu.train import fit

    rng = np.random.default_rng(0)
    X, y = rng.uniform(size=(20, 1, 8, 8)), rng.integers(0, 10, 20)
    model = digits_cnn(filters=2, seed=0)
    history = fit(model, X, y, epochs=2, batch_size=10, progress=False)
    assert history.epochs == 2
    with pytest.raises(ValueError, match=r"Dense layer 'dense_1'.*\(20, 1, 8, 8\).*reshape"):
        fit(mlp((64, 8, 10)), X, y, epochs=1, progress=False)


# ------------------------------------------------------------------ shifted digits
def test_shift_digits_moves_pixels_and_fills_with_zeros():
    X = np.arange(1.0, 65.0).reshape(1, 64)
    right = shift_digits(X, dx=1).reshape(8, 8)
    np.testing.assert_array_equal(right[:, 0], 0)
    np.testing.assert_array_equal(right[:, 1:], X.reshape(8, 8)[:, :-1])
    up2 = shift_digits(X.reshape(1, 1, 8, 8), dy=-2)
    assert up2.shape == (1, 1, 8, 8)
    np.testing.assert_array_equal(up2[0, 0, :6], X.reshape(8, 8)[2:])
    np.testing.assert_array_equal(up2[0, 0, 6:], 0)
    back = shift_digits(shift_digits(X.reshape(1, 8, 8), 2, 1), -2, -1)
    np.testing.assert_array_equal(back[0, :7, :6], X.reshape(8, 8)[:7, :6])
    np.testing.assert_array_equal(shift_digits(X, 0, 0), X)
    with pytest.raises(ValueError, match=r"shift_digits.*\(2, 63\)"):
        shift_digits(np.zeros((2, 63)), 1, 0)
    with pytest.raises(TypeError, match="whole numbers of pixels"):
        shift_digits(X, 0.5, 0)


SHIFTS = [(1, 0), (-1, 0), (0, 1), (0, -1)]


def accuracy(model: Sequential, X: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.argmax(model.forward(X), axis=1) == y))


def shifted_accuracy(model: Sequential, X: np.ndarray, y: np.ndarray, pixels: int,
                     images: bool) -> float:
    """Mean accuracy over the 4 directions (right, left, down, up) at ``pixels`` pixels."""
    accs = []
    for dx, dy in SHIFTS:
        shifted = shift_digits(X, pixels * dx, pixels * dy)
        accs.append(accuracy(model, shifted.reshape(-1, 1, 8, 8) if images else shifted, y))
    return float(np.mean(accs))


def test_cnn_loses_much_less_than_the_mlp_on_shifted_digits(tmp_path):
    from nnedu.__main__ import train_digits
    from nnedu.data import load_digits
    from nnedu.optim import Adam, cosine
    from nnedu.train import fit

    digits = load_digits()
    train_digits(progress=False, save=str(tmp_path / "mlp.npz"))   # the CLI's default MLP
    mlp_model = Sequential.load(tmp_path / "mlp.npz")
    t = DIGITS_CNN_TRAINING
    cnn = digits_cnn(seed=0, dtype=t["dtype"])
    fit(cnn, digits.X_train.reshape(-1, 1, 8, 8).astype(t["dtype"]), digits.y_train,
        optimizer=Adam(lr=t["lr"], weight_decay=t["weight_decay"], schedule=cosine(t["epochs"])),
        epochs=t["epochs"], batch_size=t["batch_size"], seed=0, progress=False,
        evaluate_train=False)  # no per-epoch history needed: same weights, a third faster

    mlp_clean = accuracy(mlp_model, digits.X_test, digits.y_test)
    cnn_clean = accuracy(cnn, digits.X_test.reshape(-1, 1, 8, 8), digits.y_test)
    assert mlp_clean >= 0.97 and cnn_clean >= 0.97
    mlp_drop = mlp_clean - shifted_accuracy(mlp_model, digits.X_test, digits.y_test, 1, False)
    cnn_drop = cnn_clean - shifted_accuracy(cnn, digits.X_test, digits.y_test, 1, True)
    assert mlp_drop > 0.2          # one pixel costs the MLP a lot of its accuracy …
    assert cnn_drop < mlp_drop / 2  # … and the CNN less than half as much
    mlp_drop2 = mlp_clean - shifted_accuracy(mlp_model, digits.X_test, digits.y_test, 2, False)
    cnn_drop2 = cnn_clean - shifted_accuracy(cnn, digits.X_test, digits.y_test, 2, True)
    assert cnn_drop2 < mlp_drop2 - 0.2
