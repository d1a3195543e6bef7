"""Lesson 08's figures: the optimizers' paths, their distance to the minimum, the final loss
against the learning rate and validation curves. The surfaces, the runs and the explorer are in
``nnedu.widgets.optimizers``.

Matplotlib is imported inside the functions that draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nnedu.widgets.optimizers import (
    LABELS,
    STYLES,
    Surface,
    _axes,
    distance_to_minimum,
    get_surface,
    plot_contours,
)

Array = np.ndarray


def _label(name: str, lr: float | Mapping[str, float] | None, path: Array | None = None,
           steps: int | None = None) -> str:
    """"Adam (η = 0.1)"; with ``steps``, a path that stopped early gets "blew up at step k"."""
    label = LABELS[name]
    if lr is not None:
        label += f" (η = {(lr[name] if isinstance(lr, Mapping) else lr):g})"
    if path is not None and steps is not None and len(path) < steps + 1:
        label += f": blew up at step {len(path)}"
    return label


def _plain_log_ticks(axis) -> None:
    """Log-scale ticks at 1, 2, 5 times the powers of ten, written as plain numbers."""
    from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FormatStrFormatter("%g"))
    axis.set_minor_formatter(NullFormatter())


def plot_race(surface: str | Surface, paths: Mapping[str, Array], ax=None,
              lr: float | Mapping[str, float] | None = None, title: str | None = None,
              legend: bool = True, steps: int | None = None):
    """Each optimizer's path (name → points (k + 1, 2)) over the contour lines of the surface,
    in its own colour, line style and marker. ``lr`` (one value or a dict) goes into the
    legend; so does "blew up at step k" for a path shorter than ``steps`` + 1. Such a path is
    drawn up to its last point before it blew up (the axis limits cut what leaves the
    picture)."""
    surface = get_surface(surface)
    fig, ax = _axes(ax, (7.0, 4.5))
    plot_contours(surface, ax=ax)
    for name, path in paths.items():
        color, line, marker = STYLES[name]
        path = np.asarray(path, dtype=float)
        ax.plot(path[:, 0], path[:, 1], color=color, ls=line, lw=1.6, marker=marker, ms=4,
                markevery=max(1, len(path) // 15), label=_label(name, lr, path, steps),
                zorder=3)
    ax.plot(*surface.start, marker="s", ms=8, color="white", mec="black", ls="none",
            label="start", zorder=6)
    ax.set_title(title or f"{surface.label}: ${surface.formula}$")
    if legend:
        ax.legend(fontsize=8, loc="best", framealpha=0.92)
    return ax


def plot_distance(surface: str | Surface, paths: Mapping[str, Array], ax=None,
                  lr: float | Mapping[str, float] | None = None,
                  title: str = "distance to the minimum after each step",
                  steps: int | None = None):
    """‖p_t − p*‖ against the step t on a log scale, one line per optimizer (a run that blew
    up ends early; with ``steps`` its legend entry says so)."""
    surface = get_surface(surface)
    fig, ax = _axes(ax, (6.0, 4.0))
    for name, path in paths.items():
        color, line, marker = STYLES[name]
        distance = distance_to_minimum(surface, path)
        ax.semilogy(np.arange(len(distance)), distance, color=color, ls=line, lw=1.6,
                    marker=marker, ms=4, markevery=max(1, len(distance) // 12),
                    label=_label(name, lr, path, steps))
    _plain_log_ticks(ax.yaxis)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$\|p_t - p^*\|$ (log scale)")
    ax.set_title(title)
    ax.grid(alpha=0.3, which="major")
    ax.legend(fontsize=8, loc="best", framealpha=0.92)
    return ax


def plot_lr_sweep(lrs: Sequence[float], losses: Mapping[str, Array], ax=None,
                  title: str = "final loss against the learning rate",
                  ylabel: str = "final loss (log scale)"):
    """Final loss against the learning rate, both on log scales, one line per optimizer.

    A run that blew up (inf) is drawn as ✗ in a strip above the finite values, one row per
    optimizer (in its colour), so that the crosses of different optimizers do not hide each other.
    """
    fig, ax = _axes(ax, (6.0, 4.0))
    lrs = np.asarray(lrs, dtype=float)
    values = {name: np.asarray(v, dtype=float) for name, v in losses.items()}
    finite = np.concatenate([v[np.isfinite(v)] for v in values.values()])
    top = float(finite.max()) * 10 if finite.size else 1.0
    any_blown = False
    for k, (name, v) in enumerate(values.items()):
        color, line, marker = STYLES[name]
        ok = np.isfinite(v)
        ax.loglog(lrs[ok], v[ok], color=color, ls=line, lw=1.6, marker=marker, ms=5,
                  label=LABELS[name])
        if np.any(~ok):
            any_blown = True
            ax.plot(lrs[~ok], np.full(np.sum(~ok), top * 2.2**k), color=color, marker="x",
                    ms=7, mew=2, ls="none")
    if any_blown:
        ax.axhline(top / 1.6, color="0.5", lw=0.8, ls=":")
        ax.plot([], [], color="0.3", marker="x", ms=7, mew=2, ls="none",
                label="blew up (above the dotted line)")
    ax.set_xlabel("learning rate η (log scale)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3, which="major")
    ax.legend(fontsize=8, loc="lower left", framealpha=0.92)
    return ax


def plot_validation_curves(histories: Mapping[str, object], ax=None,
                           lr: Mapping[str, float] | None = None, metric: str = "val_loss",
                           title: str = "validation loss per epoch", log: bool = False):
    """One curve per optimizer (name → History or dict of lists) of ``metric`` per epoch;
    ``log=True`` puts the y-axis on a log scale (with plain numbers as tick labels)."""
    from matplotlib.ticker import FormatStrFormatter, LogLocator, MaxNLocator, NullFormatter

    fig, ax = _axes(ax, (7.0, 4.2))
    for name, history in histories.items():
        records = getattr(history, "history", history)
        values = np.asarray(records[metric], dtype=float)
        color, line, marker = STYLES[name]
        ax.plot(np.arange(1, len(values) + 1), values, color=color, ls=line, lw=1.8,
                marker=marker, ms=5, markevery=max(1, len(values) // 10), label=_label(name, lr))
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    name = metric.replace("val_", "validation ").replace("_", " ")
    ax.set_ylabel(name + (" (log scale)" if log else ""))
    if log:  # ticks at 0.1, 0.2, 0.3, 0.5, 1, 2, …, written as plain numbers
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 3.0, 5.0)))
        ax.yaxis.set_major_formatter(FormatStrFormatter("%.2g"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both" if log else "major")
    ax.legend(fontsize=8, loc="best", framealpha=0.92)
    return ax
