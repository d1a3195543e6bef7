"""The checks of exercise set 07 (backprop in matrix form): right answers written in other ways
pass, the known mistakes fail with their hint, bad code is reported without crashing, and the
written-out answers agree with nnedu's layers and gradient checker."""

from __future__ import annotations

import time

import numpy as np
import pytest
from student_code import assert_fails_with_hint, right_cases, wrong_cases

from nnedu import checks
from nnedu.checks import CheckFailed, NotWrittenYet
from nnedu.checks import matrix_backprop as module
from nnedu.gradcheck import numerical_gradient as library_numerical_gradient
from nnedu.gradcheck import relative_error
from nnedu.layers import Activation, Dense
from nnedu.network import Sequential


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


# ----------------------------------------------------------------------------- student code

def dense_backward(X, W, dZ):
    return X.T @ dZ, dZ.sum(axis=0), dZ @ W.T


def dense_backward_einsum(X, W, dZ):
    return (np.einsum("ik,ij->kj", X, dZ), np.einsum("ij->j", dZ),
            np.einsum("ij,kj->ik", dZ, W))


def dense_backward_loops(X, W, dZ):
    dW = np.zeros_like(W)
    for i in range(len(X)):
        dW += np.outer(X[i], dZ[i])  # one sample at a time
    return dW, np.sum(dZ, axis=0), (W @ dZ.T).T


def dense_backward_library(X, W, dZ):
    layer = Dense(W.shape[0], W.shape[1])
    layer.params["W"][...] = W
    layer.forward(X)
    dX = layer.backward(dZ)
    return layer.grads["W"], layer.grads["b"], dX


def tanh_backward(dA, Z):
    return dA * (1.0 - np.tanh(Z) ** 2)


def tanh_backward_cosh(dA, Z):
    return dA / np.cosh(np.clip(Z, -300, 300)) ** 2


def tanh_backward_library(dA, Z):
    layer = Activation("tanh")
    layer.forward(Z)
    return layer.backward(dA)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def network_backward_with(one_over_m="once", db="sum", slope="right", sign=1.0, use_z1=False):
    def network_backward(X, Y, params):
        m = len(X)
        Z1 = X @ params["W1"] + params["b1"]
        A1 = np.tanh(Z1)
        P = softmax(A1 @ params["W2"] + params["b2"])
        dZ2 = sign * (P - Y) / (1 if one_over_m == "never" else m)
        extra = m if one_over_m == "twice" else 1  # the source article's dW = X.T @ dZ / m

        def dense(Xin, dZ):
            total = dZ.mean(axis=0) if db == "mean" else dZ.sum(axis=0)
            return Xin.T @ dZ / extra, total / extra

        dW2, db2 = dense(Z1 if use_z1 else A1, dZ2)
        dA1 = dZ2 @ params["W2"].T
        dZ1 = {"right": dA1 * (1 - A1**2), "at_A": dA1 * (1 - np.tanh(A1) ** 2),
               "Z_squared": dA1 * (1 - Z1**2), "none": dA1}[slope]
        dW1, db1 = dense(X, dZ1)
        return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

    return network_backward


def network_backward_library(X, Y, params):
    net = Sequential([Dense(*params["W1"].shape), Activation("tanh"),
                      Dense(*params["W2"].shape), Activation("softmax")])
    for k, layer in ((1, net.layers[0]), (2, net.layers[2])):
        layer.params["W"][...] = params[f"W{k}"]
        layer.params["b"][...] = params[f"b{k}"]
    net.loss_and_backward(X, Y, loss="categorical_cross_entropy")
    dW1, db1, dW2, db2 = net.gradients()
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


class DenseLayer:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.grads = {"W": np.zeros_like(W), "b": np.zeros_like(b)}

    def forward(self, X):
        self.X = X
        return X @ self.W + self.b

    def backward(self, dZ):
        self.grads["W"] = self.X.T @ dZ
        self.grads["b"] = dZ.sum(axis=0)
        return dZ @ self.W.T


