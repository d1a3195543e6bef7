"""The checks of exercise set 00a (the maths you need): right answers written in other ways
pass, known mistakes fail with their hint, bad code is reported without crashing, and the
library's own functions agree with the checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from student_code import (
    BAD_CODE,
    BAD_CODE_IDS,
    assert_fails_with_hint,
    not_written,
)

from nnedu.checks import CheckFailed, NotWrittenYet
from nnedu.checks import maths as checks


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


# --------------------------------------------------------------------------- right answers


def _central_two_halves(f, x, h):
    right = (f(x + h) - f(x)) / h
    left = (f(x) - f(x - h)) / h
    return (right + left) / 2  # the mean of forward and backward: the same number


def _dL_dw_one_line(x, y, w, b):
    a = _sigmoid(w * x + b)
    return 2 * x * (a - y) * a * (1 - a)


def _dL_dw_library(x, y, w, b):
    from nnedu.activations import sigmoid, sigmoid_derivative

    z = w * x + b
    return 2 * (sigmoid(z) - y) * sigmoid_derivative(z) * x


def _log_loss_true_class(p, y):
    p_true = np.where(y == 1, p, 1 - p)
    return float(-np.mean(np.log(p_true)))


def _log_loss_loop(p, y):
    total = 0.0
    for p_r, y_r in zip(p, y):
        total += -math.log(p_r) if y_r == 1 else -math.log(1 - p_r)
    return total / len(p)


def _log_loss_library(p, y):
    from nnedu.losses import binary_cross_entropy

    return binary_cross_entropy(p.reshape(-1, 1), y.reshape(-1, 1))


RIGHT = {
    "check_central_difference": [
        lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h),
        lambda f, x, h: (f(x + h) - f(x - h)) / 2 / h,
        _central_two_halves,
    ],
    "check_dL_dw": [_dL_dw_one_line, _dL_dw_library],
    "check_dense_shapes": [
        lambda m, n_in, n_out: ((m, n_in), (n_in, n_out), (n_out,), (m, n_out)),
        lambda m, n_in, n_out: [[m, n_in], [n_in, n_out], [n_out], [m, n_out]],
        lambda m, n_in, n_out: tuple(a.shape for a in _layer_arrays(m, n_in, n_out)),
    ],
    "check_log_loss": [_log_loss_true_class, _log_loss_loop, _log_loss_library],
    "check_expected_value": [
        lambda values, probs: np.sum(probs * values),
        lambda values, probs: probs @ values,
        lambda values, probs: sum(p * v for p, v in zip(probs, values)),
    ],
}


def _layer_arrays(m, n_in, n_out):
    X, W, b = np.zeros((m, n_in)), np.zeros((n_in, n_out)), np.zeros(n_out)
    return X, W, b, X @ W + b


# --------------------------------------------------------------------------- known mistakes


def _chain(d_outer, d_middle, d_inner):
    def dL_dw(x, y, w, b):
        z = w * x + b
        a = _sigmoid(z)
        return d_outer(a, y) * d_middle(z, a) * d_inner(x, w)

    return dL_dw


_OUTER = lambda a, y: 2 * (a - y)  # noqa: E731
_MIDDLE = lambda z, a: a * (1 - a)  # noqa: E731
_INNER = lambda x, w: x  # noqa: E731


def _shapes_with(**wrong):
    def shapes(m, n_in, n_out):
        right = {"X": (m, n_in), "W": (n_in, n_out), "b": (n_out,), "Z": (m, n_out)}
        right.update({name: fn(m, n_in, n_out) for name, fn in wrong.items()})
        return right["X"], right["W"], right["b"], right["Z"]

    return shapes


WRONG = {
    "check_central_difference": [
        (lambda f, x, h: (f(x + h) - f(x)) / h, "that is the forward difference"),
        (lambda f, x, h: (f(x) - f(x - h)) / h, "that is the backward difference"),
        (lambda f, x, h: (f(x + h) - f(x - h)) / h, "divide by 2 * h, not by h"),
        (lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h, "/ 2 * h divides by 2"),
        (lambda f, x, h: (f(x - h) - f(x + h)) / (2 * h), "the slope's sign flips"),
    ],
    "check_dL_dw": [
        (_chain(_OUTER, _MIDDLE, lambda x, w: 1.0), "the innermost link is missing"),
        (_chain(_OUTER, _MIDDLE, lambda x, w: w), "that is dL/dx"),
        (_chain(_OUTER, lambda z, a: 1.0, _INNER), "multiply by its slope σ′(z)"),
        (_chain(_OUTER, lambda z, a: _sigmoid(a) * (1 - _sigmoid(a)), _INNER),
         "σ′ is taken at z, not at a = σ(z)"),
        (_chain(lambda a, y: a - y, _MIDDLE, _INNER), "the 2 is missing"),
        (_chain(lambda a, y: 2 * (y - a), _MIDDLE, _INNER), "(y − a) flips the sign"),
    ],
    "check_dense_shapes": [
        (_shapes_with(W=lambda m, i, o: (o, i)), "W has one row per input feature"),
        (_shapes_with(X=lambda m, i, o: (i, m), Z=lambda m, i, o: (o, m)),
         "X and Z have one row per sample"),
        (_shapes_with(Z=lambda m, i, o: (o, m)), "Z has one row per sample"),
        (_shapes_with(X=lambda m, i, o: (i, m)), "X has one row per sample"),
        (_shapes_with(b=lambda m, i, o: (m, o)), "one bias per unit, shared by every sample"),
        (_shapes_with(b=lambda m, i, o: (o, 1)), "b of shape (n_out, 1) is a column"),
        (_shapes_with(Z=lambda m, i, o: (m, i)), "not (m, n_in)"),
    ],
    "check_log_loss": [
        (lambda p, y: -np.mean(np.log(p)), "take log(1 − p) there"),
        (lambda p, y: -np.mean(y * np.log(1 - p) + (1 - y) * np.log(p)),
         "log of the wrong probability"),
        (lambda p, y: np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), "put a minus in front"),
        (lambda p, y: -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)),
         "average over the samples"),
        (lambda p, y: -np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p)),
         "use the natural log"),
        (lambda p, y: -np.log(np.mean(np.where(y == 1, p, 1 - p))),
         "the mean of the logs, not the log of the mean"),
    ],
    "check_expected_value": [
        (lambda values, probs: np.mean(values), "weigh each value by its probability"),
        (lambda values, probs: np.mean(probs * values), "the probabilities already do the"),
        (lambda values, probs: np.sum(probs), "that adds up the probabilities"),
    ],
}

CHECK_NAMES = sorted(RIGHT)


def test_every_check_is_listed_and_tested():
    assert sorted(checks.__all__) == CHECK_NAMES == sorted(WRONG)
    for name in CHECK_NAMES:
        assert len(WRONG[name]) >= 2 and len(RIGHT[name]) >= 2


def _params(table, with_hint):
    return [
        pytest.param(name, *(entry if with_hint else (entry,)), id=f"{name}-{i}")
        for name in sorted(table)
        for i, entry in enumerate(table[name])
    ]


@pytest.mark.parametrize(("name", "student_fn"), _params(RIGHT, False))
def test_right_answers_written_another_way_pass(name, student_fn, capfd):
    assert getattr(checks, name)(student_fn) is None  # None: nbgrader reads no partial credit
    out = capfd.readouterr().out
    assert "✗" not in out
    assert "checks passed — well done." in out


@pytest.mark.parametrize(("name", "student_fn", "hint"), _params(WRONG, True))
def test_known_mistakes_fail_with_their_hint(name, student_fn, hint, capfd):
    assert_fails_with_hint(getattr(checks, name), student_fn, hint, capfd)


@pytest.mark.parametrize(("name", "student_fn", "hint"), _params(WRONG, True))
def test_each_mistake_gets_one_hint_only(name, student_fn, hint):
    """Every failed case of a known mistake carries that mistake's own hint, no other."""
    with pytest.raises(CheckFailed) as info:
        getattr(checks, name)(student_fn)
    hints = {case.hint for case in info.value.result.cases if not case.passed}
    assert len(hints) == 1 and hint in hints.pop()


