"""Lesson 09: the digits classifier. Training helper, live curves and figures.

The lesson's network is ``mlp((64, 64, 10))`` trained with the ``train-digits`` defaults
(``nnedu.__main__.DIGITS_DEFAULTS``: Adam, lr 0.01, L2 weight decay 3e-4, 100 epochs,
mini-batches of 32, seed 0) on ``load_digits()``'s training part, watching the validation
part. :func:`train_lesson_model` does exactly that, so a test (or a student) that calls it with
the same seed gets the same weights, bit for bit, as the lesson.

What is here:

* :func:`train_lesson_model`: the lesson's training run → ``(model, history)``;
* :class:`LiveTrainingPlot`: a ``fit(..., callback=live.callback)`` callback that moves the
  loss and accuracy curves of a figure built once, every few epochs (on the shared explorer
  base, ``nnedu.widgets.explorer``);
* :func:`plot_training`, :func:`plot_misclassified`, :func:`plot_hidden_weights`: figures.

The drawing pad (``digit_drawing_pad``) is in ``nnedu.widgets.digit_pad``.

Matplotlib and ipywidgets are imported inside the functions that need them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from nnedu.data import DigitsData
from nnedu.network import Sequential
from nnedu.widgets.explorer import Explorer

Array = np.ndarray

#: The lesson's seed (network weights and batch order).
LESSON_SEED = 0


# ----------------------------------------------------------------------------- training
def train_lesson_model(seed: int = LESSON_SEED, digits: DigitsData | None = None,
                       callback: Callable[[int, dict[str, float]], object] | None = None,
                       progress: bool = False, epochs: int | None = None):
    """Train the lesson's 64-64-10 network with the ``train-digits`` defaults.

    ``mlp((64, 64, 10), seed=seed)``; ``fit`` on ``digits.X_train`` with Adam (lr 0.01,
    weight decay 3e-4), mini-batches of 32, 100 epochs (or ``epochs``), batch order from
    ``seed``, validation on ``digits.X_val``. ``digits`` defaults to ``load_digits()``.
    ``callback(epoch, logs)`` is passed to ``fit`` (for live curves).

    Returns ``(model, history)``. The same seed gives the same weights, bit for bit.
    """
    from nnedu.__main__ import DIGITS_DEFAULTS
    from nnedu.data import load_digits
    from nnedu.network import mlp
    from nnedu.optim import get_optimizer
    from nnedu.train import fit

    d = DIGITS_DEFAULTS
    digits = load_digits() if digits is None else digits
    model = mlp((64, d["hidden"], 10), activation=d["activation"], seed=seed)
    optimizer = get_optimizer(d["optimizer"], lr=d["lr"], weight_decay=d["weight_decay"])
    history = fit(model, digits.X_train, digits.y_train, optimizer=optimizer,
                  epochs=d["epochs"] if epochs is None else epochs,
                  batch_size=d["batch_size"], seed=seed, progress=progress,
                  validation_data=(digits.X_val, digits.y_val), callback=callback)
    return model, history


# ----------------------------------------------------------------------------- figures
def plot_training(history, epochs: int | None = None, title: str | None = None):
    """Two panels, loss and accuracy per epoch, training (solid) and validation (dashed).

    ``history``: a History or its dict of lists. ``epochs`` fixes the x axis (1 … epochs),
    so curves that are still growing keep their place. Returns the figure.
    """
    import matplotlib.pyplot as plt

    from nnedu.plots import training_curves

    records = getattr(history, "history", history)
    done = len(records.get("loss", []))
    total = max(epochs or done, 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 3.9))
    if done:
        training_curves(records, "loss", ax=left, title="loss (cross-entropy)")
        training_curves(records, "accuracy", ax=right, title="accuracy")
        left.set_yscale("log")
        right.set_ylim(min(0.8, min(records["accuracy"])), 1.005)
        # One legend below both panels, where it cannot hide a curve.
        handles, _ = left.get_legend_handles_labels()
        for ax in (left, right):
            ax.get_legend().remove()
        names = ["training part", "validation part"][:len(handles)]
        fig.legend(handles, names, loc="lower center", ncol=2, frameon=False)
    for ax in (left, right):
        ax.set_xlim(0, total + 1)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    # Fixed margins (no tight_layout): laying out text is the slow part of a live redraw.
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.23, top=0.85 if title else 0.91,
                        wspace=0.25)
    if title:
        fig.suptitle(title)
    return fig


def status_text(epoch: int, total: int, logs: Mapping[str, float]) -> str:
    """One line about an epoch: ``epoch 40/100: loss 0.0712, validation accuracy 97.9 %``."""
    text = f"epoch {epoch}/{total}: loss {logs['loss']:.4f}"
    if "val_accuracy" in logs:
        text += f", validation accuracy {100 * logs['val_accuracy']:.1f} %"
    return text


#: The live plot's fixed axes: loss (log scale) and accuracy. Curves outside are cut.
LIVE_LOSS_RANGE = (0.002, 3.0)
LIVE_ACCURACY_RANGE = (0.8, 1.005)


class LiveTrainingPlot(Explorer):
    """Live loss and accuracy curves while ``fit`` trains (an explorer without controls).

    ``live = LiveTrainingPlot(epochs=100, every=10)``; display ``live.widget``; pass
    ``callback=live.callback`` to ``fit``. Every ``every`` epochs (and after the last) the
    four curves move to the epochs recorded so far and the picture is rendered once; the
    readout (``live.status``, CSS classes ``nnedu-readout`` and ``nnedu-live-status``) shows the
    latest epoch. The axes are fixed (1 … epochs), so the curves grow in place.
    ``live.records`` keeps every epoch's numbers.
    """

    title = "Lesson 09: live training curves (run the cell to train)"
    figsize = (8.4, 3.6)

    def __init__(self, epochs: int, every: int = 10) -> None:
        for label, value in (("epochs", epochs), ("every", every)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ValueError(
                    f"LiveTrainingPlot: {label} must be a whole number ≥ 1, got {value!r}."
                )
        self.epochs, self.every = int(epochs), int(every)
        self.records: dict[str, list[float]] = {}
        self.redraws = 0
        super().__init__()
        self.status = self.readout
        self.status.add_class("nnedu-live-status")
        self.widget.add_class("nnedu-live-training")

    def build(self, fig) -> None:
        from nnedu.plots import COLORS

        self.curves = {}
        for k, (metric, label, limits) in enumerate((
                ("loss", "loss (cross-entropy, log scale)", LIVE_LOSS_RANGE),
                ("accuracy", "accuracy", LIVE_ACCURACY_RANGE))):
            ax = fig.add_axes((0.09 + 0.5 * k, 0.27, 0.39, 0.64))
            for key, colour, style, name in ((metric, COLORS[0], "-", "training part"),
                                             (f"val_{metric}", COLORS[1], "--",
                                              "validation part")):
                self.curves[key] = self.moving(ax.plot([], [], color=colour, ls=style, lw=2,
                                                       label=name)[0])
            ax.set(xlim=(0, self.epochs + 1), ylim=limits, xlabel="epoch", ylabel=label)
            if metric == "loss":
                ax.set_yscale("log")
            ax.grid(alpha=0.3)
        fig.legend(handles=[self.curves["loss"], self.curves["val_loss"]], loc="lower center",
                   ncol=2, fontsize=10, frameon=False)

    def show(self, values) -> str:
        for key, line in self.curves.items():
            ys = self.records.get(key, [])
            line.set_data(np.arange(1, len(ys) + 1), ys)
        if not self.records:
            return "waiting for the first epoch …"
        done = len(self.records["loss"])
        return status_text(done, self.epochs, {k: v[-1] for k, v in self.records.items()})

    def callback(self, epoch: int, logs: Mapping[str, float]) -> None:
        """Called by ``fit`` after every epoch (``epoch`` counts from 0). Returns None, so
        training goes on."""
        for key, value in logs.items():
            self.records.setdefault(key, []).append(float(value))
        done = epoch + 1
        if done % self.every == 0 or done == self.epochs:
            self.redraw()

    def redraw(self) -> None:
        """Move the curves to the epochs recorded so far and render once."""
        self.update()
        self.redraws += 1


def top_k(probabilities: Array, k: int = 3) -> list[tuple[int, float]]:
    """The ``k`` most probable classes of one probability vector (10,), most probable first:
    ``[(class, probability), …]``."""
    p = np.asarray(probabilities, dtype=float).ravel()
    order = np.argsort(-p, kind="stable")[:k]
    return [(int(c), float(p[c])) for c in order]


def plot_misclassified(images: Array, y_true: Array, probabilities: Array, k: int = 3,
                       cols: int = 6, index: Array | None = None):
    """Each wrongly classified digit with the network's ``k`` most probable classes as bars.

    ``images``: (n, 64) or (n, 8, 8) of the *misclassified* samples; ``y_true``: (n,) labels;
    ``probabilities``: (n, 10) the network's outputs; ``index``: optional sample numbers shown
    in the titles (e.g. the test-set row). Top row of each pair: the image; below it: bars,
    the true class's bar in a different colour and hatched. Returns the figure.
    """
    import matplotlib.pyplot as plt

    from nnedu.plots import COLORS

    images = np.asarray(images, dtype=float).reshape(-1, 8, 8)
    y_true = np.asarray(y_true).ravel()
    probabilities = np.asarray(probabilities, dtype=float)
    n = len(images)
    if len(y_true) != n or len(probabilities) != n:
        raise ValueError(f"plot_misclassified: got {n} images, {len(y_true)} labels and "
                         f"{len(probabilities)} rows of probabilities; give one of each per digit.")
    if n == 0:
        fig, ax = plt.subplots(figsize=(4, 1))
        ax.text(0.5, 0.5, "no misclassified digits", ha="center", va="center")
        ax.axis("off")
        return fig
    cols = min(cols, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(2 * rows, cols, figsize=(1.9 * cols, 3.5 * rows),
                             gridspec_kw={"height_ratios": [1.6, 1.0] * rows}, squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for i in range(n):
        r, c = divmod(i, cols)
        image_ax, bars_ax = axes[2 * r, c], axes[2 * r + 1, c]
        image_ax.imshow(images[i], cmap="gray_r", vmin=0, vmax=max(images.max(), 1e-12))
        top = top_k(probabilities[i], k)
        name = f"#{int(index[i])}: " if index is not None else ""
        image_ax.set_title(f"{name}true {int(y_true[i])}\nsaid {top[0][0]} "
                           f"({100 * top[0][1]:.0f} %)", fontsize=9)
        bars_ax.axis("on")
        classes = [cls for cls, _ in top][::-1]  # most probable on top
        values = [p for _, p in top][::-1]
        is_true = [cls == int(y_true[i]) for cls in classes]
        bars = bars_ax.barh(range(len(classes)), values,
                            color=[COLORS[2] if t else COLORS[0] for t in is_true],
                            edgecolor="black", linewidth=0.6)
        for bar, t in zip(bars, is_true):
            if t:
                bar.set_hatch("//")
        bars_ax.set_yticks(range(len(classes)), [str(cls) for cls in classes])
        bars_ax.set_xlim(0, 1)
        bars_ax.set_xticks([0, 0.5, 1], ["0", "0.5", "1"], fontsize=8)
        bars_ax.tick_params(axis="y", labelsize=9)
        bars_ax.set_xlabel("probability", fontsize=8)
        for y_pos, p in enumerate(values):
            bars_ax.text(min(p + 0.03, 0.72), y_pos, f"{100 * p:.0f} %", va="center", fontsize=8)
    fig.suptitle(f"top-{k} probabilities of the misclassified digits "
                 "(true class: green, hatched)", fontsize=10)
    fig.tight_layout()
    return fig


def dead_units(model: Sequential, X: Array) -> Array:
    """Hidden units of the first layer that never fire: ReLU output 0 for every row of X.

    A unit j is dead when z_j = x · W[:, j] + b_j ≤ 0 for all samples, so its output and its
    gradient are always 0 and it can no longer learn (lesson 02's dying ReLU).
    Returns the unit numbers, shape (n_dead,).
    """
    from nnedu.layers import Dense

    first = model.layers[0]
    if not isinstance(first, Dense):
        raise TypeError(f"dead_units: the model must start with a Dense layer, got "
                        f"{type(first).__name__}.")
    Z = np.asarray(X, dtype=float) @ first.params["W"] + first.params["b"]
    return np.flatnonzero(np.all(Z <= 0, axis=0))


def weight_montage(W: Array, cols: int = 8, gap: int = 2) -> Array:
    """Tile the columns of ``W`` (64, n) as 8×8 images into one big picture, ``cols`` per row,
    with ``gap`` pixels of nan (drawn white) between tiles. Shape (rows·(8 + gap) − gap,
    cols·(8 + gap) − gap); tile j starts at row (j // cols)·(8 + gap), column (j % cols)·(8 + gap).
    """
    W = np.asarray(W, dtype=float)
    n = W.shape[1]
    rows = int(np.ceil(n / cols))
    step = 8 + gap
    montage = np.full((rows * step - gap, cols * step - gap), np.nan)
    for j in range(n):
        r, c = divmod(j, cols)
        montage[r * step:r * step + 8, c * step:c * step + 8] = W[:, j].reshape(8, 8)
    return montage


def plot_hidden_weights(W: Array, W_out: Array | None = None, dead: Array | None = None,
                        cols: int = 8, title: str | None = None, ax=None):
    """Every hidden unit's incoming weights ``W[:, j]`` as an 8×8 image, in a grid of tiles.

    ``W``: the first Dense layer's weights, shape (64, n_hidden). One diverging colour scale,
    centred at 0, for all units: orange pixels push the unit up when inked, purple pixels push
    it down, white means "ignored". With ``W_out`` (n_hidden, 10) the label of unit j names the
    digit its outgoing weights favour most, ``argmax W_out[j]``; units listed in ``dead`` are
    labelled "dead". Drawn as one image (fast), on ``ax`` if given. Returns the figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from nnedu.plots import DIVERGING

    W = np.asarray(W, dtype=float)
    if W.ndim != 2 or W.shape[0] != 64:
        raise ValueError(f"plot_hidden_weights: W must have shape (64, n_hidden), got {W.shape}.")
    n = W.shape[1]
    dead = set() if dead is None else {int(j) for j in dead}
    rows, gap = int(np.ceil(n / cols)), 3
    limit = float(np.abs(W).max()) or 1.0
    if ax is None:
        fig, ax = plt.subplots(figsize=(0.95 * cols + 1.2, 1.0 * rows + 0.5))
    fig = ax.figure
    cmap = plt.get_cmap(DIVERGING).with_extremes(bad="white")
    image = ax.imshow(weight_montage(W, cols, gap), cmap=cmap, vmin=-limit, vmax=limit,
                      interpolation="nearest")
    step = 8 + gap
    for j in range(n):
        r, c = divmod(j, cols)
        ax.add_patch(Rectangle((c * step - 0.5, r * step - 0.5), 8, 8, fill=False,
                               edgecolor="0.55", linewidth=0.6))
        if j in dead:
            label, colour = f"{j}: dead", "0.45"
        elif W_out is not None:
            label, colour = f"{j} → {int(np.argmax(W_out[j]))}", "black"
        else:
            label, colour = f"unit {j}", "black"
        ax.text(c * step + 3.5, r * step - 0.9, label, ha="center", va="bottom", fontsize=7,
                color=colour)
    ax.set_xlim(-1, cols * step - gap)
    ax.set_ylim(rows * step - gap, -2.6)
    ax.axis("off")
    fig.colorbar(image, ax=ax, shrink=0.6, pad=0.02, label="weight")
    if title:
        ax.set_title(title)
    return fig
