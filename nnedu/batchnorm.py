"""Batch normalisation: give every feature mean 0 and variance 1 over the batch, then let the
network choose its own scale γ and shift β.

Training (``training=True``), for x of shape (batch m, features n), per feature (column):

    μ = (1/m) Σ_rows x                 σ² = (1/m) Σ_rows (x − μ)²          both (n,)
    x̂ = (x − μ) / √(σ² + ε)            (m, n): every column has mean 0, variance ≈ 1
    y = γ ⊙ x̂ + β                      γ, β: (n,), learned like weights

Each batch also moves the *running* statistics, which evaluation uses instead of the batch's:

    running_mean ← ρ · running_mean + (1 − ρ) · μ        (ρ = ``momentum``, 0.9 by default)
    running_var  ← ρ · running_var  + (1 − ρ) · σ²

Evaluation (``training=False``): x̂ = (x − running_mean) / √(running_var + ε), so a prediction
for one sample does not depend on the other samples in its batch.

Backward in training (lesson 08a derives it; g = dL/dy, all sums over the batch rows):

    dβ = Σ g        dγ = Σ g ⊙ x̂        dx̂ = g ⊙ γ
    dx = (1 / (m √(σ² + ε))) · (m dx̂ − Σ dx̂ − x̂ ⊙ Σ (dx̂ ⊙ x̂))

The last two terms are there because μ and σ² depend on every row of x. In evaluation the
statistics are constants and dx = dx̂ / √(running_var + ε).

Conventions: σ² is the batch's own (biased, 1/m) variance, also for the running average
(PyTorch puts the 1/(m − 1) variance into its running average); ``momentum`` is the share of
the old running value kept, as Keras (PyTorch's ``momentum=0.1`` is 1 − ρ here).
"""

from __future__ import annotations

import numpy as np

from nnedu._validate import as_float_array, check_2d, check_features
from nnedu.layers import Layer

Array = np.ndarray


class BatchNorm(Layer):
    """Batch normalisation of each feature (column), with learned scale γ and shift β.

    Forward:  y = γ ⊙ (x − μ) / √(σ² + ε) + β      x, y: (batch, features)   γ, β: (features,)
              μ, σ² of this batch while training, the running averages in evaluation.
    Backward: dγ = Σ g ⊙ x̂,  dβ = Σ g,  dx as in the module docstring.
    ``buffers`` holds running_mean and running_var: saved with the model, not learned.
    """

    def __init__(self, num_features: int, momentum: float = 0.9, eps: float = 1e-5,
                 name: str | None = None, dtype: type = np.float64) -> None:
        super().__init__(name or "batchnorm")
        if (not isinstance(num_features, (int, np.integer)) or isinstance(num_features, bool)
                or num_features < 1):
            raise ValueError(f"BatchNorm: num_features must be a whole number ≥ 1 (the "
                             f"features of the layer below), got {num_features!r}.")
        for label, value, ok in (("momentum", momentum, lambda v: 0.0 <= v < 1.0),
                                 ("eps", eps, lambda v: 0.0 < v < 1.0)):
            if (not isinstance(value, (int, float, np.floating)) or isinstance(value, bool)
                    or not ok(value)):
                usual = "0.9" if label == "momentum" else "1e-5"
                raise ValueError(f"BatchNorm: {label} must be a number in "
                                 f"{'[0, 1)' if label == 'momentum' else '(0, 1)'}, got "
                                 f"{value!r}; {usual} is usual.")
        self.num_features, self.momentum, self.eps = int(num_features), float(momentum), eps
        self.params["gamma"] = np.ones(self.num_features, dtype=dtype)
        self.params["beta"] = np.zeros(self.num_features, dtype=dtype)
        self.buffers: dict[str, Array] = {
            "running_mean": np.zeros(self.num_features, dtype=dtype),
            "running_var": np.ones(self.num_features, dtype=dtype),
        }
        self.x_hat: Array | None = None
        self.inv_std: Array | None = None
        self.trained_batch = False  # was the last forward pass in training mode?

    def forward(self, x: Array, training: bool = False) -> Array:
        where = f"BatchNorm layer '{self.name}'"
        x = as_float_array(x, where)
        check_2d(x, where)
        check_features(x, self.num_features, where)
        if training:
            if len(x) < 2:
                raise ValueError(
                    f"{where}: training needs a batch of at least 2 samples to measure a mean "
                    f"and a variance, got {len(x)}. Use batch_size ≥ 2 (32 is usual), or "
                    f"training=False to use the running statistics.")
            mean, var = x.mean(axis=0), x.var(axis=0)
            self._update_running(mean, var)
        else:
            mean, var = self.buffers["running_mean"], self.buffers["running_var"]
        self.inv_std = 1.0 / np.sqrt(var + self.eps)
        self.x_hat = (x - mean) * self.inv_std
        self.trained_batch = bool(training)
        return self.params["gamma"] * self.x_hat + self.params["beta"]

    def _update_running(self, mean: Array, var: Array) -> None:
        """running ← ρ · running + (1 − ρ) · batch value, in place (keeps the dtype)."""
        rho = self.momentum
        for key, value in (("running_mean", mean), ("running_var", var)):
            running = self.buffers[key]
            running *= rho
            running += (1.0 - rho) * value.astype(running.dtype, copy=False)

    def backward(self, grad_output: Array, input_grad: bool = True) -> Array | None:
        x_hat = self._saved("x_hat")
        g = self._grad(grad_output, x_hat.shape)
        self.grads["gamma"] = np.sum(g * x_hat, axis=0)
        self.grads["beta"] = g.sum(axis=0)
        if not input_grad:
            return None
        dx_hat = g * self.params["gamma"]
        if not self.trained_batch:  # fixed running statistics: a per-feature scaling
            return dx_hat * self.inv_std
        m = len(x_hat)
        return (self.inv_std / m) * (m * dx_hat - dx_hat.sum(axis=0)
                                     - x_hat * np.sum(dx_hat * x_hat, axis=0))

    def config(self) -> dict:
        return {"num_features": self.num_features, "momentum": self.momentum,
                "eps": self.eps, "name": self.name}


#: The layers of this module that ``Sequential.load`` can rebuild, by class name.
BATCHNORM_LAYER_TYPES = {"BatchNorm": BatchNorm}
