"""Lesson 08a · Training deep networks: initial weight scale, vanishing and exploding signals,
clipping, batch normalisation.

What is here:

    INITS, init_std            the weight scales the lesson compares (std 0.01, Xavier, He, std 1)
    deep_mlp                   a deep ReLU/tanh network of nnedu layers, optional BatchNorm/PReLU
    layer_statistics           one forward and backward pass: per layer the activations'
                               histogram and std, and the weight gradient's norm ‖dW‖ (cached)
    RUNS, train_run            the lesson's training runs on the digits (cached by name)
    epochs_to                  the first epoch a run reached some training accuracy
    plot_layer_std, plot_runs  the lesson's still figures (plot_runs: {name: History})
    deep_init_explorer         depth, activation and init → per-layer histograms, std and ‖dW‖

The variance argument (lesson section 2): z = Σ_j a_j W_ji over n_in inputs, so with
independent, zero-mean weights Var(z) = n_in · Var(W) · E[a²]. Var(W) = 1 / n_in keeps the
size of the signal for a function that is linear near 0 (tanh); ReLU keeps only half of E[z²],
so He doubles it, Var(W) = 2 / n_in; Xavier averages the forward and the backward need,
Var(W) = 2 / (n_in + n_out).

numpy and nnedu are imported here; matplotlib and ipywidgets only inside the functions that draw.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import NamedTuple

import numpy as np

from nnedu.batchnorm import BatchNorm
from nnedu.layers import Activation, Dense, Layer, PReLU
from nnedu.network import Sequential
from nnedu.plots import COLORS
from nnedu.widgets.explorer import Explorer

Array = np.ndarray

#: How each weight scale sets the standard deviation of W (n_in → n_out units).
INITS: dict[str, str] = {"small": "std 0.01", "xavier": "Xavier", "he": "He", "large": "std 1"}
ACTIVATIONS = ("tanh", "relu", "sigmoid")
WIDTH = 64          # units per hidden layer, in the explorer and the training runs
MAX_DEPTH = 20      # the explorer's deepest network
BINS = 40           # histogram bins of the explorer
#: The histogram range of each activation; larger values are counted in the last bin.
RANGES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "relu": (0.0, 4.0)}


def init_std(init: str | float, n_in: int, n_out: int) -> float:
    """The standard deviation of W: 0.01, √(2/(n_in + n_out)) (Xavier), √(2/n_in) (He), 1,
    or a number given directly."""
    if not isinstance(init, str):
        return float(init)
    return {"small": 0.01, "xavier": math.sqrt(2.0 / (n_in + n_out)),
            "he": math.sqrt(2.0 / n_in), "large": 1.0}[init]


def deep_mlp(hidden: int = 10, init: str | float = "he", activation: str = "relu",
             batch_norm: bool = False, width: int = WIDTH, n_in: int = 64, n_out: int = 10,
             seed: int = 0, dtype: type = np.float64) -> Sequential:
    """``hidden`` layers of ``width`` units: Dense → (BatchNorm) → activation, then Dense →
    softmax. W ~ N(0, init_std²) in every Dense layer; biases 0. ``activation="prelu"`` puts
    a PReLU (α = 0.25 to start) in place of the activation."""
    rng = np.random.default_rng(seed)
    layers: list[Layer] = []
    sizes = [n_in] + [width] * hidden + [n_out]
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        dense = Dense(a, b, init="zeros", dtype=dtype)
        dense.params["W"] = rng.normal(0.0, init_std(init, a, b), (a, b)).astype(dtype)
        layers.append(dense)
        if i == hidden:
            break
        if batch_norm:
            layers.append(BatchNorm(b, dtype=dtype))
        layers.append(PReLU(b, dtype=dtype) if activation == "prelu" else Activation(activation))
    return Sequential(layers + [Activation("softmax")])


# ----------------------------------------------------------------------------- one pass
class LayerStats(NamedTuple):
    """Per hidden layer l = 1 … depth: ``std`` of its activations a, ``grad_norm`` ‖dW‖ of its
    weights, ``hist`` the share of a's values in each of ``BINS`` bins (rows sum to 1; for
    ReLU only the values a > 0 are counted, as the other half are exactly 0)."""
    std: Array
    grad_norm: Array
    hist: Array


@lru_cache(maxsize=256)
def layer_statistics(depth: int, activation: str, init: str, m: int = 256,
                     seed: int = 0) -> LayerStats:
    """One forward pass of m standard-normal inputs through ``depth`` hidden layers of 64 units
    (no output layer), then one backward pass of a random gradient dA ~ N(0, 1)/m sent into
    the top layer. Float64, so that even std 1 through 20 ReLU layers does not overflow."""
    model = deep_mlp(depth, init, activation, width=WIDTH, n_in=WIDTH, seed=seed,
                     dtype=np.float64)
    hidden = model.layers[:2 * depth]                    # without the output Dense + softmax
    rng = np.random.default_rng(seed + 1)
    a = rng.standard_normal((m, WIDTH))
    low, high = RANGES[activation]
    std, hist = [], []
    for dense, act in zip(hidden[::2], hidden[1::2]):
        a = act.forward(dense.forward(a, training=True), training=True)
        std.append(float(a.std()))
        shown = a[a > 0] if activation == "relu" else a   # ReLU: half the values are 0
        counts, _ = np.histogram(np.clip(shown, low, high), BINS, (low, high))
        hist.append(counts / max(counts.sum(), 1))
    grad = rng.standard_normal(a.shape) / m
    for layer in reversed(hidden):
        grad = layer.backward(grad)
    norms = [float(np.linalg.norm(dense.grads["W"])) for dense in hidden[::2]]
    return LayerStats(np.array(std), np.array(norms), np.array(hist))


# ----------------------------------------------------------------------------- training runs
#: The lesson's runs: 10 hidden ReLU layers of 64 units on the digits, SGD with momentum.
RUNS: dict[str, dict] = {
    "std 0.01": {"init": "small"},
    "He": {"init": "he"},
    "He + batch norm": {"init": "he", "batch_norm": True},
    "He + PReLU": {"init": "he", "activation": "prelu"},
    "std 0.3": {"init": 0.3},
    "std 0.3, clipped at 2": {"init": 0.3, "clip_norm": 2.0},
}
TRAINING = {"lr": 0.01, "momentum": 0.9, "epochs": 10, "batch_size": 32}


class Run(NamedTuple):
    """A training run: its History (None if it diverged), the model, the first gradient norm
    and, if it diverged, the message of fit's error."""
    history: object
    model: Sequential
    first_grad_norm: float
    diverged: str | None


