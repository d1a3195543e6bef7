"""The training loop: show the network the data again and again, stepping downhill.

One *epoch* is one pass over the training set, cut into batches:

* batch gradient descent       ``batch_size=None``  one step per epoch, on all the data
* stochastic gradient descent  ``batch_size=1``     one step per sample
* mini-batch gradient descent  ``batch_size=32``    the usual compromise

For each batch: forward → backward → optimizer step (the loss *value* is not needed for a
step, only its gradient). After each epoch the loss and accuracy on the whole training set
(and on the validation data) are written to the history.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

import numpy as np

from nnedu._validate import as_float_array, check_2d, check_features, check_finite
from nnedu.layers import Activation
from nnedu.losses import get_loss
from nnedu.network import Sequential, _fused_pair
from nnedu.optim import Optimizer, get_optimizer

Array = np.ndarray
#: Accuracy means something only for these losses (for regression it is left out).
CLASSIFICATION_LOSSES = ("binary_cross_entropy", "categorical_cross_entropy")


class History:
    """Per-epoch records: ``history["loss"]``, ``history["val_accuracy"]``, …

    ``loss`` and ``accuracy`` are measured on the *whole training set after the epoch's last
    step*, in evaluation mode (dropout off): the model as it stands at the end of the epoch.
    (Keras prints instead the average over the epoch's batches, measured while the weights
    were still changing and with dropout on, so its training loss lags behind.) With
    ``fit(..., evaluate_train=False)`` they are not recorded, which saves one pass over the
    training data per epoch. ``val_loss`` / ``val_accuracy``: the same on the validation data.
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.best_epoch: int | None = None
        self.stopped_early = False
        self._epochs = 0

    def record(self, logs: dict[str, float]) -> None:
        self._epochs += 1
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)

    def __getitem__(self, key: str) -> list[float]:
        if key not in self.history:
            raise KeyError(f"History has no {key!r}; it has {sorted(self.history)}.")
        return self.history[key]

    def __contains__(self, key: str) -> bool:
        return key in self.history

    @property
    def epochs(self) -> int:
        """How many epochs were recorded."""
        return self._epochs

    def __repr__(self) -> str:
        last = {k: round(v[-1], 4) for k, v in self.history.items() if v}
        return f"History(epochs={self.epochs}, last={last})"


def prepare_targets(model: Sequential, y: Array, loss: str, where: str = "fit") -> Array:
    """Bring y into the shape the loss needs.

    * integer labels with categorical cross-entropy become one-hot rows;
    * a 1-D target for a network with one output becomes a column (n, 1).
    """
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(
            f"{where}: y must be numbers (class labels 0, 1, 2, … or target values), got "
            f"{y.dtype.name} values such as {y.ravel()[:3].tolist()}. Turn text labels into "
            f"numbers first, e.g. names, y = np.unique(y, return_inverse=True)."
        )
    if y.ndim not in (1, 2) or len(y) == 0:
        raise ValueError(f"{where}: y must be a list of labels (n_samples,) or a table "
                         f"(n_samples, n_outputs) with at least one sample; got shape {y.shape}.")
    check_finite(y, where, "y")
    out_layer = next((layer for layer in reversed(model.layers) if hasattr(layer, "out_features")),
                     None)
    n_out = out_layer.out_features if out_layer is not None else None
    if loss == "categorical_cross_entropy" and y.ndim == 1:
        if y.dtype.kind not in "biu" and not np.all(np.mod(y, 1) == 0):
            raise ValueError(f"{where}: categorical cross-entropy needs class labels 0, 1, 2, … "
                             f"or one-hot rows; got non-integer values such as {y[:3]}.")
        labels = y.astype(int)
        if n_out is not None and (labels.min() < 0 or labels.max() >= n_out):
            raise ValueError(
                f"{where}: labels must be between 0 and {n_out - 1} for a network with {n_out} "
                f"outputs, got labels from {labels.min()} to {labels.max()}."
            )
        y = np.eye(n_out if n_out is not None else labels.max() + 1)[labels]
    elif y.ndim == 1:
        if n_out is not None and n_out > 1:
            raise ValueError(
                f"{where}: loss={loss!r} compares each of the network's {n_out} outputs with a "
                f"target, so y needs {n_out} columns, but got one value per sample (shape "
                f"{y.shape}). For class labels 0…{n_out - 1} use "
                f"loss='categorical_cross_entropy' (the softmax output), or give one-hot rows: "
                f"nnedu.data.one_hot(y, {n_out})."
            )
        y = y.reshape(-1, 1)
    y = as_float_array(y, where, "y")
    if loss == "binary_cross_entropy" and (y.min() < 0 or y.max() > 1):
        k = int(y.max()) + 1
        raise ValueError(
            f"{where}: binary cross-entropy needs targets 0 or 1 (or probabilities between), "
            f"got values from {y.min():g} to {y.max():g}. For {k} classes use a softmax output "
            f"with loss='categorical_cross_entropy' and labels 0…{k - 1}."
        )
    if n_out is not None and y.shape[1] != n_out:
        raise ValueError(
            f"{where}: the network has {n_out} output(s) but y has {y.shape[1]} column(s). "
            f"For {n_out} classes give labels 0…{n_out - 1} or one-hot rows of length {n_out}."
        )
    return y


