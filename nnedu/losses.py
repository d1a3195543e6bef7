"""Loss functions: one number that says how wrong the predictions are, and its gradient.

Convention: ``loss(y_pred, y_true)`` (prediction first) and
``loss_gradient(y_pred, y_true)`` = dL/dy_pred, an array shaped like ``y_pred``.
Every loss is an *average*, so its gradient carries the 1/m factor; layers below
therefore just sum over the batch.

Shapes: ``y_pred`` and ``y_true`` are (n_samples, n_outputs); for categorical
cross-entropy ``y_true`` is one-hot, (n_samples, n_classes).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnedu._validate import as_float_array, check_same_shape, unknown_name
from nnedu.activations import sigmoid, softmax

Array = np.ndarray

#: Probabilities are clipped to [EPS, 1 − EPS] before taking a log, so log(0) never happens.
EPS = 1e-12


def clip_eps(dtype: np.dtype) -> float:
    """The clip bound for this float type: EPS, or the type's machine epsilon if larger.

    In float32, 1 − 1e-12 rounds to exactly 1.0 and log(1 − p) would be log(0) = −inf;
    the float32 epsilon (≈ 1.2e-7) is the smallest step below 1 that float32 can show.
    """
    return max(EPS, float(np.finfo(dtype).eps))


def _pair(y_pred: Array, y_true: Array, where: str) -> tuple[Array, Array]:
    """Both arrays as floats of the prediction's precision (float32 stays float32)."""
    y_pred = as_float_array(y_pred, where, "y_pred")
    y_true = as_float_array(y_true, where, "y_true").astype(y_pred.dtype, copy=False)
    check_same_shape(y_pred, y_true, where)
    if y_pred.size == 0:
        raise ValueError(f"{where}: got empty arrays; the loss needs at least one sample.")
    return y_pred, y_true


def _probabilities(y_pred: Array, y_true: Array, where: str,
                   binary: bool = False) -> tuple[Array, Array]:
    """Like ``_pair``, and refuse predictions outside [0, 1]: those are logits, not p."""
    p, y = _pair(y_pred, y_true, where)
    fused = "sigmoid_binary_cross_entropy" if binary else "softmax_cross_entropy"
    f = "sigmoid" if binary else "softmax"
    if p.min() < 0 or p.max() > 1:
        raise ValueError(
            f"{where}: y_pred must be probabilities between 0 and 1 (the output of {f}), but "
            f"got values from {p.min():.4g} to {p.max():.4g}. These look like logits (raw "
            f"scores z): apply {f} first, or use {fused}(z, y_true), which takes logits."
        )
    if binary and (y.min() < 0 or y.max() > 1):
        raise ValueError(
            f"{where}: y_true must be 0 or 1 (or a probability between), got values from "
            f"{y.min():g} to {y.max():g}. For more than two classes use softmax with "
            f"categorical_cross_entropy and one-hot targets."
        )
    return p, y


def _n_samples(y: Array) -> int:
    """Rows are samples; a 1-D array is one sample (one row of class probabilities)."""
    return y.shape[0] if y.ndim > 1 else 1


def mse(y_pred: Array, y_true: Array) -> float:
    """Mean squared error, L = (1/N) Σ (ŷ − y)², averaged over all N entries."""
    y_pred, y_true = _pair(y_pred, y_true, "mse")
    return float(np.mean((y_pred - y_true) ** 2))


def mse_gradient(y_pred: Array, y_true: Array) -> Array:
    """dL/dŷ = 2 (ŷ − y) / N."""
    y_pred, y_true = _pair(y_pred, y_true, "mse_gradient")
    return 2.0 * (y_pred - y_true) / y_pred.size


def mae(y_pred: Array, y_true: Array) -> float:
    """Mean absolute error, L = (1/N) Σ |ŷ − y|: punishes outliers less than MSE."""
    y_pred, y_true = _pair(y_pred, y_true, "mae")
    return float(np.mean(np.abs(y_pred - y_true)))


def mae_gradient(y_pred: Array, y_true: Array) -> Array:
    """dL/dŷ = sign(ŷ − y) / N (we take 0 where ŷ = y exactly)."""
    y_pred, y_true = _pair(y_pred, y_true, "mae_gradient")
    return np.sign(y_pred - y_true) / y_pred.size


def binary_cross_entropy(y_pred: Array, y_true: Array) -> float:
    """L = −(1/N) Σ [y log p + (1 − y) log(1 − p)], with p = ŷ a probability in (0, 1).

    p is clipped to [ε, 1 − ε] (ε from ``clip_eps``: 1e-12 in float64) so that a confident
    wrong answer costs a large but finite amount instead of infinity.
    """
    p, y = _probabilities(y_pred, y_true, "binary_cross_entropy", binary=True)
    eps = clip_eps(p.dtype)
    p = np.clip(p, eps, 1.0 - eps)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def binary_cross_entropy_gradient(y_pred: Array, y_true: Array) -> Array:
    """dL/dp = (p − y) / (p (1 − p)) / N."""
    p, y = _probabilities(y_pred, y_true, "binary_cross_entropy_gradient", binary=True)
    eps = clip_eps(p.dtype)
    p = np.clip(p, eps, 1.0 - eps)
    return (p - y) / (p * (1.0 - p)) / p.size


