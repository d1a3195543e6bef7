"""Lesson 03: a 2-2-1 network that solves XOR, with its weights on sliders.

The network (the same weight names as lesson 06: ``w_ij`` goes *into* unit i *from* input j)::

    x1, x2 ──▶ hidden unit 1: z1 = w11·x1 + w12·x2 + b1,  h1 = σ(z1)
           ──▶ hidden unit 2: z2 = w21·x1 + w22·x2 + b2,  h2 = σ(z2)
    h1, h2 ──▶ output:        z3 = w31·h1 + w32·h2 + b3,  ŷ  = σ(z3)

In matrix form, for a batch X of shape (m, 2)::

    H = σ(X @ W1 + b1)      W1 = [[w11, w21],      (row = input, column = hidden unit)
                                  [w12, w22]]
    ŷ = σ(H @ W2 + b2)      W2 = [[w31], [w32]],  b2 = [b3]

A point counts as class 1 when ŷ ≥ 0.5 (as ``Sequential.predict`` does).

``xor_explorer()`` returns the widget: nine sliders, a "Reset to the solution" button, a
readout ("XOR solved: 4 of 4 points right", CSS class ``nnedu-readout``) and four small
plots: h1 over the plane, h2 over the plane, ŷ over the plane, and the four points as the
hidden layer sees them, in (h1, h2) space, with the output unit's line.

Matplotlib and ipywidgets are imported inside the functions that draw, so that importing
this module for its numbers (``xor_forward``, ``count_correct``) stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nnedu.activations import sigmoid

Array = np.ndarray

#: The nine parameters of the 2-2-1 network, in the order the sliders show them.
PARAM_NAMES = ("w11", "w12", "b1", "w21", "w22", "b2", "w31", "w32", "b3")

#: Hand-picked weights that solve XOR. Large weights make σ almost a step (σ(10) ≈ 0.99995):
#: h1 ≈ x1 OR x2, h2 ≈ x1 AND x2, and ŷ ≈ h1 AND NOT h2, which is XOR.
SOLUTION: Mapping[str, float] = {
    "w11": 20.0, "w12": 20.0, "b1": -10.0,   # h1 = σ(20·x1 + 20·x2 − 10)  ≈ OR
    "w21": 20.0, "w22": 20.0, "b2": -30.0,   # h2 = σ(20·x1 + 20·x2 − 30)  ≈ AND
    "w31": 20.0, "w32": -20.0, "b3": -10.0,  # ŷ  = σ(20·h1 − 20·h2 − 10)  ≈ h1 AND NOT h2
}  # fmt: skip

#: The four XOR points (rows x1, x2) and their labels: 1 when exactly one input is 1.
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])

#: Slider range and step of every weight and bias.
SLIDER_MIN, SLIDER_MAX, SLIDER_STEP = -30.0, 30.0, 1.0

#: Grid points per side of the plots over the plane (coarse, so that redraws stay fast).
GRID_STEPS = 80
#: The plots cover x1, x2 in [PLANE_LO, PLANE_HI].
PLANE_LO, PLANE_HI = -0.5, 1.5


# ----------------------------------------------------------------------------- the network
def _check_params(params: Mapping[str, float]) -> dict[str, float]:
    """Return the nine parameters as floats, or explain which are missing or unknown."""
    if not isinstance(params, Mapping):
        raise TypeError(
            f"xor: params must be a dict of the nine weights {PARAM_NAMES}, "
            f"got {type(params).__name__}. Start from a copy: dict(SOLUTION)."
        )
    missing = [name for name in PARAM_NAMES if name not in params]
    unknown = [name for name in params if name not in PARAM_NAMES]
    if missing or unknown:
        raise ValueError(
            f"xor: params must have exactly the keys {PARAM_NAMES}; missing {missing}, "
            f"unknown {unknown}. Start from a copy: dict(SOLUTION)."
        )
    return {name: float(params[name]) for name in PARAM_NAMES}


def weight_matrices(params: Mapping[str, float]) -> tuple[Array, Array, Array, Array]:
    """The nine numbers as the arrays of two Dense layers (z = x @ W + b).

    Returns W1 (2, 2) = [[w11, w21], [w12, w22]], b1 (2,) = [b1, b2],
    W2 (2, 1) = [[w31], [w32]], b2 (1,) = [b3]. Column i of W1 holds the weights into
    hidden unit i, so that X @ W1 computes both hidden units for every row of X at once.
    """
    p = _check_params(params)
    W1 = np.array([[p["w11"], p["w21"]], [p["w12"], p["w22"]]])
    b1 = np.array([p["b1"], p["b2"]])
    W2 = np.array([[p["w31"]], [p["w32"]]])
    b2 = np.array([p["b3"]])
    return W1, b1, W2, b2


def xor_forward(X: Array, params: Mapping[str, float]) -> tuple[Array, Array]:
    """The forward pass of the 2-2-1 sigmoid network.

    H = σ(X @ W1 + b1)   (m, 2) @ (2, 2) + (2,) → (m, 2)   the hidden layer's outputs h1, h2
    ŷ = σ(H @ W2 + b2)   (m, 2) @ (2, 1) + (1,) → (m, 1)   returned flattened to (m,)

    X: (m, 2) points. Returns ``(H, y_hat)``.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"xor_forward: X must have shape (m, 2), one point (x1, x2) per row; got shape "
            f"{X.shape}. For one point use np.array([[x1, x2]])."
        )
    W1, b1, W2, b2 = weight_matrices(params)
    H = sigmoid(X @ W1 + b1)
    y_hat = sigmoid(H @ W2 + b2)[:, 0]
    return H, y_hat


