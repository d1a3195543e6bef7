"""Lesson 05 · Gradient descent: walk downhill on the loss, one step at a time.

The update rule, with η the learning rate:

    w ← w − η · dL/dw

What is here:

    loss_1d, slope_1d          the lesson's first loss L(w) = (w − 3)² + 1 and its slope
    gradient_descent           the rule as a loop: the whole path w₀, w₁, …, w_steps
    second_derivative          the curvature L″(w), measured with three loss values
    largest_stable_lr          2 / (largest curvature): above it gradient descent diverges
    bowl_loss, bowl_gradient   an elongated 2-D bowl L(w₁, w₂) = ½ (1·w₁² + 10·w₂²)
    run_status, format_loss    the words and numbers of the explorer's readout
    explorer_readout           the readout for a learning rate and a number of steps
    line_data                  a small regression problem y = 2x + 1 + noise
    mse_surface                the MSE of the line ŷ = w·x + b for a grid of (w, b)
    plot_bowl_contours         the bowl's contour lines (the lesson's other figures are in
                               nnedu.widgets.gradient_descent_figures)
    gradient_descent_explorer  sliders for η (log scale) and the number of steps

Why 2 / curvature? Near a minimum w* a quadratic loss with curvature c = L″ has the slope
c · (w − w*), so one step multiplies the distance to the minimum by (1 − η c):

    w_new − w* = (1 − η c) · (w − w*)

The distance shrinks when |1 − η c| < 1, that is 0 < η < 2 / c. For 1 / c < η < 2 / c the
factor is negative: w jumps over the minimum on every step (a zigzag) but still gets closer.
For η > 2 / c every step lands farther away than the last: the run diverges. A loss in many
dimensions has one curvature per direction; the steepest one sets the limit.

numpy is imported here; matplotlib and ipywidgets only inside the functions that draw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from nnedu.plots import COLORS
from nnedu.widgets.explorer import Explorer

Array = np.ndarray

# ----------------------------------------------------------------------------- the 1-D loss
#: L(w) = (w − W_BEST_1D)² + L_MIN_1D: the lowest point is at w = 3, where L = 1.
W_BEST_1D = 3.0
L_MIN_1D = 1.0

# ----------------------------------------------------------------------------- the 2-D bowl
#: L(w₁, w₂) = ½ (c₁ w₁² + c₂ w₂²): curvature 1 along w₁ and 10 along w₂, minimum 0 at (0, 0).
BOWL_CURVATURES = (1.0, 10.0)
#: Where every run on the bowl starts.
BOWL_START = (-4.0, 1.5)
#: The part of the (w₁, w₂) plane the contour plots show: (w₁ min, w₁ max, w₂ min, w₂ max).
BOWL_VIEW = (-5.0, 5.0, -2.5, 2.5)

# ----------------------------------------------------------------------------- the explorer
#: The learning-rate slider moves log₁₀(η) from −3 to 0 in steps of 0.1 (η from 0.001 to 1).
LR_LOG_RANGE = (-3.0, 0.0, 0.1)
#: It starts at η = 10^−1.3 ≈ 0.05.
START_LR_EXPONENT = -1.3
#: The steps slider: (min, max, step) and start.
STEPS_RANGE = (1, 100, 1)
START_STEPS = 20

#: The regression problem of the lesson: y = TRUE_W · x + TRUE_B + noise.
TRUE_W, TRUE_B = 2.0, 1.0

PATH_COLOR = COLORS[3]  # vermillion: stands out on the blue-green contours


# ----------------------------------------------------------------------------- checks
def _positive_number(value: object, where: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{where}: {name} must be a number such as 0.1, "
                        f"got {type(value).__name__} {value!r}.")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{where}: {name} must be a positive number such as 0.1, got {value!r}.")
    return value


def _step_count(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{where}: steps must be a whole number ≥ 0 (how many updates to "
                         f"make), got {value!r}.")
    return int(value)


# ----------------------------------------------------------------------------- 1-D
def loss_1d(w: Array | float) -> Array | float:
    """L(w) = (w − 3)² + 1, for a number or every entry of an array."""
    return (np.asarray(w, dtype=float) - W_BEST_1D) ** 2 + L_MIN_1D


def slope_1d(w: Array | float) -> Array | float:
    """dL/dw = 2 (w − 3): the slope of the tangent to L at w."""
    return 2.0 * (np.asarray(w, dtype=float) - W_BEST_1D)


def second_derivative(loss: Callable[[float], float], w: float, h: float = 1e-3) -> float:
    """The curvature L″(w), from three loss values: (L(w + h) − 2 L(w) + L(w − h)) / h².

    For a quadratic such as (w − 3)² + 1 it is the same at every w (here 2), and the
    formula is exact up to rounding.
    """
    return float((loss(w + h) - 2.0 * loss(w) + loss(w - h)) / h**2)


def largest_stable_lr(curvatures: float | Sequence[float]) -> float:
    """The learning-rate limit of gradient descent on a quadratic: 2 / (largest curvature).

    Below it every run converges; above it every run (that does not start exactly at the
    minimum) diverges.
    """
    c = np.atleast_1d(np.asarray(curvatures, dtype=float))
    if c.size == 0 or not np.all(c > 0):
        raise ValueError(f"largest_stable_lr: curvatures must be positive numbers (a bowl that "
                         f"curves up in every direction), got {curvatures!r}.")
    return float(2.0 / c.max())


def gradient_descent(gradient: Callable[[Array], Array], start: float | Sequence[float],
                     lr: float, steps: int) -> Array:
    """Run w ← w − η · gradient(w) ``steps`` times from ``start``; return every point visited.

    ``start`` is a number (1-D loss) or a vector of d weights. Returns the path, shape
    (steps + 1,) for a number or (steps + 1, d) for a vector; row 0 is the start.
    A diverging run may grow to inf: that is the lesson, so numpy's overflow warning is
    switched off here.
    """
    lr = _positive_number(lr, "gradient_descent", "the learning rate lr")
    steps = _step_count(steps, "gradient_descent")
    w = np.array(start, dtype=float)
    path = [w.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            w = w - lr * gradient(w)
            path.append(w.copy())
    return np.array(path)


# ----------------------------------------------------------------------------- 2-D bowl
def bowl_loss(w: Array) -> Array | float:
    """L(w₁, w₂) = ½ (1·w₁² + 10·w₂²). w: (2,) or (..., 2) (a whole grid at once)."""
    w = np.asarray(w, dtype=float)
    c1, c2 = BOWL_CURVATURES
    with np.errstate(over="ignore", invalid="ignore"):
        return 0.5 * (c1 * w[..., 0] ** 2 + c2 * w[..., 1] ** 2)


def bowl_gradient(w: Array) -> Array:
    """∇L = (1·w₁, 10·w₂). w: (2,) or (..., 2); returns the same shape."""
    w = np.asarray(w, dtype=float)
    return w * np.asarray(BOWL_CURVATURES)


def bowl_path(lr: float, steps: int, start: Sequence[float] = BOWL_START) -> Array:
    """Gradient descent on the bowl: the points visited, shape (steps + 1, 2)."""
    return gradient_descent(bowl_gradient, start, lr, steps)


# ----------------------------------------------------------------------------- readout
def run_status(lr: float, curvatures: float | Sequence[float] = BOWL_CURVATURES) -> str:
    """What gradient descent with learning rate η does on a quadratic with these curvatures.

    * "converging"          η ≤ 1 / c_max: no coordinate ever jumps over the minimum
    * "converging, zigzag"  1 / c_max < η < 2 / c_max: the steep coordinate jumps over the
                            minimum on every step, but closer each time
    * "stuck oscillating"   η = 2 / c_max exactly: the steep coordinate jumps back and forth
                            forever, at the same distance
    * "diverging"           η > 2 / c_max: every step lands farther away
    """
    lr = _positive_number(lr, "run_status", "the learning rate lr")
    limit = largest_stable_lr(curvatures)
    if lr > limit:
        return "diverging"
    if lr == limit:
        return "stuck oscillating"
    if lr > limit / 2:
        return "converging, zigzag"
    return "converging"


def format_loss(value: float, overflow: str = "inf") -> str:
    """A loss for the readout: 4 decimals between 0.001 and 10 000 ("0.0123"), otherwise
    powers of ten ("3.42e+05", "1.20e-07"); ``overflow`` ("inf") when it overflowed."""
    value = float(value)
    if not np.isfinite(value):
        return overflow
    if value == 0.0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.4f}"
    return f"{value:.2e}"


def explorer_readout(lr: float, steps: int, start: Sequence[float] = BOWL_START) -> str:
    """The explorer's text for learning rate ``lr`` and ``steps`` updates on the bowl, e.g.

    "after 20 steps: loss 1.0230 (converging). η = 0.05012 ≤ 1/c_max = 0.1: no step jumps
    over the minimum."
    "diverging: loss 1.71e+08 after 20 steps. η = 0.2512 is above 2/c_max = 0.2: every step
    lands farther away."
    (c_max is the bowl's largest curvature.) Plain text, no HTML tags.
    """
    status = run_status(lr)
    steps = _step_count(steps, "explorer_readout")
    loss = format_loss(bowl_loss(bowl_path(lr, steps, start)[-1]))
    c_max = max(BOWL_CURVATURES)
    limit = largest_stable_lr(BOWL_CURVATURES)
    word = "step" if steps == 1 else "steps"
    eta = f"η = {lr:.4g}"
    if status == "diverging":
        return (f"diverging: loss {loss} after {steps} {word}. "
                f"{eta} is above 2/c_max = {limit:.3g}: every step lands farther away.")
    if status == "converging":
        reason = f"{eta} ≤ 1/c_max = {1 / c_max:.3g}: no step jumps over the minimum."
    elif status == "converging, zigzag":
        reason = (f"{eta} is between 1/c_max = {1 / c_max:.3g} and 2/c_max = {limit:.3g}: "
                  "the steep direction jumps over the minimum, but closer each time.")
    else:
        reason = (f"{eta} = 2/c_max: the steep direction jumps back and forth forever, "
                  "never closer.")
    return f"after {steps} {word}: loss {loss} ({status}). {reason}"


# ----------------------------------------------------------------------------- regression
def line_data(n: int = 64, noise: float = 0.5, seed: int | None = 0) -> tuple[Array, Array]:
    """A small regression problem: y = 2x + 1 + noise·N(0, 1), x uniform in [0, 2].

    Returns X (n, 1) and y (n, 1), float64 columns (what a Dense(1, 1) network expects).
    The same seed gives the same points, bit for bit.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"line_data: n must be a whole number ≥ 2 (samples), got {n!r}.")
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or noise < 0:
        raise ValueError(f"line_data: noise must be a number ≥ 0, got {noise!r}.")
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 2.0, size=n)
    y = TRUE_W * x + TRUE_B + noise * rng.standard_normal(n)
    return x.reshape(-1, 1), y.reshape(-1, 1)


