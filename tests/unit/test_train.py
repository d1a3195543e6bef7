"""nnedu.train: the fit loop (batch / stochastic / mini-batch), early stopping, determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnedu.data import moons, one_hot, regression_1d, xor
from nnedu.layers import Dense
from nnedu.network import Sequential, mlp
from nnedu.optim import SGD, Adam, step_decay
from nnedu.train import History, evaluate, fit


@pytest.fixture(scope="module")
def moons_data():
    return moons(n=80, noise=0.15, seed=0)


def loss_now(model, X, y, loss="categorical_cross_entropy"):
    target = one_hot(y, 2) if loss == "categorical_cross_entropy" else y
    return evaluate(model, X, target, loss)["loss"]


# ------------------------------------------------------------------ the three flavours
@pytest.mark.parametrize(("batch_size", "optimizer", "lr", "epochs"), [
    (None, "sgd", 0.5, 150),   # batch gradient descent: one step per epoch
    (1, "sgd", 0.05, 15),       # stochastic: one step per sample
    (16, "adam", 0.02, 40),     # mini-batch
], ids=["batch", "stochastic", "mini-batch"])
def test_every_flavour_reduces_the_loss(moons_data, batch_size, optimizer, lr, epochs):
    X, y = moons_data
    model = mlp((2, 16, 2), activation="tanh", seed=0)
    before = loss_now(model, X, y)
    history = fit(model, X, y, optimizer=optimizer, lr=lr, epochs=epochs,
                  batch_size=batch_size, progress=False)
    assert history.epochs == epochs
    assert history["loss"][-1] < 0.6 * before
    assert loss_now(model, X, y) == pytest.approx(history["loss"][-1], rel=1e-12)
    assert history["accuracy"][-1] >= 0.8


class CountingSGD(SGD):
    """SGD that counts its steps."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.steps = 0

    def step(self, params, grads):
        self.steps += 1
        super().step(params, grads)


@pytest.mark.parametrize(("batch_size", "steps"), [(None, 1), (1, 10), (3, 4), (10, 1)])
def test_number_of_steps_per_epoch(batch_size, steps):
    X = np.random.default_rng(0).normal(size=(10, 2))
    y = np.arange(10) % 2
    opt = CountingSGD(lr=0.01)
    fit(mlp((2, 3, 2), seed=0), X, y, optimizer=opt, epochs=2, batch_size=batch_size,
        progress=False)
    assert opt.steps == opt.t == 2 * steps


def test_a_hidden_layer_solves_xor():
    X, y = xor()
    model = mlp((2, 8, 2), activation="tanh", seed=0)
    history = fit(model, X, y, optimizer="adam", lr=0.05, epochs=300, batch_size=None,
                  progress=False)
    np.testing.assert_array_equal(model.predict(X), y)
    assert history["accuracy"][-1] == 1.0


def test_binary_cross_entropy_with_one_sigmoid_output(moons_data):
    X, y = moons_data
    model = mlp((2, 16, 1), activation="tanh", output="sigmoid", seed=0)
    before = loss_now(model, X, y.reshape(-1, 1).astype(float), "binary_cross_entropy")
    history = fit(model, X, y, loss="binary_cross_entropy", optimizer="adam", lr=0.02,
                  epochs=40, batch_size=16, progress=False)
    assert history["loss"][-1] < 0.6 * before
    assert np.mean(model.predict(X) == y) >= 0.8


def test_regression_with_mse():
    X, y = regression_1d(n=60, noise=0.05, seed=0)
    model = mlp((1, 16, 1), activation="tanh", output="linear", seed=0)
    before = evaluate(model, X, y, "mse", metrics=())["loss"]
    history = fit(model, X, y.ravel(), loss="mse", optimizer="adam", lr=0.02, epochs=150,
                  batch_size=20, metrics=(), progress=False)
    assert "accuracy" not in history
    assert history["loss"][-1] < 0.2 * before


def test_fit_with_an_optimizer_object_equals_the_name_and_lr():
    X, y = xor()
    a, b = mlp((2, 4, 2), seed=0), mlp((2, 4, 2), seed=0)
    fit(a, X, y, optimizer="sgd", lr=0.3, epochs=5, batch_size=2, progress=False)
    fit(b, X, y, optimizer=SGD(lr=0.3), epochs=5, batch_size=2, progress=False)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p, q)