def predict(X: Array, params: Mapping[str, float]) -> Array:
    """Class 0/1 for each row of X: 1 where the network's output ŷ ≥ 0.5."""
    _, y_hat = xor_forward(X, params)
    return (y_hat >= 0.5).astype(int)


def count_correct(params: Mapping[str, float], X: Array = XOR_X, y: Array = XOR_Y) -> int:
    """How many of the points X the network puts in their class y (default: the four XOR points)."""
    return int(np.sum(predict(X, params) == np.asarray(y)))


def readout_text(n_correct: int, n_total: int = 4) -> str:
    """The widget's readout, e.g. "XOR solved: 4 of 4 points right"."""
    verdict = "XOR solved" if n_correct == n_total else "Not solved yet"
    return f"{verdict}: {n_correct} of {n_total} points right"


def formula(params: Mapping[str, float], unit: str) -> str:
    """The weighted sum of one unit with its numbers filled in, e.g. "20·x1 + 20·x2 − 10".

    ``unit`` is "h1", "h2" or "y" (the output, which reads h1 and h2).
    """
    p = _check_params(params)
    terms = {
        "h1": (("w11", "x1"), ("w12", "x2"), "b1"),
        "h2": (("w21", "x1"), ("w22", "x2"), "b2"),
        "y": (("w31", "h1"), ("w32", "h2"), "b3"),
    }
    if unit not in terms:
        raise ValueError(f"formula: unit must be 'h1', 'h2' or 'y', got {unit!r}.")
    (wa, xa), (wb, xb), bias = terms[unit]
    return _signed_sum(((p[wa], xa), (p[wb], xb), (p[bias], "")))


def _signed_sum(terms: Sequence[tuple[float, str]]) -> str:
    """Write a weighted sum with proper signs: ((1, "x1"), (-2, "x2"), (-0.5, "")) gives
    "1·x1 − 2·x2 − 0.5"."""
    text = ""
    for k, (value, name) in enumerate(terms):
        number = f"{abs(value):g}" + (f"·{name}" if name else "")
        if k == 0:
            text = ("−" if value < 0 else "") + number
        else:
            text += (" − " if value < 0 else " + ") + number
    return text


# ----------------------------------------------------------------------------- plots
def plane_grid(steps: int = GRID_STEPS) -> tuple[Array, Array, Array]:
    """A (steps × steps) grid over [PLANE_LO, PLANE_HI]²: ``xx, yy`` and the points (steps², 2)."""
    axis = np.linspace(PLANE_LO, PLANE_HI, steps)
    xx, yy = np.meshgrid(axis, axis)
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def _scatter_xor(ax, X: Array, y: Array, wrong: Array | None = None, size: float = 70.0) -> None:
    """The points, class 0 as blue circles and class 1 as orange squares; wrong ones crossed."""
    from nnedu.plots import COLORS, MARKERS

    for cls in (0, 1):
        pts = X[y == cls]
        ax.scatter(pts[:, 0], pts[:, 1], s=size, c=COLORS[cls], marker=MARKERS[cls],
                   edgecolors="black", linewidths=1.0, label=f"class {cls}", zorder=3)
    if wrong is not None and np.any(wrong):
        ax.scatter(X[wrong, 0], X[wrong, 1], s=size * 2.6, marker="x", c=COLORS[3],
                   linewidths=2.5, label="wrong", zorder=4)


