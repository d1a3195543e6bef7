"""nnedu.metrics against scikit-learn, plus the errors a beginner should get."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from nnedu import metrics

SEEDS = range(5)
AVERAGES = ("macro", "micro", "weighted")
SCORES = {
    "precision": (metrics.precision, skm.precision_score),
    "recall": (metrics.recall, skm.recall_score),
    "f1": (metrics.f1, skm.f1_score),
}


def random_labels(seed: int, n_classes: int, m: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Random true labels and predictions that are right about half the time.

    Predictions are drawn from a subset of the classes for some seeds, so that some classes
    are never predicted (0/0 precision) and the zero_division handling is exercised.
    """
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, n_classes, size=m)
    n_pred_classes = n_classes if seed % 2 == 0 else max(1, n_classes - 1)
    guess = rng.integers(0, n_pred_classes, size=m)
    y_pred = np.where(rng.random(m) < 0.5, y_true, guess)
    return y_true, y_pred


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n_classes", [2, 3, 5, 10])
def test_accuracy_matches_sklearn(seed, n_classes):
    y_true, y_pred = random_labels(seed, n_classes)
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(
        skm.accuracy_score(y_true, y_pred), abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n_classes", [2, 3, 5, 10])
@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("score", SCORES)
def test_multiclass_scores_match_sklearn(seed, n_classes, average, score):
    ours, theirs = SCORES[score]
    y_true, y_pred = random_labels(seed, n_classes)
    for zero_division in (0.0, 1.0):
        expected = theirs(y_true, y_pred, average=average, zero_division=zero_division)
        got = ours(y_true, y_pred, average=average, zero_division=zero_division)
        assert got == pytest.approx(expected, abs=1e-12), zero_division


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("pos_label", [0, 1])
@pytest.mark.parametrize("score", SCORES)
@pytest.mark.parametrize("zero_division", [0.0, 1.0])
def test_binary_scores_match_sklearn(seed, pos_label, score, zero_division):
    ours, theirs = SCORES[score]
    y_true, y_pred = random_labels(seed, 2, m=25)
    expected = theirs(y_true, y_pred, average="binary", pos_label=pos_label,
                      zero_division=zero_division)
    got = ours(y_true, y_pred, average="binary", pos_label=pos_label,
               zero_division=zero_division)
    assert got == pytest.approx(expected, abs=1e-12)


@pytest.mark.filterwarnings("ignore:A single label was found")
@pytest.mark.parametrize("score", SCORES)
@pytest.mark.parametrize("zero_division", [0.0, 1.0])
def test_binary_with_no_positive_anywhere(score, zero_division):
    """All labels 0 and pos_label 1: every ratio is 0/0, so zero_division decides."""
    ours, theirs = SCORES[score]
    y = np.zeros(6, dtype=int)
    expected = theirs(y, y, zero_division=zero_division)
    assert ours(y, y, zero_division=zero_division) == pytest.approx(expected, abs=1e-12)
    assert ours(y, y, zero_division=zero_division) == zero_division


def test_hand_computed_binary_scores():
    # TP = 2 (indices 0, 1), FP = 1 (index 2), FN = 1 (index 3), TN = 1 (index 4)
    y_true = [1, 1, 0, 1, 0]
    y_pred = [1, 1, 1, 0, 0]
    assert metrics.precision(y_true, y_pred) == pytest.approx(2 / 3)
    assert metrics.recall(y_true, y_pred) == pytest.approx(2 / 3)
    assert metrics.f1(y_true, y_pred) == pytest.approx(2 / 3)
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(3 / 5)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n_classes", [2, 4, 10])
def test_confusion_matrix_matches_sklearn(seed, n_classes):
    y_true, y_pred = random_labels(seed, n_classes)
    expected = skm.confusion_matrix(y_true, y_pred)
    got = metrics.confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(got, expected)
    assert got.sum() == len(y_true)
    assert np.trace(got) / got.sum() == pytest.approx(metrics.accuracy(y_true, y_pred))


@pytest.mark.filterwarnings("ignore:A single label was found")
def test_confusion_matrix_labels_choose_order_and_subset():
    y_true, y_pred = random_labels(3, 5)
    for labels in ([4, 0, 2], [0, 1, 2, 3, 4, 7], [3]):
        np.testing.assert_array_equal(
            metrics.confusion_matrix(y_true, y_pred, labels=labels),
            skm.confusion_matrix(y_true, y_pred, labels=labels),
        )


def test_confusion_matrix_rows_are_true_columns_predicted():
    cm = metrics.confusion_matrix([0, 0, 1], [1, 1, 1])
    np.testing.assert_array_equal(cm, [[0, 2], [0, 1]])


def test_micro_average_equals_accuracy_for_single_label_problems():
    y_true, y_pred = random_labels(1, 7)
    acc = metrics.accuracy(y_true, y_pred)
    for score in (metrics.precision, metrics.recall, metrics.f1):
        assert score(y_true, y_pred, average="micro") == pytest.approx(acc, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(20,), (20, 1), (15, 3)])
