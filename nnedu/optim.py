"""Optimizers: how to turn gradients into a step for the weights.

Every optimizer has ``step(params, grads)``, which updates each parameter array *in place*
(so the network sees the new values). Formulas, with η the learning rate, g the gradient
and t the step number (1, 2, …):

* SGD        w ← w − η g
* Momentum   v ← μ v + g;           w ← w − η v
* Nesterov   v ← μ v + g;           w ← w − η (g + μ v)      (look ahead along v)
* Adagrad    G ← G + g²;            w ← w − η g / (√G + ε)
* RMSprop    s ← ρ s + (1 − ρ) g²;  w ← w − η g / (√s + ε)
* Adam       m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²
             m̂ = m / (1 − β₁ᵗ);     v̂ = v / (1 − β₂ᵗ);      w ← w − η m̂ / (√v̂ + ε)

Weight decay: ``weight_decay`` (L2) adds λ·w to g, the gradient of (λ/2)·‖w‖²; ``l1`` adds
λ₁·sign(w), the gradient of λ₁·Σ|w|. Both apply to weight matrices only (arrays with two
or more dimensions), not to biases.

A learning-rate ``schedule`` is a function epoch → factor; the step uses η · factor.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from nnedu._validate import check_positive, unknown_name

Array = np.ndarray
Schedule = Callable[[int], float]


# ---------------------------------------------------------------- schedules
def step_decay(drop: float = 0.5, every: int = 10) -> Schedule:
    """Multiply the learning rate by ``drop`` every ``every`` epochs.

    factor = drop^⌊epoch / every⌋
    """
    def factor(epoch: int) -> float:
        return drop ** (epoch // every)
    return factor


def cosine(total_epochs: int, min_factor: float = 0.0) -> Schedule:
    """Cosine annealing from 1 down to ``min_factor`` over ``total_epochs``:
    factor = min + (1 − min) · ½ (1 + cos(π · epoch / total))."""
    check_positive(total_epochs, "cosine schedule", "total_epochs")

    def factor(epoch: int) -> float:
        progress = min(epoch, total_epochs) / total_epochs
        return min_factor + (1 - min_factor) * 0.5 * (1 + math.cos(math.pi * progress))
    return factor


# ---------------------------------------------------------------- base class
class Optimizer:
    """Shared parts: learning rate, schedule, weight decay and per-parameter state."""

    def __init__(self, lr: float, weight_decay: float = 0.0, l1: float = 0.0,
                 schedule: Schedule | None = None) -> None:
        where = type(self).__name__
        check_positive(lr, where, "the learning rate lr")
        for label, value in (("weight_decay", weight_decay), ("l1", l1)):
            if not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{where}: {label} must be ≥ 0, got {value!r}.")
        self.lr = float(lr)
        self.weight_decay = float(weight_decay)
        self.l1 = float(l1)
        self.schedule = schedule
        self.epoch = 0
        self.t = 0  # number of steps taken
        self.state: list[dict[str, Array]] = []

    def set_epoch(self, epoch: int) -> None:
        """Tell the schedule which epoch it is (the training loop calls this)."""
        self.epoch = epoch

    @property
    def current_lr(self) -> float:
        """η for this step: the base learning rate times the schedule's factor."""
        return self.lr * (self.schedule(self.epoch) if self.schedule else 1.0)

    def regularised(self, w: Array, g: Array) -> Array:
        """g plus the L2 and L1 terms (weights only, never biases)."""
        if w.ndim >= 2 and self.weight_decay:
            g = g + self.weight_decay * w
        if w.ndim >= 2 and self.l1:
            g = g + self.l1 * np.sign(w)
        return g

    def step(self, params: Sequence[Array], grads: Sequence[Array]) -> None:
        """Update every parameter in place from its gradient."""
        if len(params) != len(grads):
            raise ValueError(f"{type(self).__name__}.step: got {len(params)} parameters but "
                             f"{len(grads)} gradients; pass them in the same order.")
        if not self.state:
            self.state = [{} for _ in params]
        self.t += 1
        lr = self.current_lr
        for w, g, state in zip(params, grads, self.state):
            self.update(w, self.regularised(w, g), state, lr)

    def update(self, w: Array, g: Array, state: dict[str, Array], lr: float) -> None:
        raise NotImplementedError