def _style_plane(ax, title: str) -> None:
    ax.set_xlim(PLANE_LO, PLANE_HI)
    ax.set_ylim(PLANE_LO, PLANE_HI)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title, fontsize=10)


def plot_lines(lines: Sequence[tuple[float, float, float]], X: Array = XOR_X,
               y: Array = XOR_Y, size: float = 3.2):
    """One panel per straight line w1·x1 + w2·x2 + b = 0 (a single neuron's boundary).

    ``lines`` holds (w1, w2, b) triples. The side where w1·x1 + w2·x2 + b > 0 (the neuron
    says class 1) is shaded; the title counts the points the line puts on their own side.
    Returns the figure.
    """
    import matplotlib.pyplot as plt

    from nnedu.plots import COLORS

    xx, yy, points = plane_grid(120)
    fig, axes = plt.subplots(1, len(lines), figsize=(size * len(lines), size + 0.5),
                             squeeze=False)
    for ax, (w1, w2, b) in zip(axes[0], lines):
        z = points @ np.array([w1, w2]) + b
        says_one = (z > 0).reshape(xx.shape)
        ax.contourf(xx, yy, says_one, levels=[-0.5, 0.5, 1.5], colors=["white", COLORS[1]],
                    alpha=0.25)
        ax.contour(xx, yy, z.reshape(xx.shape), levels=[0.0], colors="k", linewidths=2)
        predicted = (X @ np.array([w1, w2]) + b > 0).astype(int)
        wrong = predicted != y
        _scatter_xor(ax, X, y, wrong=wrong)
        line = _signed_sum(((w1, "x1"), (w2, "x2"), (b, "")))
        _style_plane(ax, f"{line} = 0\n{int(np.sum(~wrong))} of {len(y)} right")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


def plot_hidden_space(params: Mapping[str, float], X: Array = XOR_X, y: Array = XOR_Y,
                      ax=None, annotate: bool = True):
    """The points as the output unit sees them: at (h1, h2), with the output's line ŷ = 0.5.

    The shading is the output ŷ = σ(w31·h1 + w32·h2 + b3) over this square (orange: class 1).
    Points that land on the same spot are labelled together. Returns the axes.
    """
    from nnedu.plots import DIVERGING, new_axes

    p = _check_params(params)
    fig, ax = new_axes(ax, figsize=(4.2, 4.0))
    H, y_hat = xor_forward(X, p)
    axis = np.linspace(-0.1, 1.1, 121)
    hh1, hh2 = np.meshgrid(axis, axis)
    z3 = p["w31"] * hh1 + p["w32"] * hh2 + p["b3"]
    ax.imshow(sigmoid(z3), origin="lower", extent=(-0.1, 1.1, -0.1, 1.1), cmap=DIVERGING,
              vmin=0.0, vmax=1.0, alpha=0.6, interpolation="nearest")
    if z3.min() < 0 < z3.max():
        ax.contour(hh1, hh2, z3, levels=[0.0], colors="k", linewidths=2)
    wrong = (y_hat >= 0.5).astype(int) != np.asarray(y)
    _scatter_xor(ax, H, np.asarray(y), wrong=wrong)
    if annotate:
        _label_points(ax, X, H)
    ax.set_xlim(-0.1, 1.1)
    ax.set_ylim(-0.1, 1.1)
    ax.set_aspect("equal")
    ax.set_xlabel("$h_1$ (hidden unit 1)")
    ax.set_ylabel("$h_2$ (hidden unit 2)")
    ax.set_title(f"hidden space: the output's line\n{formula(p, 'y')} = 0", fontsize=10)
    return ax


