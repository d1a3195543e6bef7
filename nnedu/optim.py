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

Conventions differ between libraries, so the same settings can give other numbers:
* Momentum: v ← μv + g, w ← w − ηv, as PyTorch's SGD; Keras keeps v ← μv − ηg, w ← w + v
  (the same steps while η is constant, different once a schedule changes η).
* Adagrad: G starts at 0 and ε is added outside the root, g / (√G + ε), as PyTorch
  (ε = 1e-10); Keras and optax start G at 0.1 and put ε inside, g / √(G + ε).
* RMSprop: ε outside the root, g / (√s + ε), and ρ = 0.9, as PyTorch but with its
  alpha = 0.99; Keras and optax put ε inside, g / √(s + ε).
* Adam: ε sits in the textbook place, m̂ / (√v̂ + ε), as PyTorch and optax; Keras adds its
  ε̂ = 1e-7 to √v in the step-size form (ε = ε̂ / √(1 − β₂ᵗ) here).
* ``weight_decay`` is coupled L2: λ·w joins g *before* momentum or Adam's moments, as
  PyTorch's ``Adam(weight_decay=…)``; AdamW (PyTorch ``AdamW``, Keras' ``weight_decay``,
  optax ``adamw``) decouples it: w ← w − η·λ·w beside the Adam step.

A learning-rate ``schedule`` is a function epoch → factor; the step uses η · factor.

Gradient clipping by global norm (``clip_norm=c``, lesson 08a): before the update, all the
gradients together are treated as one long vector g and shrunk if it is longer than c,

    ‖g‖ = √(Σ over every gradient array Σ g²),     g ← g · min(1, c / ‖g‖)

so the step keeps its direction but never grows past c (an exploding gradient cannot throw
the weights away). ``global_norm`` and ``clip_by_global_norm`` do it by hand.
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


# ---------------------------------------------------------------- gradient clipping
def global_norm(grads: Sequence[Array]) -> float:
    """‖g‖ = √(Σ_arrays Σ_entries g²): the length of all gradients as one vector."""
    return math.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads))


def clip_by_global_norm(grads: Sequence[Array], max_norm: float) -> tuple[list[Array], float]:
    """Shrink all gradients by one common factor so that their global norm is ≤ ``max_norm``.

    g ← g · min(1, max_norm / ‖g‖) for every array (new arrays, the inputs are unchanged).
    Returns (the clipped gradients, ‖g‖ before clipping). Every array keeps its shape and dtype.
    """
    check_positive(max_norm, "clip_by_global_norm", "max_norm")
    norm = global_norm(grads)
    scale = _clip_scale(norm, max_norm)
    return [g * np.asarray(scale, dtype=g.dtype) for g in grads], norm


def _clip_scale(norm: float, max_norm: float | None) -> float:
    """min(1, max_norm / ‖g‖); 1 when clipping is off."""
    if max_norm is None or norm <= max_norm:
        return 1.0
    return max_norm / norm


# ---------------------------------------------------------------- base class
def _check_fraction(value: object, where: str, name: str, usual: str) -> float:
    """Require a number in [0, 1), such as a momentum or a decay rate."""
    if (not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(value, bool)
            or not 0.0 <= value < 1.0):
        raise ValueError(f"{where}: {name} must be a number in [0, 1), got {value!r}; "
                         f"{usual} is usual.")
    return float(value)


def _check_eps(value: object, where: str) -> float:
    """Require ε > 0: with ε = 0 a weight whose gradients were all 0 divides 0 by 0."""
    if (not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(value, bool)
            or not 0.0 < value < float("inf")):
        raise ValueError(f"{where}: eps must be a small positive number such as 1e-8, got "
                         f"{value!r}. It keeps the division finite when a gradient is 0; "
                         f"with eps ≤ 0 the step becomes nan or infinite.")
    return float(value)


