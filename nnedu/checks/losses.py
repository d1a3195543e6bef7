"""Checks for lesson 04's exercises: MSE, binary and categorical cross-entropy, their gradients.

Convention as in the lesson and ``nnedu.losses``: prediction first, target second,
``loss(y_pred, y_true)``. Arrays are ``(m, n_outputs)``, one sample per row; for categorical
cross-entropy the target is one-hot, ``(m, K)``. Probabilities are clipped to
``[EPS, 1 − EPS]`` with ``EPS = 1e-12`` before a log. The right answers are written out here;
see :mod:`nnedu.checks.runner` for the format of a check.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks

__all__ = [
    "check_binary_cross_entropy",
    "check_binary_cross_entropy_gradient",
    "check_categorical_cross_entropy",
    "check_mse",
    "check_mse_gradient",
    "check_softmax_cross_entropy_gradient",
]

#: The clipping bound the exercises use (the same as ``nnedu.losses.EPS``).
EPS = 1e-12


def _array(values) -> np.ndarray:
    return np.array(values, dtype=float)


def _clip(p: np.ndarray) -> np.ndarray:
    return np.clip(p, EPS, 1.0 - EPS)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


# ---------------------------------------------------------------------------------------------
# The right answers
# ---------------------------------------------------------------------------------------------


def _mse(y_pred, y_true):
    """L = (1/N) Σ (ŷ − y)² over all N entries."""
    return np.mean((y_pred - y_true) ** 2)


def _mse_gradient(y_pred, y_true):
    """dL/dŷ = 2 (ŷ − y) / N, shaped like ŷ."""
    return 2.0 * (y_pred - y_true) / y_pred.size


def _bce(p, y):
    """L = −(1/N) Σ [y log p + (1 − y) log(1 − p)], p clipped to [EPS, 1 − EPS]."""
    p = _clip(p)
    return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


def _bce_gradient(p, y):
    """dL/dp = (p − y) / (p (1 − p)) / N, p clipped to [EPS, 1 − EPS]."""
    p = _clip(p)
    return (p - y) / (p * (1.0 - p)) / p.size


def _cce(p, y):
    """L = −(1/m) Σ_i Σ_k y_ik log p_ik: averaged over the m samples, summed over classes."""
    return -np.sum(y * np.log(np.clip(p, EPS, 1.0))) / p.shape[0]


def _softmax_cce_gradient(z, y):
    """dL/dZ = (softmax(Z) − Y) / m."""
    return (_softmax(z) - y) / z.shape[0]


# ---------------------------------------------------------------------------------------------
# Inputs shared by several checks
# ---------------------------------------------------------------------------------------------

# Regression: the lesson's five predictions of one output, and a batch with two outputs.
_Y_TRUE_5 = _array([[1.0], [2.0], [3.0], [4.0], [5.0]])
_Y_PRED_5 = _array([[1.5], [1.5], [3.0], [6.0], [4.0]])
_Y_TRUE_42 = _array([[0.0, 1.0], [2.0, -1.0], [0.5, 0.5], [3.0, 2.0]])
_Y_PRED_42 = _array([[0.5, 1.0], [1.0, 1.0], [0.5, -0.5], [6.0, 2.5]])

# Binary: probabilities of class 1 and 0/1 targets.
_P_4 = _array([[0.9], [0.2], [0.6], [0.01]])
_Y_4 = _array([[1.0], [0.0], [1.0], [1.0]])
_P_32 = _array([[0.7, 0.1], [0.4, 0.95], [0.5, 0.3]])  # three samples, two labels each
_Y_32 = _array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
_P_SURE = _array([[0.0], [1.0], [1.0], [0.0]])  # exactly 0 or 1: log(0) without clipping
_Y_SURE = _array([[0.0], [1.0], [0.0], [1.0]])  # right, right, wrong, wrong


# ---------------------------------------------------------------------------------------------
# Mean squared error
# ---------------------------------------------------------------------------------------------

_MSE_MISTAKES = [
    Mistake(
        lambda y_pred, y_true: np.sum((y_pred - y_true) ** 2),
        "you added the squared errors up; the loss is their mean: divide by their number "
        "(np.mean does it)",
    ),
    Mistake(
        lambda y_pred, y_true: np.mean(y_pred - y_true),
        "square each error before averaging: errors of opposite sign must not cancel",
    ),
    Mistake(
        lambda y_pred, y_true: np.mean(np.abs(y_pred - y_true)),
        "that is the mean absolute error (MAE); MSE squares the errors: (ŷ − y)²",
    ),
    Mistake(
        lambda y_pred, y_true: np.sqrt(np.mean((y_pred - y_true) ** 2)),
        "that is the root of the MSE (RMSE); leave out the square root",
    ),
    Mistake(
        lambda y_pred, y_true: np.sum((y_pred - y_true) ** 2) / len(y_pred),
        "divide by the number of entries N = y_pred.size, not the number of rows: with two "
        "outputs per sample there are 2·m errors (np.mean does it right)",
    ),
]


def check_mse(fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(y_pred, y_true)`` = (1/N) Σ (ŷ − y)², the mean over all N entries."""
    __tracebackhide__ = True

    def case(name: str, y_pred, y_true) -> Case:
        return Case(name, args=(y_pred, y_true), reference=_mse, mistakes=_MSE_MISTAKES)

    cases = [
        case("the lesson's five predictions, shape (5, 1)", _Y_PRED_5, _Y_TRUE_5),
        case("a perfect prediction gives 0", _Y_TRUE_5.copy(), _Y_TRUE_5),
        case("errors of opposite sign, [[1], [−1]]", _array([[2.0], [0.0]]),
             _array([[1.0], [1.0]])),
        case("two outputs per sample, shape (4, 2)", _Y_PRED_42, _Y_TRUE_42),
    ]
    run_checks("mse", fn, cases, verbose=verbose, timeout=timeout)


