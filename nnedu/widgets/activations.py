"""Lesson 02 explorers: activation functions, their slopes, and the gradient through many layers.

In a notebook::

    from nnedu.widgets.activations import activation_explorer, depth_explorer
    activation_explorer()   # pick an activation and an input range: f and f′ on one plot
    depth_explorer()        # stack 1–20 layers: how much of the gradient is left

The plotting helpers the lesson draws with live here too: ``plot_activation``,
``plot_activation_gallery``, ``plot_gradient_vs_depth`` and ``plot_softmax_temperatures``.

The depth explorer uses the simplest deep network there is: a chain of one-unit layers, each
weight equal to 1 and every unit sitting at the same weighted sum z. By the chain rule the
gradient that reaches the first layer is then the product of the n slopes,
f′(z) · f′(z) · … · f′(z) = f′(z)ⁿ (the "gradient factor").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnedu import activations as act
from nnedu.widgets.explorer import Explorer, slider

Array = np.ndarray

#: Activation name (as in ``nnedu.activations``) → how the lesson writes it.
LABELS: dict[str, str] = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "elu": "ELU",
    "gelu": "GELU",
    "swish": "Swish",
    "linear": "linear",
}

#: Activation name → the values it can output (ELU with α = 1). GELU and Swish dip a little
#: below zero: their smallest values are about −0.17 and −0.28.
OUTPUT_RANGES: dict[str, str] = {
    "sigmoid": "(0, 1)",
    "tanh": "(−1, 1)",
    "relu": "[0, ∞)",
    "leaky_relu": "(−∞, ∞)",
    "elu": "(−1, ∞)",
    "gelu": "[≈ −0.17, ∞)",
    "swish": "[≈ −0.28, ∞)",
    "linear": "(−∞, ∞)",
}

#: The activations the depth explorer compares.
DEPTH_ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu")

MAX_DEPTH = 20
Z_LIMIT = 10.0  # the activation explorer's input range slider goes from −Z_LIMIT to Z_LIMIT


# ---------------------------------------------------------------- numbers behind the readouts
def _check_name(name: str, where: str) -> None:
    if name not in LABELS:
        raise ValueError(
            f"{where}: unknown activation {name!r}. Choose one of {', '.join(LABELS)}."
        )


def _check_depth(depth: int, where: str) -> None:
    if not isinstance(depth, (int, np.integer)) or isinstance(depth, bool) or depth < 1:
        raise ValueError(f"{where}: depth must be a whole number ≥ 1 (layers), got {depth!r}.")


def gradient_factor(name: str, depth: int, z: float) -> float:
    """f′(z)ⁿ: the share of the gradient left after ``depth`` = n layers of activation ``name``
    in a chain of one-unit layers with weights 1 and every unit at weighted sum ``z``."""
    _check_name(name, "gradient_factor")
    _check_depth(depth, "gradient_factor")
    _, df = act.get_activation(name)
    return float(df(np.float64(z))) ** int(depth)


def sigmoid_bound(depth: int) -> float:
    """The most gradient n sigmoid layers can let through: σ′(z) ≤ σ′(0) = 0.25, so 0.25ⁿ."""
    _check_depth(depth, "sigmoid_bound")
    return float(act.sigmoid_derivative(0.0)) ** int(depth)


def _short(value: float) -> str:
    """A gradient factor for a readout: "1", "0", "0.0625", or below 0.001 like "9.5e-07"."""
    if value == 1.0:
        return "1"
    if value == 0.0:
        return "0"
    return f"{value:.3g}" if value >= 1e-3 else f"{value:.1e}"


def depth_readout(depth: int, z: float) -> str:
    """The depth explorer's text, e.g. "after 10 sigmoid layers the gradient is at most 9.5e-07
    of its size. …" followed by the factors of sigmoid, tanh and ReLU with every unit at z."""
    layers = "layer" if depth == 1 else "layers"
    parts = []
    for name in DEPTH_ACTIVATIONS:
        factor = gradient_factor(name, depth, z)
        parts.append(f"{LABELS[name]} {_short(factor)}")
    relu_note = "its slope is 1 for z > 0" if z > 0 else "its slope is 0 for z ≤ 0"
    return (
        f"after {depth} sigmoid {layers} the gradient is at most {_short(sigmoid_bound(depth))} "
        f"of its size. With every unit at z = {z:.2f}: {', '.join(parts)} ({relu_note})."
    )