def _label_points(ax, X: Array, H: Array) -> None:
    """Write each input point's coordinates next to where it lands; merge points that coincide."""
    groups: list[tuple[Array, list[str]]] = []
    for x, h in zip(X, H):
        name = f"({x[0]:g}, {x[1]:g})"
        for spot, names in groups:
            if np.allclose(spot, h, atol=0.04):
                names.append(name)
                break
        else:
            groups.append((h, [name]))
    for spot, names in groups:
        right = spot[0] < 0.6  # write towards the middle of the square
        ax.annotate(" ".join(names), xy=spot, xytext=(10 if right else -10, -16 if spot[1] > 0.5
                    else 10), textcoords="offset points", fontsize=8,
                    ha="left" if right else "right",
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "0.7", "alpha": 0.9})


def plot_remap(params: Mapping[str, float] = SOLUTION, X: Array = XOR_X, y: Array = XOR_Y):
    """Two panels: the input plane with the hidden units' lines, and the hidden space.

    Left: x1, x2 with the lines z1 = 0 and z2 = 0 where h1 and h2 switch from 0 to 1.
    Right: ``plot_hidden_space``. Returns the figure.
    """
    import matplotlib.pyplot as plt

    from nnedu.plots import COLORS

    p = _check_params(params)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 5.0), layout="constrained")
    xx, yy, points = plane_grid(120)
    W1, b1, _, _ = weight_matrices(p)
    Z = points @ W1 + b1
    for unit, (colour, style) in enumerate(((COLORS[2], "-"), (COLORS[5], "--"))):
        name = f"h{unit + 1}"
        z = Z[:, unit].reshape(xx.shape)
        if z.min() < 0 < z.max():
            left.contour(xx, yy, z, levels=[0.0], colors=[colour], linewidths=2.5,
                         linestyles=[style])
        left.plot([], [], color=colour, ls=style, lw=2.5,
                  label=f"{name} = 0.5: {formula(p, name)} = 0")
    _scatter_xor(left, X, np.asarray(y))
    _style_plane(left, "input space: each hidden unit draws a line")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=9, frameon=False)
    plot_hidden_space(p, X, y, ax=right)
    right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=9, frameon=False,
                 ncol=3)
    return fig


