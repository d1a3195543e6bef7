"""Checks for lessons 01–02: the weighted sum and the activation functions.

Each ``check_*`` function takes the student's function, runs it on a few cases (ordinary
values, a batch, edge cases such as very large inputs) and prints one line per case; see
:mod:`nnedu.checks.runner`. The right answers are written out here (``_sigmoid`` …) rather
than imported from ``nnedu.activations``, so that a check never depends on the code it is
teaching; the tests compare the two.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks

__all__ = [
    "check_leaky_relu",
    "check_relu",
    "check_relu_derivative",
    "check_sigmoid",
    "check_sigmoid_derivative",
    "check_softmax",
    "check_tanh",
    "check_tanh_derivative",
    "check_weighted_sum",
]


def _array(values: list) -> np.ndarray:
    return np.array(values, dtype=float)


# A batch of 3 samples with 4 values each, used by several checks. It is not square on
# purpose: a sum or a max over the wrong axis then gives the wrong shape.
_BATCH = _array([[-3.0, -0.5, 0.25, 4.0], [1.5, -1.0, 2.0, -0.75], [0.1, 6.0, -2.5, 0.3]])


# ---------------------------------------------------------------------------------------------
# The right answers
# ---------------------------------------------------------------------------------------------


def _weighted_sum(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """z = x · w + b; x (n_features,) gives a number, x (batch, n_features) gives (batch,)."""
    return x @ w + b


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """sigmoid(z) = 1 / (1 + e^(-z)), written as e^(-log(1 + e^(-z))) so it never overflows."""
    return np.exp(-np.logaddexp(0.0, -z))


def _sigmoid_derivative(z: np.ndarray) -> np.ndarray:
    """sigmoid'(z) = a · (1 − a) with a = sigmoid(z)."""
    a = _sigmoid(z)
    return a * (1.0 - a)


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def _tanh_derivative(z: np.ndarray) -> np.ndarray:
    """tanh'(z) = 1 − tanh(z)²."""
    return 1.0 - np.tanh(z) ** 2


def _relu(z: np.ndarray) -> np.ndarray:
    """relu(z) = max(z, 0), element by element."""
    return np.maximum(z, 0.0)


def _relu_derivative(z: np.ndarray) -> np.ndarray:
    """1 where z > 0, else 0 (at z = 0 the slope is taken as 0)."""
    return (z > 0).astype(float)