def test_fit_tells_the_schedule_the_epoch():
    # drop=0: factor 1 in epoch 0, then 0: the weights must stop changing after epoch 0.
    X, y = xor()
    one, three = mlp((2, 4, 2), seed=0), mlp((2, 4, 2), seed=0)
    fit(one, X, y, optimizer=SGD(lr=0.5), epochs=1, batch_size=None, progress=False)
    fit(three, X, y, optimizer=SGD(lr=0.5, schedule=step_decay(drop=0.0, every=1)),
        epochs=3, batch_size=None, progress=False)
    for p, q in zip(one.parameters(), three.parameters()):
        np.testing.assert_array_equal(p, q)


def test_integer_labels_and_one_hot_give_the_same_result(moons_data):
    X, y = moons_data
    a, b = mlp((2, 8, 2), seed=1), mlp((2, 8, 2), seed=1)
    ha = fit(a, X, y, epochs=5, batch_size=10, progress=False)
    hb = fit(b, X, one_hot(y, 2), epochs=5, batch_size=10, progress=False)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p, q)
    assert ha.history == hb.history


def test_float32_training_stays_float32(moons_data):
    X, y = moons_data
    model = mlp((2, 8, 2), seed=0, dtype=np.float32)
    history = fit(model, X.astype(np.float32), y, epochs=3, batch_size=16, progress=False)
    assert all(p.dtype == np.float32 for p in model.parameters())
    assert all(math.isfinite(v) for v in history["loss"])
    assert history["loss"][-1] < history["loss"][0]


# ------------------------------------------------------------------ determinism
def train_once(seed: int, data) -> tuple[list[np.ndarray], dict]:
    X, y = data
    model = mlp((2, 12, 2), dropout=0.2, seed=0)
    history = fit(model, X[:60], y[:60], epochs=6, batch_size=8, seed=seed, progress=False,
                  validation_data=(X[60:], y[60:]))
    return model.parameters(), history.history


def test_same_seed_gives_bit_identical_weights_and_history(moons_data):
    params_a, history_a = train_once(3, moons_data)
    params_b, history_b = train_once(3, moons_data)
    assert all(np.array_equal(p, q) for p, q in zip(params_a, params_b))
    assert history_a == history_b


def test_a_different_seed_gives_different_weights(moons_data):
    params_a, history_a = train_once(3, moons_data)
    params_c, history_c = train_once(4, moons_data)
    assert not all(np.array_equal(p, q) for p, q in zip(params_a, params_c))
    assert history_a != history_c


# ------------------------------------------------------------------ validation, early stopping
def test_history_records_training_and_validation(moons_data):
    X, y = moons_data
    history = fit(mlp((2, 8, 2), seed=0), X[:60], y[:60], epochs=4, batch_size=10,
                  validation_data=(X[60:], y[60:]), progress=False)
    assert isinstance(history, History)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 4 for v in history.history.values())
    assert history["val_loss"] is history.history["val_loss"]
    assert "val_loss" in history and "precision" not in history
    assert history.best_epoch == int(np.argmin(history["val_loss"]))
    assert "epochs=4" in repr(history)
    with pytest.raises(KeyError, match="History has no 'val_acc'"):
        history["val_acc"]


def test_early_stopping_stops_and_restores_the_best_weights(moons_data):
    X, y = moons_data
    # The validation labels are the training labels flipped: the better the network learns
    # the training set, the worse the validation loss gets, so the best epoch comes early.
    X_val, y_val = X, 1 - y
    model = mlp((2, 16, 2), seed=0)
    patience = 3
    history = fit(model, X, y, optimizer="adam", lr=0.02, epochs=50, batch_size=16,
                  validation_data=(X_val, y_val), early_stopping=patience, progress=False)
    assert history.stopped_early
    best = history.best_epoch
    assert best == int(np.argmin(history["val_loss"]))
    assert history.epochs == best + patience + 1 < 50
    # The network now holds the best epoch's weights: its validation loss is the best one.
    assert loss_now(model, X_val, y_val) == history["val_loss"][best] == min(history["val_loss"])
    assert loss_now(model, X_val, y_val) < history["val_loss"][-1]


def test_without_restore_best_the_last_weights_stay(moons_data):
    X, y = moons_data
    model = mlp((2, 16, 2), seed=0)
    history = fit(model, X, y, optimizer="adam", lr=0.02, epochs=50, batch_size=16,
                  validation_data=(X, 1 - y), early_stopping=3, restore_best=False,
                  progress=False)
    assert history.stopped_early
    assert loss_now(model, X, 1 - y) == history["val_loss"][-1]


