"""Data for the course: the digits data set, one-hot labels, scalers, splits, and (from
``nnedu/toy_data.py``) the small toy sets xor, moons, circles, spirals and regression_1d.

Conventions
-----------
* Features ``X`` are float64 arrays of shape (n_samples, n_features), one row per sample.
* Class labels ``y`` are int64 arrays of shape (n_samples,): ``[0, 1, 1, 0, ...]``.
  A network with a softmax output wants one-hot rows: ``one_hot(y)``, shape
  (n_samples, n_classes). A network with one sigmoid output wants a column:
  ``y.reshape(-1, 1)``, shape (n_samples, 1).
* Every function that draws random numbers takes ``seed``: the same seed gives the same
  numbers, bit for bit.

The digits ship with nnedu as a small file, ``nnedu/datasets/digits.npz`` (where they come
from and their licence: ``nnedu/datasets/README.md``), so loading them needs numpy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnedu._validate import as_float_array, check_2d, check_finite

Array = np.ndarray

#: Digits pixels count the inked dots in a 4×4 block of a 32×32 drawing: whole numbers 0..16.
DIGITS_PIXEL_MAX = 16.0


# ----------------------------------------------------------------------------- one-hot labels

def one_hot(labels: Array, n_classes: int | None = None) -> Array:
    """Turn integer class labels into one-hot rows.

    ``labels[i] = k``  →  row i is all zeros except a 1 in column k. For example
    ``one_hot([2, 0], 3)`` is ``[[0, 0, 1], [1, 0, 0]]``.

    Shapes: labels (m,) (or a column (m, 1)) → (m, n_classes), float64.
    ``n_classes`` defaults to ``max(labels) + 1``; pass it explicitly when a batch may
    miss the largest class (e.g. ``one_hot(y_batch, 10)`` for digits).
    """
    y = np.asarray(labels)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        hint = (" It already looks like one-hot rows or probabilities; use it as it is, or "
                "np.argmax(labels, axis=1) to get labels back.") if y.ndim == 2 else ""
        raise ValueError(
            f"one_hot: expected a 1-D array of integer labels of shape (n_samples,), "
            f"got shape {y.shape}.{hint}"
        )
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            raise ValueError(
                "one_hot: labels must be whole numbers 0, 1, 2, ..., but some are not "
                "(for example nan or 0.5). Probabilities are not labels: use np.argmax first."
            )
    elif y.dtype.kind not in "iub":
        raise TypeError(
            f"one_hot: labels must be integers 0, 1, 2, ..., got dtype {y.dtype}. "
            f"Map text classes to numbers first, e.g. with np.unique(labels, return_inverse=True)."
        )
    y = y.astype(np.int64)
    if y.size and y.min() < 0:
        raise ValueError(f"one_hot: labels must be >= 0, got {int(y.min())}.")
    if n_classes is None:
        if y.size == 0:
            raise ValueError("one_hot: got no labels; pass n_classes to encode an empty array.")
        n_classes = int(y.max()) + 1
    if not isinstance(n_classes, (int, np.integer)) or n_classes < 1:
        raise ValueError(f"one_hot: n_classes must be a positive integer, got {n_classes!r}.")
    if y.size and y.max() >= n_classes:
        raise ValueError(
            f"one_hot: label {int(y.max())} does not fit n_classes={n_classes} "
            f"(labels must be 0..{n_classes - 1}). Increase n_classes or check the labels."
        )
    encoded = np.zeros((len(y), int(n_classes)))
    encoded[np.arange(len(y)), y] = 1.0
    return encoded


# ----------------------------------------------------------------------------- scalers

class _Scaler:
    """Shared checks for the two scalers. ``fit`` learns numbers from the training data;
    ``transform`` applies them to any data (training, validation, test, new samples)."""

    def _check(self, X: object, fitting: bool) -> Array:
        where = type(self).__name__ + (".fit" if fitting else ".transform")
        X = as_float_array(X, where, "X")
        check_2d(X, where, "X")
        check_finite(X, where, "X")
        if fitting:
            if len(X) == 0:
                raise ValueError(f"{where}: cannot fit on an empty array.")
            return X
        if not hasattr(self, "n_features_"):
            raise ValueError(
                f"{where}: this scaler has not been fitted yet. Call fit(X_train) first "
                f"(or fit_transform(X_train)), then transform the other sets."
            )
        if X.shape[1] != self.n_features_:
            raise ValueError(
                f"{where}: the scaler was fitted on {self.n_features_} feature(s), "
                f"got X with {X.shape[1]} (shape {X.shape})."
            )
        return X

    def fit_transform(self, X: Array) -> Array:
        """``fit(X)`` then ``transform(X)``. Use it on the training set only."""
        return self.fit(X).transform(X)


class MinMaxScaler(_Scaler):
    """Rescale every feature to ``feature_range`` (default [0, 1]):

        x_scaled = lo + (x − min) / (max − min) · (hi − lo)

    with ``min`` and ``max`` of each column learned by ``fit`` (shape (n_features,)).
    A constant column (max = min) is mapped to ``lo``. Data outside the fitted range lands
    outside ``feature_range``; that is expected for new data.

    Shapes: X (n_samples, n_features) → same shape.
    """

    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0)) -> None:
        lo, hi = feature_range
        if not lo < hi:
            raise ValueError(
                f"MinMaxScaler: feature_range must be (low, high) with low < high, "
                f"got {feature_range!r}."
            )
        self.feature_range = (float(lo), float(hi))

    def fit(self, X: Array) -> MinMaxScaler:
        """Learn ``data_min_`` and ``data_max_`` of each column. Returns self."""
        X = self._check(X, fitting=True)
        self.data_min_ = X.min(axis=0)
        self.data_max_ = X.max(axis=0)
        data_range = self.data_max_ - self.data_min_
        self.data_range_ = np.where(data_range == 0, 1.0, data_range)  # constant column
        self.n_features_ = X.shape[1]
        return self

    def transform(self, X: Array) -> Array:
        """x_scaled = lo + (x − min) / (max − min) · (hi − lo)."""
        X = self._check(X, fitting=False)
        lo, hi = self.feature_range
        return lo + (X - self.data_min_) / self.data_range_ * (hi - lo)

    def inverse_transform(self, X_scaled: Array) -> Array:
        """Undo ``transform``: x = min + (x_scaled − lo) / (hi − lo) · (max − min)."""
        X_scaled = self._check(X_scaled, fitting=False)
        lo, hi = self.feature_range
        return self.data_min_ + (X_scaled - lo) / (hi - lo) * self.data_range_


class StandardScaler(_Scaler):
    """Give every feature mean 0 and standard deviation 1:

        x_scaled = (x − mean) / std

    with ``mean_`` and ``scale_`` (= std, population form, ddof=0) of each column learned
    by ``fit``, shape (n_features,). A constant column (std = 0) is only centred.

    Shapes: X (n_samples, n_features) → same shape.
    """

    def fit(self, X: Array) -> StandardScaler:
        """Learn ``mean_`` and ``scale_`` of each column. Returns self."""
        X = self._check(X, fitting=True)
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.scale_ = np.where(std == 0, 1.0, std)  # constant column
        self.n_features_ = X.shape[1]
        return self

    def transform(self, X: Array) -> Array:
        """x_scaled = (x − mean) / std."""
        X = self._check(X, fitting=False)
        return (X - self.mean_) / self.scale_

    def inverse_transform(self, X_scaled: Array) -> Array:
        """Undo ``transform``: x = x_scaled · std + mean."""
        X_scaled = self._check(X_scaled, fitting=False)
        return X_scaled * self.scale_ + self.mean_


# ----------------------------------------------------------------------------- splitting

def _n_test(test_size: float | int, n: int, where: str) -> int:
    """How many samples ``test_size`` means: a fraction in (0, 1) or a whole count."""
    if isinstance(test_size, (bool, np.bool_)):
        raise TypeError(f"{where}: test_size must be a fraction or a count, got {test_size!r}.")
    if isinstance(test_size, (int, np.integer)):
        n_test = int(test_size)
    elif isinstance(test_size, (float, np.floating)) and 0.0 < test_size < 1.0:
        n_test = math.ceil(test_size * n)  # round up, as scikit-learn does
    else:
        raise ValueError(
            f"{where}: test_size must be a fraction between 0 and 1 (e.g. 0.2) or a whole "
            f"number of samples, got {test_size!r}."
        )
    if not 1 <= n_test <= n - 1:
        raise ValueError(
            f"{where}: test_size={test_size!r} leaves {n_test} test and {n - n_test} training "
            f"sample(s) out of {n}; both parts need at least one."
        )
    return n_test


def split(X: Array, y: Array, test_size: float | int = 0.2,
          seed: int | None = 0) -> tuple[Array, Array, Array, Array]:
    """Shuffle the samples and cut them into a training part and a test part.

    1. ``order = rng.permutation(n)``: the sample indices in a random order;
    2. the first ``n_test`` of them are the test set, the rest the training set
       (``n_test = ceil(test_size · n)`` for a fraction, or ``test_size`` itself for a count).

    Every sample lands in exactly one part, and rows of ``X`` stay paired with ``y``.
    This is our own small version of scikit-learn's ``train_test_split`` (it draws different
    random numbers, so the parts differ from scikit-learn's for the same seed).

    Shapes: X (n, ...) and y (n, ...) → X_train, X_test, y_train, y_test (the same order as
    scikit-learn), with n − n_test and n_test rows.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(
            f"split: X and y must have one row per sample and the same number of rows, got "
            f"shapes {X.shape} and {y.shape}."
        )
    n_test = _n_test(test_size, len(X), "split")
    order = np.random.default_rng(seed).permutation(len(X))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


