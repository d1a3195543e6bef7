"""Lesson 10: overfitting and regularisation. Small data, a big network, and the remedies.

The lesson's setup, chosen so that overfitting shows within seconds:

* **training part:** 150 digits, 15 of each class, drawn (seeded) from ``load_digits()``'s
  training part (:func:`small_training_set`);
* **validation part:** ``load_digits()``'s 144 validation digits, for every choice;
* **test part:** ``load_digits()``'s 360 test digits, scored once at the end;
* **network:** ``mlp((64, 128, 128, 10))``, ReLU, 26,122 parameters (174 per training digit),
  trained with Adam (lr 0.003), mini-batches of 32, 40 epochs (:func:`train_small`).

What is here:

* :func:`shift_images`, :func:`augment_with_shifts`: data augmentation by one-pixel shifts;
* :func:`train_small`: one training run of the lesson's network with the chosen regulariser;
* :func:`grid_runs`: the cached grid of runs, every weight decay × every dropout rate, which
  the lesson's hyperparameter search and the explorer share;
* :func:`run_summary`, :func:`readout_text`: what the explorer's readout says about a run;
* figures: :func:`plot_history`, :func:`plot_small_multiples`, :func:`plot_weight_histograms`,
  :func:`plot_shifted_examples`, :func:`plot_optimism`;
* :func:`regularisation_explorer`: sliders for weight decay and dropout that redraw the
  training and validation curves of the cached run (readout with CSS class ``nnedu-readout``).

Matplotlib and ipywidgets are imported inside the functions that draw.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from nnedu.data import DigitsData
from nnedu.network import Sequential
from nnedu.train import History

Array = np.ndarray

#: Seed of the lesson: training digits, network weights, dropout masks and batch order.
LESSON_SEED = 0
#: 15 digits of each class: a training part of 150 digits.
N_PER_CLASS = 15
#: The deliberately big network: 64 inputs, two hidden layers of 128 ReLU units, 10 outputs.
BIG = (64, 128, 128, 10)
#: The smaller model of section 8: one hidden layer of 16 units.
SMALL = (64, 16, 10)
#: Training settings shared by every run of the lesson.
LR = 0.003
EPOCHS = 40
BATCH_SIZE = 32
#: The grid of the hyperparameter search and of the explorer's sliders.
WEIGHT_DECAYS = (0.0, 1e-4, 1e-3, 1e-2)
DROPOUTS = (0.0, 0.25, 0.5)
#: One-pixel shifts for data augmentation: name → (rows, columns); down and right are positive.
SHIFTS: Mapping[str, tuple[int, int]] = {
    "up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1),
}  # fmt: skip


# ----------------------------------------------------------------------------- data
def small_training_set(digits: DigitsData, n_per_class: int = N_PER_CLASS,
                       seed: int | None = LESSON_SEED) -> tuple[Array, Array, Array]:
    """Draw ``n_per_class`` digits of each class from ``digits``' training part.

    Returns ``X (10·n_per_class, 64)``, ``y (10·n_per_class,)`` and ``rows``: the row numbers in
    ``digits.X_train`` that were drawn (so ``digits.X_train[rows]`` is ``X``). The rows are
    shuffled, so the classes are mixed. The same seed gives the same digits.
    """
    if not isinstance(n_per_class, (int, np.integer)) or n_per_class < 1:
        raise ValueError(f"small_training_set: n_per_class must be a whole number ≥ 1, "
                         f"got {n_per_class!r}.")
    rng = np.random.default_rng(seed)
    picked = []
    for digit in range(digits.n_classes):
        rows_of_digit = np.flatnonzero(digits.y_train == digit)
        if len(rows_of_digit) < n_per_class:
            raise ValueError(f"small_training_set: the training part has only "
                             f"{len(rows_of_digit)} digits {digit}, fewer than "
                             f"n_per_class={n_per_class}.")
        picked.append(rng.choice(rows_of_digit, size=n_per_class, replace=False))
    rows = rng.permutation(np.concatenate(picked))
    return digits.X_train[rows], digits.y_train[rows], rows


def shift_images(images: Array, rows: int, cols: int) -> Array:
    """Move every image ``rows`` pixels down and ``cols`` pixels right; fill with 0 (paper).

    Negative values move up and left. Ink pushed over the edge is lost. For a shift by one
    row down, output[i, r, c] = images[i, r − 1, c] for r ≥ 1, and 0 in row 0.

    Shapes: images (n, height, width) or one image (height, width) → the same shape.
    """
    images = np.asarray(images)
    if images.ndim not in (2, 3):
        raise ValueError(f"shift_images: expected images of shape (n, height, width) or one "
                         f"image (height, width), got shape {images.shape}. Digit rows of "
                         f"shape (n, 64) become images with X.reshape(-1, 8, 8).")
    for name, value in (("rows", rows), ("cols", cols)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"shift_images: {name} must be a whole number of pixels, "
                            f"got {value!r}.")
    height, width = images.shape[-2:]
    shifted = np.zeros_like(images)
    if abs(rows) >= height or abs(cols) >= width:
        return shifted  # everything moved out of the picture
    # Source and destination windows: the part of the picture that stays inside.
    src_r = slice(max(0, -rows), height - max(0, rows))
    dst_r = slice(max(0, rows), height - max(0, -rows))
    src_c = slice(max(0, -cols), width - max(0, cols))
    dst_c = slice(max(0, cols), width - max(0, -cols))
    shifted[..., dst_r, dst_c] = images[..., src_r, src_c]
    return shifted


def augment_with_shifts(X: Array, y: Array,
                        shifts: Mapping[str, tuple[int, int]] = SHIFTS) -> tuple[Array, Array]:
    """The digits plus a copy of them for every shift (default: up, down, left, right by one).

    X: digit rows (n, 64), y: labels (n,). Returns ``X_aug (n·(1 + len(shifts)), 64)`` and
    ``y_aug``: first the originals, then all digits shifted by the first shift, and so on.
    A shifted digit keeps its label: a 3 moved one pixel is still a 3.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 64 or len(X) != len(y):
        raise ValueError(f"augment_with_shifts: expected digit rows X of shape (n, 64) and "
                         f"labels y of shape (n,), got {X.shape} and {y.shape}.")
    images = X.reshape(-1, 8, 8)
    parts = [X] + [shift_images(images, r, c).reshape(-1, 64) for r, c in shifts.values()]
    return np.vstack(parts), np.tile(y, 1 + len(shifts))


