"""The checks of exercise set 09 (the digits classifier by hand): right answers written in other
ways pass, known mistakes fail with their hint, the reference backward pass agrees with
nnedu.gradcheck, and a stub is reported as not written yet."""

from __future__ import annotations

import numpy as np
import pytest

from nnedu import checks
from nnedu.checks import CheckFailed, NotWrittenYet
from nnedu.checks import training as tr
from nnedu.gradcheck import numerical_gradient, relative_error


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


# --------------------------------------------------------------------------- implementations


def _forward_log_sum_exp(X, params):
    H = np.where(X @ params["W1"] + params["b1"] > 0, X @ params["W1"] + params["b1"], 0.0)
    Z = np.dot(H, params["W2"]) + params["b2"]
    log_p = Z - Z.max(axis=-1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(axis=-1, keepdims=True))
    return H, np.exp(log_p)


def _backward_einsum(X, Y, params, H, P):
    m = len(X)
    dZ2 = (P - Y) / m
    dZ1 = np.einsum("mk,hk->mh", dZ2, params["W2"]) * np.heaviside(H, 0.0)
    return {"b2": np.sum(dZ2, axis=0), "W2": np.einsum("mh,mk->hk", H, dZ2),
            "b1": np.sum(dZ1, axis=0), "W1": np.einsum("mi,mh->ih", X, dZ1)}


def _make_train(forward, backward, shuffle_every_epoch=True, lr_sign=1.0, epochs=20):
    def train(X, y, hidden=64, epochs=epochs, lr=0.5, batch_size=32, seed=0):
        rng = np.random.default_rng(seed)
        m, n = X.shape
        params = {"W1": rng.normal(0.0, np.sqrt(2 / n), (n, hidden)), "b1": np.zeros(hidden),
                  "W2": rng.normal(0.0, np.sqrt(2 / hidden), (hidden, 10)), "b2": np.zeros(10)}
        Y = np.eye(10)[y]
        order = rng.permutation(m)
        for _ in range(epochs):
            if shuffle_every_epoch:
                order = rng.permutation(m)
            for start in range(0, m, batch_size):
                rows = order[start:start + batch_size]
                H, P = forward(X[rows], params)
                grads = backward(X[rows], Y[rows], params, H, P)
                params = {k: params[k] - lr_sign * lr * grads[k] for k in params}
        return params
    return train


def _train_unseeded(X, y, hidden=64, epochs=20, lr=0.5, batch_size=32, seed=0):
    return _make_train(tr._forward, tr._backward)(X, y, hidden, epochs, lr, batch_size,
                                                  seed=np.random.randint(1000))


RIGHT = {
    "check_one_hot": [
        lambda labels, k: np.eye(k)[labels],
        lambda labels, k: (labels[:, None] == np.arange(k)).astype(float),
        lambda labels, k: (labels.reshape(-1, 1) == np.arange(k)).astype(int),
    ],
    "check_digits_forward": [tr._forward, _forward_log_sum_exp],
    "check_digits_backward": [tr._backward, _backward_einsum],
    "check_training_loop": [_make_train(tr._forward, _backward_einsum)],
}

WRONG = {
    "check_one_hot": [
        (lambda labels, k: np.eye(k)[labels].T, "the result is transposed"),
        (lambda labels, k: np.eye(labels.max() + 1)[labels], "use the n_classes you are given"),
    ],
    "check_digits_forward": [
        (tr._forward_no_shift, "subtract each row's largest score"),
        (tr._forward_columns, "softmax goes along each row"),
        (tr._forward_no_bias, "the biases are missing"),
    ],
    "check_digits_backward": [
        (lambda X, Y, params, H, P: {**tr._backward(X, Y, params, H, P),
                                     "W2": ((P - Y) / len(X)).T @ H}, "dW2 is transposed"),
        (tr._backward_no_mean, "dZ2 = (P - Y) / m"),
        (tr._backward_no_relu, "multiply by ReLU's derivative"),
        (tr._backward_relu_value, "not by H"),
        (tr._backward_mean_bias, "do not average again"),
    ],
    "check_training_loop": [
        (_make_train(tr._forward, tr._backward, shuffle_every_epoch=False),
         "draw a new order = rng.permutation(m) at the start of EVERY epoch"),
        (_make_train(tr._forward, tr._backward, lr_sign=-1.0), "check the update"),
        (_train_unseeded, "make one rng = np.random.default_rng(seed)"),
    ],
}

