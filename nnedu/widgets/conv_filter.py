"""Lesson 09a · Convolutional networks: a filter slides over a digit and fills a feature map.

What is here:

    FILTERS                    hand-made 3×3 filters: edges in three directions and a blur
    pad_same                   an 8×8 digit with a border of zeros ('same' padding, 10×10)
    feature_map                one filter slid over one digit: z[i, j] = Σ window ⊙ filter
    window_at                  the 3×3 window of the padded digit under output position (i, j)
    explorer_readout           the explorer's readout for a digit, a filter and a position
    train_lesson_cnn           ``digits_cnn`` trained the lesson's way (cached by seed)
    shifted_accuracy           test accuracy of a model on digits moved by some pixels
    plot_filters_and_maps      a row of digits/filters and the feature maps they give
    plot_learned               a CNN's learned filters above the maps they give on a digit
    conv_filter_explorer       pick a test digit, a filter and a position; watch the map fill;
                               move the digit sideways and the map moves with it

The maths (stride 1, one channel, 'same' padding so the map is 8×8 like the digit):

    z[i, j] = Σ_p Σ_q  x_padded[i + p, j + q] · W[p, q]        p, q = 0, 1, 2

numpy is imported here; matplotlib and ipywidgets only inside the functions that draw.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np

from nnedu.conv import DIGITS_CNN_TRAINING, conv2d, digits_cnn, shift_digits
from nnedu.plots import DIVERGING
from nnedu.widgets.explorer import Explorer

Array = np.ndarray

#: Hand-made 3×3 filters. An edge filter is positive on one side and negative on the other:
#: it answers strongly where the ink changes across it, and with 0 on an even patch.
FILTERS: dict[str, Array] = {
    "vertical edge": np.array([[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]]),
    "horizontal edge": np.array([[-1.0, -1.0, -1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]),
    "diagonal edge": np.array([[0.0, 1.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, -1.0, 0.0]]),
    "blur (average)": np.full((3, 3), 1.0 / 9.0),
}
SIDE = 8  # the digits are 8×8


def pad_same(image: Array) -> Array:
    """A (h, w) image with one row/column of zeros on every side: (h + 2, w + 2)."""
    return np.pad(np.asarray(image, dtype=float), 1)


def feature_map(image: Array, kernel: Array) -> Array:
    """The 3×3 ``kernel`` slid over the zero-padded ``image`` (h, w): a map of shape (h, w).

    Uses the library's vectorised ``conv2d`` (one image, one channel, one filter, no bias).
    """
    x = pad_same(image)[None, None]                               # (1, 1, h + 2, w + 2)
    return conv2d(x, np.asarray(kernel, dtype=float)[None, None], np.zeros(1))[0, 0]


def window_at(image: Array, i: int, j: int) -> Array:
    """The 3×3 window of the padded image that output position (i, j) sees."""
    return pad_same(image)[i:i + 3, j:j + 3]


def explorer_readout(image: Array, label: int, name: str, position: int, move: int = 0) -> str:
    """What the explorer says for a digit (moved ``move`` pixels right, or left if negative), a
    filter name and a position 0..63 (row by row), with the largest value of the whole map."""
    image = shift_digits(np.asarray(image, dtype=float)[None], move, 0)[0]
    i, j = divmod(position, SIDE)
    z = float(np.sum(window_at(image, i, j) * FILTERS[name]))
    largest = float(feature_map(image, FILTERS[name]).max())
    moved = f", moved {abs(move)} px {'right' if move > 0 else 'left'}" if move else ""
    return (f"test digit (a {label}){moved}, filter <b>{name}</b>, output row {i}, column {j}: "
            f"z = Σ window ⊙ filter = {z + 0.0:.2f}; largest value of the map: "
            f"{largest + 0.0:.2f}")


# ----------------------------------------------------------------------------- the lesson's runs
@lru_cache(maxsize=4)
def train_lesson_cnn(seed: int = 0):
    """``digits_cnn(seed=seed)`` trained as ``DIGITS_CNN_TRAINING`` says; returns (cnn, history).

    The same call as the lesson's code: Adam with weight decay and a cosine schedule, the
    validation part scored after every epoch, float32. Cached: a second call is free.
    """
    from nnedu.data import load_digits
    from nnedu.optim import Adam, cosine
    from nnedu.train import fit

    t = DIGITS_CNN_TRAINING
    digits = load_digits()
    images = digits.X_train.reshape(-1, 1, SIDE, SIDE).astype(t["dtype"])
    val = (digits.X_val.reshape(-1, 1, SIDE, SIDE).astype(t["dtype"]), digits.y_val)
    cnn = digits_cnn(seed=seed, dtype=t["dtype"])
    history = fit(cnn, images, digits.y_train, epochs=t["epochs"], batch_size=t["batch_size"],
                  optimizer=Adam(lr=t["lr"], weight_decay=t["weight_decay"],
                                 schedule=cosine(t["epochs"])),
                  validation_data=val, seed=seed, progress=False, evaluate_train=False)
    return cnn, history


#: The four directions a digit is moved in: right, left, down, up (dx, dy).
DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1))


def accuracy_of(model, X: Array, y: Array) -> float:
    """The share of rows of X whose most probable class is y (forward pass, no training)."""
    return float(np.mean(np.argmax(model.forward(X, training=False), axis=1) == y))


def shifted_accuracy(model, X: Array, y: Array, pixels: int, images: bool) -> float:
    """Mean test accuracy over the 4 directions, the digits X (n, 64) moved by ``pixels``.

    ``images=True`` gives the model (n, 1, 8, 8) images (a CNN), else rows of 64 (an MLP).
    """
    shape = (-1, 1, SIDE, SIDE) if images else (-1, SIDE * SIDE)
    if pixels == 0:
        return accuracy_of(model, np.asarray(X).reshape(shape), y)
    return float(np.mean([accuracy_of(model, shift_digits(X, pixels * dx, pixels * dy)
                                      .reshape(shape), y) for dx, dy in DIRECTIONS]))


# ----------------------------------------------------------------------------- static figures
def plot_filters_and_maps(image: Array, kernels: Mapping[str, Array], title: str = ""):
    """Top row: the digit, then each kernel; bottom row: the feature map each kernel gives.

    Kernels and maps use the diverging colour map centred at 0 (orange +, purple −).
    Returns the pyplot figure.
    """
    import matplotlib.pyplot as plt

    n = len(kernels)
    fig, axes = plt.subplots(2, n + 1, figsize=(2.0 * (n + 1), 4.6))
    axes[0, 0].imshow(image, cmap="gray_r", vmin=0, vmax=1)
    axes[0, 0].set_title("the digit")
    axes[1, 0].axis("off")
    for k, (name, kernel) in enumerate(kernels.items(), start=1):
        kernel = np.asarray(kernel, dtype=float)
        limit = max(np.abs(kernel).max(), 1e-12)
        axes[0, k].imshow(kernel, cmap=DIVERGING, vmin=-limit, vmax=limit)
        axes[0, k].set_title(name, fontsize=10)
        z = feature_map(image, kernel)
        limit = max(np.abs(z).max(), 1e-12)
        axes[1, k].imshow(z, cmap=DIVERGING, vmin=-limit, vmax=limit)
        axes[1, k].set_xlabel(f"map: {z.min():.1f} … {z.max():.1f}", fontsize=10)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_learned(kernels: Array, maps: Array, image: Array):
    """The learned filters (f, 3, 3) above the maps (f, h, w) they give on ``image`` (h, w).

    Filters in the diverging colour map centred at 0, maps (after ReLU, so ≥ 0) in grey.
    Returns the pyplot figure.
    """
    import matplotlib.pyplot as plt

    f = len(kernels)
    fig, axes = plt.subplots(2, f + 1, figsize=(1.05 * (f + 1), 2.9))
    axes[0, 0].imshow(image, cmap="gray_r", vmin=0, vmax=1)
    axes[0, 0].set_title("digit", fontsize=10)
    axes[1, 0].axis("off")
    limit = max(np.abs(kernels).max(), 1e-12)
    top = max(np.max(maps), 1e-12)
    for k in range(f):
        axes[0, k + 1].imshow(kernels[k], cmap=DIVERGING, vmin=-limit, vmax=limit)
        axes[0, k + 1].set_title(f"filter {k}", fontsize=10)
        axes[1, k + 1].imshow(maps[k], cmap="gray_r", vmin=0, vmax=top)
        axes[1, k + 1].set_xlabel(f"map {k}", fontsize=10)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("first layer: learned filters (top) and their maps on the digit (bottom)")
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- the explorer
class ConvFilterExplorer(Explorer):
    """Pick a test digit (moved sideways or not), a filter and an output position; the window,
    the filter's weights and the feature map filled up to that position (row by row) are drawn."""

    title = "lesson 09a · a filter sliding over a digit"
    figsize = (9.0, 3.4)

    def __init__(self, images: Array | None = None, labels: Array | None = None) -> None:
        if images is None:
            from nnedu.data import load_digits

            digits = load_digits()
            images, labels = digits.X_test.reshape(-1, SIDE, SIDE), digits.y_test
        self.images, self.labels = np.asarray(images, dtype=float), np.asarray(labels)
        super().__init__()

    def build(self, fig) -> None:
        import ipywidgets as widgets
        import matplotlib
        from matplotlib.patches import Rectangle

        style = {"description_width": "initial"}
        self.add_control("digit", widgets.IntSlider(
            value=0, min=0, max=len(self.images) - 1, description="test digit", style=style,
            layout=widgets.Layout(width="300px")))
        self.add_control("move", widgets.IntSlider(
            value=0, min=-2, max=2, description="move right", style=style,
            layout=widgets.Layout(width="240px")))
        self.add_control("filter", widgets.Dropdown(
            options=list(FILTERS), value="vertical edge", description="filter", style=style,
            layout=widgets.Layout(width="260px")))
        self.add_control("position", widgets.IntSlider(
            value=SIDE * SIDE - 1, min=0, max=SIDE * SIDE - 1, description="position",
            style=style, layout=widgets.Layout(width="300px")))

        ax_digit = fig.add_axes((0.03, 0.08, 0.28, 0.74))
        ax_filter = fig.add_axes((0.385, 0.22, 0.21, 0.56))
        ax_map = fig.add_axes((0.67, 0.08, 0.28, 0.74))
        for ax in (ax_digit, ax_filter, ax_map):
            ax.set_xticks([])
            ax.set_yticks([])
        ax_digit.set_title("digit with a border of zeros", fontsize=11)
        ax_filter.set_title("filter weights", fontsize=11)
        ax_map.set_title("feature map (filled row by row)", fontsize=11)
        # The zero border, drawn once: a dashed frame around the 8×8 digit.
        self.moving(ax_digit.add_patch(Rectangle((0.5, 0.5), SIDE, SIDE, fill=False, ls="--",
                                                 lw=1.2, color="#0072B2", zorder=2)))
        blank = np.zeros((SIDE + 2, SIDE + 2))
        self.digit_image = self.moving(ax_digit.imshow(blank, cmap="gray_r", vmin=0, vmax=1))
        self.window = self.moving(ax_digit.add_patch(Rectangle(
            (-0.5, -0.5), 3, 3, fill=False, lw=2.5, color="#D55E00", zorder=3)))
        self.filter_image = self.moving(ax_filter.imshow(np.zeros((3, 3)), cmap=DIVERGING,
                                                         vmin=-1, vmax=1))
        self.weights = [self.moving(ax_filter.text(q, p, "", ha="center", va="center",
                                                   fontsize=11, zorder=3))
                        for p in range(3) for q in range(3)]
        cmap = matplotlib.colormaps[DIVERGING].with_extremes(bad="#f0f0f0")
        self.map_image = self.moving(ax_map.imshow(np.zeros((SIDE, SIDE)), cmap=cmap,
                                                   vmin=-1, vmax=1))
        self.cell = self.moving(ax_map.add_patch(Rectangle(
            (-0.5, -0.5), 1, 1, fill=False, lw=2.5, color="#D55E00", zorder=3)))
        self.value = self.moving(fig.text(0.49, 0.07, "", ha="center", fontsize=11))
        fig.text(0.49, 0.88, "z = Σ (window ⊙ filter)", ha="center", fontsize=11)
        fig.text(0.345, 0.47, "⊙", ha="center", va="center", fontsize=18)
        fig.text(0.635, 0.47, "→", ha="center", va="center", fontsize=18)

    def show(self, values: Mapping) -> str:
        image = shift_digits(self.images[values["digit"]][None], values["move"], 0)[0]
        kernel = FILTERS[values["filter"]]
        position = int(values["position"])
        i, j = divmod(position, SIDE)
        z = feature_map(image, kernel)
        shown = np.full(z.shape, np.nan)
        shown.flat[:position + 1] = z.flat[:position + 1]          # row by row, up to (i, j)
        limit = max(np.abs(z).max(), 1e-12)
        self.digit_image.set_data(pad_same(image))
        self.window.set_xy((j - 0.5, i - 0.5))     # the window covers padded rows i .. i + 2
        k_limit = np.abs(kernel).max()
        self.filter_image.set_data(kernel)
        self.filter_image.set_clim(-k_limit, k_limit)
        for text, weight in zip(self.weights, kernel.flat, strict=True):
            text.set_text(f"{weight + 0.0:.2g}")
            text.set_color("white" if abs(weight) > 0.6 * k_limit else "black")
        self.map_image.set_data(np.ma.masked_invalid(shown))
        self.map_image.set_clim(-limit, limit)
        self.cell.set_xy((j - 0.5, i - 0.5))
        self.value.set_text(f"z[{i}, {j}] = {z[i, j] + 0.0:.2f}")
        return explorer_readout(self.images[values["digit"]], int(self.labels[values["digit"]]),
                                values["filter"], position, values["move"])


def conv_filter_explorer(images: Array | None = None, labels: Array | None = None
                         ) -> ConvFilterExplorer:
    """The lesson's explorer: a test digit, one of ``FILTERS`` and a position to look at."""
    return ConvFilterExplorer(images, labels)
