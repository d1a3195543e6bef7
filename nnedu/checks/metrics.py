"""Checks for lesson 11's exercises: confusion matrix, precision, recall and F1.

The right answers are written out here and compared with scikit-learn in the tests.
Conventions: labels are integers 0 … k−1; the confusion matrix has one row per *true*
class and one column per *predicted* class.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks


def _confusion(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    cm = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        cm[t, p] += 1
    return cm


def _binary_scores(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float, float]:
    """(precision, recall, F1) for class 1; 0.0 where a denominator is 0."""
    tp = float(np.sum((y_pred == 1) & (y_true == 1)))
    fp = float(np.sum((y_pred == 1) & (y_true == 0)))
    fn = float(np.sum((y_pred == 0) & (y_true == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _macro_f1(cm: np.ndarray) -> float:
    tp = np.diag(cm).astype(float)
    predicted, actual = cm.sum(axis=0), cm.sum(axis=1)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(tp), where=total > 0)
    return float(f1.mean())


_Y_TRUE = np.array([0, 1, 2, 2, 1, 0, 2, 1, 1, 0])
_Y_PRED = np.array([0, 2, 2, 2, 1, 0, 1, 1, 0, 0])
_B_TRUE = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 0])
_B_PRED = np.array([1, 0, 0, 1, 1, 0, 1, 0, 0, 0])


def check_confusion_matrix(fn: Callable, *, verbose: bool = False,
                           timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(y_true, y_pred, n_classes)``: counts, rows = true class, columns = predicted."""
    __tracebackhide__ = True
    mistakes = [
        Mistake(lambda t, p, k: _confusion(p, t, k),
                "rows and columns are swapped: row = true class, column = predicted class"),
        Mistake(lambda t, p, k: np.diag(np.diag(_confusion(t, p, k))),
                "only the diagonal (the correct answers) is filled: count the mistakes too"),
    ]
    cases = [
        Case("three classes, ten samples", args=(_Y_TRUE, _Y_PRED, 3),
             reference=_confusion, mistakes=mistakes, atol=0),
        Case("perfect predictions give a diagonal matrix", args=(_Y_TRUE, _Y_TRUE, 3),
             reference=_confusion, mistakes=mistakes, atol=0),
        Case("a class that never occurs keeps its row and column of zeros",
             args=(np.array([0, 0, 1]), np.array([0, 1, 1]), 4),
             reference=_confusion, mistakes=mistakes, atol=0,
             hint="make the matrix n_classes × n_classes, even for classes that never appear"),
    ]
    run_checks("confusion_matrix", fn, cases, verbose=verbose, timeout=timeout)


def check_precision_recall_f1(fn: Callable, *, verbose: bool = False,
                              timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(y_true, y_pred)`` returns (precision, recall, F1) for class 1."""
    __tracebackhide__ = True

    def ref(t, p):
        return np.array(_binary_scores(t, p))

    def swapped(t, p):
        precision, recall, f1 = _binary_scores(t, p)
        return np.array([recall, precision, f1])

    def arithmetic_mean(t, p):
        precision, recall, _ = _binary_scores(t, p)
        return np.array([precision, recall, (precision + recall) / 2])

    def wrapped(f):
        return lambda t, p: np.asarray(f(t, p), dtype=float)

    def class_0(t, p):
        return np.array(_binary_scores(1 - np.asarray(t), 1 - np.asarray(p)))

    mistakes = [
        Mistake(class_0, "those are the scores of class 0: precision, recall and F1 are about "
                         "the positive class, 1 — TP counts samples with y_pred == 1 and "
                         "y_true == 1"),
        Mistake(swapped, "precision and recall are swapped: precision = TP / (TP + FP) asks "
                         "'of the predicted 1s, how many are right?'; recall = TP / (TP + FN)"),
        Mistake(arithmetic_mean, "F1 is the harmonic mean 2·P·R / (P + R), not (P + R) / 2"),
    ]
    cases = [
        Case("ten samples", args=(_B_TRUE, _B_PRED), reference=ref, mistakes=mistakes),
        Case("more false positives", args=(_B_TRUE, np.array([1, 1, 1, 1, 1, 0, 1, 1, 0, 0])),
             reference=ref, mistakes=mistakes),
        Case("no predicted 1s: precision is 0, not nan",
             args=(_B_TRUE, np.zeros(10, dtype=int)), reference=ref, mistakes=mistakes,
             hint="when TP + FP = 0 there is nothing to divide: return 0.0 for precision "
                  "(and F1), as scikit-learn's zero_division=0 does"),
    ]
    run_checks("precision_recall_f1", wrapped(fn), cases, verbose=verbose, timeout=timeout)


def check_macro_f1(fn: Callable, *, verbose: bool = False,
                   timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(cm)`` gives macro-averaged F1 from a confusion matrix (rows = true)."""
    __tracebackhide__ = True
    cm = _confusion(_Y_TRUE, _Y_PRED, 3)

    def micro(c):
        return float(np.trace(c) / c.sum())

    def f1_of_means(c):
        tp = np.diag(c).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            p, r = np.mean(tp / c.sum(axis=0)), np.mean(tp / c.sum(axis=1))
            return float(2 * p * r / (p + r))

    def support_weighted(c):
        tp = np.diag(c).astype(float)
        predicted, actual = c.sum(axis=0), c.sum(axis=1)
        precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
        recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
        total = precision + recall
        f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(tp), where=total > 0)
        return float(np.sum(f1 * actual) / actual.sum())

    mistakes = [
        Mistake(micro, "that is accuracy (micro-F1): macro-F1 is the plain mean of each "
                       "class's own F1"),
        Mistake(support_weighted, "that is the support-weighted F1 (scikit-learn's "
                                  "average='weighted'): macro-F1 gives every class the same "
                                  "weight, np.mean of the per-class F1 scores"),
        Mistake(f1_of_means, "you took F1 of the mean precision and mean recall; macro-F1 "
                             "averages the per-class F1 scores instead"),
    ]
    cases = [
        Case("three classes", args=(cm,), reference=_macro_f1, mistakes=mistakes),
        Case("an imbalanced two-class matrix", args=(np.array([[90, 0], [8, 2]]),),
             reference=_macro_f1, mistakes=mistakes),
        Case("a class never predicted", args=(np.array([[5, 0, 0], [0, 5, 0], [2, 3, 0]]),),
             reference=_macro_f1, mistakes=mistakes,
             hint="a class with no predictions has precision 0 (not nan), so its F1 is 0"),
    ]
    run_checks("macro_f1", fn, cases, verbose=verbose, timeout=timeout)
