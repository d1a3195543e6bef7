"""DELIBERATELY BUGGY: the source article's digits network, defects included, for lesson 07.

!!! Do not train real models with this module. It exists to be debugged. !!!
Use ``nnedu.layers`` / ``nnedu.network`` / ``nnedu.train`` for real work.

Lesson 07 ends with a bug hunt. The source article builds a one-hidden-layer network from
scratch (sigmoid hidden layer, softmax or sigmoid output, full-batch gradient descent) and
trains it on the digits. Its code has defects. ``SeedNetwork`` behaves the way that code
does (written here in our own words), and every defect is a switch, so the lesson can turn
them on and off one at a time and let ``nnedu.gradcheck.check_network`` judge each one.

The network::

    Z1 = X @ W1 + b1      (m, hidden)        A1 = σ(Z1)
    Z2 = A1 @ W2 + b2     (m, outputs)       A2 = softmax(Z2)  for "categorical_crossentropy"
                                             A2 = σ(Z2)        for "mse" and "log_loss"

    backward (the article's layout: dZ2 is "per sample", the 1/m is applied at the end)
    dW2 = A1ᵀ @ dZ2 / m     db2 = Σ_rows dZ2 / m
    dZ1 = (dZ2 @ W2ᵀ) ⊙ σ'(Z1)
    dW1 = Xᵀ @ dZ1 / m      db1 = Σ_rows dZ1 / m

The switches (``bugs=``; ``ARTICLE_BUGS`` is the article's code as written, ``()`` fixes all):

``"derivative_from_activation"``  (in the article)
    The article's ``sigmoid_derivative(x)`` returns x·(1 − x) and is called with the hidden
    *activation* A1, not with Z1. Since σ'(z) = σ(z)·(1 − σ(z)) = a·(1 − a), that is the
    right number: a derivative written in terms of the output, applied to the output. It is
    a trap for the reader (a function called ``sigmoid_derivative`` that wants the output,
    not z), not a wrong gradient. Switched off, σ'(Z1) is computed from Z1 instead;
    the gradients are identical.
``"derivative_mixup"``  (NOT in the article; off by default)
    The mistake that naming invites: a derivative that expects z (such as
    ``nnedu.activations.sigmoid_derivative``) is fed the activation, σ'(A1) = σ(a)(1 − σ(a)).
``"log_loss_gradient"``  (in the article)
    For sigmoid outputs with log loss the error signal must be dL/dZ2 = A2 − Y. The article
    uses dL/dA2 = −(Y/A2 − (1 − Y)/(1 − A2)), one chain-rule factor σ'(Z2) short.
``"mse_gradient"``  (in the article)
    For sigmoid outputs with mean squared error, dL/dZ2 = 2(A2 − Y)/k · A2(1 − A2) per sample
    (k outputs; the loss averages over all m·k entries). The article uses A2 − Y: the σ'
    factor is missing (and the constant 2/k, which only rescales the step).
``"cce_mean_over_classes"``  (in the article)
    Categorical cross-entropy is −(1/m) Σ_i Σ_k y log p. The article's loss takes the mean over
    all m·k entries, i.e. divides by the number of classes k as well. Its gradient,
    (A2 − Y)/m, is the gradient of the correct loss, so the *loss value* and the gradient no
    longer belong together: the reported loss is k times too small.
``"randn_init"``  (in the article)
    Weights start as standard normal numbers (std 1). With 64 inputs the hidden sums Z1 are
    large, most sigmoids sit in their flat tails and learning starts slowly. Switched off:
    Xavier initialisation (std √(2/(fan_in + fan_out))). Not a gradient bug: gradient
    checking cannot see it.

Two small differences from the article that are not part of the hunt: the sigmoid is an
overflow-free form, ½·(1 + tanh(z/2)), and probabilities are clipped to [1e-12, 1]
before a log (as in ``nnedu.losses``), so a saturated output gives a large loss, not nan.
Shapes: X (m, input_size); Y (m, output_size), one-hot for categorical cross-entropy.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from nnedu.activations import sigmoid_derivative, softmax
from nnedu.layers import xavier

Array = np.ndarray


def sigmoid(z: Array) -> Array:
    """σ(z) = 1 / (1 + e^(−z)), computed as ½·(1 + tanh(z/2)) (the same function).

    The tanh form never overflows and costs one pass over the array, which matters for
    1,000 full-batch epochs.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


