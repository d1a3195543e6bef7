"""The checks of exercise set 05 (gradient descent): right answers written in other ways pass,
known mistakes fail with their hint, bad code is reported without crashing, and the library's
own gradient descent, SGD and fit agree with the checks."""

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
from nnedu.checks import descent as descent_checks


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


# --------------------------------------------------------------------------- right answers


def _gd_step_copy_then_in_place(w, grad, lr):
    new_w = np.array(w, dtype=float)  # a copy: the caller's w stays as it was
    new_w -= lr * np.asarray(grad)
    return new_w if new_w.ndim else float(new_w)


def _quadratic_while(w0, lr, steps):
    path = np.empty(steps + 1)
    path[0] = w0
    t = 0
    while t < steps:
        path[t + 1] = path[t] - lr * 2 * (path[t] - 3)
        t += 1
    return path


def _quadratic_list(w0, lr, steps):
    w, path = w0, [w0]
    for _ in range(steps):
        w = w - lr * (2 * w - 6)
        path.append(w)
    return np.array(path, dtype=float)


def _linear_gradient_mean(X, y, w, b):
    error = X @ w + b - y
    return 2 * np.mean(X * error[:, None], axis=0), 2 * np.mean(error)


def _linear_gradient_loops(X, y, w, b):
    m, d = X.shape
    dw, db = np.zeros(d), 0.0
    for i in range(m):
        e = sum(X[i, j] * w[j] for j in range(d)) + b - y[i]
        for j in range(d):
            dw[j] += 2 * e * X[i, j] / m
        db += 2 * e / m
    return dw, db


def _epoch_lesson_style(X, y, w, b, lr, batch_size, rng):
    n = len(X)
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        i = order[start:start + batch_size]
        error = X[i] @ w + b - y[i]
        dw = 2 * X[i].T @ error / len(i)
        db = 2 * np.mean(error)
        w, b = w - lr * dw, b - lr * db
    return w, b


def _epoch_x_shuffled_only(X, y, w, b, lr, batch_size, rng):
    X = X[rng.permutation(len(y))]  # y keeps its order: the pairs are broken
    for start in range(0, len(y), batch_size):
        error = X[start:start + batch_size] @ w + b - y[start:start + batch_size]
        w = w - lr * 2 * X[start:start + batch_size].T @ error / len(error)
        b = b - lr * 2 * np.mean(error)
    return w, b


def _epoch_accumulator_never_reset(X, y, w, b, lr, batch_size, rng):
    order = rng.permutation(len(y))
    dw, db = np.zeros_like(w), 0.0  # should be reset for every batch
    for start in range(0, len(y), batch_size):
        i = order[start:start + batch_size]
        error = X[i] @ w + b - y[i]
        dw += 2 * X[i].T @ error / len(i)
        db += 2 * np.mean(error)
        w, b = w - lr * dw, b - lr * db
    return w, b


def _epoch_shuffled_copies(X, y, w, b, lr, batch_size, rng):
    order = np.arange(len(y))
    rng.shuffle(order)  # the same numbers as rng.permutation(len(y))
    Xs, ys = X[order], y[order]
    w = w.copy()
    for batch_X, batch_y in zip(np.array_split(Xs, range(batch_size, len(ys), batch_size)),
                                np.array_split(ys, range(batch_size, len(ys), batch_size))):
        error = batch_X @ w + b - batch_y
        w -= lr * 2 * batch_X.T @ error / len(batch_y)  # in place on the copy: allowed
        b = b - lr * 2 * error.mean()
    return w, b


RIGHT = {
    "check_gd_step": [
        lambda w, grad, lr: w - lr * grad,
        lambda w, grad, lr: np.subtract(w, np.multiply(lr, grad)),
        _gd_step_copy_then_in_place,
    ],
    "check_minimise_quadratic": [
        _quadratic_while,
        _quadratic_list,
    ],
    "check_linear_mse_gradient": [
        _linear_gradient_mean,
        _linear_gradient_loops,
        lambda X, y, w, b: (2 / len(y) * (X.T @ X @ w + b * X.sum(0) - X.T @ y),
                            float(2 / len(y) * np.sum(X @ w + b - y))),
    ],
    "check_train_one_epoch": [
        _epoch_lesson_style,
        _epoch_shuffled_copies,
    ],
}


