"""The checks of exercise set 03 (layers and the forward pass): right answers written in other
ways pass, known mistakes fail with their hint, bad code is reported without crashing, and the
library's own layers agree with the checks."""

from __future__ import annotations

import numpy as np
import pytest
from student_code import (
    assert_fails_with_hint,
    loops_forever,
    not_written,
    raises,
    returns_none,
    right_cases,
    wrong_cases,
    wrong_shape,
)

from nnedu import checks
from nnedu.checks import CheckFailed, NotWrittenYet
from nnedu.checks import forward as forward_checks


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _relu(z):
    return np.maximum(z, 0.0)


# --------------------------------------------------------------------------- right answers


def _dense_loops(X, W, b):
    Z = np.zeros((X.shape[0], W.shape[1]))
    for i in range(X.shape[0]):
        for j in range(W.shape[1]):
            Z[i, j] = sum(X[i, k] * W[k, j] for k in range(X.shape[1])) + b[j]
    return Z


def _dense_in_place_bias(X, W, b):
    Z = X @ W
    Z += b  # changes the new array Z, not an input: allowed
    return Z


def _two_layer_step_by_step(X, W1, b1, W2, b2, hidden=_sigmoid):
    Z1 = np.dot(X, W1) + b1
    A1 = hidden(Z1)
    Z2 = np.dot(A1, W2) + b2
    return 1.0 / (1.0 + np.exp(-Z2))


def _two_layer_einsum(X, W1, b1, W2, b2, hidden=_sigmoid):
    A1 = hidden(np.einsum("mi,ih->mh", X, W1) + b1)
    return 0.5 * (1.0 + np.tanh((np.einsum("mh,ho->mo", A1, W2) + b2) / 2.0))


def _count_loop(sizes):
    total = 0
    for i in range(len(sizes) - 1):
        total += sizes[i] * sizes[i + 1]  # weights
        total += sizes[i + 1]  # biases
    return total


def _xor_lesson():
    W1 = np.array([[20.0, 20.0], [20.0, 20.0]])
    b1 = np.array([-10.0, -30.0])
    W2 = np.array([[20.0], [-20.0]])
    b2 = np.array([-10.0])
    return W1, b1, W2, b2


def _xor_nand():
    # h1 = OR, h2 = NAND, output = AND, as in the lesson's check-yourself question 5.
    return ([[20, -20], [20, -20]], [-10, 30], [[20], [20]], [-30])


def _xor_as_lists_row_bias():
    W1, b1, W2, b2 = _xor_lesson()
    return W1.tolist(), b1.reshape(1, 2), W2.tolist(), b2.reshape(1, 1)


RIGHT = {
    "check_dense_forward": [
        lambda X, W, b: np.dot(X, W) + b,
        lambda X, W, b: np.matmul(X, W) + b.reshape(1, -1),
        lambda X, W, b: (W.T @ X.T).T + b,
        lambda X, W, b: np.einsum("mi,io->mo", X, W) + b,
        _dense_loops,
        _dense_in_place_bias,
    ],
    "check_two_layer_forward": [
        _two_layer_step_by_step,
        _two_layer_einsum,
    ],
    "check_count_parameters": [
        lambda sizes: sum((a + 1) * b for a, b in zip(sizes, sizes[1:])),
        _count_loop,
        lambda sizes: int(np.dot(np.array(sizes[:-1]) + 1, np.array(sizes[1:]))),
    ],
    "check_xor_weights": [
        _xor_lesson,
        _xor_nand,
        _xor_as_lists_row_bias,
        lambda: tuple(10 * np.asarray(a, dtype=float) for a in _xor_lesson()),
    ],
}


# --------------------------------------------------------------------------- known mistakes


def _dense_centres_the_input(X, W, b):
    X -= X.mean(axis=0)  # changes the caller's array
    return X @ W + b


def _xor_weights_too_small():
    W1, b1, W2, b2 = _xor_lesson()
    return W1 / 4, b1 / 4, W2 / 4, b2 / 4  # right classes, outputs between 0.1 and 0.9


def _xor_or_network():
    W1, b1, W2, b2 = _xor_lesson()
    return W1, b1, np.array([[20.0], [0.0]]), b2


def _xor_xnor():
    W1, b1, W2, b2 = _xor_lesson()
    return W1, b1, -W2, -b2


def _xor_three_values():
    W1, b1, W2, _ = _xor_lesson()
    return W1, b1, W2


