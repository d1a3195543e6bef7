"""Lesson 04 · Loss functions: move a prediction and watch each loss and its gradient.

A loss turns "how wrong is this prediction?" into one number L; its gradient says which way
(and how hard) training will push the prediction. For one prediction ŷ and target y:

    MSE  L = (ŷ − y)²                      dL/dŷ = 2 (ŷ − y)
    MAE  L = |ŷ − y|                       dL/dŷ = sign(ŷ − y)
    BCE  L = −[y log p + (1 − y) log(1 − p)],  p = σ(z)     dL/dz = p − y

In a notebook::

    from nnedu.widgets.losses import regression_loss_explorer, binary_loss_explorer
    regression_loss_explorer()   # a slider for the prediction ŷ, target y = 1
    binary_loss_explorer()       # a slider for the logit z and a toggle for the target 0 / 1

Each explorer shows a readout table (CSS class ``nnedu-readout``) with every loss, its value
and its gradient, and two plots: the losses and their gradients against the prediction, with
the current prediction marked. The numbers in the readouts come from ``nnedu.losses``.

Also here, for the lesson's figures: ``plot_regression_losses``, ``plot_binary_losses``,
``plot_probability_losses``, ``plot_outlier_fit`` and ``plot_slow_learning``.
numpy is imported here; matplotlib and ipywidgets only inside the functions that draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nnedu import losses
from nnedu.activations import sigmoid, sigmoid_derivative
from nnedu.plots import COLORS
from nnedu.widgets.explorer import Explorer, slider

Array = np.ndarray

#: The regression explorer's target and its prediction slider: (min, max, step) and start.
REGRESSION_TARGET = 1.0
Y_HAT_RANGE = (-2.0, 4.0, 0.1)
START_Y_HAT = 3.0

#: The binary explorer's logit slider: (min, max, step), start, and the starting target.
#: z = −4 with y = 1 is "confidently wrong": p = σ(−4) is small but the truth is 1.
Z_RANGE = (-8.0, 8.0, 0.5)
START_Z = -4.0
START_TARGET = 1

#: How each loss is written, drawn and ordered in the readouts and plots.
LABELS: dict[str, str] = {"mse": "MSE", "mae": "MAE", "bce": "BCE"}
STYLES: dict[str, dict] = {
    "mse": {"color": COLORS[0], "marker": "o", "ls": "-"},  # blue, circle, solid
    "mae": {"color": COLORS[1], "marker": "s", "ls": "--"},  # orange, square, dashed
    "bce": {"color": COLORS[2], "marker": "^", "ls": "-."},  # bluish green, triangle, dash-dot
}
#: Marker sizes of the "you are here" points: a big circle stays visible behind a small square.
MARKER_SIZES: dict[str, float] = {"mse": 13.0, "mae": 8.0, "bce": 11.0}


# ----------------------------------------------------------------------------- numbers
def fmt(value: float) -> str:
    """A number as the readouts print it: 4 decimals, and never "-0.0000"."""
    text = f"{float(value):.4f}"
    return "0.0000" if text == "-0.0000" else text


def _number(value: object, where: str, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: {name} must be a number, got "
                        f"{type(value).__name__} {value!r}.") from None
    if not np.isfinite(number):
        raise ValueError(f"{where}: {name} must be a finite number, got {number!r}.")
    return number


def _target01(y: object, where: str) -> int:
    """The binary target as the int 0 or 1, or a clear error."""
    if y not in (0, 1) or isinstance(y, str):
        raise ValueError(f"{where}: the target y of a binary task must be 0 or 1, got {y!r}.")
    return int(y)


def regression_losses(y_hat: float, y_true: float = REGRESSION_TARGET) -> dict[str, tuple]:
    """MSE and MAE of one prediction ŷ for the target y, each with its gradient dL/dŷ.

    Computed with ``nnedu.losses`` on arrays of shape (1, 1) (one sample, one output), so
    the averages are over N = 1 entry. Returns {"mse": (L, dL/dŷ), "mae": (L, dL/dŷ)}.
    """
    y_hat = _number(y_hat, "regression_losses", "the prediction y_hat")
    y_true = _number(y_true, "regression_losses", "the target y_true")
    pred, target = np.array([[y_hat]]), np.array([[y_true]])
    return {
        "mse": (losses.mse(pred, target), float(losses.mse_gradient(pred, target)[0, 0])),
        "mae": (losses.mae(pred, target), float(losses.mae_gradient(pred, target)[0, 0])),
    }


def binary_losses(z: float, y_true: int = START_TARGET) -> dict[str, tuple]:
    """MSE, MAE and BCE of the probability p = σ(z) for the target y ∈ {0, 1}.

    Each entry is (L, dL/dp, dL/dz), computed with ``nnedu.losses`` on shape (1, 1) arrays.
    The chain rule gives dL/dz = dL/dp · σ′(z); for BCE that product is simply p − y, so the
    BCE entry takes dL/dz from the fused ``sigmoid_binary_cross_entropy_gradient`` (which
    never divides by a tiny p (1 − p)) and its value from the stable
    ``sigmoid_binary_cross_entropy``.
    """
    z = _number(z, "binary_losses", "the logit z")
    y = _target01(y_true, "binary_losses")
    logit, target = np.array([[z]]), np.array([[float(y)]])
    p = sigmoid(logit)
    slope = float(sigmoid_derivative(logit)[0, 0])  # σ′(z) = dp/dz
    values = {}
    for name, loss, gradient in (("mse", losses.mse, losses.mse_gradient),
                                 ("mae", losses.mae, losses.mae_gradient)):
        dl_dp = float(gradient(p, target)[0, 0])
        values[name] = (loss(p, target), dl_dp, dl_dp * slope)
    values["bce"] = (
        losses.sigmoid_binary_cross_entropy(logit, target),
        float(losses.binary_cross_entropy_gradient(p, target)[0, 0]),
        float(losses.sigmoid_binary_cross_entropy_gradient(logit, target)[0, 0]),
    )
    return values


# ----------------------------------------------------------------------------- readouts
_TABLE_STYLE = "border-collapse:collapse;font-family:monospace;margin:4px 0"
_CELL = "padding:2px 12px;text-align:right;border-bottom:1px solid #ccc"
_HEAD = "padding:2px 12px;text-align:right;border-bottom:2px solid #888"


def _table(headers: Sequence[str], rows: Sequence[tuple[str, Sequence[float]]]) -> str:
    head = "".join(f"<th style='{_HEAD}'>{h}</th>" for h in headers)
    body = "".join(
        f"<tr data-loss='{name}'><th style='{_CELL};text-align:left'>{LABELS[name]}</th>"
        + "".join(f"<td style='{_CELL}'>{fmt(v)}</td>" for v in values) + "</tr>"
        for name, values in rows
    )
    return f"<table style='{_TABLE_STYLE}'><tr>{head}</tr>{body}</table>"


def regression_readout(y_hat: float, y_true: float = REGRESSION_TARGET) -> str:
    """The regression explorer's readout (HTML): a line with ŷ and y, then a table with one
    row per loss (``data-loss="mse"`` …): its value L and its gradient dL/dŷ."""
    values = regression_losses(y_hat, y_true)
    caption = (f"<div>target y = {float(y_true):.2f}, prediction ŷ = {float(y_hat):.2f}, "
               f"error ŷ − y = {round(float(y_hat) - float(y_true), 6) + 0.0:.2f}</div>")
    return caption + _table(["loss", "value L", "gradient dL/dŷ"],
                            [(name, values[name]) for name in ("mse", "mae")])


def binary_readout(z: float, y_true: int = START_TARGET) -> str:
    """The binary explorer's readout (HTML): z, p = σ(z) and y, then a table with one row per
    loss of p (``data-loss="bce"`` …): L, dL/dp and dL/dz = dL/dp · σ′(z)."""
    values = binary_losses(z, y_true)
    p = float(sigmoid(float(z)))
    caption = (f"<div>logit z = {float(z):.2f}, probability p = σ(z) = {fmt(p)}, target y = "
               f"{int(y_true)}, σ′(z) = {fmt(float(sigmoid_derivative(float(z))))}</div>")
    return caption + _table(["loss of p", "value L", "dL/dp", "dL/dz = dL/dp · σ′(z)"],
                            [(name, values[name]) for name in ("mse", "mae", "bce")])


# ----------------------------------------------------------------------------- curves
def regression_curves(y_hat: Array, y_true: float) -> dict[str, tuple[Array, Array]]:
    """Loss and gradient of MSE and MAE for every prediction in ``y_hat`` (1-D), one at a time
    (the element-wise version of ``regression_losses``): {"mse": (L, dL/dŷ), "mae": …}."""
    error = np.asarray(y_hat, dtype=float) - float(y_true)
    return {"mse": (error**2, 2.0 * error), "mae": (np.abs(error), np.sign(error))}


def binary_curves(z: Array, y_true: int) -> dict[str, tuple[Array, Array]]:
    """Loss and dL/dz of MSE, MAE and BCE of p = σ(z) for every logit in ``z`` (1-D), one at a
    time (the element-wise version of ``binary_losses``): {"bce": (L, dL/dz), …}."""
    z = np.asarray(z, dtype=float)
    y = float(_target01(y_true, "binary_curves"))
    p, slope = sigmoid(z), sigmoid_derivative(z)
    bce = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))  # stable −log-likelihood
    return {
        "mse": ((p - y) ** 2, 2.0 * (p - y) * slope),
        "mae": (np.abs(p - y), np.sign(p - y) * slope),
        "bce": (bce, p - y),
    }


# ----------------------------------------------------------------------------- plots
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


def _with_jump(x: Array, y: Array, where: float) -> tuple[Array, Array]:
    """Insert a gap (nan) at ``where`` so a step such as sign(ŷ − y) is not drawn joined."""
    cut = np.searchsorted(x, where)
    return np.insert(x, cut, where), np.insert(y.astype(float), cut, np.nan)


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


# ----------------------------------------------------------------------------- explorers
class _LossExplorer(Explorer):
    """Two panels, loss (left) and gradient (right), with a marker per loss at the current
    prediction and a dotted line through it. The legend sits under the panels, where it
    covers no curve and no target line."""

    figsize = (8.8, 4.0)
    names: tuple[str, ...] = ()

    def panels(self, fig, xlabel: str, grad_label: str):
        left = fig.add_axes((0.075, 0.24, 0.4, 0.67))
        right = fig.add_axes((0.575, 0.24, 0.4, 0.67))
        self.marks = {}
        for ax in (left, right):
            ax.set_xlabel(xlabel)
            ax.grid(alpha=0.3)
            for name in self.names:
                style = dict(color=STYLES[name]["color"], marker=STYLES[name]["marker"],
                             ms=MARKER_SIZES[name], mec="black", ls="none", zorder=5)
                self.marks[ax, name] = self.moving(ax.plot([], [], **style)[0])
        self.here = [self.moving(ax.axvline(0.0, color="0.3", lw=1.2, ls=":"))
                     for ax in (left, right)]
        right.axhline(0, color="0.6", lw=0.8)
        left.set_ylabel("loss L")
        right.set_ylabel(grad_label)
        return left, right

    def legend(self, fig, curves: list, here_label: str) -> None:
        self.here[0].set_label(here_label)
        fig.legend(handles=[*curves, self.here[0]], loc="lower center", ncol=len(curves) + 1,
                   frameon=False, fontsize=10)

    def mark(self, x: float, values: Mapping[str, tuple[float, float]]) -> None:
        """Put each loss's markers at (x, L) and (x, gradient); the dotted lines at x."""
        left, right = self.here[0].axes, self.here[1].axes
        for name, (value, gradient) in values.items():
            self.marks[left, name].set_data([x], [value])
            self.marks[right, name].set_data([x], [gradient])
        for line in self.here:
            line.set_xdata([x, x])


