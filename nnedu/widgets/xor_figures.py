"""Lesson 03's figures: single neurons' lines on XOR, the hidden space, a network diagram.

The network, its numbers and the explorer are in ``nnedu.widgets.xor``; this module only draws
(matplotlib is imported inside the functions)::

    from nnedu.widgets import xor_figures
    xor_figures.plot_remap()      # the input plane with the hidden units' lines | hidden space
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nnedu.activations import sigmoid
from nnedu.widgets.xor import (
    PLANE_HI,
    PLANE_LO,
    SOLUTION,
    XOR_X,
    XOR_Y,
    Array,
    _check_params,
    _label_groups,
    _signed_sum,
    formula,
    plane_grid,
    weight_matrices,
    xor_forward,
)


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
    for spot, names in _label_groups(X, H):
        right = spot[0] < 0.6  # write towards the middle of the square
        ax.annotate(names, xy=spot, xytext=(10 if right else -10, -16 if spot[1] > 0.5
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
