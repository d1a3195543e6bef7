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
readout ("XOR solved: 4 of 4 points right" and a table of the four points, CSS class
``nnedu-readout``) and four panels: h1, h2 and ŷ over the plane, and the four points as the
hidden layer sees them, in (h1, h2) space, with the output unit's line. The lesson's other
figures (single neurons' lines, the hidden space, a network diagram) are in
``nnedu.widgets.xor_figures``.

Matplotlib and ipywidgets are imported inside the functions that draw, so that importing
this module for its numbers (``xor_forward``, ``count_correct``) stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nnedu.activations import sigmoid
from nnedu.widgets.explorer import Explorer, slider

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


# ----------------------------------------------------------------------------- the widget
#: Where the explorer's four square panels sit, in inches: (left, bottom); each SIDE wide.
PANELS = ((0.75, 4.3), (4.35, 4.3), (0.75, 1.15), (4.35, 1.15))
SIDE, FIG_SIZE = 2.2, (7.8, 7.0)


def _segment(w1: float, w2: float, b: float, lo: float, hi: float) -> tuple[Array, Array]:
    """Two points of the line w1·u + w2·v + b = 0 spanning the square [lo, hi]² (empty when
    w1 = w2 = 0)."""
    if w1 == 0 and w2 == 0:
        return np.array([]), np.array([])
    if abs(w2) >= abs(w1):
        u = np.array([lo, hi])
        return u, -(w1 * u + b) / w2
    v = np.array([lo, hi])
    return -(w2 * v + b) / w1, v


def _label_groups(X: Array, H: Array) -> list[tuple[Array, str]]:
    """Where each input point lands in hidden space, with its name; points that land on the
    same spot share one label, e.g. "(0, 1) (1, 0)"."""
    groups: list[tuple[Array, list[str]]] = []
    for x, h in zip(X, H):
        name = f"({x[0]:g}, {x[1]:g})"
        for spot, names in groups:
            if np.allclose(spot, h, atol=0.04):
                names.append(name)
                break
        else:
            groups.append((h, [name]))
    return [(spot, " ".join(names)) for spot, names in groups]


class XorExplorer(Explorer):
    """The 2-2-1 network's nine weights on sliders, a reset button, the four points' table
    and four panels: h1, h2 and ŷ over the plane, and the points in hidden space."""

    title = "Lesson 03 explorer: a 2-2-1 network on XOR, its nine weights on sliders"
    figsize = FIG_SIZE

    def __init__(self, params: Mapping[str, float] | None = None) -> None:
        self.start = _check_params(SOLUTION if params is None else params)
        super().__init__()

    def build(self, fig) -> None:
        from matplotlib.collections import LineCollection

        from nnedu.plots import COLORS, DIVERGING, MARKERS

        for name in PARAM_NAMES:
            self.add_control(name, slider(name, self.start[name], SLIDER_MIN, SLIDER_MAX,
                                          SLIDER_STEP, fmt=".0f", width="250px"))
        width, height = FIG_SIZE
        axes = [fig.add_axes((x / width, y / height, SIDE / width, SIDE / height))
                for x, y in PANELS]
        self.xx, self.yy, self.points = plane_grid()
        self.images, self.lines, self.heads = [], [], []
        for k, ax in enumerate(axes):
            lo, hi = (PLANE_LO, PLANE_HI) if k < 3 else (-0.1, 1.1)
            self.images.append(self.moving(ax.imshow(
                np.zeros((2, 2)), origin="lower", extent=(lo, hi, lo, hi), cmap=DIVERGING,
                vmin=0.0, vmax=1.0, alpha=0.6, interpolation="nearest")))
            self.lines.append(self.moving(ax.plot([], [], color="k", lw=2)[0]))
            self.heads.append(self.moving(ax.set_title("", fontsize=11)))
            ax.set_xlim(lo, hi)
            ax.set_ylim(lo, hi)
            ax.set_xticks([0, 0.5, 1])
            ax.set_yticks([0, 0.5, 1])
            names = ("$x_1$", "$x_2$") if k < 3 else ("$h_1$ (hidden unit 1)",
                                                    "$h_2$ (hidden unit 2)")
            ax.set_xlabel(names[0])
            ax.set_ylabel(names[1])
        self.output_line = self.moving(axes[2].add_collection(LineCollection([], colors="k",
                                                                              linewidths=2)))
        self.dots = []  # per panel: the class-0 and class-1 points, drawn over the shading
        for ax in axes:
            self.dots.append([self.moving(ax.scatter(
                *XOR_X[XOR_Y == c].T, s=70, c=COLORS[c], marker=MARKERS[c], edgecolors="black",
                linewidths=1.0, zorder=3, label=f"class {c}")) for c in (0, 1)])
        self.crosses = [self.moving(ax.scatter([], [], s=180, marker="x", c=COLORS[3],
                                               linewidths=2.5, zorder=4, label="wrong"))
                        for ax in axes[2:]]
        self.names = [self.moving(axes[3].text(0, 0, "", fontsize=10, zorder=5, bbox={
            "boxstyle": "round,pad=0.2", "fc": "white", "ec": "0.7", "alpha": 0.9}))
            for _ in XOR_X]
        colorbar = fig.add_axes(((PANELS[1][0] + SIDE + 0.5) / width, PANELS[1][1] / height,
                                 0.12 / width, SIDE / height))
        fig.colorbar(self.images[0], cax=colorbar, ticks=[0, 0.5, 1])
        fig.legend(handles=[*self.dots[2], self.crosses[0]], loc="lower right", ncol=3,
                   frameon=False, fontsize=10, bbox_to_anchor=(0.98, 0.0))
        fig.text(0.03, 0.025, "shading: the unit's output, 0 (purple) to 1 (orange)\n"
                 "black line: output = 0.5", fontsize=10, color="0.25")

    def children(self) -> list:
        import ipywidgets as widgets

        columns = []
        for header, unit, names in (
            ("hidden unit 1", "h1 = σ(w11·x1 + w12·x2 + b1)", PARAM_NAMES[0:3]),
            ("hidden unit 2", "h2 = σ(w21·x1 + w22·x2 + b2)", PARAM_NAMES[3:6]),
            ("output unit", "ŷ = σ(w31·h1 + w32·h2 + b3)", PARAM_NAMES[6:9]),
        ):
            title = widgets.HTML(f"<b>{header}</b><br><small>{unit}</small>")
            columns.append(widgets.VBox([title, *(self.controls[n] for n in names)]))
        self.reset_button = widgets.Button(description="Reset to the solution", icon="undo",
                                           layout={"width": "200px"})
        self.reset_button.on_click(lambda _button: self.reset())
        return [widgets.HBox(columns), widgets.HBox([self.reset_button, self.readout]),
                self.image]

    def reset(self) -> None:
        """Put every slider back on the hand-picked solution."""
        self.set(**SOLUTION)

    @property
    def params(self) -> dict[str, float]:
        """The slider values as a dict, in PARAM_NAMES order."""
        return {name: float(value) for name, value in self.values().items()}

    def show(self, values) -> str:
        p = _check_params(values)
        H, y_hat = xor_forward(self.points, p)
        h_points, y_points = xor_forward(XOR_X, p)
        wrong = (y_points >= 0.5).astype(int) != XOR_Y
        side = np.linspace(-0.1, 1.1, 61)
        hh1, hh2 = np.meshgrid(side, side)
        z3 = p["w31"] * hh1 + p["w32"] * hh2 + p["b3"]
        grids = (H[:, 0].reshape(self.xx.shape), H[:, 1].reshape(self.xx.shape),
                 y_hat.reshape(self.xx.shape), sigmoid(z3))
        for image, grid in zip(self.images, grids):
            image.set_data(grid)
        for k, (w1, w2, b) in enumerate(((p["w11"], p["w12"], p["b1"]),
                                         (p["w21"], p["w22"], p["b2"]),
                                         (0.0, 0.0, 0.0),
                                         (p["w31"], p["w32"], p["b3"]))):
            lo, hi = (PLANE_LO, PLANE_HI) if k < 3 else (-0.1, 1.1)
            self.lines[k].set_data(*_segment(w1, w2, b, lo, hi))
        self.output_line.set_segments(_level_lines(self.xx, self.yy, grids[2], 0.5))
        for c in (0, 1):
            self.dots[3][c].set_offsets(h_points[XOR_Y == c])
        self.crosses[0].set_offsets(XOR_X[wrong] if wrong.any() else np.empty((0, 2)))
        self.crosses[1].set_offsets(h_points[wrong] if wrong.any() else np.empty((0, 2)))
        groups = _label_groups(XOR_X, h_points)
        for k, text in enumerate(self.names):
            text.set_visible(k < len(groups))
            if k < len(groups):
                spot, name = groups[k]
                right = spot[0] < 0.6  # write towards the middle of the square
                text.set_text(name)
                text.set_position((spot[0] + (0.06 if right else -0.06),
                                   spot[1] + (-0.1 if spot[1] > 0.5 else 0.07)))
                text.set_horizontalalignment("left" if right else "right")
        self.heads[0].set_text(f"hidden unit 1\nh1 = σ({formula(p, 'h1')})")
        self.heads[1].set_text(f"hidden unit 2\nh2 = σ({formula(p, 'h2')})")
        self.heads[2].set_text(f"output\nŷ = σ({formula(p, 'y')})")
        self.heads[3].set_text(f"hidden space: the output's line\n{formula(p, 'y')} = 0")
        return (f"<b>{readout_text(int(np.sum(~wrong)))}</b>"
                + _points_table(h_points, y_points))


def _level_lines(xx: Array, yy: Array, grid: Array, level: float) -> list[Array]:
    """The curves where ``grid`` (values at the points xx, yy) crosses ``level``."""
    import contourpy

    return list(contourpy.contour_generator(xx, yy, grid).lines(level))


def _points_table(H: Array, y_hat: Array) -> str:
    """An HTML table: each XOR point, its hidden values, the output and whether it is right.

    Fixed column widths, so that the table never changes size (nothing below it jumps)."""
    rows = []
    for x, h, out, target in zip(XOR_X, H, y_hat, XOR_Y):
        said = int(out >= 0.5)
        mark = "✓ right" if said == target else "✗ wrong"
        rows.append(
            f"<tr><td>({x[0]:g}, {x[1]:g})</td><td>{h[0]:.2f}</td><td>{h[1]:.2f}</td>"
            f"<td>{out:.3f}</td><td>{said}</td><td>{target}</td><td>{mark}</td></tr>"
        )
    widths = (80, 60, 60, 70, 90, 50, 80)
    columns = "".join(f"<col style='width:{w}px'>" for w in widths)
    head = ("<tr><th>(x1, x2)</th><th>h1</th><th>h2</th><th>ŷ</th><th>class said</th>"
            "<th>XOR</th><th></th></tr>")
    return (f"<table class='nnedu-xor-points' style='border-collapse: collapse; text-align: "
            f"center; table-layout: fixed; width: {sum(widths)}px; font-variant-numeric: "
            f"tabular-nums; line-height: 1.3' cellpadding='1'>"
            f"{columns}{head}{''.join(rows)}</table>")


def xor_explorer(params: Mapping[str, float] | None = None) -> XorExplorer:
    """The 2-2-1 XOR network on sliders (default: the hand-picked solution)."""
    return XorExplorer(params)