def activation_readout(name: str, lo: float, hi: float) -> str:
    """The activation explorer's text: the output range and, over z in [lo, hi], the smallest
    and largest value of f(z) and of the slope f′(z)."""
    _check_name(name, "activation_readout")
    label = LABELS[name]
    if not hi > lo:
        return f"{label}: the input range is empty. Move the two handles apart."
    f, df = act.get_activation(name)
    z = np.linspace(lo, hi, 401)
    values, slopes = f(z), df(z)
    return (
        f"{label}: output range {OUTPUT_RANGES[name]}. For z from {lo:.1f} to {hi:.1f}, "
        f"f(z) goes from {values.min():.3f} to {values.max():.3f} "
        f"and the slope f′(z) from {slopes.min():.3f} to {slopes.max():.3f}."
    )


# ---------------------------------------------------------------- plots
def plot_activation(name: str, lo: float = -5.0, hi: float = 5.0, ax=None):
    """f(z) (solid) and f′(z) (dashed) of activation ``name`` over [lo, hi] on one axes."""
    from nnedu.plots import function_and_derivative

    _check_name(name, "plot_activation")
    f, df = act.get_activation(name)
    ax = function_and_derivative(f, df, lo=lo, hi=hi, ax=ax, name=LABELS[name])
    ax.set_ylabel("value")
    ax.grid(alpha=0.3)
    return ax


def plot_activation_gallery(names: Sequence[str] = tuple(LABELS), lo: float = -5.0,
                            hi: float = 5.0, cols: int = 4):
    """A grid of small plots, one per activation: f(z), f′(z) and the output range."""
    import matplotlib.pyplot as plt

    rows = int(np.ceil(len(names) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 3.0 * rows), squeeze=False)
    for ax, name in zip(axes.ravel(), names):
        plot_activation(name, lo, hi, ax=ax)
        ax.set_title(f"{LABELS[name]}: range {OUTPUT_RANGES[name]}", fontsize=11)
        ax.legend(fontsize=8, loc="upper left")
    for ax in axes.ravel()[len(names):]:
        ax.axis("off")
    fig.tight_layout()
    return fig


def plot_gradient_vs_depth(depth: int | None = None, z: float = 1.0,
                           max_depth: int = MAX_DEPTH, ax=None):
    """Gradient factor f′(z)ⁿ against the number of layers n (log scale): sigmoid's best case
    0.25ⁿ, and sigmoid, tanh and ReLU with every unit at ``z``. ``depth`` marks one n."""
    from nnedu.plots import COLORS, MARKERS, new_axes

    fig, ax = new_axes(ax, figsize=(7.0, 4.5))
    layers = np.arange(1, max_depth + 1)
    ax.semilogy(layers, [sigmoid_bound(n) for n in layers], color="0.35", lw=2.5,
                label="sigmoid, at most (0.25ⁿ)")
    for k, name in enumerate(DEPTH_ACTIVATIONS):
        factors = np.array([gradient_factor(name, int(n), z) for n in layers])
        label = f"{LABELS[name]} at z = {z:.2f}"
        style = dict(color=COLORS[k], marker=MARKERS[k], ls="--", lw=1.5, ms=5)
        if np.all(factors > 0):
            ax.semilogy(layers, factors, label=label, **style)
        else:  # zero cannot be drawn on a log scale
            ax.plot([], [], label=f"{label}: 0 (not drawn)", **style)
    if depth is not None:
        ax.axvline(depth, color="0.5", lw=1, ls=":")
        ax.set_title(f"Gradient left after n layers (marked: n = {depth})")
    else:
        ax.set_title("Gradient left after n layers")
    ax.set_xlabel("number of layers n")
    ax.set_ylabel("gradient factor f′(z)ⁿ (log scale)")
    ax.set_xticks(layers[layers % 2 == 0])
    ax.set_xlim(0.5, max_depth + 0.5)
    ax.grid(alpha=0.3, which="major")
    ax.legend(loc="lower left", fontsize=9, framealpha=0.9)
    return ax


