"""Metrics: numbers that tell how good the predictions are (lesson 11).

Convention: ``metric(y_true, y_pred)``, true values first, the same order as scikit-learn.
(The loss functions in ``nnedu.losses`` take the prediction first; a loss is what training
minimises, a metric is what you report.)

Classification metrics take *labels*: 1-D arrays of shape (n_samples,), such as
``[0, 3, 9, 1]``. A network outputs one probability per class, shape (n_samples, n_classes);
turn that into labels with ``np.argmax(probabilities, axis=1)`` (or ``model.predict(X)``)
first. A column of shape (n_samples, 1) is accepted and flattened.

For one class c, counting over all samples:

    TP = true c, predicted c      FP = true not c, predicted c      FN = true c, predicted not c

    precision = TP / (TP + FP)    "of the samples I called c, how many were c?"
    recall    = TP / (TP + FN)    "of the real c samples, how many did I find?"
    F1        = 2·TP / (2·TP + FP + FN)   (the harmonic mean of precision and recall)

When a denominator is 0 (for example nothing was predicted as c) the value is undefined;
it is then set to ``zero_division`` (0.0 by default, as scikit-learn does).

Regression metrics (``mae``, ``mse``) take two arrays of the same shape.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray

AVERAGES = ("binary", "macro", "micro", "weighted")


# ----------------------------------------------------------------------------- input checks

def _labels(y: object, where: str, name: str) -> Array:
    """Turn ``y`` into a 1-D array of labels, or explain what is wrong with it."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim == 2:
        raise ValueError(
            f"{where}: {name} has shape {y.shape}, which looks like one-hot rows or class "
            f"probabilities. Metrics need labels of shape (n_samples,): use "
            f"np.argmax({name}, axis=1) (or model.predict(X)) first."
        )
    if y.ndim != 1:
        raise ValueError(
            f"{where}: {name} must be a 1-D array of labels of shape (n_samples,), "
            f"got shape {y.shape}."
        )
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)):
            raise ValueError(f"{where}: {name} contains nan or inf; labels must be class numbers.")
        if not np.all(y == np.round(y)):
            raise ValueError(
                f"{where}: {name} contains non-whole numbers such as {y[y != np.round(y)][0]!r}; "
                f"labels must be class numbers. If these are probabilities of class 1, use "
                f"(probabilities >= 0.5).astype(int) first."
            )
    return y


def _label_pair(y_true: object, y_pred: object, where: str) -> tuple[Array, Array]:
    y_true = _labels(y_true, where, "y_true")
    y_pred = _labels(y_pred, where, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"{where}: y_true has {len(y_true)} labels but y_pred has {len(y_pred)}. "
            f"Both must describe the same samples, in the same order."
        )
    if len(y_true) == 0:
        raise ValueError(f"{where}: got empty arrays; a metric needs at least one sample.")
    return y_true, y_pred


def _value_pair(y_true: object, y_pred: object, where: str) -> tuple[Array, Array]:
    """Two float arrays of the same shape for the regression metrics."""
    try:
        y_true = np.asarray(y_true, dtype=float)
        y_pred = np.asarray(y_pred, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{where}: y_true and y_pred must be numbers ({err}).") from None
    # (n,) against (n, 1) would broadcast to an (n, n) table of every pair: flatten instead.
    if y_true.ndim == 1 and y_pred.shape == (len(y_true), 1):
        y_pred = y_pred.ravel()
    if y_pred.ndim == 1 and y_true.shape == (len(y_pred), 1):
        y_true = y_true.ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{where}: y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}. "
            f"Give both the same shape (numpy would otherwise silently broadcast them)."
        )
    if y_true.size == 0:
        raise ValueError(f"{where}: got empty arrays; a metric needs at least one sample.")
    if not (np.all(np.isfinite(y_true)) and np.all(np.isfinite(y_pred))):
        raise ValueError(f"{where}: the inputs contain nan or inf.")
    return y_true, y_pred


def _check_options(average: str, zero_division: float, where: str) -> None:
    if average not in AVERAGES:
        raise ValueError(
            f"{where}: average must be one of {', '.join(map(repr, AVERAGES))}, "
            f"got {average!r}."
        )
    if zero_division not in (0, 1):
        raise ValueError(
            f"{where}: zero_division must be 0.0 or 1.0 (the value used when a ratio is "
            f"0/0), got {zero_division!r}."
        )


# ----------------------------------------------------------------------------- the metrics

def accuracy(y_true: Array, y_pred: Array) -> float:
    """Fraction of correct predictions: accuracy = (1/m) Σ [y_pred_i == y_true_i].

    Shapes: ``y_true`` and ``y_pred`` are labels of shape (m,). Returns a float in [0, 1].
    """
    y_true, y_pred = _label_pair(y_true, y_pred, "accuracy")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true: Array, y_pred: Array, labels: Array | None = None) -> Array:
    """Count every (true, predicted) pair: ``C[i, j]`` = number of samples of true class
    ``labels[i]`` that were predicted as ``labels[j]``.

    Rows are the true classes, columns the predicted ones; the diagonal holds the correct
    predictions, so ``np.trace(C) / C.sum()`` is the accuracy.

    ``labels`` chooses the classes and their order; by default every label seen in
    ``y_true`` or ``y_pred``, sorted. Samples whose labels are not in ``labels`` are skipped.

    Shapes: ``y_true``, ``y_pred`` (m,) → C (n_labels, n_labels), integers.
    """
    y_true, y_pred = _label_pair(y_true, y_pred, "confusion_matrix")
    if labels is None:
        labels = np.union1d(y_true, y_pred)
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) == 0:
        raise ValueError(
            f"confusion_matrix: labels must be a non-empty 1-D list of classes, got {labels!r}."
        )
    if len(np.unique(labels)) != len(labels):
        raise ValueError(f"confusion_matrix: labels contains repeated classes: {labels!r}.")
    counts = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for i, true_class in enumerate(labels):
        for j, predicted_class in enumerate(labels):
            counts[i, j] = np.sum((y_true == true_class) & (y_pred == predicted_class))
    return counts


