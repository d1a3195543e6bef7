"""Checks for lesson 03's exercises: dense layers, the forward pass, parameter counts and XOR.

The right answers are written out here (``_dense_forward`` …) so that a check never depends on
the library code it teaches; see :mod:`nnedu.checks.runner` for the format of a check.

Shapes follow the lesson: a batch ``X`` is ``(m, n_in)`` (one sample per row), a weight matrix
``W`` is ``(n_in, n_out)`` (one column per unit) and a bias ``b`` is ``(n_out,)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks

__all__ = [
    "check_count_parameters",
    "check_dense_forward",
    "check_two_layer_forward",
    "check_xor_weights",
]

#: The four XOR points, one per row, and their labels.
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


# ---------------------------------------------------------------------------------------------
# The right answers
# ---------------------------------------------------------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """sigmoid(z) = 1 / (1 + e^(−z)), written so that it never overflows."""
    return np.exp(-np.logaddexp(0.0, -z))


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _dense_forward(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Z = X @ W + b: (m, n_in) @ (n_in, n_out) + (n_out,) -> (m, n_out)."""
    return X @ W + b


def _two_layer_forward(X, W1, b1, W2, b2, hidden=_sigmoid):
    """Dense -> hidden activation -> Dense -> sigmoid; returns (m, n_out)."""
    A1 = hidden(X @ W1 + b1)
    return _sigmoid(A1 @ W2 + b2)


def _count_parameters(sizes) -> int:
    """Sum over neighbouring layers of n_in · n_out weights + n_out biases."""
    return int(sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])))


# ---------------------------------------------------------------------------------------------
# Task 1: one dense layer
# ---------------------------------------------------------------------------------------------

_DENSE_MISTAKES = [
    Mistake(lambda X, W, b: X @ W, "the bias b is missing: Z = X @ W + b"),
    Mistake(
        lambda X, W, b: W @ X + b,
        "W @ X mixes up the roles: each row of X is one sample and each column of W one "
        "unit, so the product is X @ W, shape (m, n_in) @ (n_in, n_out)",
    ),
    Mistake(
        lambda X, W, b: W.T @ X.T + b[:, None],
        "that is the 'one sample per column' convention, giving (n_out, m); in this course "
        "each sample is a row: Z = X @ W + b has shape (m, n_out)",
    ),
    Mistake(
        lambda X, W, b: X @ W.T + b,
        "W has one row per input and one column per unit, so use X @ W, not X @ W.T",
    ),
    Mistake(
        lambda X, W, b: X @ W + b[:, None],
        "the bias has the wrong shape: b[:, None] (a column) adds b_i to sample i; b has one "
        "entry per unit, shape (n_out,), and X @ W + b adds it to every row",
    ),
    Mistake(
        lambda X, W, b: X * W + b,
        "X * W multiplies element by element; a layer needs the matrix product X @ W",
    ),
    Mistake(lambda X, W, b: X @ W - b, "the bias is added, not subtracted: Z = X @ W + b"),
]


