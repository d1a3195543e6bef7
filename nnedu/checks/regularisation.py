"""Checks for lesson 10's exercises: dropout, the L2 penalty and early stopping.

Conventions (as in lesson 10 and :class:`nnedu.layers.Dropout`):

* ``rate`` is the probability to DROP a value; a value is kept with probability 1 − rate.
  The mask is 1 (True) where a value is kept, 0 where it is dropped, and inverted dropout
  divides the kept values by (1 − rate). At evaluation (``training=False``) nothing is dropped.
* L2: penalty (λ/2)·Σ‖W‖² over the weight matrices only (keys starting with "W"), so its
  gradient is λ·W; biases are not penalised.
* Early stopping: epochs counted from 0; stop after ``patience`` epochs in a row without a new
  lowest validation loss (equal is not lower), restore the epoch with the lowest one — the rule
  of :func:`nnedu.train.fit`.

Dropout draws random numbers, so ``check_dropout_forward`` compares what must hold whatever the
draws: the fraction of values kept, the factor the kept values are multiplied by, whether the
output agrees with the returned mask, and that the mask is random and drawn from the ``rng`` it
is given (the same seed gives the same mask, another seed another one, and the dropped positions
vary from row to row and column to column).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks

# --------------------------------------------------------------------------- dropout forward


def _dropout(x: np.ndarray, rate: float, rng: np.random.Generator,
             training: bool = True) -> tuple[np.ndarray, np.ndarray]:
    if not training:
        return x, np.ones_like(x)
    mask = (rng.random(x.shape) < 1.0 - rate).astype(float)
    return x * mask / (1.0 - rate), mask


def _no_rescale(x, rate, rng, training=True):
    out, mask = _dropout(x, rate, rng, training)
    return (x * mask, mask) if training else (out, mask)


def _times_keep(x, rate, rng, training=True):
    out, mask = _dropout(x, rate, rng, training)
    return (x * mask * (1.0 - rate), mask) if training else (out, mask)


def _rate_is_keep(x, rate, rng, training=True):
    if not training:
        return x, np.ones_like(x)
    mask = (rng.random(x.shape) < rate).astype(float)
    return x * mask / (1.0 - rate), mask


def _rate_is_keep_rescaled(x, rate, rng, training=True):
    if not training:
        return x, np.ones_like(x)
    mask = (rng.random(x.shape) < rate).astype(float)
    return x * mask / rate, mask


def _always_on(x, rate, rng, training=True):
    return _dropout(x, rate, rng, True)


def _dropped_mask(x, rate, rng, training=True):
    out, mask = _dropout(x, rate, rng, training)
    return out, 1.0 - mask


def _fixed_mask(x, rate, rng, training=True):
    if not training:
        return x, np.ones_like(x)
    mask = (np.arange(x.shape[-1]) >= round(rate * x.shape[-1])) * np.ones_like(x)
    return x * mask / (1.0 - rate), mask


def _numpy_global_random(x, rate, rng, training=True):
    return _dropout(x, rate, np.random, training)  # np.random.random: not the rng given


def _own_generator(x, rate, rng, training=True):
    return _dropout(x, rate, np.random.default_rng(0), training)


def _one_draw_per_column(x, rate, rng, training=True):
    if not training:
        return x, np.ones_like(x)
    mask = (rng.random(x.shape[-1]) < 1.0 - rate) * np.ones_like(x)
    return x * mask / (1.0 - rate), mask


def _masks(fn: Callable, x: np.ndarray, rate: float, seed: int) -> list[np.ndarray]:
    """The masks of three calls: with rng seed ``seed``, the same seed again, seed + 1."""
    masks = []
    for s in (seed, seed, seed + 1):
        result = fn(x, rate, np.random.default_rng(s), training=True)
        if not isinstance(result, tuple) or len(result) != 2:
            raise TypeError("dropout_forward must return the tuple (out, mask)")
        masks.append(np.asarray(result[1], dtype=float))
    return masks


def _summary(fn: Callable) -> Callable:
    """What must hold whatever the random draws.

    kind "values": [fraction kept, factor, output fits mask].
    kind "random": [the same rng seed gives the same mask, another seed another mask, the kept
    positions vary within every row and every column] — a mask drawn from the rng it is given.
    """

    def run(x, rate, seed, training, kind="values"):
        if kind == "random":
            first, again, other = _masks(fn, x, rate, seed)
            varies = all(0 < f < 1 for f in [*first.mean(axis=0), *first.mean(axis=1)])
            return np.array([float(np.array_equal(first, again)),
                             float(not np.array_equal(first, other)), float(varies)])
        result = fn(x, rate, np.random.default_rng(seed), training=training)
        if not isinstance(result, tuple) or len(result) != 2:
            raise TypeError("dropout_forward must return the tuple (out, mask)")
        out, mask = (np.asarray(a, dtype=float) for a in result)
        if out.shape != x.shape or mask.shape != x.shape:
            raise ValueError(f"out and mask must have the shape of x, {x.shape}; got "
                             f"{out.shape} and {mask.shape}")
        kept = out != 0
        factor = float(np.mean(out[kept] / x[kept])) if kept.any() else 0.0
        fits = np.allclose(out, x * mask / (1.0 - rate)) if training else np.allclose(mask, 1)
        return np.array([kept.mean(), factor, float(fits)])

    return run


_FORWARD_MISTAKES = [
    Mistake(_summary(_no_rescale),
            "divide the kept values by (1 - rate): without it the layer's output is on average "
            "(1 - rate) times too small while training"),
    Mistake(_summary(_times_keep), "DIVIDE by (1 - rate), do not multiply: the kept values must "
                                   "grow so that the average stays the same"),
    Mistake(_summary(_rate_is_keep), "rate is the probability to DROP: keep a value where "
                                     "rng.random(x.shape) < 1 - rate"),
    Mistake(_summary(_rate_is_keep_rescaled), "rate is the probability to DROP: keep a value "
                                              "where rng.random(x.shape) < 1 - rate"),
    Mistake(_summary(_always_on), "at evaluation (training=False) dropout does nothing: return x "
                                  "unchanged and a mask of ones"),
    Mistake(_summary(_dropped_mask), "the mask is 1 where a value is KEPT and 0 where it is "
                                     "dropped, so that out = x * mask / (1 - rate)"),
    Mistake(_summary(_fixed_mask), "the mask must be random, a new one each call: "
                                   "mask = rng.random(x.shape) < 1 - rate drops each value "
                                   "independently, not always the same positions"),
    Mistake(_summary(_numpy_global_random), "draw the mask from the rng you are given "
                                            "(rng.random), not from np.random: the same rng "
                                            "seed must give the same mask"),
    Mistake(_summary(_own_generator), "use the rng passed in, not a generator of your own: "
                                      "a different seed must give a different mask"),
    Mistake(_summary(_one_draw_per_column), "draw one random number per value, "
                                            "rng.random(x.shape), not one per column: every "
                                            "sample gets its own mask"),
]


def check_dropout_forward(fn: Callable, *, verbose: bool = False,
                          timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(x, rate, rng, training=True)`` returns ``(out, mask)``, inverted dropout.

    Each case prints three numbers: the fraction of values kept, the factor by which the kept
    values were multiplied, and 1 if ``out == x * mask / (1 - rate)`` (0 if not).
    """
    __tracebackhide__ = True
    x = np.random.default_rng(5).uniform(0.5, 1.5, size=(100, 100))
    reference = _summary(_dropout)
    cases = [
        Case("rate 0.5 while training: [fraction kept, factor, out fits mask] = [0.5, 2, 1]",
             args=(x, 0.5, 0, True), reference=reference, mistakes=_FORWARD_MISTAKES,
             atol=0.02),
        Case("rate 0.2 while training: [0.8, 1.25, 1]", args=(x, 0.2, 1, True),
             reference=reference, mistakes=_FORWARD_MISTAKES, atol=0.02),
        Case("rate 0 keeps everything: [1, 1, 1]", args=(x, 0.0, 2, True),
             reference=reference, mistakes=_FORWARD_MISTAKES, atol=0.02),
        Case("evaluation (training=False): x unchanged, mask of ones: [1, 1, 1]",
             args=(x, 0.5, 3, False), reference=reference, mistakes=_FORWARD_MISTAKES,
             atol=0.02, hint="with training=False return x itself and np.ones_like(x)"),
        Case("the mask comes from rng: [same seed → same mask, another seed → another mask, "
             "dropped positions vary] = [1, 1, 1]",
             args=(x, 0.5, 4, True), kwargs={"kind": "random"}, reference=reference,
             mistakes=_FORWARD_MISTAKES, atol=0,
             hint="draw the mask with rng.random(x.shape) < 1 - rate, from the rng you are "
                  "given"),
    ]
    run_checks("dropout_forward", _summary(fn), cases, verbose=verbose, timeout=timeout)