# ----------------------------------------------------------------------------- training
def train_small(X: Array, y: Array, validation_data: tuple[Array, Array], *,
                weight_decay: float = 0.0, l1: float = 0.0, dropout: float = 0.0,
                sizes: Sequence[int] = BIG, epochs: int = EPOCHS,
                early_stopping: int | None = None,
                seed: int | None = LESSON_SEED) -> tuple[Sequential, History]:
    """One run of the lesson: ``mlp(sizes, dropout=dropout)`` trained by ``fit``.

    Adam (lr ``LR``) with ``weight_decay`` (L2) and ``l1``, mini-batches of ``BATCH_SIZE``,
    ``epochs`` epochs, validation on ``validation_data`` after every epoch, optional early
    stopping (patience ``early_stopping``, best weights restored). Returns ``(model, history)``;
    the same arguments give the same weights, bit for bit.
    """
    from nnedu.network import mlp
    from nnedu.optim import Adam
    from nnedu.train import fit

    model = mlp(tuple(sizes), dropout=dropout, seed=seed)
    history = fit(model, X, y, optimizer=Adam(lr=LR, weight_decay=weight_decay, l1=l1),
                  epochs=epochs, batch_size=BATCH_SIZE, validation_data=validation_data,
                  early_stopping=early_stopping, restore_best=True, seed=seed, progress=False)
    return model, history


@dataclass(frozen=True, eq=False)
class Run:
    """One finished training run: its settings, its per-epoch ``history`` and the ``model``."""

    weight_decay: float
    dropout: float
    history: History
    model: Sequential


