"""Sequential: a network is a list of layers applied one after the other.

Forward:  x → layer 1 → layer 2 → … → prediction
Backward: dL/dprediction → … → layer 2 → layer 1, each layer turning the gradient of its
          output into the gradient of its input and filling its own ``grads``.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Sequence

import numpy as np

from nnedu._validate import as_float_array, check_2d, check_finite, check_path, unknown_name
from nnedu.batchnorm import BATCHNORM_LAYER_TYPES
from nnedu.conv import CONV_LAYER_TYPES, Conv2D, check_images
from nnedu.layers import LAYER_TYPES, Activation, Dense, Dropout, Layer
from nnedu.losses import (
    LOSSES,
    fused_output_gradient,
    get_loss,
    sigmoid_binary_cross_entropy,
    sigmoid_binary_cross_entropy_gradient,
    softmax_cross_entropy,
    softmax_cross_entropy_gradient,
)

Array = np.ndarray
FILE_FORMAT = "nnedu-sequential-1"
#: The layer types Sequential.load can rebuild: Dense, Activation, …, BatchNorm and Conv2D, ….
LAYER_TYPES = {**LAYER_TYPES, **BATCHNORM_LAYER_TYPES, **CONV_LAYER_TYPES}


class _class_only(classmethod):
    """A classmethod that refuses to be called on an instance.

    ``Sequential.load(path)`` returns a *new* network; called as ``model.load(path)`` it
    would leave ``model`` unchanged, a silent surprise, so that call raises instead.
    """

    def __get__(self, instance, owner=None):
        if instance is not None:
            def refuse(*args, **kwargs):
                raise TypeError(
                    "Sequential.load builds a new network from the file; it cannot fill an "
                    "existing one. Write model = Sequential.load(path) instead of "
                    "model.load(path)."
                )
            return refuse
        return super().__get__(instance, owner)


class Sequential:
    """A stack of layers, e.g. ``Sequential([Dense(64, 64), Activation("relu"), Dense(64, 10),
    Activation("softmax")])``."""

    def __init__(self, layers: Sequence[Layer]) -> None:
        layers = list(layers)
        if not layers:
            raise ValueError("Sequential: give at least one layer, e.g. [Dense(2, 1)].")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"Sequential: item {i} is a {type(layer).__name__}, not a layer. Use layers "
                    f"from nnedu.layers, e.g. Dense(2, 3) or Activation('relu')."
                )
        self.layers = layers
        self._name_layers()
        self._check_sizes()

    def _name_layers(self) -> None:
        """Give every layer a unique name: dense_1, relu_1, dense_2, …"""
        seen: dict[str, int] = {}
        for layer in self.layers:
            seen[layer.name] = seen.get(layer.name, 0) + 1
            layer.name = f"{layer.name}_{seen[layer.name]}"

    def _check_sizes(self) -> None:
        """Each Dense (and each BatchNorm or PReLU) must accept what the Dense before it
        produces."""
        previous: Dense | None = None
        for layer in self.layers:
            wanted = getattr(layer, "num_features", None)  # BatchNorm, PReLU
            if previous is not None and wanted is not None and wanted != previous.out_features:
                raise ValueError(
                    f"Sequential: layer '{previous.name}' outputs {previous.out_features} "
                    f"features but the next {type(layer).__name__} layer '{layer.name}' expects "
                    f"{wanted}. Make them equal, e.g. {type(layer).__name__}"
                    f"({previous.out_features}).")
            if isinstance(layer, Dense):
                if previous is not None and previous.out_features != layer.in_features:
                    raise ValueError(
                        f"Sequential: layer '{previous.name}' outputs {previous.out_features} "
                        f"features but the next Dense layer '{layer.name}' expects "
                        f"{layer.in_features}. Make them equal."
                    )
                previous = layer

    # ------------------------------------------------------------ forward / backward
    def forward(self, x: Array, training: bool = False) -> Array:
        """Run x through every layer in order; returns the network's output."""
        for layer in self.layers:
            x = layer.forward(x, training=training)
        return x

    def backward(self, grad_output: Array, input_grad: bool = True) -> Array | None:
        """Run dL/d(output) through the layers in reverse; returns dL/d(input).

        ``input_grad=False`` lets the first layer skip dL/d(input) (training never uses
        it) and returns None.
        """
        return _backward(self.layers, grad_output, input_grad)

    def loss_and_backward(self, x: Array, y: Array,
                          loss: str = "categorical_cross_entropy",
                          training: bool = True, value: bool = True) -> float | None:
        """One forward pass, one backward pass, and the loss value (None if ``value=False``).

        If the network ends in softmax and the loss is categorical cross-entropy (or sigmoid
        and binary cross-entropy), the two are handled together: dL/dz = (p − y) / m, from
        the output p the forward pass already computed, is sent straight to the layer
        before the activation. It is the same gradient as chaining them one by one, but it
        cannot overflow or divide by a tiny probability. The training loop passes
        ``value=False``: the loss number is not needed to take a step.
        """
        output = self.forward(x, training=training)
        last = self.layers[-1]
        fused = _fused_pair(last, loss)
        if fused is not None:
            value_fn, _ = fused
            grad = fused_output_gradient(output, y, last.activation)  # dL/dz
            _backward(self.layers[:-1], grad, input_grad=False)
            return value_fn(last.z, y) if value else None  # the loss from the logits z
        value_fn, grad_fn = get_loss(loss)
        _backward(self.layers, grad_fn(output, y), input_grad=False)
        return value_fn(output, y) if value else None

    # ------------------------------------------------------------ parameters
    def named_parameters(self) -> list[tuple[str, Array]]:
        """[("dense_1.W", W), ("dense_1.b", b), …] in layer order."""
        return [(f"{layer.name}.{key}", value)
                for layer in self.layers for key, value in layer.params.items()]

    def parameters(self) -> list[Array]:
        """Every parameter array (the same objects, so updating them changes the network)."""
        return [value for _, value in self.named_parameters()]

    def gradients(self) -> list[Array]:
        """dL/dparameter for every parameter, in the order of ``parameters()``."""
        grads = []
        for layer in self.layers:
            for key in layer.params:
                if key not in layer.grads:
                    raise RuntimeError(
                        f"{layer.name}: no gradient for '{key}' yet. Call backward() (or "
                        f"loss_and_backward()) before asking for gradients."
                    )
                grads.append(layer.grads[key])
        return grads

    def count_parameters(self) -> int:
        """Total number of learnable numbers."""
        return int(sum(p.size for p in self.parameters()))

    # ------------------------------------------------------------ predictions
    @property
    def in_features(self) -> int | None:
        """Features per sample the network takes, or None if it starts with images (Conv2D)."""
        first = self.layers[0]
        if isinstance(first, Conv2D):
            return None
        first = next((layer for layer in self.layers if isinstance(layer, Dense)), None)
        return None if first is None else first.in_features

    def _check_x(self, x: Array, where: str) -> Array:
        """x as floats: (n_samples, n_features), or images (n, channels, h, w) for a Conv2D."""
        x = as_float_array(x, where, "x")
        first = self.layers[0]
        if isinstance(first, Conv2D):
            check_images(x, f"{where} (the network starts with a Conv2D)", first.in_channels)
        else:
            check_2d(x, where, "x")
        check_finite(x, where, "x")
        return x

    def predict_proba(self, x: Array) -> Array:
        """The network's output in evaluation mode (dropout off, batch norm's running
        statistics). x: (n_samples, n_features), or images (n_samples, channels, height,
        width) when the network starts with a Conv2D. Shape (n_samples, n_outputs)."""
        return self.forward(self._check_x(x, "Sequential.predict_proba"), training=False)

    def predict(self, x: Array) -> Array:
        """Class labels for a softmax output (argmax), 0/1 for a single sigmoid output
        (threshold 0.5), the raw output otherwise (regression). x as for ``predict_proba``."""
        out = self.predict_proba(x)
        last = self.layers[-1]
        if isinstance(last, Activation) and last.activation == "softmax":
            return np.argmax(out, axis=1)
        if isinstance(last, Activation) and last.activation == "sigmoid" and out.shape[1] == 1:
            return (out[:, 0] >= 0.5).astype(int)
        return out

    # ------------------------------------------------------------ summary
    def summary(self, input_shape: Sequence[int] | None = None) -> str:
        """A table of layers, output shapes and parameter counts.

        A network that starts with a Conv2D needs the shape of one image, (channels, height,
        width), e.g. ``summary((1, 8, 8))``; for Dense networks it is read from the layers.
        """
        shape = self._summary_input(input_shape)
        rows = [("layer", "output shape", "parameters")]
        for layer in self.layers:
            shape = _output_shape(layer, shape)
            n = sum(p.size for p in layer.params.values())
            size = ", ".join(str(v) for v in shape) if shape is not None else "?"
            rows.append((f"{layer.name} ({type(layer).__name__})", f"(batch, {size})", f"{n:,}"))
        rows.append(("total", "", f"{self.count_parameters():,}"))
        w0 = max(len(r[0]) for r in rows)
        w1 = max(len(r[1]) for r in rows)
        lines = [f"{a:<{w0}}  {b:<{w1}}  {c:>10}" for a, b, c in rows]
        rule = "-" * len(lines[0])
        return "\n".join([lines[0], rule, *lines[1:-1], rule, lines[-1]])

    def _summary_input(self, input_shape: Sequence[int] | None) -> tuple[int, ...] | None:
        first = self.layers[0]
        if input_shape is None:
            if isinstance(first, Conv2D):
                raise ValueError(
                    f"Sequential.summary: the network starts with a Conv2D, so the output "
                    f"shapes depend on the image size. Give one image's shape (channels, "
                    f"height, width), e.g. summary(({first.in_channels}, 8, 8)).")
            return None if self.in_features is None else (self.in_features,)
        shape = tuple(input_shape)
        ok_ints = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 1
                      for v in shape)
        wanted = 3 if isinstance(first, Conv2D) else 1
        if not ok_ints or len(shape) != wanted:
            what = "(channels, height, width)" if wanted == 3 else "(n_features,)"
            raise ValueError(f"Sequential.summary: input_shape is the shape of one sample, "
                             f"{what}, in whole numbers ≥ 1; got {input_shape!r}.")
        return shape

    def __repr__(self) -> str:
        inner = ",\n".join(f"    {layer!r}" for layer in self.layers)
        return f"Sequential([\n{inner},\n])"

    # ------------------------------------------------------------ save / load
    def save(self, path: str | os.PathLike) -> None:
        """Save layers and weights to a ``.npz`` file (plain arrays, no pickle)."""
        check_path(path, "Sequential.save")
        folder = os.path.dirname(os.fspath(path)) or "."
        if not os.path.isdir(folder):
            raise FileNotFoundError(
                f"Sequential.save: the folder {folder!r} does not exist. Create it first, "
                f"os.makedirs({folder!r}, exist_ok=True), or save elsewhere, e.g. 'model.npz'."
            )
        config = [{"type": type(layer).__name__, "config": layer.config()} for layer in self.layers]
        arrays = {f"param:{i}:{key}": value
                  for i, layer in enumerate(self.layers) for key, value in layer.params.items()}
        arrays.update({f"buffer:{i}:{key}": value  # batch norm's running statistics
                       for i, layer in enumerate(self.layers)
                       for key, value in getattr(layer, "buffers", {}).items()})
        with open(path, "wb") as file:  # exactly this name: np.savez would append ".npz"
            np.savez(file, format=np.array(FILE_FORMAT), config=np.array(json.dumps(config)),
                     **arrays)

    @_class_only
    def load(cls, path: str | os.PathLike) -> Sequential:
        """Rebuild a network saved with ``save``: ``model = Sequential.load(path)``.

        Refuses pickled or foreign files. It builds a new network; ``model.load(path)`` on an
        existing one raises an error that says so (it would otherwise change nothing).
        """
        check_path(path, "Sequential.load")
        try:
            with open(path, "rb") as file:  # closed even when the file is damaged
                data = np.load(file, allow_pickle=False)
                if not isinstance(data, np.lib.npyio.NpzFile):
                    raise ValueError("it holds a single array, not a saved network")
                with data:
                    arrays = {key: data[key] for key in data.files}
        except FileNotFoundError:
            raise FileNotFoundError(f"Sequential.load: no file at {os.fspath(path)!r}.") from None
        except IsADirectoryError:
            raise ValueError(f"Sequential.load: {os.fspath(path)!r} is a folder; give the "
                             f"model file inside it, e.g. 'model.npz'.") from None
        except (ValueError, OSError, zipfile.BadZipFile, EOFError) as err:
            raise ValueError(
                f"Sequential.load: {os.fspath(path)!r} is not a readable nnedu model file "
                f"(.npz written by Sequential.save): {err}"
            ) from None
        if not isinstance(arrays, dict) or str(arrays.get("format", "")) != FILE_FORMAT:
            raise ValueError(
                f"Sequential.load: {os.fspath(path)!r} was not written by Sequential.save "
                f"(expected format {FILE_FORMAT!r})."
            )
        try:
            config = json.loads(str(arrays["config"]))
            layers = [_build_layer(entry) for entry in config]
        except (KeyError, TypeError, ValueError, json.JSONDecodeError) as err:
            raise ValueError(f"Sequential.load: the layer description is damaged: {err}") from None
        model = cls.__new__(cls)
        model.layers = layers  # names were stored already unique
        for i, layer in enumerate(layers):
            for key, current in layer.params.items():
                stored = arrays.get(f"param:{i}:{key}")
                if stored is None or stored.shape != current.shape:
                    got = "missing" if stored is None else f"shape {stored.shape}"
                    raise ValueError(
                        f"Sequential.load: parameter '{layer.name}.{key}' should have shape "
                        f"{current.shape} but the file has {got}."
                    )
                layer.params[key] = stored.copy()
            _load_buffers(layer, i, arrays)
        return model


