"""The training loop: show the network the data again and again, stepping downhill.

One *epoch* is one pass over the training set, cut into batches:

* batch gradient descent       ``batch_size=None``  one step per epoch, on all the data
* stochastic gradient descent  ``batch_size=1``     one step per sample
* mini-batch gradient descent  ``batch_size=32``    the usual compromise

For each batch: forward → loss → backward → optimizer step. After each epoch the loss and
accuracy on the training (and validation) data are written to the history.
"""

from __future__ import annotations

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
    """Per-epoch records: ``history["loss"]``, ``history["val_accuracy"]``, …"""

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.best_epoch: int | None = None
        self.stopped_early = False

    def record(self, logs: dict[str, float]) -> None:
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
        return len(self.history.get("loss", []))

    def __repr__(self) -> str:
        last = {k: round(v[-1], 4) for k, v in self.history.items() if v}
        return f"History(epochs={self.epochs}, last={last})"


def prepare_targets(model: Sequential, y: Array, loss: str, where: str = "fit") -> Array:
    """Bring y into the shape the loss needs.

    * integer labels with categorical cross-entropy become one-hot rows;
    * a 1-D target for a network with one output becomes a column (n, 1).
    """
    y = np.asarray(y)
    out_layer = next((layer for layer in reversed(model.layers) if hasattr(layer, "out_features")),
                     None)
    n_out = out_layer.out_features if out_layer is not None else None
    if loss == "categorical_cross_entropy" and y.ndim == 1:
        if y.dtype.kind not in "iu" and not np.all(np.mod(y, 1) == 0):
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
        y = y.reshape(-1, 1)
    y = as_float_array(y, where, "y")
    check_finite(y, where, "y")
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
    if X.ndim != 4:  # images (batch, channels, height, width): the Conv2D layer checks those
        check_2d(X, where, "X")
    check_finite(X, where, "X")
    if model.in_features is not None and X.ndim == 2:
        check_features(X, model.in_features, where)
    return X


def fit(model: Sequential, X: Array, y: Array, *, loss: str = "categorical_cross_entropy",
        optimizer: str | Optimizer = "adam", lr: float | None = None, epochs: int = 100,
        batch_size: int | None = 32, validation_data: tuple[Array, Array] | None = None,
        early_stopping: int | None = None, restore_best: bool = True, seed: int | None = 0,
        progress: bool = True, metrics: Sequence[str] = ("accuracy",),
        callback: Callable[[int, dict[str, float]], object] | None = None) -> History:
    """Train ``model`` on (X, y) and return the per-epoch History.

    X: (n_samples, n_features). y: class labels (n_samples,), one-hot (n_samples, classes)
    or regression targets. ``optimizer`` is a name ("sgd", "momentum", "adam", …) or an
    Optimizer object; ``lr`` sets its learning rate when a name is given.
    ``early_stopping=k`` stops after k epochs without a lower validation loss and, with
    ``restore_best``, puts back the weights of the best epoch. ``callback(epoch, logs)`` is
    called after every epoch (for live plots); returning ``False`` stops training.
    The same ``seed`` gives the same batches, so the same weights, bit for bit.
    """
    get_loss(loss)  # unknown names fail here, before any work
    X = _check_inputs(model, X, "fit")
    y = prepare_targets(model, y, loss).astype(X.dtype, copy=False)  # float32 stays float32
    if len(X) != len(y):
        raise ValueError(f"fit: X has {len(X)} samples but y has {len(y)}; they must match.")
    if not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"fit: epochs must be a whole number ≥ 1, got {epochs!r}.")
    n = len(X)
    if batch_size is None:
        batch_size = n
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"fit: batch_size must be a whole number ≥ 1 (or None for the full "
                         f"batch), got {batch_size!r}.")
    if batch_size > n:
        raise ValueError(f"fit: batch_size={batch_size} is larger than the {n} training samples. "
                         f"Use batch_size={n} (or None) for full-batch gradient descent.")
    if early_stopping is not None and validation_data is None:
        raise ValueError("fit: early_stopping watches the validation loss, so it needs "
                         "validation_data=(X_val, y_val).")
    if isinstance(optimizer, str):
        optimizer = get_optimizer(optimizer, **({} if lr is None else {"lr": lr}))
    elif not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be a name such as 'adam' or an Optimizer object, "
                        f"got {type(optimizer).__name__}.")
    elif lr is not None:
        raise ValueError(f"fit: lr={lr} would be ignored because the optimizer object already "
                         f"has lr={optimizer.lr}. Set it there, e.g. Adam(lr={lr}).")
    if validation_data is not None:
        X_val = _check_inputs(model, validation_data[0], "fit (validation_data)")
        y_val = prepare_targets(model, validation_data[1], loss, "fit (validation_data)")
        y_val = y_val.astype(X_val.dtype, copy=False)

    rng = np.random.default_rng(seed)
    params = model.parameters()
    history = History()
    best_loss, best_weights, waited = np.inf, None, 0
    bar = _progress_bar(epochs, progress)
    for epoch in range(epochs):
        optimizer.set_epoch(epoch)
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            model.loss_and_backward(X[batch], y[batch], loss)
            optimizer.step(params, model.gradients())
        logs = evaluate(model, X, y, loss, metrics)
        if validation_data is not None:
            logs.update({f"val_{k}": v for k, v in evaluate(model, X_val, y_val, loss,
                                                             metrics).items()})
        history.record(logs)
        if bar is not None:
            bar.update(1)
            bar.set_postfix({k: f"{v:.4f}" for k, v in logs.items()}, refresh=False)
        if not np.isfinite(logs["loss"]):
            _close(bar)
            raise FloatingPointError(
                f"fit: the loss became {logs['loss']} at epoch {epoch + 1}: training diverged. "
                f"Try a smaller learning rate (now {optimizer.lr})."
            )
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


def _progress_bar(total: int, enabled: bool):
    """A tqdm bar: a widget in Jupyter, text in a terminal (``tqdm.auto`` picks)."""
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="training", unit="epoch", leave=True)


def _close(bar) -> None:
    if bar is not None:
        bar.close()
