"""The checks for lessons 01–02: right answers written in other ways pass, known mistakes fail
with their hint, and bad student code of every kind is reported without crashing or stderr."""

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


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def _stable_sigmoid_with_masks(z):
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    e = np.exp(z[~positive])
    out[~positive] = e / (1.0 + e)
    return out


def _sigmoid_two_branches_as_in_lesson_02(z):
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))


def _sigmoid_two_branches_quiet(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softmax_log_sum_exp(z):
    shifted = z - z.max(axis=-1)[..., None]
    return np.exp(shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True)))


def _softmax_in_place(z):
    z -= np.max(z, axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= np.sum(z, axis=-1, keepdims=True)
    return z


def _relu_in_place(z):
    z[z < 0] = 0.0
    return z


def _softmax_down_the_columns(z):
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def _softmax_axis1(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)


def _weighted_sum_in_place(x, w, b):
    x *= w
    return x.sum(axis=-1) + b


# For every check: implementations that are right (written differently from the reference),
# and known-wrong ones with a piece of the hint the student must see.
RIGHT = {
    "check_weighted_sum": [
        lambda x, w, b: np.dot(x, w) + b,
        lambda x, w, b: np.matmul(x, w) + b,
        lambda x, w, b: (x * w).sum(axis=-1) + b,
        lambda x, w, b: np.einsum("...i,i->...", x, w) + b,
        lambda x, w, b: w @ x.T + b,
    ],
    "check_sigmoid": [
        _sigmoid_two_branches_as_in_lesson_02,  # warns in the branch np.where throws away
        _sigmoid_two_branches_quiet,
        lambda z: np.exp(-np.logaddexp(0.0, -z)),
        lambda z: 0.5 * (1.0 + np.tanh(z / 2.0)),
        _stable_sigmoid_with_masks,
        lambda z: 1.0 / (1.0 + np.exp(-np.clip(z, -500.0, 500.0))),
    ],
    "check_sigmoid_derivative": [
        lambda z: (1.0 / (1.0 + np.exp(-z))) * (1.0 - 1.0 / (1.0 + np.exp(-z))),
        lambda z: _sigmoid(z) * _sigmoid(-z),
        lambda z: 0.25 / np.cosh(z / 2.0) ** 2,
        lambda z: np.exp(-np.logaddexp(0.0, -z) - np.logaddexp(0.0, z)),
    ],
    "check_tanh": [
        np.tanh,
        lambda z: 2.0 * _sigmoid(2.0 * z) - 1.0,
        lambda z: np.sign(z) * (1 - np.exp(-2 * np.abs(z))) / (1 + np.exp(-2 * np.abs(z))),
    ],
    "check_tanh_derivative": [
        lambda z: 1.0 - np.tanh(z) ** 2,
        lambda z: 1.0 / np.cosh(z) ** 2,
        lambda z: 4.0 * _sigmoid(2.0 * z) * _sigmoid(-2.0 * z),
    ],
    "check_relu": [
        lambda z: np.maximum(z, 0.0),
        lambda z: z * (z > 0),
        lambda z: np.where(z > 0, z, 0.0),
        lambda z: np.clip(z, 0.0, None),
        lambda z: (z + np.abs(z)) / 2.0,
    ],
    "check_relu_derivative": [
        lambda z: (z > 0).astype(float),
        lambda z: np.where(z > 0, 1.0, 0.0),
        lambda z: np.heaviside(z, 0.0),
        lambda z: z > 0,  # booleans count as 1 and 0
    ],
    "check_leaky_relu": [
        lambda z, alpha=0.01: np.where(z > 0, z, alpha * z),
        lambda z, alpha=0.01: np.maximum(z, alpha * z),
        lambda z, alpha=0.01: np.maximum(z, 0.0) + alpha * np.minimum(z, 0.0),
    ],
    "check_softmax": [
        lambda z: np.exp(z - z.max(axis=-1, keepdims=True))
        / np.exp(z - z.max(axis=-1, keepdims=True)).sum(axis=-1, keepdims=True),
        _softmax_log_sum_exp,
    ],
}

WRONG = {
    "check_weighted_sum": [
        (lambda x, w, b: x @ w, "the bias is missing"),
        (lambda x, w, b: x * w + b, "x * w multiplies element by element"),
        (lambda x, w, b: np.sum(x * w + b, axis=-1), "the bias was added to every product"),
        (lambda x, w, b: np.sum(x * w) + b, "np.sum without an axis adds up the whole batch"),
        (lambda x, w, b: w @ x + b, "use x @ w"),
        (lambda x, w, b: x @ w - b, "the bias is added, not subtracted"),
        (_weighted_sum_in_place, "leave the inputs alone"),
    ],
    "check_sigmoid": [
        (lambda z: 1.0 / (1.0 + np.exp(z)), "the exponent is −z"),
        (lambda z: 1.0 / (1.0 - np.exp(-z)), "the denominator is 1 + e^(−z)"),
        (np.tanh, "that is tanh"),
        (lambda z: np.exp(z) / (1.0 + np.exp(z)), "inf / inf is nan"),
        # right values to 1e-8, but through inf: σ(−710) comes out 0 with an overflow warning
        (lambda z: 1.0 / (1.0 + np.exp(-z)), "e^710 does not fit in a float64"),
    ],
    "check_sigmoid_derivative": [
        (lambda z: z * (1.0 - z), "needs the activation a = sigmoid(z), not z"),
        (lambda z: _sigmoid(z) * (1.0 - z), "you wrote a · (1 − z)"),
        (lambda z: _sigmoid(_sigmoid(z)) * (1 - _sigmoid(_sigmoid(z))), "applied sigmoid twice"),
        (_sigmoid, "that is sigmoid(z) itself"),
        (lambda z: np.exp(-z) / (1.0 + np.exp(-z)), "the denominator is squared"),
        # the exact formula, computed unstably: nan for very negative z; the case's own hint
        (lambda z: np.exp(-z) / (1.0 + np.exp(-z)) ** 2, "with your stable sigmoid"),
    ],
    "check_tanh": [
        (_sigmoid, "that is sigmoid"),
        (lambda z: 2.0 * _sigmoid(z) - 1.0, "the argument of sigmoid is 2z"),
        (lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)), "inf / inf is nan"),
    ],
    "check_tanh_derivative": [
        (lambda z: 1.0 - z**2, "you computed 1 − z²"),
        (lambda z: 1.0 - np.tanh(z), "the tanh is squared"),
        (np.tanh, "that is tanh(z) itself"),
    ],
    "check_relu": [
        (lambda z: np.max(z, 0), "np.max(z, 0) returns the largest value along axis 0"),
        (np.abs, "np.abs turns negative values positive"),
        (lambda z: np.minimum(z, 0.0), "np.minimum keeps the negative part"),
        (_relu_in_place, "leave the inputs alone"),
        (lambda z: max(0.0, z), "if, max, min, and, or look at one number"),
    ],
    "check_relu_derivative": [
        (lambda z: np.maximum(z, 0.0), "that is relu(z) itself"),
        (lambda z: (z >= 0).astype(float), "use z > 0, not z >= 0"),
        (np.sign, "np.sign gives −1 for negative z"),
    ],
    "check_leaky_relu": [
        (lambda z, alpha=0.01: np.maximum(z, 0.0), "that is plain ReLU"),
        (lambda z, alpha=0.01: np.where(z > 0, alpha * z, z), "the two sides are swapped"),
        (lambda z, alpha=0.01: np.where(z > 0, z, 0.01 * z), "use the alpha you are given"),
    ],
    "check_softmax": [
        (lambda z: np.exp(z) / np.sum(np.exp(z), axis=-1, keepdims=True), "subtract each row's"),
        (lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(-1, keepdims=True), "whole batch"),
        (_softmax_down_the_columns, "not down the columns"),
        (lambda z: np.exp(z - z.max()) / np.sum(np.exp(z - z.max())), "adds up the whole batch"),
        (lambda z: np.exp(z - z.max(-1)) / np.exp(z - z.max(-1)).sum(-1), "keepdims=True"),
        (_softmax_axis1, "axis=-1 means 'the last axis'"),
        (_softmax_in_place, "leave the inputs alone"),
    ],
}