@functools.lru_cache(maxsize=1)
def grid_runs() -> dict[tuple[float, float], Run]:
    """Train the lesson's network once for every (weight decay, dropout) pair of the grid.

    ``WEIGHT_DECAYS`` × ``DROPOUTS`` = 4 × 3 = 12 runs of :func:`train_small` on the
    150-digit training part, validated on ``load_digits()``'s validation part. The result is
    cached: the first call trains (a few seconds), later calls return the same dictionary.
    Keys are ``(weight_decay, dropout)``, e.g. ``runs[(1e-3, 0.25)]``. Do not modify it.
    """
    from nnedu.data import load_digits

    digits = load_digits()
    X, y, _ = small_training_set(digits)
    runs = {}
    for weight_decay in WEIGHT_DECAYS:
        for dropout in DROPOUTS:
            model, history = train_small(X, y, (digits.X_val, digits.y_val),
                                         weight_decay=weight_decay, dropout=dropout)
            runs[(weight_decay, dropout)] = Run(weight_decay, dropout, history, model)
    return runs


def lookup(runs: Mapping[tuple[float, float], Run], weight_decay: float, dropout: float) -> Run:
    """The cached run for one setting, with a clear error for a setting outside the grid."""
    key = (float(weight_decay), float(dropout))
    if key not in runs:
        raise KeyError(f"lookup: no cached run for weight decay {weight_decay!r} and dropout "
                       f"{dropout!r}. The grid has weight decays {WEIGHT_DECAYS} and "
                       f"dropout rates {DROPOUTS}.")
    return runs[key]


# ----------------------------------------------------------------------------- summaries
@dataclass(frozen=True)
class RunSummary:
    """What the readout says about a run.

    ``best_epoch`` (counting from 1) is the first epoch with the highest validation accuracy
    ``best_val_accuracy``; ``final_gap`` = validation loss − training loss after the last epoch.
    """

    best_epoch: int
    best_val_accuracy: float
    final_gap: float


def run_summary(history: History | Mapping[str, Sequence[float]]) -> RunSummary:
    """Best validation accuracy, its epoch, and the final loss gap of a run's history."""
    records = getattr(history, "history", history)
    val_accuracy = np.asarray(records["val_accuracy"])
    best = int(np.argmax(val_accuracy))  # the first of equal values
    gap = records["val_loss"][-1] - records["loss"][-1]
    return RunSummary(best + 1, float(val_accuracy[best]), float(gap))


def format_decay(weight_decay: float) -> str:
    """A weight decay as the lesson writes it: 0, 1e-4, 1e-3, 0.003, …"""
    if weight_decay == 0:
        return "0"
    exponent = round(math.log10(weight_decay))
    if math.isclose(weight_decay, 10.0 ** exponent):
        return f"1e{exponent}"
    return f"{weight_decay:g}"


def format_dropout(dropout: float) -> str:
    """A dropout rate as the sliders show it: 0, 0.25, 0.5."""
    return f"{dropout:g}"


def readout_text(weight_decay: float, dropout: float,
                 history: History | Mapping[str, Sequence[float]]) -> str:
    """The explorer's readout, e.g. "weight decay 1e-3, dropout 0.25: best validation accuracy
    91.0 % at epoch 23, final gap 0.38" (gap = validation loss − training loss at the end)."""
    s = run_summary(history)
    return (f"weight decay {format_decay(weight_decay)}, dropout {format_dropout(dropout)}: "
            f"best validation accuracy {100 * s.best_val_accuracy:.1f} % at epoch "
            f"{s.best_epoch}, final gap {s.final_gap:.2f}")


# ----------------------------------------------------------------------------- figures
def _records(history) -> Mapping[str, Sequence[float]]:
    return getattr(history, "history", history)