def _per_class_counts(y_true: Array, y_pred: Array, labels: Array) -> tuple[Array, Array, Array]:
    """TP, FP and FN for each class in ``labels``, each of shape (n_labels,)."""
    tp = np.array([np.sum((y_true == c) & (y_pred == c)) for c in labels])
    fp = np.array([np.sum((y_true != c) & (y_pred == c)) for c in labels])
    fn = np.array([np.sum((y_true == c) & (y_pred != c)) for c in labels])
    return tp, fp, fn


def _divide(numerator: Array, denominator: Array, zero_division: float) -> Array:
    """numerator / denominator elementwise, with ``zero_division`` wherever denominator is 0."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    safe = np.where(denominator == 0, 1.0, denominator)
    return np.where(denominator == 0, float(zero_division), numerator / safe)


def _score(kind: str, y_true: Array, y_pred: Array, average: str, pos_label: object,
           zero_division: float) -> float:
    """Precision, recall or F1 from the TP/FP/FN counts, averaged as asked."""
    where = kind
    _check_options(average, zero_division, where)
    y_true, y_pred = _label_pair(y_true, y_pred, where)
    present = np.union1d(y_true, y_pred)

    if average == "binary":
        if len(present) > 2:
            raise ValueError(
                f"{where}: average='binary' needs two classes, but the labels contain "
                f"{len(present)}: {present.tolist()}. For several classes choose "
                f"average='macro', 'micro' or 'weighted'."
            )
        if len(present) == 2 and pos_label not in present.tolist():
            raise ValueError(
                f"{where}: pos_label={pos_label!r} is not one of the labels "
                f"{present.tolist()}. Set pos_label to the class you call 'positive'."
            )
        labels = np.asarray([pos_label])
    else:
        labels = present

    tp, fp, fn = _per_class_counts(y_true, y_pred, labels)
    if average == "micro":  # pool the counts of all classes first, then divide once
        tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)

    if kind == "precision":
        per_class = _divide(tp, tp + fp, zero_division)
    elif kind == "recall":
        per_class = _divide(tp, tp + fn, zero_division)
    else:
        per_class = _divide(2 * tp, 2 * tp + fp + fn, zero_division)

    if average == "weighted":  # weight each class by its support: how often it is true
        support = tp + fn
        return float(np.sum(per_class * support) / np.sum(support))
    return float(np.mean(per_class))  # binary and micro: one value; macro: plain mean


def precision(y_true: Array, y_pred: Array, average: str = "binary", pos_label: object = 1,
              zero_division: float = 0.0) -> float:
    """Precision = TP / (TP + FP): of the samples predicted as a class, the fraction right.

    ``average``:
      * ``"binary"``  – only the class ``pos_label`` (two-class problems);
      * ``"macro"``   – mean of the per-class precisions, every class counts the same;
      * ``"weighted"``– per-class precisions weighted by each class's support (true count);
      * ``"micro"``   – add up TP and FP over all classes first; for single-label
        problems this equals the accuracy.

    Shapes: labels (m,) → float in [0, 1]. ``zero_division`` (0.0 or 1.0) replaces 0/0.
    """
    return _score("precision", y_true, y_pred, average, pos_label, zero_division)


def recall(y_true: Array, y_pred: Array, average: str = "binary", pos_label: object = 1,
           zero_division: float = 0.0) -> float:
    """Recall = TP / (TP + FN): of the samples that truly are a class, the fraction found.

    ``average``, ``pos_label`` and ``zero_division`` work as in :func:`precision`.
    Shapes: labels (m,) → float in [0, 1].
    """
    return _score("recall", y_true, y_pred, average, pos_label, zero_division)


def f1(y_true: Array, y_pred: Array, average: str = "binary", pos_label: object = 1,
       zero_division: float = 0.0) -> float:
    """F1 = 2·P·R / (P + R) = 2·TP / (2·TP + FP + FN), the harmonic mean of precision P and
    recall R: high only when both are high.

    ``average``, ``pos_label`` and ``zero_division`` work as in :func:`precision`
    (for ``"macro"`` and ``"weighted"`` the per-class F1 values are averaged).
    Shapes: labels (m,) → float in [0, 1].
    """
    return _score("f1", y_true, y_pred, average, pos_label, zero_division)


def mae(y_true: Array, y_pred: Array) -> float:
    """Mean absolute error, MAE = (1/N) Σ |y_true − y_pred| over all N entries.

    Shapes: any, the same for both ((n,) and (n, 1) may be mixed). In the units of y.
    """
    y_true, y_pred = _value_pair(y_true, y_pred, "mae")
    return float(np.mean(np.abs(y_true - y_pred)))


def mse(y_true: Array, y_pred: Array) -> float:
    """Mean squared error, MSE = (1/N) Σ (y_true − y_pred)² over all N entries.

    Shapes: any, the same for both ((n,) and (n, 1) may be mixed). In squared units of y;
    ``np.sqrt(mse(...))`` (RMSE) is back in the units of y.
    """
    y_true, y_pred = _value_pair(y_true, y_pred, "mse")
    return float(np.mean((y_true - y_pred) ** 2))
