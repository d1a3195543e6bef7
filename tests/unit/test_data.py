"""nnedu.data: digits split, one-hot, scalers, our own split, toy data sets."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn import datasets, preprocessing
from sklearn.model_selection import train_test_split

from nnedu import data


@pytest.fixture(scope="module")
def digits():
    return datasets.load_digits()


@pytest.fixture(scope="module")
def split_digits():
    return data.load_digits()


# ----------------------------------------------------------------------------- one_hot

def test_one_hot_basic():
    np.testing.assert_array_equal(data.one_hot([2, 0, 1]), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    encoded = data.one_hot(np.array([1, 1]), n_classes=4)
    assert encoded.shape == (2, 4) and encoded.dtype == np.float64
    np.testing.assert_array_equal(encoded, [[0, 1, 0, 0], [0, 1, 0, 0]])


@pytest.mark.parametrize("seed", range(3))
def test_one_hot_round_trip_through_argmax(seed):
    labels = np.random.default_rng(seed).integers(0, 10, size=50)
    encoded = data.one_hot(labels, 10)
    np.testing.assert_array_equal(encoded.sum(axis=1), np.ones(50))
    np.testing.assert_array_equal(np.argmax(encoded, axis=1), labels)


def test_one_hot_accepts_a_column_and_whole_floats():
    np.testing.assert_array_equal(data.one_hot(np.array([[1], [0]])), [[0, 1], [1, 0]])
    np.testing.assert_array_equal(data.one_hot(np.array([1.0, 0.0])), [[0, 1], [1, 0]])


def test_one_hot_empty_needs_n_classes():
    assert data.one_hot(np.array([], dtype=int), 3).shape == (0, 3)
    with pytest.raises(ValueError, match="n_classes"):
        data.one_hot(np.array([], dtype=int))


@pytest.mark.parametrize("labels, n_classes, match", [
    (np.eye(3), None, "argmax"),             # already one-hot
    ([0, -1, 2], None, ">= 0"),
    ([0, 1, 5], 3, "n_classes=3"),
    ([0.0, 0.5], None, "whole numbers"),
    ([0, 1], 0, "positive integer"),
])
def test_one_hot_value_errors(labels, n_classes, match):
    with pytest.raises(ValueError, match=match):
        data.one_hot(labels, n_classes)


def test_one_hot_text_labels_are_a_type_error():
    with pytest.raises(TypeError, match="np.unique"):
        data.one_hot(["cat", "dog"])


# ----------------------------------------------------------------------------- scalers

def random_features(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    X = rng.normal(loc=3.0, scale=[1.0, 10.0, 0.01, 5.0], size=(30, 4))
    X[:, 2] = 7.0  # a constant column, as the digits' always-blank border pixels
    return X


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("feature_range", [(0.0, 1.0), (-1.0, 1.0)])
def test_minmax_scaler_matches_sklearn(seed, feature_range):
    X = random_features(seed)
    X_new = random_features(seed + 100)
    ours = data.MinMaxScaler(feature_range).fit(X)
    theirs = preprocessing.MinMaxScaler(feature_range=feature_range).fit(X)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.transform(X_new), theirs.transform(X_new), rtol=0, atol=1e-12)
    scaled = ours.transform(X)
    assert scaled.min() >= feature_range[0] - 1e-12 and scaled.max() <= feature_range[1] + 1e-12
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(X_new)), X_new, atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_standard_scaler_matches_sklearn(seed):
    X = random_features(seed)
    X_new = random_features(seed + 100)
    ours = data.StandardScaler()
    theirs = preprocessing.StandardScaler()
    np.testing.assert_allclose(ours.fit_transform(X), theirs.fit_transform(X), atol=1e-12)
    np.testing.assert_allclose(ours.transform(X_new), theirs.transform(X_new), atol=1e-12)
    scaled = ours.transform(X)
    np.testing.assert_allclose(scaled.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(scaled.std(axis=0), [1, 1, 0, 1], atol=1e-12)
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(X_new)), X_new, atol=1e-12)


@pytest.mark.parametrize("Scaler", [data.MinMaxScaler, data.StandardScaler])
def test_scaler_errors(Scaler):
    with pytest.raises(ValueError, match="fit"):
        Scaler().transform(np.ones((2, 3)))
    fitted = Scaler().fit(np.arange(6.0).reshape(3, 2))
    with pytest.raises(ValueError, match="2 feature"):
        fitted.transform(np.ones((2, 3)))
    with pytest.raises(ValueError, match="reshape"):
        Scaler().fit(np.arange(5.0))
    with pytest.raises(ValueError, match="nan"):
        Scaler().fit(np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match="empty"):
        Scaler().fit(np.empty((0, 3)))


def test_minmax_scaler_bad_range():
    with pytest.raises(ValueError, match="low < high"):
        data.MinMaxScaler((1.0, 0.0))


# ----------------------------------------------------------------------------- split

def test_split_partitions_the_samples_and_keeps_pairs():
    X = np.arange(50).reshape(25, 2)  # row i is [2i, 2i + 1]
    y = np.arange(25)
    X_train, X_test, y_train, y_test = data.split(X, y, test_size=0.2, seed=3)
    assert X_train.shape == (20, 2) and X_test.shape == (5, 2)
    assert set(y_train).isdisjoint(y_test)
    assert sorted(np.concatenate([y_train, y_test])) == list(range(25))
    np.testing.assert_array_equal(X_train[:, 0], 2 * y_train)
    np.testing.assert_array_equal(X_test[:, 0], 2 * y_test)


def test_split_is_seeded():
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    first = data.split(X, y, 0.25, seed=7)
    again = data.split(X, y, 0.25, seed=7)
    other = data.split(X, y, 0.25, seed=8)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[3], other[3])


def test_split_rounds_fractions_up_and_takes_counts():
    X, y = np.zeros((11, 1)), np.zeros(11)
    assert len(data.split(X, y, 0.2)[1]) == 3  # ceil(2.2), as scikit-learn
    assert len(data.split(X, y, 4)[1]) == 4


@pytest.mark.parametrize("test_size", [0.0, 1.0, 1.5, 0, 11, -2])
def test_split_bad_test_size(test_size):
    with pytest.raises(ValueError, match="test_size"):
        data.split(np.zeros((11, 1)), np.zeros(11), test_size)


def test_split_length_mismatch():
    with pytest.raises(ValueError, match="same number of rows"):
        data.split(np.zeros((10, 2)), np.zeros(9))


# ----------------------------------------------------------------------------- digits

def test_digits_shapes_and_types(split_digits):
    d = split_digits
    assert d.X_train.shape == (1293, 64) and d.X_val.shape == (144, 64)
    assert d.X_test.shape == (360, 64)
    assert d.y_train.shape == (1293,) and d.y_val.shape == (144,) and d.y_test.shape == (360,)
    for X in (d.X_train, d.X_val, d.X_test):
        assert X.dtype == np.float64 and X.min() >= 0.0 and X.max() <= 1.0
    for y in (d.y_train, d.y_val, d.y_test):
        assert y.dtype == np.int64 and set(np.unique(y)) <= set(range(10))
    assert d.Y_train.shape == (1293, 10) and d.Y_test.shape == (360, 10)
    np.testing.assert_array_equal(np.argmax(d.Y_val, axis=1), d.y_val)
    assert d.images_test.shape == (360, 8, 8)
    assert "1293" in repr(d)


def test_digits_test_split_is_the_articles(split_digits, digits):
    """The test part must be exactly sklearn's train_test_split(test_size=0.2, random_state=42)."""
    _, X_test, _, y_test = train_test_split(digits.data, digits.target,
                                            test_size=0.2, random_state=42)
    np.testing.assert_array_equal(split_digits.X_test * 16.0, X_test)  # /16 is exact
    np.testing.assert_array_equal(split_digits.y_test, y_test)
    np.testing.assert_array_equal(digits.target[split_digits.idx_test], y_test)