CHECK_NAMES = sorted(RIGHT)


def test_every_check_is_exported_and_tested():
    from nnedu.checks import basics

    in_module = sorted(name for name in basics.__all__ if name.startswith("check_"))
    assert in_module == CHECK_NAMES
    assert all(getattr(checks, name) is getattr(basics, name) for name in CHECK_NAMES)
    assert all(len(WRONG[name]) >= 2 for name in CHECK_NAMES)


@pytest.mark.parametrize(("name", "student_fn"), right_cases(RIGHT))
def test_right_answers_written_another_way_pass(name, student_fn, capfd):
    assert getattr(checks, name)(student_fn) is None  # None: nbgrader reads no partial credit
    out = capfd.readouterr().out
    assert "✗" not in out
    assert "checks passed — well done." in out


@pytest.mark.parametrize(("name", "student_fn", "hint"), wrong_cases(WRONG))
def test_known_mistakes_fail_with_their_hint(name, student_fn, hint, capfd):
    assert_fails_with_hint(getattr(checks, name), student_fn, hint, capfd)


def test_a_hint_is_not_given_for_an_unrelated_wrong_answer():
    # `return z` gives 0 at z = 0 like tanh does, but it is not the tanh mistake.
    with pytest.raises(CheckFailed) as info:
        checks.check_sigmoid(lambda z: z)
    assert [case.hint for case in info.value.result.cases] == ["", "", "", ""]