# ----------------------------------------------------------------------------- digits

#: The digits file that ships with nnedu: ``data`` (1797, 64) and ``target`` (1797,), uint8.
DIGITS_FILE = Path(__file__).resolve().parent / "datasets" / "digits.npz"


def load_digits_raw() -> tuple[Array, Array]:
    """All 1,797 digits, unsplit and unscaled, in the order of scikit-learn's ``load_digits()``.

    Returns X (1797, 64) float64 pixel counts 0..16 (row i is the 8×8 picture i, read row
    by row) and y (1797,) int64 labels 0..9. Read from ``nnedu/datasets/digits.npz``.
    """
    with np.load(DIGITS_FILE, allow_pickle=False) as stored:
        return stored["data"].astype(np.float64), stored["target"].astype(np.int64)


def _shuffle_split(n: int, test_size: float, rng: np.random.RandomState) -> tuple[Array, Array]:
    """Shuffle the indices 0..n−1 and cut them: the first ``ceil(test_size · n)`` are the
    test part, the rest the training part. This is what scikit-learn's
    ``train_test_split(..., random_state=seed)`` does with ``rng = RandomState(seed)``,
    so it gives the same parts (a test compares them element for element).

    Returns (train_indices, test_indices).
    """
    n_test = _n_test(test_size, n, "load_digits")
    order = rng.permutation(n)
    return order[n_test:], order[:n_test]