# --------------------------------------------------------------------------- known mistakes


def _gd_step_in_place(w, grad, lr):
    w -= lr * grad
    return w


def _quadratic(update):
    def path(w0, lr, steps):
        points = [w0]
        for _ in range(steps):
            points.append(update(points[-1], lr))
        return np.array(points)

    return path


def _epoch(*, order="permutation", gradient_divisor="batch", sign=-1.0, use_lr=True,
           drop_last=False, same_batch=False, in_place=False):
    """Mini-batch epochs with one mistake switched on."""

    def epoch(X, y, w, b, lr, batch_size, rng):
        m = len(y)
        if order == "none":
            idx = np.arange(m)
        elif order == "separate":
            X, y, idx = X[rng.permutation(m)], y[rng.permutation(m)], np.arange(m)
        else:
            idx = rng.permutation(m)
        stop = m - batch_size + 1 if drop_last else m
        for start in range(0, stop, batch_size):
            batch = idx[:batch_size] if same_batch else idx[start:start + batch_size]
            error = X[batch] @ w + b - y[batch]
            divisor = {"batch": len(batch), "B": batch_size, "m": m, "none": 1}[gradient_divisor]
            dw, db = 2 * X[batch].T @ error / divisor, 2 * error.sum() / divisor
            step = lr if use_lr else 1.0
            if in_place:
                w += sign * step * dw
            else:
                w = w + sign * step * dw
            b = b + sign * step * db
        return w, b

    return epoch


WRONG = {
    "check_gd_step": [
        (lambda w, grad, lr: w + lr * grad, "that is gradient *ascent*"),
        (lambda w, grad, lr: w - grad, "the learning rate is missing"),
        (lambda w, grad, lr: -lr * grad, "that is only the step"),
        (lambda w, grad, lr: w - lr, "the step is the learning rate times the gradient"),
        (lambda w, grad, lr: w, "the weights did not move"),
        (_gd_step_in_place, "leave the inputs alone"),
    ],
    "check_minimise_quadratic": [
        (_quadratic(lambda w, lr: w + lr * 2 * (w - 3)), "step against the slope"),
        (_quadratic(lambda w, lr: w - lr * 2 * (3 - w)), "step against the slope"),
        (_quadratic(lambda w, lr: w - lr * (w - 3)), "the 2 is missing"),
        (_quadratic(lambda w, lr: w - lr * ((w - 3) ** 2 + 1)), "not the loss L(w) itself"),
        (_quadratic(lambda w, lr: w - 2 * (w - 3)), "the learning rate is missing"),
        (lambda w0, lr, steps: _quadratic_list(w0, lr, steps)[1:], "the path starts with"),
        (lambda w0, lr, steps: _quadratic_list(w0, lr, steps)[-1], "not only the last w"),
    ],
    "check_linear_mse_gradient": [
        (lambda X, y, w, b: (X.T @ (X @ w + b - y) / len(y), np.mean(X @ w + b - y)),
         "the 2 is missing"),
        (lambda X, y, w, b: (2 * X.T @ (X @ w + b - y), 2 * np.sum(X @ w + b - y)),
         "divide by the number of samples m"),
        (lambda X, y, w, b: (2 * X.T @ (y - X @ w - b) / len(y), 2 * np.mean(y - X @ w - b)),
         "the sign is flipped"),
        (lambda X, y, w, b: (2 * X.T @ (X @ w - y) / len(y), 2 * np.mean(X @ w - y)),
         "the bias is missing from the error"),
        (lambda X, y, w, b: (2 * X.T @ (X @ w + b - y) / len(y), 2 * (X @ w + b - y) / len(y)),
         "∂L/∂b is one number"),
        (lambda X, y, w, b: (2 * np.mean(X * (X @ w + b - y)[:, None]),
                             2 * np.mean(X @ w + b - y)), "np.mean without an axis"),
    ],
    "check_train_one_epoch": [
        (_epoch_x_shuffled_only, "X was shuffled but y was not"),
        (_epoch_accumulator_never_reset, "the sum was never reset"),
        (_epoch(order="none"), "the data is not shuffled"),
        (_epoch(same_batch=True), "every step used the same batch"),
        (_epoch(drop_last=True), "the last, smaller batch was dropped"),
        (_epoch(gradient_divisor="none"), "must be divided by the number of samples in the batch"),
        (_epoch(gradient_divisor="B"), "the last batch can be smaller than batch_size"),
        (_epoch(gradient_divisor="m"), "not by the size m of the whole data set"),
        (_epoch(sign=+1.0), "that is gradient ascent"),
        (_epoch(use_lr=False), "the learning rate is missing"),
        (_epoch(order="separate"), "two different orders"),
        (_epoch(in_place=True), "leave the inputs alone"),
    ],
}