@cache
def train_run(name: str) -> Run:
    """Train ``deep_mlp(**RUNS[name])`` on the digits as ``TRAINING`` says (float64, seed 0).

    The same calls as the lesson's code; cached, so a second call costs nothing."""
    import warnings

    from nnedu.data import load_digits
    from nnedu.optim import SGD, global_norm
    from nnedu.train import fit

    settings = dict(RUNS[name])
    clip_norm = settings.pop("clip_norm", None)
    digits = load_digits()
    X = digits.X_train
    model = deep_mlp(**settings)
    model.loss_and_backward(X[:32], np.eye(10)[digits.y_train[:32]])
    first = global_norm(model.gradients())
    t = TRAINING
    optimizer = SGD(lr=t["lr"], momentum=t["momentum"], clip_norm=clip_norm)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)   # overflow on the way to nan
            history = fit(model, X, digits.y_train, optimizer=optimizer, epochs=t["epochs"],
                          batch_size=t["batch_size"], validation_data=(digits.X_val,
                                                                       digits.y_val),
                          progress=False, seed=0)
    except FloatingPointError as err:
        return Run(None, model, first, str(err))
    return Run(history, model, first, None)


def epochs_to(history, accuracy: float) -> int | None:
    """The first epoch (1, 2, …) whose training accuracy is ≥ ``accuracy``, else None."""
    reached = [i for i, a in enumerate(history["accuracy"], start=1) if a >= accuracy]
    return reached[0] if reached else None


# ----------------------------------------------------------------------------- still figures
def plot_layer_std(activation: str, depth: int = 10, ax=None):
    """The std of the activations, layer by layer, for every init in ``INITS`` (log scale)."""
    from nnedu.plots import new_axes

    _, ax = new_axes(ax, figsize=(5.0, 3.6))
    layers = np.arange(1, depth + 1)
    for k, (init, label) in enumerate(INITS.items()):
        stats = layer_statistics(depth, activation, init)
        ax.semilogy(layers, stats.std, marker="o", color=COLORS[k], label=label)
    ax.set_xlabel("layer l")
    ax.set_ylabel("std of the activations $a^{[l]}$")
    ax.set_title(f"{activation}: {depth} layers of {WIDTH} units")
    ax.set_xticks(layers)
    ax.legend(fontsize=9)
    return ax