#: Probabilities are clipped to [EPS, 1 − EPS] before a log (as in ``nnedu.losses``).
EPS = 1e-12

#: The article's loss names; the ``nnedu`` names are accepted as well.
LOSS_FUNCS = ("mse", "log_loss", "categorical_crossentropy")
_LOSS_ALIASES = {"binary_cross_entropy": "log_loss",
                 "categorical_cross_entropy": "categorical_crossentropy"}

#: What each switch does, one line each (the lesson prints this as a table).
BUG_NOTES: dict[str, str] = {
    "derivative_from_activation": "hidden σ' computed as a·(1 − a) from the activation a",
    "derivative_mixup": "σ'(z) formula fed the activation: σ(a)·(1 − σ(a))  [not in the article]",
    "log_loss_gradient": "log loss: dL/da used where dL/dz = a − y is needed",
    "mse_gradient": "mse: a − y used, the σ'(z) factor (and 2/k) missing",
    "cce_mean_over_classes": "categorical cross-entropy averaged over samples × classes",
    "randn_init": "weights start with std 1 (randn) instead of Xavier",
}
#: Every switch ``SeedNetwork`` understands.
KNOWN_BUGS = frozenset(BUG_NOTES)
#: The article's code as written.
ARTICLE_BUGS = frozenset(KNOWN_BUGS - {"derivative_mixup"})
#: The switches that change a gradient or a loss value (the ones a gradient check can judge).
GRADIENT_BUGS = ("derivative_mixup", "log_loss_gradient", "mse_gradient",
                 "cce_mean_over_classes")


def _loss_name(loss_func: str) -> str:
    name = _LOSS_ALIASES.get(loss_func, loss_func) if isinstance(loss_func, str) else loss_func
    if name not in LOSS_FUNCS:
        raise ValueError(
            f"SeedNetwork: loss_func must be one of {', '.join(map(repr, LOSS_FUNCS))}, "
            f"got {loss_func!r}."
        )
    return name


def _bug_set(bugs: Iterable[str]) -> frozenset[str]:
    if isinstance(bugs, str):
        raise TypeError(
            f"SeedNetwork: bugs must be a collection of names, e.g. {{'{bugs}'}}, not the "
            f"string {bugs!r} itself."
        )
    chosen = frozenset(bugs)
    unknown = sorted(chosen - KNOWN_BUGS)
    if unknown:
        raise ValueError(
            f"SeedNetwork: unknown bug name(s) {unknown}; the switches are "
            f"{sorted(KNOWN_BUGS)}. Use bugs=() for the fixed network."
        )
    return chosen