# --------------------------------------------------------------------------- dropout backward


def _dropout_backward(grad_out: np.ndarray, mask: np.ndarray, rate: float) -> np.ndarray:
    return grad_out * mask / (1.0 - rate)


def check_dropout_backward(fn: Callable, *, verbose: bool = False,
                           timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(grad_out, mask, rate)`` = grad_out ⊙ mask / (1 − rate)."""
    __tracebackhide__ = True
    rng = np.random.default_rng(7)
    mistakes = [
        Mistake(lambda g, m, r: g * m, "the forward pass divided by (1 - rate), so the gradient "
                                       "is divided by (1 - rate) too"),
        Mistake(lambda g, m, r: g * m * (1.0 - r), "DIVIDE by (1 - rate), as in the forward pass"),
        Mistake(lambda g, m, r: g * (1 - m) / (1.0 - r), "the gradient flows through the KEPT "
                                                         "values, where mask is 1"),
        Mistake(lambda g, m, r: g / (1.0 - r), "dropped values did not affect the loss: multiply "
                                               "by the mask, so their gradient is 0"),
    ]
    cases = []
    for name, rate, shape in [("rate 0.5, a batch of 4 × 6", 0.5, (4, 6)),
                              ("rate 0.2, a batch of 3 × 5", 0.2, (3, 5))]:
        mask = (rng.random(shape) < 1.0 - rate).astype(float)
        cases.append(Case(name, args=(rng.normal(size=shape), mask, rate),
                          reference=_dropout_backward, mistakes=mistakes))
    cases.append(Case("a True/False mask works too",
                      args=(rng.normal(size=(2, 3)), np.array([[True, False, True]] * 2), 0.5),
                      reference=_dropout_backward, mistakes=mistakes,
                      hint="multiply by the mask: True counts as 1 and False as 0"))
    run_checks("dropout_backward", fn, cases, verbose=verbose, timeout=timeout)


# --------------------------------------------------------------------------- L2


def _is_weight(name: str) -> bool:
    return name.startswith("W")


def _l2_penalty(params: dict, lam: float) -> float:
    return float(lam / 2 * sum(np.sum(p**2) for k, p in params.items() if _is_weight(k)))


def _example_params(seed: int, sizes: tuple[int, ...]) -> dict:
    rng = np.random.default_rng(seed)
    params = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{i}"] = rng.normal(size=(n_in, n_out))
        params[f"b{i}"] = rng.normal(size=n_out)
    return params


def check_l2_penalty(fn: Callable, *, verbose: bool = False,
                     timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(params, lam)`` = (λ/2) Σ over the weights ‖W‖² (biases left out)."""
    __tracebackhide__ = True
    mistakes = [
        Mistake(lambda p, lam: float(lam / 2 * sum(np.sum(v**2) for v in p.values())),
                "penalise the weights only (keys W1, W2, …), not the biases"),
        Mistake(lambda p, lam: 2 * _l2_penalty(p, lam),
                "the penalty is (λ/2)·Σ W², with the factor 1/2 (so its gradient is λ·W)"),
        Mistake(lambda p, lam: float(lam / 2 * sum(np.sqrt(np.sum(v**2))
                                                   for k, v in p.items() if _is_weight(k))),
                "square the weights: ‖W‖² = np.sum(W ** 2), not the length ‖W‖"),
    ]
    cases = [
        Case("a 4-3-2 network, λ = 0.1", args=(_example_params(1, (4, 3, 2)), 0.1),
             reference=_l2_penalty, mistakes=mistakes),
        Case("a 64-16-10 network, λ = 0.001", args=(_example_params(2, (64, 16, 10)), 1e-3),
             reference=_l2_penalty, mistakes=mistakes),
        Case("λ = 0 gives no penalty", args=(_example_params(3, (3, 2)), 0.0),
             reference=_l2_penalty, mistakes=mistakes),
    ]
    run_checks("l2_penalty", fn, cases, verbose=verbose, timeout=timeout)


def _l2_gradients(grads: dict, params: dict, lam: float) -> dict:
    return {k: g + lam * params[k] if _is_weight(k) else g for k, g in grads.items()}


def _grads_in_order(grads: Any, names: list[str]) -> Any:
    if not isinstance(grads, dict):
        return grads
    missing = [k for k in names if k not in grads]
    if missing:
        raise KeyError(f"return a dict with every key of grads; missing {', '.join(missing)}")
    return tuple(grads[k] for k in names)


def check_l2_gradients(fn: Callable, *, verbose: bool = False,
                       timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(grads, params, lam)`` returns a new dict with dW + λW (biases unchanged)."""
    __tracebackhide__ = True

    def ordered(f):
        def run(grads, params, lam):
            return _grads_in_order(f(grads, params, lam), sorted(grads))
        return run

    mistakes = [
        Mistake(ordered(lambda g, p, lam: {k: g[k] + lam * p[k] for k in g}),
                "add λ·W to the weight gradients only; the biases are not penalised"),
        Mistake(ordered(lambda g, p, lam: _l2_gradients(g, p, 2 * lam)),
                "with the penalty (λ/2)·Σ W² the gradient is λ·W, not 2λ·W"),
        Mistake(ordered(lambda g, p, lam: {k: lam * p[k] if _is_weight(k) else g[k] for k in g}),
                "ADD λ·W to the gradient of the data loss: dW + λ·W, do not replace it"),
        Mistake(ordered(lambda g, p, lam: _l2_gradients(g, p, -lam)),
                "the penalty grows with the weights, so its gradient +λ·W is added"),
    ]
    cases = []
    for name, seed, sizes, lam in [("a 4-3-2 network, λ = 0.1", 4, (4, 3, 2), 0.1),
                                   ("a 5-4-3-2 network, λ = 0.01", 5, (5, 4, 3, 2), 0.01)]:
        params = _example_params(seed, sizes)
        grads = {k: v * 0.1 + 0.05 for k, v in _example_params(seed + 10, sizes).items()}
        cases.append(Case(name, args=(grads, params, lam), reference=ordered(_l2_gradients),
                          mistakes=mistakes))
    run_checks("l2_gradients", ordered(fn), cases, verbose=verbose, timeout=timeout)


# --------------------------------------------------------------------------- early stopping


def _best_epoch(val_losses: list[float], patience: int) -> tuple[int, int]:
    best_loss, best, waited = np.inf, 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best_loss:
            best_loss, best, waited = loss, epoch, 0
        else:
            waited += 1
        if waited >= patience:
            return epoch, best
    return len(val_losses) - 1, best


def _shifted_patience(shift: int) -> Callable:
    def rule(val_losses, patience):
        return _best_epoch(val_losses, patience + shift) if patience + shift > 0 else (0, 0)
    return rule


def _best_of_all(val_losses, patience):
    stop, _ = _best_epoch(val_losses, patience)
    return stop, int(np.argmin(val_losses))


def _ties_count(val_losses, patience):
    best_loss, best, waited = np.inf, 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss <= best_loss:
            best_loss, best, waited = loss, epoch, 0
        else:
            waited += 1
        if waited >= patience:
            return epoch, best
    return len(val_losses) - 1, best


def check_best_epoch(fn: Callable, *, verbose: bool = False,
                     timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(val_losses, patience)`` returns ``(stop_epoch, best_epoch)``, counted from 0."""
    __tracebackhide__ = True

    def as_pair(f):
        def run(val_losses, patience):
            result = f(val_losses, patience)
            if isinstance(result, (tuple, list)) and len(result) == 2:
                return tuple(np.asarray(v) for v in result)
            return result
        return run

    mistakes = [
        Mistake(as_pair(_shifted_patience(1)), "one epoch too late: stop as soon as `patience` "
                                               "epochs in a row brought no new lowest loss"),
        Mistake(as_pair(_shifted_patience(-1)), "one epoch too early: with patience 3, training "
                                                "stops after the 3rd epoch without improvement"),
        Mistake(as_pair(_best_of_all), "the best epoch must be one that was trained: look only "
                                       "at the losses up to the stop, not at later ones"),
        Mistake(as_pair(_ties_count), "an equal loss is not an improvement: use <, not <="),
    ]
    curve = [1.0, 0.7, 0.5, 0.45, 0.47, 0.46, 0.5, 0.55, 0.3, 0.6]
    cases = [
        Case("best at epoch 3, patience 3: stop at epoch 6", args=(curve, 3),
             expected=(np.asarray(6), np.asarray(3)), mistakes=mistakes, atol=0),
        Case("patience 5 waits long enough to find epoch 8", args=(curve, 5),
             reference=as_pair(_best_epoch), mistakes=mistakes, atol=0),
        Case("a loss that keeps falling never stops early", args=([0.9, 0.8, 0.7, 0.6], 2),
             reference=as_pair(_best_epoch), mistakes=mistakes, atol=0,
             hint="if patience never runs out, training ends after the last epoch, "
                  "len(val_losses) - 1"),
        Case("equal losses, patience 2", args=([0.5, 0.4, 0.4, 0.4, 0.3], 2),
             reference=as_pair(_best_epoch), mistakes=mistakes, atol=0),
    ]
    run_checks("best_epoch", as_pair(fn), cases, verbose=verbose, timeout=timeout)
