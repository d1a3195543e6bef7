"""nnedu.activations: values, derivatives (gradient checks) and numerical stability."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnedu import activations as act
from nnedu.gradcheck import numerical_gradient, relative_error

TOL = 1e-7  # relative error of a correct derivative in float64

# Points for the gradient checks: away from the kinks of relu / leaky_relu / elu (at 0)
# and away from the zeros of the gelu and swish derivatives (near -0.75 and -1.28), where a
# relative error compares two tiny numbers.
GRID = np.array([[-2.7, -1.9, -0.9, -0.35, -0.12], [0.15, 0.4, 0.8, 1.6, 2.9]])

# (name, keyword arguments): every element-wise activation, plus the ones with an alpha.
CASES = [(name, {}) for name in act.ACTIVATIONS] + [
    ("leaky_relu", {"alpha": 0.2}),
    ("leaky_relu", {"alpha": 1.7}),
    ("elu", {"alpha": 0.5}),
    ("elu", {"alpha": 2.5}),
]
CASE_IDS = [f"{name}-{kw['alpha']}" if kw else name for name, kw in CASES]

# Inputs for the stability properties: anything from -1e4 to 1e4, any shape up to 3-D, in
# float64 or float32 (values that float32 can hold, so both precisions see the same numbers).
FLOATS = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False, width=32)
DTYPES = st.sampled_from([np.float64, np.float32])
ARRAYS = DTYPES.flatmap(lambda dtype: hnp.arrays(
    dtype, hnp.array_shapes(min_dims=1, max_dims=3, max_side=6), elements=FLOATS))
MATRICES = DTYPES.flatmap(lambda dtype: hnp.arrays(
    dtype, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6), elements=FLOATS))


def eps(x: np.ndarray) -> float:
    """The machine epsilon of x's float type (2.2e-16 in float64, 1.2e-7 in float32)."""
    return float(np.finfo(x.dtype).eps)


def strict_numpy():
    """Turn overflow, division by zero and invalid operations into errors.

    Underflow stays ignored (numpy's default): e^(-1e4) rounding to 0 is the correct
    answer, not a problem; it happens in every stable sigmoid.
    """
    return np.errstate(over="raise", divide="raise", invalid="raise", under="ignore")