CHECK_NAMES = sorted(RIGHT)


def test_every_check_of_the_module_is_exported_and_tested():
    names = ["check_one_hot", "check_digits_forward", "check_digits_backward",
             "check_training_loop"]
    assert sorted(names) == CHECK_NAMES
    assert all(callable(getattr(checks, name)) for name in names)
    assert all(len(WRONG[name]) >= 2 for name in CHECK_NAMES)


@pytest.mark.parametrize(("name", "student_fn"),
                         [pytest.param(n, f, id=f"{n}-{i}") for n in CHECK_NAMES
                          for i, f in enumerate(RIGHT[n])])
def test_right_answers_written_another_way_pass(name, student_fn, capfd):
    assert getattr(checks, name)(student_fn) is None
    out = capfd.readouterr().out
    assert "✗" not in out
    assert "checks passed — well done." in out


@pytest.mark.parametrize(("name", "student_fn", "hint"),
                         [pytest.param(n, f, h, id=f"{n}-{i}") for n in CHECK_NAMES
                          for i, (f, h) in enumerate(WRONG[n])])
def test_known_mistakes_fail_with_their_hint(name, student_fn, hint, capfd):
    with pytest.raises(CheckFailed) as info:
        getattr(checks, name)(student_fn)
    assert not info.value.result.all_passed
    out = capfd.readouterr().out
    assert "— hint: " in out and hint in out


def test_the_training_check_prints_the_validation_accuracy(capfd):
    checks.check_training_loop(RIGHT["check_training_loop"][0])
    out = capfd.readouterr().out
    text = "Validation accuracy of your trained network: "
    assert text in out
    accuracy = float(out.split(text)[1].split("%")[0])
    assert accuracy >= 95.0
    assert "test" not in out.lower()


def test_the_training_check_never_looks_at_the_test_part(monkeypatch, capfd):
    import dataclasses

    import nnedu.data

    real = nnedu.data.load_digits

    def without_test_part(*args, **kwargs):
        digits = real(*args, **kwargs)
        return dataclasses.replace(digits, X_test=np.full_like(digits.X_test, np.nan),
                                   y_test=np.full_like(digits.y_test, -1))

    monkeypatch.setattr(nnedu.data, "load_digits", without_test_part)
    checks.check_training_loop(RIGHT["check_training_loop"][0])
    assert "4/4 checks passed" in capfd.readouterr().out


def not_written(*args, **kwargs):
    raise NotImplementedError()


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_the_stub_is_not_written_yet(name, capfd):
    with pytest.raises(NotWrittenYet):
        getattr(checks, name)(not_written)
    assert "is not written yet" in capfd.readouterr().out


def test_a_backward_without_the_dict_keys_gets_a_clear_message(capfd):
    with pytest.raises(CheckFailed):
        checks.check_digits_backward(lambda X, Y, params, H, P: {"W1": 0})
    assert "missing b1, W2, b2" in capfd.readouterr().out


def test_the_reference_backward_pass_agrees_with_gradcheck():
    rng = np.random.default_rng(0)
    params = tr._params(5, 4, 3, seed=1, scale=0.5)
    X = rng.normal(size=(6, 5))
    Y = tr._one_hot(rng.integers(0, 3, size=6), 3)
    H, P = tr._forward(X, params)
    grads = tr._backward(X, Y, params, H, P)
    for name in tr.PARAM_NAMES:
        numerical = numerical_gradient(lambda _: tr._loss(X, Y, params), params[name])
        assert relative_error(grads[name], numerical) < 1e-7, name
