"""Lesson 01 · The weighted sum: one neuron draws a straight line through the plane.

A neuron with two inputs computes the weighted sum

    z = w1·x1 + w2·x2 + b

and, with a step activation, answers "class 1" where z ≥ 0 and "class 0" where z < 0.
The points where z = 0 form the straight line w1·x1 + w2·x2 + b = 0: the neuron's
*decision boundary*. The weight vector w = (w1, w2) is perpendicular to that line and points
to the "class 1" side; the bias b slides the line without turning it.

What is here:

    two_blobs              the lesson's data: two labelled clouds of 2-D points
    weighted_sums, step    z for every point, and the step activation
    predict, count_correct the neuron's classes, and how many are right
    boundary_segment       two end points of the line z = 0 inside a box
    plot_boundary          the line, the two half-planes, w, and the points it gets wrong
    plot_bias_shift        the same weight with three biases: z(x) and sigmoid(z(x))
    draw_neuron            a small picture of one neuron
    weighted_sum_explorer  sliders for w1, w2, b over the data, with a live count

numpy is imported here; matplotlib and ipywidgets only inside the functions that draw.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnedu.activations import sigmoid
from nnedu.plots import COLORS, MARKERS, new_axes

Array = np.ndarray

#: Where the two clouds of `two_blobs` are centred (class 0, class 1) and how wide they are.
BLOB_CENTRES = ((-1.0, -0.5), (1.0, 1.0))
BLOB_SPREAD = 0.7
CLASS_NAMES = ("class 0", "class 1")

#: The explorer starts with a line that cuts through both clouds, so there is work to do.
START_W1, START_W2, START_B = 1.0, -1.0, 0.0
#: Slider ranges: (min, max, step).
WEIGHT_RANGE = (-3.0, 3.0, 0.1)
BIAS_RANGE = (-4.0, 4.0, 0.1)

MISCLASSIFIED_COLOR = COLORS[7]  # black rings: visible on both classes' colours
ARROW_COLOR = COLORS[2]  # bluish green
ARROW_LENGTH = 1.2  # the arrow shows w's direction; its length is fixed so it stays in view


# ----------------------------------------------------------------------------- data

def two_blobs(n_per_class: int = 10, seed: int = 0) -> tuple[Array, Array]:
    """Two round clouds of labelled 2-D points: the data of lesson 01.

    Class 0 is centred at (-1, -0.5) and class 1 at (1, 1); every point is its centre plus
    Gaussian noise of standard deviation 0.7 (`BLOB_SPREAD`), drawn with
    ``np.random.default_rng(seed)``. The same seed gives the same points, bit for bit.

    Returns X (2·n_per_class, 2) float64 and y (2·n_per_class,) int64; the first
    ``n_per_class`` rows are class 0, the rest class 1.
    """
    if isinstance(n_per_class, bool) or not isinstance(n_per_class, (int, np.integer)):
        raise TypeError(f"two_blobs: n_per_class must be a whole number such as 10, "
                        f"got {type(n_per_class).__name__} {n_per_class!r}.")
    if n_per_class < 1:
        raise ValueError(f"two_blobs: n_per_class must be at least 1, got {n_per_class}.")
    rng = np.random.default_rng(seed)
    X = np.vstack([np.array(centre) + BLOB_SPREAD * rng.standard_normal((n_per_class, 2))
                   for centre in BLOB_CENTRES])
    y = np.repeat(np.array([0, 1], dtype=np.int64), n_per_class)
    return X, y


def _points(X: object, where: str) -> Array:
    """X as a float array of shape (n, 2), or a clear error."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"{where}: expected points X of shape (n_points, 2), one row (x1, x2) "
                         f"per point; got shape {X.shape}.")
    return X


# ----------------------------------------------------------------------------- the neuron

def weighted_sums(X: Array, w1: float, w2: float, b: float) -> Array:
    """z = w1·x1 + w2·x2 + b for every point. X: (n, 2) → z: (n,).

    In matrix form: z = X @ w + b with w = [w1, w2].
    """
    return _points(X, "weighted_sums") @ np.array([w1, w2], dtype=float) + float(b)


def step(z: Array) -> Array:
    """The step activation: 1 where z ≥ 0, else 0 (int64, same shape as z)."""
    return (np.asarray(z) >= 0).astype(np.int64)


def predict(X: Array, w1: float, w2: float, b: float) -> Array:
    """The class a step neuron gives each point: step(w1·x1 + w2·x2 + b). X: (n, 2) → (n,)."""
    return step(weighted_sums(X, w1, w2, b))