def _backward(layers: Sequence[Layer], grad: Array, input_grad: bool) -> Array | None:
    """Backward through ``layers`` from the last to the first; the first one returns dL/dx
    only if ``input_grad``."""
    for i in range(len(layers) - 1, -1, -1):
        grad = layers[i].backward(grad, input_grad=input_grad or i > 0)
    return grad


def _output_shape(layer: Layer, shape: tuple[int, ...] | None) -> tuple[int, ...] | None:
    """One sample's shape after ``layer``: (features,) or (channels, height, width)."""
    if shape is None:
        return None
    if hasattr(layer, "output_shape"):  # Conv2D, pooling, Flatten
        return tuple(layer.output_shape(shape))
    if len(shape) != 1:
        return shape
    return (layer.output_features(shape[0]),)


def _load_buffers(layer: Layer, i: int, arrays: dict[str, Array]) -> None:
    """Restore a layer's buffers (batch norm's running mean and variance) from the file.

    Files written before buffers were saved have none: the layer keeps its starting values.
    """
    for key, current in getattr(layer, "buffers", {}).items():
        stored = arrays.get(f"buffer:{i}:{key}")
        if stored is None:
            continue
        if stored.shape != current.shape:
            raise ValueError(
                f"Sequential.load: '{layer.name}.{key}' should have shape {current.shape} but "
                f"the file has shape {stored.shape}.")
        layer.buffers[key] = stored.copy()