def test_regression_metrics_match_sklearn(seed, shape):
    rng = np.random.default_rng(seed)
    y_true = rng.normal(size=shape)
    y_pred = y_true + rng.normal(scale=0.3, size=shape)
    assert metrics.mae(y_true, y_pred) == pytest.approx(
        skm.mean_absolute_error(y_true, y_pred), abs=1e-12)
    assert metrics.mse(y_true, y_pred) == pytest.approx(
        skm.mean_squared_error(y_true, y_pred), abs=1e-12)


def test_regression_metrics_accept_a_column_against_a_vector():
    y_true = np.array([1.0, 2.0, 3.0])
    y_pred = np.array([[1.5], [2.0], [1.0]])
    # Broadcasting (3,) against (3, 1) would compare every pair; we compare row by row.
    assert metrics.mae(y_true, y_pred) == pytest.approx((0.5 + 0 + 2) / 3)
    assert metrics.mse(y_pred, y_true) == pytest.approx((0.25 + 0 + 4) / 3)


def test_labels_as_a_column_are_flattened():
    y_true = np.array([[0], [1], [2]])
    assert metrics.accuracy(y_true, [0, 1, 1]) == pytest.approx(2 / 3)


# ----------------------------------------------------------------------------- bad input

def test_probabilities_get_a_hint_to_use_argmax():
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8]])
    with pytest.raises(ValueError, match="argmax"):
        metrics.accuracy([0, 1], probabilities)
    with pytest.raises(ValueError, match="argmax"):
        metrics.confusion_matrix(probabilities, [0, 1])


def test_one_dimensional_probabilities_are_refused():
    with pytest.raises(ValueError, match="0.5"):
        metrics.precision([0, 1, 1], [0.2, 0.7, 0.9])


@pytest.mark.parametrize("fn", [metrics.accuracy, metrics.precision, metrics.confusion_matrix,
                                metrics.mae, metrics.mse])
def test_length_mismatch(fn):
    with pytest.raises(ValueError, match=fn.__name__):
        fn([0, 1, 1], [0, 1])


@pytest.mark.parametrize("fn", [metrics.accuracy, metrics.f1, metrics.mse])
def test_empty_input(fn):
    with pytest.raises(ValueError, match="at least one"):
        fn([], [])


def test_binary_average_on_multiclass_labels_suggests_macro():
    with pytest.raises(ValueError, match="macro"):
        metrics.f1([0, 1, 2], [0, 2, 1])


def test_pos_label_not_present():
    with pytest.raises(ValueError, match="pos_label"):
        metrics.recall([0, 2, 2], [2, 0, 2])


def test_bad_average_and_zero_division():
    with pytest.raises(ValueError, match="average"):
        metrics.precision([0, 1], [0, 1], average="mean")
    with pytest.raises(ValueError, match="zero_division"):
        metrics.precision([0, 1], [0, 1], zero_division=0.5)


def test_regression_shape_mismatch_and_nan():
    with pytest.raises(ValueError, match="shape"):
        metrics.mse(np.zeros(4), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="nan"):
        metrics.mae([1.0, np.nan], [1.0, 2.0])


def test_confusion_matrix_bad_labels():
    with pytest.raises(ValueError, match="repeated"):
        metrics.confusion_matrix([0, 1], [1, 0], labels=[0, 0, 1])
    with pytest.raises(ValueError, match="non-empty"):
        metrics.confusion_matrix([0, 1], [1, 0], labels=[])
