"""Checks for the exercises of lesson 00a (the maths you need).

Five small tasks, each with the known mistakes a beginner makes and the hint each one gets:

    check_central_difference(central_difference)   (f(x + h) − f(x − h)) / (2h)
    check_dL_dw(dL_dw)                             the chain rule on L = (σ(w·x + b) − y)²
    check_dense_shapes(dense_shapes)               shapes of X, W, b and Z = X W + b
    check_log_loss(log_loss)                       −mean(log of the true class's probability)
    check_expected_value(expected_value)           E[X] = Σ p_k x_k

The right answers are written out here; see :mod:`nnedu.checks.runner` for the format of a check.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks

__all__ = [
    "check_central_difference",
    "check_dL_dw",
    "check_dense_shapes",
    "check_expected_value",
    "check_log_loss",
]


def _array(values) -> np.ndarray:
    return np.array(values, dtype=float)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ---------------------------------------------------------------------------------------------
# Task 1: the central difference
# ---------------------------------------------------------------------------------------------


def _central_difference(f, x, h):
    """(f(x + h) − f(x − h)) / (2h)."""
    return (f(x + h) - f(x - h)) / (2 * h)


_CENTRAL_MISTAKES = [
    Mistake(lambda f, x, h: (f(x + h) - f(x)) / h,
            "that is the forward difference (f(x + h) − f(x)) / h: take one point on each "
            "side of x, (f(x + h) - f(x - h)) / (2 * h)"),
    Mistake(lambda f, x, h: (f(x) - f(x - h)) / h,
            "that is the backward difference (f(x) − f(x − h)) / h: take one point on each "
            "side of x, (f(x + h) - f(x - h)) / (2 * h)"),
    Mistake(lambda f, x, h: (f(x + h) - f(x - h)) / h,
            "x − h and x + h are 2h apart: divide by 2 * h, not by h"),
    Mistake(lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h,
            "/ 2 * h divides by 2 and then multiplies by h: write / (2 * h)"),
    Mistake(lambda f, x, h: (f(x - h) - f(x + h)) / (2 * h),
            "right minus left: f(x + h) − f(x − h), otherwise the slope's sign flips"),
]


def _cube(x):
    return x**3


def _square(x):
    return x**2


def check_central_difference(fn: Callable, *, verbose: bool = False,
                             timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(f, x, h)`` returns the central difference (f(x + h) − f(x − h)) / (2h)."""
    __tracebackhide__ = True

    def case(name: str, f, x, h: float) -> Case:
        return Case(name, args=(f, x, h), reference=_central_difference,
                    mistakes=_CENTRAL_MISTAKES)

    cases = [
        case("f(x) = x³ at x = 2 with h = 0.1 (the true slope is 12)", _cube, 2.0, 0.1),
        case("f(x) = sin x at x = 1 with h = 0.01", np.sin, 1.0, 0.01),
        case("f(x) = eˣ at x = 0 with h = 0.5", np.exp, 0.0, 0.5),
        case("x² at the points x = [−1, 0, 2.5] at once, h = 0.5 (exactly 2x)", _square,
             _array([-1.0, 0.0, 2.5]), 0.5),
    ]
    run_checks("central_difference", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 2: the chain rule through a neuron
# ---------------------------------------------------------------------------------------------


def _dL_dw(x, y, w, b):
    """dL/dw of L = (σ(w·x + b) − y)²: 2(a − y) · σ(z)(1 − σ(z)) · x."""
    z = w * x + b
    a = _sigmoid(z)
    return 2 * (a - y) * a * (1 - a) * x


def _chain(outer=True, middle="z", inner="x", two=2.0, sign=1.0):
    """A chain-rule answer with one link changed."""

    def wrong(x, y, w, b):
        z = w * x + b
        a = _sigmoid(z)
        d_outer = two * sign * (a - y) if outer else 1.0
        d_middle = {"z": a * (1 - a), "a": _sigmoid(a) * (1 - _sigmoid(a)), "none": 1.0}[middle]
        d_inner = {"x": x, "w": w, "none": 1.0}[inner]
        return d_outer * d_middle * d_inner

    return wrong


_CHAIN_MISTAKES = [
    Mistake(_chain(inner="none"),
            "the innermost link is missing: z = w·x + b changes with w at the rate "
            "dz/dw = x, so multiply by x"),
    Mistake(_chain(inner="w"),
            "that is dL/dx: z = w·x + b changes with w at the rate dz/dw = x (not w)"),
    Mistake(_chain(middle="none"),
            "σ sits between z and a: multiply by its slope σ′(z) = σ(z)(1 − σ(z))"),
    Mistake(_chain(middle="a"),
            "σ′ is taken at z, not at a = σ(z): σ′(z) = a(1 − a), not σ(a)(1 − σ(a))"),
    Mistake(_chain(two=1.0),
            "the derivative of (a − y)² is 2(a − y): the 2 is missing"),
    Mistake(_chain(sign=-1.0),
            "the outer link is 2(a − y), prediction minus target: (y − a) flips the sign"),
]


def check_dL_dw(fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(x, y, w, b)`` returns dL/dw for L = (σ(w·x + b) − y)²."""
    __tracebackhide__ = True

    def case(name: str, x, y, w, b) -> Case:
        return Case(name, args=(x, y, w, b), reference=_dL_dw, mistakes=_CHAIN_MISTAKES)

    cases = [
        case("the lesson's numbers: x = 2, y = 1, w = 0.5, b = −0.5", 2.0, 1.0, 0.5, -0.5),
        case("x = −1.5, y = 0, w = 2, b = 0.3", -1.5, 0.0, 2.0, 0.3),
        case("x = 3, y = 0, w = −0.4, b = 1", 3.0, 0.0, -0.4, 1.0),
        case("five samples at once: x = [−2, −1, 0.5, 1, 3], y = [0, 0, 1, 1, 1], w = 1.5, "
             "b = 0.2", _array([-2.0, -1.0, 0.5, 1.0, 3.0]), _array([0.0, 0.0, 1.0, 1.0, 1.0]),
             1.5, 0.2),
    ]
    run_checks("dL_dw", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 3: the shapes of a dense layer
# ---------------------------------------------------------------------------------------------


def _dense_shapes(m, n_in, n_out):
    """(shape of X, shape of W, shape of b, shape of Z) for Z = X W + b, batch first."""
    return (m, n_in), (n_in, n_out), (n_out,), (m, n_out)


def _shapes(X=None, W=None, b=None, Z=None):
    """The right shapes with some replaced: each argument maps (m, n_in, n_out) to a shape."""

    def wrong(m, n_in, n_out):
        right = _dense_shapes(m, n_in, n_out)
        changed = [X, W, b, Z]
        return tuple(right[k] if changed[k] is None else changed[k](m, n_in, n_out)
                     for k in range(4))

    return wrong


_SHAPE_MISTAKES = [
    Mistake(_shapes(W=lambda m, i, o: (o, i)),
            "W has one row per input feature and one column per unit, (n_in, n_out), so that "
            "X @ W fits: (m, n_in) @ (n_in, n_out)"),
    Mistake(_shapes(X=lambda m, i, o: (i, m), Z=lambda m, i, o: (o, m)),
            "batch first: X and Z have one row per sample, (m, n_in) and (m, n_out)"),
    Mistake(_shapes(Z=lambda m, i, o: (o, m)),
            "batch first: Z has one row per sample and one column per unit, (m, n_out)"),
    Mistake(_shapes(X=lambda m, i, o: (i, m)),
            "batch first: X has one row per sample and one column per feature, (m, n_in)"),
    Mistake(_shapes(b=lambda m, i, o: (m, o)),
            "one bias per unit, shared by every sample: b has shape (n_out,) and numpy adds "
            "it to every row"),
    Mistake(_shapes(b=lambda m, i, o: (o, 1)),
            "b of shape (n_out, 1) is a column: added to (m, n_out) it broadcasts wrongly. "
            "Use (n_out,), one bias per unit"),
    Mistake(_shapes(Z=lambda m, i, o: (m, i)),
            "Z has one column per unit of the layer: (m, n_out), not (m, n_in)"),
]


def check_dense_shapes(fn: Callable, *, verbose: bool = False,
                       timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(m, n_in, n_out)`` returns the shapes (X, W, b, Z) of Z = X W + b."""
    __tracebackhide__ = True

    def case(m: int, n_in: int, n_out: int) -> Case:
        samples = "sample" if m == 1 else "samples"
        name = f"a batch of m = {m} {samples}, n_in = {n_in} features, n_out = {n_out} units"
        return Case(name, args=(m, n_in, n_out), reference=_dense_shapes, atol=0, rtol=0,
                    mistakes=_SHAPE_MISTAKES)

    cases = [case(32, 64, 10), case(4, 3, 2), case(1, 5, 7), case(100, 2, 2)]
    run_checks("dense_shapes", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 4: the log-loss
# ---------------------------------------------------------------------------------------------


def _p_true(p, y):
    """The probability the model gave to the true class of each sample."""
    return np.where(y == 1, p, 1 - p)


def _log_loss(p, y):
    """−(1/m) Σ [y log p + (1 − y) log(1 − p)]: the mean of −log(probability of the truth)."""
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


_LOG_LOSS_MISTAKES = [
    Mistake(lambda p, y: -np.mean(np.log(p)),
            "p is the probability of class 1: for a sample with y = 0 the probability of the "
            "right answer is 1 − p, so take log(1 − p) there"),
    Mistake(lambda p, y: -np.mean(y * np.log(1 - p) + (1 - y) * np.log(p)),
            "log of the wrong probability: use p where y = 1 and 1 − p where y = 0 (the "
            "probability of the true class)"),
    Mistake(lambda p, y: np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)),
            "the log of a probability is ≤ 0: put a minus in front, so the loss is ≥ 0"),
    Mistake(lambda p, y: -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)),
            "average over the samples (np.mean), do not add them up"),
    Mistake(lambda p, y: -np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p)),
            "use the natural log np.log; np.log10 is the log to base 10"),
    Mistake(lambda p, y: -np.log(np.mean(_p_true(p, y))),
            "take the log of each sample's probability, then average: the mean of the logs, "
            "not the log of the mean"),
]


