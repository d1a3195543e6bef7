"""Lesson 04's figures: each loss and its gradient, the outlier fit, slow learning.

The numbers (``regression_losses``, ``binary_curves`` …) and the two explorers are in
``nnedu.widgets.losses``; this module only draws (matplotlib is imported inside the functions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nnedu.widgets.losses import (
    LABELS,
    MARKER_SIZES,
    REGRESSION_TARGET,
    START_TARGET,
    STYLES,
    Y_HAT_RANGE,
    Z_RANGE,
    Array,
    _target01,
    _with_jump,
    binary_curves,
    binary_losses,
    regression_curves,
    regression_losses,
)


def _figure(axes, ncols: int, figsize: tuple[float, float]):
    import matplotlib.pyplot as plt

    if axes is None:
        fig, axes = plt.subplots(1, ncols, figsize=figsize)
        return fig, list(np.atleast_1d(axes))
    axes = list(np.atleast_1d(axes))
    if len(axes) != ncols:
        raise ValueError(f"expected {ncols} matplotlib axes, got {len(axes)}.")
    return axes[0].figure, axes


def _layout(fig) -> None:
    """Fixed margins for a row of panels. (matplotlib's tight_layout measures every label and
    takes most of the drawing time; a fixed layout keeps the sliders responsive.)"""
    n_panels = len(fig.axes)
    fig.subplots_adjust(left=0.055 if n_panels == 2 else 0.04, right=0.985, bottom=0.14,
                        top=0.9, wspace=0.22 if n_panels == 2 else 0.25)


def plot_regression_losses(y_true: float = REGRESSION_TARGET, y_hat: float | None = None,
                           lo: float = Y_HAT_RANGE[0], hi: float = Y_HAT_RANGE[1], axes=None):
    """Left: MSE and MAE against the prediction ŷ for a fixed target y. Right: their
    gradients dL/dŷ. ``y_hat`` (optional) is marked on both. Returns the figure."""
    fig, (ax_loss, ax_grad) = _figure(axes, 2, (11.0, 3.9))
    grid = np.linspace(lo, hi, 601)
    curves = regression_curves(grid, y_true)
    for name, (value, gradient) in curves.items():
        style = STYLES[name]
        ax_loss.plot(grid, value, color=style["color"], ls=style["ls"], lw=2.2,
                     label=f"{LABELS[name]}: " + ("(ŷ − y)²" if name == "mse" else "|ŷ − y|"))
        ax_grad.plot(*_with_jump(grid, gradient, y_true), color=style["color"], ls=style["ls"],
                     lw=2.2, label=f"{LABELS[name]}: "
                     + ("2 (ŷ − y)" if name == "mse" else "sign(ŷ − y)"))
    if y_hat is not None:
        now = regression_losses(y_hat, y_true)
        for name, (value, gradient) in now.items():
            style = dict(color=STYLES[name]["color"], marker=STYLES[name]["marker"],
                         ms=MARKER_SIZES[name], mec="black", ls="none", zorder=5)
            ax_loss.plot([y_hat], [value], **style)
            ax_grad.plot([y_hat], [gradient], **style)
        for ax in (ax_loss, ax_grad):
            ax.axvline(y_hat, color="0.4", lw=1, ls=":", label=f"your ŷ = {y_hat:.2f}")
    for ax in (ax_loss, ax_grad):
        ax.axvline(y_true, color="black", lw=1.2, alpha=0.6)
        ax.set_xlabel("prediction ŷ")
        ax.grid(alpha=0.3)
    ax_grad.axhline(0, color="0.6", lw=0.8)
    ax_loss.set_ylabel("loss L")
    ax_grad.set_ylabel("gradient dL/dŷ")
    ax_loss.set_title(f"Loss for target y = {y_true:g} (black line)")
    ax_grad.set_title("Gradient: how hard training pushes ŷ")
    ax_loss.legend(loc="upper center", fontsize=9)
    ax_grad.legend(loc="upper left", fontsize=9)
    if axes is None:
        _layout(fig)
    return fig


def plot_binary_losses(y_true: int = START_TARGET, z: float | None = None,
                       lo: float = Z_RANGE[0], hi: float = Z_RANGE[1], axes=None):
    """Left: MSE, MAE and BCE of p = σ(z) against the logit z for a target 0 or 1.
    Right: their gradients dL/dz (through the sigmoid). ``z`` (optional) is marked.
    Returns the figure."""
    fig, (ax_loss, ax_grad) = _figure(axes, 2, (11.0, 3.9))
    y = _target01(y_true, "plot_binary_losses")
    grid = np.linspace(lo, hi, 401)
    formulas = {"mse": "(p − y)²", "mae": "|p − y|", "bce": "−log(p of the truth)"}
    for name, (value, gradient) in binary_curves(grid, y).items():
        style = STYLES[name]
        ax_loss.plot(grid, value, color=style["color"], ls=style["ls"], lw=2.2,
                     label=f"{LABELS[name]}: {formulas[name]}")
        ax_grad.plot(grid, gradient, color=style["color"], ls=style["ls"], lw=2.2,
                     label=LABELS[name])
    if z is not None:
        for name, (value, _, gradient) in binary_losses(z, y).items():
            style = dict(color=STYLES[name]["color"], marker=STYLES[name]["marker"],
                         ms=MARKER_SIZES[name], mec="black", ls="none", zorder=5)
            ax_loss.plot([z], [value], **style)
            ax_grad.plot([z], [gradient], **style)
        for ax in (ax_loss, ax_grad):
            ax.axvline(z, color="0.4", lw=1, ls=":", label=f"your z = {z:.2f}")
    for ax in (ax_loss, ax_grad):
        ax.set_xlabel("logit z   (p = σ(z))")
        ax.grid(alpha=0.3)
    ax_grad.axhline(0, color="0.6", lw=0.8)
    ax_grad.set_ylim(-1.1, 1.1)
    ax_loss.set_ylabel("loss L")
    ax_grad.set_ylabel("gradient dL/dz")
    right_side = "z > 0" if y == 1 else "z < 0"
    ax_loss.set_title(f"Loss for target y = {y} (right answer where {right_side})")
    ax_grad.set_title("Gradient through the sigmoid, dL/dz")
    ax_loss.legend(loc="upper center", fontsize=9)
    ax_grad.legend(loc="lower right" if y == 1 else "upper left", fontsize=9)
    if axes is None:
        _layout(fig)
    return fig


def plot_probability_losses(marks: Sequence[float] = (0.9, 0.5, 0.1), axes=None):
    """BCE, MSE and MAE against the predicted probability p, for target y = 1 (left) and
    y = 0 (right). For y = 1, BCE is −log p: the "surprise" at seeing the truth, marked at
    the probabilities in ``marks``. Returns the figure."""
    fig, panels = _figure(axes, 2, (11.0, 3.9))
    p = np.linspace(1e-3, 1 - 1e-3, 999)
    for ax, y in zip(panels, (1, 0), strict=True):
        curves = {
            "bce": -(y * np.log(p) + (1 - y) * np.log(1 - p)),
            "mse": (p - y) ** 2,
            "mae": np.abs(p - y),
        }
        for name, value in curves.items():
            style = STYLES[name]
            ax.plot(p, value, color=style["color"], ls=style["ls"], lw=2.2, label=LABELS[name])
        if y == 1:
            for q in marks:
                surprise = -np.log(q)
                ax.plot([q], [surprise], marker=STYLES["bce"]["marker"], ms=9, mec="black",
                        color=STYLES["bce"]["color"], ls="none", zorder=5)
                right_edge = q > 0.7  # write the label to the left, inside the axes
                ax.annotate(f"p = {q:g}: −log p = {surprise:.2f}", (q, surprise),
                            xytext=(-30, 75) if right_edge else (8, 6),
                            ha="center" if right_edge else "left",
                            textcoords="offset points", fontsize=9,
                            arrowprops={"arrowstyle": "->", "color": "0.3"} if right_edge
                            else None)
        ax.set_ylim(0, 5)
        ax.set_xlim(0, 1)
        ax.set_xlabel("predicted probability p of class 1")
        ax.set_ylabel("loss L")
        ax.set_title(f"target y = {y}" + (": BCE = −log p" if y == 1 else ": BCE = −log(1 − p)"))
        ax.grid(alpha=0.3)
        ax.legend(loc="upper center" if y == 1 else "upper left", fontsize=9)
    if axes is None:
        _layout(fig)
    return fig


def constant_fit_curves(data: Array, constants: Array) -> dict[str, Array]:
    """MSE and MAE of predicting the same number c for every data point, for each c in
    ``constants``: {"mse": (len(constants),), "mae": …}. data: 1-D."""
    data = np.asarray(data, dtype=float)
    if data.ndim != 1 or data.size == 0:
        raise ValueError(f"constant_fit_curves: data must be a non-empty 1-D array of numbers, "
                         f"got shape {data.shape}.")
    errors = np.asarray(constants, dtype=float)[:, None] - data[None, :]  # (n_c, n_data)
    return {"mse": np.mean(errors**2, axis=1), "mae": np.mean(np.abs(errors), axis=1)}


def plot_outlier_fit(data: Array, constants: Array, best: Mapping[str, float] | None = None):
    """Fitting one constant c to ``data`` (1-D) with an outlier.

    Left: the data, the mean and the median. Middle and right: MSE(c) and MAE(c) over
    ``constants``, their minimum marked (``best``: {"mse": c, "mae": c}, default: the grid's
    argmin). Returns the figure.
    """
    import matplotlib.pyplot as plt

    data = np.asarray(data, dtype=float)
    constants = np.asarray(constants, dtype=float)
    curves = constant_fit_curves(data, constants)
    if best is None:
        best = {name: float(constants[np.argmin(curve)]) for name, curve in curves.items()}
    mean, median = float(np.mean(data)), float(np.median(data))
    fig, axes = plt.subplots(1, 3, figsize=(13.0, 3.8))
    ax = axes[0]
    jitter = np.random.default_rng(0).uniform(-0.15, 0.15, data.size)
    ax.scatter(data, jitter, s=45, color="0.35", marker="o", edgecolors="white", zorder=3,
               label="data points")
    ax.axvline(mean, color=STYLES["mse"]["color"], ls=STYLES["mse"]["ls"], lw=2.2,
               label=f"mean = {mean:.2f}")
    ax.axvline(median, color=STYLES["mae"]["color"], ls=STYLES["mae"]["ls"], lw=2.2,
               label=f"median = {median:.2f}")
    outlier = data[np.argmax(np.abs(data - median))]
    ax.annotate("outlier", (outlier, 0.15), xytext=(outlier, 0.6), ha="right",
                arrowprops={"arrowstyle": "->", "color": "0.3"})
    ax.set_ylim(-1, 1)
    ax.set_yticks([])
    ax.set_xlabel("value")
    ax.set_title("the data (one outlier)")
    ax.legend(loc="lower right", fontsize=9)
    for ax, name in zip(axes[1:], ("mse", "mae"), strict=True):
        style = STYLES[name]
        ax.plot(constants, curves[name], color=style["color"], ls=style["ls"], lw=2.2,
                label=f"{LABELS[name]}(c)")
        c = best[name]
        ax.plot([c], [np.interp(c, constants, curves[name])], marker=style["marker"], ms=10,
                mec="black", color=style["color"], ls="none", zorder=5,
                label=f"minimum at c = {c:.2f}")
        ax.set_xlabel("constant prediction c")
        ax.set_ylabel(f"{LABELS[name]} of predicting c")
        ax.set_title(f"{LABELS[name]} is smallest at the {'mean' if name == 'mse' else 'median'}")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper center", fontsize=9)
    _layout(fig)
    return fig


def plot_slow_learning(histories: Mapping[str, Array], z: Array | None = None, y_true: int = 1):
    """Why MSE after a sigmoid learns slowly when it is confidently wrong.

    Left: the size of the gradient |dL/dz| against z for MSE and BCE of p = σ(z) and target
    ``y_true`` (log scale). Right: p during training from ``histories``: {"mse": p per
    step, "bce": p per step} (1-D arrays). Returns the figure.
    """
    import matplotlib.pyplot as plt

    y = _target01(y_true, "plot_slow_learning")
    z = np.linspace(-8, 8, 401) if z is None else np.asarray(z, dtype=float)
    curves = binary_curves(z, y)
    fig, (ax_grad, ax_train) = plt.subplots(1, 2, figsize=(11.0, 3.9))
    for name in ("mse", "bce"):
        style = STYLES[name]
        ax_grad.semilogy(z, np.abs(curves[name][1]), color=style["color"], ls=style["ls"],
                         lw=2.2, label=f"{LABELS[name]} after a sigmoid")
    ax_grad.axvspan(z[0], 0, color="0.85", alpha=0.5,
                    label="wrong side (y = 1 but p < 0.5)" if y == 1 else None)
    ax_grad.set_xlabel("logit z")
    ax_grad.set_ylabel("|dL/dz| (log scale)")
    ax_grad.set_title(f"Size of the gradient, target y = {y}")
    ax_grad.grid(alpha=0.3)
    ax_grad.legend(loc="lower left" if y == 1 else "lower right", fontsize=9)
    for name, p in histories.items():
        style = STYLES[name]
        p = np.asarray(p, dtype=float)
        ax_train.plot(np.arange(p.size), p, color=style["color"], ls=style["ls"], lw=2.2,
                      marker=style["marker"], markevery=max(1, p.size // 10), ms=6,
                      label=LABELS[name])
    ax_train.axhline(y, color="black", lw=1, alpha=0.6)
    ax_train.set_ylim(-0.05, 1.05)
    ax_train.set_xlabel("gradient descent step")
    ax_train.set_ylabel("p = σ(z)")
    ax_train.set_title(f"Training one logit towards y = {y}")
    ax_train.grid(alpha=0.3)
    ax_train.legend(loc="center right", fontsize=9)
    _layout(fig)
    return fig
