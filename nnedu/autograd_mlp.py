"""A tiny multi-layer perceptron made of ``Value``s: every weight is one scalar Value.

The same maths as ``nnedu.layers.Dense`` followed by an ``Activation``, one number at a time:

    unit i of a layer:   z_i = b_i + Σ_j w_ij · x_j,     a_i = f(z_i)

``w_ij`` is the weight into unit i from input j (the lessons' order). Every gradient comes
from ``Value.backward()``: nothing here knows a derivative. It is slow — one Python object
per number and per operation — which is why nnedu's layers do the same on whole arrays.
``to_sequential()`` builds that array version with the same weights, so the two backward
passes can be compared number for number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from nnedu.autograd import Value

if TYPE_CHECKING:  # only for the type hint; nnedu.network is imported when it is used
    from nnedu.network import Sequential

#: What a layer may apply after its weighted sums ("linear" = nothing).
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")


def _check_activation(activation: str, where: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"{where}: activation must be one of {ACTIVATIONS}, got {activation!r}.")
    return activation


class Neuron:
    """One unit: ``n_inputs`` weights and a bias, then an activation.

    Weights start as N(0, 1/n_inputs) random numbers (seeded by ``rng``), the bias at 0.
    Labels ``{name}.w{j}`` and ``{name}.b`` name them in a drawn graph.
    """

    def __init__(self, n_inputs: int, activation: str = "tanh",
                 rng: np.random.Generator | None = None, name: str = "n") -> None:
        if isinstance(n_inputs, bool) or not isinstance(n_inputs, int) or n_inputs < 1:
            raise ValueError(f"Neuron: n_inputs must be a whole number >= 1, got {n_inputs!r}.")
        self.activation = _check_activation(activation, "Neuron")
        rng = np.random.default_rng(0) if rng is None else rng
        weights = rng.normal(0.0, 1.0 / np.sqrt(n_inputs), size=n_inputs)
        self.w = [Value(float(w), label=f"{name}.w{j + 1}") for j, w in enumerate(weights)]
        self.b = Value(0.0, label=f"{name}.b")

    def __call__(self, x: Sequence[Value | float]) -> Value:
        """z = b + w_1·x_1 + … + w_n·x_n, then a = f(z). x: n_inputs numbers or Values."""
        if len(x) != len(self.w):
            raise ValueError(f"Neuron: expected {len(self.w)} inputs, got {len(x)}.")
        z = self.b
        for w_j, x_j in zip(self.w, x):
            z = z + w_j * x_j
        return z if self.activation == "linear" else getattr(z, self.activation)()

    def parameters(self) -> list[Value]:
        """The weights, then the bias."""
        return [*self.w, self.b]


class Layer:
    """``n_outputs`` neurons, each seeing all ``n_inputs`` inputs. Returns a list of Values."""

    def __init__(self, n_inputs: int, n_outputs: int, activation: str = "tanh",
                 rng: np.random.Generator | None = None, name: str = "layer") -> None:
        rng = np.random.default_rng(0) if rng is None else rng
        self.neurons = [Neuron(n_inputs, activation, rng, name=f"{name}.n{i + 1}")
                        for i in range(n_outputs)]
        self.activation = activation

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        return [neuron(x) for neuron in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP:
    """A stack of layers, e.g. ``MLP([2, 8, 1])``: 2 inputs, 8 ``hidden`` units, 1 output.

    ``hidden``: activation of every hidden layer; ``output``: of the last layer ("sigmoid"
    for a probability, "linear" for a plain number). ``seed`` fixes the starting weights.
    ``mlp(x)`` takes one sample (a list of numbers) and returns a list of output Values.
    """

    def __init__(self, sizes: Sequence[int], hidden: str = "tanh", output: str = "sigmoid",
                 seed: int | None = 0) -> None:
        if len(sizes) < 2:
            raise ValueError(f"MLP: sizes needs at least [inputs, outputs], got {list(sizes)}.")
        _check_activation(hidden, "MLP (hidden)")
        _check_activation(output, "MLP (output)")
        rng = np.random.default_rng(seed)
        n_layers = len(sizes) - 1
        self.layers = [Layer(sizes[k], sizes[k + 1], hidden if k < n_layers - 1 else output,
                             rng, name=f"layer{k + 1}") for k in range(n_layers)]

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (do it before each new backward pass)."""
        for p in self.parameters():
            p.grad = 0.0

    # --------------------------------------------------------- the array view
    def arrays(self, what: str = "data") -> list[tuple[np.ndarray, np.ndarray]]:
        """[(W, b), …] per layer in ``Dense``'s layout: W (n_in, n_out) with W[j, i] = w_ij,
        b (n_out,). ``what="grad"`` gives the gradients in the same layout."""
        if what not in ("data", "grad"):
            raise ValueError(f"MLP.arrays: what must be 'data' or 'grad', got {what!r}.")
        return [(np.array([[getattr(w, what) for w in n.w] for n in layer.neurons]).T,
                 np.array([getattr(n.b, what) for n in layer.neurons]))
                for layer in self.layers]

    def set_arrays(self, arrays: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
        """Copy weights in ``Dense``'s layout (see :meth:`arrays`) into the Values."""
        if len(arrays) != len(self.layers):
            raise ValueError(f"MLP.set_arrays: expected {len(self.layers)} (W, b) pairs, "
                             f"got {len(arrays)}.")
        for layer, (W, b) in zip(self.layers, arrays):
            W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
            expected = (len(layer.neurons[0].w), len(layer.neurons))
            if W.shape != expected or b.shape != expected[1:]:
                raise ValueError(f"MLP.set_arrays: expected W {expected} and b "
                                 f"{expected[1:]}, got {W.shape} and {b.shape}.")
            for i, neuron in enumerate(layer.neurons):
                for j, w in enumerate(neuron.w):
                    w.data = float(W[j, i])
                neuron.b.data = float(b[i])

    def to_sequential(self) -> Sequential:
        """The same network built from nnedu's layers, with the same weights."""
        from nnedu.layers import Activation, Dense
        from nnedu.network import Sequential

        layers = []
        for layer, (W, b) in zip(self.layers, self.arrays()):
            dense = Dense(*W.shape)
            dense.params["W"][...] = W
            dense.params["b"][...] = b
            layers.append(dense)
            if layer.activation != "linear":
                layers.append(Activation(layer.activation))
        return Sequential(layers)


def binary_cross_entropy(p: Value, y: float) -> Value:
    """L = −[y·ln p + (1 − y)·ln(1 − p)] for one probability p in (0, 1) and label y.

    Built from Value operations, so ``L.backward()`` finds dL/dp = −y/p + (1 − y)/(1 − p)
    by itself. p must be strictly between 0 and 1 (ln 0 is an error).
    """
    return -(y * p.log() + (1 - y) * (1 - p).log())