class RegressionLossExplorer(_LossExplorer):
    """A slider for the prediction ŷ (target y fixed): MSE and MAE, values and gradients."""

    title = "Lesson 04 explorer: move a prediction, watch MSE and MAE and their gradients"
    names = ("mse", "mae")

    def __init__(self, y_hat: float = START_Y_HAT, y_true: float = REGRESSION_TARGET):
        lo, hi, _ = Y_HAT_RANGE
        y_hat = _number(y_hat, "regression_loss_explorer", "y_hat")
        if not lo <= y_hat <= hi:
            raise ValueError(f"regression_loss_explorer: y_hat must be between {lo:g} and "
                             f"{hi:g} (the slider's range), got {y_hat!r}.")
        self.y_true = _number(y_true, "regression_loss_explorer", "y_true")
        self.start = y_hat
        super().__init__()

    def build(self, fig) -> None:
        lo, hi, step = Y_HAT_RANGE
        self.add_control("y_hat", slider("prediction ŷ", self.start, lo, hi, step,
                                         width="420px"))
        left, right = self.panels(fig, "prediction ŷ", "gradient dL/dŷ")
        grid = np.linspace(lo, hi, 601)
        curves = []
        for name, (value, gradient) in regression_curves(grid, self.y_true).items():
            style = dict(color=STYLES[name]["color"], ls=STYLES[name]["ls"], lw=2.2)
            formula = ("(ŷ − y)², gradient 2 (ŷ − y)" if name == "mse"
                       else "|ŷ − y|, gradient sign(ŷ − y)")
            curves.append(left.plot(grid, value, label=f"{LABELS[name]}: {formula}",
                                    **style)[0])
            right.plot(*_with_jump(grid, gradient, self.y_true), **style)
        for ax in (left, right):
            ax.axvline(self.y_true, color="black", lw=1.2, alpha=0.6)
        left.set_title(f"Loss for target y = {self.y_true:g} (black line)")
        right.set_title("Gradient: how hard training pushes ŷ")
        self.legend(fig, curves, "your ŷ")

    def show(self, values) -> str:
        y_hat = values["y_hat"]
        self.mark(y_hat, regression_losses(y_hat, self.y_true))
        return regression_readout(y_hat, self.y_true)