def check_dense_forward(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(X, W, b)`` computes Z = X @ W + b for a batch X of shape (m, n_in)."""
    __tracebackhide__ = True

    def case(name: str, X: list, W: list, b: list, hint: str = "") -> Case:
        arrays = (np.array(X, dtype=float), np.array(W, dtype=float), np.array(b, dtype=float))
        return Case(name, args=arrays, reference=_dense_forward, mistakes=_DENSE_MISTAKES,
                    hint=hint)

    W_32 = [[0.5, -1.0], [2.0, 0.25], [-1.5, 1.0]]
    cases = [
        case("one sample (1, 3) into 2 units", [[1.0, 2.0, 3.0]], W_32, [0.5, -0.5]),
        case(
            "a batch of 4 samples: (4, 3) @ (3, 2) + (2,) -> (4, 2)",
            [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, 0.5, 2.0], [4.0, -2.0, 0.25]],
            W_32,
            [0.5, -0.5],
            hint="the row of zeros must give exactly b: Z = X @ W + b",
        ),
        case(
            "a square case: (3, 3) @ (3, 3) + (3,)",
            [[1.0, 0.0, 2.0], [0.5, 3.0, -1.0], [-2.0, 1.0, 0.0]],
            [[1.0, 2.0, 0.0], [0.0, -1.0, 1.0], [3.0, 0.5, -2.0]],
            [1.0, -2.0, 0.5],
        ),
        case(
            "one output unit: (5, 2) @ (2, 1) + (1,) -> (5, 1)",
            [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [2.0, -1.0]],
            [[20.0], [20.0]],
            [-10.0],
        ),
    ]
    run_checks("dense_forward", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 2: two layers
# ---------------------------------------------------------------------------------------------

_TWO_LAYER_MISTAKES = [
    Mistake(
        lambda X, W1, b1, W2, b2, hidden: _sigmoid((X @ W1 + b1) @ W2 + b2),
        "the activation between the layers is missing: A1 = hidden(X @ W1 + b1). Without it "
        "two Dense layers are just one linear layer",
    ),
    Mistake(
        lambda X, W1, b1, W2, b2, hidden: hidden(X @ W1 + b1) @ W2 + b2,
        "the output layer needs its sigmoid too: y_hat = sigmoid(A1 @ W2 + b2), a probability "
        "between 0 and 1",
    ),
    Mistake(
        lambda X, W1, b1, W2, b2, hidden: _sigmoid(_sigmoid(X @ W1 + b1) @ W2 + b2),
        "use the hidden activation you are given (the argument hidden) in the hidden layer, "
        "not always sigmoid",
    ),
    Mistake(
        lambda X, W1, b1, W2, b2, hidden: hidden(hidden(X @ W1 + b1) @ W2 + b2),
        "hidden is only for the hidden layer; the output layer always uses sigmoid",
    ),
    Mistake(
        lambda X, W1, b1, W2, b2, hidden: _sigmoid(hidden(X @ W1) @ W2 + b2),
        "the bias b1 of the hidden layer is missing: Z1 = X @ W1 + b1",
    ),
    Mistake(
        lambda X, W1, b1, W2, b2, hidden: _sigmoid(hidden(X @ W1 + b1) @ W2),
        "the bias b2 of the output layer is missing: Z2 = A1 @ W2 + b2",
    ),
    Mistake(
        lambda X, W1, b1, W2, b2, hidden: _sigmoid(hidden(X @ W1) @ W2),
        "both biases are missing: Z1 = X @ W1 + b1 and Z2 = A1 @ W2 + b2",
    ),
    Mistake(
        lambda X, W1, b1, W2, b2, hidden: _two_layer_forward(X, W1, b1, W2, b2, hidden).ravel(),
        "keep the output 2-D, shape (m, 1): one row per sample, one column per output unit "
        "(no .ravel() or .flatten())",
    ),
]


def check_two_layer_forward(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(X, W1, b1, W2, b2, hidden=...)`` = sigmoid(hidden(X @ W1 + b1) @ W2 + b2).

    ``hidden`` is the hidden layer's activation function (sigmoid or ReLU); the output layer
    always uses sigmoid. The result has shape (m, n_out).
    """
    __tracebackhide__ = True

    def case(name: str, X, W1, b1, W2, b2, hidden: Callable) -> Case:
        args = tuple(np.array(a, dtype=float) for a in (X, W1, b1, W2, b2))
        return Case(name, args=args, kwargs={"hidden": hidden}, reference=_two_layer_forward,
                    mistakes=_TWO_LAYER_MISTAKES)

    rng = np.random.default_rng(3)
    cases = [
        case(
            "XOR with the lesson's hand-picked weights, sigmoid hidden layer",
            XOR_X, [[20.0, 20.0], [20.0, 20.0]], [-10.0, -30.0], [[20.0], [-20.0]], [-10.0],
            _sigmoid,
        ),
        case(
            "XOR with small weights, sigmoid hidden layer",
            XOR_X, [[0.5, -1.0], [1.5, 0.25]], [0.1, -0.2], [[1.0], [-2.0]], [0.3], _sigmoid,
        ),
        case(
            "5 samples, 3 inputs, 4 ReLU hidden units, 1 output",
            rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4),
            rng.normal(size=(4, 1)), rng.normal(size=1), _relu,
        ),
        case(
            "one sample, shape (1, 2), ReLU hidden layer",
            [[1.0, -2.0]], [[1.0, -0.5], [0.5, 2.0]], [0.5, 3.0], [[1.5], [-1.0]], [0.25],
            _relu,
        ),
    ]
    run_checks("two_layer_forward", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 3: counting parameters
# ---------------------------------------------------------------------------------------------


def _pairs(sizes):
    return list(zip(sizes[:-1], sizes[1:]))


_COUNT_MISTAKES = [
    Mistake(
        lambda sizes: sum(a * b for a, b in _pairs(sizes)),
        "the biases are missing: every unit of a layer also has one bias, so a Dense layer has "
        "n_in · n_out + n_out parameters",
    ),
    Mistake(
        lambda sizes: sum(a * b + a for a, b in _pairs(sizes)),
        "the biases belong to the units a layer computes (n_out of them), not to its inputs: "
        "n_in · n_out + n_out",
    ),
    Mistake(
        lambda sizes: sum((a + 1) * (b + 1) for a, b in _pairs(sizes)),
        "one bias per unit of the layer, not an extra unit on both sides: (n_in + 1) · n_out",
    ),
    Mistake(
        lambda sizes: sum(sizes),
        "that is the number of units; count the weights (one per line between two layers, "
        "n_in · n_out) and the biases (one per unit, n_out)",
    ),
    Mistake(
        lambda sizes: sum(a * b + b for a, b in _pairs(sizes)) + sizes[0],
        "the input layer computes nothing, so it has no biases",
    ),
]


def check_count_parameters(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check ``fn(sizes)`` counts the weights and biases of a stack of Dense layers.

    ``sizes`` lists the units per layer, input first: [2, 2, 1] is the XOR network (9).
    """
    __tracebackhide__ = True

    def case(name: str, sizes) -> Case:
        return Case(name, args=(sizes,), reference=_count_parameters, mistakes=_COUNT_MISTAKES)

    cases = [
        case("[2, 2, 1], the XOR network: 9", [2, 2, 1]),
        case("[10, 5], one layer: 55", [10, 5]),
        case("[3, 4, 2], the lesson's first network", [3, 4, 2]),
        case("(64, 64, 10), the digits network, as a tuple", (64, 64, 10)),
        case("[784, 128, 64, 10], three layers", [784, 128, 64, 10]),
    ]
    run_checks("count_parameters", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 4: weights that solve XOR
# ---------------------------------------------------------------------------------------------

_XOR_SHAPES = {"W1": (2, 2), "b1": (2,), "W2": (2, 1), "b2": (1,)}


def _xor_params(params) -> tuple[np.ndarray, ...]:
    """Turn what the student returned into four float arrays; a clear ValueError otherwise."""
    if not isinstance(params, (tuple, list)) or len(params) != 4:
        count = f"{len(params)} values" if isinstance(params, (tuple, list)) else repr(params)
        raise ValueError(
            f"xor_weights must return four arrays, W1, b1, W2, b2 (return W1, b1, W2, b2); "
            f"got {count:.60}"
        )
    arrays = []
    for (name, shape), value in zip(_XOR_SHAPES.items(), params):
        array = np.asarray(value, dtype=float)
        if array.shape != shape and not (name.startswith("b") and array.size == shape[0]):
            raise ValueError(
                f"{name} must have shape {shape} (W: one row per input, one column per unit; "
                f"b: one entry per unit); got shape {array.shape}"
            )
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} contains nan or inf; choose ordinary numbers")
        arrays.append(array.reshape(shape))
    return tuple(arrays)


def _xor_network(fn: Callable) -> Callable[[str], np.ndarray]:
    """A function the runner can call: builds the student's weights and runs the network."""

    def run(what: str) -> np.ndarray:
        __tracebackhide__ = True
        W1, b1, W2, b2 = _xor_params(fn())
        y_hat = _two_layer_forward(XOR_X, W1, b1, W2, b2)
        if what == "classes":
            return (y_hat[:, 0] >= 0.5).astype(int)
        return y_hat

    return run


def _says(pattern: list[int]) -> Callable[[str], np.ndarray]:
    return lambda what: np.array(pattern)


_XOR_MISTAKES = [
    Mistake(
        _says([0, 1, 1, 1]),
        "your network computes OR: it also says 1 when both inputs are 1. Let a second hidden "
        "unit detect 'both on' (AND) and give it a negative weight into the output",
    ),
    Mistake(
        _says([0, 0, 0, 1]),
        "your network computes AND; XOR is OR AND NOT AND: one hidden unit for OR, one for "
        "AND, and an output that fires for 'OR but not AND'",
    ),
    Mistake(
        _says([1, 0, 0, 1]),
        "every class is the opposite (that is XNOR): flip the signs of W2 and b2",
    ),
    Mistake(
        _says([0, 0, 0, 0]),
        "the output is below 0.5 everywhere: the output unit's bias is probably too negative, "
        "or its weights too small, for any point to reach z > 0",
    ),
    Mistake(
        _says([1, 1, 1, 1]),
        "the output is above 0.5 everywhere: the output unit's bias is probably too large",
    ),
]


def check_xor_weights(
    fn: Callable, *, verbose: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Check the weights ``fn()`` returns, (W1, b1, W2, b2), make the 2-2-1 network compute XOR.

    The check runs them through a correct forward pass (sigmoid hidden layer, sigmoid output)
    on the four XOR points: the classes (output ≥ 0.5) must be 0, 1, 1, 0, and every output
    must be within 0.1 of its label.
    """
    __tracebackhide__ = True
    if not callable(fn):
        raise TypeError(
            "xor_weights: pass your function itself, its name without parentheses "
            "(check_xor_weights(xor_weights), not check_xor_weights(xor_weights()))"
        )
    cases = [
        Case(
            "classes on (0,0), (0,1), (1,0), (1,1) are 0, 1, 1, 0",
            args=("classes",),
            expected=XOR_Y,
            mistakes=_XOR_MISTAKES,
        ),
        Case(
            "every output is within 0.1 of its label",
            args=("outputs",),
            expected=XOR_Y.reshape(-1, 1).astype(float),
            atol=0.1,
            rtol=0.0,
            hint="the classes are right but some outputs are close to 0.5: make the weights and "
            "biases larger (sigmoid(2) is only 0.88, sigmoid(10) is 0.99995)",
        ),
    ]
    run_checks("xor_weights", _xor_network(fn), cases, verbose=verbose, timeout=timeout)