def _build_layer(entry: dict) -> Layer:
    kind = entry["type"]
    if kind not in LAYER_TYPES:
        raise ValueError(f"unknown layer type {kind!r}")
    return LAYER_TYPES[kind](**entry["config"])


def _fused_pair(last: Layer, loss: str):
    """The fused (value, gradient) pair for softmax+CCE or sigmoid+BCE, else None."""
    if not isinstance(loss, str) or loss.lower() not in LOSSES:
        raise unknown_name("loss", loss, LOSSES)
    if not isinstance(last, Activation):
        return None
    if last.activation == "softmax" and loss == "categorical_cross_entropy":
        return softmax_cross_entropy, softmax_cross_entropy_gradient
    if last.activation == "sigmoid" and loss == "binary_cross_entropy":
        return sigmoid_binary_cross_entropy, sigmoid_binary_cross_entropy_gradient
    return None


def mlp(sizes: Sequence[int] = (64, 64, 10), activation: str = "relu", output: str = "softmax",
        init: str | None = None, dropout: float = 0.0, seed: int | None = 0,
        dtype: type = np.float64) -> Sequential:
    """Build a multi-layer perceptron from layer sizes.

    ``mlp((64, 64, 10))`` is Dense(64→64), ReLU, Dense(64→10), softmax. ``init`` defaults
    to He for ReLU-like activations and Xavier for sigmoid/tanh. ``dropout`` > 0 adds a
    Dropout layer after each hidden activation. ``dtype=np.float32`` halves memory and is
    faster; give the data as float32 too.
    """
    sizes = list(sizes)
    if len(sizes) < 2 or any(not isinstance(s, (int, np.integer)) or isinstance(s, bool) or s < 1
                             for s in sizes):
        raise ValueError(
            f"mlp: sizes must list at least an input and an output size, all whole numbers ≥ 1, "
            f"e.g. (64, 64, 10); got {sizes!r}."
        )
    if init is None:
        init = "xavier" if activation in ("sigmoid", "tanh") else "he"
    rng = np.random.default_rng(seed)
    layers: list[Layer] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        is_output = i == len(sizes) - 2
        layers.append(Dense(n_in, n_out, init=init, rng=rng, dtype=dtype))
        if not is_output:
            layers.append(Activation(activation))
            if dropout != 0:  # a bad rate reaches Dropout's own check
                layers.append(Dropout(dropout, rng=rng))
        elif output != "linear":
            layers.append(Activation(output))
    return Sequential(layers)
