"""Layers: the building blocks of a network.

Every layer has the same two methods:

* ``forward(x, training=False)`` computes the layer's output and remembers what the
  backward pass will need;
* ``backward(grad_output)`` receives dL/d(output) and returns dL/d(input), filling
  ``self.grads`` with dL/d(parameter) for each entry of ``self.params``.
  ``backward(grad_output, input_grad=False)`` fills ``grads`` but may skip dL/d(input) and
  return None: the first layer of a network has nobody below it to hand it to.

Arrays are batch-first: ``x`` has shape (batch, in_features). Precision follows the data:
a float32 layer given float32 input computes and returns float32.
"""

from __future__ import annotations

import numpy as np

from nnedu._validate import as_float_array, check_2d, check_features, unknown_name
from nnedu.activations import ACTIVATION_NAMES, get_activation, softmax, softmax_backward

Array = np.ndarray


# ---------------------------------------------------------------- initialisers
def _rng(rng: np.random.Generator | None, seed: int | None) -> np.random.Generator:
    return rng if rng is not None else np.random.default_rng(seed)


def zeros(shape: tuple[int, ...], rng: np.random.Generator | None = None) -> Array:
    """All zeros. Fine for biases; for weights every unit would learn the same thing."""
    return np.zeros(shape)


def normal(shape: tuple[int, ...], rng: np.random.Generator | None = None,
           std: float = 0.01) -> Array:
    """Small Gaussian noise, W ~ N(0, std²). Too small for deep nets, too large at std=1."""
    return _rng(rng, None).normal(0.0, std, size=shape)


def xavier(shape: tuple[int, ...], rng: np.random.Generator | None = None) -> Array:
    """Xavier/Glorot: W ~ N(0, 2 / (fan_in + fan_out)); keeps tanh/sigmoid signals steady."""
    fan_in, fan_out = shape
    return _rng(rng, None).normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=shape)


def he(shape: tuple[int, ...], rng: np.random.Generator | None = None) -> Array:
    """He: W ~ N(0, 2 / fan_in); ReLU zeroes half its inputs, so it needs twice the variance."""
    fan_in = shape[0]
    return _rng(rng, None).normal(0.0, np.sqrt(2.0 / fan_in), size=shape)


INITIALISERS = {"zeros": zeros, "normal": normal, "xavier": xavier, "glorot": xavier, "he": he}


# ---------------------------------------------------------------- base class
class Layer:
    """What every layer has: a name, parameters and their gradients."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name or type(self).__name__.lower()
        self.params: dict[str, Array] = {}
        self.grads: dict[str, Array] = {}

    def forward(self, x: Array, training: bool = False) -> Array:
        raise NotImplementedError

    def backward(self, grad_output: Array, input_grad: bool = True) -> Array | None:
        raise NotImplementedError

    def output_features(self, in_features: int) -> int:
        """How many features come out when ``in_features`` go in (for ``summary``)."""
        return in_features

    def config(self) -> dict:
        """The constructor arguments, so ``Sequential.load`` can rebuild the layer."""
        return {"name": self.name}

    def _grad(self, grad_output: object, shape: tuple[int, ...]) -> Array:
        """grad_output as a float array of the layer output's shape, or a clear error."""
        g = as_float_array(grad_output, f"{self.name}.backward", "grad_output")
        if g.shape != shape:
            raise ValueError(
                f"{self.name}.backward: grad_output (dL/d output) must have the shape of this "
                f"layer's last output, {shape}, but got shape {g.shape}. Pass the gradient that "
                f"the layer above returned (or the loss gradient), for the same batch as the "
                f"last forward()."
            )
        return g

    def _saved(self, attr: str) -> Array:
        value = getattr(self, attr, None)
        if value is None:
            raise RuntimeError(
                f"{self.name}: backward() was called before forward(). Run a forward pass "
                f"first; it stores the values the backward pass needs."
            )
        return value

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items() if k != "name")
        return f"{type(self).__name__}({args})"


# ---------------------------------------------------------------- Dense
class Dense(Layer):
    """A fully connected layer: every input feeds every output unit.

    Forward:  z = x @ W + b          x: (batch, in)  W: (in, out)  b: (out,)  z: (batch, out)
    Backward: dW = xᵀ @ dz           (in, out)   summed over the batch
              db = Σ_batch dz        (out,)
              dx = dz @ Wᵀ           (batch, in) handed to the layer below
    The 1/m of the average is already inside dz (it comes from the loss gradient).
    The first layer of a network skips dx (``input_grad=False``): nothing is below it.
    """

    def __init__(self, in_features: int, out_features: int, init: str = "he",
                 seed: int | None = None, rng: np.random.Generator | None = None,
                 name: str | None = None, dtype: type = np.float64) -> None:
        super().__init__(name or "dense")
        for label, value in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Dense: {label} must be a whole number ≥ 1, got {value!r}.")
        if init not in INITIALISERS:
            raise unknown_name("initialiser", init, INITIALISERS)
        self.in_features, self.out_features, self.init = int(in_features), int(out_features), init
        rng = _rng(rng, seed)
        shape = (self.in_features, self.out_features)
        self.params["W"] = INITIALISERS[init](shape, rng).astype(dtype)
        self.params["b"] = np.zeros(self.out_features, dtype=dtype)
        self.x: Array | None = None

    def forward(self, x: Array, training: bool = False) -> Array:
        x = as_float_array(x, f"Dense layer '{self.name}'")
        check_2d(x, f"Dense layer '{self.name}'")
        check_features(x, self.in_features, f"Dense layer '{self.name}'")
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, grad_output: Array, input_grad: bool = True) -> Array | None:
        x = self._saved("x")
        dz = self._grad(grad_output, (len(x), self.out_features))
        self.grads["W"] = x.T @ dz
        self.grads["b"] = dz.sum(axis=0)
        return dz @ self.params["W"].T if input_grad else None

    def output_features(self, in_features: int) -> int:
        return self.out_features

    def config(self) -> dict:
        return {"in_features": self.in_features, "out_features": self.out_features,
                "init": self.init, "name": self.name}


