"""Checks for lesson 08a's exercises: the initial weight scale, batch normalisation's forward and
backward pass, and gradient clipping by global norm.

Shapes (batch first): x and dy (m, n), gamma and beta (n,); gradients are lists of arrays of any
shapes. The right answers are written out here; see :mod:`nnedu.checks.runner` for the format
of a check.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from nnedu.batchnorm import BatchNorm
from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks

__all__ = ["check_batchnorm_backward", "check_batchnorm_forward", "check_clip_by_global_norm",
           "check_init_std"]


# ---------------------------------------------------------------------------------------------
# The right answers
# ---------------------------------------------------------------------------------------------


def _init_std(n_in, n_out, activation):
    """He √(2/n_in) for ReLU, Xavier √(2/(n_in + n_out)) for tanh."""
    if activation == "relu":
        return math.sqrt(2.0 / n_in)
    return math.sqrt(2.0 / (n_in + n_out))


def _batchnorm_layer(x, gamma, beta, eps):
    """The library's BatchNorm with these γ, β and ε: the reference the student's code meets."""
    layer = BatchNorm(x.shape[1], eps=eps)
    layer.params["gamma"][...] = gamma
    layer.params["beta"][...] = beta
    return layer


def _batchnorm_forward(x, gamma, beta, eps=1e-5):
    """y = γ (x − μ) / √(σ² + ε) + β with the batch's mean μ and (1/m) variance σ², per column."""
    return _batchnorm_layer(x, gamma, beta, eps).forward(x, training=True)


def _batchnorm_backward(dy, x, gamma, eps=1e-5):
    """(dx, dgamma, dbeta) of the training-mode forward pass."""
    layer = _batchnorm_layer(x, gamma, np.zeros_like(gamma), eps)
    layer.forward(x, training=True)
    dx = layer.backward(dy)
    return dx, layer.grads["gamma"], layer.grads["beta"]


def _clip_by_global_norm(grads, max_norm):
    """Every array times min(1, max_norm / ‖g‖), ‖g‖ the norm of all entries together."""
    norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return tuple(g * scale for g in grads)


# ---------------------------------------------------------------------------------------------
# Task 1: the initial weight scale
# ---------------------------------------------------------------------------------------------

_INIT_MISTAKES = [
    Mistake(lambda n_in, n_out, a: _init_std(n_in, n_out, "tanh" if a == "relu" else "relu"),
            "He and Xavier are swapped: ReLU needs He, √(2 / n_in) (it zeroes half of z), tanh "
            "needs Xavier, √(2 / (n_in + n_out))"),
    Mistake(lambda n_in, n_out, a: _init_std(n_in, n_out, a) ** 2,
            "that is the variance: the standard deviation is its square root"),
    Mistake(lambda n_in, n_out, a: (math.sqrt(2.0 / n_out) if a == "relu"
                                    else _init_std(n_in, n_out, a)),
            "He divides by n_in, the number of inputs each unit adds up, not by n_out"),
    Mistake(lambda n_in, n_out, a: (math.sqrt(1.0 / n_in) if a == "relu"
                                    else _init_std(n_in, n_out, a)),
            "for ReLU the variance is 2 / n_in, twice 1 / n_in: ReLU keeps only half of E[z²]"),
    Mistake(lambda n_in, n_out, a: (math.sqrt(1.0 / (n_in + n_out)) if a == "tanh"
                                    else _init_std(n_in, n_out, a)),
            "Xavier's variance is 2 / (n_in + n_out), the average of 1/n_in and 1/n_out's "
            "denominators: a 2 on top"),
]