class DenseLayerZeroThenAdd(DenseLayer):
    """Right: zero the gradients, then add (what frameworks do)."""

    def backward(self, dZ):
        self.grads["W"][...] = 0.0
        self.grads["b"][...] = 0.0
        self.grads["W"] += self.X.T @ dZ
        self.grads["b"] += dZ.sum(axis=0)
        return dZ @ self.W.T


class DenseLayerNewDict(DenseLayer):
    def backward(self, dZ):
        self.grads = {"W": self.X.T @ dZ, "b": dZ.sum(axis=0)}
        return dZ @ self.W.T


class DenseLayerAccumulating(DenseLayer):
    def backward(self, dZ):
        self.grads["W"] += self.X.T @ dZ
        self.grads["b"] += dZ.sum(axis=0)
        return dZ @ self.W.T


class DenseLayerAveraging(DenseLayer):
    """Wrong: the 1/m of the mean loss put in the layer, though dZ already has it."""

    def backward(self, dZ):
        m = len(self.X)
        self.grads["W"] = self.X.T @ dZ / m
        self.grads["b"] = np.mean(dZ, axis=0)
        return dZ @ self.W.T


class DenseLayerFirstX(DenseLayer):
    def forward(self, X):
        if not hasattr(self, "X"):
            self.X = X
        return X @ self.W + self.b


class DenseLayerForgets(DenseLayer):
    def backward(self, dZ):
        self.X.T @ dZ, dZ.sum(axis=0)  # computed, never stored
        return dZ @ self.W.T


def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def numerical_gradient_flat(f, x, eps=1e-4):
    flat = x.reshape(-1)  # a view: nudging flat nudges x
    grad = np.zeros(flat.size)
    for i in range(flat.size):
        flat[i] += eps
        f_plus = f(x)
        flat[i] -= 2 * eps
        f_minus = f(x)
        flat[i] += eps  # back (to within rounding)
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad.reshape(x.shape)


def numerical_gradient_with(one_sided=False, over_eps=False, rows=False, copy=False,
                            restore=True):
    def wrong(f, x, eps=1e-5):
        grad = np.zeros_like(x)
        where = [(i,) for i in range(len(x))] if rows else list(np.ndindex(x.shape))
        for i in where:
            target = x.copy() if copy else x
            old = target[i].copy()
            target[i] = old + eps
            f_plus = f(target)
            target[i] = old if one_sided else old - eps
            f_minus = f(target)
            if restore:
                target[i] = old
            grad[i] = (f_plus - f_minus) / (eps if one_sided or over_eps else 2 * eps)
        return grad

    return wrong


def dense_numerical_grads(X, W, b, dZ):
    def S(X_, W_, b_):
        return np.sum((X_ @ W_ + b_) * dZ)

    return (numerical_gradient(lambda W_: S(X, W_, b), W),
            numerical_gradient(lambda b_: S(X, W, b_), b),
            numerical_gradient(lambda X_: S(X_, W, b), X))


def dense_numerical_grads_library(X, W, b, dZ):
    def S(_):
        return np.sum((X @ W + b) * dZ)  # reads W, b and X from outside: they are nudged

    return (library_numerical_gradient(S, W), library_numerical_gradient(S, b),
            library_numerical_gradient(S, X))


def dense_numerical_grads_with(weighted=True, mean=False, copies=False):
    def wrong(X, W, b, dZ):
        def S(X_, W_, b_):
            Z = X_ @ W_ + b_
            Z = Z * dZ if weighted else Z
            return np.mean(Z) if mean else np.sum(Z)

        if copies:  # f reads the originals, the copies are nudged
            return (numerical_gradient(lambda _: S(X, W, b), W.copy()),
                    numerical_gradient(lambda _: S(X, W, b), b.copy()),
                    numerical_gradient(lambda _: S(X, W, b), X.copy()))
        return (numerical_gradient(lambda W_: S(X, W_, b), W),
                numerical_gradient(lambda b_: S(X, W, b_), b),
                numerical_gradient(lambda X_: S(X_, W, b), X))

    return wrong