def accuracy_of(model: Sequential, output: Array, y: Array) -> float:
    """Fraction of samples whose predicted class equals the true class."""
    last = model.layers[-1]
    if output.shape[1] == 1:  # one output: a yes/no decision at 0.5
        threshold = 0.5 if isinstance(last, Activation) and last.activation == "sigmoid" else 0.5
        return float(np.mean((output[:, 0] >= threshold) == (y[:, 0] >= 0.5)))
    return float(np.mean(np.argmax(output, axis=1) == np.argmax(y, axis=1)))


def evaluate(model: Sequential, X: Array, y: Array, loss: str,
             metrics: Sequence[str] = ("accuracy",)) -> dict[str, float]:
    """Loss (and accuracy) of the model on (X, y), in evaluation mode (dropout off)."""
    output = model.forward(X, training=False)
    fused = _fused_pair(model.layers[-1], loss)
    value = fused[0](model.layers[-1].z, y) if fused else get_loss(loss)[0](output, y)
    logs = {"loss": value}
    if "accuracy" in metrics and loss in CLASSIFICATION_LOSSES:
        logs["accuracy"] = accuracy_of(model, output, y)
    return logs


def _check_inputs(model: Sequential, X: Array, where: str) -> Array:
    X = as_float_array(X, where, "X")
    if X.ndim >= 1 and len(X) == 0:
        raise ValueError(f"{where}: X is empty (shape {X.shape}); training needs at least one "
                         f"sample. Check the data loading or the split.")
    if X.ndim != 4:  # images (batch, channels, height, width): the Conv2D layer checks those
        check_2d(X, where, "X")
    check_finite(X, where, "X")
    if model.in_features is not None and X.ndim == 2:
        check_features(X, model.in_features, where)
    dtypes = {p.dtype for p in model.parameters()}
    if len(dtypes) == 1 and X.dtype != (dtype := dtypes.pop()):
        X = X.astype(dtype)  # a float32 model trains in float32, even on float64 data
    return X


def train_epoch(model: Sequential, optimizer: Optimizer, X: Array, y: Array, loss: str,
                batch_size: int, rng: np.random.Generator) -> None:
    """One epoch of mini-batch gradient descent, the inner loop of ``fit``:

    1. ``order = rng.permutation(m)`` shuffles the m training rows;
    2. for every batch ``order[start:start + batch_size]``: one forward and backward pass
       (``model.loss_and_backward``) and one optimizer step on all parameters.

    ``y`` holds the targets as the loss wants them (``prepare_targets``); ``model`` and
    ``optimizer`` change in place.
    """
    params = model.parameters()
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        batch = order[start:start + batch_size]
        model.loss_and_backward(X[batch], y[batch], loss, value=False)
        optimizer.step(params, model.gradients())