def check_init_std(fn: Callable, *, verbose: bool = False,
                   timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(n_in, n_out, activation)`` returns He's std for "relu", Xavier's for "tanh"."""
    __tracebackhide__ = True
    cases = [Case(f"n_in = {a}, n_out = {b}, {act}", args=(a, b, act), reference=_init_std,
                  mistakes=_INIT_MISTAKES)
             for a, b, act in ((64, 64, "relu"), (64, 64, "tanh"), (256, 128, "relu"),
                               (256, 128, "tanh"), (2, 8, "relu"), (100, 10, "tanh"))]
    run_checks("init_std", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 2: batch norm forward
# ---------------------------------------------------------------------------------------------


def _forward_with(ddof=0, eps_inside=True, axis=0, affine=True):
    def forward(x, gamma, beta, eps=1e-5):
        mean = x.mean(axis=axis, keepdims=True)
        var = x.var(axis=axis, ddof=ddof, keepdims=True)
        scale = np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps
        x_hat = (x - mean) / scale
        return gamma * x_hat + beta if affine else x_hat
    return forward


_FORWARD_MISTAKES = [
    Mistake(_forward_with(axis=1), "the mean and variance are per feature, over the batch: "
                                   "x.mean(axis=0), not over each row (axis=1)"),
    Mistake(_forward_with(ddof=1), "use the batch's own variance, 1/m Σ (x − μ)² (np.var's "
                                   "default), not the 1/(m − 1) estimate (ddof=1)"),
    Mistake(_forward_with(eps_inside=False), "ε goes inside the square root: √(σ² + ε), not "
                                             "√σ² + ε"),
    Mistake(_forward_with(affine=False), "γ and β are missing: return gamma * x_hat + beta"),
    Mistake(lambda x, gamma, beta, eps=1e-5: (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)
            * gamma, "β is missing: add beta after scaling by gamma"),
    Mistake(lambda x, gamma, beta, eps=1e-5: (x - x.mean(axis=0)) / (x.var(axis=0) + eps)
            * gamma + beta, "divide by the standard deviation √(σ² + ε), not by the variance"),
]


def check_batchnorm_forward(fn: Callable, *, verbose: bool = False,
                            timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(x, gamma, beta, eps=1e-5)`` is batch norm in training mode: (m, n) → (m, n)."""
    __tracebackhide__ = True
    rng = np.random.default_rng(8)

    def case(name, x, gamma, beta):
        return Case(name, args=(x, gamma, beta), reference=_batchnorm_forward,
                    mistakes=_FORWARD_MISTAKES, rtol=1e-6, atol=1e-9)

    x1 = np.array([[1.0, 2.0, 30.0], [2.0, 4.0, 10.0], [3.0, 9.0, 20.0], [6.0, 1.0, 40.0]])
    cases = [
        case("the lesson's batch, γ = 1, β = 0", x1, np.ones(3), np.zeros(3)),
        case("the lesson's batch, γ = (2, 0.5, −1), β = (1, 0, 3)", x1,
             np.array([2.0, 0.5, -1.0]), np.array([1.0, 0.0, 3.0])),
        case("8 samples, 5 features of very different scales",
             rng.normal(size=(8, 5)) * [0.01, 1.0, 10.0, 100.0, 1e3], rng.normal(size=5),
             rng.normal(size=5)),
        case("a batch of 2", rng.normal(size=(2, 4)), np.ones(4), np.zeros(4)),
        case("a constant feature (variance 0: ε keeps it finite)",
             np.column_stack([np.full(5, 3.0), np.arange(5.0)]), np.ones(2), np.zeros(2)),
    ]
    run_checks("batchnorm_forward", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 3: batch norm backward
# ---------------------------------------------------------------------------------------------


def _backward_constant_stats(dy, x, gamma, eps=1e-5):
    dx, dgamma, dbeta = _batchnorm_backward(dy, x, gamma, eps)
    return dy * gamma / np.sqrt(x.var(axis=0) + eps), dgamma, dbeta


def _backward_without(term):
    def backward(dy, x, gamma, eps=1e-5):
        m = len(x)
        s = 1.0 / np.sqrt(x.var(axis=0) + eps)
        x_hat = (x - x.mean(axis=0)) * s
        dx_hat = dy * gamma if term != "gamma" else dy
        mean_term = dx_hat.sum(axis=0) if term != "mean" else 0.0
        var_term = x_hat * np.sum(dx_hat * x_hat, axis=0) if term != "var" else 0.0
        scale = s / m if term != "m" else s
        dx = scale * (m * dx_hat - mean_term - var_term)
        return dx, np.sum(dy * x_hat, axis=0), dy.sum(axis=0)
    return backward


_BACKWARD_MISTAKES = [
    Mistake(_backward_constant_stats,
            "dx treats μ and σ² as constants (that is the evaluation-mode gradient): in training "
            "they depend on every row, which adds − Σ dx̂ and − x̂ Σ (dx̂ ⊙ x̂) inside the bracket"),
    Mistake(_backward_without("mean"), "the path through μ is missing: subtract Σ_j dx̂_j"),
    Mistake(_backward_without("var"), "the path through σ² is missing: subtract "
                                      "x̂_i Σ_j (dx̂_j x̂_j)"),
    Mistake(_backward_without("gamma"), "dx̂ = dy ⊙ γ: the output was scaled by γ"),
    Mistake(_backward_without("m"), "the factor in front is s / m (s = 1/√(σ² + ε)): the bracket "
                                    "holds m dx̂ and two sums over the batch"),
    Mistake(lambda dy, x, gamma, eps=1e-5: (lambda r: (r[0], r[2], r[1]))(
            _batchnorm_backward(dy, x, gamma, eps)),
            "dgamma and dbeta are swapped: dβ = Σ dy, dγ = Σ dy ⊙ x̂"),
    Mistake(lambda dy, x, gamma, eps=1e-5: (lambda r: (r[0], np.sum(dy * x, axis=0), r[2]))(
            _batchnorm_backward(dy, x, gamma, eps)),
            "dγ = Σ dy ⊙ x̂, the normalised x, not x itself"),
]


def check_batchnorm_backward(fn: Callable, *, verbose: bool = False,
                             timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(dy, x, gamma, eps=1e-5)`` returns (dx, dgamma, dbeta) of the training-mode
    forward pass: dx (m, n), dgamma and dbeta (n,)."""
    __tracebackhide__ = True
    rng = np.random.default_rng(9)

    def case(name, m, n, scale=1.0):
        x = rng.normal(size=(m, n)) * scale + rng.normal(size=n)
        return Case(name, args=(rng.normal(size=(m, n)), x, rng.normal(1.0, 0.5, n)),
                    reference=_batchnorm_backward, mistakes=_BACKWARD_MISTAKES, rtol=1e-6,
                    atol=1e-9)

    cases = [
        case("4 samples, 3 features", 4, 3),
        case("a batch of 2, 1 feature", 2, 1),
        case("16 samples, 5 features", 16, 5),
        case("8 samples, large values (scale 100)", 8, 2, scale=100.0),
    ]
    run_checks("batchnorm_backward", fn, cases, verbose=verbose, timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Task 4: clipping by global norm
# ---------------------------------------------------------------------------------------------


def _clip_each(grads, max_norm):
    out = []
    for g in grads:
        norm = float(np.sqrt(np.sum(g * g)))
        out.append(g * min(1.0, max_norm / norm) if norm > 0 else g * 1.0)
    return tuple(out)


_CLIP_MISTAKES = [
    Mistake(_clip_each, "each array was clipped on its own: the norm is of all arrays together, "
                        "√(Σ over every array of Σ g²), and every array gets the same factor"),
    Mistake(lambda grads, c: tuple(np.clip(g, -c, c) for g in grads),
            "np.clip cuts each value on its own and changes the direction: scale every array "
            "by min(1, max_norm / ‖g‖) instead"),
    Mistake(lambda grads, c: tuple(g * c / math.sqrt(sum(float(np.sum(h * h)) for h in grads))
                                   for g in grads),
            "gradients already shorter than max_norm must stay as they are: the factor is "
            "min(1, max_norm / ‖g‖)"),
    Mistake(lambda grads, c: tuple(g * min(1.0, c / sum(float(np.sum(h * h)) for h in grads))
                                   for g in grads),
            "‖g‖ is the square root of the sum of squares"),
]


def check_clip_by_global_norm(fn: Callable, *, verbose: bool = False,
                              timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(grads, max_norm)`` returns the list of clipped arrays (same shapes), scaled by
    min(1, max_norm / ‖g‖) with ‖g‖ the norm of all gradients together, inputs unchanged."""
    __tracebackhide__ = True
    rng = np.random.default_rng(10)

    def case(name, grads, c):
        return Case(name, args=(grads, c), reference=_clip_by_global_norm,
                    mistakes=_CLIP_MISTAKES)

    cases = [
        case("the lesson's [[3, 0]] and [4] (norm 5), max_norm 1",
             [np.array([[3.0, 0.0]]), np.array([4.0])], 1.0),
        case("norm 0.5, max_norm 1: left as it is", [np.array([0.3, -0.4])], 1.0),
        case("a weight matrix and a bias, norm about 40, max_norm 5",
             [rng.normal(size=(4, 3)) * 10, rng.normal(size=3) * 10], 5.0),
        case("three arrays, one of them large, max_norm 2",
             [rng.normal(size=(2, 2)), rng.normal(size=2) * 30, rng.normal(size=(3, 1))], 2.0),
    ]
    run_checks("clip_by_global_norm", fn, cases, verbose=verbose, timeout=timeout)
