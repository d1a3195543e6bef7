"""The checks of exercise set 04 (loss functions): right answers written in other ways pass,
known mistakes fail with their hint, bad code is reported without crashing, and the functions
of ``nnedu.losses`` pass the checks."""

from __future__ import annotations

import numpy as np
import pytest
from student_code import (
    BAD_CODE,
    BAD_CODE_IDS,
    assert_fails_with_hint,
    not_written,
    right_cases,
    wrong_cases,
)

from nnedu import checks
from nnedu.checks import CheckFailed, NotWrittenYet
from nnedu.checks import losses as loss_checks

EPS = 1e-12


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# --------------------------------------------------------------------------- right answers


def _mse_loop(y_pred, y_true):
    total = 0.0
    for a, b in zip(y_pred.ravel(), y_true.ravel()):
        total += (a - b) ** 2
    return total / y_pred.size


def _bce_two_clips(p, y):
    log_p = np.log(np.clip(p, EPS, None))
    log_not_p = np.log(np.clip(1.0 - p, EPS, None))
    return -np.mean(y * log_p + (1 - y) * log_not_p)


def _bce_where(p, y):
    p = np.clip(p, EPS, 1 - EPS)
    return np.mean(-np.log(np.where(y == 1, p, 1 - p)))


def _bce_gradient_two_terms(p, y):
    p = np.clip(p, EPS, 1 - EPS)
    return (-y / p + (1 - y) / (1 - p)) / p.size


def _cce_true_class(p, y):
    true_class = np.argmax(y, axis=1)
    picked = p[np.arange(len(p)), true_class]
    return -np.mean(np.log(np.maximum(picked, EPS)))


def _cce_sum_rows(p, y):
    per_sample = -np.sum(y * np.log(np.clip(p, EPS, 1.0)), axis=1)
    return per_sample.mean()


def _softmax_cce_gradient_log_sum_exp(z, y):
    shifted = z - z.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return (np.exp(log_p) - y) / len(z)


RIGHT = {
    "check_mse": [
        lambda y_pred, y_true: np.mean((y_pred - y_true) ** 2),
        lambda y_pred, y_true: np.sum(np.square(y_true - y_pred)) / y_pred.size,
        _mse_loop,
        lambda y_pred, y_true: float(np.average((y_pred - y_true) ** 2)),
    ],
    "check_mse_gradient": [
        lambda y_pred, y_true: 2 * (y_pred - y_true) / y_pred.size,
        lambda y_pred, y_true: -2.0 / np.size(y_true) * (y_true - y_pred),
    ],
    "check_binary_cross_entropy": [
        lambda p, y: -np.mean(y * np.log(np.clip(p, EPS, 1 - EPS))
                              + (1 - y) * np.log(1 - np.clip(p, EPS, 1 - EPS))),
        _bce_two_clips,
        _bce_where,
    ],
    "check_binary_cross_entropy_gradient": [
        lambda p, y: (np.clip(p, EPS, 1 - EPS) - y)
        / (np.clip(p, EPS, 1 - EPS) * (1 - np.clip(p, EPS, 1 - EPS))) / p.size,
        _bce_gradient_two_terms,
    ],
    "check_categorical_cross_entropy": [
        lambda p, y: -np.sum(y * np.log(np.clip(p, EPS, 1.0))) / len(p),
        lambda p, y: -np.sum(y * np.log(np.clip(p, EPS, 1 - EPS))) / p.shape[0],
        _cce_true_class,
        _cce_sum_rows,
    ],
    "check_softmax_cross_entropy_gradient": [
        lambda z, y: (_softmax(z) - y) / z.shape[0],
        _softmax_cce_gradient_log_sum_exp,
    ],
}


# --------------------------------------------------------------------------- known mistakes


def _clipped(p):
    return np.clip(p, EPS, 1 - EPS)


def _softmax_no_shift(z):
    return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)


def _mse_gradient_in_place(y_pred, y_true):
    y_pred -= y_true
    return 2 * y_pred / y_pred.size


