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

The lesson's other figures (``plot_regression_losses``, ``plot_outlier_fit``,
``plot_slow_learning`` …) are in ``nnedu.widgets.losses_figures``.
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
def _with_jump(x: Array, y: Array, where: float) -> tuple[Array, Array]:
    """Insert a gap (nan) at ``where`` so a step such as sign(ŷ − y) is not drawn joined."""
    cut = np.searchsorted(x, where)
    return np.insert(x, cut, where), np.insert(y.astype(float), cut, np.nan)


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
