"""Activation functions and their derivatives.

Every activation ``f`` comes with ``f_derivative(z)``: the slope df/dz evaluated at the
*weighted sum* ``z`` (not at the activation ``a = f(z)``; mixing those up is a classic bug).
All functions work element by element on arrays of any shape, except ``softmax``, which
normalises along the last axis (one row per sample).

Numerical stability: no function here overflows or produces nan for inputs as large as ±1e4.
Precision: the output has the input's float type (float32 in, float32 out); lists and
integers become float64.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnedu._validate import as_float_array, unknown_name

Array = np.ndarray


def _float(z: object, where: str, name: str = "z") -> Array:
    """z as a float array, keeping its precision: float32 stays float32, lists become float64."""
    return as_float_array(z, where, name)


def sigmoid(z: Array) -> Array:
    """σ(z) = 1 / (1 + e^(−z)), squashing any number into (0, 1).

    Stable form: for z ≥ 0 use 1 / (1 + e^(−z)); for z < 0 use e^z / (1 + e^z).
    Either way the exponent is −|z| ≤ 0, so ``exp`` never overflows.
    """
    z = _float(z, "sigmoid")
    e = np.exp(-np.abs(z))  # in (0, 1]
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(z: Array) -> Array:
    """σ'(z) = σ(z) · (1 − σ(z)); largest (0.25) at z = 0."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: Array) -> Array:
    """tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z)), in (−1, 1) and centred on 0."""
    return np.tanh(_float(z, "tanh"))


def tanh_derivative(z: Array) -> Array:
    """tanh'(z) = 1 − tanh(z)²; at most 1, at z = 0."""
    t = np.tanh(_float(z, "tanh_derivative"))
    return 1.0 - t * t


def relu(z: Array) -> Array:
    """ReLU(z) = max(0, z): passes positive values, blocks negative ones."""
    return np.maximum(0.0, _float(z, "relu"))


def relu_derivative(z: Array) -> Array:
    """ReLU'(z) = 1 if z > 0 else 0 (we take 0 at z = 0)."""
    z = _float(z, "relu_derivative")
    return (z > 0).astype(z.dtype)


def leaky_relu(z: Array, alpha: float = 0.01) -> Array:
    """LeakyReLU(z) = z if z > 0 else α·z: a small slope keeps negative units alive."""
    z = _float(z, "leaky_relu")
    return np.where(z > 0, z, alpha * z)


def leaky_relu_derivative(z: Array, alpha: float = 0.01) -> Array:
    """LeakyReLU'(z) = 1 if z > 0 else α."""
    z = _float(z, "leaky_relu_derivative")
    return np.where(z > 0, 1.0, alpha).astype(z.dtype, copy=False)


def elu(z: Array, alpha: float = 1.0) -> Array:
    """ELU(z) = z if z > 0 else α·(e^z − 1): smooth, with outputs down to −α."""
    z = _float(z, "elu")
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_derivative(z: Array, alpha: float = 1.0) -> Array:
    """ELU'(z) = 1 if z > 0 else α·e^z."""
    z = _float(z, "elu_derivative")
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0))).astype(z.dtype, copy=False)


def linear(z: Array) -> Array:
    """linear(z) = z: no activation at all (used for regression outputs)."""
    return _float(z, "linear").copy()


def linear_derivative(z: Array) -> Array:
    """linear'(z) = 1."""
    return np.ones_like(_float(z, "linear_derivative"))


_GELU_C = float(np.sqrt(2.0 / np.pi))  # a Python float, so float32 input stays float32


def gelu(z: Array) -> Array:
    """GELU(z) ≈ ½·z·(1 + tanh(√(2/π)·(z + 0.044715·z³))), the tanh approximation."""
    z = _float(z, "gelu")
    return 0.5 * z * (1.0 + np.tanh(_GELU_C * (z + 0.044715 * z**3)))


def gelu_derivative(z: Array) -> Array:
    """GELU'(z) = ½(1 + t) + ½·z·(1 − t²)·√(2/π)·(1 + 3·0.044715·z²), with t = tanh(…)."""
    z = _float(z, "gelu_derivative")
    t = np.tanh(_GELU_C * (z + 0.044715 * z**3))
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * _GELU_C * (1.0 + 3 * 0.044715 * z**2)


def swish(z: Array) -> Array:
    """Swish(z) = z · σ(z) (also called SiLU)."""
    z = _float(z, "swish")
    return z * sigmoid(z)


def swish_derivative(z: Array) -> Array:
    """Swish'(z) = σ(z) + z · σ(z) · (1 − σ(z))."""
    z = _float(z, "swish_derivative")
    s = sigmoid(z)
    return s + z * s * (1.0 - s)


def softmax(z: Array, axis: int = -1) -> Array:
    """softmax(z)_k = e^(z_k) / Σ_j e^(z_j), along ``axis`` (each row sums to 1).

    Stable form: subtract the row maximum first. softmax(z − c) = softmax(z) for any
    constant c, and after the shift the largest exponent is e^0 = 1, so nothing overflows.
    Shape: (n_samples, n_classes) → (n_samples, n_classes).
    """
    z = _float(z, "softmax")
    shifted = z - z.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_backward(z: Array, grad_output: Array, axis: int = -1) -> Array:
    """Push dL/dp back through p = softmax(z) to get dL/dz.

    Each output p_k depends on every z_j, so the derivative is a Jacobian,
    ∂p_k/∂z_j = p_k (δ_kj − p_j). Multiplying it by the upstream gradient g gives
    dL/dz = p ⊙ (g − Σ_k g_k p_k), computed row by row without building the Jacobian.
    """
    p = softmax(z, axis=axis)
    g = _float(grad_output, "softmax_backward", "grad_output")
    if g.shape != p.shape:
        raise ValueError(f"softmax_backward: grad_output must have the shape of z, {p.shape}, "
                         f"got {g.shape}. It is dL/dp, one entry per softmax output.")
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