def upstream(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """A random upstream gradient with entries of size 0.5..1.5 and random signs."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0.5, 1.5, shape) * rng.choice([-1.0, 1.0], shape)


# ------------------------------------------------------------------ values
def test_sigmoid_known_values():
    z = np.array([-2.0, 0.0, 1.0, 3.0])
    expected = [1 / (1 + math.exp(2.0)), 0.5, 1 / (1 + math.exp(-1.0)), 1 / (1 + math.exp(-3.0))]
    np.testing.assert_allclose(act.sigmoid(z), expected, rtol=1e-15)
    s = np.array(expected)
    np.testing.assert_allclose(act.sigmoid_derivative(z), s * (1 - s), rtol=1e-15)


def test_sigmoid_derivative_is_taken_at_z_not_at_the_activation():
    # The seed article's classic bug: sigmoid_derivative(a) instead of sigmoid_derivative(z).
    assert act.sigmoid_derivative(0.0) == pytest.approx(0.25)
    assert act.sigmoid_derivative(2.0) == pytest.approx(math.exp(-2) / (1 + math.exp(-2)) ** 2)


@pytest.mark.parametrize(
    ("name", "z", "expected"),
    [
        ("tanh", [-1.0, 0.0, 2.0], [math.tanh(-1.0), 0.0, math.tanh(2.0)]),
        ("relu", [-2.0, 0.0, 3.5], [0.0, 0.0, 3.5]),
        ("leaky_relu", [-2.0, 0.0, 3.5], [-0.02, 0.0, 3.5]),
        ("elu", [-1.0, 0.0, 2.0], [math.exp(-1.0) - 1.0, 0.0, 2.0]),
        ("linear", [-1.5, 0.0, 2.0], [-1.5, 0.0, 2.0]),
        ("swish", [-1.0, 0.0, 2.0], [-1 / (1 + math.e), 0.0, 2 / (1 + math.exp(-2))]),
        ("gelu", [0.0, 1.0],
         [0.0, 0.5 * (1 + math.tanh(math.sqrt(2 / math.pi) * (1 + 0.044715)))]),
    ],
)
def test_activation_values(name, z, expected):
    f, _ = act.get_activation(name)
    np.testing.assert_allclose(f(np.array(z)), expected, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize(
    ("name", "z", "expected"),
    [
        ("relu", [-2.0, 0.0, 3.5], [0.0, 0.0, 1.0]),  # 0 at the kink, by convention
        ("leaky_relu", [-2.0, 3.5], [0.01, 1.0]),
        ("tanh", [0.0], [1.0]),
        ("linear", [-3.0, 0.0, 7.0], [1.0, 1.0, 1.0]),
        ("elu", [-1.0, 2.0], [math.exp(-1.0), 1.0]),
        ("gelu", [0.0], [0.5]),
        ("swish", [0.0], [0.5]),
    ],
)
def test_derivative_values(name, z, expected):
    _, df = act.get_activation(name)
    np.testing.assert_allclose(df(np.array(z)), expected, rtol=1e-14)


def test_alpha_changes_leaky_relu_and_elu():
    z = np.array([-2.0, 1.0])
    np.testing.assert_allclose(act.leaky_relu(z, alpha=0.3), [-0.6, 1.0])
    np.testing.assert_allclose(act.leaky_relu_derivative(z, alpha=0.3), [0.3, 1.0])
    np.testing.assert_allclose(act.elu(z, alpha=2.0), [2.0 * math.expm1(-2.0), 1.0])
    np.testing.assert_allclose(act.elu_derivative(z, alpha=2.0), [2.0 * math.exp(-2.0), 1.0])


def test_softmax_known_values():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(act.softmax(z), [e / e.sum(), [1 / 3] * 3], rtol=1e-14)


def test_softmax_along_another_axis():
    z = np.array([[1.0, 5.0], [2.0, -1.0], [0.5, 0.0]])
    np.testing.assert_allclose(act.softmax(z, axis=0), act.softmax(z.T).T, rtol=1e-14)
    np.testing.assert_allclose(act.softmax(z, axis=0).sum(axis=0), [1.0, 1.0])


def test_linear_returns_a_copy():
    z = np.array([1.0, 2.0])
    out = act.linear(z)
    out[0] = 99.0
    assert z[0] == 1.0


def test_activations_accept_python_lists_and_scalars():
    assert act.relu([-1, 2]).tolist() == [0.0, 2.0]
    assert float(act.sigmoid(0)) == 0.5
    assert float(act.tanh_derivative(0)) == 1.0


# ------------------------------------------------------------------ gradient checks
@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=CASE_IDS)
def test_derivative_matches_numerical_gradient(name, kwargs):
    f, df = act.ACTIVATIONS[name]
    g = upstream(GRID.shape)
    numeric = numerical_gradient(lambda z: np.sum(f(z, **kwargs) * g), GRID.copy())
    analytic = df(GRID, **kwargs) * g
    assert relative_error(analytic, numeric) < TOL


@pytest.mark.parametrize("seed", range(4))
def test_softmax_backward_matches_numerical_gradient(seed):
    rng = np.random.default_rng(seed)
    z = 2.0 * rng.standard_normal((3, 4))
    g = rng.standard_normal((3, 4))
    numeric = numerical_gradient(lambda t: np.sum(act.softmax(t) * g), z.copy())
    assert relative_error(act.softmax_backward(z, g), numeric) < TOL


def test_softmax_backward_equals_the_full_jacobian():
    z = np.array([[0.3, -1.2, 2.0]])
    g = np.array([[1.0, -0.5, 0.25]])
    p = act.softmax(z)[0]
    jacobian = np.diag(p) - np.outer(p, p)  # dp_k/dz_j = p_k (δ_kj − p_j)
    np.testing.assert_allclose(act.softmax_backward(z, g)[0], jacobian.T @ g[0], rtol=1e-14)


# ------------------------------------------------------------------ lookup
def test_get_activation_returns_the_pair_and_ignores_case():
    assert act.get_activation("relu") == (act.relu, act.relu_derivative)
    assert act.get_activation("ReLU") == (act.relu, act.relu_derivative)
    assert set(act.ACTIVATIONS) == {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "linear",
                                    "gelu", "swish"}
    assert "softmax" in act.ACTIVATION_NAMES


@pytest.mark.parametrize(("typo", "suggestion"),
                         [("rleu", "relu"), ("sigmod", "sigmoid"), ("leakyrelu", "leaky_relu")])
def test_unknown_activation_suggests_the_closest_name(typo, suggestion):
    with pytest.raises(ValueError) as err:
        act.get_activation(typo)
    message = str(err.value)
    assert f"Unknown activation {typo!r}" in message
    assert f"Did you mean {suggestion!r}?" in message
    assert "tanh" in message  # the list of choices


# ------------------------------------------------------------------ stability properties
@settings(max_examples=60)
@given(z=ARRAYS)
@pytest.mark.parametrize("name", list(act.ACTIVATIONS))
def test_activation_and_derivative_are_finite_without_warnings(name, z):
    f, df = act.ACTIVATIONS[name]
    with warnings.catch_warnings(), strict_numpy():
        warnings.simplefilter("error")
        a = f(z)
        d = df(z)
    assert a.shape == z.shape and d.shape == z.shape
    assert a.dtype == z.dtype and d.dtype == z.dtype  # float32 stays float32
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(d))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", list(act.ACTIVATIONS))
def test_extreme_inputs(name, dtype):
    f, df = act.ACTIVATIONS[name]
    z = np.array([-1e4, -710.0, -50.0, 0.0, 50.0, 710.0, 1e4], dtype=dtype)
    with warnings.catch_warnings(), strict_numpy():
        warnings.simplefilter("error")
        assert np.all(np.isfinite(f(z))) and np.all(np.isfinite(df(z)))
        assert f(z).dtype == dtype and df(z).dtype == dtype


@settings(max_examples=100)
@given(z=MATRICES)
def test_softmax_rows_are_probabilities(z):
    with warnings.catch_warnings(), strict_numpy():
        warnings.simplefilter("error")
        p = act.softmax(z)
        back = act.softmax_backward(z, np.ones_like(z))
    assert p.shape == z.shape and back.shape == z.shape
    assert p.dtype == z.dtype and back.dtype == z.dtype
    assert np.all(p >= 0.0) and np.all(p <= 1.0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e4 * eps(z))
    assert np.all(np.isfinite(back))
    # A constant upstream gradient does not change the loss: Σ_k p_k = 1 always.
    np.testing.assert_allclose(back, 0.0, atol=1e4 * eps(z))


@settings(max_examples=60)
@given(z=MATRICES, shift=st.floats(-100, 100))
def test_softmax_ignores_a_constant_shift(z, shift):
    z = z.astype(np.float64)  # z + shift must be exact for the two to be equal
    np.testing.assert_allclose(act.softmax(z + shift), act.softmax(z), atol=1e-12)


@settings(max_examples=100)
@given(z=ARRAYS)
def test_sigmoid_symmetry_and_range(z):
    with warnings.catch_warnings(), strict_numpy():
        warnings.simplefilter("error")
        s = act.sigmoid(z)
        s_neg = act.sigmoid(-z)
    assert np.all(s >= 0.0) and np.all(s <= 1.0) and s.dtype == z.dtype
    np.testing.assert_allclose(s_neg, 1.0 - s, rtol=0, atol=eps(z))


@settings(max_examples=60)
@given(z=ARRAYS)
def test_tanh_is_odd_and_relu_is_nonnegative(z):
    np.testing.assert_allclose(act.tanh(-z), -act.tanh(z), rtol=1e-15, atol=0)
    assert np.all(act.relu(z) >= 0.0)
    np.testing.assert_array_equal(act.relu(z) - act.relu(-z), z)