# ---------------------------------------------------------------- optimizers
def _buffer(state: dict[str, Array], key: str, w: Array) -> Array:
    """The optimizer's memory for one parameter (velocity, m, v, …), zeros at first use."""
    if key not in state:
        state[key] = np.zeros_like(w)
    return state[key]


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum μ."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 **kwargs) -> None:
        super().__init__(lr, **kwargs)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1), got {momentum!r}; 0.9 is usual.")
        if nesterov and momentum == 0.0:
            raise ValueError("SGD: nesterov=True needs a momentum > 0, e.g. momentum=0.9.")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def update(self, w: Array, g: Array, state: dict[str, Array], lr: float) -> None:
        if self.momentum == 0.0:
            w -= lr * g
            return
        v = _buffer(state, "velocity", w)
        v *= self.momentum
        v += g
        if self.nesterov:
            w -= lr * (g + self.momentum * v)
        else:
            w -= lr * v


class Adagrad(Optimizer):
    """Adagrad: each weight's step shrinks with the sum of its past squared gradients."""

    def __init__(self, lr: float = 0.01, eps: float = 1e-8, **kwargs) -> None:
        super().__init__(lr, **kwargs)
        self.eps = eps

    def update(self, w: Array, g: Array, state: dict[str, Array], lr: float) -> None:
        G = _buffer(state, "sum_sq", w)
        G += g * g
        w -= lr * g / (np.sqrt(G) + self.eps)


class RMSprop(Optimizer):
    """RMSprop: like Adagrad, but with a moving average of squared gradients (decay ρ)."""

    def __init__(self, lr: float = 0.001, rho: float = 0.9, eps: float = 1e-8, **kwargs) -> None:
        super().__init__(lr, **kwargs)
        if not 0.0 <= rho < 1.0:
            raise ValueError(f"RMSprop: rho must be in [0, 1), got {rho!r}; 0.9 is usual.")
        self.rho, self.eps = rho, eps

    def update(self, w: Array, g: Array, state: dict[str, Array], lr: float) -> None:
        s = _buffer(state, "mean_sq", w)
        s *= self.rho
        s += (1 - self.rho) * g * g
        w -= lr * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam: momentum (first moment m) plus RMSprop (second moment v), bias-corrected."""

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, **kwargs) -> None:
        super().__init__(lr, **kwargs)
        for label, value in (("beta1", beta1), ("beta2", beta2)):
            if not 0.0 <= value < 1.0:
                raise ValueError(f"Adam: {label} must be in [0, 1), got {value!r}.")
        self.beta1, self.beta2, self.eps = beta1, beta2, eps

    def update(self, w: Array, g: Array, state: dict[str, Array], lr: float) -> None:
        m = _buffer(state, "m", w)
        v = _buffer(state, "v", w)
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        m_hat = m / (1 - self.beta1 ** self.t)
        v_hat = v / (1 - self.beta2 ** self.t)
        w -= lr * m_hat / (np.sqrt(v_hat) + self.eps)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD, "momentum": SGD, "nesterov": SGD, "adagrad": Adagrad, "rmsprop": RMSprop,
    "adam": Adam,
}


def get_optimizer(name: str, **kwargs) -> Optimizer:
    """Build an optimizer by name: "sgd", "momentum" (SGD, μ=0.9), "nesterov", "adagrad",
    "rmsprop" or "adam"; keyword arguments go to its constructor."""
    if not isinstance(name, str) or name.lower() not in OPTIMIZERS:
        raise unknown_name("optimizer", name, OPTIMIZERS)
    name = name.lower()
    if name == "momentum":
        kwargs.setdefault("momentum", 0.9)
    if name == "nesterov":
        kwargs.setdefault("momentum", 0.9)
        kwargs.setdefault("nesterov", True)
    return OPTIMIZERS[name](**kwargs)