class BinaryLossExplorer(_LossExplorer):
    """A slider for the logit z and a toggle for the target 0 / 1: MSE, MAE and BCE of
    p = σ(z), values and gradients dL/dp and dL/dz."""

    title = "Lesson 04 explorer: move a logit, flip the target, watch three losses"
    names = ("mse", "mae", "bce")

    def __init__(self, z: float = START_Z, y_true: int = START_TARGET):
        lo, hi, _ = Z_RANGE
        z = _number(z, "binary_loss_explorer", "z")
        if not lo <= z <= hi:
            raise ValueError(f"binary_loss_explorer: z must be between {lo:g} and {hi:g} "
                             f"(the slider's range), got {z!r}.")
        self.start = (z, _target01(y_true, "binary_loss_explorer"))
        super().__init__()

    def build(self, fig) -> None:
        import ipywidgets as widgets

        lo, hi, step = Z_RANGE
        self.add_control("z", slider("logit z", self.start[0], lo, hi, step, width="420px"))
        self.add_control("y", widgets.ToggleButtons(
            options=[("y = 0", 0), ("y = 1", 1)], value=self.start[1], description="target",
            style={"button_width": "70px"}))
        left, right = self.panels(fig, "logit z   (p = σ(z))", "gradient dL/dz")
        self.grid = np.linspace(lo, hi, 401)
        formulas = {"mse": "(p − y)²", "mae": "|p − y|", "bce": "−log(p of the truth)"}
        self.curves = {}
        for name in self.names:
            style = dict(color=STYLES[name]["color"], ls=STYLES[name]["ls"], lw=2.2)
            self.curves[name] = (
                self.moving(left.plot([], [], label=f"{LABELS[name]}: {formulas[name]}",
                                      **style)[0]),
                self.moving(right.plot([], [], **style)[0]))
        left.set_xlim(lo, hi)
        right.set_xlim(lo, hi)
        left.set_ylim(-0.3, 8.6)
        right.set_ylim(-1.1, 1.1)
        self.head = self.moving(left.set_title(""))
        right.set_title("Gradient through the sigmoid, dL/dz")
        self.legend(fig, [loss for loss, _ in self.curves.values()], "your z")

    def show(self, values) -> str:
        z, y = values["z"], int(values["y"])
        for name, (value, gradient) in binary_curves(self.grid, y).items():
            self.curves[name][0].set_data(self.grid, value)
            self.curves[name][1].set_data(self.grid, gradient)
        self.mark(z, {name: (value, gradient)
                      for name, (value, _, gradient) in binary_losses(z, y).items()})
        right_side = "z > 0" if y == 1 else "z < 0"
        self.head.set_text(f"Loss for target y = {y} (right answer where {right_side})")
        return binary_readout(z, y)


def regression_loss_explorer(y_hat: float = START_Y_HAT,
                             y_true: float = REGRESSION_TARGET) -> RegressionLossExplorer:
    """The widget: move the prediction ŷ and watch MSE, MAE and their gradients."""
    return RegressionLossExplorer(y_hat, y_true)


def binary_loss_explorer(z: float = START_Z, y_true: int = START_TARGET) -> BinaryLossExplorer:
    """The widget: move the logit z, flip the target, and watch MSE, MAE and BCE of σ(z)."""
    return BinaryLossExplorer(z, y_true)