def test_callback_returning_false_stops_training():
    X, y = xor()
    seen = []

    def callback(epoch, logs):
        seen.append((epoch, sorted(logs)))
        return epoch < 2  # False after the third epoch

    history = fit(mlp((2, 4, 2), seed=0), X, y, epochs=20, batch_size=None, callback=callback,
                  progress=False)
    assert history.epochs == 3
    assert seen == [(0, ["accuracy", "loss"]), (1, ["accuracy", "loss"]),
                    (2, ["accuracy", "loss"])]


def test_callback_returning_none_does_not_stop():
    X, y = xor()
    history = fit(mlp((2, 4, 2), seed=0), X, y, epochs=5, batch_size=None,
                  callback=lambda epoch, logs: None, progress=False)
    assert history.epochs == 5


# ------------------------------------------------------------------ divergence
def test_divergence_raises_and_names_the_learning_rate():
    X, y = regression_1d(n=40, seed=0)
    model = Sequential([Dense(1, 8, seed=0), Dense(8, 1, seed=1)])
    with np.errstate(over="ignore", invalid="ignore"), \
            pytest.raises(FloatingPointError) as err:
        fit(model, X * 100, y * 100, loss="mse", optimizer="sgd", lr=50.0, epochs=200,
            batch_size=None, progress=False)
    message = str(err.value)
    assert "diverged" in message and "learning rate" in message and "50.0" in message


def test_progress_bar_runs(capsys):
    X, y = xor()
    history = fit(mlp((2, 3, 2), seed=0), X, y, epochs=2, batch_size=None, progress=True)
    assert history.epochs == 2
    assert "training" in capsys.readouterr().err


def test_history_losses_are_plain_finite_floats(moons_data):
    X, y = moons_data
    history = fit(mlp((2, 4, 2), seed=0), X, y, epochs=2, progress=False, batch_size=40)
    assert all(isinstance(v, float) and math.isfinite(v) for v in history["loss"])
    assert all(0.0 <= v <= 1.0 for v in history["accuracy"])


def test_adam_optimizer_object_keeps_its_state_between_fits():
    X, y = xor()
    opt = Adam(lr=0.01)
    model = mlp((2, 4, 2), seed=0)
    fit(model, X, y, optimizer=opt, epochs=2, batch_size=None, progress=False)
    assert opt.t == 2
    fit(model, X, y, optimizer=opt, epochs=1, batch_size=None, progress=False)
    assert opt.t == 3


# ------------------------------------------------------------------ the lean training step
def test_skipping_the_training_set_evaluation_changes_no_weight(moons_data):
    X, y = moons_data
    runs = {}
    for evaluate_train in (True, False):
        model = mlp((2, 8, 2), seed=0)
        history = fit(model, X[:60], y[:60], epochs=5, batch_size=10, progress=False,
                      validation_data=(X[60:], y[60:]), evaluate_train=evaluate_train)
        runs[evaluate_train] = (model.parameters(), history)
    for p, q in zip(runs[True][0], runs[False][0]):
        np.testing.assert_array_equal(p, q)
    lean = runs[False][1]
    assert set(lean.history) == {"val_loss", "val_accuracy"} and lean.epochs == 5
    assert lean["val_loss"] == runs[True][1]["val_loss"]


def test_without_any_recorded_loss_a_diverging_run_is_still_caught():
    X, y = regression_1d(n=40, seed=0)
    with pytest.raises(FloatingPointError, match="a weight became nan or infinite"):
        with np.errstate(all="ignore"):
            fit(mlp((1, 4, 1), activation="tanh", output="linear", seed=0), X, y, loss="mse",
                optimizer=SGD(lr=1e200), epochs=5, progress=False, evaluate_train=False)


def test_one_blas_thread_during_fit_and_back_afterwards(moons_data):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    X, y = moons_data
    seen = []

    def record(epoch, logs):
        seen.append(max((i["num_threads"] for i in threadpoolctl.threadpool_info()
                         if i["user_api"] == "blas"), default=1))

    before = threadpoolctl.threadpool_info()
    fit(mlp((2, 8, 2), seed=0), X, y, epochs=2, progress=False, callback=record)
    assert seen == [1, 1]
    assert threadpoolctl.threadpool_info() == before


def test_a_float32_model_trains_in_float32_on_float64_data(moons_data):
    X, y = moons_data  # float64
    a, b = mlp((2, 8, 2), seed=0, dtype=np.float32), mlp((2, 8, 2), seed=0, dtype=np.float32)
    fit(a, X, y, epochs=2, batch_size=16, progress=False)
    fit(b, X.astype(np.float32), y, epochs=2, batch_size=16, progress=False)
    for p, q in zip(a.parameters(), b.parameters()):
        assert p.dtype == np.float32
        np.testing.assert_array_equal(p, q)