def mse_surface(w: Array, b: Array, X: Array, y: Array) -> Array:
    """MSE of the line ŷ = w·x + b on the data (X, y), for every (w, b) of a grid.

    w, b: arrays of one shape (e.g. from np.meshgrid); X, y: (n, 1). Returns w's shape.
    L(w, b) = (1/n) Σᵢ (w·xᵢ + b − yᵢ)².
    """
    x, t = np.asarray(X, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
    errors = w[..., None] * x + b[..., None] - t  # (..., n)
    return np.mean(errors**2, axis=-1)


# ----------------------------------------------------------------------------- plots
def _axes(ax, figsize: tuple[float, float]):
    """The given axes and its figure, or a new figure with one axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def plot_bowl_contours(ax=None, view: Sequence[float] = BOWL_VIEW, levels: int = 12):
    """Contour lines of the bowl over ``view`` (w₁ min, w₁ max, w₂ min, w₂ max), the minimum
    marked with a star, equal scales on both axes (so the bowl looks as long as it is)."""
    fig, ax = _axes(ax, (6.0, 3.6))
    w1, w2 = np.meshgrid(np.linspace(view[0], view[1], 201), np.linspace(view[2], view[3], 121))
    loss = bowl_loss(np.stack([w1, w2], axis=-1))
    ax.contour(w1, w2, loss, levels=np.geomspace(0.05, loss.max(), levels), cmap="viridis",
               linewidths=1)
    ax.plot(0, 0, marker="*", ms=14, color=COLORS[7], ls="none", label="minimum", zorder=4)
    ax.set_xlim(view[0], view[1])
    ax.set_ylim(view[2], view[3])
    ax.set_aspect("equal")
    ax.set_xlabel("$w_1$ (curvature 1)")
    ax.set_ylabel("$w_2$ (curvature 10)")
    return ax


def inside_view(path: Array, view: Sequence[float] = BOWL_VIEW) -> Array:
    """The start of ``path`` (steps + 1, 2) up to and including its first point outside
    ``view``: a diverging run is drawn until it leaves the picture, not as clipped zigzags
    (which look like a barcode)."""
    path = np.asarray(path, dtype=float)
    outside = ~((path[:, 0] >= view[0]) & (path[:, 0] <= view[1])
                & (path[:, 1] >= view[2]) & (path[:, 1] <= view[3]))
    if not outside.any():
        return path
    return path[: int(np.argmax(outside)) + 1]


def check_lr_and_steps(where: str, lr_exponent: float, steps: int) -> None:
    """A clear error unless the learning-rate exponent and the number of steps are values
    the sliders can hold (`LR_LOG_RANGE`, `STEPS_RANGE`); ``where`` names the caller."""
    lo, hi, _ = LR_LOG_RANGE
    if not lo <= lr_exponent <= hi:
        raise ValueError(f"{where}: lr_exponent must be between {lo:g} and {hi:g} "
                         f"(η = 10^exponent), got {lr_exponent!r}.")
    s_lo, s_hi, _ = STEPS_RANGE
    if isinstance(steps, bool) or not isinstance(steps, int) or not s_lo <= steps <= s_hi:
        raise ValueError(f"{where}: steps must be a whole number from {s_lo} to {s_hi}, "
                         f"got {steps!r}.")


#: The explorer's loss axes: losses from 1e-8 to 1e2 (every run starts at 19.25), or to 1e12
#: once a run grows past 1e2 (it diverges; it leaves through the top). Two fixed views, so
#: only crossing from one to the other draws the axes again.
LOSS_VIEWS = ((1e-8, 1e2), (1e-8, 1e12))


class GradientDescentExplorer(Explorer):
    """A learning-rate slider (log scale) and a steps slider over the 2-D bowl: the path on
    the contours (left) and the loss after each step (right)."""

    title = "Lesson 05 explorer: a learning rate and a number of steps on a bowl"
    figsize = (8.8, 3.9)

    def __init__(self, lr_exponent: float = START_LR_EXPONENT, steps: int = START_STEPS):
        check_lr_and_steps("gradient_descent_explorer", lr_exponent, steps)
        self.start = (lr_exponent, steps)
        super().__init__()

    def build(self, fig) -> None:
        import ipywidgets as widgets

        lo, hi, step = LR_LOG_RANGE
        style = {"description_width": "initial"}
        self.add_control("lr", widgets.FloatLogSlider(
            value=10.0 ** self.start[0], base=10, min=lo, max=hi, step=step,
            description="learning rate", readout_format=".4g", style=style,
            layout=widgets.Layout(width="420px")))
        s_lo, s_hi, s_step = STEPS_RANGE
        self.add_control("steps", widgets.IntSlider(
            value=self.start[1], min=s_lo, max=s_hi, step=s_step, description="steps",
            style=style, layout=widgets.Layout(width="360px")))
        left = fig.add_axes((0.07, 0.15, 0.52, 0.74))
        self.right = right = fig.add_axes((0.7, 0.15, 0.28, 0.74))
        plot_bowl_contours(left)
        self.path = self.moving(left.plot([], [], color=PATH_COLOR, marker="o", ms=3.5,
                                          lw=1.3, label="gradient descent", zorder=3)[0])
        left.plot(*BOWL_START, marker="s", ms=8, color=PATH_COLOR, mec="black", ls="none",
                  label="start", zorder=5)
        self.leaves = self.moving(left.text(
            0.02, 0.04, "", transform=left.transAxes, fontsize=10, color=PATH_COLOR,
            bbox=dict(facecolor="white", edgecolor=PATH_COLOR, alpha=0.9)))
        self.head = self.moving(left.set_title(""))
        left.legend(loc="upper right", fontsize=9, framealpha=0.9)
        self.loss = self.moving(right.semilogy([1, 2], [1, 1], color=COLORS[0], marker="o",
                                               ms=3, lw=1.5)[0])
        right.set_xlabel("step t")
        right.set_ylabel("loss (log scale)")
        right.set_title("loss after each step")
        right.grid(alpha=0.3, which="major")
        right.set_xlim(0, STEPS_RANGE[1])
        self.view = None

    def show(self, values) -> str:
        lr, steps = values["lr"], int(values["steps"])
        path = bowl_path(lr, steps)
        shown = inside_view(path)
        self.path.set_data(shown[:, 0], shown[:, 1])
        left_at = len(shown) - 1 if len(shown) < len(path) or not _in_view(path[-1]) else None
        self.leaves.set_text("" if left_at is None
                             else f"the path leaves the picture at step {left_at}")
        self.leaves.set_visible(left_at is not None)
        self.head.set_text(f"η = {lr:.4g}: {run_status(lr)}")
        losses = bowl_loss(path)
        self.loss.set_data(np.arange(len(losses)), losses)
        view = LOSS_VIEWS[int(not np.all(losses <= LOSS_VIEWS[0][1]))]
        if view != self.view:  # new tick labels: draw the background again
            self.view = view
            self.right.set_ylim(*view)
            self.right.set_yticks(10.0 ** np.arange(-8, np.log10(view[1]) + 1, 2 if
                                                     view[1] < 1e3 else 4))
            self.redraw_background()
        return explorer_readout(lr, steps)


def _in_view(point: Array, view: Sequence[float] = BOWL_VIEW) -> bool:
    return bool(view[0] <= point[0] <= view[1] and view[2] <= point[1] <= view[3])


def gradient_descent_explorer(lr_exponent: float = START_LR_EXPONENT,
                              steps: int = START_STEPS) -> GradientDescentExplorer:
    """The widget: choose η (a log-scale slider, η = 10^exponent) and a number of steps; see
    the path over the bowl, the loss after each step, and whether the run converges."""
    return GradientDescentExplorer(lr_exponent, steps)