def count_correct(X: Array, y: Array, w1: float, w2: float, b: float) -> int:
    """How many points the step neuron puts in their own class (y: (n,) labels 0 or 1)."""
    y = np.asarray(y)
    X = _points(X, "count_correct")
    if y.shape != (len(X),):
        raise ValueError(f"count_correct: expected one label per point, shape ({len(X)},); "
                         f"got labels of shape {y.shape}.")
    return int(np.sum(predict(X, w1, w2, b) == y))


def readout_text(n_correct: int, n_total: int) -> str:
    """The explorer's readout, e.g. ``"17 of 20 points classified correctly"``."""
    return f"{n_correct} of {n_total} points classified correctly"


# ----------------------------------------------------------------------------- geometry

def boundary_segment(w1: float, w2: float, b: float, xlim: Sequence[float],
                     ylim: Sequence[float]) -> tuple[Array, Array] | None:
    """Two points (x1 values, x2 values) on the line w1·x1 + w2·x2 + b = 0.

    They sit at the edges of the box xlim × ylim (solving for x2 when the line is flatter
    than 45°, for x1 otherwise), so the segment crosses the whole plot. Returns None when
    w1 = w2 = 0: then z = b at every point, there is no line, and the whole plane is one class.
    """
    if w1 == 0 and w2 == 0:
        return None
    if abs(w2) >= abs(w1):
        x1 = np.array(xlim, dtype=float)
        x2 = -(w1 * x1 + b) / w2
    else:
        x2 = np.array(ylim, dtype=float)
        x1 = -(w2 * x2 + b) / w1
    return x1, x2


def closest_point_on_line(w1: float, w2: float, b: float, point: Sequence[float]) -> Array:
    """The point of the line w·x + b = 0 closest to ``point``: p = c − (w·c + b)/‖w‖² · w.

    Walking from c along w changes z fastest, which is why the shortest way to the line is
    along w (w is perpendicular to the line).
    """
    w = np.array([w1, w2], dtype=float)
    c = np.asarray(point, dtype=float)
    return c - (w @ c + b) / (w @ w) * w


def _view(X: Array, margin: float = 1.0) -> tuple[Array, Array]:
    """A square view around the points X (n, 2): the (low, high) corners, each of shape (2,).

    Square, so that with equal axis scales a right angle on screen is a right angle.
    """
    centre = (X.min(axis=0) + X.max(axis=0)) / 2
    half = (X.max(axis=0) - X.min(axis=0)).max() / 2 + margin
    return centre - half, centre + half


def _signed(value: float) -> str:
    """``+ 1.50`` or ``− 1.50`` (a real minus sign), for writing equations."""
    return f"− {abs(value):.2f}" if value < 0 else f"+ {value:.2f}"


def boundary_equation(w1: float, w2: float, b: float) -> str:
    """The decision boundary as text, e.g. ``"1.00·x1 − 1.00·x2 + 0.00 = 0"``."""
    first = f"−{abs(w1):.2f}" if w1 < 0 else f"{w1:.2f}"
    return f"{first}·x1 {_signed(w2)}·x2 {_signed(b)} = 0"


# ----------------------------------------------------------------------------- plots

def plot_boundary(X: Array, y: Array, w1: float, w2: float, b: float, ax=None,
                  title: str | None = None):
    """Draw what a step neuron does with the points X (n, 2), labels y (n,).

    - the two half-planes, shaded in the colour of the class the neuron gives them;
    - the decision line w1·x1 + w2·x2 + b = 0 (solid black);
    - the weight vector's direction, an arrow from the line into the "class 1" side;
    - the points, one colour and marker per class, with a black ring on every point the
      neuron gets wrong.

    Returns the matplotlib axes.
    """
    from matplotlib.patches import Patch

    X = _points(X, "plot_boundary")
    y = np.asarray(y)
    fig, ax = new_axes(ax, figsize=(6.8, 5.0))
    lo, hi = _view(X)

    # Shade each half-plane by the class the neuron gives it.
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    zone = predict(np.column_stack([xx.ravel(), yy.ravel()]), w1, w2, b).reshape(xx.shape)
    ax.contourf(xx, yy, zone, levels=[-0.5, 0.5, 1.5], colors=[COLORS[0], COLORS[1]],
                alpha=0.18)
    handles = [Patch(color=COLORS[k], alpha=0.3, label=f"neuron says {CLASS_NAMES[k]}")
               for k in (0, 1)]

    default_title = boundary_equation(w1, w2, b)
    segment = boundary_segment(w1, w2, b, (lo[0], hi[0]), (lo[1], hi[1]))
    if segment is None:
        default_title = f"w = (0, 0): no line, z = {b:.2f} at every point"
    else:
        (line,) = ax.plot(*segment, color="k", lw=2.5, label="decision line z = 0", zorder=2)
        handles.append(line)
        centre = (lo + hi) / 2
        start = closest_point_on_line(w1, w2, b, centre)
        if not np.all((start > lo) & (start < hi)):
            default_title += " (the line is out of view)"
            start = centre
        direction = np.array([w1, w2]) / np.hypot(w1, w2)
        arrow = ax.quiver(*start, *(ARROW_LENGTH * direction), angles="xy", scale_units="xy",
                          scale=1, color=ARROW_COLOR, width=0.012, zorder=4,
                          label="direction of w = (w1, w2)")
        handles.append(arrow)

    for k in (0, 1):
        pts = X[y == k]
        handles.append(ax.scatter(pts[:, 0], pts[:, 1], s=48, c=COLORS[k], marker=MARKERS[k],
                                  edgecolors="white", linewidths=0.7, zorder=3,
                                  label=CLASS_NAMES[k]))
    wrong = predict(X, w1, w2, b) != y
    handles.append(ax.scatter(X[wrong, 0], X[wrong, 1], s=230, facecolors="none",
                              edgecolors=MISCLASSIFIED_COLOR, linewidths=2.0, zorder=5,
                              label=f"misclassified ({int(wrong.sum())})"))

    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title if title is not None else default_title)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9,
              framealpha=0.95)
    return ax


