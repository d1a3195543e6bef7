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
from nnedu.widgets.explorer import Explorer, slider

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


def half_plane(w1: float, w2: float, b: float, lo: Array, hi: Array) -> Array:
    """The corners of the part of the box lo..hi where w1·x1 + w2·x2 + b ≥ 0, in order
    around it, shape (k, 2); k = 0 when that part is empty.

    Walk round the box: keep each corner on the z ≥ 0 side, and where z changes sign along
    an edge, add the point where it is 0 (found by linear interpolation: z is linear).
    """
    box = np.array([[lo[0], lo[1]], [hi[0], lo[1]], [hi[0], hi[1]], [lo[0], hi[1]]])
    z = box @ np.array([w1, w2], dtype=float) + b
    corners = []
    for i in range(4):
        j = (i + 1) % 4
        if z[i] >= 0:
            corners.append(box[i])
        if (z[i] >= 0) != (z[j] >= 0):
            t = z[i] / (z[i] - z[j])
            corners.append(box[i] + t * (box[j] - box[i]))
    return np.array(corners).reshape(-1, 2)


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
    fig, ax = new_axes(ax, figsize=(6.8, 5.0))
    parts = boundary_parts(ax, _points(X, "plot_boundary"), np.asarray(y))
    n_wrong = move_boundary(parts, w1, w2, b)
    parts["rings"].set_label(f"misclassified ({n_wrong})")
    _legend(ax, parts)
    if title is not None:
        ax.set_title(title)
    return ax


def boundary_parts(ax, X: Array, y: Array) -> dict:
    """Draw everything of `plot_boundary` that does not depend on w1, w2, b, once; return the
    artists that do (shading, line, arrow, rings, title) for `move_boundary`, and the legend's
    handles."""
    from matplotlib.patches import Patch, Polygon

    lo, hi = _view(X)
    zones = [ax.add_patch(Polygon(np.zeros((3, 2)), closed=True, facecolor=COLORS[k],
                                  alpha=0.18, edgecolor="none", zorder=0)) for k in (0, 1)]
    (line,) = ax.plot([], [], color="k", lw=2.5, label="decision line z = 0", zorder=2)
    arrow = ax.quiver([0.0], [0.0], [1.0], [0.0], angles="xy", scale_units="xy", scale=1,
                      color=ARROW_COLOR, width=0.012, zorder=4,
                      label="direction of w = (w1, w2)")
    handles = [Patch(color=COLORS[k], alpha=0.3, label=f"neuron says {CLASS_NAMES[k]}")
               for k in (0, 1)] + [line, arrow]
    for k in (0, 1):
        pts = X[y == k]
        handles.append(ax.scatter(pts[:, 0], pts[:, 1], s=48, c=COLORS[k], marker=MARKERS[k],
                                  edgecolors="white", linewidths=0.7, zorder=3,
                                  label=CLASS_NAMES[k]))
    rings = ax.scatter(X[:, 0], X[:, 1], s=230, facecolors="none",
                       edgecolors=MISCLASSIFIED_COLOR, linewidths=2.0, zorder=5,
                       label="misclassified (ringed)")
    handles.append(rings)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return {"handles": handles, "zones": zones, "line": line, "arrow": arrow, "rings": rings,
            "title": ax.title, "view": (lo, hi), "X": X, "y": y}


def _legend(ax, parts: dict) -> None:
    """The legend, outside the axes on the right; the line and arrow only when drawn."""
    handles = [h for h in parts["handles"] if h.get_visible()]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=10,
              framealpha=0.95)


def move_boundary(parts: dict, w1: float, w2: float, b: float) -> int:
    """Move the artists of `boundary_parts` to the neuron (w1, w2, b); return how many points
    it gets wrong."""
    X, y, (lo, hi) = parts["X"], parts["y"], parts["view"]
    for k, sign in ((0, -1.0), (1, 1.0)):  # z < 0 is class 0, z ≥ 0 class 1
        corners = half_plane(sign * w1, sign * w2, sign * b, lo, hi)
        parts["zones"][k].set_xy(corners if len(corners) else np.zeros((3, 2)))
    title = boundary_equation(w1, w2, b)
    segment = boundary_segment(w1, w2, b, (lo[0], hi[0]), (lo[1], hi[1]))
    parts["line"].set_visible(segment is not None)
    parts["arrow"].set_visible(segment is not None)
    if segment is None:
        title = f"w = (0, 0): no line, z = {b:.2f} at every point"
    else:
        parts["line"].set_data(*segment)
        start = closest_point_on_line(w1, w2, b, (lo + hi) / 2)
        if not np.all((start > lo) & (start < hi)):
            title += " (the line is out of view)"
            start = (lo + hi) / 2
        direction = ARROW_LENGTH * np.array([w1, w2]) / np.hypot(w1, w2)
        parts["arrow"].set_offsets([start])
        parts["arrow"].set_UVC(direction[0], direction[1])
    wrong = predict(X, w1, w2, b) != y
    parts["rings"].set_offsets(X[wrong] if wrong.any() else np.empty((0, 2)))
    parts["title"].set_text(title)
    return int(wrong.sum())


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

class WeightedSumExplorer(Explorer):
    """Sliders for w1, w2 and b that move a step neuron's decision line over `two_blobs`.

    The readout (CSS class ``nnedu-readout``) says how many points are right and writes the
    line's equation, e.g. "12 of 20 points classified correctly" and "decision line:
    1.00·x1 − 1.00·x2 + 0.00 = 0"; the picture is `plot_boundary`'s.
    """

    title = "Lesson 01 explorer: sliders w1, w2, b move the decision line"
    figsize = (7.4, 4.6)

    def __init__(self, w1: float = START_W1, w2: float = START_W2, b: float = START_B,
                 n_per_class: int = 10, seed: int = 0) -> None:
        self.start = (w1, w2, b)
        self.data = two_blobs(n_per_class, seed)
        super().__init__()

    def build(self, fig) -> None:
        for name, value, (lo, hi, step) in zip(("w1", "w2", "b"), self.start,
                                               (WEIGHT_RANGE, WEIGHT_RANGE, BIAS_RANGE)):
            self.add_control(name, slider(name, value, lo, hi, step, fmt=".1f",
                                          width="260px"))
        ax = fig.add_axes((0.085, 0.11, 0.55, 0.8))
        self.parts = boundary_parts(ax, *self.data)
        _legend(ax, self.parts)
        for artist in (*self.parts["zones"], self.parts["line"], self.parts["arrow"],
                       self.parts["rings"], self.parts["title"]):
            self.moving(artist)

    def show(self, values) -> str:
        w1, w2, b = values["w1"], values["w2"], values["b"]
        n_wrong = move_boundary(self.parts, w1, w2, b)
        n = len(self.data[1])
        return (f"<div>{readout_text(n - n_wrong, n)}</div>"
                f"<div>decision line: {boundary_equation(w1, w2, b)}</div>")


def weighted_sum_explorer(w1: float = START_W1, w2: float = START_W2, b: float = START_B,
                          n_per_class: int = 10, seed: int = 0) -> WeightedSumExplorer:
    """The lesson's explorer: sliders for w1, w2, b over the two clouds of points."""
    return WeightedSumExplorer(w1, w2, b, n_per_class, seed)