def _leaky_relu(z: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """z for z > 0, alpha · z otherwise."""
    return np.where(z > 0, z, alpha * z)


def _softmax(z: np.ndarray) -> np.ndarray:
    """e^(z_k − max z) / sum_j e^(z_j − max z) along the last axis (one row per sample)."""
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


# ---------------------------------------------------------------------------------------------
# Lesson 01: the weighted sum
# ---------------------------------------------------------------------------------------------

_WEIGHTED_SUM_MISTAKES = [
    Mistake(
        lambda x, w, b: x @ w,
        "the bias is missing: add b once, after summing the weighted inputs",
    ),
    Mistake(
        lambda x, w, b: x * w + b,
        "x * w multiplies element by element; the weighted sum also adds the products up: "
        "np.dot(x, w) or x @ w",
    ),
    Mistake(
        lambda x, w, b: np.sum(x * w + b, axis=-1),
        "the bias was added to every product; add it once, after the sum",
    ),
    Mistake(
        lambda x, w, b: np.sum(x * w) + b,
        "np.sum without an axis adds up the whole batch; each row of x is one sample, so sum "
        "over the features only (axis=-1), or use x @ w",
    ),
    Mistake(
        lambda x, w, b: w @ x + b,
        "w @ x combines the columns of the batch; each row of x is one sample: use x @ w",
    ),
    Mistake(
        lambda x, w, b: x @ w - b,
        "the bias is added, not subtracted: z = x · w + b",
    ),
]


def check_weighted_sum(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(x, w, b)`` computes z = x · w + b for one sample and for a batch."""
    __tracebackhide__ = True
    w = _array([0.5, -1.0, 2.0])

    def case(name: str, x: np.ndarray, w: np.ndarray, b: float) -> Case:
        return Case(name, args=(x, w, b), reference=_weighted_sum, mistakes=_WEIGHTED_SUM_MISTAKES)

    cases = [
        case("one sample with 3 inputs", _array([1.0, 2.0, 3.0]), w, 0.5),
        case("all inputs 0 gives z = b", _array([0.0, 0.0, 0.0]), w, -1.5),
        case(
            "a batch of 4 samples, shape (4, 3)",
            _array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, 0.5, 2.0], [4.0, -2.0, 0.25]]),
            w,
            0.25,
        ),
        case(
            "a batch of 3 samples, shape (3, 3)",
            _array([[1.0, 0.0, 2.0], [0.5, 3.0, -1.0], [-2.0, 1.0, 0.0]]),
            w,
            -0.5,
        ),
        case("one input, negative bias", _array([2.0]), _array([3.0]), -4.0),
    ]
    run_checks("weighted_sum", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Lesson 02: activation functions
# ---------------------------------------------------------------------------------------------

_LARGE = _array([-800.0, -40.0, 0.0, 40.0, 800.0])
# e^z overflows for z > 709.78: at z = −710 a sigmoid that computes e^(−z) gets 1 / (1 + inf) = 0,
# while the true value, e^(−710) ≈ 4.5e-309, is still a (subnormal) float64.
_LARGE_SIGMOID = _array([-800.0, -710.0, -40.0, 0.0, 40.0, 710.0, 800.0])

_SIGMOID_MISTAKES = [
    Mistake(
        lambda z: 1.0 / (1.0 + np.exp(z)),
        "the exponent is −z: sigmoid(z) = 1 / (1 + e^(−z)); you computed 1 / (1 + e^z)",
    ),
    Mistake(
        lambda z: 1.0 / (1.0 - np.exp(-z)),
        "the denominator is 1 + e^(−z), not 1 − e^(−z)",
    ),
    Mistake(
        lambda z: np.tanh(z),
        "that is tanh, which goes from −1 to 1; sigmoid goes from 0 to 1",
    ),
    Mistake(
        lambda z: np.exp(z) / (1.0 + np.exp(z)),
        "for large z, e^z overflows to inf and inf / inf is nan: for z ≥ 0 use "
        "1 / (1 + e^(−z)), which only ever computes e to a negative power",
    ),
]


def check_sigmoid(fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(z)`` computes sigmoid(z) = 1 / (1 + e^(−z)) element by element."""
    __tracebackhide__ = True

    def case(name: str, z: np.ndarray, **kwargs: Any) -> Case:
        return Case(name, args=(z,), reference=_sigmoid, mistakes=_SIGMOID_MISTAKES, **kwargs)

    cases = [
        case("z = [0] gives [0.5]", _array([0.0])),
        case("five values from −2 to 2", _array([-2.0, -1.0, 0.0, 1.0, 2.0])),
        case("a batch of shape (3, 4) keeps its shape", _BATCH),
        case(
            "very large |z|, from −800 to 800, gives 0 or 1 without overflow",
            _LARGE_SIGMOID,
            stable=True,
            discarded_branch_ok=True,
            hint="e^710 does not fit in a float64: np.exp overflows to inf (numpy warns), and "
            "1 / (1 + inf) gives 0 instead of σ(−710) ≈ 4.5e-309. Lesson 02's sigmoid only "
            "computes e^(−|z|) ≤ 1: 1 / (1 + e^(−z)) for z ≥ 0, e^z / (1 + e^z) for z < 0",
        ),
    ]
    run_checks("sigmoid", fn, cases, verbose=verbose, timeout=timeout)


_SIGMOID_DERIVATIVE_MISTAKES = [
    Mistake(
        lambda z: z * (1.0 - z),
        "you computed z · (1 − z): the formula a · (1 − a) needs the activation a = sigmoid(z), "
        "not z. Compute a = sigmoid(z) first, then a · (1 − a)",
    ),
    Mistake(
        lambda z: _sigmoid(z) * (1.0 - z),
        "both factors use the activation: a · (1 − a) with a = sigmoid(z); you wrote a · (1 − z)",
    ),
    Mistake(
        lambda z: _sigmoid_derivative(_sigmoid(z)),
        "you applied sigmoid twice: sigmoid'(z) = a · (1 − a) with a = sigmoid(z), "
        "not sigmoid(a) · (1 − sigmoid(a))",
    ),
    Mistake(
        lambda z: _sigmoid(z),
        "that is sigmoid(z) itself; its slope is a · (1 − a) with a = sigmoid(z)",
    ),
    Mistake(
        lambda z: np.exp(-z) / (1.0 + np.exp(-z)),
        "the denominator is squared: e^(−z) / (1 + e^(−z))², or simply a · (1 − a)",
    ),
]


def check_sigmoid_derivative(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(z)`` computes sigmoid'(z) = a · (1 − a) with a = sigmoid(z).

    The argument is z, the weighted sum, not the activation.
    """
    __tracebackhide__ = True

    def case(name: str, z: np.ndarray, hint: str = "") -> Case:
        return Case(
            name,
            args=(z,),
            reference=_sigmoid_derivative,
            mistakes=_SIGMOID_DERIVATIVE_MISTAKES,
            hint=hint,
        )

    cases = [
        case("z = [0] gives the largest slope, 0.25", _array([0.0])),
        case("five values from −3 to 3", _array([-3.0, -1.0, 0.0, 1.0, 3.0])),
        case("a batch of shape (3, 4) keeps its shape", _BATCH),
        case(
            "very large |z| gives slope 0, not nan",
            _LARGE,
            hint="compute a = sigmoid(z) with your stable sigmoid, then a · (1 − a)",
        ),
    ]
    run_checks("sigmoid_derivative", fn, cases, verbose=verbose, timeout=timeout)


_TANH_MISTAKES = [
    Mistake(
        lambda z: _sigmoid(z),
        "that is sigmoid, which goes from 0 to 1; tanh goes from −1 to 1",
    ),
    Mistake(
        lambda z: 2.0 * _sigmoid(z) - 1.0,
        "tanh(z) = 2 · sigmoid(2z) − 1: the argument of sigmoid is 2z",
    ),
    Mistake(
        lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)),
        "for large |z|, e^|z| overflows to inf and inf / inf is nan: use np.tanh, or divide "
        "top and bottom by e^|z| first",
    ),
]


def check_tanh(fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(z)`` computes tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z)) element by element."""
    __tracebackhide__ = True

    def case(name: str, z: np.ndarray) -> Case:
        return Case(name, args=(z,), reference=_tanh, mistakes=_TANH_MISTAKES)

    cases = [
        case("z = [0] gives [0]", _array([0.0])),
        case("five values from −2 to 2", _array([-2.0, -1.0, 0.0, 1.0, 2.0])),
        case("a batch of shape (3, 4) keeps its shape", _BATCH),
        case("very large |z| gives −1 or 1, not nan", _LARGE),
    ]
    run_checks("tanh", fn, cases, verbose=verbose, timeout=timeout)


_TANH_DERIVATIVE_MISTAKES = [
    Mistake(
        lambda z: 1.0 - z**2,
        "you computed 1 − z²: the formula needs the activation, 1 − tanh(z)²",
    ),
    Mistake(
        lambda z: 1.0 - np.tanh(z),
        "the tanh is squared: 1 − tanh(z)²",
    ),
    Mistake(
        lambda z: np.tanh(z),
        "that is tanh(z) itself; its slope is 1 − tanh(z)²",
    ),
]


def check_tanh_derivative(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(z)`` computes tanh'(z) = 1 − tanh(z)²."""
    __tracebackhide__ = True

    def case(name: str, z: np.ndarray) -> Case:
        return Case(name, args=(z,), reference=_tanh_derivative, mistakes=_TANH_DERIVATIVE_MISTAKES)

    cases = [
        case("z = [0] gives the largest slope, 1", _array([0.0])),
        case("five values from −2 to 2", _array([-2.0, -1.0, 0.0, 1.0, 2.0])),
        case("a batch of shape (3, 4) keeps its shape", _BATCH),
        case("very large |z| gives slope 0, not nan", _LARGE),
    ]
    run_checks("tanh_derivative", fn, cases, verbose=verbose, timeout=timeout)


_RELU_MISTAKES = [
    Mistake(
        lambda z: np.max(z, 0),
        "np.max(z, 0) returns the largest value along axis 0; ReLU compares every element "
        "with 0: np.maximum(z, 0)",
    ),
    Mistake(
        lambda z: np.abs(z),
        "np.abs turns negative values positive; ReLU sets them to 0",
    ),
    Mistake(
        lambda z: np.minimum(z, 0.0),
        "np.minimum keeps the negative part; ReLU keeps the positive part: np.maximum(z, 0)",
    ),
]


def check_relu(fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(z)`` computes relu(z) = max(z, 0) element by element."""
    __tracebackhide__ = True

    def case(name: str, z: np.ndarray) -> Case:
        return Case(name, args=(z,), reference=_relu, mistakes=_RELU_MISTAKES)

    cases = [
        case("positive values pass unchanged", _array([0.5, 2.0, 7.0])),
        case("negative values become 0", _array([-0.5, -2.0, -7.0])),
        case("mixed values, including 0", _array([-2.0, -0.5, 0.0, 0.5, 2.0])),
        case("a batch of shape (3, 4) keeps its shape", _BATCH),
    ]
    run_checks("relu", fn, cases, verbose=verbose, timeout=timeout)


_RELU_DERIVATIVE_MISTAKES = [
    Mistake(
        lambda z: np.maximum(z, 0.0),
        "that is relu(z) itself; its slope is 1 where z > 0 and 0 elsewhere",
    ),
    Mistake(
        lambda z: (z >= 0).astype(float),
        "at exactly z = 0 the course takes the slope as 0: use z > 0, not z >= 0",
    ),
    Mistake(
        lambda z: np.sign(z),
        "np.sign gives −1 for negative z; ReLU is flat there, so the slope is 0",
    ),
]


def check_relu_derivative(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(z)`` gives ReLU's slope: 1 where z > 0, else 0 (0 at z = 0)."""
    __tracebackhide__ = True

    def case(name: str, z: np.ndarray) -> Case:
        return Case(name, args=(z,), reference=_relu_derivative, mistakes=_RELU_DERIVATIVE_MISTAKES)

    cases = [
        case("slope 1 where z > 0", _array([0.5, 3.0, 100.0])),
        case("slope 0 where z < 0", _array([-0.5, -3.0, -100.0])),
        case("a batch of shape (3, 4) keeps its shape", _BATCH),
        case("at z = 0 the slope is taken as 0", _array([0.0, 1.0])),
    ]
    run_checks("relu_derivative", fn, cases, verbose=verbose, timeout=timeout)


_LEAKY_RELU_MISTAKES = [
    Mistake(
        lambda z, alpha=0.01: np.maximum(z, 0.0),
        "that is plain ReLU: for z ≤ 0 leaky ReLU gives alpha · z, not 0",
    ),
    Mistake(
        lambda z, alpha=0.01: np.where(z > 0, alpha * z, z),
        "the two sides are swapped: z where z > 0, alpha · z elsewhere",
    ),
    Mistake(
        lambda z, alpha=0.01: _leaky_relu(z, 0.01),
        "use the alpha you are given, not a fixed 0.01",
    ),
]


def check_leaky_relu(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(z, alpha=0.01)`` gives z where z > 0 and alpha · z elsewhere."""
    __tracebackhide__ = True

    def case(name: str, z: np.ndarray, **kwargs: float) -> Case:
        return Case(
            name, args=(z,), kwargs=kwargs, reference=_leaky_relu, mistakes=_LEAKY_RELU_MISTAKES
        )

    cases = [
        case("default alpha = 0.01", _array([-100.0, -2.0, 0.0, 0.5, 3.0])),
        case("alpha = 0.2", _array([-100.0, -2.0, 0.0, 0.5, 3.0]), alpha=0.2),
        case("a batch of shape (3, 4), alpha = 0.1", _BATCH, alpha=0.1),
    ]
    run_checks("leaky_relu", fn, cases, verbose=verbose, timeout=timeout)


def _softmax_no_shift(z: np.ndarray) -> np.ndarray:
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_global_shift(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_axis0(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def _softmax_whole_sum(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def _softmax_no_keepdims(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - np.max(z, axis=-1))
    return e / np.sum(e, axis=-1)


_SOFTMAX_MISTAKES = [
    Mistake(
        _softmax_no_shift,
        "np.exp of a large score overflows to inf and inf / inf is nan: subtract each row's "
        "maximum first, z - np.max(z, axis=-1, keepdims=True) (softmax does not change when "
        "all scores of a row move by the same amount)",
    ),
    Mistake(
        _softmax_global_shift,
        "subtract the maximum of each row (axis=-1, keepdims=True), not of the whole batch: a "
        "row far below the batch maximum underflows to 0 / 0 = nan",
    ),
    Mistake(
        _softmax_axis0,
        "each row is one sample: normalise along the last axis (axis=-1), not down the columns",
    ),
    Mistake(
        _softmax_whole_sum,
        "np.sum(e) adds up the whole batch; each row must sum to 1: "
        "np.sum(e, axis=-1, keepdims=True)",
    ),
    Mistake(
        _softmax_no_keepdims,
        "without keepdims=True the row maxima and sums (shape (n,)) line up with the columns "
        "instead of the rows: use keepdims=True",
    ),
]


def check_softmax(fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(z)`` computes softmax along the last axis: each row of the output sums to 1.

    z is one sample (n_classes,) or a batch (batch, n_classes).
    """
    __tracebackhide__ = True

    def case(name: str, z: np.ndarray, **kwargs: Any) -> Case:
        return Case(name, args=(z,), reference=_softmax, mistakes=_SOFTMAX_MISTAKES, **kwargs)

    cases = [
        case("one sample [1, 2, 3]", _array([1.0, 2.0, 3.0])),
        case("equal scores give equal probabilities", _array([5.0, 5.0, 5.0, 5.0])),
        case("a batch of shape (3, 4): every row sums to 1", _BATCH),
        case(
            "a batch of shape (3, 3): every row sums to 1",
            _array([[1.0, 2.0, 3.0], [0.0, 0.0, 4.0], [-1.0, 5.0, 0.5]]),
        ),
        case(
            "large scores [1000, 1001, 1002] give probabilities, not nan",
            _array([1000.0, 1001.0, 1002.0]),
            stable=True,
            hint="subtract the largest score of each row before np.exp",
        ),
        case(
            "a batch with rows of very different size",
            _array([[1000.0, 1001.0, 1002.0], [-3.0, 0.0, 3.0]]),
            stable=True,
            hint="subtract each row's own maximum: np.max(z, axis=-1, keepdims=True)",
        ),
    ]
    run_checks("softmax", fn, cases, verbose=verbose, timeout=timeout)