_MSE_GRADIENT_MISTAKES = [
    Mistake(
        lambda y_pred, y_true: (y_pred - y_true) / y_pred.size,
        "the 2 is missing: the derivative of (ŷ − y)² is 2 (ŷ − y), so dL/dŷ = 2 (ŷ − y) / N",
    ),
    Mistake(
        lambda y_pred, y_true: 2.0 * (y_pred - y_true),
        "the 1/N is missing: the loss is a mean, so every entry of its gradient is divided by "
        "N = y_pred.size",
    ),
    Mistake(
        lambda y_pred, y_true: 2.0 * (y_true - y_pred) / y_true.size,
        "the sign is flipped: dL/dŷ = 2 (ŷ − y) / N is positive when the prediction is too "
        "large (y_pred − y_true, not y_true − y_pred)",
    ),
    Mistake(
        lambda y_pred, y_true: 2.0 * (y_pred - y_true) / len(y_pred),
        "divide by the number of entries N = y_pred.size, not the number of rows len(y_pred)",
    ),
    Mistake(
        lambda y_pred, y_true: np.mean(2.0 * (y_pred - y_true)),
        "the gradient has one entry per prediction, the same shape as y_pred; np.mean turned it "
        "into one number. Use 2 * (y_pred - y_true) / y_pred.size",
    ),
]