def _share_per_class(class_counts: Array, n_draws: int, rng: np.random.RandomState) -> Array:
    """How many of ``n_draws`` samples each class gets, in proportion to its size:
    ``floor(n_draws · count / total)`` each, then one more for the classes with the largest
    remainders until they add up to ``n_draws`` (equal remainders: chosen at random).
    The same steps and random draws as scikit-learn's stratified split."""
    exact = class_counts / class_counts.sum() * n_draws
    counts = np.floor(exact)
    missing = int(n_draws - counts.sum())
    remainder = exact - counts
    for value in np.sort(np.unique(remainder))[::-1]:
        if missing == 0:
            break
        (tied,) = np.where(remainder == value)
        chosen = rng.choice(tied, size=min(len(tied), missing), replace=False)
        counts[chosen] += 1
        missing -= len(chosen)
    return counts.astype(int)


def _stratified_split(y: Array, test_size: float,
                      rng: np.random.RandomState) -> tuple[Array, Array]:
    """Like :func:`_shuffle_split`, but every class keeps its share in both parts.

    1. decide how many samples of each class go to training and to test (:func:`_share_per_class`);
    2. shuffle each class's indices and deal them out: training first, then test;
    3. shuffle the training indices and the test indices.
    The same as scikit-learn's ``train_test_split(..., stratify=y, random_state=seed)``.
    Returns (train_indices, test_indices).
    """
    n_test = _n_test(test_size, len(y), "load_digits")
    classes, class_counts = np.unique(y, return_counts=True)
    n_train_per_class = _share_per_class(class_counts, len(y) - n_test, rng)
    n_test_per_class = _share_per_class(class_counts - n_train_per_class, n_test, rng)
    train, test = [], []
    for k, label in enumerate(classes):
        members = np.flatnonzero(y == label)[rng.permutation(class_counts[k])]
        n_train_k = n_train_per_class[k]
        train.extend(members[:n_train_k])
        test.extend(members[n_train_k:n_train_k + n_test_per_class[k]])
    return rng.permutation(train), rng.permutation(test)