WRONG = {
    "check_mse": [
        (lambda y_pred, y_true: np.sum((y_pred - y_true) ** 2), "you added the squared errors up"),
        (lambda y_pred, y_true: np.mean(y_pred - y_true), "square each error"),
        (lambda y_pred, y_true: np.mean(np.abs(y_pred - y_true)), "that is the mean absolute"),
        (lambda y_pred, y_true: np.sqrt(np.mean((y_pred - y_true) ** 2)), "leave out the square"),
        (lambda y_pred, y_true: np.sum((y_pred - y_true) ** 2) / len(y_pred),
         "not the number of rows"),
    ],
    "check_mse_gradient": [
        (lambda y_pred, y_true: (y_pred - y_true) / y_pred.size, "the 2 is missing"),
        (lambda y_pred, y_true: 2 * (y_pred - y_true), "the 1/N is missing"),
        (lambda y_pred, y_true: 2 * (y_true - y_pred) / y_pred.size, "the sign is flipped"),
        (lambda y_pred, y_true: 2 * (y_pred - y_true) / len(y_pred),
         "not the number of rows len(y_pred)"),
        (lambda y_pred, y_true: np.mean(2 * (y_pred - y_true)), "np.mean turned it into one"),
        (_mse_gradient_in_place, "leave the inputs alone"),
    ],
    "check_binary_cross_entropy": [
        (lambda p, y: -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), "np.log(0) is −inf"),
        (lambda p, y: np.mean(y * np.log(_clipped(p)) + (1 - y) * np.log(1 - _clipped(p))),
         "the minus sign is missing"),
        (lambda p, y: -np.sum(y * np.log(_clipped(p)) + (1 - y) * np.log(1 - _clipped(p))),
         "not the sum"),
        (lambda p, y: -np.mean(y * np.log(_clipped(p))), "the second term is missing"),
        (lambda p, y: -np.mean(y * np.log(1 - _clipped(p)) + (1 - y) * np.log(_clipped(p))),
         "the two logs are swapped"),
        # clipped, but not at the EPS of the exercise: only the extreme case fails
        (lambda p, y: -np.mean(y * np.log(np.clip(p, 1e-7, 1 - 1e-7))
                               + (1 - y) * np.log(1 - np.clip(p, 1e-7, 1 - 1e-7))),
         "with the EPS = 1e-12 of the setup cell"),
    ],
    "check_binary_cross_entropy_gradient": [
        (lambda p, y: (p - y) / (p * (1 - p)) / p.size, "p = 0 or 1 divides by zero"),
        (lambda p, y: (y - _clipped(p)) / (_clipped(p) * (1 - _clipped(p))) / p.size,
         "the sign is flipped"),
        (lambda p, y: (_clipped(p) - y) / (_clipped(p) * (1 - _clipped(p))),
         "the 1/N is missing"),
        (lambda p, y: (p - y) / p.size, "gradient with respect to the logit z"),
        (lambda p, y: -y / _clipped(p) / p.size, "has a derivative too"),
    ],
    "check_categorical_cross_entropy": [
        (lambda p, y: -np.mean(y * np.log(np.clip(p, EPS, 1.0))), "divides by m · K"),
        (lambda p, y: -np.sum(y * np.log(np.clip(p, EPS, 1.0))),
         "divide by the number of samples m"),
        (lambda p, y: np.sum(y * np.log(np.clip(p, EPS, 1.0))) / len(p),
         "the minus sign is missing"),
        (lambda p, y: -np.sum(y * np.log(p)) / len(p), "0 · log(0) is nan"),
        (lambda p, y: -np.sum(np.log(np.clip(p, EPS, 1.0))) / len(p),
         "multiply by the one-hot target Y"),
        # the right numbers, patched after log(0) = −inf: fails where it warned
        (lambda p, y: -np.sum(np.nan_to_num(y * np.log(p), neginf=np.log(EPS))) / len(p),
         "clip p into [EPS, 1]"),
        # two mistakes at once: each hint on the cases it explains
        (lambda p, y: -np.mean(y * np.log(p)), "divides by m · K"),
        (lambda p, y: -np.mean(y * np.log(p)), "0 · log(0) is nan"),
    ],
    "check_softmax_cross_entropy_gradient": [
        (lambda z, y: (y - _softmax(z)) / len(z), "the sign is flipped"),
        (lambda z, y: _softmax(z) - y, "the 1/m is missing"),
        (lambda z, y: (_softmax(z) - y) / z.size, "not by m · K"),
        (lambda z, y: (z - y) / len(z), "Z holds logits"),
        (lambda z, y: (_softmax_no_shift(z) - y) / len(z), "np.exp(1000) overflows"),
        (lambda z, y: (np.exp(z) / np.exp(z).sum(axis=0) - y) / len(z),
         "softmax works along each row"),
        (lambda z, y: (np.exp(z - z.max(0)) / np.exp(z - z.max(0)).sum(0) - y) / len(z),
         "softmax works along each row"),
    ],
}

CHECK_NAMES = sorted(RIGHT)


def test_every_check_is_exported_and_tested():
    assert sorted(loss_checks.__all__) == CHECK_NAMES
    for name in CHECK_NAMES:
        assert getattr(checks, name) is getattr(loss_checks, name)
        assert len(WRONG[name]) >= 2 and len(RIGHT[name]) >= 1


def test_the_checks_clip_like_the_library():
    from nnedu.losses import EPS as LIBRARY_EPS

    assert loss_checks.EPS == LIBRARY_EPS


@pytest.mark.parametrize(("name", "student_fn"), right_cases(RIGHT))
def test_right_answers_written_another_way_pass(name, student_fn, capfd):
    assert getattr(checks, name)(student_fn) is None  # None: nbgrader reads no partial credit
    out = capfd.readouterr().out
    assert "✗" not in out
    assert "checks passed — well done." in out


@pytest.mark.parametrize(("name", "student_fn", "hint"), wrong_cases(WRONG))
def test_known_mistakes_fail_with_their_hint(name, student_fn, hint, capfd):
    assert_fails_with_hint(getattr(checks, name), student_fn, hint, capfd)


def test_an_unclipped_loss_reports_the_warning_on_stdout(capfd):
    with pytest.raises(CheckFailed):
        checks.check_binary_cross_entropy(
            lambda p, y: -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    out = capfd.readouterr().out
    assert 'numpy warned "divide by zero' in out


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
    assert "is not written yet: replace `raise NotImplementedError()`" in capfd.readouterr().out


# --------------------------------------------------------------------------- the library agrees

LIBRARY = {
    "check_mse": "mse",
    "check_mse_gradient": "mse_gradient",
    "check_binary_cross_entropy": "binary_cross_entropy",
    "check_binary_cross_entropy_gradient": "binary_cross_entropy_gradient",
    "check_categorical_cross_entropy": "categorical_cross_entropy",
    "check_softmax_cross_entropy_gradient": "softmax_cross_entropy_gradient",
}


def test_every_check_has_a_library_function():
    assert sorted(LIBRARY) == CHECK_NAMES


@pytest.mark.parametrize(("name", "function_name"), sorted(LIBRARY.items()))
def test_the_library_passes_the_checks(name, function_name, capfd):
    from nnedu import losses

    getattr(checks, name)(getattr(losses, function_name))
    out = capfd.readouterr().out
    assert "✗" not in out and "note:" not in out  # the library clips: no log(0) warning
