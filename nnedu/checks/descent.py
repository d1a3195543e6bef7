"""Checks for lesson 05's exercises: the update rule, a descent loop, and mini-batch training.

The model of the last two checks is the linear model of the lesson, ŷ = X @ w + b, with
X of shape (m, d), w of shape (d,), a number b and targets y of shape (m,), trained on
L = (1/m) Σ (ŷ − y)². The right answers are written out here; see
:mod:`nnedu.checks.runner` for the format of a check.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks

__all__ = [
    "check_gd_step",
    "check_linear_mse_gradient",
    "check_minimise_quadratic",
    "check_train_one_epoch",
]


def _array(values) -> np.ndarray:
    return np.array(values, dtype=float)


# ---------------------------------------------------------------------------------------------
# The right answers
# ---------------------------------------------------------------------------------------------


def _gd_step(w, grad, lr):
    """w ← w − η · ∂L/∂w, as a new array."""
    return w - lr * grad


def _quadratic_slope(w):
    """L(w) = (w − 3)² + 1 has the slope L'(w) = 2 (w − 3)."""
    return 2.0 * (w - 3.0)


def _minimise_quadratic(w0, lr, steps):
    """Every w visited by gradient descent on L(w) = (w − 3)² + 1: shape (steps + 1,)."""
    path = [float(w0)]
    w = float(w0)
    for _ in range(steps):
        w = w - lr * _quadratic_slope(w)
        path.append(w)
    return np.array(path)


def _linear_mse_gradient(X, y, w, b):
    """∂L/∂w = (2/m) Xᵀ (ŷ − y), ∂L/∂b = (2/m) Σ (ŷ − y), with ŷ = X @ w + b."""
    error = X @ w + b - y
    m = len(y)
    return 2.0 * X.T @ error / m, 2.0 * np.sum(error) / m


def _train_one_epoch(X, y, w, b, lr, batch_size, seed):
    """One epoch of mini-batch gradient descent; the batches follow rng.permutation(m)."""
    rng = np.random.default_rng(seed)
    return _epoch(X, y, w, b, lr, batch_size, rng)


def _epoch(X, y, w, b, lr, batch_size, rng):
    order = rng.permutation(len(y))
    for start in range(0, len(y), batch_size):
        batch = order[start:start + batch_size]
        dw, db = _linear_mse_gradient(X[batch], y[batch], w, b)
        w, b = w - lr * dw, b - lr * db
    return w, b


# ---------------------------------------------------------------------------------------------
# Task 1: one step
# ---------------------------------------------------------------------------------------------


def _gd_step_in_place(w, grad, lr):
    w -= lr * grad
    return w


_GD_STEP_MISTAKES = [
    Mistake(
        lambda w, grad, lr: w + lr * grad,
        "that is gradient *ascent*: the gradient points uphill, so step against it, "
        "w - lr * grad",
    ),
    Mistake(
        lambda w, grad, lr: w - grad,
        "the learning rate is missing: the step is lr * grad, not the whole gradient",
    ),
    Mistake(
        lambda w, grad, lr: -lr * grad,
        "that is only the step; return the new weights, w - lr * grad",
    ),
    Mistake(
        lambda w, grad, lr: w - lr,
        "the step is the learning rate times the gradient: w - lr * grad",
    ),
    Mistake(
        lambda w, grad, lr: w,
        "the weights did not move: return w - lr * grad",
    ),
]