def plot_softmax_temperatures(logits: Array, temperatures: Sequence[float] = (0.5, 1.0, 5.0),
                              class_names: Sequence[str] | None = None):
    """One bar chart per temperature T of softmax(logits / T), probabilities written on the bars.

    logits: (n_classes,).
    """
    import matplotlib.pyplot as plt

    from nnedu.plots import COLORS

    logits = np.asarray(logits, dtype=float)
    if logits.ndim != 1:
        raise ValueError(f"plot_softmax_temperatures: logits must be one row of scores, shape "
                         f"(n_classes,), got shape {logits.shape}.")
    names = list(class_names) if class_names is not None else [str(i) for i in range(logits.size)]
    fig, axes = plt.subplots(1, len(temperatures), figsize=(3.6 * len(temperatures), 3.4),
                             sharey=True, squeeze=False)
    for ax, temperature in zip(axes[0], temperatures):
        p = act.softmax(logits / temperature)
        bars = ax.bar(names, p, color=COLORS[0], edgecolor="black", hatch="//")
        ax.bar_label(bars, labels=[f"{q:.2f}" for q in p], padding=2, fontsize=9)
        ax.set_ylim(0, 1.12)
        ax.set_title(f"T = {temperature:g}")
        ax.set_xlabel("class")
    axes[0, 0].set_ylabel("probability softmax(z / T)")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- explorers
#: What the activation explorer writes under a curve whose shape hides something.
NOTES: dict[str, str] = {
    "leaky_relu": "left of 0: f(z) = 0.01·z and f′(z) = 0.01, not 0 as for ReLU;\n"
                  "dotted: f(z) × 20 for z < 0, so the small slope shows",
    "relu": "left of 0: f(z) = 0 and f′(z) = 0 (a unit there learns nothing)",
}
LEAK_ZOOM = 20.0


class ActivationExplorer(Explorer):
    """Pick an activation (Dropdown ``name``) and an input range (``z_range``); see f and f′."""

    title = "Lesson 02 explorer: an activation function and its slope"
    figsize = (7.6, 4.2)

    def __init__(self, name: str = "sigmoid", z_range: tuple[float, float] = (-5.0, 5.0)):
        _check_name(name, "activation_explorer")
        lo, hi = z_range
        if not -Z_LIMIT <= lo < hi <= Z_LIMIT:
            raise ValueError(f"activation_explorer: z_range must be (lo, hi) with "
                             f"{-Z_LIMIT:g} ≤ lo < hi ≤ {Z_LIMIT:g}, got {z_range!r}.")
        self.start = (name, (lo, hi))
        super().__init__()

    def build(self, fig) -> None:
        import ipywidgets as widgets

        from nnedu.plots import COLORS

        name, (lo, hi) = self.start
        self.add_control("name", widgets.Dropdown(
            options=[(label, key) for key, label in LABELS.items()], value=name,
            description="activation"))
        self.add_control("z_range", widgets.FloatRangeSlider(
            value=(lo, hi), min=-Z_LIMIT, max=Z_LIMIT, step=0.5, description="input range",
            readout_format=".1f", style={"description_width": "initial"},
            layout=widgets.Layout(width="420px")))
        self.ax = ax = fig.add_axes((0.1, 0.13, 0.86, 0.78))
        self.f_line = self.moving(ax.plot([], [], color=COLORS[0], lw=2.5, label="f(z)")[0])
        self.df_line = self.moving(ax.plot([], [], color=COLORS[1], lw=2, ls="--",
                                           label="f′(z)")[0])
        self.zoom_line = self.moving(ax.plot([], [], color=COLORS[0], lw=2, ls=":",
                                             label=f"f(z) × {LEAK_ZOOM:g}, z < 0")[0])
        self.note = self.moving(ax.text(0.02, 0.97, "", transform=ax.transAxes, va="top",
                                        fontsize=10, color="0.2"))
        self.head = self.moving(ax.set_title(""))
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.set_xlabel("z")
        ax.set_ylabel("value")
        ax.grid(alpha=0.3)
        ax.legend(handles=[self.f_line, self.df_line, self.zoom_line], loc="lower right",
                  fontsize=10, framealpha=0.9)
        self.limits = None

    def show(self, values) -> str:
        name, (lo, hi) = values["name"], values["z_range"]
        f, df = act.get_activation(name)
        z = np.linspace(lo, hi, 400)
        fz, dfz = f(z), df(z)
        self.f_line.set_data(z, fz)
        self.df_line.set_data(z, dfz)
        leaky = name == "leaky_relu" and lo < 0
        left = z[z < 0]
        self.zoom_line.set_data(left, LEAK_ZOOM * f(left))
        self.zoom_line.set_visible(leaky)
        self.note.set_text(NOTES.get(name, ""))
        self.head.set_text(f"{LABELS[name]} and its derivative")
        shown = np.concatenate([fz, dfz, LEAK_ZOOM * f(left) if leaky else []])
        pad = 0.08 * max(np.ptp(shown), 1.0)
        limits = (lo, hi, min(shown.min(), 0) - pad, max(shown.max(), 1) + 2.5 * pad)
        if limits != self.limits:  # new axes ticks: draw the background again
            self.limits = limits
            self.ax.set_xlim(lo, hi)
            self.ax.set_ylim(limits[2], limits[3])
            self.redraw_background()
        return activation_readout(name, lo, hi)