def categorical_cross_entropy(y_pred: Array, y_true: Array) -> float:
    """L = −(1/m) Σ_i Σ_k y_ik log p_ik, averaged over the m samples only.

    Summing over the classes k gives each sample's loss −log(p of the true class);
    dividing by m × classes instead (``np.mean`` over everything) would shrink the loss
    and its gradient by the number of classes.
    """
    p, y = _probabilities(y_pred, y_true, "categorical_cross_entropy")
    p = np.clip(p, clip_eps(p.dtype), 1.0)
    return float(-np.sum(y * np.log(p)) / _n_samples(p))


def categorical_cross_entropy_gradient(y_pred: Array, y_true: Array) -> Array:
    """dL/dp_ik = −y_ik / p_ik / m."""
    p, y = _probabilities(y_pred, y_true, "categorical_cross_entropy_gradient")
    p = np.clip(p, clip_eps(p.dtype), 1.0)
    return -y / p / _n_samples(p)


def softmax_cross_entropy_gradient(logits: Array, y_true: Array) -> Array:
    """Fused softmax + categorical cross-entropy: dL/dz = (softmax(z) − y) / m.

    Chaining the two by hand, dL/dz_j = Σ_k (−y_k / p_k) · p_k (δ_kj − p_j) = p_j − y_j
    (because Σ_k y_k = 1). The fused form is simpler, and it is stable: it never divides
    by a tiny probability.
    """
    z, y = _pair(logits, y_true, "softmax_cross_entropy_gradient")
    return (softmax(z) - y) / _n_samples(z)


def sigmoid_binary_cross_entropy_gradient(logits: Array, y_true: Array) -> Array:
    """Fused sigmoid + binary cross-entropy: dL/dz = (σ(z) − y) / N.

    dL/dp · dp/dz = (p − y) / (p (1 − p)) · p (1 − p) = p − y: the σ' factor cancels.
    """
    z, y = _pair(logits, y_true, "sigmoid_binary_cross_entropy_gradient")
    return (sigmoid(z) - y) / z.size


def fused_output_gradient(p: Array, y_true: Array, activation: str) -> Array:
    """dL/dz for softmax + cross-entropy or sigmoid + binary cross-entropy, from the output.

    The forward pass has already computed p = softmax(z) (or σ(z)), so the fused gradient
    needs no second softmax: dL/dz = (p − y) / m for softmax (m samples), (p − y) / N for
    sigmoid (binary cross-entropy averages over all N entries). Same numbers as
    ``softmax_cross_entropy_gradient(z, y)`` / ``sigmoid_binary_cross_entropy_gradient(z, y)``.
    """
    p, y = _pair(p, y_true, "fused_output_gradient")
    return (p - y) / (_n_samples(p) if activation == "softmax" else p.size)


def softmax_cross_entropy(logits: Array, y_true: Array) -> float:
    """Categorical cross-entropy computed from the logits z (before softmax), stably.

    log p_k = z_k − log Σ_j e^(z_j), and the log-sum-exp is taken after subtracting the
    row maximum, so even logits of ±1e4 give a finite loss.
    """
    z, y = _pair(logits, y_true, "softmax_cross_entropy")
    shifted = z - np.max(z, axis=-1, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    return float(-np.sum(y * log_p) / _n_samples(z))


def sigmoid_binary_cross_entropy(logits: Array, y_true: Array) -> float:
    """Binary cross-entropy computed from the logits z (before the sigmoid), stably.

    −[y log σ(z) + (1 − y) log(1 − σ(z))] = max(z, 0) − z·y + log(1 + e^(−|z|)).
    """
    z, y = _pair(logits, y_true, "sigmoid_binary_cross_entropy")
    return float(np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))


LossPair = tuple[Callable[[Array, Array], float], Callable[[Array, Array], Array]]

#: Name → (loss, gradient).
LOSSES: dict[str, LossPair] = {
    "mse": (mse, mse_gradient),
    "mae": (mae, mae_gradient),
    "binary_cross_entropy": (binary_cross_entropy, binary_cross_entropy_gradient),
    "categorical_cross_entropy": (categorical_cross_entropy, categorical_cross_entropy_gradient),
}


def get_loss(name: str) -> LossPair:
    """Look up ``(loss, loss_gradient)`` by name, e.g. ``get_loss("mse")``."""
    if not isinstance(name, str) or name.lower() not in LOSSES:
        raise unknown_name("loss", name, LOSSES)
    return LOSSES[name.lower()]
