"""Lesson 05's figures: a descent on a 1-D loss, paths on the bowl, the loss per step.

The maths (``gradient_descent``, ``bowl_path`` …) and the explorer are in
``nnedu.widgets.gradient_descent``; this module only draws (matplotlib is imported inside
the functions)::

    from nnedu.widgets import gradient_descent_figures as gdf
    gdf.plot_bowl_path(bowl_path(0.05, 20))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nnedu.plots import COLORS, MARKERS
from nnedu.widgets.gradient_descent import (
    BOWL_VIEW,
    L_MIN_1D,
    PATH_COLOR,
    W_BEST_1D,
    Array,
    _axes,
    loss_1d,
    plot_bowl_contours,
    slope_1d,
)


def plot_descent_1d(path: Array, ax=None, title: str | None = None, tangents: int = 4,
                    tangent_width: float = 1.3):
    """L(w) = (w − 3)² + 1 with a gradient-descent ``path`` (steps + 1,) on it: a dot at every
    w_t, the first ones numbered, and the tangent line (slope L′(w_t)) at the first
    ``tangents`` points (0: none).

    The view widens to hold the whole path, so a diverging run is drawn too.
    """
    fig, ax = _axes(ax, (7.0, 4.2))
    path = np.asarray(path, dtype=float)
    finite = path[np.isfinite(path)]
    lo = min(finite.min(), W_BEST_1D - 4.0) - 0.5
    hi = max(finite.max(), W_BEST_1D + 4.0) + 0.5
    w = np.linspace(lo, hi, 400)
    ax.plot(w, loss_1d(w), color=COLORS[0], lw=2.2, label="$L(w) = (w - 3)^2 + 1$")
    if tangents:
        for k, wt in enumerate(path[: min(tangents, len(path) - 1)]):
            seg = np.array([wt - tangent_width, wt + tangent_width])
            ax.plot(seg, loss_1d(wt) + slope_1d(wt) * (seg - wt), color=COLORS[1], lw=1.4,
                    ls="--", label="tangent, slope $L'(w_t)$" if k == 0 else None)
    ax.plot(path, loss_1d(path), color=PATH_COLOR, marker="o", ms=6, lw=1, ls=":",
            label="$w_t$ after $t$ steps", zorder=4)
    labelled = []  # number the first points, but only where the number has room
    for k, wt in enumerate(path[: min(len(path), 6)]):
        if all(abs(wt - other) > 0.04 * (hi - lo) for other in labelled):
            ax.annotate(str(k), (wt, loss_1d(wt)), textcoords="offset points", xytext=(0, 8),
                        ha="center", fontsize=9, color=PATH_COLOR)
            labelled.append(wt)
    ax.plot(W_BEST_1D, L_MIN_1D, marker="*", ms=14, color=COLORS[7], ls="none",
            label="minimum", zorder=5)
    ax.set_xlim(lo, hi)
    top = float(loss_1d(np.array([lo, hi])).max())
    ax.set_ylim(0, top * 1.05)
    ax.set_xlabel("weight $w$")
    ax.set_ylabel("loss $L(w)$")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, loc="upper center", framealpha=0.9)
    return ax


def plot_distance_per_step(paths: Mapping[str, Array], best: float = W_BEST_1D, ax=None,
                           title: str = "distance to the minimum after each step"):
    """|w_t − w*| against t on a log scale, one line per run (label → path (steps + 1,)).

    Shrinking by the factor |1 − η c| each step is a straight line down; a factor above 1
    is a straight line up.
    """
    fig, ax = _axes(ax, (6.0, 4.0))
    for k, (label, path) in enumerate(paths.items()):
        distance = np.abs(np.asarray(path, dtype=float) - best)
        ax.semilogy(np.arange(len(distance)), distance, color=COLORS[k % len(COLORS)],
                    marker=MARKERS[k % len(MARKERS)], ms=4, lw=1.5, label=label)
    ax.set_xlabel("step t")
    ax.set_ylabel(r"$|w_t - w^*|$ (log scale)")
    ax.set_title(title)
    ax.grid(alpha=0.3, which="major")
    ax.legend(fontsize=9)
    return ax


def plot_bowl_path(path: Array, ax=None, title: str | None = None,
                   view: Sequence[float] = BOWL_VIEW, label: str = "gradient descent"):
    """The bowl's contours with a gradient-descent ``path`` (steps + 1, 2) drawn on top:
    dots at every point, the start as a square. Points outside the view are clipped."""
    ax = plot_bowl_contours(ax, view)
    path = np.asarray(path, dtype=float)
    ax.plot(path[:, 0], path[:, 1], color=PATH_COLOR, marker="o", ms=3.5, lw=1.3, label=label,
            zorder=3)
    ax.plot(path[0, 0], path[0, 1], marker="s", ms=8, color=PATH_COLOR, mec="black", ls="none",
            label="start", zorder=5)
    outside = ~((path[:, 0] >= view[0]) & (path[:, 0] <= view[1])
                & (path[:, 1] >= view[2]) & (path[:, 1] <= view[3]))
    if np.any(outside):
        ax.text(0.02, 0.03, f"the path leaves the picture at step {int(np.argmax(outside))}",
                transform=ax.transAxes, fontsize=9, color=PATH_COLOR,
                bbox=dict(facecolor="white", edgecolor=PATH_COLOR, alpha=0.9))
    if title:
        ax.set_title(title)
    return ax


def plot_loss_per_step(losses: Mapping[str, Array] | Array, ax=None,
                       title: str = "loss after each step", xlabel: str = "step t"):
    """Loss against step number on a log scale: a straight line down means the loss shrinks
    by the same factor every step; a line going up means the run diverges.

    ``losses`` is one array (the loss at steps 0, 1, 2, …) or a dict label → array.
    """
    fig, ax = _axes(ax, (5.0, 3.6))
    curves = losses if isinstance(losses, Mapping) else {"loss": losses}
    for k, (label, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=float)
        steps = np.arange(len(values))
        ax.semilogy(steps, values, color=COLORS[k % len(COLORS)],
                    marker=MARKERS[k % len(MARKERS)], ms=3.5, lw=1.5, label=label,
                    markevery=max(1, len(values) // 20))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss (log scale)")
    ax.set_title(title)
    ax.grid(alpha=0.3, which="major")
    if len(curves) > 1:
        ax.legend(fontsize=9)
    return ax


def plot_paths_on_contours(loss_grid: tuple[Array, Array, Array], paths: Mapping[str, Array],
                           best: Sequence[float] | None = None, ax=None,
                           xlabel: str = "$w$", ylabel: str = "$b$", title: str | None = None):
    """Several gradient-descent paths over the contour lines of one loss surface.

    ``loss_grid`` = (W, B, L): the two grids and the loss at every grid point.
    ``paths``: label → points (steps + 1, 2). ``best`` marks the minimum with a star.
    """
    fig, ax = _axes(ax, (6.0, 5.0))
    W, B, L = loss_grid
    ax.contour(W, B, L, levels=np.geomspace(L.min() + 1e-3, L.max(), 14), cmap="viridis",
               linewidths=1)
    styles = ("-", "--", ":", "-.")
    lengths = sorted({len(path) for path in paths.values()})
    for k, (label, path) in enumerate(paths.items()):
        path = np.asarray(path, dtype=float)
        color = COLORS[(k + 3) % len(COLORS)]
        # Long (noisy) paths go underneath, so the short ones stay visible on top of them.
        on_top = len(lengths) - lengths.index(len(path))
        ax.plot(path[:, 0], path[:, 1], color=color, ls=styles[k % len(styles)], lw=1.4,
                marker=MARKERS[k % len(MARKERS)], ms=3.5, markevery=max(1, len(path) // 25),
                label=label, zorder=2 + on_top, alpha=1.0 if len(path) <= 200 else 0.75)
    start = np.asarray(next(iter(paths.values())))[0]
    ax.plot(start[0], start[1], marker="s", ms=8, color="white", mec="black", ls="none",
            label="start", zorder=5)
    if best is not None:
        ax.plot(best[0], best[1], marker="*", ms=15, color=COLORS[7], ls="none",
                label="minimum", zorder=5)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=9, loc="best", framealpha=0.9)
    return ax
