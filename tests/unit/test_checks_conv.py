"""The checks of exercise set 09a (convolutions): right answers written in other ways pass,
known mistakes fail with their hint, bad code is reported without crashing, and the library's
own convolution and its gradient pass the checks."""

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

from nnedu.checks import CheckFailed, NotWrittenYet
from nnedu.checks import conv as conv_checks
from nnedu.conv import conv2d, conv2d_backward, conv2d_loops


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


# --------------------------------------------------------------------------- right answers


def _forward_einsum(x, W, b):
    kh, kw = W.shape[2:]
    ho, wo = x.shape[2] - kh + 1, x.shape[3] - kw + 1
    z = np.zeros((len(x), len(W), ho, wo))
    for p in range(kh):          # loop over the filter's cells instead of the positions
        for q in range(kw):
            z += np.einsum("ncij,fc->nfij", x[:, :, p:p + ho, q:q + wo], W[:, :, p, q])
    return z + b[:, None, None]


def _forward_channel_loop(x, W, b):
    n, c, h, w = x.shape
    f, _, kh, kw = W.shape
    z = np.zeros((n, f, h - kh + 1, w - kw + 1))
    for s in range(n):
        for k in range(f):
            for i in range(h - kh + 1):
                for j in range(w - kw + 1):
                    total = b[k]
                    for ch in range(c):
                        for p in range(kh):
                            for q in range(kw):
                                total += x[s, ch, i + p, j + q] * W[k, ch, p, q]
                    z[s, k, i, j] = total
    return z


def _gradient_loops(x, dz_f):
    n, c, h, w = x.shape
    ho, wo = dz_f.shape[1:]
    kh, kw = h - ho + 1, w - wo + 1
    dW = np.zeros((c, kh, kw))
    for p in range(kh):
        for q in range(kw):
            dW[:, p, q] = np.einsum("nij,ncij->c", dz_f, x[:, :, p:p + ho, q:q + wo])
    return dW, dz_f.sum()


def _gradient_library(x, dz_f):
    n, c, h, w = x.shape
    ho, wo = dz_f.shape[1:]
    W = np.zeros((1, c, h - ho + 1, w - wo + 1))
    _, dW, db = conv2d_backward(x, W, dz_f[:, None], input_grad=False)
    return dW[0], float(db[0])


RIGHT = {
    "check_conv_output_size": [
        lambda h, k: h - k + 1,
        lambda h, k: len(range(0, h - k + 1)),
        lambda h, k: int(np.arange(h)[k - 1:].size),
    ],
    "check_conv2d_forward": [
        conv2d_loops,
        conv2d,
        _forward_einsum,
        _forward_channel_loop,
    ],
    "check_filter_gradient": [
        _gradient_loops,
        _gradient_library,
    ],
}


# --------------------------------------------------------------------------- known mistakes


def _flipped_forward(x, W, b):
    return conv2d(x, W[:, :, ::-1, ::-1].copy(), b)


def _short_forward(x, W, b):
    return conv2d_loops(x, W, b)[:, :, :-1, :-1]


def _channel0_forward(x, W, b):
    return conv2d(x[:, :1], W[:, :1], b)


def _last_channel_forward(x, W, b):
    n, c, h, w = x.shape
    f, _, kh, kw = W.shape
    z = np.zeros((n, f, h - kh + 1, w - kw + 1))
    for s in range(n):
        for k in range(f):
            for i in range(h - kh + 1):
                for j in range(w - kw + 1):
                    for ch in range(c):   # each channel overwrites the one before
                        z[s, k, i, j] = np.sum(x[s, ch, i:i + kh, j:j + kw] * W[k, ch]) + b[k]
    return z


WRONG = {
    "check_conv_output_size": [
        (lambda h, k: h - k, "off by one"),
        (lambda h, k: h - k + 2, "off by one"),
        (lambda h, k: h, "without padding the map is smaller"),
        (lambda h, k: h - k // 2, "not k // 2"),
    ],
    "check_conv2d_forward": [
        (_flipped_forward, "the filter is flipped"),
        (_short_forward, "off by one"),
        (_channel0_forward, "only channel 0 is used"),
        (_last_channel_forward, "only the last channel counts"),
        (lambda x, W, b: conv2d(x, W, np.zeros_like(b)), "the bias b[k] of each filter"),
        (lambda x, W, b: conv2d(x, W, np.full_like(b, b[0])), "every filter has its own bias"),
    ],
    "check_filter_gradient": [
        (lambda x, dz: (_gradient_loops(x, dz)[0][:, ::-1, ::-1], dz.sum()),
         "the gradient is flipped"),
        (lambda x, dz: _gradient_loops(x[:1], dz[:1]), "only the first image counts"),
        (lambda x, dz: (_gradient_loops(x, dz)[0] / dz[0].size, dz.sum()),
         "not their mean"),
        (lambda x, dz: (_gradient_loops(x, dz)[0] / len(x), dz.sum() / len(x)),
         "do not divide by the batch size"),
        (lambda x, dz: (_gradient_loops(x, dz)[0], dz.mean()), "not its mean"),
        (lambda x, dz: (_gradient_loops(x, dz)[0], 0.0), "db is missing"),
    ],
}

CHECK_NAMES = sorted(RIGHT)


def test_every_check_is_tested():
    assert sorted(conv_checks.__all__) == CHECK_NAMES
    for name in CHECK_NAMES:
        assert len(WRONG[name]) >= 2 and len(RIGHT[name]) >= 1


@pytest.mark.parametrize(("name", "student_fn"), right_cases(RIGHT))
def test_right_answers_written_another_way_pass(name, student_fn, capfd):
    assert getattr(conv_checks, name)(student_fn) is None  # None: nbgrader reads no credit
    out = capfd.readouterr().out
    assert "✗" not in out
    assert "checks passed — well done." in out


@pytest.mark.parametrize(("name", "student_fn", "hint"), wrong_cases(WRONG))
def test_known_mistakes_fail_with_their_hint(name, student_fn, hint, capfd):
    assert_fails_with_hint(getattr(conv_checks, name), student_fn, hint, capfd)


def test_the_reference_forward_equals_the_library(capfd):
    rng = np.random.default_rng(0)
    x, W, b = rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    np.testing.assert_allclose(conv_checks._conv2d_forward(x, W, b), conv2d(x, W, b))
    dz = rng.normal(size=(2, 4, 4, 4))
    _, dW, db = conv2d_backward(x, W, dz)
    for f in range(4):
        dW_f, db_f = conv_checks._filter_gradient(x, dz[:, f])
        np.testing.assert_allclose(dW_f, dW[f])
        assert db_f == pytest.approx(db[f])


# --------------------------------------------------------------------------- bad code


@pytest.mark.parametrize("name", CHECK_NAMES)
@pytest.mark.parametrize(("student_fn", "status", "text"), BAD_CODE, ids=BAD_CODE_IDS)
def test_bad_code_is_reported_and_never_crashes(name, student_fn, status, text, capfd):
    with pytest.raises(CheckFailed) as info:
        getattr(conv_checks, name)(student_fn, timeout=0.2)
    first = info.value.result.cases[0]
    assert first.status == status
    assert text in first.message
    assert "Traceback" not in capfd.readouterr().out


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_the_stub_is_not_written_yet(name, capfd):
    with pytest.raises(NotWrittenYet):
        getattr(conv_checks, name)(not_written)
    assert "is not written yet: replace `raise NotImplementedError()`" in capfd.readouterr().out