def plot_history(history, ax_loss=None, ax_accuracy=None, title: str | None = None,
                 reference=None, reference_label: str = "no regularisation",
                 mark: str | None = "accuracy", loss_max: float | None = 1.0):
    """Loss and accuracy per epoch: training (solid, circles) and validation (dashed, squares).

    ``reference``: another run's history drawn in grey for comparison. ``mark``:
    "accuracy" puts a star on the best validation accuracy, "loss" a vertical line at the
    lowest validation loss (the epoch early stopping restores), None nothing. ``loss_max``
    is the top of the loss axis (default 1.0: the large losses of the first epochs are cut
    off, so that the end of training is easy to see; None: matplotlib chooses).
    Returns the figure.
    """
    import matplotlib.pyplot as plt

    from nnedu.plots import COLORS

    if ax_loss is None or ax_accuracy is None:
        fig, (ax_loss, ax_accuracy) = plt.subplots(1, 2, figsize=(10.0, 3.9),
                                                   layout="constrained")
    fig = ax_loss.figure
    records = _records(history)
    epochs = np.arange(1, len(records["loss"]) + 1)
    every = max(1, len(epochs) // 8)  # markers on a few epochs only, so the lines stay clear
    for ax, metric in ((ax_loss, "loss"), (ax_accuracy, "accuracy")):
        if reference is not None:
            ref = _records(reference)
            ref_epochs = np.arange(1, len(ref[metric]) + 1)
            ax.plot(ref_epochs, ref[metric], color="0.6", lw=1.2,
                    label=f"training ({reference_label})")
            ax.plot(ref_epochs, ref[f"val_{metric}"], color="0.6", lw=1.2, ls="--",
                    label=f"validation ({reference_label})")
        ax.plot(epochs, records[metric], color=COLORS[0], lw=2, marker="o", markevery=every,
                ms=5, label="training")
        ax.plot(epochs, records[f"val_{metric}"], color=COLORS[1], lw=2, ls="--", marker="s",
                markevery=every, ms=5, label="validation")
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    if mark == "accuracy":
        s = run_summary(records)
        ax_accuracy.plot([s.best_epoch], [s.best_val_accuracy], marker="*", ms=16, ls="none",
                         color=COLORS[3], markeredgecolor="black",
                         label=f"best validation accuracy: epoch {s.best_epoch}")
    elif mark == "loss":
        best = int(np.argmin(records["val_loss"])) + 1
        for ax in (ax_loss, ax_accuracy):
            ax.axvline(best, color=COLORS[3], lw=1.5, ls=":",
                       label=f"lowest validation loss: epoch {best}")
    ax_loss.set_ylabel("cross-entropy loss")
    ax_loss.set_title("loss")
    ax_loss.set_ylim(0, loss_max)
    ax_accuracy.set_ylabel("accuracy")
    ax_accuracy.set_title("accuracy")
    ax_accuracy.set_ylim(0.5, 1.02)
    ax_accuracy.legend(loc="lower right", fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def plot_small_multiples(histories: Mapping[str, object], cols: int = 4,
                         loss_max: float | None = 1.0,
                         marks: Mapping[str, int] | None = None):
    """One small panel per method: training and validation loss per epoch, on shared axes.

    ``histories``: method name → History (or dict of lists); the panel's title is the name.
    The shaded band between the curves is the gap. ``marks``: method name → an epoch
    (counting from 1) to mark with a vertical line, e.g. the epoch early stopping restored.
    Returns the figure.
    """
    import matplotlib.pyplot as plt

    from nnedu.plots import COLORS

    marks = dict(marks or {})
    n = len(histories)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.1 * cols, 2.6 * rows), sharey=True,
                             squeeze=False)
    for ax, (name, history) in zip(axes.ravel(), histories.items()):
        records = _records(history)
        epochs = np.arange(1, len(records["loss"]) + 1)
        ax.fill_between(epochs, records["loss"], records["val_loss"], color=COLORS[1],
                        alpha=0.15, label="gap")
        ax.plot(epochs, records["loss"], color=COLORS[0], lw=2, label="training loss")
        ax.plot(epochs, records["val_loss"], color=COLORS[1], lw=2, ls="--",
                label="validation loss")
        if name in marks:
            ax.axvline(marks[name], color=COLORS[3], lw=1.5, ls=":", label="weights kept")
        ax.set_title(name, fontsize=11)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    for ax in axes[:, 0]:
        ax.set_ylabel("loss")
    axes[0, 0].set_ylim(0, loss_max)
    handles, labels = [], []
    for ax in axes.ravel()[:n]:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def weights_of(model: Sequential) -> Array:
    """Every weight of the model's Dense layers (not the biases) in one flat array."""
    return np.concatenate([p.ravel() for name, p in model.named_parameters()
                           if name.endswith(".W")])


