"""Lesson 06 · Backprop: the computational graph of the worked example, drawn once, filled in
step by step.

    graph_parts   draw the map once: boxes, names, edges, the operations on the edges, and
                  (hidden until needed) the numbers, the highlight of the step being computed
                  and the arrows of a gradient flowing back
    move_graph    fill the map in for one state: every number known after ``upto`` steps,
                  the step ``upto`` highlighted in vermillion, an inactive ReLU unit greyed
    draw_graph    both at once, as a figure of its own (what the lesson shows)

The graph (w_ij is the weight *into* unit i *from* input j; squares are parameters)::

    x1, x2 ──(w11, w12, b1)──▶ z1 ──ReLU──▶ a1 ─┐
           ──(w21, w22, b2)──▶ z2 ──ReLU──▶ a2 ─┴─(w31, w32, b3)──▶ z3 ──σ──▶ a3 ──BCE(y)──▶ L

Matplotlib is imported inside the functions that draw.
"""

from __future__ import annotations

import math

import numpy as np

from nnedu.widgets.backprop_walk import (
    DEAD_EDGE,
    DEAD_FILL,
    DEAD_TEXT,
    FILL,
    GRADIENT_COLOR,
    HIGHLIGHT,
    NEW_COLOR,
    SEGMENTS,
    _into,
    fmt,
    revealed,
    walk_steps,
)
from nnedu.worked import PARAM_NAMES, WorkedStep

#: Box centres in the graph's own coordinates (inputs left, loss right). The two hidden rows
#: are 7 apart, so that the squares of the crossing weights (w12, w21) clear each other and
#: the units they feed.
POSITIONS: dict[str, tuple[float, float]] = {
    "x1": (0.0, 7.0), "x2": (0.0, 0.0),
    "z1": (6.4, 7.0), "z2": (6.4, 0.0), "b1": (6.4, 9.55), "b2": (6.4, -2.55),
    "a1": (10.0, 7.0), "a2": (10.0, 0.0),
    "z3": (15.2, 3.5), "b3": (15.2, 6.2), "a3": (18.6, 3.5),
    "L": (22.0, 3.5), "y": (22.0, 0.85),
}  # fmt: skip


def _along(start: str, end: str, t: float) -> tuple[float, float]:
    (x0, y0), (x1, y1) = POSITIONS[start], POSITIONS[end]
    return x0 + t * (x1 - x0), y0 + t * (y1 - y0)


# A weight's square sits on its edge; the two crossing edges keep theirs nearer the unit, so
# that no two squares overlap.
POSITIONS.update({
    "w11": _along("x1", "z1", 0.45), "w12": _along("x2", "z1", 0.66),
    "w21": _along("x1", "z2", 0.66), "w22": _along("x2", "z2", 0.45),
    "w31": _along("a1", "z3", 0.5), "w32": _along("a2", "z3", 0.5),
})  # fmt: skip

#: Box sizes (width, height) by kind of box: wide enough for "∇ −0.3779" at 10 pt.
BOX_SIZE = {"input": (1.8, 1.3), "value": (2.3, 1.75), "param": (2.3, 1.85),
            "loss": (2.3, 1.85)}
KINDS = {**{name: "param" for name in PARAM_NAMES}, "x1": "input", "x2": "input",
         "y": "input", "L": "loss",
         **{name: "value" for name in ("z1", "z2", "a1", "a2", "z3", "a3")}}
#: The graph's view, in its own coordinates.
XLIM, YLIM = (-1.1, 23.3), (-3.8, 10.8)
#: Marks in front of the numbers in a box: its gradient and its value after the update.
GRAD_MARK, NEW_MARK = "∇", "→"
NUMBER_FONT = {"fontsize": 10, "family": "DejaVu Sans Mono"}

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _label(name: str) -> str:
    """A box's name with subscript digits: ``"w11"`` → ``"w₁₁"`` (plain Unicode: no mathtext
    to parse on a redraw)."""
    return name[0] + name[1:].translate(_SUBSCRIPTS)


