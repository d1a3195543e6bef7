"""Checks for lesson 09's exercises: the digits classifier written in plain numpy.

The student writes ``one_hot``, the forward and backward pass of a 64-H-10 network
(ReLU hidden layer, softmax output, categorical cross-entropy) and a mini-batch training loop.
The network's parameters live in a dict ``params`` with keys ``"W1"`` (n_features, H),
``"b1"`` (H,), ``"W2"`` (H, n_classes) and ``"b2"`` (n_classes,).

The training loop is judged on the validation part of the digits (the student's choices of
``epochs`` and ``lr`` are made there); the test part is left for one final score in the
notebook. The right answers are written out here; the tests confirm the backward pass with
:mod:`nnedu.gradcheck`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, _failure, run_checks

PARAM_NAMES = ("W1", "b1", "W2", "b2")
TRAINING_TIMEOUT = 60.0  # seconds for one call of the student's train(...)
TARGET_ACCURACY = 0.95


# --------------------------------------------------------------------------- right answers


def _one_hot(labels: np.ndarray, n_classes: int) -> np.ndarray:
    Y = np.zeros((len(labels), n_classes))
    Y[np.arange(len(labels)), labels] = 1.0
    return Y


def _softmax(Z: np.ndarray) -> np.ndarray:
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _forward(X: np.ndarray, params: dict) -> tuple[np.ndarray, np.ndarray]:
    """H = ReLU(X W1 + b1), P = softmax(H W2 + b2)."""
    H = np.maximum(0.0, X @ params["W1"] + params["b1"])
    return H, _softmax(H @ params["W2"] + params["b2"])


def _backward(X: np.ndarray, Y: np.ndarray, params: dict, H: np.ndarray,
              P: np.ndarray) -> dict:
    """Gradients of the mean cross-entropy: dZ2 = (P − Y)/m, then the chain rule."""
    dZ2 = (P - Y) / len(X)
    dZ1 = (dZ2 @ params["W2"].T) * (H > 0)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": H.T @ dZ2, "b2": dZ2.sum(axis=0)}


def _loss(X: np.ndarray, Y: np.ndarray, params: dict) -> float:
    """Mean categorical cross-entropy over the batch (for gradient checking)."""
    _, P = _forward(X, params)
    return float(-np.sum(Y * np.log(P)) / len(X))


def _params(n_in: int, hidden: int, n_out: int, seed: int, scale: float = 1.0) -> dict:
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0.0, 1.0, (n_in, hidden)), "b1": rng.normal(0.0, 0.5, hidden),
            "W2": scale * rng.normal(0.0, 1.0, (hidden, n_out)),
            "b2": rng.normal(0.0, 0.5, n_out)}


# --------------------------------------------------------------------------- one_hot


def check_one_hot(fn: Callable, *, verbose: bool = False,
                  timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(labels, n_classes)`` gives an (m, n_classes) array with one 1 per row."""
    __tracebackhide__ = True
    mistakes = [
        Mistake(lambda labels, k: _one_hot(labels, k).T,
                "the result is transposed: one ROW per label, one column per class, "
                "shape (m, n_classes)"),
        Mistake(lambda labels, k: _one_hot(labels, int(labels.max()) + 1),
                "use the n_classes you are given, not labels.max() + 1: a batch may miss "
                "the largest class"),
        Mistake(lambda labels, k: _one_hot(labels, k)[:, ::-1],
                "the 1 must sit in column labels[i] (counting from 0)"),
    ]
    cases = [
        Case("labels [2, 0, 1, 2], 3 classes", args=(np.array([2, 0, 1, 2]), 3),
             reference=_one_hot, mistakes=mistakes),
        Case("five digit labels, 10 classes (9 never appears)",
             args=(np.array([3, 0, 7, 7, 1]), 10), reference=_one_hot, mistakes=mistakes,
             hint="make the array (len(labels), n_classes), even when some classes are missing"),
        Case("a single label", args=(np.array([4]), 6), reference=_one_hot, mistakes=mistakes),
    ]
    run_checks("one_hot", fn, cases, verbose=verbose, timeout=timeout)


# --------------------------------------------------------------------------- forward


