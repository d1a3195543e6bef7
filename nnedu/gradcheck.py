"""Gradient checking: compare a backward pass with slopes measured numerically (lesson 07).

A derivative written by hand is easy to get subtly wrong (a missing factor, a transpose,
the derivative evaluated at the activation instead of at z). The fix is to *measure* the
slope: nudge one number a tiny step up and down and watch the loss change,

    ∂f/∂x_i ≈ (f(x + ε·e_i) − f(x − ε·e_i)) / (2ε)          (central difference)

and compare that with the analytic gradient through the relative error

    rel = max_i |a_i − n_i| / max(|a_i| + |n_i|, tiny)

In float64 with ε = 1e-5 a correct gradient gives rel ≈ 1e-9 or smaller; a wrong one gives
rel ≈ 1e-3 to 1. We call a gradient correct when rel < 1e-7 (``THRESHOLD``).

Rounding noise. f is computed with about 16 significant digits, so every numerical entry
carries noise of roughly 1e-16·|f| / ε (about 1e-11 when |f| ≈ 1). An entry much smaller
than the rest, say 1e-5, therefore cannot be confirmed to 7 digits by any central
difference. The checkers below account for this by raising the denominator floor ``tiny``
of ``relative_error`` to noise / threshold: a large entry must still agree to 7 digits, and
a tiny entry must agree to within the noise. A wrong formula misses by far more than either.

Caveats: run checks in float64; keep inputs away from kinks such as ReLU at exactly 0;
dropout must be off (rate 0), because every forward pass would drop different units.
The central difference costs two forward passes per number, so check tiny networks only.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

Array = np.ndarray

#: A relative error below this counts as a correct gradient (float64, ε = 1e-5).
THRESHOLD = 1e-7
#: Floor of the denominator in ``relative_error``, so two zero gradients give 0, not 0/0.
TINY = 1e-8
#: Rounding noise of one evaluation of f, relative to the size of f (10 × machine epsilon).
F_NOISE = 10 * np.finfo(np.float64).eps


# ----------------------------------------------------------------------------- building blocks

def numerical_gradient(f: Callable[[Array], float], x: Array, eps: float = 1e-5) -> Array:
    """Estimate df/dx with central differences, one entry at a time.

    For every index i:  grad[i] = (f(x + ε·e_i) − f(x − ε·e_i)) / (2ε)

    ``f`` takes the array ``x`` and returns one number (for example the loss).
    ``x`` is changed *in place* (one entry at a time) and restored exactly afterwards, so
    ``x`` may be a parameter array that ``f`` reads from a layer. The error of the estimate
    shrinks like ε², which is why the central difference beats the one-sided one.

    Shapes: x any shape, float → gradient of the same shape. Costs 2·x.size calls of f.
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(
            f"numerical_gradient: x must be a float numpy array (it is nudged in place), got "
            f"{type(x).__name__}{' of dtype ' + str(x.dtype) if isinstance(x, np.ndarray) else ''}."
            f" Use np.asarray(x, dtype=float)."
        )
    if not eps > 0:
        raise ValueError(f"numerical_gradient: eps must be a small positive number, got {eps!r}.")
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + eps
        f_plus = _scalar(f(x))
        x[i] = original - eps
        f_minus = _scalar(f(x))
        x[i] = original  # restore
        grad[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def _scalar(value: object) -> float:
    value = np.asarray(value, dtype=float)
    if value.size != 1:
        raise ValueError(
            f"numerical_gradient: f must return one number (such as the loss), got an array of "
            f"shape {value.shape}. Wrap it, e.g. lambda x: np.sum(f(x))."
        )
    return float(value.reshape(()))


def relative_error(a: Array, b: Array, tiny: float = TINY) -> float:
    """rel = max over entries of |a − b| / max(|a| + |b|, tiny).

    Scale-free: 1e-9 means "equal to about 9 digits", whatever the size of the gradient.
    ``tiny`` keeps 0/0 away when both entries are zero. Shapes: a and b the same shape.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(
            f"relative_error: the two gradients have different shapes, {a.shape} and {b.shape}. "
            f"A gradient must have the shape of the thing it is the gradient of."
        )
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), tiny)))


# ----------------------------------------------------------------------------- the report

class GradCheckRow(NamedTuple):
    """One checked gradient: its name, the relative error, and whether it passed."""

    name: str
    relative_error: float
    passed: bool


@dataclass
class GradCheckReport:
    """The result of a gradient check: one row per checked gradient.

    ``report.passed`` is True when every row's relative error is below ``threshold``.
    ``print(report)`` shows a table; in a notebook the report renders as an HTML table.
    """

    title: str
    rows: list[GradCheckRow] = field(default_factory=list)
    threshold: float = THRESHOLD
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, analytic: Array, numeric: Array, tiny: float = TINY) -> None:
        """Compare one analytic gradient with its numerical estimate and record the row."""
        error = relative_error(analytic, numeric, tiny)
        self.rows.append(GradCheckRow(name, error, bool(error < self.threshold)))

    @property
    def passed(self) -> bool:
        return bool(self.rows) and all(row.passed for row in self.rows)

    @property
    def max_error(self) -> float:
        return max((row.relative_error for row in self.rows), default=0.0)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        width = max([len("gradient")] + [len(row.name) for row in self.rows])
        lines = [
            f"{self.title} (pass if relative error < {self.threshold:.0e})",
            f"  {'gradient':<{width}}  relative error  result",
        ]
        for row in self.rows:
            lines.append(f"  {row.name:<{width}}  {row.relative_error:>14.2e}  "
                         f"{'ok' if row.passed else 'WRONG'}")
        lines.append("  all gradients correct" if self.passed else "  some gradients are WRONG")
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr><td><code>{html.escape(row.name)}</code></td>"
            f"<td style='text-align:right'>{row.relative_error:.2e}</td>"
            f"<td>{'&#10003; ok' if row.passed else '&#10007; WRONG'}</td></tr>"
            for row in self.rows
        )
        verdict = "all gradients correct" if self.passed else "some gradients are WRONG"
        notes = "".join(f"<p>note: {html.escape(note)}</p>" for note in self.notes)
        return (
            f"<table><caption>{html.escape(self.title)}: {verdict} "
            f"(threshold {self.threshold:.0e})</caption>"
            f"<tr><th>gradient</th><th>relative error</th><th>result</th></tr>{cells}</table>"
            f"{notes}"
        )


# ----------------------------------------------------------------------------- checkers

def noise_floor(f_size: float, eps: float = 1e-5, threshold: float = THRESHOLD) -> float:
    """The ``tiny`` the checkers pass to ``relative_error``: noise / threshold, at least TINY.

    ``f_size`` is the size of the numbers f adds up (e.g. |loss|); the numerical gradient's
    rounding noise is about F_NOISE · f_size / ε (see the module docstring).
    """
    noise = F_NOISE * abs(float(f_size)) / eps
    return max(TINY, noise / threshold)


def _float_copy(x: object, where: str, name: str = "x") -> Array:
    try:
        return np.array(x, dtype=np.float64)  # a fresh float64 copy: the caller's x is safe
    except (TypeError, ValueError) as err:
        raise TypeError(f"{where}: {name} must be numbers ({err}).") from None


def _require_float64(named_arrays: list[tuple[str, Array]], where: str) -> None:
    for name, value in named_arrays:
        if np.asarray(value).dtype != np.float64:
            raise TypeError(
                f"{where}: parameter {name!r} is {np.asarray(value).dtype}; gradient checks "
                f"need float64 (float32 keeps only ~7 digits, less than the check compares). "
                f"Build the layer or model with float64 for the check."
            )


def check_function(f: Callable[[Array], Array], df: Callable[[Array], Array], x: Array,
                   seed: int | None = 0, threshold: float = THRESHOLD) -> GradCheckReport:
    """Check an element-wise function ``f`` against its derivative ``df`` (both take z).

    To test every entry at once, weight the outputs with a random upstream gradient g
    and check the scalar  S(z) = Σ f(z) ⊙ g,  whose gradient is  dS/dz = f'(z) ⊙ g.
    (That is exactly what an activation layer's backward computes.)

    Pick ``x`` away from kinks (e.g. not 0 for ReLU). Shapes: x any shape.
    """
    x = _float_copy(x, "check_function")
    g = np.random.default_rng(seed).standard_normal(x.shape)
    analytic = np.asarray(df(x.copy()), dtype=float) * g
    numeric = numerical_gradient(lambda z: np.sum(np.asarray(f(z), dtype=float) * g), x)
    name = getattr(f, "__name__", "f")
    tiny = noise_floor(np.sum(np.abs(np.asarray(f(x), dtype=float) * g)), threshold=threshold)
    report = GradCheckReport(f"check_function({name})", threshold=threshold)
    report.add(f"d{name}/dz", analytic, numeric, tiny)
    if not report.passed:
        report.notes.extend(_kink_notes(f, x, name))
    return report


def _kink_notes(f: Callable[[Array], Array], x: Array, name: str, h: float = 1e-5) -> list[str]:
    """Explain points where f has a kink: the slope from the left differs from the right."""
    fx = np.asarray(f(x.copy()), dtype=float)
    left = (fx - np.asarray(f(x - h), dtype=float)) / h
    right = (np.asarray(f(x + h), dtype=float) - fx) / h
    kinks = np.abs(right - left) > 1e-2 * (1 + np.abs(left) + np.abs(right))
    return [
        f"z = {x[i]:g} is a kink of {name}: the slope is {left[i]:.4g} from the left and "
        f"{right[i]:.4g} from the right, so no single derivative exists there and the "
        f"central difference gives their average. This is not a bug in the derivative: "
        f"check points away from kinks (e.g. z = ±0.5)."
        for i in zip(*np.nonzero(kinks))
    ]


def check_loss(loss: Callable[[Array, Array], float],
               loss_grad: Callable[[Array, Array], Array],
               y_pred: Array, y_true: Array, threshold: float = THRESHOLD) -> GradCheckReport:
    """Check ``loss_grad(y_pred, y_true)`` = dL/dy_pred against ``loss(y_pred, y_true)``.

    Prediction first, as in ``nnedu.losses``. Keep probabilities away from 0 and 1 for
    the cross-entropies (the clipping there has no slope). Shapes: y_pred and y_true alike.
    """
    y_pred = _float_copy(y_pred, "check_loss", "y_pred")
    y_true = _float_copy(y_true, "check_loss", "y_true")
    analytic = np.asarray(loss_grad(y_pred.copy(), y_true), dtype=float)
    numeric = numerical_gradient(lambda p: loss(p, y_true), y_pred)
    name = getattr(loss, "__name__", "loss")
    tiny = noise_floor(loss(y_pred, y_true), threshold=threshold)
    report = GradCheckReport(f"check_loss({name})", threshold=threshold)
    report.add("dL/dy_pred", analytic, numeric, tiny)
    return report


def check_layer(layer: Any, x: Array, seed: int | None = 0, training: bool = False,
                threshold: float = THRESHOLD) -> GradCheckReport:
    """Check a layer's backward pass: the input gradient and every parameter gradient.

    With a random upstream gradient g (shaped like the output) the scalar is
    S = Σ layer.forward(x) ⊙ g. Then

      * ``layer.backward(g)`` must equal dS/dx            (row ``"input"``),
      * ``layer.grads[name]`` must equal dS/d params[name] (one row per parameter).

    The layer needs ``forward(x, training)``, ``backward(grad_output)`` and the dicts
    ``params`` / ``grads`` (the ``nnedu.layers`` contract). Shapes: x (batch, in_features).
    """
    x = _float_copy(x, "check_layer")
    _require_float64(list(layer.params.items()), "check_layer")
    out = np.asarray(layer.forward(x.copy(), training=training), dtype=float)
    g = np.random.default_rng(seed).standard_normal(out.shape)
    dx = np.array(layer.backward(g), dtype=float)
    grads = {name: np.array(value, dtype=float) for name, value in layer.grads.items()}

    def objective(_: Array) -> float:
        return float(np.sum(layer.forward(x, training=training) * g))

    tiny = noise_floor(np.sum(np.abs(out * g)), threshold=threshold)
    report = GradCheckReport(f"check_layer({getattr(layer, 'name', type(layer).__name__)})",
                             threshold=threshold)
    report.add("input", dx, numerical_gradient(objective, x), tiny)
    for name, value in layer.params.items():
        if name not in grads:
            raise ValueError(
                f"check_layer: the layer has a parameter {name!r} but backward() did not fill "
                f"grads[{name!r}]. Every parameter needs a gradient."
            )
        report.add(name, grads[name], numerical_gradient(objective, value), tiny)
    return report


def check_network(model: Any, X: Array, y: Array, loss: str = "categorical_cross_entropy",
                  threshold: float = THRESHOLD) -> GradCheckReport:
    """Check every parameter gradient of a whole network.

    1. ``model.loss_and_backward(X, y, loss)`` runs forward, loss and backward once;
       ``model.gradients()`` then holds dL/dθ for each θ of ``model.named_parameters()``.
    2. For each parameter array θ, every entry is nudged by ±ε and the loss is recomputed
       with the *same* method, ``loss_and_backward`` (same forward pass, same fused
       softmax/sigmoid + cross-entropy), so the numbers are directly comparable.

    Dropout must be off (rate 0): with it each forward pass drops different units and the
    numerical slope is meaningless; a model with a Dropout rate > 0 raises ValueError.
    ReLU kinks: with all-zero biases, a sample whose hidden ReLUs are all off gives the next
    layer z = 0 exactly, right on a kink, and the check reports a mismatch there although
    backward is right. Give the biases small random values (or use tanh) for the check.
    Shapes: X (batch, in_features); y as ``loss`` expects (one-hot for categorical).
    """
    for layer in getattr(model, "layers", []):
        if getattr(layer, "rate", 0.0) > 0:
            raise ValueError(
                f"check_network: layer '{getattr(layer, 'name', layer)}' drops units at random "
                f"(rate {layer.rate}), so no two forward passes agree. Build the model with "
                f"dropout=0 for the gradient check."
            )
    _require_float64(model.named_parameters(), "check_network")
    X = _float_copy(X, "check_network", "X")
    y = _float_copy(y, "check_network", "y")
    loss_value = model.loss_and_backward(X, y, loss)
    names = [name for name, _ in model.named_parameters()]
    params = [value for _, value in model.named_parameters()]
    analytic = [np.array(grad, dtype=float) for grad in model.gradients()]

    def objective(_: Array) -> float:
        return float(model.loss_and_backward(X, y, loss))

    tiny = noise_floor(loss_value, threshold=threshold)
    report = GradCheckReport(f"check_network(loss={loss!r})", threshold=threshold)
    for name, value, grad in zip(names, params, analytic, strict=True):
        report.add(name, grad, numerical_gradient(objective, value), tiny)
    return report