def _edge_ends(start: str, end: str, gap: float = 0.06) -> tuple[tuple[float, float],
                                                                 tuple[float, float]]:
    """Where the line from box ``start`` to box ``end`` leaves the one and meets the other.

    Each box is a rectangle: walking from its centre towards the other centre, the line
    crosses the border after t = min(half width / |dx|, half height / |dy|) of the way.
    """
    (x0, y0), (x1, y1) = POSITIONS[start], POSITIONS[end]
    dx, dy = x1 - x0, y1 - y0

    def exit_fraction(name: str) -> float:
        half_w, half_h = (size / 2 + gap for size in BOX_SIZE[KINDS[name]])
        return min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)

    t0, t1 = exit_fraction(start), 1.0 - exit_fraction(end)
    return (x0 + t0 * dx, y0 + t0 * dy), (x0 + t1 * dx, y0 + t1 * dy)


def dead_units(step: WorkedStep | None) -> set[str]:
    """The graph boxes of every hidden unit whose ReLU is off (z ≤ 0): z, a and its three
    parameters. Empty without a step."""
    if step is None:
        return set()
    dead: set[str] = set()
    for unit in ("1", "2"):
        if getattr(step, f"z{unit}") <= 0:
            dead.update({f"z{unit}", f"a{unit}", *_into(f"z{unit}")})
    return dead


def _box_lines(name: str, step: WorkedStep | None, known: set[tuple[str, str]] | None
               ) -> list[tuple[str, str]]:
    """The text lines under a box's name, as (text, kind) with kind "value", "grad" or "new":
    the value (``"0.2000"``), the gradient (``"∇ −0.3779"``) and, for parameters and the
    loss, the value after the update (``"→ 0.5378"``). What is not computed yet is ``"?"``."""
    if step is None:
        return []

    def shown(key: str, value: float, kind: str) -> tuple[str, str]:
        visible = known is None or (name, key) in known
        text = fmt(value) if visible else "?"
        mark = {"value": "", "grad": GRAD_MARK + " ", "new": NEW_MARK + " "}[kind]
        return (mark + text, kind)

    kind = KINDS[name]
    if kind == "input":
        value = step.target if name == "y" else getattr(step, name)
        return [(fmt(value), "value")]
    if kind == "param":
        return [(fmt(step.params[name]), "value"),
                shown("grad", step.gradients[name], "grad"),
                shown("new", step.updated[name], "new")]
    if kind == "loss":
        return [shown("value", step.loss, "value"),
                shown("grad", 1.0, "grad"),
                shown("after", step.loss_after, "new")]
    return [shown("value", getattr(step, name), "value"),
            shown("grad", getattr(step, f"dL_d{name}"), "grad")]


def _n_lines(name: str) -> int:
    return {"input": 1, "value": 2, "param": 3, "loss": 3}[KINDS[name]]