def check_log_loss(fn: Callable, *, verbose: bool = False,
                   timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(p, y)`` returns −mean(y log p + (1 − y) log(1 − p))."""
    __tracebackhide__ = True

    def case(name: str, p, y) -> Case:
        return Case(name, args=(_array(p), _array(y)), reference=_log_loss,
                    mistakes=_LOG_LOSS_MISTAKES)

    cases = [
        case("one sample, y = 1, p = 0.9", [0.9], [1.0]),
        case("four samples: p = [0.9, 0.2, 0.6, 0.3], y = [1, 0, 1, 1]",
             [0.9, 0.2, 0.6, 0.3], [1.0, 0.0, 1.0, 1.0]),
        case("every y = 0: p = [0.1, 0.4, 0.7]", [0.1, 0.4, 0.7], [0.0, 0.0, 0.0]),
        case("confident and wrong: p = 0.01, y = 1", [0.01], [1.0]),
    ]
    run_checks("log_loss", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 5: the expected value
# ---------------------------------------------------------------------------------------------


def _expected_value(values, probs):
    """E[X] = Σ_k p_k x_k."""
    return np.sum(probs * values)


_EXPECTATION_MISTAKES = [
    Mistake(lambda values, probs: np.mean(values),
            "weigh each value by its probability, np.sum(probs * values): a plain mean treats "
            "every value as equally likely"),
    Mistake(lambda values, probs: np.mean(probs * values),
            "the probabilities already do the averaging: np.sum(probs * values), without "
            "dividing by the number of values"),
    Mistake(lambda values, probs: np.sum(probs),
            "that adds up the probabilities (always 1): multiply each by its value first"),
]


def check_expected_value(fn: Callable, *, verbose: bool = False,
                         timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(values, probs)`` returns Σ_k probs[k] · values[k]."""
    __tracebackhide__ = True

    def case(name: str, values, probs) -> Case:
        return Case(name, args=(_array(values), _array(probs)), reference=_expected_value,
                    mistakes=_EXPECTATION_MISTAKES)

    cases = [
        case("a fair die: 1 to 6, each with probability 1/6", [1, 2, 3, 4, 5, 6], [1 / 6] * 6),
        case("a loaded die: a six with probability 0.5", [1, 2, 3, 4, 5, 6],
             [0.1, 0.1, 0.1, 0.1, 0.1, 0.5]),
        case("a bet: lose 1 with probability 0.9, win 10 with probability 0.1", [-1, 10],
             [0.9, 0.1]),
        case("one sure value: 7 with probability 1", [7], [1.0]),
    ]
    run_checks("expected_value", fn, cases, verbose=verbose, timeout=timeout)