CHECK_NAMES = sorted(RIGHT)


def test_every_check_is_exported_and_tested():
    assert sorted(descent_checks.__all__) == CHECK_NAMES
    for name in CHECK_NAMES:
        assert getattr(checks, name) is getattr(descent_checks, name)
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


def test_an_epoch_that_ignores_the_rng_it_is_given_fails():
    def fresh_rng_every_epoch(X, y, w, b, lr, batch_size, rng):
        return _epoch_lesson_style(X, y, w, b, lr, batch_size, np.random.default_rng(0))

    with pytest.raises(CheckFailed) as info:
        checks.check_train_one_epoch(fresh_rng_every_epoch)
    assert [case.passed for case in info.value.result.cases][:2] == [True, False]


# --------------------------------------------------------------------------- bad code




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


def test_the_library_sgd_step_passes_the_step_check(capfd):
    from nnedu.optim import SGD

    def gd_step(w, grad, lr):
        new_w = np.array(w, dtype=float)  # SGD updates in place: give it a copy
        SGD(lr=lr).step([new_w], [np.asarray(grad, dtype=float)])
        return new_w

    checks.check_gd_step(gd_step)
    assert "✗" not in capfd.readouterr().out


def test_the_lesson_gradient_descent_passes_the_quadratic_check(capfd):
    from nnedu.widgets import gradient_descent as gd

    checks.check_minimise_quadratic(
        lambda w0, lr, steps: gd.gradient_descent(gd.slope_1d, start=w0, lr=lr, steps=steps))
    assert "✗" not in capfd.readouterr().out


def test_the_library_mse_gradient_agrees_with_the_linear_gradient_check(capfd):
    from nnedu.layers import Dense
    from nnedu.losses import mse_gradient

    def linear_mse_gradient(X, y, w, b):
        layer = Dense(X.shape[1], 1, seed=0)
        layer.params["W"][...] = w.reshape(-1, 1)
        layer.params["b"][...] = b
        y_hat = layer.forward(X)
        layer.backward(mse_gradient(y_hat, y.reshape(-1, 1)))
        return layer.grads["W"].ravel(), float(layer.grads["b"][0])

    checks.check_linear_mse_gradient(linear_mse_gradient)
    assert "✗" not in capfd.readouterr().out


@pytest.mark.parametrize(("m", "batch_size", "seed"), [(10, 4, 0), (12, 4, 1), (8, 8, 3)])
def test_one_epoch_of_the_check_is_one_epoch_of_fit(m, batch_size, seed):
    from nnedu.layers import Dense
    from nnedu.network import Sequential
    from nnedu.train import fit

    X, y = descent_checks._linear_data(m, 2, seed=seed)
    w, b = np.array([0.5, -1.0]), 0.25
    w_check, b_check = descent_checks._train_one_epoch(X, y, w, b, 0.1, batch_size, seed)

    model = Sequential([Dense(2, 1, seed=0)])
    model.layers[0].params["W"][...] = w.reshape(-1, 1)
    model.layers[0].params["b"][...] = b
    fit(model, X, y.reshape(-1, 1), loss="mse", optimizer="sgd", lr=0.1, epochs=1,
        batch_size=batch_size, seed=seed, progress=False, metrics=())
    assert np.allclose(model.layers[0].params["W"].ravel(), w_check)
    assert np.allclose(model.layers[0].params["b"], b_check)
