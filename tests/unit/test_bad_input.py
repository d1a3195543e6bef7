"""Bad input at the public entry points: the right exception, and a message a beginner can use.

Every case checks the exception type and that the message names who complained (the layer
or function), what was expected, and what was received. ``CASES`` is one row per bad input
(the kinds: raw numpy/Python errors, misleading messages, silently accepted input); the
tests after it cover the inputs whose right answer is a note or a working fallback.
"""

from __future__ import annotations

import gc
import os
import tempfile
import warnings

import numpy as np
import pytest

from nnedu import activations, losses, optim
from nnedu.activations import relu, relu_derivative
from nnedu.gradcheck import check_function
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


def after_forward(layer, x):
    """The layer after one forward pass of x (so backward has something to work on)."""
    layer.forward(x, training=True)
    return layer


def reuse_optimizer(second):
    """Train model() with one Adam, then hand the same Adam to ``second``."""
    opt = optim.Adam(0.01)
    fit(model(), X, LABELS, optimizer=opt, epochs=1, batch_size=None, progress=False)
    return fit(second, X, LABELS, optimizer=opt, epochs=1, batch_size=None, progress=False)


def in_temp_folder(action):
    """Run ``action(folder)`` in a fresh temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        return action(folder)


def load_on_instance(folder):
    m = model()
    m.save(os.path.join(folder, "m.npz"))
    return m.load(os.path.join(folder, "m.npz"))


def load_file(folder, write):
    path = os.path.join(folder, "f.npz")
    with open(path, "wb") as file:
        write(file)
    return Sequential.load(path)


def estimator(**params):
    from nnedu.estimator import NNClassifier

    return NNClassifier(max_iter=1, **params).fit(X, LABELS)


def labels_with_nan():
    y = LABELS.astype(float)
    y[3] = np.nan
    return y


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
    # ---- formerly raw numpy/Python errors
    ("dense-backward-wrong-shape",
     lambda: after_forward(Dense(3, 2), np.ones((4, 3))).backward(np.ones((4, 3))), ValueError,
     ["dense.backward", "grad_output", "(4, 2)", "got shape (4, 3)"]),
    ("activation-backward-wrong-shape",
     lambda: after_forward(Activation("relu"), np.ones((4, 3))).backward(np.ones(3)), ValueError,
     ["relu.backward", "(4, 3)", "(3,)"]),
    ("dropout-backward-wrong-shape",
     lambda: after_forward(Dropout(0.5), np.ones((4, 3))).backward(np.ones((3, 4))), ValueError,
     ["dropout.backward", "(4, 3)", "(3, 4)"]),
    ("prelu-backward-wrong-shape",
     lambda: after_forward(PReLU(3), np.ones((4, 3))).backward(np.ones((4, 2))), ValueError,
     ["prelu.backward", "(4, 3)", "(4, 2)"]),
    ("network-backward-wrong-shape",
     lambda: (lambda m: (m.forward(X), m.backward(np.ones((20, 2)))))(model()), ValueError,
     ["softmax_1.backward", "(20, 3)", "(20, 2)"]),
    ("softmax-backward-wrong-shape",
     lambda: activations.softmax_backward(np.ones((2, 3)), np.ones((3, 2))), ValueError,
     ["softmax_backward", "(2, 3)", "(3, 2)"]),
    ("strings-into-dense", lambda: Dense(2, 1).forward([["a", "b"]]), TypeError,
     ["Dense layer 'dense'", "must be numbers", "'a'"]),
    ("strings-into-activation-layer", lambda: Activation("relu").forward([["x"]]), TypeError,
     ["Activation layer 'relu'", "must be numbers"]),
    ("strings-into-softmax", lambda: activations.softmax(["a", "b"]), TypeError,
     ["softmax", "must be numbers", "'a'"]),
    ("strings-into-sigmoid", lambda: activations.sigmoid("0.5x"), TypeError,
     ["sigmoid", "must be numbers"]),
    ("strings-into-predict", lambda: model().predict([["a", "b", "c"]]), TypeError,
     ["Sequential.predict_proba", "must be numbers"]),
    ("fit-string-X", lambda: fit_quick(X=[["a", "b", "c"]] * 20), TypeError,
     ["fit", "X must be numbers"]),
    ("fit-string-labels", lambda: fit_quick(y=np.array(["cat", "dog"] * 10)), TypeError,
     ["fit", "y must be numbers", "'cat'", "np.unique"]),
    ("fit-empty-X", lambda: fit_quick(X=np.empty((0, 3)), y=np.empty(0, dtype=int)), ValueError,
     ["fit", "X is empty", "(0, 3)", "at least one sample"]),
    ("fit-3d-y", lambda: fit_quick(y=LABELS.reshape(20, 1, 1)), ValueError,
     ["fit", "y must be", "(20, 1, 1)"]),
    ("optimizer-reused-other-shapes", lambda: reuse_optimizer(mlp((3, 5, 3), seed=1)),
     ValueError, ["Adam.step", "already took", "other shapes", "[(3, 5), (5,), (5, 3), (3,)]",
                  "new optimizer"]),
    ("step-gradient-wrong-shape",
     lambda: optim.SGD(0.1).step([np.ones((2, 2))], [np.ones(3)]), ValueError,
     ["SGD.step", "gradient 0", "(3,)", "(2, 2)"]),
    ("estimator-batch-size-full", lambda: estimator(batch_size="full"), ValueError,
     ["NNClassifier", "batch_size", "'auto'", "'full'"]),
    ("estimator-random-state-string", lambda: estimator(random_state="x"), ValueError,
     ["NNClassifier", "random_state", "whole number", "'x'"]),
    ("fit-seed-string", lambda: fit_quick(seed="x"), TypeError,
     ["fit", "seed", "whole number", "'x'"]),
    ("fit-validation-one-item", lambda: fit_quick(validation_data=(X,)), ValueError,
     ["fit (validation_data)", "pair (X_val, y_val)", "length 1"]),
    ("fit-validation-not-a-pair", lambda: fit_quick(validation_data=X), ValueError,
     ["fit (validation_data)", "pair (X_val, y_val)", "ndarray"]),
    ("save-into-missing-folder", lambda: model().save("no/such/folder/m.npz"), FileNotFoundError,
     ["Sequential.save", "'no/such/folder'", "does not exist", "os.makedirs"]),
    ("save-to-none", lambda: model().save(None), TypeError,
     ["Sequential.save", "file name", "None"]),
    ("load-none", lambda: Sequential.load(None), TypeError,
     ["Sequential.load", "file name", "None"]),
    ("load-a-folder", lambda: in_temp_folder(Sequential.load), ValueError,
     ["Sequential.load", "is a folder"]),
    ("load-single-array", lambda: in_temp_folder(
        lambda d: load_file(d, lambda f: np.save(f, np.ones(3)))), ValueError,
     ["Sequential.load", "not a readable nnedu model file", "single array"]),
    ("load-foreign-npz", lambda: in_temp_folder(
        lambda d: load_file(d, lambda f: np.savez(f, W=np.ones(3)))), ValueError,
     ["Sequential.load", "not written by Sequential.save"]),
    ("load-corrupt-file", lambda: in_temp_folder(
        lambda d: load_file(d, lambda f: f.write(b"PK\x03\x04 broken"))), ValueError,
     ["Sequential.load", "not a readable nnedu model file"]),
    # ---- formerly misleading messages
    ("fit-mse-on-softmax-labels", lambda: fit_quick(loss="mse"), ValueError,
     ["fit", "loss='mse'", "3 outputs", "shape (20,)", "categorical_cross_entropy",
      "one_hot(y, 3)"]),
    ("fit-bce-on-softmax-labels", lambda: fit_quick(loss="binary_cross_entropy"), ValueError,
     ["fit", "loss='binary_cross_entropy'", "3 outputs", "categorical_cross_entropy"]),
    ("mse-column-vs-flat", lambda: losses.mse(np.ones((4, 1)), np.ones(4)), ValueError,
     ["mse", "(4, 1)", "(4,)", "y_true.reshape(-1, 1)"]),
    ("mse-columns-vs-flat", lambda: losses.mse(np.ones((4, 3)), np.ones(4)), ValueError,
     ["mse", "(4, 3)", "(4,)", "3 columns", "one value per sample"]),
    ("fit-nan-label-shown", lambda: fit_quick(y=labels_with_nan()), ValueError,
     ["fit", "1 nan or inf", "(nan)", "index 3"]),
    ("estimator-validation-fraction-0.99",
     lambda: estimator(early_stopping=True, validation_fraction=0.99), ValueError,
     ["NNClassifier", "validation_fraction=0.99", "20 samples", "no sample to train on"]),
    ("estimator-validation-fraction-1.5",
     lambda: estimator(early_stopping=True, validation_fraction=1.5), ValueError,
     ["NNClassifier", "validation_fraction", "between 0 and 1", "1.5"]),
    ("adam-eps-zero", lambda: optim.Adam(eps=0), ValueError,
     ["Adam", "eps", "positive", "got 0", "nan"]),
    ("fit-validation-lengths", lambda: fit_quick(validation_data=(X, LABELS[:10])), ValueError,
     ["fit (validation_data)", "X_val has 20 samples", "y_val has 10"]),
    ("network-labels-for-one-hot",
     lambda: model().loss_and_backward(X, LABELS), ValueError,
     ["(20, 3)", "(20,)", "one_hot(y_true, 3)"]),
    # ---- formerly accepted silently
    ("load-on-an-instance", lambda: in_temp_folder(load_on_instance), TypeError,
     ["Sequential.load", "new network", "model = Sequential.load(path)"]),
    ("bce-given-logits",
     lambda: losses.binary_cross_entropy(np.array([[2.5], [-1.0]]), np.array([[1.0], [0.0]])),
     ValueError, ["binary_cross_entropy", "probabilities between 0 and 1", "-1 to 2.5",
                  "logits", "sigmoid_binary_cross_entropy(z, y_true)"]),
    ("bce-gradient-given-logits",
     lambda: losses.binary_cross_entropy_gradient(np.array([[3.0]]), np.array([[1.0]])),
     ValueError, ["binary_cross_entropy_gradient", "logits"]),
    ("cce-given-logits",
     lambda: losses.categorical_cross_entropy(np.array([[2.0, -1.0]]), np.array([[1.0, 0.0]])),
     ValueError, ["categorical_cross_entropy", "logits", "softmax_cross_entropy(z, y_true)"]),
    ("bce-targets-0-to-5",
     lambda: losses.binary_cross_entropy(np.full((2, 1), 0.5), np.array([[0.0], [5.0]])),
     ValueError, ["binary_cross_entropy", "y_true must be 0 or 1", "0 to 5"]),
    ("fit-bce-on-labels-0-to-5",
     lambda: fit(mlp((3, 4, 1), output="sigmoid"), X, np.arange(20) % 6,
                 loss="binary_cross_entropy", epochs=1, progress=False), ValueError,
     ["fit", "binary cross-entropy needs targets 0 or 1", "0 to 5", "categorical_cross_entropy",
      "0…5"]),
    ("optimizer-reused-same-shapes", lambda: reuse_optimizer(model()), ValueError,
     ["Adam.step", "same shapes", "another model", "new optimizer"]),
    ("adagrad-eps-negative", lambda: optim.Adagrad(eps=-1e-8), ValueError,
     ["Adagrad", "eps", "positive", "-1e-08"]),
    ("rmsprop-eps-zero", lambda: optim.RMSprop(eps=0.0), ValueError,
     ["RMSprop", "eps", "positive", "0.0"]),
    ("fit-epochs-true", lambda: fit_quick(epochs=True), ValueError,
     ["fit", "epochs", "whole number", "True"]),
    ("fit-batch-size-true", lambda: fit_quick(batch_size=True), ValueError,
     ["fit", "batch_size", "whole number", "True"]),
    ("fit-early-stopping-zero",
     lambda: fit_quick(validation_data=(X, LABELS), early_stopping=0), ValueError,
     ["fit", "early_stopping", "≥ 1", "got 0"]),
    ("estimator-max-iter-true", lambda: estimator().set_params(max_iter=True).fit(X, LABELS),
     ValueError, ["NNClassifier", "max_iter", "True"]),
    ("mlp-size-true", lambda: mlp((True, 3, 2)), ValueError, ["mlp", "sizes", "True"]),
    ("prelu-features-true", lambda: PReLU(True), ValueError, ["PReLU", "num_features", "True"]),
    ("sgd-momentum-string", lambda: optim.SGD(0.1, momentum="0.9"), ValueError,
     ["SGD", "momentum", "[0, 1)", "'0.9'"]),
    ("adam-beta2-true", lambda: optim.Adam(beta2=True), ValueError,
     ["Adam", "beta2", "[0, 1)", "True"]),
    ("weight-decay-true", lambda: optim.Adam(weight_decay=True), ValueError,
     ["Adam", "weight_decay", "≥ 0", "True"]),
    ("l1-infinite", lambda: optim.SGD(0.1, l1=float("inf")), ValueError,
     ["SGD", "l1", "≥ 0", "inf"]),
    ("schedule-not-a-function", lambda: optim.SGD(0.1, schedule=0.5), TypeError,
     ["SGD", "schedule", "cosine(100)", "0.5"]),
    ("cosine-true", lambda: optim.cosine(True), ValueError, ["cosine", "total_epochs", "True"]),
    ("dropout-rate-string", lambda: Dropout("0.5"), ValueError, ["Dropout", "[0, 1)", "'0.5'"]),
    ("unknown-optimizer-none", lambda: optim.get_optimizer(None), ValueError,
     ["Unknown optimizer None", "Choose one of"]),
    ("unknown-activation-none", lambda: Activation(None), ValueError,
     ["Unknown activation None", "Choose one of"]),
]


def test_there_are_at_least_100_distinct_cases():
    ids = [case[0] for case in CASES]
    assert len(set(ids)) == len(ids) >= 100


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


# ---- inputs whose right answer is not an exception

def test_a_batch_larger_than_the_data_means_the_full_batch_with_a_note(capsys):
    from nnedu.data import xor

    X4, y4 = xor()
    history = fit(mlp((2, 4, 1), output="sigmoid", seed=0), X4, y4, loss="binary_cross_entropy",
                  epochs=2, progress=False)  # the default batch_size=32 > 4 samples
    assert history.epochs == 2
    note = capsys.readouterr().out.strip()
    assert note.count("\n") == 0  # one line
    assert "batch_size=32" in note and "4 training samples" in note and "full-batch" in note


@pytest.mark.parametrize("damage", ["truncated", "not a zip"])
def test_a_corrupt_model_file_leaves_no_open_file(tmp_path, damage):
    path = tmp_path / "broken.npz"
    model().save(path)
    whole = path.read_bytes()
    path.write_bytes(whole[:len(whole) // 2] if damage == "truncated" else b"PK\x03\x04 broken")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="not a readable nnedu model file"):
            Sequential.load(path)
        gc.collect()  # an unclosed file handle warns when it is collected
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_gradient_check_at_a_kink_says_so():
    report = check_function(relu, relu_derivative, [0.0, 1.0, -1.0])
    assert not report.passed
    text = str(report)
    assert "z = 0 is a kink of relu" in text
    assert "0 from the left and 1 from the right" in text and "away from kinks" in text
    assert "kink" in report._repr_html_()
    assert check_function(relu, relu_derivative, [0.5, 1.0, -1.0]).notes == []


def test_a_regression_shape_hint_does_not_suggest_one_hot():
    with pytest.raises(ValueError) as info:
        losses.mse(np.ones((4, 1)), np.ones(4))
    assert "one_hot" not in str(info.value)


def test_the_optimizer_refusing_a_second_model_changed_nothing():
    opt = optim.Adam(0.01)
    first = model()
    fit(first, X, LABELS, optimizer=opt, epochs=1, batch_size=None, progress=False)
    second = model()
    before = [p.copy() for p in second.parameters()]
    with pytest.raises(ValueError):
        fit(second, X, LABELS, optimizer=opt, epochs=1, batch_size=None, progress=False)
    for p, b in zip(second.parameters(), before):
        np.testing.assert_array_equal(p, b)
    assert opt.t == 1  # the same optimizer keeps training its own model
    fit(first, X, LABELS, optimizer=opt, epochs=1, batch_size=None, progress=False)
    assert opt.t == 2