def draw_network(sizes: Sequence[int] = (2, 2, 1), ax=None, weight_names: bool = False,
                 title: str | None = None):
    """A diagram of a fully connected network: one column of circles per layer, every unit
    linked to every unit of the next layer.

    ``sizes`` = units per layer, input first, e.g. (2, 2, 1). With ``weight_names=True`` (for
    the 2-2-1 network) the edges carry the names w11 … w32 used in the lessons. Returns the axes.
    """
    from nnedu.plots import COLORS, new_axes

    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"draw_network: sizes needs at least two layers of ≥ 1 unit, got {sizes}.")
    fig, ax = new_axes(ax, figsize=(1.9 * len(sizes) + 1.0, 0.75 * max(sizes) + 1.0))
    tallest = max(sizes)
    xs = np.arange(len(sizes)) * 2.0

    def unit_y(layer: int, i: int) -> float:
        return (sizes[layer] - 1) / 2.0 - i + (tallest - 1) / 2.0

    for layer in range(len(sizes) - 1):
        for i in range(sizes[layer]):
            for j in range(sizes[layer + 1]):
                start, end = (xs[layer], unit_y(layer, i)), (xs[layer + 1], unit_y(layer + 1, j))
                ax.plot(*zip(start, end), color="0.55", lw=1.2, zorder=1)
                if weight_names and tuple(sizes) == (2, 2, 1):
                    # w_ji: into unit j of the next layer, from unit i; output unit is number 3.
                    into = j + 1 if layer == 0 else 3
                    t = 0.3 if layer == 0 else 0.45
                    px, py = start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1])
                    ax.text(px, py, f"$w_{{{into}{i + 1}}}$", fontsize=10, ha="center",
                            va="center", zorder=3,
                            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})
    names = ["input layer", *["hidden layer"] * (len(sizes) - 2), "output layer"]
    colours = [COLORS[4], *[COLORS[2]] * (len(sizes) - 2), COLORS[1]]
    for layer, n in enumerate(sizes):
        for i in range(n):
            ax.scatter(xs[layer], unit_y(layer, i), s=900, c=colours[layer], edgecolors="black",
                       linewidths=1.2, zorder=2)
            if tuple(sizes) == (2, 2, 1):
                label = ["$x_{%d}$", "$h_{%d}$", "$\\hat y$"][layer]
                ax.text(xs[layer], unit_y(layer, i), label.replace("%d", str(i + 1)),
                        ha="center", va="center", fontsize=11, zorder=4)
        unit_word = "feature" if layer == 0 else "unit"
        ax.text(xs[layer], -0.55, f"{names[layer]}\n{n} {unit_word}{'s' if n > 1 else ''}",
                ha="center", va="top", fontsize=10)
    ax.set_xlim(xs[0] - 0.8, xs[-1] + 0.8)
    ax.set_ylim(-1.35, tallest - 0.55)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def draw_explorer_figure(params: Mapping[str, float], X: Array = XOR_X, y: Array = XOR_Y,
                         steps: int = GRID_STEPS):
    """The widget's four panels: h1, h2 and ŷ over the plane, then the hidden space.

    Returns the figure (drawn with ``imshow`` on a coarse grid: fast enough to redraw on
    every slider step).
    """
    import matplotlib.pyplot as plt

    from nnedu.plots import DIVERGING

    p = _check_params(params)
    xx, yy, points = plane_grid(steps)
    H, y_hat = xor_forward(points, p)
    wrong = predict(X, p) != np.asarray(y)
    # Fixed places for the panels (no tight or constrained layout: laying out text is the
    # slow part of a redraw). Each panel is square: 2.1 by 2.1 inches.
    width, height, side = 11.6, 3.4, 2.1
    fig = plt.figure(figsize=(width, height))
    side_w, side_h, bottom = side / width, side / height, 0.72 / height
    lefts = (0.55 / width, 3.25 / width, 5.95 / width, 9.35 / width)
    axes = [fig.add_axes((left, bottom, side_w, side_h)) for left in lefts]
    extent = (PLANE_LO, PLANE_HI, PLANE_LO, PLANE_HI)
    panels = (
        (H[:, 0], f"hidden unit 1\n$h_1$ = σ({formula(p, 'h1')})", None),
        (H[:, 1], f"hidden unit 2\n$h_2$ = σ({formula(p, 'h2')})", None),
        (y_hat, f"output\n$\\hat y$ = σ({formula(p, 'y')})", wrong),
    )
    for ax, (values, title, crossed) in zip(axes, panels):
        grid = values.reshape(xx.shape)
        image = ax.imshow(grid, origin="lower", extent=extent, cmap=DIVERGING, vmin=0.0,
                          vmax=1.0, alpha=0.6, interpolation="nearest")
        if grid.min() < 0.5 < grid.max():
            ax.contour(xx, yy, grid, levels=[0.5], colors="k", linewidths=2)
        _scatter_xor(ax, X, np.asarray(y), wrong=crossed)
        _style_plane(ax, title)
        ax.set_xticks([0, 0.5, 1])
        ax.set_yticks([0, 0.5, 1])
    plot_hidden_space(p, X, y, ax=axes[3])
    axes[3].set_xticks([0, 0.5, 1])
    axes[3].set_yticks([0, 0.5, 1])
    axes[3].set_xlabel("$h_1$")
    axes[3].set_ylabel("$h_2$")
    colorbar_axes = fig.add_axes((lefts[2] + side_w + 0.006, bottom, 0.008, side_h))
    fig.colorbar(image, cax=colorbar_axes, ticks=[0, 0.5, 1])
    fig.text(0.045, 0.025, "shading: the unit's output, from 0 (purple) to 1 (orange); "
             "black line: output = 0.5", fontsize=9, color="0.25")
    handles, labels = axes[2].get_legend_handles_labels()
    for handle, label in zip(*axes[3].get_legend_handles_labels()):
        if label not in labels:
            handles.append(handle)
            labels.append(label)
    fig.legend(handles, labels, loc="lower right", ncol=4, frameon=False, fontsize=9)
    return fig