class Optimizer:
    """Shared parts: learning rate, schedule, weight decay and per-parameter state."""

    def __init__(self, lr: float, weight_decay: float = 0.0, l1: float = 0.0,
                 schedule: Schedule | None = None, clip_norm: float | None = None) -> None:
        where = type(self).__name__
        check_positive(lr, where, "the learning rate lr")
        if clip_norm is not None:
            check_positive(clip_norm, where, "clip_norm (the largest gradient norm; None: off)")
        for label, value in (("weight_decay", weight_decay), ("l1", l1)):
            if (not isinstance(value, (int, float, np.integer, np.floating))
                    or isinstance(value, bool) or not 0 <= value < float("inf")):
                raise ValueError(f"{where}: {label} must be a number ≥ 0 (0 turns it off), "
                                 f"got {value!r}.")
        if schedule is not None and not callable(schedule):
            raise TypeError(f"{where}: schedule must be a function epoch → factor, such as "
                            f"cosine(100) or step_decay(0.5, 10), got {schedule!r}.")
        self.lr = float(lr)
        self.weight_decay = float(weight_decay)
        self.l1 = float(l1)
        self.schedule = schedule
        self.clip_norm = None if clip_norm is None else float(clip_norm)
        self.last_grad_norm: float | None = None  # ‖g‖ before clipping (when clip_norm is set)
        self.epoch = 0
        self.t = 0  # number of steps taken
        self.state: list[dict[str, Array]] = []
        self._params: list[Array] = []  # the arrays this optimizer's state belongs to

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
        """Update every parameter in place from its gradient (clipped first if ``clip_norm``)."""
        self._check(params, grads)
        self.t += 1
        lr = self.current_lr
        scale = 1.0
        if self.clip_norm is not None:
            self.last_grad_norm = global_norm(grads)
            scale = _clip_scale(self.last_grad_norm, self.clip_norm)
        for w, g, state in zip(params, grads, self.state):
            if scale != 1.0:
                g = g * np.asarray(scale, dtype=g.dtype)
            self.update(w, self.regularised(w, g), state, lr)

    def _check(self, params: Sequence[Array], grads: Sequence[Array]) -> None:
        """One gradient per parameter, of its shape; the same arrays at every step."""
        if len(params) != len(grads):
            raise ValueError(f"{type(self).__name__}.step: got {len(params)} parameters but "
                             f"{len(grads)} gradients; pass them in the same order.")
        if any(getattr(g, "shape", None) != w.shape for w, g in zip(params, grads)):
            i = next(i for i, (w, g) in enumerate(zip(params, grads))
                     if np.shape(g) != np.shape(w))
            raise ValueError(
                f"{type(self).__name__}.step: gradient {i} has shape {np.shape(grads[i])} but "
                f"its parameter has shape {np.shape(params[i])}. Each gradient must match its "
                f"parameter; pass model.parameters() and model.gradients() in the same order.")
        if not self.state:  # the first step: start with an empty memory per parameter
            self.state = [{} for _ in params]
        if not self._params:  # the memory belongs to the arrays of the first step
            self._params = list(params)
        elif len(params) != len(self._params) or any(
                p is not q for p, q in zip(params, self._params)):
            self._refuse_other_parameters(params)

    def update(self, w: Array, g: Array, state: dict[str, Array], lr: float) -> None:
        raise NotImplementedError

    def _refuse_other_parameters(self, params: Sequence[Array]) -> None:
        """An optimizer remembers one model (velocities, Adam's m and v, the step count t)."""
        shapes = [np.shape(p) for p in params]
        mine = [p.shape for p in self._params]
        what = ("arrays of other shapes" if shapes != mine else
                "other arrays of the same shapes (another model, or copies of the weights)")
        raise ValueError(
            f"{type(self).__name__}.step: this optimizer already took {self.t} step(s) for "
            f"{len(mine)} parameter arrays {mine}, and now got {what}: {shapes}. Its memory "
            f"(step count and any velocity or moments) belongs to the first model. Create a new "
            f"optimizer for each model, e.g. Adam(lr=0.01), and pass the same arrays (updated "
            f"in place) every step."
        )


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
        self.momentum = _check_fraction(momentum, "SGD", "momentum", "0.9")
        if nesterov and self.momentum == 0.0:
            raise ValueError("SGD: nesterov=True needs a momentum > 0, e.g. momentum=0.9.")
        self.nesterov = bool(nesterov)

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
    """Adagrad: each weight's step shrinks with the sum of its past squared gradients.

    G starts at 0 and ε is added outside the root, w ← w − η g / (√G + ε) (PyTorch's
    convention; Keras and optax start G at 0.1 and use g / √(G + ε)).
    """

    def __init__(self, lr: float = 0.01, eps: float = 1e-8, **kwargs) -> None:
        super().__init__(lr, **kwargs)
        self.eps = _check_eps(eps, "Adagrad")

    def update(self, w: Array, g: Array, state: dict[str, Array], lr: float) -> None:
        G = _buffer(state, "sum_sq", w)
        G += g * g
        w -= lr * g / (np.sqrt(G) + self.eps)