# ----------------------------------------------------------------------------- drawing
def graph_parts(ax, legend: bool = True) -> dict:
    """Draw the map of the graph once into ``ax``; return its artists for `move_graph`.

    ``parts["moving"]`` lists the artists a new state changes (numbers, highlights, arrows
    back); they lie above every other artist (zorder > 4), so drawing them on a cached
    background gives the same picture as drawing everything (blitting). Restyling an
    inactive unit or new parameter values change the others (``parts["static_state"]``
    says for which inactive units and parameter values they are drawn).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

    boxes, names, numbers, outlines = {}, {}, {}, {}
    for name, (cx, cy) in POSITIONS.items():
        kind = KINDS[name]
        width, height = BOX_SIZE[kind]
        style = ("round,pad=0.02,rounding_size=0.3" if kind in ("value", "input")
                 else "square,pad=0.02")
        corner = (cx - width / 2, cy - height / 2)
        boxes[name] = ax.add_patch(FancyBboxPatch(corner, width, height, boxstyle=style,
                                                  facecolor=FILL[kind], edgecolor="0.2",
                                                  linewidth=1.3, zorder=3, gid=name))
        outlines[name] = ax.add_patch(FancyBboxPatch(
            corner, width, height, boxstyle=style, facecolor="none", edgecolor=HIGHLIGHT,
            linewidth=3.6, zorder=4.6, visible=False, gid=f"{name} (step)"))
        unit = height / (_n_lines(name) + 1.4)  # the name gets 1.4 lines, each number 1
        top = cy + height / 2
        names[name] = ax.text(cx, top - 0.7 * unit, _label(name), ha="center", va="center",
                              fontsize=13, style="italic", zorder=4)
        # a parameter's value (its first line) changes only with the example: not moving
        numbers[name] = [ax.text(cx, top - (k + 0.9) * unit, "", ha="center", va="center",
                                 zorder=4 if (kind == "param" and k == 1) else 4.8,
                                 **NUMBER_FONT)
                         for k in range(1, _n_lines(name) + 1)]
    edges, hot, back = {}, {}, {}
    for start, end in SEGMENTS:
        tail, head = _edge_ends(start, end)
        style = "-|>" if KINDS[end] in ("value", "loss") else "-"
        edges[start, end] = ax.add_patch(FancyArrowPatch(
            tail, head, arrowstyle=style, mutation_scale=13, shrinkA=0, shrinkB=0,
            color="0.25", linewidth=1.3, zorder=2, gid=f"{start}->{end}"))
        hot[start, end] = ax.add_patch(FancyArrowPatch(
            tail, head, arrowstyle=style, mutation_scale=13, shrinkA=0, shrinkB=0,
            color=HIGHLIGHT, linewidth=3.2, zorder=4.2, visible=False,
            gid=f"{start}->{end} (step)"))
        back[start, end] = ax.add_patch(FancyArrowPatch(
            head, tail, arrowstyle="-|>", mutation_scale=20, shrinkA=0, shrinkB=0,
            color=HIGHLIGHT, linewidth=3.2, zorder=4.3, visible=False, gid=f"{end}<-{start}"))
    operations, slopes = {}, {}
    for start, end, operation in (("z1", "a1", "ReLU"), ("z2", "a2", "ReLU"), ("z3", "a3", "σ"),
                                  ("a3", "L", "BCE")):
        (x0, y0), (x1, y1) = POSITIONS[start], POSITIONS[end]
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        operations[start] = ax.text(mx, my + 0.2, operation, ha="center", va="bottom",
                                    fontsize=11, color="0.15")
        # the edges are short: the local slope goes under the two boxes it joins
        below = my - BOX_SIZE["value"][1] / 2 - 0.2
        slopes[start] = ax.text(mx, below, "", ha="center", va="top", fontsize=10,
                                color=GRADIENT_COLOR, zorder=4.7)
    # right of the unit's a box, where no box or edge is
    off_notes = {unit: ax.text(POSITIONS[f"a{unit}"][0] + 1.4, y, "ReLU off:\nno gradient passes",
                               ha="left", va="center", fontsize=10, color=DEAD_TEXT,
                               style="italic", visible=False)
                 for unit, y in (("1", 8.0), ("2", -0.35))}
    ax.set_xlim(*XLIM)
    ax.set_ylim(*YLIM)
    ax.set_aspect("equal")
    ax.axis("off")
    title = ax.set_title(f"in each box: its value, {GRAD_MARK} its gradient dL/d(box), "
                         f"{NEW_MARK} its value after the update", fontsize=11)
    if legend:
        handles = [
            Patch(facecolor=FILL["input"], edgecolor="0.2", label="input / target"),
            Patch(facecolor=FILL["value"], edgecolor="0.2", label="computed value (round)"),
            Patch(facecolor=FILL["param"], edgecolor="0.2", label="parameter (square)"),
            Patch(facecolor=DEAD_FILL, edgecolor=DEAD_EDGE, linestyle="--",
                  label="inactive ReLU unit"),
            Line2D([], [], color=HIGHLIGHT, lw=3.2, label="the step being computed"),
        ]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3,
                  fontsize=10, frameon=False, columnspacing=1.2, handletextpad=0.5)
    moving = [*outlines.values(), *hot.values(), *back.values(), *slopes.values(),
              *(text for name, texts in numbers.items() for text in texts
                if text is not texts[0] or KINDS[name] != "param")]
    return {"boxes": boxes, "names": names, "numbers": numbers, "outlines": outlines,
            "edges": edges, "hot": hot, "back": back, "operations": operations,
            "slopes": slopes, "off_notes": off_notes, "title": title, "moving": moving,
            "static_state": None}


def _restyle(parts: dict, dead: set[str]) -> None:
    """Grey and dash the boxes, names and edges of inactive units (not moving artists)."""
    for name, box in parts["boxes"].items():
        is_dead = name in dead
        box.set_facecolor(DEAD_FILL if is_dead else FILL[KINDS[name]])
        box.set_edgecolor(DEAD_EDGE if is_dead else "0.2")
        box.set_linestyle("--" if is_dead else "-")
        parts["names"][name].set_color(DEAD_TEXT if is_dead else "black")
    for (start, end), edge in parts["edges"].items():
        is_dead = start in dead or end in dead
        edge.set_color(DEAD_EDGE if is_dead else "0.25")
        edge.set_linestyle("--" if is_dead else "-")
    for start, text in parts["operations"].items():
        text.set_color(DEAD_TEXT if start in dead else "0.15")
    for unit, note in parts["off_notes"].items():
        note.set_visible(f"z{unit}" in dead)


def move_graph(parts: dict, step: WorkedStep | None, upto: int | None = None) -> bool:
    """Fill the graph in for ``step`` after its first ``upto`` steps (None: all of them), the
    step ``upto`` highlighted. Returns True when the artists that are not moving changed too
    (an inactive unit appeared or went, or the parameters' values changed): the caller must
    then redraw the background."""
    steps = walk_steps(step) if step is not None else []
    if upto is not None:
        if step is None:
            raise ValueError("draw_graph: upto needs a step (the numbers to show).")
        if isinstance(upto, bool) or not isinstance(upto, (int, np.integer)) \
                or not 0 <= upto <= len(steps):
            raise ValueError(f"draw_graph: upto must be a whole number from 0 to {len(steps)}, "
                             f"got {upto!r}.")
    known = revealed(steps, upto) if (step is not None and upto is not None) else None
    current = steps[upto - 1] if (upto is not None and upto > 0) else None
    dead = dead_units(step)
    static = (frozenset(dead), tuple(fmt(step.params[name]) if step is not None else ""
                                     for name in PARAM_NAMES))
    restyled = parts["static_state"] != static
    if restyled:
        _restyle(parts, dead)
        parts["static_state"] = static
    for name, texts in parts["numbers"].items():
        lines = _box_lines(name, step, known)
        for k, text in enumerate(texts):
            content, kind = lines[k] if k < len(lines) else ("", "value")
            text.set_text(content)
            text.set_color(DEAD_TEXT if name in dead else
                           {"grad": GRADIENT_COLOR, "new": NEW_COLOR}.get(kind, "black"))
        parts["outlines"][name].set_visible(current is not None and name in current.nodes)
    backward = current is not None and current.stage == "backward"
    segments = set(current.segments) if current is not None else set()
    for key in parts["hot"]:
        parts["hot"][key].set_visible(key in segments and not backward)
        parts["back"][key].set_visible(key in segments and backward)
    for start, text in parts["slopes"].items():
        slope = None
        if step is not None and start in ("z1", "z2"):
            slope = f"gate {1 if getattr(step, start) > 0 else 0}"
        elif step is not None and start == "z3":
            slope = f"σ′ {fmt(step.da3_dz3)}"
        visible = known is None or (start, "local") in known
        text.set_text("" if slope is None else (slope if visible else "?"))
        text.set_color(DEAD_TEXT if start in dead else GRADIENT_COLOR)
    return restyled


def draw_graph(step: WorkedStep | None = None, upto: int | None = None, ax=None,
               title: str | None = None, figsize: tuple[float, float] = (8.4, 6.1),
               legend: bool = True):
    """Draw the network as a computational graph.

    - ``step=None``: the bare map, names only.
    - ``step`` given, ``upto=None``: every value, gradient (∇, = dL/d·) and updated
      parameter (→) filled in, and the local slopes on the activation edges.
    - ``upto=k`` (0 … 27): only what the first k steps of ``walk_steps`` computed is
      shown (the rest is "?"), and step k is highlighted in vermillion: its boxes get a
      thick outline, its edges a thick line (backward steps: an arrow pointing back).

    A hidden unit whose ReLU is off (z ≤ 0) is greyed and dashed, with its parameters.
    Returns the matplotlib axes.
    """
    if ax is None:  # an axes filling the figure: the graph is as large as the figure allows
        import matplotlib.pyplot as plt

        ax = plt.figure(figsize=figsize).add_axes(GRAPH_AXES)
    parts = graph_parts(ax, legend=legend and step is not None)
    move_graph(parts, step, upto)
    if step is None:
        parts["title"].set_text("computational graph")
    if title is not None:
        parts["title"].set_text(title)
    return ax


#: Where the graph's axes sit in its figure (fractions): room for the title and the legend.
GRAPH_AXES = (0.0, 0.1, 1.0, 0.84)