def plot_weight_histograms(models: Mapping[str, Sequential], threshold: float = 0.01):
    """Histograms of |w| for each model's weights, on a log scale, one panel per model.

    The shaded band marks |w| < ``threshold`` ("near zero"); the title says which fraction of
    the weights lies there. Returns the figure.
    """
    import matplotlib.pyplot as plt

    from nnedu.plots import COLORS

    fig, axes = plt.subplots(1, len(models), figsize=(3.6 * len(models), 3.2), sharey=True,
                             squeeze=False)
    bins = np.logspace(-8, 0.5, 60)
    for k, (ax, (name, model)) in enumerate(zip(axes[0], models.items())):
        size = np.abs(weights_of(model))
        ax.hist(np.clip(size, bins[0], None), bins=bins, color=COLORS[k % len(COLORS)],
                edgecolor="black", linewidth=0.3)
        ax.axvspan(bins[0], threshold, color="0.88", zorder=0)
        ax.text(math.sqrt(bins[0] * threshold), 0.95, f"near zero\n|w| < {threshold:g}",
                transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize=9,
                color="0.3")
        ax.set_xscale("log")
        ax.set_xlabel("|w| (log scale)")
        near_zero = np.mean(size < threshold)
        ax.set_title(f"{name}\n{100 * near_zero:.0f} % of |w| < {threshold:g}", fontsize=10)
    axes[0, 0].set_ylabel("number of weights")
    fig.tight_layout()
    return fig