class RMSprop(Optimizer):
    """RMSprop: like Adagrad, but with a moving average of squared gradients (decay ρ).

    ε is added outside the root, w ← w − η g / (√s + ε) (PyTorch's convention, whose
    default ρ is 0.99; Keras and optax use g / √(s + ε)).
    """

    def __init__(self, lr: float = 0.001, rho: float = 0.9, eps: float = 1e-8, **kwargs) -> None:
        super().__init__(lr, **kwargs)
        self.rho = _check_fraction(rho, "RMSprop", "rho", "0.9")
        self.eps = _check_eps(eps, "RMSprop")

    def update(self, w: Array, g: Array, state: dict[str, Array], lr: float) -> None:
        s = _buffer(state, "mean_sq", w)
        s *= self.rho
        s += (1 - self.rho) * g * g
        w -= lr * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam: momentum (first moment m) plus RMSprop (second moment v), bias-corrected.

    Textbook form (module docstring): m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ),
    w ← w − η m̂ / (√v̂ + ε). ``update`` uses the paper's step-size form, the same maths
    (equal up to rounding) with two fewer arrays: put both corrections into one step size,

        η_t = η · √(1 − β₂ᵗ) / (1 − β₁ᵗ),   w ← w − η_t · m / (√v + ε·√(1 − β₂ᵗ))

    (multiply the textbook fraction above and below by √(1 − β₂ᵗ)). ε thus stays where the
    textbook puts it, as in PyTorch and optax; Keras adds its ε̂ to √v instead.
    ``weight_decay`` is coupled L2 (λ·w added to g before m and v), as PyTorch's
    ``Adam(weight_decay=…)``, not AdamW's decoupled w ← w − η·λ·w.
    """

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, **kwargs) -> None:
        super().__init__(lr, **kwargs)
        self.beta1 = _check_fraction(beta1, "Adam", "beta1", "0.9")
        self.beta2 = _check_fraction(beta2, "Adam", "beta2", "0.999")
        self.eps = _check_eps(eps, "Adam")

    def update(self, w: Array, g: Array, state: dict[str, Array], lr: float) -> None:
        m, v = _buffer(state, "m", w), _buffer(state, "v", w)
        m *= self.beta1
        m += (1 - self.beta1) * g      # m ← β₁ m + (1 − β₁) g
        v *= self.beta2
        v += (1 - self.beta2) * g * g  # v ← β₂ v + (1 − β₂) g²
        # The textbook step η m̂ / (√v̂ + ε), with both bias corrections folded into one step
        # size η_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ), so that m̂ and v̂ are never built as arrays:
        root = math.sqrt(1 - self.beta2 ** self.t)
        step = lr * root / (1 - self.beta1 ** self.t)
        w -= step * m / (np.sqrt(v) + self.eps * root)


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