def test_digits_parts_do_not_overlap(split_digits, digits):
    d = split_digits
    parts = [set(d.idx_train), set(d.idx_val), set(d.idx_test)]
    assert parts[0].isdisjoint(parts[1]) and parts[0].isdisjoint(parts[2])
    assert parts[1].isdisjoint(parts[2])
    assert set.union(*parts) == set(range(len(digits.target)))
    np.testing.assert_array_equal(d.X_train * 16.0, digits.data[d.idx_train])
    np.testing.assert_array_equal(d.y_val, digits.target[d.idx_val])


def test_digits_validation_is_stratified_from_the_training_part(split_digits, digits):
    X_rest, _, y_rest, _ = train_test_split(digits.data, digits.target,
                                            test_size=0.2, random_state=42)
    _, X_val, _, y_val = train_test_split(X_rest, y_rest, test_size=0.1, random_state=42,
                                          stratify=y_rest)
    np.testing.assert_array_equal(split_digits.X_val * 16.0, X_val)
    np.testing.assert_array_equal(split_digits.y_val, y_val)
    share_val = np.bincount(split_digits.y_val, minlength=10) / 144
    share_rest = np.bincount(y_rest, minlength=10) / len(y_rest)
    assert np.max(np.abs(share_val - share_rest)) < 1 / 144 + 1e-12