def _forward_no_shift(X, params):
    H = np.maximum(0.0, X @ params["W1"] + params["b1"])
    E = np.exp(H @ params["W2"] + params["b2"])
    return H, E / E.sum(axis=1, keepdims=True)


def _forward_columns(X, params):
    H = np.maximum(0.0, X @ params["W1"] + params["b1"])
    Z = H @ params["W2"] + params["b2"]
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return H, E / E.sum(axis=0, keepdims=True)


def _forward_no_bias(X, params):
    H = np.maximum(0.0, X @ params["W1"])
    return H, _softmax(H @ params["W2"])


def _forward_no_relu(X, params):
    H = X @ params["W1"] + params["b1"]
    return H, _softmax(H @ params["W2"] + params["b2"])


_FORWARD_MISTAKES = [
    Mistake(_forward_no_shift, "subtract each row's largest score before np.exp "
                               "(Z - Z.max(axis=1, keepdims=True)): large scores overflow to inf"),
    Mistake(_forward_columns, "softmax goes along each row (axis=1, one sample's 10 scores), "
                              "not down the columns"),
    Mistake(_forward_no_bias, "the biases are missing: Z = X @ W + b in both layers"),
    Mistake(_forward_no_relu, "H is the hidden layer AFTER ReLU: np.maximum(0, X @ W1 + b1)"),
]


