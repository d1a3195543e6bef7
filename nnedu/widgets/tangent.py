"""Lesson 00a · The maths you need: a derivative is the slope of the tangent.

The slope of the straight line through two points of a curve f, at x₀ and x₀ + h (a *secant*),
is a difference quotient:

    secant slope = (f(x₀ + h) − f(x₀)) / h                 (the forward difference)

As h shrinks, the secant turns into the tangent at x₀, and its slope into the derivative f′(x₀).
The forward difference is off by about h · f″(x₀) / 2. Taking the two points on both sides,

    central difference = (f(x₀ + h) − f(x₀ − h)) / (2h)

cancels that first error: what is left shrinks like h² (for a parabola it is exactly 0).

What is here:

    FUNCTIONS                   the curves to pick from: x², sin, σ, exp, ReLU (f and f′)
    secant_slope, central_slope, tangent_slope
                                the three slopes for a curve, a point x₀ and a step h
    tangent_readout             the explorer's sentence for (curve, x₀, h)
    plot_secants                still picture: secants for several h and the tangent
    tangent_explorer            the widget: pick a curve, move x₀ and h

numpy is imported here; matplotlib and ipywidgets only inside what draws.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from nnedu import activations as act
from nnedu.plots import COLORS
from nnedu.widgets.explorer import Explorer, slider

Array = np.ndarray


@dataclass(frozen=True)
class Curve:
    """A function the explorer can show: how it is written, f, f′, and the y-range drawn."""

    label: str
    f: Callable[[Array], Array]
    df: Callable[[Array], Array]
    ylim: tuple[float, float]


#: Curve name → Curve. ReLU's slope at its kink z = 0 is taken as 0, as in nnedu.activations.
FUNCTIONS: dict[str, Curve] = {
    "square": Curve("x²", lambda x: np.asarray(x, dtype=float) ** 2,
                    lambda x: 2.0 * np.asarray(x, dtype=float), (-1.5, 10.0)),
    "sin": Curve("sin x", np.sin, np.cos, (-1.6, 1.6)),
    "sigmoid": Curve("σ(x)", act.sigmoid, act.sigmoid_derivative, (-0.25, 1.25)),
    "exp": Curve("eˣ", np.exp, np.exp, (-1.5, 13.0)),
    "relu": Curve("ReLU(x)", act.relu, act.relu_derivative, (-1.0, 3.8)),
}

#: The x-range every curve is drawn over.
X_VIEW = (-3.5, 3.5)
#: The x₀ slider: (min, max, step) and its start.
X0_RANGE = (-2.5, 2.5, 0.1)
START_X0 = 1.0
#: The h slider moves log₁₀(h): (min, max, step), h from 0.01 to 1; it starts at h = 1.
H_LOG_RANGE = (-2.0, 0.0, 0.1)
START_H = 1.0

SECANT_COLOR = COLORS[3]  # vermillion
TANGENT_COLOR = COLORS[2]  # bluish green
CURVE_COLOR = COLORS[0]  # blue


def _curve(name: str, where: str) -> Curve:
    if name not in FUNCTIONS:
        raise ValueError(f"{where}: unknown curve {name!r}. Choose one of "
                         f"{', '.join(FUNCTIONS)}.")
    return FUNCTIONS[name]


def _step(h: float, where: str) -> float:
    if isinstance(h, bool) or not isinstance(h, (int, float, np.floating)) or not h > 0:
        raise ValueError(f"{where}: the step h must be a positive number such as 0.1, "
                         f"got {h!r}.")
    return float(h)


def secant_slope(name: str, x0: float, h: float) -> float:
    """(f(x₀ + h) − f(x₀)) / h: the slope of the secant through x₀ and x₀ + h."""
    f, h = _curve(name, "secant_slope").f, _step(h, "secant_slope")
    return float((f(x0 + h) - f(x0)) / h)


def central_slope(name: str, x0: float, h: float) -> float:
    """(f(x₀ + h) − f(x₀ − h)) / (2h): the slope through the points on both sides of x₀."""
    f, h = _curve(name, "central_slope").f, _step(h, "central_slope")
    return float((f(x0 + h) - f(x0 - h)) / (2.0 * h))


def tangent_slope(name: str, x0: float) -> float:
    """f′(x₀), from the derivative's formula."""
    return float(_curve(name, "tangent_slope").df(np.float64(x0)))