@dataclass(repr=False, eq=False)
class DigitsData:
    """The digits data set, split into training, validation and test parts.

    ``X_*``: pixel features, float64, shape (n, 64), scaled as chosen in :func:`load_digits`.
    ``y_*``: digit labels 0..9, int64, shape (n,). ``Y_*`` (properties): the same labels
    one-hot, shape (n, 10). ``images_*`` (properties): the rows as 8×8 pictures, (n, 8, 8).
    ``idx_*``: the row number of each sample in :func:`load_digits_raw` (the same order as
    scikit-learn's ``load_digits()``).
    """

    X_train: Array
    X_val: Array
    X_test: Array
    y_train: Array
    y_val: Array
    y_test: Array
    idx_train: Array
    idx_val: Array
    idx_test: Array
    n_classes: int = 10

    @property
    def Y_train(self) -> Array:  # capital Y: one-hot, as in the lessons
        """One-hot training labels, shape (n_train, 10)."""
        return one_hot(self.y_train, self.n_classes)

    @property
    def Y_val(self) -> Array:
        """One-hot validation labels, shape (n_val, 10)."""
        return one_hot(self.y_val, self.n_classes)

    @property
    def Y_test(self) -> Array:
        """One-hot test labels, shape (n_test, 10)."""
        return one_hot(self.y_test, self.n_classes)

    @property
    def images_train(self) -> Array:
        """Training rows as 8×8 images, shape (n_train, 8, 8)."""
        return self.X_train.reshape(-1, 8, 8)

    @property
    def images_val(self) -> Array:
        """Validation rows as 8×8 images, shape (n_val, 8, 8)."""
        return self.X_val.reshape(-1, 8, 8)

    @property
    def images_test(self) -> Array:
        """Test rows as 8×8 images, shape (n_test, 8, 8)."""
        return self.X_test.reshape(-1, 8, 8)

    def __repr__(self) -> str:
        return (
            f"DigitsData(train={self.X_train.shape}, val={self.X_val.shape}, "
            f"test={self.X_test.shape}, n_classes={self.n_classes})"
        )


_SCALINGS = ("fixed", "minmax", None)