def test_digits_without_validation():
    d = data.load_digits(val_size=0)
    assert d.X_train.shape == (1437, 64) and d.X_val.shape == (0, 64) and d.y_val.shape == (0,)
    assert d.Y_val.shape == (0, 10)


def test_digits_minmax_is_fitted_on_training_part_only(digits):
    d = data.load_digits(scale="minmax")
    raw_train = digits.data[d.idx_train]
    varying = raw_train.max(axis=0) > raw_train.min(axis=0)
    np.testing.assert_allclose(d.X_train[:, varying].min(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(d.X_train[:, varying].max(axis=0), 1.0, atol=1e-12)
    expected_test = data.MinMaxScaler().fit(raw_train).transform(digits.data[d.idx_test])
    np.testing.assert_allclose(d.X_test, expected_test, atol=1e-12)


def test_digits_raw_pixels(digits):
    d = data.load_digits(scale=None)
    np.testing.assert_array_equal(d.X_test, digits.data[d.idx_test])
    assert d.X_train.max() == 16.0


def test_shipped_digits_are_sklearns_element_for_element(digits):
    X, y = data.load_digits_raw()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    np.testing.assert_array_equal(X, digits.data)
    np.testing.assert_array_equal(y, digits.target)
    with np.load(data.DIGITS_FILE, allow_pickle=False) as stored:
        assert sorted(stored.files) == ["data", "target"]
        assert stored["data"].dtype == np.uint8 and stored["target"].dtype == np.uint8


def test_the_file_and_its_note_are_package_data():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    root = Path(__file__).resolve().parents[2]
    package_data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["nnedu"]
    package_dir = root / "nnedu"
    for name in ("digits.npz", "README.md"):
        path = data.DIGITS_FILE.parent / name
        assert path.is_file()
        assert any(path.relative_to(package_dir).match(pattern) for pattern in package_data)


def test_train_test_split_is_a_numpy_permutation():
    """The fact load_digits relies on: scikit-learn's unstratified split with random_state=s
    is RandomState(s).permutation(n), the first ceil(test_size·n) indices being the test part."""
    for n, test_size, seed in [(1797, 0.2, 42), (1437, 0.1, 42), (100, 0.3, 0), (7, 0.5, 3)]:
        train, test = train_test_split(np.arange(n), test_size=test_size, random_state=seed)
        order = np.random.RandomState(seed).permutation(n)
        n_test = math.ceil(test_size * n)
        np.testing.assert_array_equal(test, order[:n_test])
        np.testing.assert_array_equal(train, order[n_test:])


@pytest.mark.parametrize("random_state", [42, 0, 2024])
@pytest.mark.parametrize("test_size, val_size", [(0.2, 0.1), (0.25, 0.3)])
@pytest.mark.parametrize("stratify_val", [True, False])
def test_digits_split_is_sklearns_element_for_element(digits, random_state, test_size,
                                                      val_size, stratify_val):
    """Both steps of load_digits against scikit-learn's train_test_split, row for row."""
    rows = np.arange(len(digits.target))
    X_rest, X_test, y_rest, y_test, rows_rest, rows_test = train_test_split(
        digits.data, digits.target, rows, test_size=test_size, random_state=random_state)
    X_train, X_val, y_train, y_val, rows_train, rows_val = train_test_split(
        X_rest, y_rest, rows_rest, test_size=val_size, random_state=random_state,
        stratify=y_rest if stratify_val else None)
    ours = data.load_digits(test_size=test_size, val_size=val_size, random_state=random_state,
                            scale=None, stratify_val=stratify_val)
    for got, expected in [(ours.idx_train, rows_train), (ours.idx_val, rows_val),
                          (ours.idx_test, rows_test), (ours.X_train, X_train),
                          (ours.X_val, X_val), (ours.X_test, X_test), (ours.y_train, y_train),
                          (ours.y_val, y_val), (ours.y_test, y_test)]:
        np.testing.assert_array_equal(got, expected)


def test_load_digits_needs_no_scikit_learn():
    code = ("import sys, nnedu.data as d; digits = d.load_digits(); "
            "assert digits.X_test.shape == (360, 64); "
            "print('sklearn loaded:', 'sklearn' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "sklearn loaded: False" in result.stdout


@pytest.mark.parametrize("random_state", ["42", 4.2, True])
def test_digits_bad_random_state(random_state):
    with pytest.raises(TypeError, match="random_state"):
        data.load_digits(random_state=random_state)


@pytest.mark.parametrize("kwargs, match", [
    ({"scale": "standard"}, "scale"),
    ({"val_size": 1.0}, "val_size"),
    ({"val_size": -0.1}, "val_size"),
    ({"test_size": 0}, "test_size"),
])
def test_digits_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.load_digits(**kwargs)


# ----------------------------------------------------------------------------- toy sets

TOY_SETS = {
    "xor": lambda seed: data.xor(n_per_corner=10, noise=0.1, seed=seed),
    "moons": lambda seed: data.moons(n=101, noise=0.1, seed=seed),
    "circles": lambda seed: data.circles(n=101, noise=0.05, seed=seed),
    "spirals": lambda seed: data.spirals(n_per_class=30, n_classes=3, noise=0.2, seed=seed),
    "regression_1d": lambda seed: data.regression_1d(n=40, noise=0.1, seed=seed),
}


@pytest.mark.parametrize("name", TOY_SETS)
def test_toy_sets_are_bit_identical_for_the_same_seed(name):
    X1, y1 = TOY_SETS[name](5)
    X2, y2 = TOY_SETS[name](5)
    X3, _ = TOY_SETS[name](6)
    assert X1.tobytes() == X2.tobytes() and y1.tobytes() == y2.tobytes()
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name, n, n_classes", [
    ("xor", 40, 2), ("moons", 101, 2), ("circles", 101, 2), ("spirals", 90, 3),
])
def test_classification_toy_shapes(name, n, n_classes):
    X, y = TOY_SETS[name](0)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert len(counts) == n_classes and counts.max() - counts.min() <= 1
    assert np.all(np.isfinite(X))


def test_xor_default_is_the_truth_table():
    X, y = data.xor()
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])
    X, y = data.xor(n_per_corner=5, noise=0.0)
    np.testing.assert_array_equal(y, np.logical_xor(X[:, 0], X[:, 1]).astype(int))