def _off(value: float) -> str:
    """A size of an error for the readout: "0.1", "0.0042", "3.3e-05", "0"."""
    value = abs(value)
    if value < 5e-13:
        return "0"
    return f"{value:.2g}" if value >= 1e-3 else f"{value:.1e}"


def tangent_readout(name: str, x0: float, h: float) -> str:
    """The explorer's text, e.g.

    "x² at x₀ = 1.00 with h = 1: secant slope 3.0000, tangent slope f′(x₀) = 2.0000, off by 1.
    Central difference 2.0000, off by 0."
    """
    curve = _curve(name, "tangent_readout")
    forward, central = secant_slope(name, x0, h), central_slope(name, x0, h)
    exact = tangent_slope(name, x0)
    text = (f"{curve.label} at x₀ = {x0:.2f} with h = {h:.3g}: secant slope "
            f"(f(x₀+h) − f(x₀))/h = {forward:.4f}, tangent slope f′(x₀) = {exact:.4f}, "
            f"off by {_off(forward - exact)}. Central difference (f(x₀+h) − f(x₀−h))/(2h) = "
            f"{central:.4f}, off by {_off(central - exact)}.")
    if name == "relu" and x0 == 0.0:
        text += " ReLU has a kink at 0: no single tangent there (nnedu takes slope 0)."
    return text


def _line(x: Array, x0: float, y0: float, slope: float) -> Array:
    """The straight line through (x₀, y₀) with this slope, at the points x."""
    return y0 + slope * (x - x0)


def plot_secants(name: str = "square", x0: float = START_X0,
                 hs: Sequence[float] = (1.5, 1.0, 0.5), ax=None):
    """The curve, secants through x₀ and x₀ + h for each h (lighter for larger h) and the
    tangent at x₀: the secants turn into the tangent as h shrinks."""
    import matplotlib.pyplot as plt

    curve = _curve(name, "plot_secants")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.0))
    x = np.linspace(*X_VIEW, 401)
    ax.plot(x, curve.f(x), color=CURVE_COLOR, lw=2.2, label=f"f(x) = {curve.label}")
    y0 = float(curve.f(x0))
    for k, h in enumerate(sorted(hs, reverse=True)):
        slope = secant_slope(name, x0, h)
        alpha = 0.35 + 0.65 * (k + 1) / len(hs)
        ax.plot(x, _line(x, x0, y0, slope), color=SECANT_COLOR, lw=1.4, ls="--", alpha=alpha,
                label=f"secant, h = {h:g}: slope {slope:.2f}")
        ax.plot(x0 + h, float(curve.f(x0 + h)), "o", color=SECANT_COLOR, alpha=alpha, ms=6)
    ax.plot(x, _line(x, x0, y0, tangent_slope(name, x0)), color=TANGENT_COLOR, lw=2,
            label=f"tangent: slope f′({x0:g}) = {tangent_slope(name, x0):.2f}")
    ax.plot(x0, y0, "s", color="black", ms=7, zorder=5)
    ax.set(xlim=X_VIEW, ylim=curve.ylim, xlabel="x", ylabel="f(x)",
           title=f"Secants through x₀ = {x0:g} and x₀ + h turn into the tangent")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, loc="upper left")
    return ax


