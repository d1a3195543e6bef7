"""Activation functions and their derivatives.

Every activation ``f`` comes with ``f_derivative(z)``: the slope df/dz evaluated at the
*weighted sum* ``z`` (not at the activation ``a = f(z)``; mixing those up is a classic bug).
All functions work element by element on arrays of any shape, except ``softmax``, which
normalises along the last axis (one row per sample).

Numerical stability: no function here overflows or produces nan for inputs as large as ±1e4.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnedu._validate import unknown_name

Array = np.ndarray


def sigmoid(z: Array) -> Array:
    """σ(z) = 1 / (1 + e^(−z)), squashing any number into (0, 1).

    Stable form: for z ≥ 0 use 1 / (1 + e^(−z)); for z < 0 use e^z / (1 + e^z).
    Either way the exponent is −|z| ≤ 0, so ``exp`` never overflows.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # in (0, 1]
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(z: Array) -> Array:
    """σ'(z) = σ(z) · (1 − σ(z)); largest (0.25) at z = 0."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: Array) -> Array:
    """tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z)), in (−1, 1) and centred on 0."""
    return np.tanh(np.asarray(z, dtype=float))


def tanh_derivative(z: Array) -> Array:
    """tanh'(z) = 1 − tanh(z)²; at most 1, at z = 0."""
    t = np.tanh(np.asarray(z, dtype=float))
    return 1.0 - t * t


def relu(z: Array) -> Array:
    """ReLU(z) = max(0, z): passes positive values, blocks negative ones."""
    return np.maximum(0.0, np.asarray(z, dtype=float))


def relu_derivative(z: Array) -> Array:
    """ReLU'(z) = 1 if z > 0 else 0 (we take 0 at z = 0)."""
    return (np.asarray(z, dtype=float) > 0).astype(float)


def leaky_relu(z: Array, alpha: float = 0.01) -> Array:
    """LeakyReLU(z) = z if z > 0 else α·z: a small slope keeps negative units alive."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_derivative(z: Array, alpha: float = 0.01) -> Array:
    """LeakyReLU'(z) = 1 if z > 0 else α."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, 1.0, alpha)


def elu(z: Array, alpha: float = 1.0) -> Array:
    """ELU(z) = z if z > 0 else α·(e^z − 1): smooth, with outputs down to −α."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_derivative(z: Array, alpha: float = 1.0) -> Array:
    """ELU'(z) = 1 if z > 0 else α·e^z."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def linear(z: Array) -> Array:
    """linear(z) = z: no activation at all (used for regression outputs)."""
    return np.asarray(z, dtype=float).copy()


def linear_derivative(z: Array) -> Array:
    """linear'(z) = 1."""
    return np.ones_like(np.asarray(z, dtype=float))


_GELU_C = np.sqrt(2.0 / np.pi)


def gelu(z: Array) -> Array:
    """GELU(z) ≈ ½·z·(1 + tanh(√(2/π)·(z + 0.044715·z³))), the tanh approximation."""
    z = np.asarray(z, dtype=float)
    return 0.5 * z * (1.0 + np.tanh(_GELU_C * (z + 0.044715 * z**3)))


def gelu_derivative(z: Array) -> Array:
    """GELU'(z) = ½(1 + t) + ½·z·(1 − t²)·√(2/π)·(1 + 3·0.044715·z²), with t = tanh(…)."""
    z = np.asarray(z, dtype=float)
    t = np.tanh(_GELU_C * (z + 0.044715 * z**3))
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * _GELU_C * (1.0 + 3 * 0.044715 * z**2)


def swish(z: Array) -> Array:
    """Swish(z) = z · σ(z) (also called SiLU)."""
    z = np.asarray(z, dtype=float)
    return z * sigmoid(z)


def swish_derivative(z: Array) -> Array:
    """Swish'(z) = σ(z) + z · σ(z) · (1 − σ(z))."""
    z = np.asarray(z, dtype=float)
    s = sigmoid(z)
    return s + z * s * (1.0 - s)


def softmax(z: Array, axis: int = -1) -> Array:
    """softmax(z)_k = e^(z_k) / Σ_j e^(z_j), along ``axis`` (each row sums to 1).

    Stable form: subtract the row maximum first. softmax(z − c) = softmax(z) for any
    constant c, and after the shift the largest exponent is e^0 = 1, so nothing overflows.
    Shape: (n_samples, n_classes) → (n_samples, n_classes).
    """
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_backward(z: Array, grad_output: Array, axis: int = -1) -> Array:
    """Push dL/dp back through p = softmax(z) to get dL/dz.

    Each output p_k depends on every z_j, so the derivative is a Jacobian,
    ∂p_k/∂z_j = p_k (δ_kj − p_j). Multiplying it by the upstream gradient g gives
    dL/dz = p ⊙ (g − Σ_k g_k p_k), computed row by row without building the Jacobian.
    """
    p = softmax(z, axis=axis)
    g = np.asarray(grad_output, dtype=float)
    return p * (g - np.sum(g * p, axis=axis, keepdims=True))


ActivationPair = tuple[Callable[..., Array], Callable[..., Array]]

#: Name → (function, derivative) for the element-wise activations.
ACTIVATIONS: dict[str, ActivationPair] = {
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "elu": (elu, elu_derivative),
    "linear": (linear, linear_derivative),
    "gelu": (gelu, gelu_derivative),
    "swish": (swish, swish_derivative),
}

#: Every name that ``Activation(name)`` understands (softmax is not element-wise).
ACTIVATION_NAMES = (*ACTIVATIONS, "softmax")


def get_activation(name: str) -> ActivationPair:
    """Look up ``(f, f_derivative)`` by name, e.g. ``get_activation("relu")``."""
    if not isinstance(name, str) or name.lower() not in ACTIVATIONS:
        raise unknown_name("activation", name, ACTIVATIONS)
    return ACTIVATIONS[name.lower()]