def test_moons_without_noise_lie_on_the_half_circles():
    X, y = data.moons(n=50, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, atol=1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, atol=1e-12)
    assert upper[:, 1].min() >= -1e-12 and lower[:, 1].max() <= 0.5 + 1e-12


def test_circles_without_noise_have_the_two_radii():
    X, y = data.circles(n=60, noise=0.0, factor=0.3)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0, atol=1e-12)
    np.testing.assert_allclose(radius[y == 1], 0.3, atol=1e-12)


def test_spirals_stay_in_the_unit_disc():
    X, y = data.spirals(n_per_class=50, n_classes=4, noise=0.5, seed=1)
    assert X.shape == (200, 2) and set(np.unique(y)) == {0, 1, 2, 3}
    assert np.hypot(X[:, 0], X[:, 1]).max() <= 1.0 + 1e-12  # noise moves the angle only


def test_regression_1d_shapes_and_curve():
    X, y = data.regression_1d(n=30, noise=0.0, seed=2)
    assert X.shape == (30, 1) and y.shape == (30, 1)
    assert np.all(np.diff(X[:, 0]) >= 0) and X.min() >= -np.pi and X.max() <= np.pi
    np.testing.assert_allclose(y, np.sin(X), atol=1e-15)
    _, y_noisy = data.regression_1d(n=30, noise=0.1, seed=2)
    assert 0.0 < np.std(y_noisy - np.sin(X)) < 0.3


@pytest.mark.parametrize("call, match", [
    (lambda: data.moons(n=1), "n must"),
    (lambda: data.moons(n=10.5), "n must"),
    (lambda: data.circles(noise=-1.0), "noise"),
    (lambda: data.circles(factor=1.5), "factor"),
    (lambda: data.spirals(n_classes=1), "n_classes"),
    (lambda: data.spirals(noise=float("nan")), "noise"),
    (lambda: data.xor(n_per_corner=0), "n_per_corner"),
    (lambda: data.regression_1d(n=0), "n must"),
])
def test_toy_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()
