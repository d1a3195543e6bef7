"""Matplotlib figures shared by the lessons.

Imported only when a lesson asks for it (``import nnedu`` does not load matplotlib).
Colours come from the Okabe–Ito palette, which stays distinguishable for colour-blind
readers; classes also get different marker shapes, so colour is never the only cue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Array = np.ndarray

#: Okabe–Ito colours: blue, orange, bluish green, vermillion, sky blue, reddish purple,
#: yellow, black.
COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
#: A blue–white–orange map for two-class decision surfaces (colour-blind safe).
DIVERGING = "PuOr_r"


def _plt():
    import matplotlib.pyplot as plt

    return plt


def new_axes(ax=None, figsize: tuple[float, float] = (5.0, 4.0)):
    """Return ``(fig, ax)``: the given axes, or a fresh figure with one axes."""
    plt = _plt()
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax


def scatter_classes(X: Array, y: Array, ax=None, labels: Sequence[str] | None = None,
                    size: float = 36.0):
    """Scatter 2-D points, one colour *and* marker per class. X: (n, 2), y: (n,) labels."""
    fig, ax = new_axes(ax)
    for k, cls in enumerate(np.unique(y)):
        pts = X[y == cls]
        name = labels[k] if labels is not None else f"class {cls}"
        ax.scatter(pts[:, 0], pts[:, 1], s=size, c=COLORS[k % len(COLORS)],
                   marker=MARKERS[k % len(MARKERS)], edgecolors="white", linewidths=0.6,
                   label=name, zorder=3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="best", framealpha=0.9)
    return ax


def grid_over(X: Array, steps: int = 200, margin: float = 0.5) -> tuple[Array, Array, Array]:
    """A (steps × steps) grid covering the points X (n, 2) plus a margin.

    Returns ``xx, yy`` (steps, steps) and the grid points as rows (steps², 2).
    """
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], steps), np.linspace(lo[1], hi[1], steps))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def decision_surface(predict: Callable[[Array], Array], X: Array, y: Array | None = None,
                     ax=None, steps: int = 200, title: str | None = None,
                     levels: Sequence[float] = (0.5,)):
    """Shade ``predict(points)`` over the plane (a probability in [0, 1] or a score) and
    draw the contour at ``levels`` (the decision boundary), with the data points on top."""
    fig, ax = new_axes(ax)
    xx, yy, points = grid_over(X, steps)
    values = np.asarray(predict(points), dtype=float).reshape(-1)
    if values.size != points.shape[0]:
        raise ValueError(f"decision_surface: predict returned {values.size} values for "
                         f"{points.shape[0]} grid points; return one number per row.")
    zz = values.reshape(xx.shape)
    mesh = ax.contourf(xx, yy, zz, levels=20, cmap=DIVERGING, alpha=0.55)
    ax.contour(xx, yy, zz, levels=list(levels), colors="k", linewidths=2)
    fig.colorbar(mesh, ax=ax, label="network output")
    if y is not None:
        scatter_classes(X, y, ax=ax)
    if title:
        ax.set_title(title)
    return ax


def function_and_derivative(f: Callable[[Array], Array], df: Callable[[Array], Array],
                            lo: float = -5.0, hi: float = 5.0, ax=None, name: str = "f"):
    """Plot f(z) and f'(z) on one axes over [lo, hi]."""
    fig, ax = new_axes(ax)
    z = np.linspace(lo, hi, 400)
    ax.plot(z, f(z), color=COLORS[0], lw=2.5, label=f"{name}(z)")
    ax.plot(z, df(z), color=COLORS[1], lw=2, ls="--", label=f"{name}′(z)")
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.set_xlabel("z")
    ax.set_title(f"{name} and its derivative")
    ax.legend()
    return ax


def training_curves(history, metric: str = "loss", ax=None, title: str | None = None):
    """Training (and validation) ``metric`` per epoch from a History or a dict of lists."""
    fig, ax = new_axes(ax)
    records = getattr(history, "history", history)
    epochs = np.arange(1, len(records[metric]) + 1)
    ax.plot(epochs, records[metric], color=COLORS[0], lw=2, label=f"training {metric}")
    if f"val_{metric}" in records:
        ax.plot(epochs, records[f"val_{metric}"], color=COLORS[1], lw=2, ls="--",
                label=f"validation {metric}")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.set_title(title or f"{metric} per epoch")
    ax.legend()
    return ax


def confusion_matrix(cm: Array, ax=None, labels: Sequence[str] | None = None,
                     title: str = "confusion matrix"):
    """Draw a confusion matrix (rows: true class, columns: predicted) with counts written in."""
    fig, ax = new_axes(ax, figsize=(5.5, 5.0))
    cm = np.asarray(cm)
    ax.imshow(cm, cmap="Blues")
    n = cm.shape[0]
    labels = list(labels) if labels is not None else [str(i) for i in range(n)]
    ax.set_xticks(range(n), labels)
    ax.set_yticks(range(n), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    threshold = cm.max() / 2 if cm.size else 0
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center",
                    color="white" if cm[i, j] > threshold else "black", fontsize=9)
    ax.set_title(title)
    return ax


def digit_grid(images: Array, titles: Sequence[str] | None = None, cols: int = 10,
               size: float = 1.1):
    """Show 8×8 digit images (n, 8, 8) or rows (n, 64) in a grid, with optional titles."""
    plt = _plt()
    images = np.asarray(images).reshape(len(images), 8, 8)
    rows = int(np.ceil(len(images) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * size, rows * size * 1.15),
                             squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i < len(images):
            ax.imshow(images[i], cmap="gray_r", vmin=0, vmax=images.max() or 1)
            if titles is not None:
                ax.set_title(titles[i], fontsize=8)
    fig.tight_layout()
    return fig