class SeedNetwork:
    """DELIBERATELY BUGGY reproduction of the article's one-hidden-layer network.

    ``SeedNetwork("categorical_crossentropy", seed=0)`` is the article's digits network with
    its defects; ``SeedNetwork(..., bugs=())`` is the same network with every defect fixed;
    ``bugs={"mse_gradient"}`` switches on one defect only. See the module docstring.

    Methods follow ``nnedu``'s conventions where the gradient checker needs them:
    ``loss_and_backward(X, Y)``, ``named_parameters()``, ``gradients()``.
    """

    def __init__(self, loss_func: str = "categorical_crossentropy", seed: int | None = 0, *,
                 input_size: int = 64, hidden_size: int = 64, output_size: int = 10,
                 bugs: Iterable[str] = ARTICLE_BUGS) -> None:
        self.loss_func = _loss_name(loss_func)
        self.bugs = _bug_set(bugs)
        for label, value in (("input_size", input_size), ("hidden_size", hidden_size),
                             ("output_size", output_size)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ValueError(f"SeedNetwork: {label} must be a whole number ≥ 1, got {value!r}.")
        rng = np.random.default_rng(seed)
        shape1, shape2 = (input_size, hidden_size), (hidden_size, output_size)
        if "randn_init" in self.bugs:
            W1, W2 = rng.standard_normal(shape1), rng.standard_normal(shape2)
        else:
            W1, W2 = xavier(shape1, rng), xavier(shape2, rng)
        self.params: dict[str, Array] = {"W1": W1, "b1": np.zeros(hidden_size),
                                         "W2": W2, "b2": np.zeros(output_size)}
        self.grads: dict[str, Array] = {}

    # ------------------------------------------------------------ forward and loss
    def forward(self, X: Array) -> Array:
        """A2, the network's output, shape (m, output_size). Keeps Z1, A1, Z2 for backward."""
        X = np.asarray(X, dtype=float)
        n_in = self.params["W1"].shape[0]
        if X.ndim != 2 or X.shape[1] != n_in:
            raise ValueError(
                f"SeedNetwork.forward: expected X of shape (n_samples, {n_in}), got {X.shape}."
            )
        p = self.params
        self.Z1 = X @ p["W1"] + p["b1"]
        self.A1 = sigmoid(self.Z1)
        self.Z2 = self.A1 @ p["W2"] + p["b2"]
        self.A2 = softmax(self.Z2) if self.loss_func == "categorical_crossentropy" \
            else sigmoid(self.Z2)
        return self.A2

    def loss(self, A2: Array, Y: Array) -> float:
        """The loss value the way the network reports it (prediction first, as in nnedu).

        mse:       (1/(m·k)) Σ (a − y)²
        log_loss:  −(1/(m·k)) Σ [y log a + (1 − y) log(1 − a)]
        categorical_crossentropy:  −(1/m) Σ y log p, or −(1/(m·k)) Σ y log p with the bug
        """
        A2, Y = np.asarray(A2, dtype=float), np.asarray(Y, dtype=float)
        if A2.shape != Y.shape:
            raise ValueError(f"SeedNetwork.loss: prediction {A2.shape} and target {Y.shape} "
                             f"must have the same shape (one-hot targets for several outputs).")
        if self.loss_func == "mse":
            return float(np.mean((A2 - Y) ** 2))
        a = np.clip(A2, EPS, 1.0 - EPS)
        if self.loss_func == "log_loss":
            return float(-np.mean(Y * np.log(a) + (1.0 - Y) * np.log(1.0 - a)))
        terms = Y * np.log(np.clip(A2, EPS, 1.0))
        if "cce_mean_over_classes" in self.bugs:
            return float(-np.mean(terms))  # divides by m·k: k times too small
        return float(-np.sum(terms) / len(Y))

    # ------------------------------------------------------------ backward
    def _output_error(self, Y: Array) -> Array:
        """dZ2 per sample (the 1/m comes later), with or without the article's defects."""
        A2, k = self.A2, self.A2.shape[1]
        if self.loss_func == "categorical_crossentropy":
            return A2 - Y  # right for −(1/m) Σ y log p, with or without the loss-value bug
        if self.loss_func == "log_loss":
            if "log_loss_gradient" in self.bugs:
                a = np.clip(A2, EPS, 1.0 - EPS)
                return -(Y / a - (1.0 - Y) / (1.0 - a))  # dL/dA2: one factor σ' short
            return (A2 - Y) / k  # dL/dA2 · σ'(Z2), simplified
        if "mse_gradient" in self.bugs:
            return A2 - Y  # no σ'(Z2), no 2/k
        return 2.0 * (A2 - Y) / k * A2 * (1.0 - A2)

    def _hidden_slope(self) -> Array:
        """σ'(Z1): the local slope of the hidden sigmoid, computed as the switches say."""
        if "derivative_mixup" in self.bugs:
            return sigmoid_derivative(self.A1)  # expects z, gets a: WRONG
        if "derivative_from_activation" in self.bugs:
            return self.A1 * (1.0 - self.A1)  # a·(1 − a) = σ'(z): right, if confusing
        s = sigmoid(self.Z1)  # from z, as nnedu.activations.sigmoid_derivative does
        return s * (1.0 - s)

    def backward(self, X: Array, Y: Array) -> None:
        """Fill ``self.grads`` (dW1, db1, dW2, db2) from the last ``forward(X)``. No update."""
        X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
        if not hasattr(self, "A2") or len(self.A2) != len(X):
            raise RuntimeError("SeedNetwork.backward: run forward(X) on the same X first.")
        m = len(X)
        dZ2 = self._output_error(Y)
        dZ1 = (dZ2 @ self.params["W2"].T) * self._hidden_slope()
        self.grads = {"W1": X.T @ dZ1 / m, "b1": dZ1.sum(axis=0) / m,
                      "W2": self.A1.T @ dZ2 / m, "b2": dZ2.sum(axis=0) / m}

    def step(self, lr: float) -> None:
        """Gradient descent: p ← p − lr · dL/dp for the four parameter arrays."""
        for name, value in self.params.items():
            value -= lr * self.grads[name]

    # ------------------------------------------------------------ for nnedu.gradcheck
    def loss_and_backward(self, X: Array, Y: Array, loss: str | None = None) -> float:
        """Forward, loss, backward; returns the loss value (the gradient checker's entry point).

        ``loss`` may repeat the network's own loss name (or its nnedu name); it cannot change it.
        """
        if loss is not None and _loss_name(loss) != self.loss_func:
            raise ValueError(
                f"SeedNetwork.loss_and_backward: this network was built for "
                f"{self.loss_func!r}, not {loss!r}. Pass loss={self.loss_func!r} or leave it out."
            )
        value = self.loss(self.forward(X), Y)
        self.backward(X, Y)
        return value

    def named_parameters(self) -> list[tuple[str, Array]]:
        """[("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)]: the arrays themselves."""
        return list(self.params.items())

    def parameters(self) -> list[Array]:
        return list(self.params.values())

    def gradients(self) -> list[Array]:
        """dL/dparameter, in the order of ``named_parameters()``."""
        if not self.grads:
            raise RuntimeError("SeedNetwork.gradients: call loss_and_backward(X, Y) first.")
        return [self.grads[name] for name in self.params]

    # ------------------------------------------------------------ training, as in the article
    def train(self, X: Array, Y: Array, epochs: int = 1000, lr: float = 0.1,
              X_test: Array | None = None, Y_test: Array | None = None) -> dict[str, list[float]]:
        """Full-batch gradient descent, one step per epoch, as the article's trainer does.

        Returns ``{"train_loss": [...], "test_loss": [...]}``: each epoch's losses as this
        network reports them (the train loss is measured before that epoch's update).
        """
        history: dict[str, list[float]] = {"train_loss": [], "test_loss": []}
        for _ in range(int(epochs)):
            history["train_loss"].append(self.loss_and_backward(X, Y))
            self.step(lr)
            if X_test is not None and Y_test is not None:
                history["test_loss"].append(self.loss(self.forward(X_test), Y_test))
        return history

    def predict(self, X: Array) -> Array:
        """Class labels: the largest output of each row. Shape (m,)."""
        return np.argmax(self.forward(X), axis=1)

    def accuracy(self, X: Array, labels: Array) -> float:
        """Fraction of rows whose predicted class equals ``labels`` (integers, shape (m,))."""
        return float(np.mean(self.predict(X) == np.asarray(labels)))

    def __repr__(self) -> str:
        n_in, n_hidden = self.params["W1"].shape
        bugs = ", ".join(sorted(self.bugs)) or "none"
        return (f"SeedNetwork({self.loss_func!r}, {n_in}-{n_hidden}-"
                f"{self.params['W2'].shape[1]}, bugs: {bugs})")
