"""Checks for lesson 07's exercises: backprop in matrix form, and gradient checking.

Shapes follow the lesson: a batch ``X`` is ``(m, n_in)``, a weight matrix ``W`` is
``(n_in, n_out)`` (one column per unit), a bias ``b`` is ``(n_out,)``, and the upstream
gradient ``dZ`` has the shape of ``Z = X @ W + b``, ``(m, n_out)``. The 1/m of the batch mean
lives in ``dZ`` (the loss gradient), so a dense layer only sums::

    dW = Xᵀ dZ        db = Σ_rows dZ        dX = dZ Wᵀ

The right answers are written out here; the numerical gradient's reference is
:func:`nnedu.gradcheck.numerical_gradient`. See :mod:`nnedu.checks.runner` for the format.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks
from nnedu.gradcheck import numerical_gradient as _library_numerical_gradient

__all__ = [
    "check_dense_backward",
    "check_dense_layer",
    "check_dense_numerical_grads",
    "check_network_backward",
    "check_numerical_gradient",
    "check_tanh_backward",
]

#: The keys of the parameter and gradient dicts of the two-layer network.
NETWORK_KEYS = ("W1", "b1", "W2", "b2")


def _normal(seed: int, *shape: int) -> np.ndarray:
    return np.round(np.random.default_rng(seed).normal(size=shape), 2)


# ---------------------------------------------------------------------------------------------
# Task 1: the dense layer's backward pass
# ---------------------------------------------------------------------------------------------


def _dense_backward(X: np.ndarray, W: np.ndarray, dZ: np.ndarray) -> tuple:
    """dW = Xᵀ dZ (n_in, n_out), db = column sums of dZ (n_out,), dX = dZ Wᵀ (m, n_in)."""
    return X.T @ dZ, dZ.sum(axis=0), dZ @ W.T


_DENSE_MISTAKES = [
    Mistake(lambda X, W, dZ: (dZ.T @ X, dZ.sum(axis=0), dZ @ W.T),
            "dW is transposed: it must have the shape of W, (n_in, n_out), which only "
            "X.T @ dZ gives; dZ.T @ X is (n_out, n_in)"),
    Mistake(lambda X, W, dZ: (X.T @ dZ / len(X), dZ.sum(axis=0), dZ @ W.T),
            "the 1/m is already inside dZ (the loss gradient divides by m): dividing dW by m "
            "again makes it 1/m² — dW = X.T @ dZ"),
    Mistake(lambda X, W, dZ: (X.T @ dZ / len(X), dZ.mean(axis=0), dZ @ W.T / len(X)),
            "the 1/m is already inside dZ (the loss gradient divides by m): a dense layer only "
            "sums — dW = X.T @ dZ, db = dZ.sum(axis=0), dX = dZ @ W.T"),
    Mistake(lambda X, W, dZ: (X.T @ dZ / len(X), dZ.mean(axis=0), dZ @ W.T),
            "the 1/m belongs in dZ (the loss gradient, (P − Y) / m), not in the layer: a dense "
            "layer only sums, dW = X.T @ dZ and db = dZ.sum(axis=0)"),
    Mistake(lambda X, W, dZ: (X.T @ dZ, dZ.mean(axis=0), dZ @ W.T),
            "db is the SUM of dZ over the batch, dZ.sum(axis=0), not the mean: the 1/m is "
            "already inside dZ"),
    Mistake(lambda X, W, dZ: (X.T @ dZ, dZ, dZ @ W.T),
            "db has the shape of b, one entry per unit (n_out,): add dZ up over the batch, "
            "dZ.sum(axis=0)"),
    Mistake(lambda X, W, dZ: (X.T @ dZ, dZ.sum(axis=1), dZ @ W.T),
            "sum dZ over the samples (the rows, axis=0), not over the units (axis=1)"),
    Mistake(lambda X, W, dZ: (X.T @ dZ, dZ.sum(), dZ @ W.T),
            "dZ.sum() adds up everything; db needs one sum per unit: dZ.sum(axis=0)"),
    Mistake(lambda X, W, dZ: (X.T @ dZ, dZ.sum(axis=0), dZ @ W),
            "dX = dZ @ W.T: (m, n_out) @ (n_out, n_in) gives the shape of X"),
    Mistake(lambda X, W, dZ: (X.T @ dZ, dZ.sum(axis=0)),
            "return all three: dW, db and dX = dZ @ W.T, the gradient the layer below needs"),
]


def check_dense_backward(fn: Callable, *, verbose: bool = False,
                         timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(X, W, dZ)`` returns (dW, db, dX) = (Xᵀ dZ, Σ_rows dZ, dZ Wᵀ)."""
    __tracebackhide__ = True

    def case(name: str, m: int, n_in: int, n_out: int, seed: int) -> Case:
        args = (_normal(seed, m, n_in), _normal(seed + 1, n_in, n_out),
                _normal(seed + 2, m, n_out))
        return Case(name, args=args, reference=_dense_backward, mistakes=_DENSE_MISTAKES)

    cases = [
        case("a batch of 5, 3 inputs, 2 units → (dW, db, dX)", 5, 3, 2, 71),
        case("a square layer: 4 samples, 3 inputs, 3 units", 4, 3, 3, 74),
        case("one sample, shape (1, 3), 2 units", 1, 3, 2, 77),
        case("2 samples, 3 inputs, 2 units (as many samples as units)", 2, 3, 2, 80),
    ]
    run_checks("dense_backward", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 2: the activation's backward pass
# ---------------------------------------------------------------------------------------------


def _tanh_backward(dA: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """dZ = dA ⊙ tanh'(Z) = dA ⊙ (1 − tanh(Z)²), element by element."""
    return dA * (1.0 - np.tanh(Z) ** 2)


_TANH_MISTAKES = [
    Mistake(lambda dA, Z: dA * (1.0 - Z**2),
            "tanh'(Z) = 1 − tanh(Z)²: the formula 1 − a² needs the activation a = tanh(Z), "
            "you used Z itself"),
    Mistake(lambda dA, Z: dA * (1.0 - np.tanh(np.tanh(Z)) ** 2),
            "the slope is taken at Z, not at A = tanh(Z): 1 − tanh(Z)² (you applied tanh twice)"),
    Mistake(lambda dA, Z: 1.0 - np.tanh(Z) ** 2,
            "that is f'(Z) alone; multiply it by the upstream gradient: dZ = dA * f'(Z)"),
    Mistake(lambda dA, Z: dA @ (1.0 - np.tanh(Z) ** 2),
            "⊙ is the element-wise product, numpy's *, not the matrix product @: "
            "dZ = dA * (1 − tanh(Z)²)"),
    Mistake(lambda dA, Z: dA * (1.0 - np.tanh(Z)),
            "the tanh is squared: tanh'(Z) = 1 − tanh(Z)²"),
    Mistake(lambda dA, Z: dA * np.tanh(Z),
            "that multiplies by the activation tanh(Z); the slope is tanh'(Z) = 1 − tanh(Z)²"),
]


def check_tanh_backward(fn: Callable, *, verbose: bool = False,
                        timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(dA, Z)`` returns dZ = dA ⊙ (1 − tanh(Z)²), element by element."""
    __tracebackhide__ = True

    def case(name: str, dA: np.ndarray, Z: np.ndarray) -> Case:
        return Case(name, args=(dA, Z), reference=_tanh_backward, mistakes=_TANH_MISTAKES)

    cases = [
        case("a batch of shape (3, 4)", _normal(81, 3, 4), _normal(82, 3, 4)),
        case("a square batch (3, 3)", _normal(83, 3, 3), _normal(84, 3, 3)),
        case("large |Z| (saturated units) passes almost nothing",
             _normal(85, 2, 3), np.array([[-20.0, 0.0, 20.0], [5.0, -5.0, 0.5]])),
        case("one sample, shape (5,)", _normal(86, 5), _normal(87, 5)),
    ]
    run_checks("tanh_backward", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 3: the whole network, backward
# ---------------------------------------------------------------------------------------------


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _network_with(X, Y, params, *mistakes: str) -> tuple:
    """Forward (tanh hidden layer, softmax output) and backward with softmax + CCE, with the
    named mistakes switched on. Returns (dW1, db1, dW2, db2)."""
    on = set(mistakes)
    W1, b1, W2, b2 = (params[key] for key in NETWORK_KEYS)
    m = len(X)
    Z1 = X @ W1 + b1
    A1 = np.tanh(Z1)
    Z2 = A1 @ W2 + b2
    P = _softmax(Z2)
    dZ2 = (Y - P) if "sign" in on else (P - Y)
    dZ2 = dZ2 if "no_1_over_m" in on else dZ2 / m
    dW2 = (Z1 if "Z1_for_A1" in on else A1).T @ dZ2
    dA1 = dZ2 @ W2.T
    if "tanh_slope_at_A" in on:
        dZ1 = dA1 * (1 - np.tanh(A1) ** 2)
    elif "one_minus_Z_squared" in on:
        dZ1 = dA1 * (1 - Z1**2)
    elif "no_tanh_slope" in on:
        dZ1 = dA1
    else:
        dZ1 = dA1 * (1 - A1**2)
    dW1 = X.T @ dZ1
    if "db_mean" in on:
        db1, db2 = dZ1.mean(axis=0), dZ2.mean(axis=0)
    else:
        db1, db2 = dZ1.sum(axis=0), dZ2.sum(axis=0)
    grads = (dW1, db1, dW2, db2)
    if "twice_1_over_m" in on:
        grads = tuple(g / m for g in grads)
    return grads


def _network_backward(X, Y, params):
    return _network_with(X, Y, params)


def _network_mistake(*mistakes: str) -> Callable:
    return lambda X, Y, params: _network_with(X, Y, params, *mistakes)


_NETWORK_MISTAKES = [
    Mistake(_network_mistake("no_1_over_m"),
            "the 1/m is missing: the loss is the MEAN over the batch, so dZ2 = (P − Y) / m; "
            "without it the gradient grows with the batch size"),
    Mistake(_network_mistake("twice_1_over_m"),
            "the 1/m appears twice: it is inside dZ2 = (P − Y) / m already, so the dense "
            "layers only sum (dW = X.T @ dZ, db = dZ.sum(axis=0))"),
    Mistake(_network_mistake("db_mean"),
            "the bias gradients are the SUM of dZ over the batch, dZ.sum(axis=0), not the "
            "mean: the 1/m is already inside dZ"),
    Mistake(_network_mistake("sign"),
            "softmax + cross-entropy gives dZ2 = (P − Y) / m, prediction minus target"),
    Mistake(_network_mistake("tanh_slope_at_A"),
            "tanh's slope is taken at Z1: 1 − tanh(Z1)² = 1 − A1²; you computed "
            "1 − tanh(A1)²"),
    Mistake(_network_mistake("one_minus_Z_squared"),
            "tanh'(Z1) = 1 − tanh(Z1)² = 1 − A1²; you used 1 − Z1²"),
    Mistake(_network_mistake("no_tanh_slope"),
            "the hidden activation's slope is missing: dZ1 = dA1 * (1 − A1²)"),
    Mistake(_network_mistake("Z1_for_A1"),
            "the input of the second layer is A1 = tanh(Z1), not Z1: dW2 = A1.T @ dZ2"),
]


def _dict_values(result: object, keys: tuple[str, ...], what: str) -> tuple | None:
    """The values of the dict ``result`` in the order ``keys``, with a clear error otherwise."""
    if result is None:
        raise TypeError(f"{what} returned None — did you forget the return statement? It must "
                        f"return a dict with the keys {', '.join(keys)}")
    if not isinstance(result, Mapping):
        raise TypeError(f"{what} must return a dict with the keys {', '.join(keys)}, got a "
                        f"{type(result).__name__}")
    missing = [key for key in keys if key not in result]
    if missing:
        raise ValueError(f"{what} returned a dict without {', '.join(map(repr, missing))}; it "
                         f"needs the keys {', '.join(keys)}")
    return tuple(result[key] for key in keys)


def _network_case(name: str, m: int, sizes: tuple[int, int, int], seed: int) -> Case:
    n_in, n_hidden, n_out = sizes
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(m, n_in)), 2)
    Y = np.eye(n_out)[rng.integers(0, n_out, size=m)]
    params = {
        "W1": np.round(rng.normal(0.0, 0.7, size=(n_in, n_hidden)), 2),
        "b1": np.round(rng.normal(0.0, 0.3, size=n_hidden), 2),
        "W2": np.round(rng.normal(0.0, 0.7, size=(n_hidden, n_out)), 2),
        "b2": np.round(rng.normal(0.0, 0.3, size=n_out), 2),
    }
    return Case(name, args=(X, Y, params), reference=_network_backward,
                mistakes=_NETWORK_MISTAKES)


def check_network_backward(fn: Callable, *, verbose: bool = False,
                           timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(X, Y, params)`` returns the gradients {"W1", "b1", "W2", "b2"} of the mean
    cross-entropy of the network Dense → tanh → Dense → softmax."""
    __tracebackhide__ = True

    def student(X, Y, params):
        return _dict_values(fn(X, Y, params), NETWORK_KEYS, "network_backward")

    student.__wrapped__ = fn  # the runner names the arguments the student's code changed
    cases = [
        _network_case("6 samples, 4 inputs, 5 tanh units, 3 classes → (dW1, db1, dW2, db2)",
                      6, (4, 5, 3), 91),
        _network_case("one sample, 4 inputs, 5 tanh units, 3 classes", 1, (4, 5, 3), 92),
        _network_case("10 samples, 2 inputs, 3 tanh units, 2 classes", 10, (2, 3, 2), 93),
    ]
    run_checks("network_backward", student, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 4: a dense layer that stores its gradients
# ---------------------------------------------------------------------------------------------


def _run_layer(layer_class: Callable, W, b, batches) -> tuple:
    """Build the layer, run forward + backward on every (X, dZ) batch in turn; return the
    last batch's Z, the stored grads["W"] and grads["b"], and the returned dX."""
    layer = layer_class(W, b)
    for X, dZ in batches:
        Z = layer.forward(X)
        dX = layer.backward(dZ)
    grads = getattr(layer, "grads", None)
    if not isinstance(grads, Mapping) or "W" not in grads or "b" not in grads:
        raise ValueError("the layer must keep its gradients in the dict self.grads, with the "
                         "keys 'W' and 'b'")
    return (Z, np.array(grads["W"], dtype=float), np.array(grads["b"], dtype=float), dX)


def _layer_reference(W, b, batches) -> tuple:
    X, dZ = batches[-1]
    return (X @ W + b, *_dense_backward(X, W, dZ))


class _AccumulatingLayer:
    """Mistake: += into the stored gradients, so every batch adds to the last one."""

    def __init__(self, W, b):
        self.W, self.b = W, b
        self.grads = {"W": np.zeros_like(W), "b": np.zeros_like(b)}

    def forward(self, X):
        self.X = X
        return X @ self.W + self.b

    def backward(self, dZ):
        self.grads["W"] += self.X.T @ dZ
        self.grads["b"] += dZ.sum(axis=0)
        return dZ @ self.W.T


class _FirstBatchLayer(_AccumulatingLayer):
    """Mistake: forward remembers only the first batch's X."""

    def forward(self, X):
        if not hasattr(self, "X"):
            self.X = X
        return X @ self.W + self.b

    def backward(self, dZ):
        self.grads["W"] = self.X.T @ dZ
        self.grads["b"] = dZ.sum(axis=0)
        return dZ @ self.W.T


class _AveragingLayer(_AccumulatingLayer):
    """Mistake: the layer divides by the batch size, though the 1/m is already inside dZ."""

    def backward(self, dZ):
        self.grads["W"] = self.X.T @ dZ / len(self.X)
        self.grads["b"] = dZ.mean(axis=0)
        return dZ @ self.W.T


class _NoStoreLayer(_AccumulatingLayer):
    """Mistake: backward computes the gradients but does not keep them."""

    def backward(self, dZ):
        return dZ @ self.W.T


_LAYER_MISTAKES = [
    Mistake(lambda W, b, batches: _run_layer(_AccumulatingLayer, W, b, batches),
            "the gradients pile up: each backward must REPLACE them, "
            "self.grads['W'] = X.T @ dZ, not += (otherwise the second batch's gradient is "
            "added to the first one's)"),
    Mistake(lambda W, b, batches: _run_layer(_FirstBatchLayer, W, b, batches),
            "backward used an old batch: forward must remember the X of the CURRENT batch "
            "(self.X = X on every call)"),
    Mistake(lambda W, b, batches: _run_layer(_AveragingLayer, W, b, batches),
            "the 1/m belongs in dZ (the loss gradient divides by m), not in the layer: "
            "self.grads['W'] = X.T @ dZ and self.grads['b'] = dZ.sum(axis=0)"),
    Mistake(lambda W, b, batches: _run_layer(_NoStoreLayer, W, b, batches),
            "backward must store the gradients in the layer: self.grads['W'] = ... and "
            "self.grads['b'] = ..."),
]


def check_dense_layer(layer_class: Callable, *, verbose: bool = False,
                      timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check a class ``layer_class(W, b)`` with ``forward(X) -> Z`` and ``backward(dZ) -> dX``
    that stores ``grads["W"]`` and ``grads["b"]``; after several batches the stored gradients
    must be those of the LAST batch."""
    __tracebackhide__ = True

    def student(W, b, batches):
        return _run_layer(layer_class, W, b, batches)

    def batches(seed: int, *sizes: int) -> list:
        return [(_normal(seed + k, m, 3), _normal(seed + 10 + k, m, 2))
                for k, m in enumerate(sizes)]

    def case(name: str, seed: int, *sizes: int) -> Case:
        return Case(name, args=(_normal(seed, 3, 2), _normal(seed + 1, 2), batches(seed, *sizes)),
                    reference=_layer_reference, mistakes=_LAYER_MISTAKES)

    cases = [
        case("one batch of 4 → (Z, grads['W'], grads['b'], dX)", 101, 4),
        case("two batches of 4: the grads are the second batch's", 111, 4, 4),
        case("three batches of 5, 2 and 3 samples", 121, 5, 2, 3),
    ]
    run_checks("DenseLayer", student, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 5: the numerical gradient
# ---------------------------------------------------------------------------------------------

_C = _normal(131, 3, 2)


def _objective(kind: str, x: np.ndarray) -> Callable[[np.ndarray], float]:
    """The function whose gradient a case measures; "outside" reads x from the closure."""
    if kind == "cubes":
        return lambda v: float(np.sum(v**3))
    if kind == "mixed":
        return lambda v: float(np.sum(v) ** 2 + np.sum(np.exp(v)))
    if kind == "layer":
        return lambda V: float(np.sum(np.tanh(_C @ V) ** 2))
    if kind == "outside":
        return lambda _: float(np.sum(x**3) + x[0] * x[-1])
    raise ValueError(kind)


def _measure(gradient_fn: Callable, kind: str, x0: np.ndarray):
    """Call ``gradient_fn(f, x)`` on a fresh x; it must leave x as it found it."""
    x = np.array(x0, dtype=float)
    result = gradient_fn(_objective(kind, x), x)
    if not np.allclose(x, x0, rtol=1e-12, atol=1e-12):
        raise ValueError("x is not the same after the call: put every entry back after "
                         "nudging it (x[i] = old value), because f and the caller keep using x")
    return result


def _f_nudged(f: Callable, x: np.ndarray, i, delta: float) -> float:
    """f with x[i] nudged by delta in place (x[i] may be a whole row), then put back."""
    old = np.array(x[i], copy=True)
    x[i] = old + delta
    value = f(x)
    x[i] = old
    return value


def _one_sided(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        grad[i] = (_f_nudged(f, x, i, eps) - f(x)) / eps
    return grad


def _over_eps(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        grad[i] = (_f_nudged(f, x, i, eps) - _f_nudged(f, x, i, -eps)) / eps
    return grad


def _rows_only(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    for i in range(len(x)):
        grad[i] = (_f_nudged(f, x, i, eps) - _f_nudged(f, x, i, -eps)) / (2 * eps)
    return grad


def _on_a_copy(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        grad[i] = (_f_nudged(f, x.copy(), i, eps) - _f_nudged(f, x.copy(), i, -eps)) / (2 * eps)
    return grad


def _numerical_reference(kind, x0):
    return _measure(_library_numerical_gradient, kind, x0)


_NUMERICAL_MISTAKES = [
    Mistake(lambda kind, x0: _measure(_one_sided, kind, x0),
            "use the central difference (f(x + ε) − f(x − ε)) / (2ε): the one-sided "
            "(f(x + ε) − f(x)) / ε is off by about ε·f''/2, far more than a gradient check "
            "allows"),
    Mistake(lambda kind, x0: _measure(_over_eps, kind, x0),
            "the two nudges are 2ε apart: divide f(x + ε) − f(x − ε) by 2ε, not by ε"),
    Mistake(lambda kind, x0: _measure(_rows_only, kind, x0),
            "for a 2-D x, x[i] is a whole row: loop over every entry with "
            "for i in np.ndindex(x.shape), so x[i] is one number"),
    Mistake(lambda kind, x0: _measure(_on_a_copy, kind, x0),
            "nudge the array x itself (x[i] += ε, then put it back), not a copy: f may read x "
            "from outside, like a loss that reads a layer's weights"),
]


def check_numerical_gradient(fn: Callable, *, verbose: bool = False,
                             timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(f, x)`` estimates df/dx entry by entry with central differences, as
    :func:`nnedu.gradcheck.numerical_gradient` does, and leaves x as it found it."""
    __tracebackhide__ = True

    def student(kind, x0):
        return _measure(fn, kind, x0)

    def case(name: str, kind: str, x0: np.ndarray) -> Case:
        return Case(name, args=(kind, x0), reference=_numerical_reference,
                    mistakes=_NUMERICAL_MISTAKES)

    cases = [
        case("f(x) = Σ x³ at x = (1, −2, 0.5, 3)", "cubes", np.array([1.0, -2.0, 0.5, 3.0])),
        case("f(x) = (Σ x)² + Σ eˣ, every entry matters", "mixed", _normal(132, 5)),
        case("a 2-D x of shape (2, 4): f(V) = Σ tanh(C @ V)²", "layer", _normal(133, 2, 4)),
        case("f reads x from outside (as a loss reads a layer's weights)", "outside",
             _normal(134, 4)),
    ]
    run_checks("numerical_gradient", student, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 6: gradient checking a dense layer
# ---------------------------------------------------------------------------------------------


def _dense_numerical_reference(X, W, b, dZ):
    """The gradients of S = Σ dZ ⊙ (X W + b): exactly (Xᵀ dZ, Σ_rows dZ, dZ Wᵀ)."""
    dW, db, dX = _dense_backward(X, W, dZ)
    return dW, db, dX


_DENSE_NUMERICAL_MISTAKES = [
    Mistake(lambda X, W, b, dZ: _dense_backward(X, W, np.ones_like(dZ)),
            "weight the outputs with dZ: S = np.sum((X @ W + b) * dZ). Its gradient is what "
            "dense_backward computes for the upstream gradient dZ; np.sum(X @ W + b) is the "
            "one for dZ = all ones"),
    Mistake(lambda X, W, b, dZ: tuple(g / dZ.size for g in _dense_backward(X, W, dZ)),
            "use np.sum, not np.mean: S = np.sum((X @ W + b) * dZ)"),
    Mistake(lambda X, W, b, dZ: (np.zeros_like(W), np.zeros_like(b), np.zeros_like(X)),
            "all zeros: f must read the array that numerical_gradient nudges. Pass W itself "
            "(not a copy) and let f use it, e.g. numerical_gradient(lambda W_: S(X, W_, b), W)"),
]


def check_dense_numerical_grads(fn: Callable, *, verbose: bool = False,
                                timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(X, W, b, dZ)`` returns the numerical gradients (dW, db, dX) of
    S = Σ dZ ⊙ (X W + b), which must agree with dense_backward's (Xᵀ dZ, Σ_rows dZ, dZ Wᵀ)."""
    __tracebackhide__ = True

    def case(name: str, m: int, n_in: int, n_out: int, seed: int) -> Case:
        args = (_normal(seed, m, n_in), _normal(seed + 1, n_in, n_out), _normal(seed + 2, n_out),
                _normal(seed + 3, m, n_out))
        return Case(name, args=args, reference=_dense_numerical_reference, atol=1e-7,
                    mistakes=_DENSE_NUMERICAL_MISTAKES)

    cases = [
        case("a batch of 5, 3 inputs, 2 units → (dW, db, dX)", 5, 3, 2, 141),
        case("one sample, 4 inputs, 3 units", 1, 4, 3, 145),
    ]
    run_checks("dense_numerical_grads", fn, cases, verbose=verbose, timeout=timeout)