class DepthExplorer(Explorer):
    """A depth slider (1–20 layers) and a z slider: how much gradient survives the chain."""

    title = "Lesson 02 explorer: the gradient left after n layers"
    figsize = (7.6, 4.4)

    def __init__(self, depth: int = 5, z: float = 1.0):
        _check_depth(depth, "depth_explorer")
        if depth > MAX_DEPTH:
            raise ValueError(f"depth_explorer: depth must be at most {MAX_DEPTH}, got {depth}.")
        if not 0.0 <= z <= 3.0:
            raise ValueError(f"depth_explorer: z must be between 0 and 3, got {z!r}.")
        self.start = (depth, z)
        super().__init__()

    def build(self, fig) -> None:
        import ipywidgets as widgets

        from nnedu.plots import COLORS, MARKERS

        depth, z = self.start
        self.add_control("depth", widgets.IntSlider(value=depth, min=1, max=MAX_DEPTH, step=1,
                                                    description="depth"))
        self.add_control("z", slider("z", z, 0.0, 3.0, 0.25))
        ax = fig.add_axes((0.12, 0.13, 0.84, 0.78))
        self.layers = np.arange(1, MAX_DEPTH + 1)
        ax.semilogy(self.layers, [sigmoid_bound(n) for n in self.layers], color="0.35", lw=2.5,
                    label="sigmoid, at most (0.25ⁿ)")
        self.curves = {name: self.moving(ax.semilogy(
            self.layers, np.ones(MAX_DEPTH), color=COLORS[k], marker=MARKERS[k], ls="--",
            lw=1.5, ms=5, label=f"{LABELS[name]} with every unit at z")[0])
            for k, name in enumerate(DEPTH_ACTIVATIONS)}
        self.marker = self.moving(ax.axvline(depth, color="0.3", lw=1.2, ls=":"))
        self.head = self.moving(ax.set_title(""))
        ax.set_ylim(1e-13, 3.0)
        ax.set_xlim(0.5, MAX_DEPTH + 0.5)
        ax.set_xticks(self.layers[self.layers % 2 == 0])
        ax.set_xlabel("number of layers n")
        ax.set_ylabel("gradient factor f′(z)ⁿ (log scale)")
        ax.grid(alpha=0.3, which="major")
        ax.legend(loc="lower left", fontsize=10, framealpha=0.9)

    def show(self, values) -> str:
        depth, z = values["depth"], values["z"]
        for name, line in self.curves.items():
            factors = np.array([gradient_factor(name, int(n), z) for n in self.layers])
            line.set_ydata(factors)
            line.set_visible(bool(np.all(factors > 0)))  # zero cannot be drawn on a log scale
        self.marker.set_xdata([depth, depth])
        hidden = "" if self.curves["relu"].get_visible() else ", ReLU's 0 not drawn"
        self.head.set_text(f"Gradient left after n layers, z = {z:.2f} (marked: n = {depth}"
                           f"{hidden})")
        return depth_readout(depth, z)


def activation_explorer(name: str = "sigmoid",
                        z_range: tuple[float, float] = (-5.0, 5.0)) -> ActivationExplorer:
    """The widget: choose an activation and an input range, see f and f′ and their extremes."""
    return ActivationExplorer(name, z_range)


def depth_explorer(depth: int = 5, z: float = 1.0) -> DepthExplorer:
    """The widget: choose a number of layers and a z, see the gradient factor f′(z)ⁿ shrink."""
    return DepthExplorer(depth, z)