def check_digits_forward(fn: Callable, *, verbose: bool = False,
                         timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(X, params)`` returns ``(H, P)``: hidden ReLU values and softmax rows."""
    __tracebackhide__ = True
    rng = np.random.default_rng(1)
    cases = [
        Case("3 samples, 4 features, 5 hidden units, 3 classes",
             args=(rng.normal(size=(3, 4)), _params(4, 5, 3, seed=2)),
             reference=_forward, mistakes=_FORWARD_MISTAKES),
        Case("one sample of 64 pixels, 64-16-10", args=(rng.random((1, 64)),
             _params(64, 16, 10, seed=3, scale=0.1)), reference=_forward,
             mistakes=_FORWARD_MISTAKES,
             hint="one sample is a batch of shape (1, 64): keep axis=1 and keepdims=True"),
        Case("large scores give probabilities, not nan",
             args=(rng.normal(size=(4, 4)), _params(4, 5, 3, seed=4, scale=2000.0)),
             reference=_forward, mistakes=_FORWARD_MISTAKES, stable=True,
             hint="subtract each row's largest score before np.exp"),
    ]
    run_checks("forward", fn, cases, verbose=verbose, timeout=timeout)


# --------------------------------------------------------------------------- backward


def _as_tuple(grads: Any) -> Any:
    """The four gradients in a fixed order, so the runner can compare them one by one."""
    if not isinstance(grads, dict):
        return grads
    missing = [name for name in PARAM_NAMES if name not in grads]
    if missing:
        raise KeyError(f"backward must return a dict with the keys W1, b1, W2, b2; "
                       f"missing {', '.join(missing)}")
    return tuple(grads[name] for name in PARAM_NAMES)


def _backward_no_mean(X, Y, params, H, P):
    return {k: v * len(X) for k, v in _backward(X, Y, params, H, P).items()}


def _backward_mean_bias(X, Y, params, H, P):
    g = _backward(X, Y, params, H, P)
    return {**g, "b1": g["b1"] / len(X), "b2": g["b2"] / len(X)}


def _backward_no_relu(X, Y, params, H, P):
    dZ2 = (P - Y) / len(X)
    dZ1 = dZ2 @ params["W2"].T
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": H.T @ dZ2, "b2": dZ2.sum(axis=0)}


def _backward_relu_value(X, Y, params, H, P):
    dZ2 = (P - Y) / len(X)
    dZ1 = (dZ2 @ params["W2"].T) * H
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": H.T @ dZ2, "b2": dZ2.sum(axis=0)}


def _backward_dW2_transposed(X, Y, params, H, P):
    g = _backward(X, Y, params, H, P)
    return {**g, "W2": g["W2"].T}


def _backward_y_minus_p(X, Y, params, H, P):
    return {k: -v for k, v in _backward(X, Y, params, H, P).items()}


_BACKWARD_MISTAKES = [
    Mistake(_backward_no_mean, "the loss is the MEAN over the m samples: dZ2 = (P - Y) / m "
                               "(every gradient is m times too large)"),
    Mistake(_backward_mean_bias, "db = dZ.sum(axis=0): the 1/m is already inside dZ, do not "
                                 "average again"),
    Mistake(_backward_no_relu, "multiply by ReLU's derivative on the way back: "
                               "dZ1 = (dZ2 @ W2.T) * (H > 0)"),
    Mistake(_backward_relu_value, "ReLU's derivative is 1 where H > 0 and 0 elsewhere: "
                                  "multiply by (H > 0), not by H"),
    Mistake(_backward_y_minus_p, "the sign is flipped: dZ2 = (P - Y) / m, not (Y - P) / m"),
    Mistake(_backward_dW2_transposed, "dW2 is transposed: it must have the shape of W2, "
                                      "(hidden, 10), which H.T @ dZ2 gives; dZ2.T @ H is "
                                      "(10, hidden)"),
]


def _backward_case(name: str, m: int, n_in: int, hidden: int, n_out: int, seed: int,
                   hint: str = "") -> Case:
    rng = np.random.default_rng(seed)
    params = _params(n_in, hidden, n_out, seed=seed + 1, scale=0.5)
    X = rng.normal(size=(m, n_in))
    Y = _one_hot(rng.integers(0, n_out, size=m), n_out)
    H, P = _forward(X, params)
    return Case(name, args=(X, Y, params, H, P), reference=_backward,
                mistakes=_BACKWARD_MISTAKES, hint=hint)


def check_digits_backward(fn: Callable, *, verbose: bool = False,
                          timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(X, Y, params, H, P)`` returns the dict of gradients dW1, db1, dW2, db2."""
    __tracebackhide__ = True

    def student(X, Y, params, H, P):
        return _as_tuple(fn(X, Y, params, H, P))

    def as_tuples(f):
        return lambda *args: _as_tuple(f(*args))

    cases = [
        _backward_case("a batch of 5 samples, 4-3-3 network", 5, 4, 3, 3, seed=10),
        _backward_case("a batch of 8 samples, 6-5-4 network", 8, 6, 5, 4, seed=20),
        _backward_case("one sample (m = 1)", 1, 4, 3, 3, seed=30,
                       hint="for one sample X has shape (1, n): the same formulas work"),
    ]
    for case in cases:
        case.reference = as_tuples(case.reference)
        case.mistakes = [Mistake(as_tuples(m.func), m.hint) for m in case.mistakes]
    run_checks("backward", student, cases, verbose=verbose, timeout=timeout)


# --------------------------------------------------------------------------- training loop


class _OrderSpy(np.ndarray):
    """An array that writes down the integer row numbers it is indexed with (X[batch])."""

    def __getitem__(self, key):
        log = self.__dict__.get("_log")
        if log is not None:
            rows = key[0] if isinstance(key, tuple) and key else key
            if isinstance(rows, (list, np.ndarray)):
                rows = np.asarray(rows)
                if rows.dtype.kind in "iu" and rows.ndim == 1:
                    log.append(rows.copy())
        return super().__getitem__(key)


def _shuffles_every_epoch(fn: Callable, X: np.ndarray, y: np.ndarray, epochs: int,
                          batch_size: int) -> float:
    """1.0 if the row order of epoch 2 differs from epoch 1 (or cannot be seen), else 0.0."""
    spy = X.view(_OrderSpy)
    spy._log = []
    fn(spy, y, hidden=4, epochs=epochs, batch_size=batch_size, seed=0)
    log = spy.__dict__["_log"]
    # X[batch] may be read twice per step (forward and backward): count each batch once.
    log = [rows for i, rows in enumerate(log) if i == 0 or not np.array_equal(rows, log[i - 1])]
    rows = np.concatenate(log) if log else np.zeros(0, dtype=int)
    if len(rows) != epochs * len(X):
        return 1.0  # the loop picks its batches some other way: nothing to judge
    first, second = rows[: len(X)], rows[len(X): 2 * len(X)]
    return float(not np.array_equal(first, second))


def _param_shapes(params: Any) -> Any:
    if not isinstance(params, dict):
        return params
    missing = [name for name in PARAM_NAMES if name not in params]
    if missing:
        raise KeyError(f"train must return the params dict with the keys W1, b1, W2, b2; "
                       f"missing {', '.join(missing)}")
    return tuple(np.array(np.shape(params[name])) for name in PARAM_NAMES)


def _same_weights(fn: Callable, X: np.ndarray, y: np.ndarray) -> float:
    """Largest difference between the weights of two runs with the same seed (0 = the same)."""
    first = fn(X, y, hidden=8, epochs=2, seed=3)
    second = fn(X, y, hidden=8, epochs=2, seed=3)
    return max(float(np.max(np.abs(np.asarray(first[k]) - np.asarray(second[k]))))
               for k in PARAM_NAMES)


def check_training_loop(fn: Callable, *, verbose: bool = False,
                        timeout: float = TRAINING_TIMEOUT) -> None:
    """Check ``fn(X, y, hidden=64, epochs=…, lr=…, batch_size=32, seed=0)`` trains a network.

    Trains on the digits' training part and scores the returned params on the VALIDATION part:
    at least 95 % validation accuracy is needed. Prints the validation accuracy. The test part
    is never used here: it is scored once, at the end of the exercise, after every choice.
    """
    __tracebackhide__ = True
    from nnedu.data import load_digits

    digits = load_digits()
    X, y = digits.X_train, digits.y_train
    X_small, y_small = X[:64], y[:64]
    scores: dict[str, float] = {}

    def shapes(X, y):
        return _param_shapes(fn(X, y, hidden=16, epochs=1, seed=0))

    def reproducible(X, y):
        return _same_weights(fn, X, y)

    def shuffles(X, y):
        return _shuffles_every_epoch(fn, X, y, epochs=2, batch_size=16)

    def validation_accuracy(X, y):
        params = fn(X, y)  # the student's own default settings
        _, P = _forward(digits.X_val, {k: np.asarray(params[k]) for k in PARAM_NAMES})
        scores["validation"] = float(np.mean(P.argmax(axis=1) == digits.y_val))
        return min(scores["validation"], TARGET_ACCURACY)

    cases = [
        Case("hidden=16 gives W1 (64, 16), b1 (16,), W2 (16, 10), b2 (10,)",
             args=(X_small, y_small), expected=(np.array([64, 16]), np.array([16]),
                                                np.array([16, 10]), np.array([10])),
             atol=0,
             hint="build W1 as (n_features, hidden) and W2 as (hidden, 10), and return params"),
        Case("the same seed gives the same weights", args=(X_small, y_small), expected=0.0,
             atol=0, hint="make one rng = np.random.default_rng(seed) at the start of train and "
                          "draw the initial weights and every shuffle from it"),
        Case("the batches come in a new order every epoch", args=(X_small, y_small),
             expected=1.0, atol=0,
             hint="draw a new order = rng.permutation(m) at the start of EVERY epoch, inside the "
                  "epoch loop; the same order each time makes the steps repeat"),
        Case(f"at least {TARGET_ACCURACY:.0%} validation accuracy with your default settings",
             args=(X, y), expected=TARGET_ACCURACY, atol=0, rtol=0,
             hint="check the update (params[k] -= lr * grads[k]), the one-hot targets, the "
                  "learning rate and the number of epochs (compare a few on the validation "
                  "part); He initialisation (normal with std sqrt(2 / n_in)) helps ReLU"),
    ]
    runners = [shapes, reproducible, shuffles, validation_accuracy]
    for number, case in enumerate(cases):
        case.args = (number, *case.args)

    def student(number, X, y):  # case number → what that case runs
        return runners[number](X, y)

    result = run_checks("train", student, cases, verbose=verbose, timeout=timeout,
                        raise_on_failure=False)
    if "validation" in scores:
        n_right = round(scores["validation"] * len(digits.y_val))
        print(f"Validation accuracy of your trained network: {scores['validation']:.2%} "
              f"({n_right} of {len(digits.y_val)} validation digits right)")
    if not result.all_passed:
        raise _failure(result)
