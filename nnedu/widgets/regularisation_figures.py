"""Lesson 10's figures: training curves, the remedies side by side, weight sizes, shifted
digits and the optimism of choosing on the test part. The data, the runs and the explorer are
in ``nnedu.widgets.regularisation``.

Matplotlib is imported inside the functions that draw.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from nnedu.network import Sequential
from nnedu.widgets.regularisation import SHIFTS, run_summary, shift_images, weights_of

Array = np.ndarray


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
