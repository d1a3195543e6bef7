"""The checks of exercise set 08a (training deep networks): right answers written in other ways
pass, known mistakes fail with their hint, bad code is reported without crashing, and the
library's own BatchNorm and clipping pass the checks."""

from __future__ import annotations

import math

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

from nnedu.batchnorm import BatchNorm
from nnedu.checks import CheckFailed, NotWrittenYet
from nnedu.checks import deep as deep_checks
from nnedu.optim import clip_by_global_norm
from nnedu.widgets.deep_init import init_std


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


# --------------------------------------------------------------------------- right answers


def _forward_library(x, gamma, beta, eps=1e-5):
    bn = BatchNorm(x.shape[1], eps=eps)
    bn.params["gamma"][:] = gamma
    bn.params["beta"][:] = beta
    return bn.forward(x, training=True)


def _forward_loops(x, gamma, beta, eps=1e-5):
    y = np.zeros_like(x)
    for j in range(x.shape[1]):
        column = x[:, j]
        mu = sum(column) / len(column)
        var = sum((v - mu) ** 2 for v in column) / len(column)
        y[:, j] = gamma[j] * (column - mu) / math.sqrt(var + eps) + beta[j]
    return y


def _backward_library(dy, x, gamma, eps=1e-5):
    bn = BatchNorm(x.shape[1], eps=eps)
    bn.params["gamma"][:] = gamma
    bn.forward(x, training=True)
    dx = bn.backward(dy)
    return dx, bn.grads["gamma"], bn.grads["beta"]


def _backward_step_by_step(dy, x, gamma, eps=1e-5):
    """The chain rule one path at a time, as the lesson writes it."""
    m = len(x)
    mu = x.mean(axis=0)
    s = 1 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - mu) * s
    dx_hat = dy * gamma
    dvar = np.sum(dx_hat * (x - mu), axis=0) * -0.5 * s ** 3
    dmu = -s * dx_hat.sum(axis=0) + dvar * -2 / m * np.sum(x - mu, axis=0)
    dx = dx_hat * s + dvar * 2 * (x - mu) / m + dmu / m
    return dx, np.sum(dy * x_hat, axis=0), dy.sum(axis=0)


def _clip_loop(grads, max_norm):
    total = 0.0
    for g in grads:
        for value in g.ravel():
            total += value ** 2
    norm = math.sqrt(total)
    if norm <= max_norm:
        return [g.copy() for g in grads]
    return [g / norm * max_norm for g in grads]


RIGHT = {
    "check_init_std": [
        lambda n_in, n_out, a: init_std("he" if a == "relu" else "xavier", n_in, n_out),
        lambda n_in, n_out, a: (2 / n_in) ** 0.5 if a == "relu" else (2 / (n_in + n_out)) ** 0.5,
    ],
    "check_batchnorm_forward": [_forward_library, _forward_loops],
    "check_batchnorm_backward": [_backward_library, _backward_step_by_step],
    "check_clip_by_global_norm": [
        lambda grads, c: clip_by_global_norm(grads, c)[0],
        _clip_loop,
        lambda grads, c: tuple(clip_by_global_norm(grads, c)[0]),
    ],
}


# --------------------------------------------------------------------------- known mistakes


def _bn(x, gamma, beta, eps=1e-5, axis=0, ddof=0, eps_inside=True):
    mean = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, ddof=ddof, keepdims=True)
    std = np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps
    return gamma * (x - mean) / std + beta


def _bn_backward_parts(dy, x, gamma, eps=1e-5):
    s = 1 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * s
    return s, x_hat, dy * gamma


def _constant_stats(dy, x, gamma, eps=1e-5):
    s, x_hat, dx_hat = _bn_backward_parts(dy, x, gamma, eps)
    return dx_hat * s, np.sum(dy * x_hat, axis=0), dy.sum(axis=0)


def _no_mean_path(dy, x, gamma, eps=1e-5):
    s, x_hat, dx_hat = _bn_backward_parts(dy, x, gamma, eps)
    m = len(x)
    dx = s / m * (m * dx_hat - x_hat * np.sum(dx_hat * x_hat, axis=0))
    return dx, np.sum(dy * x_hat, axis=0), dy.sum(axis=0)


def _no_var_path(dy, x, gamma, eps=1e-5):
    s, x_hat, dx_hat = _bn_backward_parts(dy, x, gamma, eps)
    m = len(x)
    dx = s / m * (m * dx_hat - dx_hat.sum(axis=0))
    return dx, np.sum(dy * x_hat, axis=0), dy.sum(axis=0)


def _swapped(dy, x, gamma, eps=1e-5):
    dx, dgamma, dbeta = _backward_library(dy, x, gamma, eps)
    return dx, dbeta, dgamma


def _clip_in_place(grads, max_norm):
    norm = math.sqrt(sum(float(np.sum(g ** 2)) for g in grads))
    for g in grads:
        g *= min(1.0, max_norm / norm)
    return grads


def _clip_each(grads, max_norm):
    return [clip_by_global_norm([g], max_norm)[0][0] for g in grads]