def fit(model: Sequential, X: Array, y: Array, *, loss: str = "categorical_cross_entropy",
        optimizer: str | Optimizer = "adam", lr: float | None = None, epochs: int = 100,
        batch_size: int | None = 32, validation_data: tuple[Array, Array] | None = None,
        early_stopping: int | None = None, restore_best: bool = True, seed: int | None = 0,
        progress: bool = True, metrics: Sequence[str] = ("accuracy",),
        callback: Callable[[int, dict[str, float]], object] | None = None,
        evaluate_train: bool = True, clip_norm: float | None = None) -> History:
    """Train ``model`` on (X, y) and return the per-epoch History.

    X: (n_samples, n_features). y: class labels (n_samples,), one-hot (n_samples, classes)
    or regression targets. ``optimizer`` is a name ("sgd", "momentum", "adam", …) or an
    Optimizer object; ``lr`` sets its learning rate when a name is given.
    ``batch_size`` larger than the data means the full batch (a one-line note says so).
    ``early_stopping=k`` stops after k epochs without a lower validation loss and, with
    ``restore_best``, puts back the weights of the best epoch. ``callback(epoch, logs)`` is
    called after every epoch (for live plots); returning ``False`` stops training.
    ``evaluate_train=False`` skips scoring the whole training set after each epoch (faster;
    the history then holds only the validation entries, see ``History``).
    ``clip_norm=c`` clips the gradients by global norm before each step, g ← g · min(1, c/‖g‖)
    (with an optimizer name; an Optimizer object takes it as ``Adam(clip_norm=c)``).
    The same ``seed`` gives the same batches, so the same weights, bit for bit.
    """
    get_loss(loss)  # unknown names fail here, before any work
    X = _check_inputs(model, X, "fit")
    y = prepare_targets(model, y, loss).astype(X.dtype, copy=False)  # float32 stays float32
    if len(X) != len(y):
        raise ValueError(f"fit: X has {len(X)} samples but y has {len(y)}; they must match.")
    _check_whole_number(epochs, "epochs", "e.g. epochs=100")
    n = len(X)
    if batch_size is None:
        batch_size = n
    _check_whole_number(batch_size, "batch_size", "or None for the full batch")
    if batch_size > n:
        print(f"fit: batch_size={batch_size} is more than the {n} training samples, so each "
              f"step uses all {n} (full-batch gradient descent).")
        batch_size = n
    if seed is not None and (not isinstance(seed, (int, np.integer)) or isinstance(seed, bool)):
        raise TypeError(f"fit: seed must be a whole number such as 0 (or None for a different "
                        f"run each time), got {seed!r}.")
    if early_stopping is not None:
        if validation_data is None:
            raise ValueError("fit: early_stopping watches the validation loss, so it needs "
                             "validation_data=(X_val, y_val).")
        _check_whole_number(early_stopping, "early_stopping", "the patience in epochs, e.g. 10")
    if isinstance(optimizer, str):
        settings = {} if lr is None else {"lr": lr}
        if clip_norm is not None:
            settings["clip_norm"] = clip_norm
        optimizer = get_optimizer(optimizer, **settings)
    elif not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be a name such as 'adam' or an Optimizer object, "
                        f"got {type(optimizer).__name__}.")
    elif lr is not None:
        raise ValueError(f"fit: lr={lr} would be ignored because the optimizer object already "
                         f"has lr={optimizer.lr}. Set it there, e.g. Adam(lr={lr}).")
    elif clip_norm is not None:
        raise ValueError(f"fit: clip_norm={clip_norm} would be ignored because an optimizer "
                         f"object was given. Set it there, e.g. "
                         f"{type(optimizer).__name__}(clip_norm={clip_norm}).")
    if validation_data is not None:
        X_val, y_val = _check_validation(model, validation_data, loss)

    rng = np.random.default_rng(seed)
    params = model.parameters()
    history = History()
    best_loss, best_weights, waited = np.inf, None, 0
    bar = _progress_bar(epochs, progress)
    with _one_blas_thread_if_small(batch_size, params):
        for epoch in range(epochs):
            optimizer.set_epoch(epoch)
            train_epoch(model, optimizer, X, y, loss, batch_size, rng)
            logs = evaluate(model, X, y, loss, metrics) if evaluate_train else {}
            if validation_data is not None:
                logs.update({f"val_{k}": v for k, v in evaluate(model, X_val, y_val, loss,
                                                                 metrics).items()})
            history.record(logs)
            if bar is not None:
                bar.update(1)
                bar.set_postfix({k: f"{v:.4f}" for k, v in logs.items()}, refresh=False)
            _stop_if_diverged(logs, params, epoch, optimizer, bar)
            if validation_data is not None and logs["val_loss"] < best_loss:
                best_loss, waited, history.best_epoch = logs["val_loss"], 0, epoch
                best_weights = [p.copy() for p in params]
            else:
                waited += 1
            if callback is not None and callback(epoch, logs) is False:
                break
            if early_stopping is not None and waited >= early_stopping:
                history.stopped_early = True
                break
    _close(bar)
    if early_stopping is not None and restore_best and best_weights is not None:
        for p, best in zip(params, best_weights):
            p[...] = best
    return history


