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
* :func:`regularisation_explorer`: sliders for weight decay and dropout that pick a run of the
  cached grid and move its training and validation curves (on the shared explorer base;
  readout with CSS class ``nnedu-readout``).

The lesson's other figures (``plot_history``, ``plot_small_multiples``, ...) are in
``nnedu.widgets.regularisation_figures``.

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
from nnedu.widgets.explorer import Explorer

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
    91.0 % at epoch 23; gap after the last epoch (validation loss − training loss) 0.38"."""
    s = run_summary(history)
    return (f"weight decay {format_decay(weight_decay)}, dropout {format_dropout(dropout)}: "
            f"best validation accuracy {100 * s.best_val_accuracy:.1f} % at epoch "
            f"{s.best_epoch}; gap after the last epoch (validation loss − training loss) "
            f"{s.final_gap:.2f}")


# ----------------------------------------------------------------------------- weights
def weights_of(model: Sequential) -> Array:
    """Every weight of the model's Dense layers (not the biases) in one flat array."""
    return np.concatenate([p.ravel() for name, p in model.named_parameters()
                           if name.endswith(".W")])



# ----------------------------------------------------------------------------- the explorer
#: What each slider controls, said under the sliders.
SLIDER_NOTE = ("<b>weight decay λ</b>: the L2 penalty that pulls every weight towards 0 "
               "(each step ten times the one before) · <b>dropout p</b>: the share of hidden "
               "units switched off at random in each training step. Every setting was trained "
               "once, in advance (<code>grid_runs()</code>): a slider only picks a run. Grey: "
               "the run without regularisation.")


def _records(history) -> Mapping[str, Sequence[float]]:
    return getattr(history, "history", history)


class RegularisationExplorer(Explorer):
    """Two sliders (weight decay, dropout) over the cached grid of runs: the picked run's
    training and validation loss and accuracy per epoch, the run without regularisation in grey.

    Moving a slider only looks the run up in ``runs`` and moves the curves: nothing is trained.
    ``setting`` is the (weight decay, dropout) pair on show.
    """

    title = "Lesson 10 explorer: weight decay and dropout sliders over 12 trained runs"
    figsize = (8.4, 3.9)

    def __init__(self, runs: Mapping[tuple[float, float], Run] | None = None,
                 weight_decay: float = 0.0, dropout: float = 0.0) -> None:
        self.runs = grid_runs() if runs is None else runs
        lookup(self.runs, weight_decay, dropout)  # a bad start fails here, clearly
        self.start = (float(weight_decay), float(dropout))
        super().__init__()

    def build(self, fig) -> None:
        import ipywidgets as widgets

        from nnedu.plots import COLORS

        decays = sorted({key[0] for key in self.runs})
        rates = sorted({key[1] for key in self.runs})
        for name, label, options, value in (
                ("weight_decay", "weight decay λ (L2)", [(format_decay(w), w) for w in decays],
                 self.start[0]),
                ("dropout", "dropout rate p", [(format_dropout(p), p) for p in rates],
                 self.start[1])):
            self.add_control(name, widgets.SelectionSlider(
                options=options, value=value, description=label,
                style={"description_width": "130px"}, layout={"width": "400px"}))
        self.note = widgets.HTML(f"<small>{SLIDER_NOTE}</small>")
        epochs = max(len(_records(run.history)["loss"]) for run in self.runs.values())
        self.curves, self.reference = {}, {}
        for k, (metric, ylabel, ylim) in enumerate((
                ("loss", "cross-entropy loss", (0.0, 1.0)), ("accuracy", "accuracy", (0.5, 1.02)))):
            ax = fig.add_axes((0.08 + 0.5 * k, 0.3, 0.4, 0.58))
            for part, style in (("", "-"), ("val_", "--")):
                key = part + metric
                self.reference[key] = self.moving(ax.plot([], [], color="0.6", lw=1.2,
                                                          ls=style)[0])
                colour, marker = (COLORS[1], "s") if part else (COLORS[0], "o")
                self.curves[key] = self.moving(ax.plot([], [], color=colour, lw=2, ls=style,
                                                       marker=marker, ms=5)[0])
            ax.set(xlim=(0, epochs + 1), ylim=ylim, xlabel="epoch", ylabel=ylabel)
            ax.grid(alpha=0.3)
        self.best = self.moving(ax.plot([], [], marker="*", ms=16, ls="none", color=COLORS[3],
                                        markeredgecolor="black")[0])
        handles = [self.curves["loss"], self.curves["val_loss"], self.reference["loss"],
                   self.reference["val_loss"], self.best]
        fig.legend(handles, ["training", "validation", "training, no regularisation",
                             "validation, no regularisation", "best validation accuracy"],
                   loc="lower center", ncol=3, fontsize=10, frameon=False)
        self.heading = self.moving(fig.text(0.5, 0.96, "", ha="center", va="top", fontsize=12))

    def children(self) -> list:
        row, readout, image = super().children()
        return [row, self.note, readout, image]

    @property
    def setting(self) -> tuple[float, float]:
        """The (weight decay, dropout) pair the sliders show."""
        return (float(self.controls["weight_decay"].value),
                float(self.controls["dropout"].value))

    def show(self, values) -> str:
        weight_decay, dropout = float(values["weight_decay"]), float(values["dropout"])
        records = _records(lookup(self.runs, weight_decay, dropout).history)
        reference = self.runs.get((0.0, 0.0))
        for key, line in self.curves.items():
            line.set_data(np.arange(1, len(records[key]) + 1), records[key])
            line.set_markevery(max(1, len(records[key]) // 8))
            ref = self.reference[key]
            ref.set_visible(reference is not None and (weight_decay, dropout) != (0.0, 0.0))
            if reference is not None:
                ref_values = _records(reference.history)[key]
                ref.set_data(np.arange(1, len(ref_values) + 1), ref_values)
        s = run_summary(records)
        self.best.set_data([s.best_epoch], [s.best_val_accuracy])
        self.heading.set_text(f"weight decay λ = {format_decay(weight_decay)}, "
                              f"dropout p = {format_dropout(dropout)}")
        return f"<b>{readout_text(weight_decay, dropout, records)}</b>"


def regularisation_explorer(runs: Mapping[tuple[float, float], Run] | None = None,
                            weight_decay: float = 0.0, dropout: float = 0.0
                            ) -> RegularisationExplorer:
    """Sliders for weight decay and dropout over the cached runs (default: :func:`grid_runs`).
    Displays itself in a notebook."""
    return RegularisationExplorer(runs, weight_decay, dropout)