def _xor_transposed_w2():
    W1, b1, W2, b2 = _xor_lesson()
    return W1, b1, W2.T, b2


WRONG = {
    "check_dense_forward": [
        (lambda X, W, b: X @ W, "the bias b is missing"),
        (lambda X, W, b: W @ X + b, "W @ X mixes up the roles"),
        (lambda X, W, b: W.T @ X.T + b[:, None], "'one sample per column' convention"),
        (lambda X, W, b: X @ W.T + b, "not X @ W.T"),
        (lambda X, W, b: X @ W + b.reshape(-1, 1), "the bias has the wrong shape"),
        (lambda X, W, b: X * W + b, "X * W multiplies element by element"),
        (lambda X, W, b: X @ W - b, "the bias is added, not subtracted"),
        (_dense_centres_the_input, "leave the inputs alone"),
    ],
    "check_two_layer_forward": [
        (lambda X, W1, b1, W2, b2, hidden=_sigmoid: _sigmoid((X @ W1 + b1) @ W2 + b2),
         "the activation between the layers is missing"),
        (lambda X, W1, b1, W2, b2, hidden=_sigmoid: hidden(X @ W1 + b1) @ W2 + b2,
         "the output layer needs its sigmoid too"),
        (lambda X, W1, b1, W2, b2, hidden=_sigmoid: _sigmoid(_sigmoid(X @ W1 + b1) @ W2 + b2),
         "use the hidden activation you are given"),
        (lambda X, W1, b1, W2, b2, hidden=_sigmoid: hidden(hidden(X @ W1 + b1) @ W2 + b2),
         "the output layer always uses sigmoid"),
        (lambda X, W1, b1, W2, b2, hidden=_sigmoid: _sigmoid(hidden(X @ W1) @ W2 + b2),
         "the bias b1 of the hidden layer is missing"),
        (lambda X, W1, b1, W2, b2, hidden=_sigmoid: _sigmoid(hidden(X @ W1 + b1) @ W2),
         "the bias b2 of the output layer is missing"),
        (lambda X, W1, b1, W2, b2, hidden=_sigmoid: _sigmoid(hidden(X @ W1) @ W2),
         "both biases are missing"),
        (lambda X, W1, b1, W2, b2, hidden=_sigmoid:
         _sigmoid(hidden(X @ W1 + b1) @ W2 + b2).ravel(), "keep the output 2-D"),
    ],
    "check_count_parameters": [
        (lambda sizes: sum(a * b for a, b in zip(sizes, sizes[1:])), "the biases are missing"),
        (lambda sizes: sum(a * b + a for a, b in zip(sizes, sizes[1:])),
         "not to its inputs"),
        (lambda sizes: sum((a + 1) * (b + 1) for a, b in zip(sizes, sizes[1:])),
         "not an extra unit on both sides"),
        (sum, "that is the number of units"),
        (lambda sizes: _count_loop(sizes) + sizes[0], "the input layer computes nothing"),
    ],
    "check_xor_weights": [
        (_xor_or_network, "your network computes OR"),
        (_xor_xnor, "that is XNOR"),
        (lambda: (np.zeros((2, 2)), np.zeros(2), np.zeros((2, 1)), np.zeros(1)),
         "the output is above 0.5 everywhere"),
        (lambda: (np.zeros((2, 2)), np.zeros(2), np.zeros((2, 1)), -np.ones(1)),
         "the output is below 0.5 everywhere"),
        (_xor_weights_too_small, "make the weights and biases larger"),
    ],
}

CHECK_NAMES = sorted(RIGHT)


def test_every_check_is_exported_and_tested():
    assert sorted(forward_checks.__all__) == CHECK_NAMES
    for name in CHECK_NAMES:
        assert getattr(checks, name) is getattr(forward_checks, name)
        assert len(WRONG[name]) >= 2 and len(RIGHT[name]) >= 1


@pytest.mark.parametrize(("name", "student_fn"), right_cases(RIGHT))
def test_right_answers_written_another_way_pass(name, student_fn, capfd):
    assert getattr(checks, name)(student_fn) is None  # None: nbgrader reads no partial credit
    out = capfd.readouterr().out
    assert "✗" not in out
    assert "checks passed — well done." in out


@pytest.mark.parametrize(("name", "student_fn", "hint"), wrong_cases(WRONG))
def test_known_mistakes_fail_with_their_hint(name, student_fn, hint, capfd):
    assert_fails_with_hint(getattr(checks, name), student_fn, hint, capfd)