# ---------------------------------------------------------------- Activation
class Activation(Layer):
    """Apply an activation function element-wise: a = f(z).

    Backward: dz = da ⊙ f'(z) (element-wise product), using the z saved by forward.
    Softmax mixes a row's entries, so its backward uses the Jacobian-vector product
    from ``nnedu.activations.softmax_backward``.
    """

    def __init__(self, activation: str, name: str | None = None, **kwargs: float) -> None:
        if not isinstance(activation, str) or activation.lower() not in ACTIVATION_NAMES:
            raise unknown_name("activation", activation, ACTIVATION_NAMES)
        self.activation = activation.lower()
        super().__init__(name or self.activation)
        self.kwargs = kwargs
        if self.activation == "softmax":
            self.f, self.df = softmax, None
        else:
            self.f, self.df = get_activation(self.activation)
        self.z: Array | None = None

    def forward(self, x: Array, training: bool = False) -> Array:
        self.z = as_float_array(x, f"Activation layer '{self.name}'")
        return self.f(self.z, **self.kwargs)

    def backward(self, grad_output: Array, input_grad: bool = True) -> Array:
        z = self._saved("z")
        grad_output = self._grad(grad_output, z.shape)
        if self.activation == "softmax":
            return softmax_backward(z, grad_output)
        return grad_output * self.df(z, **self.kwargs)

    def config(self) -> dict:
        return {"activation": self.activation, "name": self.name, **self.kwargs}


# ---------------------------------------------------------------- PReLU
class PReLU(Layer):
    """Parametric ReLU: a = z if z > 0 else α·z, with one learnable slope α per feature.

    Backward: dα = Σ_batch da ⊙ (z if z ≤ 0 else 0)      shape (features,)
              dz = da ⊙ (1 if z > 0 else α)
    """

    def __init__(self, num_features: int, alpha: float = 0.25, name: str | None = None,
                 dtype: type = np.float64) -> None:
        super().__init__(name or "prelu")
        if (not isinstance(num_features, (int, np.integer)) or isinstance(num_features, bool)
                or num_features < 1):
            raise ValueError(
                f"PReLU: num_features must be a whole number ≥ 1, got {num_features!r}.")
        self.num_features = int(num_features)
        self.params["alpha"] = np.full(self.num_features, float(alpha), dtype=dtype)
        self.z: Array | None = None

    def forward(self, x: Array, training: bool = False) -> Array:
        x = as_float_array(x, f"PReLU layer '{self.name}'")
        check_2d(x, f"PReLU layer '{self.name}'")
        check_features(x, self.num_features, f"PReLU layer '{self.name}'")
        self.z = x
        return np.where(x > 0, x, self.params["alpha"] * x)

    def backward(self, grad_output: Array, input_grad: bool = True) -> Array | None:
        z = self._saved("z")
        grad_output = self._grad(grad_output, z.shape)
        self.grads["alpha"] = np.sum(grad_output * np.where(z > 0, 0.0, z), axis=0)
        if not input_grad:
            return None
        return grad_output * np.where(z > 0, 1.0, self.params["alpha"])

    def config(self) -> dict:
        return {"num_features": self.num_features, "name": self.name}


# ---------------------------------------------------------------- Dropout
class Dropout(Layer):
    """Inverted dropout: while training, zero each value with probability ``rate``.

    Training: a = x ⊙ mask / (1 − rate), mask_ij ~ Bernoulli(1 − rate).
    Dividing by (1 − rate) keeps the expected value of a equal to x, so at evaluation
    time (training=False) the layer is simply the identity.
    Backward: dx = da ⊙ mask / (1 − rate).
    """

    def __init__(self, rate: float, seed: int | None = None,
                 rng: np.random.Generator | None = None, name: str | None = None) -> None:
        super().__init__(name or "dropout")
        if not isinstance(rate, (int, float, np.floating)) or not 0.0 <= rate < 1.0:
            raise ValueError(
                f"Dropout: rate must be in [0, 1) — the fraction of units to drop — got {rate!r}. "
                f"Use 0.5 to drop half the units; 1.0 would drop everything."
            )
        self.rate = float(rate)
        self.rng = _rng(rng, seed)
        self.scaled_mask: Array | None = None

    def forward(self, x: Array, training: bool = False) -> Array:
        x = as_float_array(x, f"Dropout layer '{self.name}'")
        if not training or self.rate == 0.0:
            self.scaled_mask = np.ones_like(x)
            return x
        keep = 1.0 - self.rate
        self.scaled_mask = (self.rng.random(x.shape) < keep).astype(x.dtype) / keep
        return x * self.scaled_mask

    def backward(self, grad_output: Array, input_grad: bool = True) -> Array:
        mask = self._saved("scaled_mask")
        return self._grad(grad_output, mask.shape) * mask

    def config(self) -> dict:
        return {"rate": self.rate, "name": self.name}


LAYER_TYPES = {"Dense": Dense, "Activation": Activation, "PReLU": PReLU, "Dropout": Dropout}

