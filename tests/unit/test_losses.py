"""nnedu.losses: values, gradients (gradient checks), fused gradients and stability."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnedu import losses
from nnedu.activations import sigmoid, sigmoid_derivative, softmax, softmax_backward
from nnedu.gradcheck import numerical_gradient, relative_error

TOL = 1e-7


def strict_numpy():
    """Overflow, division by zero and invalid operations raise; underflow to 0 is fine."""
    return np.errstate(over="raise", divide="raise", invalid="raise", under="ignore")


def away_from(y_true: np.ndarray, seed: int) -> np.ndarray:
    """Predictions at least 0.1 away from the targets (|ŷ − y| has a kink at 0)."""
    rng = np.random.default_rng(seed)
    return y_true + rng.uniform(0.1, 1.0, y_true.shape) * rng.choice([-1.0, 1.0], y_true.shape)


def one_hot_rows(m: int, k: int, seed: int) -> np.ndarray:
    labels = np.random.default_rng(seed).integers(0, k, size=m)
    return np.eye(k)[labels]


def probabilities(m: int, k: int, seed: int) -> np.ndarray:
    """Rows of probabilities between about 0.05 and 0.6 (no clipping anywhere)."""
    raw = np.random.default_rng(seed).uniform(0.5, 3.0, (m, k))
    return raw / raw.sum(axis=1, keepdims=True)


# ------------------------------------------------------------------ values by hand
def test_mse_and_mae_by_hand():
    y_pred = np.array([[1.0, 2.0], [3.0, 5.0]])
    y_true = np.array([[0.0, 2.0], [1.0, 1.0]])
    assert losses.mse(y_pred, y_true) == pytest.approx((1 + 0 + 4 + 16) / 4)
    assert losses.mae(y_pred, y_true) == pytest.approx((1 + 0 + 2 + 4) / 4)
    np.testing.assert_allclose(losses.mse_gradient(y_pred, y_true),
                               [[2 * 1 / 4, 0.0], [2 * 2 / 4, 2 * 4 / 4]])
    np.testing.assert_allclose(losses.mae_gradient(y_pred, y_true), [[0.25, 0.0], [0.25, 0.25]])


def test_binary_cross_entropy_by_hand():
    p = np.array([[0.9], [0.2]])
    y = np.array([[1.0], [0.0]])
    expected = -(math.log(0.9) + math.log(0.8)) / 2
    assert losses.binary_cross_entropy(p, y) == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(losses.binary_cross_entropy_gradient(p, y),
                               [[(0.9 - 1) / (0.9 * 0.1) / 2], [0.2 / (0.2 * 0.8) / 2]])


def test_categorical_cross_entropy_averages_over_samples_only():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    expected = -(math.log(0.7) + math.log(0.8)) / 2  # not divided by 3 classes as well
    assert losses.categorical_cross_entropy(p, y) == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(losses.categorical_cross_entropy_gradient(p, y),
                               [[-1 / 0.7 / 2, 0, 0], [0, 0, -1 / 0.8 / 2]])


def test_perfect_predictions_cost_nothing():
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert losses.mse(y, y) == 0.0
    assert losses.mae(y, y) == 0.0
    assert losses.binary_cross_entropy(y, y) == pytest.approx(0.0, abs=1e-11)
    assert losses.categorical_cross_entropy(y, y) == pytest.approx(0.0, abs=1e-11)


def test_confident_wrong_answer_is_large_but_finite():
    y = np.array([[1.0, 0.0]])
    p = np.array([[0.0, 1.0]])
    assert 20 < losses.categorical_cross_entropy(p, y) < 30  # −log(1e-12) ≈ 27.6
    assert 10 < losses.binary_cross_entropy(p, y) < 30
    assert np.all(np.isfinite(losses.binary_cross_entropy_gradient(p, y)))
    assert np.all(np.isfinite(losses.categorical_cross_entropy_gradient(p, y)))


def test_losses_accept_lists_and_return_python_floats():
    value = losses.mse([[1.0], [2.0]], [[0.0], [0.0]])
    assert type(value) is float and value == pytest.approx(2.5)


def test_losses_do_not_change_their_inputs():
    p = np.array([[0.0, 1.0]])
    y = np.array([[1.0, 0.0]])
    for name, (value_fn, grad_fn) in losses.LOSSES.items():
        p_before, y_before = p.copy(), y.copy()
        value_fn(p, y)
        grad_fn(p, y)
        np.testing.assert_array_equal(p, p_before, err_msg=name)
        np.testing.assert_array_equal(y, y_before, err_msg=name)


# ------------------------------------------------------------------ gradient checks
def loss_cases(seed: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    y_reg = rng.normal(size=(5, 3))
    y_bin = rng.integers(0, 2, size=(6, 2)).astype(float)
    y_soft = rng.uniform(0, 1, size=(6, 2))  # soft labels are allowed for BCE
    return [
        ("mse", away_from(y_reg, seed), y_reg),
        ("mae", away_from(y_reg, seed), y_reg),
        ("binary_cross_entropy", rng.uniform(0.05, 0.95, (6, 2)), y_bin),
        ("binary_cross_entropy", rng.uniform(0.05, 0.95, (6, 2)), y_soft),
        ("categorical_cross_entropy", probabilities(4, 3, seed), one_hot_rows(4, 3, seed)),
        ("categorical_cross_entropy", probabilities(4, 3, seed), probabilities(4, 3, seed + 1)),
    ]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("case", range(6))
def test_gradient_matches_numerical_gradient(seed, case):
    name, y_pred, y_true = loss_cases(seed)[case]
    value_fn, grad_fn = losses.get_loss(name)
    numeric = numerical_gradient(lambda p: value_fn(p, y_true), y_pred.copy())
    assert relative_error(grad_fn(y_pred, y_true), numeric) < TOL, name


@pytest.mark.parametrize("seed", range(3))
def test_fused_softmax_cross_entropy_gradient(seed):
    rng = np.random.default_rng(seed)
    z = 2.0 * rng.standard_normal((5, 4))
    y = one_hot_rows(5, 4, seed)
    fused = losses.softmax_cross_entropy_gradient(z, y)
    # 1. against the numerical gradient of the stable loss computed from the logits
    numeric = numerical_gradient(lambda t: losses.softmax_cross_entropy(t, y), z.copy())
    assert relative_error(fused, numeric) < TOL
    # 2. against the chain rule: CCE gradient pushed back through the softmax Jacobian
    p = softmax(z)
    chained = softmax_backward(z, losses.categorical_cross_entropy_gradient(p, y))
    np.testing.assert_allclose(fused, chained, rtol=1e-10, atol=1e-14)
    # 3. the same formula written out: (softmax(z) − y) / m
    np.testing.assert_allclose(fused, (p - y) / 5, rtol=1e-14)
    # and the loss value equals CCE of the probabilities
    assert losses.softmax_cross_entropy(z, y) == pytest.approx(
        losses.categorical_cross_entropy(p, y), rel=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_fused_sigmoid_binary_cross_entropy_gradient(seed):
    rng = np.random.default_rng(seed)
    z = 2.0 * rng.standard_normal((6, 2))
    y = rng.integers(0, 2, size=(6, 2)).astype(float)
    fused = losses.sigmoid_binary_cross_entropy_gradient(z, y)
    numeric = numerical_gradient(lambda t: losses.sigmoid_binary_cross_entropy(t, y), z.copy())
    assert relative_error(fused, numeric) < TOL
    p = sigmoid(z)
    chained = sigmoid_derivative(z) * losses.binary_cross_entropy_gradient(p, y)
    np.testing.assert_allclose(fused, chained, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(fused, (p - y) / y.size, rtol=1e-14)
    assert losses.sigmoid_binary_cross_entropy(z, y) == pytest.approx(
        losses.binary_cross_entropy(p, y), rel=1e-12)


def test_fused_losses_stay_exact_where_probabilities_would_round_to_0_or_1():
    z = np.array([[-800.0, 800.0], [1e4, -1e4]])
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    # true loss: each row pays its logit gap, 1600 and 2e4; averaged over 2 samples
    assert losses.softmax_cross_entropy(z, y) == pytest.approx((1600 + 2e4) / 2)
    zb = np.array([[-800.0], [1e4]])
    yb = np.array([[1.0], [0.0]])
    assert losses.sigmoid_binary_cross_entropy(zb, yb) == pytest.approx((800 + 1e4) / 2)


# ------------------------------------------------------------------ lookup
def test_get_loss_and_the_table():
    assert set(losses.LOSSES) == {"mse", "mae", "binary_cross_entropy",
                                  "categorical_cross_entropy"}
    assert losses.get_loss("MSE") == (losses.mse, losses.mse_gradient)


def test_unknown_loss_suggests_the_closest_name():
    with pytest.raises(ValueError, match=r"Unknown loss 'mes'\. Did you mean 'mse'\?"):
        losses.get_loss("mes")


# ------------------------------------------------------------------ stability properties
# Values float32 can hold, drawn as float64 or float32 arrays: both precisions are checked.
FLOATS = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False, width=32)
PROBS = st.floats(0.0, 1.0, width=32)
SHAPES = hnp.array_shapes(min_dims=2, max_dims=2, max_side=5)
DTYPES = st.sampled_from([np.float64, np.float32])


@st.composite
def pairs(draw, elements_pred, elements_true):
    shape, dtype = draw(SHAPES), draw(DTYPES)
    return (draw(hnp.arrays(dtype, shape, elements=elements_pred)),
            draw(hnp.arrays(dtype, shape, elements=elements_true)))


@st.composite
def one_hot_pairs(draw, elements_pred):
    (m, k), dtype = draw(SHAPES), draw(DTYPES)
    labels = draw(hnp.arrays(np.int64, m, elements=st.integers(0, k - 1)))
    return (draw(hnp.arrays(dtype, (m, k), elements=elements_pred)),
            np.eye(k, dtype=dtype)[labels])


def assert_finite_loss_and_gradient(value_fn, grad_fn, y_pred, y_true):
    with warnings.catch_warnings(), strict_numpy():
        warnings.simplefilter("error")
        value = value_fn(y_pred, y_true)
        grad = grad_fn(y_pred, y_true)
    assert isinstance(value, float) and math.isfinite(value) and value >= 0.0
    assert grad.shape == y_pred.shape and np.all(np.isfinite(grad))
    assert grad.dtype == y_pred.dtype  # float32 stays float32


@settings(max_examples=60)
@given(data=pairs(FLOATS, FLOATS))
@pytest.mark.parametrize("name", ["mse", "mae"])
def test_regression_losses_are_finite(name, data):
    assert_finite_loss_and_gradient(*losses.get_loss(name), *data)


@settings(max_examples=60)
@given(data=pairs(PROBS, PROBS))
def test_binary_cross_entropy_is_finite_even_at_0_and_1(data):
    assert_finite_loss_and_gradient(*losses.get_loss("binary_cross_entropy"), *data)


@settings(max_examples=60)
@given(data=one_hot_pairs(PROBS))
def test_categorical_cross_entropy_is_finite_even_at_0(data):
    assert_finite_loss_and_gradient(*losses.get_loss("categorical_cross_entropy"), *data)


@settings(max_examples=60)
@given(data=one_hot_pairs(FLOATS))
def test_softmax_cross_entropy_from_huge_logits_is_finite(data):
    assert_finite_loss_and_gradient(losses.softmax_cross_entropy,
                                    losses.softmax_cross_entropy_gradient, *data)


@settings(max_examples=60)
@given(data=pairs(FLOATS, PROBS))
def test_sigmoid_binary_cross_entropy_from_huge_logits_is_finite(data):
    assert_finite_loss_and_gradient(losses.sigmoid_binary_cross_entropy,
                                    losses.sigmoid_binary_cross_entropy_gradient, *data)


def test_categorical_cross_entropy_of_one_sample_given_as_a_flat_row():
    # softmax treats a 1-D array as one sample's classes; the loss must agree (or refuse it).
    p = np.array([0.7, 0.2, 0.1])
    y = np.array([1.0, 0.0, 0.0])
    try:
        value = losses.categorical_cross_entropy(p, y)
    except ValueError as err:
        assert "categorical_cross_entropy" in str(err) and "2-D" in str(err)
    else:
        assert value == pytest.approx(-math.log(0.7))  # not −log(0.7) / 3


@pytest.mark.parametrize("p, y", [(1.0, 0.0), (0.0, 1.0), (1.0, 1.0), (0.0, 0.0)])
def test_binary_cross_entropy_in_float32_at_the_ends_is_finite(p, y):
    p32, y32 = np.float32([[p]]), np.float32([[y]])
    with warnings.catch_warnings(), strict_numpy():
        warnings.simplefilter("error")
        value = losses.binary_cross_entropy(p32, y32)
        grad = losses.binary_cross_entropy_gradient(p32, y32)
    assert math.isfinite(value) and np.all(np.isfinite(grad)) and grad.dtype == np.float32
    if p != y:  # a confident wrong answer costs −log(ε) with ε the float32 epsilon
        assert value == pytest.approx(-math.log(np.finfo(np.float32).eps), rel=1e-6)
    assert losses.clip_eps(np.float64) == losses.EPS == 1e-12