def check_gd_step(fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(w, grad, lr)`` returns w − lr · grad as a new array, leaving w unchanged."""
    __tracebackhide__ = True

    def case(name: str, w, grad, lr: float) -> Case:
        return Case(name, args=(w, grad, lr), reference=_gd_step, mistakes=_GD_STEP_MISTAKES)

    cases = [
        case("one weight: w = 2, gradient 4, lr = 0.1 gives 1.6", 2.0, 4.0, 0.1),
        case("three weights, lr = 0.1", _array([1.0, -2.0, 0.5]), _array([4.0, -1.0, 0.0]), 0.1),
        case("a weight matrix (2, 3), lr = 0.5", _array([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]]),
             _array([[0.2, -0.4, 1.0], [2.0, 0.0, -3.0]]), 0.5),
        case("a zero gradient leaves w where it is", _array([0.3, -0.7]), np.zeros(2), 0.1),
    ]
    run_checks("gd_step", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 2: a descent loop on a quadratic
# ---------------------------------------------------------------------------------------------


def _quadratic_mistake(update):
    def path(w0, lr, steps):
        points = [float(w0)]
        for _ in range(steps):
            points.append(update(points[-1], lr))
        return np.array(points)

    return path


_QUADRATIC_MISTAKES = [
    Mistake(
        _quadratic_mistake(lambda w, lr: w + lr * 2.0 * (w - 3.0)),
        "the weight runs away from 3: step against the slope, w - lr * 2 * (w - 3)",
    ),
    Mistake(
        _quadratic_mistake(lambda w, lr: w - lr * (w - 3.0)),
        "the slope of (w − 3)² + 1 is 2 (w − 3): the 2 is missing",
    ),
    Mistake(
        _quadratic_mistake(lambda w, lr: w - lr * ((w - 3.0) ** 2 + 1.0)),
        "use the slope L'(w) = 2 (w − 3), not the loss L(w) itself",
    ),
    Mistake(
        _quadratic_mistake(lambda w, lr: w - 2.0 * (w - 3.0)),
        "the learning rate is missing: w - lr * 2 * (w - 3)",
    ),
    Mistake(
        lambda w0, lr, steps: _minimise_quadratic(w0, lr, steps)[1:],
        "the path starts with the starting point w0: steps updates give steps + 1 points",
    ),
    Mistake(
        lambda w0, lr, steps: _minimise_quadratic(w0, lr, steps)[:-1],
        "the path misses its last point: append w after every update, steps + 1 points in all",
    ),
    Mistake(
        lambda w0, lr, steps: _minimise_quadratic(w0, lr, steps)[-1],
        "return the whole path as an array of steps + 1 points, not only the last w",
    ),
]


def check_minimise_quadratic(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(w0, lr, steps)`` returns every w visited on L(w) = (w − 3)² + 1.

    The result is an array of shape (steps + 1,): w0 first, then w after each update.
    """
    __tracebackhide__ = True

    def case(name: str, w0: float, lr: float, steps: int) -> Case:
        return Case(name, args=(w0, lr, steps), reference=_minimise_quadratic,
                    mistakes=_QUADRATIC_MISTAKES)

    cases = [
        case("the lesson's run: w0 = −1, lr = 0.1, 8 steps", -1.0, 0.1, 8),
        case("w0 = 10, lr = 0.3, 5 steps", 10.0, 0.3, 5),
        case("lr = 0.9 zigzags over the minimum", -1.0, 0.9, 6),
        case("lr = 1.05 diverges (and must still be followed exactly)", -1.0, 1.05, 6),
        case("0 steps: only the start", 4.0, 0.1, 0),
    ]
    run_checks("minimise_quadratic", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 3: the gradient of a linear model's MSE
# ---------------------------------------------------------------------------------------------


def _linear_data(m: int, d: int, seed: int):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, d))
    y = X @ np.linspace(2.0, -1.0, d) + 0.5 + 0.3 * rng.normal(size=m)
    return X, y


def _with_error(grad):
    """A wrong gradient written with error = X @ w + b − y."""

    def wrong(X, y, w, b):
        return grad(X, X @ w + b - y, len(y))

    return wrong


_LINEAR_GRADIENT_MISTAKES = [
    Mistake(
        _with_error(lambda X, e, m: (X.T @ e / m, np.sum(e) / m)),
        "the 2 is missing: the derivative of (ŷ − y)² is 2 (ŷ − y)",
    ),
    Mistake(
        _with_error(lambda X, e, m: (2.0 * X.T @ e, 2.0 * np.sum(e))),
        "divide by the number of samples m: the loss is a mean, so is its gradient",
    ),
    Mistake(
        _with_error(lambda X, e, m: (-2.0 * X.T @ e / m, -2.0 * np.sum(e) / m)),
        "the sign is flipped: use the error ŷ − y (prediction minus target), not y − ŷ",
    ),
    Mistake(
        lambda X, y, w, b: (2.0 * X.T @ (X @ w - y) / len(y), 2.0 * np.sum(X @ w - y) / len(y)),
        "the prediction is ŷ = X @ w + b: the bias is missing from the error",
    ),
    Mistake(
        _with_error(lambda X, e, m: (2.0 * X.T @ e / m, 2.0 * e / m)),
        "∂L/∂b is one number: add the errors of all samples up, 2 · Σ (ŷ − y) / m",
    ),
    Mistake(
        _with_error(lambda X, e, m: (2.0 * np.mean(X * e[:, None]), 2.0 * np.mean(e))),
        "∂L/∂w has one entry per weight, shape (d,): average over the samples only, "
        "2 * X.T @ error / m (np.mean without an axis averages over everything)",
    ),
]