def plot_runs(histories: Mapping[str, object], ax=None):
    """Training accuracy per epoch of each run, {name: History}."""
    from nnedu.plots import new_axes

    _, ax = new_axes(ax, figsize=(6.0, 3.6))
    for k, (name, history) in enumerate(histories.items()):
        epochs = np.arange(1, len(history["accuracy"]) + 1)
        ax.plot(epochs, history["accuracy"], marker="os^D"[k % 4], color=COLORS[k], label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("training accuracy")
    ax.set_ylim(0, 1.02)
    ax.set_title("10 hidden ReLU layers on the digits")
    ax.legend(fontsize=9, loc="lower right")
    return ax


# ----------------------------------------------------------------------------- the explorer
LOG_LIMITS = (1e-12, 1e12)


def explorer_readout(depth: int, activation: str, init: str) -> str:
    """What the explorer says: the std at the first and the last layer and ‖dW‖ there."""
    s = layer_statistics(depth, activation, init)
    return (f"{depth} layers, {activation}, {INITS[init]}: std of a goes from {s.std[0]:.3g} "
            f"(layer 1) to {s.std[-1]:.3g} (layer {depth}); ‖dW‖ from {s.grad_norm[0]:.3g} "
            f"(layer 1) to {s.grad_norm[-1]:.3g} (layer {depth})")


class DeepInitExplorer(Explorer):
    """Depth, activation and initial weight scale → the histogram of every layer's activations,
    their std and the weight gradients' norms, layer by layer."""

    title = "lesson 08a · signals and gradients through a deep network"
    figsize = (9.0, 3.7)

    def build(self, fig) -> None:
        import ipywidgets as widgets

        style = {"description_width": "initial"}
        self.add_control("depth", widgets.IntSlider(
            value=10, min=2, max=MAX_DEPTH, description="layers", style=style,
            layout=widgets.Layout(width="260px")))
        self.add_control("activation", widgets.ToggleButtons(
            options=list(ACTIVATIONS), value="tanh", description="activation", style=style))
        self.add_control("init", widgets.Dropdown(
            options=[(label, key) for key, label in INITS.items()], value="xavier",
            description="initial weights", style=style, layout=widgets.Layout(width="230px")))
        ax_hist = fig.add_axes((0.06, 0.14, 0.27, 0.72))
        ax_std = fig.add_axes((0.42, 0.14, 0.25, 0.72))
        ax_grad = fig.add_axes((0.74, 0.14, 0.25, 0.72))
        ax_hist.set_title("histogram of each layer's a", fontsize=11)
        ax_hist.set_ylabel("layer l", fontsize=10)
        ax_hist.set_xlabel("value of a (ReLU: a > 0 only)", fontsize=10, labelpad=16)
        ax_hist.set_xlim(-0.02, 1.02)                   # the activation's range, stretched
        ax_hist.set_ylim(0.5, MAX_DEPTH + 1.5)
        ax_hist.set_xticks([])
        ax_hist.set_yticks([1, 5, 10, 15, 20])
        self.ridges = [self.moving(ax_hist.plot([], [], color=COLORS[0], lw=1.2)[0])
                       for _ in range(MAX_DEPTH)]
        self.ends = [self.moving(ax_hist.text(x, -0.025, "", transform=ax_hist.transAxes,
                                              ha=ha, va="top", fontsize=10))
                     for x, ha in ((0.0, "left"), (0.5, "center"), (1.0, "right"))]
        for ax, title in ((ax_std, "std of a"), (ax_grad, "‖dW‖ (weight gradient)")):
            ax.set_yscale("log")
            ax.set_ylim(*LOG_LIMITS)
            ax.set_xlim(0.5, MAX_DEPTH + 0.5)
            ax.set_xticks([1, 5, 10, 15, 20])
            ax.set_xlabel("layer l", fontsize=10)
            ax.set_title(title, fontsize=11)
            ax.grid(True, which="major", alpha=0.3)
        self.std_line = self.moving(ax_std.plot([], [], marker="o", ms=3, color=COLORS[1])[0])
        self.grad_line = self.moving(ax_grad.plot([], [], marker="s", ms=3, color=COLORS[3])[0])

    def show(self, values: Mapping) -> str:
        depth, activation, init = int(values["depth"]), values["activation"], values["init"]
        stats = layer_statistics(depth, activation, init)
        low, high = RANGES[activation]
        x = (np.arange(BINS) + 0.5) / BINS                  # bin centres, 0 … 1 of the range
        for layer, ridge in enumerate(self.ridges, start=1):
            ridge.set_visible(layer <= depth)
            if layer <= depth:
                share = stats.hist[layer - 1]
                ridge.set_data(x, layer + 0.9 * share / max(share.max(), 1e-300))
        right = "≥ 4" if activation == "relu" else f"{high:g}"
        for text, label in zip(self.ends, (f"{low:g}", f"{(low + high) / 2:g}", right),
                               strict=True):
            text.set_text(label)
        layers = np.arange(1, depth + 1)
        self.std_line.set_data(layers, np.clip(stats.std, *LOG_LIMITS))
        self.grad_line.set_data(layers, np.clip(stats.grad_norm, *LOG_LIMITS))
        return explorer_readout(depth, activation, init)


def deep_init_explorer() -> DeepInitExplorer:
    """The lesson's explorer: layers 2–20, tanh/ReLU/sigmoid, four initial weight scales."""
    return DeepInitExplorer()