class TangentExplorer(Explorer):
    """Pick a curve, move the point x₀ and the step h: the secant through x₀ and x₀ + h,
    the tangent at x₀, and their slopes."""

    title = "Lesson 00a explorer: from a secant to the tangent"
    figsize = (9.0, 3.9)

    def __init__(self, name: str = "square", x0: float = START_X0, h: float = START_H):
        _curve(name, "tangent_explorer")
        lo, hi, _ = X0_RANGE
        if not lo <= x0 <= hi:
            raise ValueError(f"tangent_explorer: x0 must be between {lo} and {hi}, got {x0!r}.")
        h = _step(h, "tangent_explorer")
        if not 10 ** H_LOG_RANGE[0] <= h <= 10 ** H_LOG_RANGE[1]:
            raise ValueError(f"tangent_explorer: h must be between 0.01 and 1, got {h!r}.")
        self.start = (name, x0, h)
        self.name = None  # the curve drawn in the background
        self.backgrounds: dict = {}  # curve name → its background, once drawn
        super().__init__()

    def build(self, fig) -> None:
        import ipywidgets as widgets

        name, x0, h = self.start
        self.add_control("name", widgets.Dropdown(
            options=[(curve.label, key) for key, curve in FUNCTIONS.items()], value=name,
            description="f(x) =", layout=widgets.Layout(width="190px")))
        lo, hi, step = X0_RANGE
        self.add_control("x0", slider("x₀", x0, lo, hi, step, width="300px"))
        h_lo, h_hi, h_step = H_LOG_RANGE
        self.add_control("h", widgets.FloatLogSlider(
            value=h, base=10, min=h_lo, max=h_hi, step=h_step, description="h",
            readout_format=".3g", style={"description_width": "initial"},
            layout=widgets.Layout(width="300px")))
        self.ax = ax = fig.add_axes((0.07, 0.14, 0.56, 0.74))
        self.x = np.linspace(*X_VIEW, 401)
        self.curve = ax.plot([], [], color=CURVE_COLOR, lw=2.2, label="f(x)")[0]
        self.secant = self.moving(ax.plot([], [], color=SECANT_COLOR, lw=1.6, ls="--",
                                          label="secant through x₀ and x₀ + h")[0])
        self.tangent = self.moving(ax.plot([], [], color=TANGENT_COLOR, lw=2,
                                           label="tangent at x₀, slope f′(x₀)")[0])
        self.rise = self.moving(ax.plot([], [], color="0.35", lw=1.2, ls=":",
                                        label="run h and rise f(x₀+h) − f(x₀)")[0])
        self.point = self.moving(ax.plot([], [], "s", color="black", ms=7, zorder=5,
                                         label="(x₀, f(x₀))")[0])
        self.other = self.moving(ax.plot([], [], "o", color=SECANT_COLOR, ms=7, zorder=5,
                                         label="(x₀ + h, f(x₀ + h))")[0])
        self.head = self.moving(ax.set_title(""))
        ax.set_xlim(*X_VIEW)
        ax.set_xlabel("x")
        ax.set_ylabel("f(x)")
        ax.grid(alpha=0.3)
        fig.legend(handles=[self.curve, self.secant, self.tangent, self.rise, self.point,
                            self.other], loc="upper left", bbox_to_anchor=(0.655, 0.89),
                   fontsize=10, frameon=False)
        self.numbers = self.moving(fig.text(0.665, 0.14, "", fontsize=10, family="monospace",
                                            va="bottom"))

    def render(self) -> bytes:
        """As the base does; the first picture of each curve keeps its background, so coming
        back to a curve pastes it instead of drawing the axes again."""
        picture = super().render()
        self.backgrounds.setdefault(self.name, self._background)
        return picture

    def show(self, values) -> str:
        name, x0, h = values["name"], float(values["x0"]), float(values["h"])
        curve = FUNCTIONS[name]
        if name != self.name:  # a new curve and y-range: its own background
            self.name = name
            self.curve.set_data(self.x, curve.f(self.x))
            self.ax.set_ylim(*curve.ylim)
            self._background = self.backgrounds.get(name)  # None: drawn in full, then kept
        y0, y1 = float(curve.f(x0)), float(curve.f(x0 + h))
        forward, exact = secant_slope(name, x0, h), tangent_slope(name, x0)
        central = central_slope(name, x0, h)
        self.secant.set_data(self.x, _line(self.x, x0, y0, forward))
        self.tangent.set_data(self.x, _line(self.x, x0, y0, exact))
        self.rise.set_data([x0, x0 + h, x0 + h], [y0, y0, y1])
        self.point.set_data([x0], [y0])
        self.other.set_data([x0 + h], [y1])
        self.head.set_text(f"f(x) = {curve.label}: slopes at x₀ = {x0:.2f}, h = {h:.3g}")
        self.numbers.set_text(f"secant slope  {forward:9.4f}\n"
                              f"tangent f′(x₀){exact:9.4f}\n"
                              f"central diff. {central:9.4f}")
        return tangent_readout(name, x0, h)


def tangent_explorer(name: str = "square", x0: float = START_X0,
                     h: float = START_H) -> TangentExplorer:
    """The widget: pick a curve, move x₀ and h; see the secant turn into the tangent and
    the forward and central differences approach f′(x₀)."""
    return TangentExplorer(name, x0, h)