def plot_bias_shift(w: float = 1.5, biases: Sequence[float] = (-2.0, 0.0, 2.0),
                    lo: float = -4.0, hi: float = 4.0):
    """One input, one weight ``w``, three biases: how b moves the neuron's output.

    Left: z = w·x + b, three parallel lines, shifted up and down by b.
    Right: a = sigmoid(w·x + b), the same S-curve, slid sideways; it crosses 0.5 where
    z = 0, at x = −b/w (marked). Returns the figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    fig, (ax_z, ax_a) = plt.subplots(1, 2, figsize=(11, 4))
    x = np.linspace(lo, hi, 200)
    handles = []
    for k, b in enumerate(biases):
        color, marker, style = COLORS[k % len(COLORS)], MARKERS[k % len(MARKERS)], \
            ["-", "--", ":"][k % 3]
        z = w * x + b
        crossing = -b / w + 0.0  # + 0.0 turns -0.0 into 0.0
        ax_z.plot(x, z, color=color, ls=style, lw=2.2)
        ax_z.plot([crossing], [0.0], marker=marker, color=color, ms=9, ls="none")
        ax_a.plot(x, sigmoid(z), color=color, ls=style, lw=2.2)
        ax_a.plot([crossing], [0.5], marker=marker, color=color, ms=9, ls="none")
        handles.append(Line2D([], [], color=color, ls=style, lw=2.2, marker=marker, ms=8,
                              label=f"b = {b:+.1f}: z = 0 at x = {crossing:+.2f}"))
    ax_z.axhline(0, color="0.5", lw=0.8)
    ax_z.set_title(f"z = w·x + b, w = {w:.1f}: b moves the line up or down")
    ax_z.set_xlabel("input x")
    ax_z.set_ylabel("weighted sum z")
    ax_a.axhline(0.5, color="0.5", lw=0.8)
    ax_a.set_title("a = sigmoid(z): b slides the curve sideways")
    ax_a.set_xlabel("input x")
    ax_a.set_ylabel("output a")
    for ax, corner in ((ax_z, "upper left"), (ax_a, "lower right")):
        ax.axvline(0, color="0.8", lw=0.8)
        ax.legend(handles=handles, loc=corner, fontsize=9)
    fig.tight_layout()
    return fig


def draw_neuron(n_inputs: int = 3, ax=None):
    """A picture of one neuron: inputs x_i, weights w_i on the arrows, the sum with the bias b,
    the activation f, and the output a = f(z). Returns the axes."""
    from matplotlib.patches import Circle, FancyBboxPatch

    fig, ax = new_axes(ax, figsize=(7.5, 3.4))
    ys = np.linspace(1.0, -1.0, n_inputs) if n_inputs > 1 else np.array([0.0])
    body = np.array([2.4, 0.0])
    arrow = dict(arrowstyle="-|>", color="0.25", lw=1.4, mutation_scale=14)
    for i, yi in enumerate(ys, start=1):
        ax.add_patch(Circle((0.0, yi), 0.22, facecolor=COLORS[4], edgecolor="k", zorder=3))
        ax.text(0.0, yi, f"$x_{i}$", ha="center", va="center", fontsize=13, zorder=4)
        ax.annotate("", xy=body + [-0.48, 0.0], xytext=(0.24, yi), arrowprops=arrow)
        ax.text(1.05, 0.62 * yi + 0.14, f"$w_{i}$", fontsize=13, color=COLORS[0],
                ha="center", va="bottom")
    ax.add_patch(Circle(body, 0.45, facecolor="white", edgecolor="k", lw=1.6, zorder=3))
    ax.text(*body, r"$\Sigma$", ha="center", va="center", fontsize=20, zorder=4)
    ax.text(body[0], -0.62, "$z = w \\cdot x + b$", ha="center", va="top", fontsize=12)
    ax.annotate("", xy=body + [0.0, 0.47], xytext=body + [0.0, 1.05], arrowprops=arrow)
    ax.text(body[0], 1.12, "bias $b$", ha="center", va="bottom", fontsize=12,
            color=COLORS[3])
    ax.add_patch(FancyBboxPatch((3.85, -0.32), 0.7, 0.64, boxstyle="round,pad=0.05",
                                facecolor=COLORS[6], edgecolor="k", zorder=3))
    ax.text(4.2, 0.0, "$f$", ha="center", va="center", fontsize=15, zorder=4)
    ax.text(4.2, -0.5, "activation", ha="center", va="top", fontsize=10)
    ax.annotate("", xy=(3.8, 0.0), xytext=body + [0.47, 0.0], arrowprops=arrow)
    ax.text(3.3, 0.08, "$z$", ha="center", va="bottom", fontsize=13)
    ax.annotate("", xy=(5.6, 0.0), xytext=(4.62, 0.0), arrowprops=arrow)
    ax.text(5.7, 0.0, "$a = f(z)$", ha="left", va="center", fontsize=13)
    ax.set_xlim(-0.5, 6.9)
    ax.set_ylim(-1.5, 1.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("one neuron: multiply, add, shift, squash")
    return ax


# ----------------------------------------------------------------------------- the explorer

def weighted_sum_explorer(w1: float = START_W1, w2: float = START_W2, b: float = START_B,
                          n_per_class: int = 10, seed: int = 0):
    """Sliders for w1, w2 and b that move a step neuron's decision line over `two_blobs`.

    Shows a readout ("12 of 20 points classified correctly", CSS class ``nnedu-readout``),
    the line's equation ("decision line: 1.00·x1 − 1.00·x2 + 0.00 = 0", CSS class
    ``nnedu-equation``) and the `plot_boundary` picture, redrawn whenever a slider moves.
    The two texts change after the picture is drawn, so when they show the sliders' values
    the picture does too.

    Returns an ``ipywidgets.VBox``. For tests and curious students it also carries
    ``.sliders`` (dict "w1"/"w2"/"b" → slider), ``.readout``, ``.equation``, ``.output``,
    ``.data`` (X, y) and ``.update()`` (redraw from the sliders' current values).
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    X, y = two_blobs(n_per_class, seed)
    sliders = {
        "w1": widgets.FloatSlider(value=w1, min=WEIGHT_RANGE[0], max=WEIGHT_RANGE[1],
                                  step=WEIGHT_RANGE[2], description="w1", readout_format=".1f"),
        "w2": widgets.FloatSlider(value=w2, min=WEIGHT_RANGE[0], max=WEIGHT_RANGE[1],
                                  step=WEIGHT_RANGE[2], description="w2", readout_format=".1f"),
        "b": widgets.FloatSlider(value=b, min=BIAS_RANGE[0], max=BIAS_RANGE[1],
                                 step=BIAS_RANGE[2], description="b", readout_format=".1f"),
    }
    readout = widgets.HTML()
    readout.add_class("nnedu-readout")
    equation = widgets.HTML()
    equation.add_class("nnedu-equation")
    output = widgets.Output()

    def current_values() -> tuple[float, float, float]:
        # The browser adds slider steps in floating point (0.1 + 0.2 = 0.30000000000000004);
        # round to what the slider shows, so the count matches the numbers on screen.
        return tuple(round(sliders[name].value, 6) for name in ("w1", "w2", "b"))

    def update(change=None) -> None:
        w1_now, w2_now, b_now = current_values()
        with output:
            output.clear_output(wait=True)
            ax = plot_boundary(X, y, w1_now, w2_now, b_now)
            display(ax.figure)
            plt.close(ax.figure)
        readout.value = readout_text(count_correct(X, y, w1_now, w2_now, b_now), len(y))
        equation.value = "decision line: " + boundary_equation(w1_now, w2_now, b_now)

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()

    box = widgets.VBox([*sliders.values(), readout, equation, output])
    box.sliders, box.readout, box.equation, box.output = sliders, readout, equation, output
    box.data, box.update = (X, y), update
    return box