RIGHT = {
    "check_dense_backward": [dense_backward, dense_backward_einsum, dense_backward_loops,
                             dense_backward_library],
    "check_tanh_backward": [tanh_backward, tanh_backward_cosh, tanh_backward_library],
    "check_network_backward": [network_backward_with(), network_backward_library],
    "check_dense_layer": [DenseLayer, DenseLayerZeroThenAdd, DenseLayerNewDict],
    "check_numerical_gradient": [numerical_gradient, numerical_gradient_flat,
                                 library_numerical_gradient],
    "check_dense_numerical_grads": [dense_numerical_grads, dense_numerical_grads_library],
}

WRONG = {
    "check_dense_backward": [
        (lambda X, W, dZ: (X.T @ dZ / len(X), dZ.sum(axis=0) / len(X), dZ @ W.T),
         "the 1/m belongs in dZ"),
        (lambda X, W, dZ: (dZ.T @ X, dZ.sum(axis=0), dZ @ W.T), "dW is transposed"),
        (lambda X, W, dZ: (X.T @ dZ / len(X), dZ.sum(axis=0), dZ @ W.T), "makes it 1/m²"),
        (lambda X, W, dZ: (X.T @ dZ / len(X), dZ.mean(0), dZ @ W.T / len(X)), "only sums"),
        (lambda X, W, dZ: (X.T @ dZ, dZ.mean(axis=0), dZ @ W.T), "not the mean"),
        (lambda X, W, dZ: (X.T @ dZ, dZ, dZ @ W.T), "db has the shape of b"),
        (lambda X, W, dZ: (X.T @ dZ, np.sum(dZ, axis=1), dZ @ W.T), "not over the units"),
        (lambda X, W, dZ: (X.T @ dZ, np.sum(dZ), dZ @ W.T), "dZ.sum() adds up everything"),
        (lambda X, W, dZ: (X.T @ dZ, dZ.sum(axis=0), dZ @ W), "dX = dZ @ W.T"),
        (lambda X, W, dZ: (X.T @ dZ, dZ.sum(axis=0)), "return all three"),
    ],
    "check_tanh_backward": [
        (lambda dA, Z: dA * (1 - Z * Z), "you used Z itself"),
        (lambda dA, Z: dA * (1 - np.tanh(np.tanh(Z)) ** 2), "you applied tanh twice"),
        (lambda dA, Z: 1 - np.tanh(Z) ** 2, "multiply it by the upstream gradient"),
        (lambda dA, Z: np.dot(dA, 1 - np.tanh(Z) ** 2), "not the matrix product @"),
        (lambda dA, Z: dA * (1 - np.tanh(Z)), "the tanh is squared"),
        (lambda dA, Z: dA * np.tanh(Z), "multiplies by the activation"),
    ],
    "check_network_backward": [
        (network_backward_with(one_over_m="never"), "the 1/m is missing"),
        (network_backward_with(one_over_m="twice"), "the 1/m appears twice"),
        (network_backward_with(db="mean"), "the bias gradients are the SUM"),
        (network_backward_with(sign=-1.0), "prediction minus target"),
        (network_backward_with(slope="at_A"), "you computed 1 − tanh(A1)²"),
        (network_backward_with(slope="Z_squared"), "you used 1 − Z1²"),
        (network_backward_with(slope="none"), "the hidden activation's slope is missing"),
        (network_backward_with(use_z1=True), "not Z1: dW2 = A1.T @ dZ2"),
    ],
    "check_dense_layer": [
        (DenseLayerAveraging, "the 1/m belongs in dZ"),
        (DenseLayerAccumulating, "the gradients pile up"),
        (DenseLayerFirstX, "backward used an old batch"),
        (DenseLayerForgets, "backward must store the gradients"),
    ],
    "check_numerical_gradient": [
        (numerical_gradient_with(one_sided=True), "use the central difference"),
        (numerical_gradient_with(over_eps=True), "divide f(x + ε) − f(x − ε) by 2ε"),
        (numerical_gradient_with(rows=True), "x[i] is a whole row"),
        (numerical_gradient_with(copy=True), "nudge the array x itself"),
    ],
    "check_dense_numerical_grads": [
        (dense_numerical_grads_with(weighted=False), "weight the outputs with dZ"),
        (dense_numerical_grads_with(mean=True), "use np.sum, not np.mean"),
        (dense_numerical_grads_with(copies=True), "f must read the array"),
    ],
}