def plot_shifted_examples(X: Array, y: Array, n: int = 4,
                          shifts: Mapping[str, tuple[int, int]] = SHIFTS):
    """For the first ``n`` digits: the original and each shifted copy, one row per digit."""
    import matplotlib.pyplot as plt

    images = np.asarray(X)[:n].reshape(-1, 8, 8)
    columns = {"original": images} | {name: shift_images(images, r, c)
                                      for name, (r, c) in shifts.items()}
    fig, axes = plt.subplots(n, len(columns), figsize=(1.35 * len(columns), 1.45 * n),
                             squeeze=False)
    for j, (name, pictures) in enumerate(columns.items()):
        for i in range(n):
            ax = axes[i, j]
            ax.imshow(pictures[i], cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if i == 0:
                ax.set_title(name, fontsize=10)
            if j == 0:
                ax.set_ylabel(f"label {y[i]}", fontsize=10)
    fig.tight_layout()
    return fig


def plot_optimism(panels: Mapping[str, tuple[Array, Array]],
                  bin_widths: Mapping[str, float] | None = None):
    """Histograms of "test accuracy − fresh accuracy", one panel per experiment.

    ``panels``: title → ``(chosen_by_test, chosen_by_validation)``, two arrays with one
    difference per random split (in accuracy units, e.g. 0.012). ``bin_widths``: title → the
    width of the histogram bars in the same units (e.g. 2 / n_test, two test digits; the
    default is a twentieth of the range). The vertical lines mark the means. Returns the figure.
    """
    import matplotlib.pyplot as plt

    from nnedu.plots import COLORS

    bin_widths = dict(bin_widths or {})
    fig, axes = plt.subplots(1, len(panels), figsize=(6.0 * len(panels), 3.9), squeeze=False,
                             layout="constrained")
    for ax, (title, (by_test, by_validation)) in zip(axes[0], panels.items()):
        both = np.concatenate([by_test, by_validation]) * 100
        width = 100 * bin_widths.get(title, (both.max() - both.min()) / 2000)
        edges = np.arange(np.floor(both.min() / width), np.ceil(both.max() / width) + 1) * width
        for values, colour, style, name in (
            (by_validation, COLORS[0], "-", "chosen on the validation part"),
            (by_test, COLORS[3], "--", "chosen on the test part"),
        ):
            mean = 100 * np.mean(values)
            ax.hist(values * 100, bins=edges, histtype="step", color=colour, lw=2.2, ls=style,
                    label=name)
            ax.axvline(mean, color=colour, lw=3, ls=style, label=f"mean {mean:+.2f} points")
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel("test accuracy − fresh accuracy (percentage points)")
        ax.set_title(title)
        ax.legend(loc="upper left", fontsize=8)
    axes[0, 0].set_ylabel("number of random splits")
    return fig


# ----------------------------------------------------------------------------- the widget
class RegularisationExplorer:
    """Two sliders (weight decay, dropout) over the cached grid of runs.

    Parts: ``decay_slider``, ``dropout_slider``, ``readout`` (CSS class ``nnedu-readout``),
    ``output`` and ``widget`` (the VBox to display). Moving a slider only looks the run up in
    ``runs`` and redraws: nothing is trained. ``show(weight_decay, dropout)`` sets both
    sliders from code and redraws once.
    """

    def __init__(self, runs: Mapping[tuple[float, float], Run] | None = None,
                 weight_decay: float = 0.0, dropout: float = 0.0) -> None:
        import ipywidgets as widgets

        self.runs = grid_runs() if runs is None else runs
        lookup(self.runs, weight_decay, dropout)  # a bad start fails here, clearly
        decays = sorted({key[0] for key in self.runs})
        rates = sorted({key[1] for key in self.runs})
        self.reference = self.runs.get((0.0, 0.0))
        style = {"description_width": "100px"}
        self.decay_slider = widgets.SelectionSlider(
            options=[(format_decay(w), w) for w in decays], value=float(weight_decay),
            description="weight decay", continuous_update=False, style=style,
            layout={"width": "380px"},
        )
        self.dropout_slider = widgets.SelectionSlider(
            options=[(format_dropout(p), p) for p in rates], value=float(dropout),
            description="dropout", continuous_update=False, style=style,
            layout={"width": "380px"},
        )
        self.readout = widgets.HTML()
        self.readout.add_class("nnedu-readout")
        self.output = widgets.Output()
        note = widgets.HTML(
            "<small>Grey: the run without regularisation. Every setting was trained once, in "
            "advance (<code>grid_runs()</code>); the sliders only pick a run.</small>"
        )
        self.widget = widgets.VBox([
            widgets.HBox([self.decay_slider, self.dropout_slider]), self.readout, note,
            self.output,
        ])
        self.widget.add_class("nnedu-regularisation")
        self._quiet = False
        self.decay_slider.observe(self._on_change, names="value")
        self.dropout_slider.observe(self._on_change, names="value")
        self.redraw()

    @property
    def setting(self) -> tuple[float, float]:
        """The (weight decay, dropout) pair the sliders show."""
        return float(self.decay_slider.value), float(self.dropout_slider.value)

    def show(self, weight_decay: float, dropout: float) -> None:
        """Move both sliders (from code) and redraw once."""
        lookup(self.runs, weight_decay, dropout)
        self._quiet = True
        try:
            self.decay_slider.value = float(weight_decay)
            self.dropout_slider.value = float(dropout)
        finally:
            self._quiet = False
        self.redraw()

    def _on_change(self, _change) -> None:
        if not self._quiet:
            self.redraw()

    def redraw(self) -> None:
        """Look the run up, draw its curves, then write the readout."""
        import matplotlib.pyplot as plt
        from IPython.display import clear_output

        weight_decay, dropout = self.setting
        run = lookup(self.runs, weight_decay, dropout)
        reference = None if (weight_decay, dropout) == (0.0, 0.0) else self.reference
        with self.output:
            clear_output(wait=True)
            fig = plot_history(run.history, reference=reference,
                               title=f"weight decay {format_decay(weight_decay)}, "
                                     f"dropout {format_dropout(dropout)}")
            plt.show()
            plt.close(fig)
        # The text last: once the readout shows the new setting, the new picture is there too.
        self.readout.value = f"<b>{readout_text(weight_decay, dropout, run.history)}</b>"


def regularisation_explorer(runs: Mapping[tuple[float, float], Run] | None = None,
                            weight_decay: float = 0.0, dropout: float = 0.0):
    """Sliders for weight decay and dropout over the cached runs (default: :func:`grid_runs`).

    Returns the widget (a VBox).
    """
    return RegularisationExplorer(runs, weight_decay, dropout).widget