def load_digits(test_size: float = 0.2, val_size: float = 0.1, random_state: int | None = 42,
                scale: str | None = "fixed", stratify_val: bool = True) -> DigitsData:
    """Load the 1,797 handwritten digits (8×8 pixels, 10 classes) and split them.

    The digits are scikit-learn's ``load_digits()`` data, shipped with nnedu as a small file
    (see :func:`load_digits_raw`), so no scikit-learn is needed.

    Split (the "seed split", as in the source article):
      1. test set: the same parts as ``sklearn.model_selection.train_test_split(X, y,
         test_size=0.2, random_state=42)`` on the full data (the article's call), *not*
         stratified, so our test set (360 digits) is the article's and test accuracies can
         be compared. We draw the same random numbers with numpy: shuffle the row numbers
         with ``np.random.RandomState(42).permutation(1797)``; the first 360 are the test set;
      2. validation set: carved from the training part only, a fraction ``val_size`` of it
         (default 0.1 → 144 digits, leaving 1,293 for training), with a new random generator
         seeded with the same ``random_state``. It *is* stratified (``stratify_val=True``):
         with ~14 digits per class, stratifying keeps every class equally represented, so the
         validation accuracy used for early stopping is less noisy. These are the parts
         ``train_test_split(..., stratify=y_rest, random_state=42)`` gives. ``val_size=0``
         gives no validation set (``X_val`` has shape (0, 64)).
    The test set is never used for choosing anything; only the final score is measured on it.

    Scaling (``scale``):
      * ``"fixed"`` (default): divide by 16, the largest possible pixel value. The article
        fits a ``MinMaxScaler`` on the whole data set *before* splitting, which lets the test
        set influence the scaling (a small leak). The pixel range 0..16 is known in advance,
        so dividing by 16 needs no statistics from any data: nothing leaks, every split and
        every new hand-drawn digit is scaled the same way, and all values lie in [0, 1].
        (It differs from the article's numbers only in pixel columns whose largest value in
        the data is below 16, e.g. near the border, which MinMaxScaler would stretch.)
      * ``"minmax"``: our :class:`MinMaxScaler`, fitted on the training part only, then
        applied to validation and test (values there may fall slightly outside [0, 1]).
      * ``None``: raw pixel values 0..16.

    Shapes: see :class:`DigitsData`.
    """
    if scale not in _SCALINGS:
        raise ValueError(
            f"load_digits: scale must be 'fixed', 'minmax' or None, got {scale!r}."
        )
    if not (isinstance(val_size, (int, float)) and 0.0 <= val_size < 1.0):
        raise ValueError(
            f"load_digits: val_size must be a fraction of the training part in [0, 1) "
            f"(0 = no validation set), got {val_size!r}."
        )
    if not (isinstance(test_size, float) and 0.0 < test_size < 1.0):
        raise ValueError(
            f"load_digits: test_size must be a fraction between 0 and 1, got {test_size!r}."
        )
    if random_state is not None and (isinstance(random_state, bool)
                                     or not isinstance(random_state, (int, np.integer))):
        raise TypeError(
            f"load_digits: random_state must be a whole number such as 42 (or None for a "
            f"different split every time), got {random_state!r}."
        )
    X, y = load_digits_raw()

    # Step 1: the article's split of the row numbers 0..1796.
    idx_rest, idx_test = _shuffle_split(len(y), test_size, np.random.RandomState(random_state))
    # Step 2: the validation set, taken from the training part only.
    if val_size > 0:
        rng = np.random.RandomState(random_state)
        if stratify_val:
            train, val = _stratified_split(y[idx_rest], val_size, rng)
        else:
            train, val = _shuffle_split(len(idx_rest), val_size, rng)
        idx_train, idx_val = idx_rest[train], idx_rest[val]
    else:
        idx_train, idx_val = idx_rest, np.empty(0, dtype=np.int64)

    X_train, X_val, X_test = X[idx_train], X[idx_val], X[idx_test]
    y_train, y_val, y_test = y[idx_train], y[idx_val], y[idx_test]
    if scale == "fixed":
        X_train, X_val, X_test = (part / DIGITS_PIXEL_MAX for part in (X_train, X_val, X_test))
    elif scale == "minmax":
        scaler = MinMaxScaler().fit(X_train)
        X_train, X_val, X_test = (scaler.transform(part) for part in (X_train, X_val, X_test))

    return DigitsData(X_train, X_val, X_test, y_train, y_val, y_test,
                      idx_train, idx_val, idx_test)


# ----------------------------------------------------------------------------- toy data sets
# Written in nnedu/toy_data.py; offered here too, so that `from nnedu.data import spirals` works.
from nnedu.toy_data import circles, moons, regression_1d, spirals, xor  # noqa: E402, F401