CHECK_NAMES = sorted(RIGHT)


def test_every_check_of_the_module_is_exported_and_tested():
    assert sorted(module.__all__) == CHECK_NAMES
    assert all(getattr(checks, name) is getattr(module, name) for name in CHECK_NAMES)
    assert all(len(WRONG[name]) >= 2 for name in CHECK_NAMES)


@pytest.mark.parametrize(("name", "student_fn"), right_cases(RIGHT))
def test_right_answers_written_another_way_pass(name, student_fn, capfd):
    assert getattr(checks, name)(student_fn) is None
    out = capfd.readouterr().out
    assert "✗" not in out and "note:" not in out
    assert "checks passed — well done." in out


@pytest.mark.parametrize(("name", "student_fn", "hint"), wrong_cases(WRONG))
def test_known_mistakes_fail_with_their_hint(name, student_fn, hint, capfd):
    assert_fails_with_hint(getattr(checks, name), student_fn, hint, capfd)


def test_not_putting_x_back_is_explained(capfd):
    with pytest.raises(CheckFailed) as info:
        checks.check_numerical_gradient(numerical_gradient_with(restore=False))
    assert all(case.status == "error" for case in info.value.result.cases)
    assert "x is not the same after the call: put every entry back" in capfd.readouterr().out


@pytest.mark.parametrize(("m", "sizes", "seed"), [(6, (4, 5, 3), 91), (10, (2, 3, 2), 93)])
def test_the_written_out_network_gradient_is_the_numerical_gradient(m, sizes, seed):
    """The reference of check_network_backward against central differences of the loss."""
    X, Y, params = module._network_case("case", m, sizes, seed).args
    analytic = module._network_backward(X, Y, params)

    def loss(_):
        A1 = np.tanh(X @ params["W1"] + params["b1"])
        P = softmax(A1 @ params["W2"] + params["b2"])
        return -np.sum(Y * np.log(P)) / len(X)

    for key, grad in zip(module.NETWORK_KEYS, analytic):
        numeric = library_numerical_gradient(loss, params[key])
        assert relative_error(grad, numeric) < 1e-7, key


def raises(*args, **kwargs):
    raise ValueError("something went wrong")


def returns_none(*args, **kwargs):
    return None


def not_written(*args, **kwargs):
    # YOUR CODE HERE
    raise NotImplementedError()


def loops_forever(*args, **kwargs):
    while True:
        time.sleep(0.001)


class NotWrittenLayer:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, X):
        # YOUR CODE HERE
        raise NotImplementedError()

    def backward(self, dZ):
        # YOUR CODE HERE
        raise NotImplementedError()


NONE_TEXT = {
    "check_dense_backward": "expected 3 values (a tuple), got None",
    "check_tanh_backward": "got None — did you forget the return statement?",
    "check_network_backward": "returned None — did you forget the return statement?",
    "check_dense_layer": "AttributeError",
    "check_numerical_gradient": "got None — did you forget the return statement?",
    "check_dense_numerical_grads": "expected 3 values (a tuple), got None",
}


@pytest.mark.parametrize("name", CHECK_NAMES)
@pytest.mark.parametrize(
    ("student_fn", "text"),
    [
        (raises, "raised ValueError: something went wrong"),
        (returns_none, None),
        (loops_forever, "did not finish within 0.2 s"),
    ],
    ids=["raises", "returns-none", "loops-forever"],
)
def test_bad_code_is_reported_and_never_crashes(name, student_fn, text, capfd):
    with pytest.raises(CheckFailed) as info:
        getattr(checks, name)(student_fn, timeout=0.2)
    first = info.value.result.cases[0]
    assert not first.passed
    assert (text or NONE_TEXT[name]) in first.message
    assert "Traceback" not in capfd.readouterr().out


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_the_stub_is_not_written_yet(name, capfd):
    stub = NotWrittenLayer if name == "check_dense_layer" else not_written
    with pytest.raises(NotWrittenYet):
        getattr(checks, name)(stub)
    assert "is not written yet: replace `raise NotImplementedError()`" in capfd.readouterr().out