def test_xor_weights_of_the_wrong_form_are_explained(capfd):
    for fn, text in [
        (_xor_three_values, "must return four arrays"),
        (_xor_transposed_w2, "W2 must have shape (2, 1)"),
        (lambda: (np.full((2, 2), np.nan), np.zeros(2), np.zeros((2, 1)), np.zeros(1)),
         "W1 contains nan"),
    ]:
        with pytest.raises(CheckFailed) as info:
            checks.check_xor_weights(fn)
        assert all(case.status == "error" for case in info.value.result.cases)
        assert text in info.value.result.cases[0].message
    assert "Traceback" not in capfd.readouterr().out


def test_calling_the_function_instead_of_passing_it_is_explained():
    with pytest.raises(TypeError, match="pass your function itself"):
        checks.check_xor_weights(_xor_lesson())
    with pytest.raises(TypeError, match="pass your function itself"):
        checks.check_dense_forward(np.zeros(3))


# --------------------------------------------------------------------------- bad code




def _expected_message(name, status, text):
    # xor_weights returns parameters that the check runs itself: a bad return is an error.
    if name == "check_xor_weights" and status == "wrong":
        return "error", "must return four arrays"
    return status, text


@pytest.mark.parametrize("name", CHECK_NAMES)
@pytest.mark.parametrize(
    ("student_fn", "status", "text"),
    [
        (raises, "error", "raised ValueError: something went wrong"),
        (returns_none, "wrong", "got None"),
        (wrong_shape, "wrong", "got"),
        (loops_forever, "timeout", "did not finish within 0.2 s"),
    ],
    ids=["raises", "returns-none", "wrong-shape", "loops-forever"],
)
def test_bad_code_is_reported_and_never_crashes(name, student_fn, status, text, capfd):
    status, text = _expected_message(name, status, text)
    with pytest.raises(CheckFailed) as info:
        getattr(checks, name)(student_fn, timeout=0.2)
    first = info.value.result.cases[0]
    assert first.status == status
    assert text in first.message
    assert "Traceback" not in capfd.readouterr().out


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_the_stub_is_not_written_yet(name, capfd):
    with pytest.raises(NotWrittenYet):
        getattr(checks, name)(not_written)
    assert "is not written yet: replace `raise NotImplementedError()`" in capfd.readouterr().out


# --------------------------------------------------------------------------- the library agrees


def test_the_library_dense_layer_passes_the_dense_check(capfd):
    from nnedu.layers import Dense

    def dense_forward(X, W, b):
        layer = Dense(W.shape[0], W.shape[1], seed=0)
        layer.params["W"][...] = W
        layer.params["b"][...] = b
        return layer.forward(X)

    checks.check_dense_forward(dense_forward)
    assert "✗" not in capfd.readouterr().out


def test_the_library_network_passes_the_two_layer_check(capfd):
    from nnedu.activations import relu, sigmoid
    from nnedu.layers import Activation, Dense
    from nnedu.network import Sequential

    def two_layer_forward(X, W1, b1, W2, b2, hidden=sigmoid):
        name = {sigmoid: "sigmoid", relu: "relu"}.get(hidden)
        if name is None:  # the check passes its own activation functions: find out which
            name = "relu" if hidden(np.array([-1.0]))[0] == 0.0 else "sigmoid"
        model = Sequential([Dense(*W1.shape, seed=0), Activation(name),
                            Dense(*W2.shape, seed=0), Activation("sigmoid")])
        for layer, W, b in [(model.layers[0], W1, b1), (model.layers[2], W2, b2)]:
            layer.params["W"][...] = W
            layer.params["b"][...] = b
        return model.forward(X)

    checks.check_two_layer_forward(two_layer_forward)
    assert "✗" not in capfd.readouterr().out


def test_the_library_parameter_count_passes_the_count_check(capfd):
    from nnedu.network import mlp

    checks.check_count_parameters(lambda sizes: mlp(tuple(sizes), seed=0).count_parameters())
    assert "✗" not in capfd.readouterr().out


def test_the_lesson_weights_pass_the_xor_check(capfd):
    from nnedu.widgets.xor import SOLUTION, weight_matrices

    checks.check_xor_weights(lambda: weight_matrices(SOLUTION))
    assert "✗" not in capfd.readouterr().out