# --------------------------------------------------------------------------- bad code


@pytest.mark.parametrize("name", CHECK_NAMES)
@pytest.mark.parametrize(("student_fn", "status", "text"), BAD_CODE, ids=BAD_CODE_IDS)
def test_bad_code_is_reported_and_never_crashes(name, student_fn, status, text, capfd):
    with pytest.raises(CheckFailed) as info:
        getattr(checks, name)(student_fn, timeout=0.2)
    first = info.value.result.cases[0]
    assert first.status == status
    assert text in first.message
    assert "Traceback" not in capfd.readouterr().out


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_the_stub_is_not_written_yet(name, capfd):
    with pytest.raises(NotWrittenYet):
        getattr(checks, name)(not_written)
    assert "is not written yet" in capfd.readouterr().out


# --------------------------------------------------------------------------- the numbers


def test_the_checks_right_answers_are_the_numbers_the_exercise_and_lesson_give():
    assert checks._central_difference(lambda x: x**3, 2.0, 0.1) == pytest.approx(12.01)
    assert checks._dL_dw(2.0, 1.0, 0.5, -0.5) == pytest.approx(-0.3549, abs=5e-5)
    assert checks._dense_shapes(4, 3, 2) == ((4, 3), (3, 2), (2,), (4, 2))
    assert checks._log_loss(np.array([0.9]), np.array([1.0])) == pytest.approx(0.1054, abs=5e-5)
    assert checks._expected_value(np.arange(1, 7), np.full(6, 1 / 6)) == pytest.approx(3.5)


def test_the_chain_rule_answer_matches_a_central_difference():
    for x, y, w, b in [(2.0, 1.0, 0.5, -0.5), (-1.5, 0.0, 2.0, 0.3), (3.0, 0.0, -0.4, 1.0)]:
        def loss(v, x=x, y=y, b=b):
            return (_sigmoid(v * x + b) - y) ** 2

        numeric = checks._central_difference(loss, w, 1e-6)
        assert checks._dL_dw(x, y, w, b) == pytest.approx(numeric, rel=1e-7, abs=1e-10)


def test_the_shapes_answer_is_what_numpy_makes():
    for m, n_in, n_out in [(32, 64, 10), (1, 5, 7)]:
        X, W, b, Z = _layer_arrays(m, n_in, n_out)
        assert checks._dense_shapes(m, n_in, n_out) == (X.shape, W.shape, b.shape, Z.shape)