WRONG = {
    "check_init_std": [
        (lambda n_in, n_out, a: init_std("xavier" if a == "relu" else "he", n_in, n_out),
         "He and Xavier are swapped"),
        (lambda n_in, n_out, a: 2 / n_in if a == "relu" else 2 / (n_in + n_out),
         "that is the variance"),
        (lambda n_in, n_out, a: (2 / n_out) ** 0.5 if a == "relu" else (2 / (n_in + n_out)) ** 0.5,
         "He divides by n_in"),
        (lambda n_in, n_out, a: (1 / n_in) ** 0.5 if a == "relu" else (2 / (n_in + n_out)) ** 0.5,
         "for ReLU the variance is 2 / n_in"),
        (lambda n_in, n_out, a: (2 / n_in) ** 0.5 if a == "relu" else (1 / (n_in + n_out)) ** 0.5,
         "Xavier's variance is 2 / (n_in + n_out)"),
    ],
    "check_batchnorm_forward": [
        (lambda x, g, b, eps=1e-5: _bn(x, g, b, eps, axis=1), "per feature, over the batch"),
        (lambda x, g, b, eps=1e-5: _bn(x, g, b, eps, ddof=1), "not the 1/(m − 1) estimate"),
        (lambda x, g, b, eps=1e-5: _bn(x, g, b, eps, eps_inside=False),
         "ε goes inside the square root"),
        (lambda x, g, b, eps=1e-5: _bn(x, 1.0, 0.0, eps), "γ and β are missing"),
        (lambda x, g, b, eps=1e-5: _bn(x, g, 0.0, eps), "β is missing"),
        (lambda x, g, b, eps=1e-5: g * (x - x.mean(0)) / (x.var(0) + eps) + b,
         "not by the variance"),
    ],
    "check_batchnorm_backward": [
        (_constant_stats, "treats μ and σ² as constants"),
        (_no_mean_path, "the path through μ is missing"),
        (_no_var_path, "the path through σ² is missing"),
        (lambda dy, x, g, eps=1e-5: _backward_library(dy, x, np.ones_like(g), eps)[:1]
         + _backward_library(dy, x, g, eps)[1:], "dx̂ = dy ⊙ γ"),
        (_swapped, "dgamma and dbeta are swapped"),
        (lambda dy, x, g, eps=1e-5: (_backward_library(dy, x, g, eps)[0],
                                     np.sum(dy * x, axis=0), dy.sum(axis=0)),
         "not x itself"),
    ],
    "check_clip_by_global_norm": [
        (_clip_each, "each array was clipped on its own"),
        (lambda grads, c: [np.clip(g, -c, c) for g in grads], "np.clip cuts each value"),
        (lambda grads, c: [g * c / math.sqrt(sum(float(np.sum(h ** 2)) for h in grads))
                           for g in grads], "must stay as they are"),
        (lambda grads, c: [g * min(1.0, c / sum(float(np.sum(h ** 2)) for h in grads))
                           for g in grads], "square root of the sum of squares"),
        (_clip_in_place, "leave the inputs alone"),
    ],
}

CHECK_NAMES = sorted(RIGHT)


def test_every_check_is_tested():
    assert sorted(deep_checks.__all__) == CHECK_NAMES
    for name in CHECK_NAMES:
        assert len(WRONG[name]) >= 2 and len(RIGHT[name]) >= 1


@pytest.mark.parametrize(("name", "student_fn"), right_cases(RIGHT))
def test_right_answers_written_another_way_pass(name, student_fn, capfd):
    assert getattr(deep_checks, name)(student_fn) is None  # None: nbgrader reads no credit
    out = capfd.readouterr().out
    assert "✗" not in out
    assert "checks passed — well done." in out


@pytest.mark.parametrize(("name", "student_fn", "hint"), wrong_cases(WRONG))
def test_known_mistakes_fail_with_their_hint(name, student_fn, hint, capfd):
    assert_fails_with_hint(getattr(deep_checks, name), student_fn, hint, capfd)


def test_the_references_equal_the_library():
    rng = np.random.default_rng(0)
    x, dy, gamma = rng.normal(size=(6, 3)), rng.normal(size=(6, 3)), rng.normal(size=3)
    np.testing.assert_allclose(deep_checks._batchnorm_forward(x, gamma, np.zeros(3)),
                               _forward_library(x, gamma, np.zeros(3)))
    for ours, library in zip(deep_checks._batchnorm_backward(dy, x, gamma),
                             _backward_library(dy, x, gamma), strict=True):
        np.testing.assert_allclose(ours, library, rtol=1e-10)
    grads = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    for ours, library in zip(deep_checks._clip_by_global_norm(grads, 0.5),
                             clip_by_global_norm(grads, 0.5)[0], strict=True):
        np.testing.assert_allclose(ours, library)


# --------------------------------------------------------------------------- bad code


@pytest.mark.parametrize("name", CHECK_NAMES)
@pytest.mark.parametrize(("student_fn", "status", "text"), BAD_CODE, ids=BAD_CODE_IDS)
def test_bad_code_is_reported_and_never_crashes(name, student_fn, status, text, capfd):
    with pytest.raises(CheckFailed) as info:
        getattr(deep_checks, name)(student_fn, timeout=0.2)
    first = info.value.result.cases[0]
    assert first.status == status
    assert text in first.message
    assert "Traceback" not in capfd.readouterr().out


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_the_stub_is_not_written_yet(name, capfd):
    with pytest.raises(NotWrittenYet):
        getattr(deep_checks, name)(not_written)
    assert "is not written yet: replace `raise NotImplementedError()`" in capfd.readouterr().out