def check_linear_mse_gradient(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(X, y, w, b)`` returns (∂L/∂w, ∂L/∂b) for L = mean((X @ w + b − y)²).

    ∂L/∂w = (2/m) Xᵀ (ŷ − y) has shape (d,); ∂L/∂b = (2/m) Σ (ŷ − y) is a number.
    """
    __tracebackhide__ = True

    def case(name: str, X, y, w, b: float) -> Case:
        return Case(name, args=(X, y, w, b), reference=_linear_mse_gradient,
                    mistakes=_LINEAR_GRADIENT_MISTAKES)

    X3, y3 = _linear_data(6, 3, seed=0)
    X1, y1 = _linear_data(5, 1, seed=1)
    X_line = _array([[0.0], [1.0], [2.0]])
    cases = [
        case("4 samples, 2 features", _array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5], [-2.0, 1.0]]),
             _array([1.0, -2.0, 4.0, 0.0]), _array([0.5, -1.0]), 0.25),
        case("6 samples, 3 features", X3, y3, _array([1.0, 0.0, -0.5]), -1.0),
        case("one feature, w = 0 and b = 0", X1, y1, np.zeros(1), 0.0),
        case("a perfect fit has a zero gradient", X_line, 2.0 * X_line[:, 0] + 1.0,
             _array([2.0]), 1.0),
    ]
    run_checks("linear_mse_gradient", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 4: one epoch of mini-batch gradient descent
# ---------------------------------------------------------------------------------------------


def _epoch_mistake(batches=None, gradient=None, lr_sign=1.0, shuffle=True, separate=False,
                   x_only=False, accumulate=False):
    """A wrong epoch: different batches, a different gradient, a + instead of a −, …"""

    def epoch(X, y, w, b, lr, batch_size, seed):
        rng = np.random.default_rng(seed)
        m = len(y)
        if separate:  # X and y shuffled with two different orders
            X, y = X[rng.permutation(m)], y[rng.permutation(m)]
            order = np.arange(m)
        else:
            order = rng.permutation(m) if shuffle else np.arange(m)
        if x_only:  # X shuffled, y left in its order
            X, order = X[order], np.arange(m)
        starts = batches(m, batch_size) if batches else range(0, m, batch_size)
        dw_sum, db_sum = 0.0, 0.0  # only used with accumulate: summed, never reset
        for start in starts:
            batch = order[start:start + batch_size]
            grad = gradient or (lambda Xb, yb, w, b, B: _linear_mse_gradient(Xb, yb, w, b))
            dw, db = grad(X[batch], y[batch], w, b, batch_size)
            if accumulate:
                dw_sum, db_sum = dw_sum + dw, db_sum + db
                dw, db = dw_sum, db_sum
            w, b = w - lr_sign * lr * dw, b - lr_sign * lr * db
        return w, b

    return epoch


def _summed_gradient(Xb, yb, w, b, B):
    error = Xb @ w + b - yb
    return 2.0 * Xb.T @ error, 2.0 * np.sum(error)


def _gradient_over_batch_size(Xb, yb, w, b, B):
    error = Xb @ w + b - yb
    return 2.0 * Xb.T @ error / B, 2.0 * np.sum(error) / B


def _no_lr_epoch(X, y, w, b, lr, batch_size, seed):
    return _epoch_mistake()(X, y, w, b, 1.0, batch_size, seed)


def _gradient_over_all(m: int):
    def gradient(Xb, yb, w, b, B):
        error = Xb @ w + b - yb
        return 2.0 * Xb.T @ error / m, 2.0 * np.sum(error) / m

    return gradient


def _over_m_epoch(X, y, w, b, lr, batch_size, seed):
    return _epoch_mistake(gradient=_gradient_over_all(len(y)))(X, y, w, b, lr, batch_size, seed)


_EPOCH_MISTAKES = [
    Mistake(
        _epoch_mistake(shuffle=False),
        "the data is not shuffled: start the epoch with order = rng.permutation(m) and take "
        "each batch from order, X[order[start:start + batch_size]]",
    ),
    Mistake(
        _epoch_mistake(batches=lambda m, B: [0] * len(range(0, m, B))),
        "every step used the same batch: move on by batch_size each time, "
        "for start in range(0, m, batch_size)",
    ),
    Mistake(
        _epoch_mistake(batches=lambda m, B: range(0, m - B + 1, B)),
        "the last, smaller batch was dropped: range(0, m, batch_size) also starts a batch for "
        "the leftover samples, and order[start:start + batch_size] simply gives fewer of them",
    ),
    Mistake(
        _epoch_mistake(gradient=_summed_gradient),
        "the gradient must be divided by the number of samples in the batch (a mean, not a sum)",
    ),
    Mistake(
        _epoch_mistake(gradient=_gradient_over_batch_size),
        "the last batch can be smaller than batch_size: divide by the number of samples it "
        "really holds, len(batch)",
    ),
    Mistake(
        _over_m_epoch,
        "each step's gradient is the mean over its batch: divide by the batch's size, not by "
        "the size m of the whole data set",
    ),
    Mistake(
        _epoch_mistake(lr_sign=-1.0),
        "that is gradient ascent: step against the gradient, w - lr * dw and b - lr * db",
    ),
    Mistake(_no_lr_epoch, "the learning rate is missing: w - lr * dw and b - lr * db"),
    Mistake(
        _epoch_mistake(x_only=True),
        "X was shuffled but y was not, so samples lost their targets: index both with the same "
        "order, X[batch] and y[batch] with batch = order[start:start + batch_size]",
    ),
    Mistake(
        _epoch_mistake(accumulate=True),
        "each step used the gradients of all batches so far added up: the sum was never reset. "
        "Compute each batch's gradient fresh, inside the loop, and step with it alone",
    ),
    Mistake(
        _epoch_mistake(separate=True),
        "X and y were shuffled with two different orders, so samples lost their targets: draw "
        "one order = rng.permutation(m) and index both X and y with it",
    ),
]


def _epochs(fn: Callable) -> Callable:
    """What the runner calls: the student's function with a fresh rng made from ``seed``.

    Without ``epochs``: one call, returning the new (w, b). With ``epochs``: that many calls in a
    row from the given (w, b), sharing one rng, returning the final loss on all the data.
    """

    def run(X, y, w, b, lr, batch_size, seed, epochs=None):
        __tracebackhide__ = True
        rng = np.random.default_rng(seed)
        if epochs is None:
            return fn(X, y, w, b, lr, batch_size, rng)
        for _ in range(epochs):
            w, b = fn(X, y, w, b, lr, batch_size, rng)
        return float(np.mean((X @ np.asarray(w, dtype=float) + b - y) ** 2))

    return run


def _lowest_loss(X, y) -> float:
    """The MSE of the best (w, b), by least squares."""
    A = np.column_stack([X, np.ones(len(y))])
    coefficients = np.linalg.lstsq(A, y, rcond=None)[0]
    return float(np.mean((A @ coefficients - y) ** 2))


def check_train_one_epoch(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(X, y, w, b, lr, batch_size, rng)`` runs one epoch and returns the new (w, b).

    One epoch: ``order = rng.permutation(m)``, then one update per batch
    ``order[start:start + batch_size]`` for ``start`` in ``range(0, m, batch_size)`` (the last
    batch may be smaller), each with the batch's mean gradient.
    """
    __tracebackhide__ = True
    if not callable(fn):
        raise TypeError(
            "train_one_epoch: pass your function itself, its name without parentheses "
            "(check_train_one_epoch(train_one_epoch))"
        )

    def case(name: str, m: int, d: int, w, b: float, lr: float, batch_size: int,
             seed: int) -> Case:
        X, y = _linear_data(m, d, seed=10 + seed)
        return Case(name, args=(X, y, _array(w), b, lr, batch_size, seed),
                    reference=_train_one_epoch, mistakes=_EPOCH_MISTAKES)

    cases = [
        case("10 samples in batches of 4, 4 and 2", 10, 2, [0.0, 0.0], 0.0, 0.1, 4, 0),
        case("12 samples in 3 batches of 4", 12, 3, [1.0, -1.0, 0.5], 0.5, 0.05, 4, 1),
        case("stochastic: 5 samples, batch size 1", 5, 1, [0.5], -0.5, 0.1, 1, 2),
        case("full batch: 8 samples, batch size 8", 8, 2, [0.0, 1.0], 0.0, 0.2, 8, 3),
    ]
    X, y = _linear_data(50, 2, seed=7)
    lowest = _lowest_loss(X, y)
    cases.append(
        Case(
            f"30 epochs on 50 samples (batches of 8) from w = 0, b = 0 reach the lowest loss, "
            f"{lowest:.4f}",
            args=(X, y, np.zeros(2), 0.0, 0.05, 8, 0),
            kwargs={"epochs": 30},
            expected=lowest,
            rtol=0.02,
            hint="each epoch must continue from the (w, b) it is given and shuffle with the rng "
            "it is given (a new order every epoch)",
        )
    )
    run_checks("train_one_epoch", _epochs(fn), cases, verbose=verbose, timeout=timeout)