def test_two_mistakes_at_once_still_get_the_edge_case_hints():
    def no_shift_and_wrong_axis(z):
        return np.exp(z) / np.sum(np.exp(z), axis=0, keepdims=True)

    with pytest.raises(CheckFailed) as info:
        checks.check_softmax(no_shift_and_wrong_axis)
    hints = [case.hint for case in info.value.result.cases]
    assert "subtract the largest score of each row before np.exp" in hints


def test_a_naive_sigmoid_fails_where_it_overflows(capfd):
    with pytest.raises(CheckFailed) as info:
        checks.check_sigmoid(lambda z: 1.0 / (1.0 + np.exp(-z)))
    assert [case.status for case in info.value.result.cases] == ["passed"] * 3 + ["wrong"]
    out = capfd.readouterr().out
    assert "the value at index 1 is 0 instead of 4.476e-309" in out
    assert '(numpy warned "overflow encountered in exp")' in out


@pytest.mark.parametrize(
    "student_fn", [_sigmoid_two_branches_as_in_lesson_02, _sigmoid_two_branches_quiet]
)
def test_a_stable_two_branch_sigmoid_gets_no_overflow_advice(student_fn, capfd):
    checks.check_sigmoid(student_fn)
    out = capfd.readouterr().out
    assert "hint" not in out and "✗" not in out
    if "numpy warned" in out:  # only from the branch np.where throws away
        assert "from values your code then threw away" in out


def test_a_softmax_that_overflows_fails_even_when_its_values_are_right(capfd):
    def shifted_but_also_computes_the_naive_one(z):
        np.exp(z)  # overflows; lesson 02 teaches a softmax that never does
        e = np.exp(z - np.max(z, axis=-1, keepdims=True))
        return e / np.sum(e, axis=-1, keepdims=True)

    with pytest.raises(CheckFailed) as info:
        checks.check_softmax(shifted_but_also_computes_the_naive_one)
    failed = [case for case in info.value.result.cases if not case.passed]
    assert [case.name for case in failed] == [
        "large scores [1000, 1001, 1002] give probabilities, not nan",
        "a batch with rows of very different size",
    ]
    assert "the values are right, but numpy warned" in capfd.readouterr().out


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


# The library's own functions must pass the checks: the course and its checks agree.
LIBRARY = {
    "check_sigmoid": "sigmoid",
    "check_sigmoid_derivative": "sigmoid_derivative",
    "check_tanh": "tanh",
    "check_tanh_derivative": "tanh_derivative",
    "check_relu": "relu",
    "check_relu_derivative": "relu_derivative",
    "check_leaky_relu": "leaky_relu",
    "check_softmax": "softmax",
}


@pytest.mark.parametrize(("name", "function_name"), sorted(LIBRARY.items()))
def test_the_library_passes_the_checks(name, function_name, capfd):
    activations = pytest.importorskip("nnedu.activations")
    getattr(checks, name)(getattr(activations, function_name))
    out = capfd.readouterr().out
    assert "✗" not in out and "note:" not in out  # the library is stable: no overflow warning