# ----------------------------------------------------------------------------- the widget
class XorExplorer:
    """The parts of the explorer: ``sliders`` (name → FloatSlider), ``reset_button``,
    ``readout``, ``table``, ``output`` and ``widget`` (the VBox to display).

    ``set_params(w11=…, …)`` moves sliders from code and redraws once; ``params`` reads them.
    """

    def __init__(self, params: Mapping[str, float] | None = None) -> None:
        import ipywidgets as widgets

        start = _check_params(SOLUTION if params is None else params)
        self._quiet = False
        self.sliders = {
            name: widgets.FloatSlider(
                value=start[name], min=SLIDER_MIN, max=SLIDER_MAX, step=SLIDER_STEP,
                description=name, readout_format=".0f", continuous_update=False,
                style={"description_width": "36px"}, layout={"width": "250px"},
            )
            for name in PARAM_NAMES
        }
        columns = []
        for header, unit, names in (
            ("hidden unit 1", "h1 = σ(w11·x1 + w12·x2 + b1)", PARAM_NAMES[0:3]),
            ("hidden unit 2", "h2 = σ(w21·x1 + w22·x2 + b2)", PARAM_NAMES[3:6]),
            ("output unit", "ŷ = σ(w31·h1 + w32·h2 + b3)", PARAM_NAMES[6:9]),
        ):
            title = widgets.HTML(f"<b>{header}</b><br><small>{unit}</small>")
            columns.append(widgets.VBox([title, *(self.sliders[n] for n in names)]))
        self.reset_button = widgets.Button(description="Reset to the solution",
                                           icon="undo", layout={"width": "200px"})
        self.readout = widgets.HTML()
        self.readout.add_class("nnedu-readout")
        self.table = widgets.HTML(layout={"margin": "0 0 0 24px", "width": "470px"})
        self.table.add_class("nnedu-xor-points")
        self.output = widgets.Output()
        self.widget = widgets.VBox([
            widgets.HBox(columns),
            widgets.HBox([widgets.VBox([self.reset_button, self.readout]), self.table],
                         layout={"align_items": "center"}),
            self.output,
        ])
        self.widget.add_class("nnedu-xor")
        for slider in self.sliders.values():
            slider.observe(self._on_change, names="value")
        self.reset_button.on_click(lambda _button: self.reset())
        self.redraw()

    @property
    def params(self) -> dict[str, float]:
        """The slider values as a dict, in PARAM_NAMES order."""
        return {name: float(slider.value) for name, slider in self.sliders.items()}

    def set_params(self, **values: float) -> None:
        """Move the named sliders (e.g. ``set_params(b2=-15)``), then redraw once."""
        unknown = [name for name in values if name not in self.sliders]
        if unknown:
            raise ValueError(f"XorExplorer.set_params: unknown names {unknown}; "
                             f"use some of {PARAM_NAMES}.")
        self._quiet = True
        try:
            for name, value in values.items():
                self.sliders[name].value = float(value)
        finally:
            self._quiet = False
        self.redraw()

    def reset(self) -> None:
        """Put every slider back on the hand-picked solution."""
        self.set_params(**SOLUTION)

    def _on_change(self, _change) -> None:
        if not self._quiet:
            self.redraw()

    def redraw(self) -> None:
        """Recompute the readout and the table, and draw the four panels again."""
        import matplotlib.pyplot as plt
        from IPython.display import clear_output

        p = self.params
        with self.output:
            clear_output(wait=True)
            fig = draw_explorer_figure(p)
            plt.show()
            plt.close(fig)
        # The text last: once the readout shows the new count, the new picture is there too.
        H, y_hat = xor_forward(XOR_X, p)
        self.table.value = _points_table(H, y_hat)
        self.readout.value = f"<b>{readout_text(count_correct(p))}</b>"


def _points_table(H: Array, y_hat: Array) -> str:
    """An HTML table: each XOR point, its hidden values, the output and whether it is right."""
    rows = []
    for x, h, out, target in zip(XOR_X, H, y_hat, XOR_Y):
        said = int(out >= 0.5)
        mark = "✓ right" if said == target else "✗ wrong"
        rows.append(
            f"<tr><td>({x[0]:g}, {x[1]:g})</td><td>{h[0]:.2f}</td><td>{h[1]:.2f}</td>"
            f"<td>{out:.3f}</td><td>{said}</td><td>{target}</td><td>{mark}</td></tr>"
        )
    head = ("<tr><th>(x1, x2)</th><th>h1</th><th>h2</th><th>ŷ</th><th>class said</th>"
            "<th>XOR</th><th></th></tr>")
    return ("<table style='border-collapse: collapse; text-align: center' cellpadding='3'>"
            f"{head}{''.join(rows)}</table>")


def xor_explorer(params: Mapping[str, float] | None = None):
    """The 2-2-1 XOR network on sliders (default: the hand-picked solution). Returns a VBox."""
    return XorExplorer(params).widget
