"""Checks for the exercises of lessons 01 (a neuron as a classifier) and 11 (metrics):
right answers written other ways pass, known mistakes fail with their hint, nothing on stderr."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from nnedu import checks
from nnedu.checks import CheckFailed


def passes(check, fn, capfd):
    check(fn)
    captured = capfd.readouterr()
    assert "✗" not in captured.out and "passed" in captured.out
    assert captured.err == "", "a check must never write to stderr"


def fails_with(check, fn, capfd, hint):
    with pytest.raises(CheckFailed):
        check(fn)
    captured = capfd.readouterr()
    assert "✗" in captured.out
    assert hint in captured.out, captured.out
    assert captured.err == "", "a check must never write to stderr"


# ------------------------------------------------------------------ lesson 01
def _step_loop(X, w, b):
    return np.array([1 if sum(wi * xi for wi, xi in zip(w, x)) + b > 0 else 0 for x in X])


@pytest.mark.parametrize("fn", [
    lambda X, w, b: (X @ w + b > 0).astype(int),
    lambda X, w, b: np.where(np.dot(X, w) + b > 0, 1, 0),
    _step_loop,
])
def test_step_predict_right_answers_pass(fn, capfd):
    passes(checks.check_step_predict, fn, capfd)


@pytest.mark.parametrize("fn, hint", [
    (lambda X, w, b: (X @ w > 0).astype(int), "the bias is missing"),
    (lambda X, w, b: (X @ w + b < 0).astype(int), "the classes are swapped"),
    (lambda X, w, b: X @ w + b, "that is z itself"),
])
def test_step_predict_mistakes_get_their_hint(fn, hint, capfd):
    fails_with(checks.check_step_predict, fn, capfd, hint)


@pytest.mark.parametrize("fn", [
    lambda x1, w, b: -(w[0] * x1 + b) / w[1],
    lambda x1, w, b: (-b - w[0] * x1) / w[1],
])
def test_boundary_right_answers_pass(fn, capfd):
    passes(checks.check_boundary_x2, fn, capfd)


@pytest.mark.parametrize("fn, hint", [
    (lambda x1, w, b: (w[0] * x1 + b) / w[1], "a sign is lost"),
    (lambda x1, w, b: -(w[0] * x1) / w[1], "the bias is missing"),
    (lambda x1, w, b: -(w[1] * x1 + b) / w[0], "w1 and w2 are swapped"),
])
def test_boundary_mistakes_get_their_hint(fn, hint, capfd):
    fails_with(checks.check_boundary_x2, fn, capfd, hint)


def test_count_correct(capfd):
    passes(checks.check_count_correct,
           lambda X, y, w, b: int(np.count_nonzero((X @ w + b > 0) == y)), capfd)
    fails_with(checks.check_count_correct,
               lambda X, y, w, b: int(np.sum((X @ w + b > 0) != y)), capfd, "counted the mistakes")
    fails_with(checks.check_count_correct,
               lambda X, y, w, b: float(np.mean((X @ w + b > 0) == y)), capfd, "fraction")


# ------------------------------------------------------------------ lesson 11
def _cm_loop(t, p, k):
    cm = [[0] * k for _ in range(k)]
    for a, b in zip(t, p):
        cm[a][b] += 1
    return np.array(cm)


@pytest.mark.parametrize("fn", [
    lambda t, p, k: confusion_matrix(t, p, labels=list(range(k))),
    _cm_loop,
    lambda t, p, k: np.bincount(t * k + p, minlength=k * k).reshape(k, k),
])
def test_confusion_matrix_right_answers_pass(fn, capfd):
    passes(checks.check_confusion_matrix, fn, capfd)


def test_confusion_matrix_mistakes(capfd):
    fails_with(checks.check_confusion_matrix, lambda t, p, k: _cm_loop(p, t, k), capfd,
               "rows and columns are swapped")
    fails_with(checks.check_confusion_matrix,
               lambda t, p, k: np.diag(np.diag(_cm_loop(t, p, k))), capfd, "only the diagonal")


def test_precision_recall_f1(capfd):
    passes(checks.check_precision_recall_f1,
           lambda t, p: precision_recall_fscore_support(t, p, average="binary",
                                                         zero_division=0)[:3], capfd)

    def swapped(t, p):
        pr, rc, f1, _ = precision_recall_fscore_support(t, p, average="binary", zero_division=0)
        return rc, pr, f1

    def mean_not_harmonic(t, p):
        pr, rc, _, _ = precision_recall_fscore_support(t, p, average="binary", zero_division=0)
        return pr, rc, (pr + rc) / 2

    fails_with(checks.check_precision_recall_f1, swapped, capfd, "swapped")
    fails_with(checks.check_precision_recall_f1, mean_not_harmonic, capfd, "harmonic mean")
    fails_with(checks.check_precision_recall_f1,
               lambda t, p: precision_recall_fscore_support(t, p, average="binary", pos_label=0,
                                                            zero_division=0)[:3], capfd,
               "those are the scores of class 0")


def _from_cm(cm):
    k = len(cm)
    t = np.repeat(np.arange(k), cm.sum(axis=1))
    p = np.concatenate([np.repeat(np.arange(k), cm[i]) for i in range(k)])
    return t, p


def test_macro_f1(capfd):
    passes(checks.check_macro_f1,
           lambda cm: f1_score(*_from_cm(cm), average="macro", zero_division=0,
                               labels=list(range(len(cm)))), capfd)
    fails_with(checks.check_macro_f1, lambda cm: float(np.trace(cm) / cm.sum()), capfd,
               "that is accuracy")

    def f1_of_means(cm):
        tp = np.diag(cm).astype(float)
        with np.errstate(all="ignore"):
            p, r = np.mean(tp / cm.sum(axis=0)), np.mean(tp / cm.sum(axis=1))
            return float(2 * p * r / (p + r))

    fails_with(checks.check_macro_f1, f1_of_means, capfd, "mean precision and mean recall")
    fails_with(checks.check_macro_f1,
               lambda cm: f1_score(*_from_cm(cm), average="weighted", zero_division=0,
                                   labels=list(range(len(cm)))), capfd, "support-weighted F1")
