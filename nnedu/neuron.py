"""A single neuron: a weighted sum of the inputs, plus a bias, through an activation.

    z = w · x + b = w₁x₁ + w₂x₂ + … + wₙxₙ + b
    a = f(z)

The weights say how much each input matters; the bias shifts the result. With a step or
sigmoid activation, the points where z = 0 form a line (a plane in more dimensions): the
neuron's *decision boundary*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnedu._validate import as_float_array, check_finite
from nnedu.activations import get_activation

Array = np.ndarray


@dataclass
class Term:
    """One piece of z = w·x + b, e.g. ``Term("w2·x2", 0.5, -1.0, -0.5)``."""

    label: str
    weight: float
    input: float
    product: float


@dataclass
class Explanation:
    """Every term of z = w·x + b for one input, then z and a = f(z)."""

    terms: list[Term]
    bias: float
    z: float
    activation: str
    a: float

    def __str__(self) -> str:
        lines = [f"  {t.label:<8} = {t.weight:+.3f} × {t.input:+.3f} = {t.product:+.4f}"
                 for t in self.terms]
        lines.append(f"  {'b':<8} = {self.bias:+.4f}")
        sums = " + ".join(f"({t.product:+.4f})" for t in self.terms)
        lines.append(f"  z = {sums} + ({self.bias:+.4f}) = {self.z:+.4f}")
        lines.append(f"  a = {self.activation}(z) = {self.a:.4f}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # how IPython shows it
        printer.text(str(self))


class Neuron:
    """One neuron with weights ``w`` (n_inputs,), a bias ``b`` and an activation name."""

    def __init__(self, weights: Array, bias: float = 0.0, activation: str = "sigmoid") -> None:
        w = as_float_array(weights, "Neuron", "weights")
        if w.ndim != 1 or w.size == 0:
            raise ValueError(f"Neuron: weights must be a flat list with one number per input, "
                             f"e.g. [0.5, -1.0]; got shape {w.shape}.")
        check_finite(w, "Neuron", "weights")
        self.w = w.copy()
        self.b = float(bias)
        self.activation = activation
        self.f, self.df = get_activation(activation)

    @property
    def n_inputs(self) -> int:
        return self.w.size

    def _inputs(self, x: Array) -> Array:
        x = as_float_array(x, "Neuron", "input x")
        if x.shape[-1:] != (self.n_inputs,) or x.ndim > 2:
            raise ValueError(
                f"Neuron: this neuron has {self.n_inputs} weight(s), so each input needs "
                f"{self.n_inputs} number(s); got an input of shape {x.shape}. Give one sample "
                f"as shape ({self.n_inputs},) or many as (n_samples, {self.n_inputs})."
            )
        return x

    def weighted_sum(self, x: Array) -> Array | float:
        """z = w · x + b. x: (n_inputs,) → a number, or (n_samples, n_inputs) → (n_samples,)."""
        z = self._inputs(x) @ self.w + self.b
        return float(z) if np.ndim(z) == 0 else z

    def forward(self, x: Array) -> Array | float:
        """a = f(z) = f(w · x + b)."""
        a = self.f(self.weighted_sum(x))
        return float(a) if np.ndim(a) == 0 else a

    def explain(self, x: Array) -> Explanation:
        """Each term wᵢ·xᵢ of the weighted sum for one input x, then z and a."""
        x = self._inputs(x)
        if x.ndim != 1:
            raise ValueError(f"Neuron.explain: give one sample of shape ({self.n_inputs},), "
                             f"got shape {x.shape}.")
        terms = [Term(f"w{i + 1}·x{i + 1}", float(wi), float(xi), float(wi * xi))
                 for i, (wi, xi) in enumerate(zip(self.w, x))]
        z = sum(t.product for t in terms) + self.b
        return Explanation(terms, self.b, z, self.activation, float(self.f(np.array(z))))

    def __repr__(self) -> str:
        return f"Neuron(weights={self.w.tolist()}, bias={self.b}, activation={self.activation!r})"
