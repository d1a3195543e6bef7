"""Checks for lesson 09a's exercises: a convolution's output size, its forward pass with loops,
and the gradient of one filter.

Shapes (batch first, as in ``nnedu.conv``): images x (n, c, h, w), filters W (f, c, kh, kw),
biases b (f,), outputs z and their gradients dz (n, f, h − kh + 1, w − kw + 1); 'valid'
(no padding), stride 1. The right answers are written out here; see
:mod:`nnedu.checks.runner` for the format of a check.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks

__all__ = ["check_conv2d_forward", "check_conv_output_size", "check_filter_gradient"]


# ---------------------------------------------------------------------------------------------
# The right answers
# ---------------------------------------------------------------------------------------------


def _output_size(h, k):
    """A k-wide filter fits at h − k + 1 positions along an edge of length h (stride 1)."""
    return h - k + 1


def _conv2d_forward(x, W, b):
    """z[n, f, i, j] = b[f] + Σ_c Σ_p Σ_q x[n, c, i + p, j + q] · W[f, c, p, q]."""
    n, c, h, w = x.shape
    f, _, kh, kw = W.shape
    z = np.zeros((n, f, h - kh + 1, w - kw + 1))
    for s in range(n):
        for k in range(f):
            for i in range(h - kh + 1):
                for j in range(w - kw + 1):
                    z[s, k, i, j] = np.sum(x[s, :, i:i + kh, j:j + kw] * W[k]) + b[k]
    return z


def _filter_gradient(x, dz_f):
    """(dW_f, db_f) of one filter f, given dz_f = dz[:, f] of shape (n, ho, wo).

    dW_f[c, p, q] = Σ_n Σ_i Σ_j dz_f[n, i, j] · x[n, c, i + p, j + q]   shape (c, kh, kw)
    db_f          = Σ_n Σ_i Σ_j dz_f[n, i, j]                          a number
    """
    n, c, h, w = x.shape
    _, ho, wo = dz_f.shape
    kh, kw = h - ho + 1, w - wo + 1
    dW = np.zeros((c, kh, kw))
    for s in range(n):
        for i in range(ho):
            for j in range(wo):
                dW += dz_f[s, i, j] * x[s, :, i:i + kh, j:j + kw]
    return dW, float(np.sum(dz_f))


# ---------------------------------------------------------------------------------------------
# Task 1: the output size
# ---------------------------------------------------------------------------------------------

_OFF_BY_ONE = ("off by one: a k-wide filter fits at h − k + 1 positions (a 3-wide filter on 8 "
               "pixels: positions 0 … 5, that is 6)")

_OUTPUT_SIZE_MISTAKES = [
    Mistake(lambda h, k: h - k, _OFF_BY_ONE),
    Mistake(lambda h, k: h - k + 2, _OFF_BY_ONE),
    Mistake(lambda h, k: h, "without padding the map is smaller than the image: h − k + 1 "
                            "(only 'same' padding keeps the size h)"),
    Mistake(lambda h, k: h - k // 2, "the filter loses k − 1 pixels in all, not k // 2: "
                                     "h − k + 1"),
]


def check_conv_output_size(fn: Callable, *, verbose: bool = False,
                           timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(h, k)`` gives the number of positions of a k-wide filter on h pixels."""
    __tracebackhide__ = True

    def case(name: str, h: int, k: int) -> Case:
        return Case(name, args=(h, k), reference=_output_size, mistakes=_OUTPUT_SIZE_MISTAKES)

    cases = [
        case("an 8-pixel digit row, a 3-wide filter: 6 positions", 8, 3),
        case("h = 10, k = 3 (the digit with its zero border)", 10, 3),
        case("h = 28, k = 5", 28, 5),
        case("a 1-wide filter fits everywhere: h = 8, k = 1", 8, 1),
        case("a filter as wide as the image fits once: h = 4, k = 4", 4, 4),
    ]
    run_checks("conv_output_size", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 2: the forward pass with loops
# ---------------------------------------------------------------------------------------------


def _forward_with(window=None, kernel=None, size=1, bias=True):
    """The forward pass with one mistake: another window, kernel or output size."""

    def forward(x, W, b):
        n, c, h, w = x.shape
        f, _, kh, kw = W.shape
        ho, wo = h - kh + size, w - kw + size
        z = np.zeros((n, f, max(ho, 0), max(wo, 0)))
        for s in range(n):
            for k in range(f):
                for i in range(ho):
                    for j in range(wo):
                        patch = x[s, :, i:i + kh, j:j + kw]
                        filt = W[k]
                        if window is not None:
                            patch, filt = window(patch), window(filt)
                        if kernel is not None:
                            filt = kernel(filt)
                        z[s, k, i, j] = np.sum(patch * filt) + (b[k] if bias else 0.0)
        return z

    return forward


_FORWARD_MISTAKES = [
    Mistake(_forward_with(kernel=lambda filt: filt[:, ::-1, ::-1]),
            "the filter is flipped: this course (and every deep-learning library) multiplies "
            "x[i + p, j + q] by W[p, q] without flipping W (a cross-correlation)"),
    Mistake(_forward_with(size=0),
            "off by one: the map has h − kh + 1 rows and w − kw + 1 columns, so loop "
            "over range(h - kh + 1)"),
    Mistake(_forward_with(window=lambda a: a[:1]),
            "only channel 0 is used: sum over every channel too, "
            "np.sum(x[s, :, i:i+kh, j:j+kw] * W[k])"),
    Mistake(_forward_with(window=lambda a: a[-1:]),
            "only the last channel counts: the channels must be added up, not each one "
            "overwrite the one before"),
    Mistake(_forward_with(bias=False), "the bias b[k] of each filter is missing"),
    Mistake(lambda x, W, b: _conv2d_forward(x, W, b) - b[None, :, None, None]
            + b[None, :1, None, None], "every filter has its own bias: add b[k], not b[0]"),
]


def check_conv2d_forward(fn: Callable, *, verbose: bool = False,
                         timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(x, W, b)`` is the 'valid' convolution of x (n, c, h, w) with W (f, c, kh, kw)
    plus b (f,): an array (n, f, h − kh + 1, w − kw + 1)."""
    __tracebackhide__ = True
    rng = np.random.default_rng(9)

    def case(name: str, x_shape, w_shape) -> Case:
        x = rng.normal(size=x_shape).round(2)
        W = rng.normal(size=w_shape).round(2)
        b = rng.normal(size=w_shape[0]).round(2)
        return Case(name, args=(x, W, b), reference=_conv2d_forward, mistakes=_FORWARD_MISTAKES)

    ramp = np.arange(16.0).reshape(1, 1, 4, 4)
    cases = [
        Case("a 4×4 ramp, the vertical-edge filter [[-1, 0, 1]] × 3 rows, b = 0.5",
             args=(ramp, np.array([[[[-1.0, 0.0, 1.0]] * 3]]), np.array([0.5])),
             reference=_conv2d_forward, mistakes=_FORWARD_MISTAKES),
        case("one image, one channel, an asymmetric 3×3 filter", (1, 1, 5, 5), (1, 1, 3, 3)),
        case("2 images, 3 channels, 2 filters of 2×2", (2, 3, 4, 5), (2, 3, 2, 2)),
        case("a non-square filter 2×3 on 2 channels", (1, 2, 4, 6), (3, 2, 2, 3)),
        case("a filter as large as the image: a 1×1 map", (2, 2, 3, 3), (2, 2, 3, 3)),
    ]
    run_checks("conv2d_forward", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 3: the gradient of one filter
# ---------------------------------------------------------------------------------------------


def _gradient_with(window=None, batch=True, bias="sum", scale=1.0):
    """The filter gradient with one mistake switched on."""

    def gradient(x, dz_f):
        dW, db = _filter_gradient(x if batch else x[:1], dz_f if batch else dz_f[:1])
        if window is not None:
            dW = window(dW)
        db = {"sum": db, "mean": float(np.mean(dz_f)), "none": 0.0}[bias]
        return dW * scale, db

    return gradient


_GRADIENT_MISTAKES = [
    Mistake(_gradient_with(window=lambda dW: dW[:, ::-1, ::-1]),
            "the gradient is flipped: dW[c, p, q] collects dz[n, i, j] · x[n, c, i + p, j + q], "
            "the same window as the forward pass, not flipped"),
    Mistake(_gradient_with(batch=False),
            "only the first image counts: add up the contributions of every image n"),
    Mistake(lambda x, dz_f: (lambda dW_db: (dW_db[0] / dz_f[0].size, dW_db[1]))(
            _filter_gradient(x, dz_f)),
            "the filter is used at every position, so its gradient is the *sum* over the "
            "positions (i, j), not their mean"),
    Mistake(lambda x, dz_f: (lambda dW_db: (dW_db[0] / len(x), dW_db[1] / len(x)))(
            _filter_gradient(x, dz_f)),
            "do not divide by the batch size: dz already carries the 1/m of the mean loss"),
    Mistake(_gradient_with(bias="mean"), "db is the sum of dz_f over images and positions, "
                                         "not its mean"),
    Mistake(_gradient_with(bias="none"), "db is missing: the bias was added at every "
                                         "position, so db = the sum of dz_f"),
]


def check_filter_gradient(fn: Callable, *, verbose: bool = False,
                          timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(x, dz_f)`` returns (dW_f, db_f) for one filter: dW_f (c, kh, kw), db_f a
    number, from x (n, c, h, w) and the gradient dz_f (n, ho, wo) of that filter's map."""
    __tracebackhide__ = True
    rng = np.random.default_rng(11)

    def case(name: str, x_shape, out_shape) -> Case:
        x = rng.normal(size=x_shape).round(2)
        dz_f = rng.normal(size=out_shape).round(2)
        return Case(name, args=(x, dz_f), reference=_filter_gradient,
                    mistakes=_GRADIENT_MISTAKES)

    cases = [
        case("one image, one channel, 5×5 → a 3×3 map (a 3×3 filter)", (1, 1, 5, 5), (1, 3, 3)),
        case("3 images, 2 channels, 5×4 → 4×2 (a 2×3 filter)", (3, 2, 5, 4), (3, 4, 2)),
        case("2 images, 3 channels, 4×4 → 2×2 (a 3×3 filter)", (2, 3, 4, 4), (2, 2, 2)),
        case("a 1×1 map: the filter covers the whole image", (2, 2, 3, 3), (2, 1, 1)),
    ]
    run_checks("filter_gradient", fn, cases, verbose=verbose, timeout=timeout)
