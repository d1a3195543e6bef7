"""Bad input at the public entry points: the right exception, and a message a beginner can use.

Every case checks the exception type and that the message names who complained (the layer
or function), what was expected, and what was received.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnedu import activations, losses, optim
from nnedu.layers import Activation, Dense, Dropout, PReLU
from nnedu.network import Sequential, mlp
from nnedu.neuron import Neuron
from nnedu.train import fit

X = np.random.default_rng(0).normal(size=(20, 3))
LABELS = np.arange(20) % 3


def model() -> Sequential:
    return mlp((3, 4, 3), seed=0)


def fit_quick(**kwargs):
    """fit() on valid data with small defaults; ``kwargs`` override one thing."""
    args = {"model": model(), "X": X, "y": LABELS, "epochs": 1, "batch_size": None,
            "progress": False}
    args.update(kwargs)
    m, x, y = args.pop("model"), args.pop("X"), args.pop("y")
    return fit(m, x, y, **args)


def with_nan(a: np.ndarray) -> np.ndarray:
    a = a.astype(float).copy()
    a[2, 0] = np.nan
    return a


def dense_forward_twice():
    d = Dense(3, 2)
    d.forward(np.ones((2, 3)))
    return d


# (id, call, exception type, fragments that must all be in the message)
CASES = [
    # ---- shapes of the inputs
    ("dense-wrong-features", lambda: Dense(3, 2).forward(np.ones((4, 5))), ValueError,
     ["Dense layer 'dense'", "expected 3 input feature(s)", "got 5", "(4, 5)"]),
    ("dense-1d-input", lambda: Dense(3, 2).forward(np.ones(3)), ValueError,
     ["Dense layer 'dense'", "2-D", "1-D", "(3,)", "reshape(1, -1)"]),
    ("dense-3d-input", lambda: Dense(3, 2).forward(np.ones((2, 3, 1))), ValueError,
     ["Dense layer 'dense'", "2-D", "(2, 3, 1)"]),
    ("prelu-wrong-features", lambda: PReLU(4).forward(np.ones((2, 3))), ValueError,
     ["PReLU layer 'prelu'", "expected 4", "got 3"]),
    ("predict-wrong-features", lambda: model().predict(np.ones((2, 5))), ValueError,
     ["Dense layer 'dense_1'", "expected 3", "got 5"]),
    ("predict-1d", lambda: model().predict(np.ones(3)), ValueError,
     ["Sequential.predict_proba", "2-D", "1-D", "(3,)"]),
    ("predict-nan", lambda: model().predict(with_nan(np.ones((4, 3)))), ValueError,
     ["Sequential.predict_proba", "1 nan or inf"]),
    ("fit-wrong-features", lambda: fit_quick(X=X[:, :2]), ValueError,
     ["fit", "expected 3 input feature(s)", "got 2"]),
    ("fit-1d-X", lambda: fit_quick(X=X[:, 0]), ValueError,
     ["fit", "2-D", "1-D", "(20,)"]),
    ("fit-nan-in-X", lambda: fit_quick(X=with_nan(X)), ValueError,
     ["fit", "1 nan or inf"]),
    ("fit-X-y-lengths", lambda: fit_quick(y=LABELS[:15]), ValueError,
     ["fit", "20 samples", "15"]),
    ("fit-validation-features", lambda: fit_quick(validation_data=(X[:, :2], LABELS)),
     ValueError, ["fit (validation_data)", "expected 3", "got 2"]),
    # ---- labels and targets
    ("fit-one-hot-width", lambda: fit_quick(y=np.eye(2)[LABELS % 2]), ValueError,
     ["fit", "3 output(s)", "2 column(s)"]),
    ("fit-labels-out-of-range", lambda: fit_quick(y=np.arange(20) % 5), ValueError,
     ["fit", "between 0 and 2", "3 outputs", "0 to 4"]),
    ("fit-negative-labels", lambda: fit_quick(y=-(np.arange(20) % 3)), ValueError,
     ["fit", "between 0 and 2", "-2 to 0"]),
    ("fit-non-integer-labels", lambda: fit_quick(y=np.full(20, 0.5)), ValueError,
     ["fit", "class labels 0, 1, 2", "0.5"]),
    ("loss-labels-vs-one-hot",
     lambda: losses.categorical_cross_entropy(np.full((4, 3), 1 / 3), np.array([0, 1, 2, 0])),
     ValueError, ["categorical_cross_entropy", "(4, 3)", "(4,)", "one_hot(y_true, 3)"]),
    ("loss-shape-mismatch", lambda: losses.mse(np.ones((4, 2)), np.ones((3, 2))), ValueError,
     ["mse", "(4, 2)", "(3, 2)"]),
    ("loss-column-vs-flat", lambda: losses.mae(np.ones(4), np.ones((4, 1))), ValueError,
     ["mae", "(4,)", "(4, 1)", "reshape(-1, 1)"]),
    ("loss-empty", lambda: losses.binary_cross_entropy(np.ones((0, 1)), np.ones((0, 1))),
     ValueError, ["binary_cross_entropy", "empty", "at least one sample"]),
    ("loss-not-numbers", lambda: losses.mse([["a"]], [[1.0]]), TypeError,
     ["mse", "y_pred must be numbers", "'a'"]),
    # ---- unknown names, with the closest one suggested
    ("unknown-activation", lambda: activations.get_activation("rleu"), ValueError,
     ["Unknown activation 'rleu'", "Did you mean 'relu'?", "Choose one of"]),
    ("unknown-activation-layer", lambda: Activation("softmx"), ValueError,
     ["Unknown activation 'softmx'", "Did you mean 'softmax'?"]),
    ("unknown-activation-mlp", lambda: mlp((2, 3, 1), activation="sigmod"), ValueError,
     ["Unknown activation 'sigmod'", "Did you mean 'sigmoid'?"]),
    ("unknown-activation-neuron", lambda: Neuron([1.0], activation="tanhh"), ValueError,
     ["Unknown activation 'tanhh'", "Did you mean 'tanh'?"]),
    ("unknown-optimizer", lambda: optim.get_optimizer("adma"), ValueError,
     ["Unknown optimizer 'adma'", "Did you mean 'adam'?", "sgd"]),
    ("unknown-optimizer-fit", lambda: fit_quick(optimizer="adma"), ValueError,
     ["Unknown optimizer 'adma'", "Did you mean 'adam'?"]),
    ("unknown-loss", lambda: losses.get_loss("mes"), ValueError,
     ["Unknown loss 'mes'", "Did you mean 'mse'?", "binary_cross_entropy"]),
    ("unknown-loss-fit", lambda: fit_quick(loss="categorical_crossentropy"), ValueError,
     ["Unknown loss 'categorical_crossentropy'",
      "Did you mean 'categorical_cross_entropy'?"]),
    ("unknown-loss-network", lambda: model().loss_and_backward(X, np.eye(3)[LABELS], "maae"),
     ValueError, ["Unknown loss 'maae'", "Did you mean 'mae'?"]),
    ("unknown-initialiser", lambda: Dense(2, 3, init="hee"), ValueError,
     ["Unknown initialiser 'hee'", "Did you mean 'he'?", "xavier"]),
    # ---- hyper-parameters out of range
    ("negative-lr", lambda: optim.SGD(lr=-1), ValueError,
     ["SGD", "learning rate", "positive", "-1"]),
    ("zero-lr-adam", lambda: optim.Adam(lr=0.0), ValueError, ["Adam", "positive", "0.0"]),
    ("negative-lr-fit", lambda: fit_quick(optimizer="sgd", lr=-0.5), ValueError,
     ["SGD", "learning rate", "positive", "-0.5"]),
    ("momentum-1", lambda: optim.SGD(lr=0.1, momentum=1.0), ValueError,
     ["SGD", "momentum", "[0, 1)", "1.0"]),
    ("nesterov-without-momentum", lambda: optim.SGD(lr=0.1, nesterov=True), ValueError,
     ["SGD", "nesterov=True", "momentum > 0"]),
    ("adam-beta1", lambda: optim.Adam(beta1=1.0), ValueError, ["Adam", "beta1", "[0, 1)", "1.0"]),
    ("rmsprop-rho", lambda: optim.RMSprop(rho=-0.1), ValueError, ["RMSprop", "rho", "-0.1"]),
    ("negative-weight-decay", lambda: optim.Adagrad(weight_decay=-0.01), ValueError,
     ["Adagrad", "weight_decay", "≥ 0", "-0.01"]),
    ("cosine-zero-epochs", lambda: optim.cosine(0), ValueError,
     ["cosine", "total_epochs", "positive", "0"]),
    ("step-params-grads", lambda: optim.SGD(0.1).step([np.ones(2)], []), ValueError,
     ["SGD.step", "1 parameters", "0 gradients"]),
    ("dropout-rate-1", lambda: Dropout(1.0), ValueError, ["Dropout", "[0, 1)", "1.0"]),
    ("dropout-rate-negative", lambda: Dropout(-0.2), ValueError, ["Dropout", "[0, 1)", "-0.2"]),
    ("dropout-rate-in-mlp", lambda: mlp((2, 3, 1), dropout=1.5), ValueError,
     ["Dropout", "[0, 1)", "1.5"]),
    ("batch-size-too-large", lambda: fit_quick(batch_size=21), ValueError,
     ["fit", "batch_size=21", "20 training samples"]),
    ("batch-size-zero", lambda: fit_quick(batch_size=0), ValueError,
     ["fit", "batch_size", "≥ 1", "got 0"]),
    ("epochs-zero", lambda: fit_quick(epochs=0), ValueError, ["fit", "epochs", "≥ 1", "got 0"]),
    ("epochs-fraction", lambda: fit_quick(epochs=2.5), ValueError,
     ["fit", "epochs", "whole number", "2.5"]),
    ("early-stopping-without-validation", lambda: fit_quick(early_stopping=3), ValueError,
     ["fit", "early_stopping", "validation_data"]),
    ("optimizer-wrong-type", lambda: fit_quick(optimizer=0.01), TypeError,
     ["fit", "optimizer", "'adam'", "float"]),
    ("dense-zero-units", lambda: Dense(3, 0), ValueError,
     ["Dense", "out_features", "≥ 1", "got 0"]),
    ("dense-float-units", lambda: Dense(2.5, 3), ValueError, ["Dense", "in_features", "2.5"]),
    ("prelu-zero-features", lambda: PReLU(0), ValueError, ["PReLU", "num_features", "got 0"]),
    ("mlp-one-size", lambda: mlp((4,)), ValueError, ["mlp", "sizes", "[4]"]),
    # ---- order of calls and building networks
    ("dense-backward-before-forward", lambda: Dense(3, 2).backward(np.ones((1, 2))),
     RuntimeError, ["dense", "backward() was called before forward()"]),
    ("activation-backward-before-forward",
     lambda: Activation("tanh").backward(np.ones((1, 2))), RuntimeError,
     ["tanh", "backward() was called before forward()"]),
    ("dropout-backward-before-forward", lambda: Dropout(0.5).backward(np.ones((1, 2))),
     RuntimeError, ["dropout", "backward() was called before forward()"]),
    ("gradients-before-backward", lambda: model().gradients(), RuntimeError,
     ["dense_1", "no gradient for 'W'", "backward()"]),
    ("sequential-mismatched-dense",
     lambda: Sequential([Dense(2, 3), Activation("relu"), Dense(4, 1)]), ValueError,
     ["Sequential", "'dense_1' outputs 3", "'dense_2' expects 4"]),
    ("sequential-non-layer", lambda: Sequential([Dense(2, 3), "relu"]), TypeError,
     ["Sequential", "item 1", "str", "not a layer", "Activation('relu')"]),
    ("sequential-empty", lambda: Sequential([]), ValueError, ["Sequential", "at least one layer"]),
    # ---- the single neuron
    ("neuron-wrong-length", lambda: Neuron([0.5, -1.0]).forward([1.0, 2.0, 3.0]), ValueError,
     ["Neuron", "2 weight(s)", "shape (3,)"]),
    ("neuron-2d-weights", lambda: Neuron([[0.5, -1.0]]), ValueError,
     ["Neuron", "weights", "flat", "(1, 2)"]),
    ("neuron-nan-weights", lambda: Neuron([np.nan, 1.0]), ValueError,
     ["Neuron", "weights", "1 nan or inf"]),
    ("neuron-explain-batch", lambda: Neuron([0.5, -1.0]).explain([[1.0, 2.0]]), ValueError,
     ["Neuron.explain", "one sample", "(2,)", "(1, 2)"]),
    ("load-missing-file", lambda: Sequential.load("no/such/model.npz"), FileNotFoundError,
     ["Sequential.load", "no file", "no/such/model.npz"]),
]


def test_there_are_at_least_25_distinct_cases():
    ids = [case[0] for case in CASES]
    assert len(set(ids)) == len(ids) >= 25


@pytest.mark.parametrize(("call", "error", "fragments"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input_is_explained(call, error, fragments):
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error  # not a subclass such as a bare numpy error
    message = str(info.value)
    missing = [f for f in fragments if f not in message]
    assert not missing, f"message {message!r} lacks {missing}"


def test_errors_leave_the_network_usable():
    m = model()
    with pytest.raises(ValueError):
        m.predict(np.ones((2, 5)))
    assert m.predict(np.ones((2, 3))).shape == (2,)


def test_nan_in_targets_is_named_before_training():
    Xr = np.random.default_rng(0).normal(size=(10, 2))
    y = Xr.sum(axis=1)
    y[3] = np.nan
    with np.errstate(invalid="ignore"), pytest.raises(ValueError, match=r"fit: .*nan"):
        fit(mlp((2, 4, 1), output="linear"), Xr, y, loss="mse", epochs=1, batch_size=None,
            progress=False)


def test_mlp_refuses_a_negative_dropout_rate():
    with pytest.raises(ValueError, match=r"Dropout.*\[0, 1\).*-0\.2"):
        mlp((2, 3, 1), dropout=-0.2)


def test_infinite_learning_rate_is_refused():
    with pytest.raises(ValueError, match=r"SGD: the learning rate lr .*inf"):
        optim.SGD(lr=float("inf"))