def check_mse_gradient(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(y_pred, y_true)`` = dL/dŷ = 2 (ŷ − y) / N, shaped like ``y_pred``."""
    __tracebackhide__ = True

    def case(name: str, y_pred, y_true) -> Case:
        return Case(name, args=(y_pred, y_true), reference=_mse_gradient,
                    mistakes=_MSE_GRADIENT_MISTAKES)

    cases = [
        case("the lesson's five predictions, shape (5, 1)", _Y_PRED_5, _Y_TRUE_5),
        case("a perfect prediction gives a zero gradient", _Y_TRUE_5.copy(), _Y_TRUE_5),
        case("two outputs per sample, shape (4, 2)", _Y_PRED_42, _Y_TRUE_42),
    ]
    run_checks("mse_gradient", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Binary cross-entropy
# ---------------------------------------------------------------------------------------------


def _bce_not_clipped(p, y):
    return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


_BCE_MISTAKES = [
    Mistake(
        _bce_not_clipped,
        "np.log(0) is −inf and 0 · log(0) is nan: clip p into [EPS, 1 − EPS] first, "
        "p = np.clip(p, EPS, 1 - EPS)",
    ),
    Mistake(
        lambda p, y: np.mean(y * np.log(_clip(p)) + (1.0 - y) * np.log(1.0 - _clip(p))),
        "the minus sign is missing: log p is negative, so the loss −mean(…) is positive",
    ),
    Mistake(
        lambda p, y: -np.sum(y * np.log(_clip(p)) + (1.0 - y) * np.log(1.0 - _clip(p))),
        "the loss is the mean over the N entries, not the sum",
    ),
    Mistake(
        lambda p, y: -np.mean(y * np.log(_clip(p))),
        "the second term is missing: a sample with y = 0 is scored by log(1 − p), "
        "L = −mean(y log p + (1 − y) log(1 − p))",
    ),
    Mistake(
        lambda p, y: -np.mean(y * np.log(1.0 - _clip(p)) + (1.0 - y) * np.log(_clip(p))),
        "the two logs are swapped: y goes with log p (p is the probability of class 1), "
        "1 − y with log(1 − p)",
    ),
]

_CLIP_HINT = (
    "a probability of exactly 0 or 1 must give a large but finite number: clip p into "
    "[EPS, 1 − EPS] with the EPS = 1e-12 of the setup cell before taking the log"
)


def check_binary_cross_entropy(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(p, y)`` = −(1/N) Σ [y log p + (1 − y) log(1 − p)], p clipped to [EPS, 1 − EPS]."""
    __tracebackhide__ = True

    def case(name: str, p, y, **kwargs) -> Case:
        return Case(name, args=(p, y), reference=_bce, mistakes=_BCE_MISTAKES, **kwargs)

    cases = [
        case("the lesson's four predictions, shape (4, 1)", _P_4, _Y_4),
        case("p = 0.5 gives log 2 whatever the target", _array([[0.5], [0.5]]),
             _array([[0.0], [1.0]])),
        case("two labels per sample, shape (3, 2)", _P_32, _Y_32),
        case("p exactly 0 or 1: finite, about 27.6 per confident mistake", _P_SURE, _Y_SURE,
             rtol=1e-4, stable=True, hint=_CLIP_HINT),
    ]
    run_checks("binary_cross_entropy", fn, cases, verbose=verbose, timeout=timeout)


_BCE_GRADIENT_MISTAKES = [
    Mistake(
        lambda p, y: (p - y) / (p * (1.0 - p)) / p.size,
        "p = 0 or 1 divides by zero: clip p into [EPS, 1 − EPS] first",
    ),
    Mistake(
        lambda p, y: (y - _clip(p)) / (_clip(p) * (1.0 - _clip(p))) / p.size,
        "the sign is flipped: dL/dp = (p − y) / (p (1 − p)) / N is positive when p is too large",
    ),
    Mistake(
        lambda p, y: (_clip(p) - y) / (_clip(p) * (1.0 - _clip(p))),
        "the 1/N is missing: the loss is a mean over N = p.size entries",
    ),
    Mistake(
        lambda p, y: (p - y) / p.size,
        "(p − y) / N is the gradient with respect to the logit z (after the sigmoid's slope "
        "p (1 − p) cancels); here we want dL/dp: divide by p (1 − p) as well",
    ),
    Mistake(
        lambda p, y: -y / _clip(p) / p.size,
        "the (1 − y) log(1 − p) term has a derivative too: dL/dp = (−y/p + (1 − y)/(1 − p)) / N",
    ),
]


def check_binary_cross_entropy_gradient(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(p, y)`` = dL/dp = (p − y) / (p (1 − p)) / N, p clipped to [EPS, 1 − EPS]."""
    __tracebackhide__ = True

    def case(name: str, p, y, **kwargs) -> Case:
        return Case(name, args=(p, y), reference=_bce_gradient, mistakes=_BCE_GRADIENT_MISTAKES,
                    **kwargs)

    cases = [
        case("the lesson's four predictions, shape (4, 1)", _P_4, _Y_4),
        case("p = y gives 0", _array([[0.3], [0.8]]), _array([[0.3], [0.8]])),
        case("two labels per sample, shape (3, 2)", _P_32, _Y_32),
        case("p exactly 0 or 1: finite, about ±1e12 / N for a confident mistake", _P_SURE,
             _Y_SURE, rtol=1e-4, stable=True, hint=_CLIP_HINT),
    ]
    run_checks("binary_cross_entropy_gradient", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Categorical cross-entropy
# ---------------------------------------------------------------------------------------------


def _one_hot(labels, n_classes: int) -> np.ndarray:
    return np.eye(n_classes)[np.asarray(labels)]


_P_34 = _array([[0.70, 0.10, 0.10, 0.10], [0.25, 0.25, 0.25, 0.25], [0.05, 0.05, 0.10, 0.80]])
_Y_34 = _one_hot([0, 2, 1], 4)
_rng = np.random.default_rng(1)
_P_6_10 = _softmax(_rng.normal(size=(6, 10)))
_Y_6_10 = _one_hot(_rng.integers(0, 10, size=6), 10)
del _rng
# Exactly 0 at a class that is not the truth (0 · log 0 = nan) and at the true class (−log 0).
_P_ZEROS = _array([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.2, 0.8]])
_Y_ZEROS = _one_hot([1, 0, 0], 3)


def _cce_not_clipped(p, y):
    return -np.sum(y * np.log(p)) / p.shape[0]


_CCE_MISTAKES = [
    Mistake(
        lambda p, y: -np.mean(y * np.log(np.clip(p, EPS, 1.0))),
        "np.mean over the whole (m, K) array divides by m · K: the loss comes out K times too "
        "small. Sum over the classes, then divide by the number of samples m",
    ),
    Mistake(
        lambda p, y: -np.sum(y * np.log(np.clip(p, EPS, 1.0))),
        "divide by the number of samples m = len(p): the loss is the average surprise per sample",
    ),
    Mistake(
        lambda p, y: np.sum(y * np.log(np.clip(p, EPS, 1.0))) / p.shape[0],
        "the minus sign is missing: log p is negative, so the loss −(1/m) Σ y log p is positive",
    ),
    Mistake(
        _cce_not_clipped,
        "np.log(0) is −inf, and 0 · log(0) is nan even for a class that is not the truth: clip "
        "p to at least EPS before the log, np.clip(p, EPS, 1.0)",
    ),
    Mistake(
        lambda p, y: -np.sum(np.log(np.clip(p, EPS, 1.0))) / p.shape[0],
        "multiply by the one-hot target Y, so that only the log of the true class counts",
    ),
]


def check_categorical_cross_entropy(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(p, y)`` = −(1/m) Σ_i Σ_k y_ik log p_ik for P and one-hot Y of shape (m, K).

    Averaged over the m samples only (not over samples × classes); p clipped to at least EPS.
    """
    __tracebackhide__ = True

    def case(name: str, p, y, **kwargs) -> Case:
        return Case(name, args=(p, y), reference=_cce, mistakes=_CCE_MISTAKES, **kwargs)

    cases = [
        case("the lesson's 3 samples, 4 classes", _P_34, _Y_34),
        case("6 samples, 10 classes (like the digits)", _P_6_10, _Y_6_10),
        case("a sure and right answer costs 0", _array([[0.0, 1.0, 0.0]]),
             _array([[0.0, 1.0, 0.0]]), hint=_CLIP_HINT.replace("[EPS, 1 − EPS]", "[EPS, 1]")),
        case("probabilities of exactly 0: finite, not nan", _P_ZEROS, _Y_ZEROS, rtol=1e-4,
             stable=True, hint=_CLIP_HINT.replace("[EPS, 1 − EPS]", "[EPS, 1]")),
    ]
    run_checks("categorical_cross_entropy", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# The fused softmax + categorical cross-entropy gradient
# ---------------------------------------------------------------------------------------------


def _softmax_not_shifted(z):
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_down_the_columns(z):
    e = np.exp(z - np.max(z, axis=0))
    return e / np.sum(e, axis=0)


_AXIS_HINT = "softmax works along each row (axis=-1): each sample's probabilities sum to 1"

_SOFTMAX_CCE_MISTAKES = [
    Mistake(
        lambda z, y: (y - _softmax(z)) / z.shape[0],
        "the sign is flipped: the gradient is (P − Y) / m, prediction minus target",
    ),
    Mistake(
        lambda z, y: _softmax(z) - y,
        "the 1/m is missing: the loss is an average over the m samples, so its gradient is "
        "(P − Y) / m",
    ),
    Mistake(
        lambda z, y: (_softmax(z) - y) / z.size,
        "divide by the number of samples m = len(Z), not by m · K (the same trap as np.mean "
        "in the loss)",
    ),
    Mistake(
        lambda z, y: (z - y) / z.shape[0],
        "Z holds logits; turn them into probabilities first: P = softmax(Z), then (P − Y) / m",
    ),
    Mistake(
        lambda z, y: (_softmax_not_shifted(z) - y) / z.shape[0],
        "np.exp(1000) overflows to inf: use a softmax that subtracts each row's maximum first "
        "(the softmax of the setup cell does)",
    ),
    Mistake(
        lambda z, y: (_softmax_down_the_columns(z) - y) / z.shape[0],
        _AXIS_HINT,
    ),
    Mistake(
        lambda z, y: (np.exp(z) / np.sum(np.exp(z), axis=0) - y) / z.shape[0],
        _AXIS_HINT,
    ),
]


def check_softmax_cross_entropy_gradient(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(Z, Y)`` = dL/dZ = (softmax(Z) − Y) / m for logits Z and one-hot Y, (m, K)."""
    __tracebackhide__ = True

    def case(name: str, z, y, **kwargs) -> Case:
        return Case(name, args=(z, y), reference=_softmax_cce_gradient,
                    mistakes=_SOFTMAX_CCE_MISTAKES, **kwargs)

    rng = np.random.default_rng(4)
    cases = [
        case("4 samples, 3 classes", rng.normal(size=(4, 3)), _one_hot([0, 2, 1, 1], 3)),
        case("6 samples, 10 classes", rng.normal(size=(6, 10)),
             _one_hot(rng.integers(0, 10, size=6), 10)),
        case("equal logits: P = 1/K", np.zeros((2, 4)), _one_hot([3, 0], 4)),
        case("very large logits, ±1000: no nan",
             _array([[1000.0, 0.0, -1000.0], [5.0, 1000.0, 0.0]]), _one_hot([2, 1], 3),
             stable=True,
             hint="subtract each row's maximum before np.exp (or use the softmax of the setup "
                  "cell)"),
    ]
    run_checks("softmax_cross_entropy_gradient", fn, cases, verbose=verbose, timeout=timeout)
