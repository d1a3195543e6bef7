"""Checks for lesson 01's exercises beyond the weighted sum: a neuron as a classifier.

The right answers are written out here; see :mod:`nnedu.checks.runner` for the format.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks

_X = np.array([[1.0, 2.0], [-1.0, 0.5], [3.0, -2.0], [0.0, 0.0], [-2.0, -1.0]])


def _step_predict(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """1 where z = X @ w + b > 0, else 0."""
    return (X @ w + b > 0).astype(int)


def _boundary_x2(x1: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """On the line w1·x1 + w2·x2 + b = 0, x2 = −(w1·x1 + b) / w2."""
    return -(w[0] * x1 + b) / w[1]


def _count_correct(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> int:
    return int(np.sum(_step_predict(X, w, b) == y))


_STEP_MISTAKES = [
    Mistake(lambda X, w, b: (X @ w > 0).astype(int),
            "the bias is missing: the neuron fires when X @ w + b > 0"),
    Mistake(lambda X, w, b: (X @ w + b < 0).astype(int),
            "the classes are swapped: class 1 is where z > 0"),
    Mistake(lambda X, w, b: X @ w + b,
            "that is z itself; turn it into a class: 1 where z > 0, else 0"),
]

_BOUNDARY_MISTAKES = [
    Mistake(lambda x1, w, b: (w[0] * x1 + b) / w[1],
            "a sign is lost: from w1·x1 + w2·x2 + b = 0 you get x2 = −(w1·x1 + b) / w2"),
    Mistake(lambda x1, w, b: -(w[0] * x1) / w[1],
            "the bias is missing: x2 = −(w1·x1 + b) / w2"),
    Mistake(lambda x1, w, b: -(w[1] * x1 + b) / w[0],
            "w1 and w2 are swapped: x2 = −(w1·x1 + b) / w2"),
]


def check_step_predict(fn: Callable, *, verbose: bool = False,
                       timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(X, w, b)`` returns class 1 where X @ w + b > 0 and 0 elsewhere."""
    __tracebackhide__ = True
    cases = [
        Case("five points, w = (1, 1), b = 0", args=(_X, np.array([1.0, 1.0]), 0.0),
             reference=_step_predict, mistakes=_STEP_MISTAKES),
        Case("the bias moves the line: b = −2", args=(_X, np.array([1.0, 1.0]), -2.0),
             reference=_step_predict, mistakes=_STEP_MISTAKES),
        Case("a negative weight, w = (2, −1), b = 0.5", args=(_X, np.array([2.0, -1.0]), 0.5),
             reference=_step_predict, mistakes=_STEP_MISTAKES),
        Case("z = 0 exactly counts as class 0", args=(np.zeros((2, 2)), np.array([1.0, 1.0]), 0.0),
             reference=_step_predict, mistakes=_STEP_MISTAKES,
             hint="use a strict z > 0: a point exactly on the line is class 0"),
    ]
    run_checks("step_predict", fn, cases, verbose=verbose, timeout=timeout)


def check_boundary_x2(fn: Callable, *, verbose: bool = False,
                      timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(x1, w, b)`` gives the x2 of the decision line w1·x1 + w2·x2 + b = 0."""
    __tracebackhide__ = True
    x1 = np.linspace(-2.0, 2.0, 5)
    cases = [
        Case("w = (1, 1), b = 0: the line x2 = −x1", args=(x1, np.array([1.0, 1.0]), 0.0),
             reference=_boundary_x2, mistakes=_BOUNDARY_MISTAKES),
        Case("w = (2, −1), b = 1", args=(x1, np.array([2.0, -1.0]), 1.0),
             reference=_boundary_x2, mistakes=_BOUNDARY_MISTAKES),
        Case("w = (0.5, 4), b = −2", args=(x1, np.array([0.5, 4.0]), -2.0),
             reference=_boundary_x2, mistakes=_BOUNDARY_MISTAKES),
    ]
    run_checks("boundary_x2", fn, cases, verbose=verbose, timeout=timeout)


def check_count_correct(fn: Callable, *, verbose: bool = False,
                        timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(X, y, w, b)`` counts the points the step neuron classifies correctly."""
    __tracebackhide__ = True
    y = np.array([1, 0, 1, 0, 0])
    mistakes = [
        Mistake(lambda X, y, w, b: int(np.sum(_step_predict(X, w, b) != y)),
                "you counted the mistakes; count the points where prediction == label"),
        Mistake(lambda X, y, w, b: float(np.mean(_step_predict(X, w, b) == y)),
                "that is the fraction (accuracy); the task asks for the number of points"),
    ]
    cases = [
        Case("w = (1, 1), b = 0", args=(_X, y, np.array([1.0, 1.0]), 0.0),
             reference=_count_correct, mistakes=mistakes),
        Case("w = (1, −1), b = 0.5", args=(_X, y, np.array([1.0, -1.0]), 0.5),
             reference=_count_correct, mistakes=mistakes),
        Case("every point wrong", args=(_X, 1 - _step_predict(_X, np.array([1.0, 1.0]), 0.0),
                                        np.array([1.0, 1.0]), 0.0),
             reference=_count_correct, mistakes=mistakes),
    ]
    run_checks("count_correct", fn, cases, verbose=verbose, timeout=timeout)