def _check_whole_number(value: object, name: str, hint: str) -> None:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"fit: {name} must be a whole number ≥ 1 ({hint}), got {value!r}.")


def _check_validation(model: Sequential, validation_data: object,
                      loss: str) -> tuple[Array, Array]:
    """(X_val, y_val) checked like (X, y), before any training happens."""
    where = "fit (validation_data)"
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        got = (f"a {type(validation_data).__name__} of length {len(validation_data)}"
               if isinstance(validation_data, (tuple, list)) else type(validation_data).__name__)
        raise ValueError(f"{where}: give a pair (X_val, y_val), got {got}. "
                         f"Example: validation_data=(digits.X_val, digits.y_val).")
    X_val = _check_inputs(model, validation_data[0], where)
    y_val = prepare_targets(model, validation_data[1], loss, where)
    if len(X_val) != len(y_val):
        raise ValueError(f"{where}: X_val has {len(X_val)} samples but y_val has "
                         f"{len(y_val)}; they must match.")
    return X_val, y_val.astype(X_val.dtype, copy=False)


def _stop_if_diverged(logs: dict[str, float], params: list[Array], epoch: int,
                      optimizer: Optimizer, bar) -> None:
    """Raise if the loss (or, when no loss was recorded, a weight) is nan or infinite."""
    key = "loss" if "loss" in logs else "val_loss" if "val_loss" in logs else None
    if key is not None:
        bad = not np.isfinite(logs[key])
        what = f"the {key.replace('_', ' ')} became {logs[key]}"
    else:
        bad = not all(np.isfinite(p).all() for p in params)
        what = "a weight became nan or infinite"
    if bad:
        _close(bar)
        raise FloatingPointError(
            f"fit: {what} at epoch {epoch + 1}: training diverged. "
            f"Try a smaller learning rate (now {optimizer.lr})."
        )


def _one_blas_thread_if_small(batch_size: int, params: list[Array]):
    """Small matrix products run fastest on one BLAS thread: more threads only wait for each
    other (measured ~30 % faster for the digits). Uses threadpoolctl if it is installed."""
    biggest = max((p.size for p in params), default=0)
    if batch_size * biggest > 2 ** 24:  # the full 1,437 digits through 64×64 weights: 5.9e6
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _progress_bar(total: int, enabled: bool):
    """A tqdm bar: a widget in Jupyter, text in a terminal (``tqdm.auto`` picks)."""
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="training", unit="epoch", leave=True)


def _close(bar) -> None:
    if bar is not None:
        bar.close()
