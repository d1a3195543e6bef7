"""Lesson 06a · Autograd from scratch: step through ``backward()`` node by node.

A small expression in x and y (typed by the student or picked from a list) is built from
``nnedu.autograd.Value``s; its computation graph is drawn with every node's value and gradient.
Back / Next (or the step slider) walk through ``Value.backward_steps()``: first the result's
gradient is set to 1, then each operation in turn passes its gradient on to its inputs
(``grad += local derivative × out.grad``). A gradient that is still waiting for a share from
another user is drawn in orange with "…"; a complete one in blue.

    graph_parts        draw a pool of boxes and edges once; move_value_graph fills them in
    draw_value_graph   a Value's graph as a still figure (what the lesson shows)
    AutogradStepper    the explorer (shared base: nnedu.widgets.explorer)

The numbers (the expression reader, the walk, the readout) are in
``nnedu.widgets.autograd_walk`` and importable from here. Colours and the number format are
lesson 06's (``nnedu.widgets.backprop_walk``).
"""

from __future__ import annotations

import html

from nnedu.widgets.autograd_walk import (
    BOX_H,
    BOX_W,
    EXPRESSIONS,
    FUNCTIONS,
    LOCAL_RULES,
    MAX_NODES,
    MINUS,
    XLIM,
    YLIM,
    Walk,
    _names,
    build_expression,
    step_html,
    value_walk,
)
from nnedu.widgets.backprop_walk import FILL, GRADIENT_COLOR, HIGHLIGHT, fmt
from nnedu.widgets.explorer import Explorer, back_next_buttons, slider

PARTIAL_COLOR = "#A65400"  # dark orange: a gradient that still waits for a share
WAITING_COLOR = "0.55"


# ----------------------------------------------------------------------------- drawing
NUMBER_FONT = {"fontsize": 10, "family": "DejaVu Sans Mono"}
N_EDGES = 2 * MAX_NODES


def graph_parts(ax) -> dict:
    """A pool of MAX_NODES boxes and N_EDGES edges, hidden, drawn once into ``ax``.

    ``parts["moving"]``: the artists a new step changes (numbers, highlights, arrows back).
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    style = "round,pad=0.02,rounding_size=0.12"
    boxes, outlines, names, values, grads = [], [], [], [], []
    for _ in range(MAX_NODES):
        boxes.append(ax.add_patch(FancyBboxPatch((0, 0), BOX_W, BOX_H, boxstyle=style,
                                                 facecolor=FILL["value"], edgecolor="0.2",
                                                 linewidth=1.2, zorder=3, visible=False)))
        outlines.append(ax.add_patch(FancyBboxPatch((0, 0), BOX_W, BOX_H, boxstyle=style,
                                                    facecolor="none", edgecolor=HIGHLIGHT,
                                                    linewidth=3.4, zorder=4.6, visible=False)))
        names.append(ax.text(0, 0, "", ha="center", va="center", fontsize=11, zorder=4,
                             visible=False))
        values.append(ax.text(0, 0, "", ha="center", va="center", zorder=4.8, visible=False,
                              **NUMBER_FONT))
        grads.append(ax.text(0, 0, "", ha="center", va="center", zorder=4.8, visible=False,
                             **NUMBER_FONT))
    edges, back = [], []
    for _ in range(N_EDGES):
        edges.append(ax.add_patch(FancyArrowPatch((0, 0), (1, 1), arrowstyle="-|>",
                                                  mutation_scale=11, color="0.35",
                                                  linewidth=1.1, zorder=2, visible=False)))
        back.append(ax.add_patch(FancyArrowPatch((1, 1), (0, 0), arrowstyle="-|>",
                                                 mutation_scale=18, color=HIGHLIGHT,
                                                 linewidth=3.0, zorder=4.3, visible=False)))
    ax.set_xlim(*XLIM)
    ax.set_ylim(*YLIM)
    ax.axis("off")
    title = ax.set_title("in each box: its name, its value, ∇ its gradient ∂f/∂(box)  ·  "
                         "orange …: more shares to come", fontsize=11)
    moving = [*outlines, *back, *values, *grads]
    return {"boxes": boxes, "outlines": outlines, "names": names, "values": values,
            "grads": grads, "edges": edges, "back": back, "title": title, "moving": moving,
            "layout": None}


def _edge_points(walk: Walk, i: int, k: int):
    (x0, y0), (x1, y1) = walk.positions[i], walk.positions[k]
    return (x0 + BOX_W / 2 + 0.03, y0), (x1 - BOX_W / 2 - 0.03, y1)


def move_value_graph(parts: dict, walk: Walk, step: int | None = None) -> bool:
    """Fill the pool in for ``walk`` after ``step`` steps (None: the end, no highlight).
    Returns True when the layout changed (boxes, names, edges: the caller redraws the
    background)."""
    highlight = step is not None and step > 0
    step = walk.n_steps if step is None else step
    layout = (walk.expression, walk.positions, walk.names)
    changed = parts["layout"] != layout
    if changed:
        parts["layout"] = layout
        for j in range(MAX_NODES):
            used = j < len(walk.nodes)
            for key in ("boxes", "names", "values", "grads"):
                parts[key][j].set_visible(used)
            if not used:
                continue
            cx, cy = walk.positions[j]
            node = walk.nodes[j]
            kind = "value" if node._prev else ("input" if node.label else "param")
            parts["boxes"][j].set_bounds(cx - BOX_W / 2, cy - BOX_H / 2, BOX_W, BOX_H)
            parts["boxes"][j].set_facecolor(FILL["loss"] if j == len(walk.nodes) - 1
                                            else FILL[kind])
            parts["outlines"][j].set_bounds(cx - BOX_W / 2, cy - BOX_H / 2, BOX_W, BOX_H)
            parts["names"][j].set_text(f"{walk.names[j]}  {_symbol(node._op)}".strip())
            parts["names"][j].set_position((cx, cy + 0.27))
            parts["values"][j].set_position((cx, cy - 0.02))
            parts["grads"][j].set_position((cx, cy - 0.28))
        for e in range(N_EDGES):
            used = e < len(walk.edges)
            parts["edges"][e].set_visible(used)
            if used:
                i, k = walk.edges[e]
                tail, head = _edge_points(walk, i, k)
                # an edge that skips a column curves around the boxes in between
                bend = head[0] - tail[0] > 1.5 * BOX_W
                rad = (-0.25 if head[1] <= tail[1] else 0.25) if bend else 0.0
                parts["edges"][e].set_positions(tail, head)
                parts["edges"][e].set_connectionstyle(f"arc3,rad={rad}")
                parts["back"][e].set_positions(head, tail)
                parts["back"][e].set_connectionstyle(f"arc3,rad={-rad}")
    active = walk.active[step] if highlight else None
    seed = highlight and active is None
    for j in range(min(MAX_NODES, len(walk.nodes))):
        parts["values"][j].set_text(fmt(walk.nodes[j].data))
        grad, done = walk.grads[step][j], walk.done[step][j]
        waiting = grad == 0.0 and not done
        parts["grads"][j].set_text(f"∇ {fmt(grad)}" + ("" if done or waiting else " …"))
        parts["grads"][j].set_color(GRADIENT_COLOR if done else
                                    (WAITING_COLOR if waiting else PARTIAL_COLOR))
        parts["outlines"][j].set_visible(j == active or (seed and j == len(walk.nodes) - 1))
    for e in range(N_EDGES):
        parts["back"][e].set_visible(e < len(walk.edges) and active is not None
                                     and walk.edges[e][1] == active)
    return changed


def _symbol(op: str) -> str:
    """How a box names its operation: "×" for *, "^2" for **2, else the name itself."""
    if op.startswith("**"):
        return "^" + op[2:].replace("-", MINUS)
    return {"*": "×"}.get(op, op)


def draw_value_graph(expression: str = EXPRESSIONS[0], x: float = 2.0, y: float = -3.0,
                     step: int | None = None, ax=None, title: str | None = None):
    """The graph of ``expression`` at (x, y) as a still figure, after ``step`` steps of
    backward (None: all of them). Returns the matplotlib axes."""
    walk = value_walk(expression, float(x), float(y))
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.figure(figsize=AutogradStepper.figsize).add_axes(GRAPH_AXES)
    parts = graph_parts(ax)
    move_value_graph(parts, walk, step)
    if title is not None:
        parts["title"].set_text(title)
    return ax


GRAPH_AXES = (0.01, 0.01, 0.98, 0.9)


# ----------------------------------------------------------------------------- the explorer
class AutogradStepper(Explorer):
    """Back / Next through ``backward()`` on the graph of a small expression.

    Controls: ``expression`` (type one or pick from the list), ``x``, ``y`` (sliders) and
    ``step`` (0 … the number of steps; Back and Next move it). A new expression starts at
    step 0; new x or y keep the step. From code: ``next()``, ``back()``, ``go_to(n)``;
    ``walk`` is the current Walk, ``error`` the message for an expression that cannot be used.
    """

    title = "Lesson 06a stepper: Back / Next through backward(), node by node"
    figsize = (9.0, 4.2)

    def __init__(self, expression: str = EXPRESSIONS[0], x: float = 2.0, y: float = -3.0,
                 step: int = 0) -> None:
        self.walk = value_walk(expression, float(x), float(y))  # raises on a bad expression
        self.start = (expression, float(x), float(y), int(step))
        self.error = ""
        super().__init__()
        self.widget.add_class("nnedu-autograd-stepper")

    def build(self, fig) -> None:
        import ipywidgets as widgets

        expression, x, y, step = self.start
        self.add_control("expression", widgets.Combobox(
            value=expression, options=list(EXPRESSIONS), description="f(x, y) =",
            ensure_option=False, continuous_update=False, placeholder="e.g. tanh(x*y + 1)",
            layout=widgets.Layout(width="330px")))
        self.add_control("x", slider("x", x, -3.0, 3.0, 0.1, fmt=".1f", width="250px"))
        self.add_control("y", slider("y", y, -3.0, 3.0, 0.1, fmt=".1f", width="250px"))
        self.add_control("step", widgets.IntSlider(
            value=step, min=0, max=max(step, self.walk.n_steps), description="step",
            continuous_update=True, layout=widgets.Layout(width="300px")))
        self.back_button, self.next_button = back_next_buttons(self.back, self.next)
        self.controls["expression"].add_class("nnedu-expression")
        self.controls["expression"].observe(self._new_expression, names="value")
        self.parts = graph_parts(fig.add_axes(GRAPH_AXES))
        for artist in self.parts["moving"]:
            self.moving(artist)

    def children(self) -> list:
        import ipywidgets as widgets

        c = self.controls
        row = widgets.Layout(align_items="center", flex_flow="row wrap")
        return [widgets.HBox([c["expression"], c["x"], c["y"]], layout=row),
                widgets.HBox([self.back_button, self.next_button, c["step"]], layout=row),
                self.readout, self.image]

    def _new_expression(self, change) -> None:
        """Runs before the base's observer: a new expression starts at step 0."""
        self._pending = True
        self.controls["step"].value = 0
        self._pending = False

    def show(self, values) -> str:
        try:
            self.walk = value_walk(values["expression"], values["x"], values["y"])
            self.error = ""
        except ValueError as error:  # keep the last graph that could be drawn
            self.error = str(error)
        step_control = self.controls["step"]
        if step_control.max != self.walk.n_steps:  # keep the slider's range to this walk
            pending, self._pending = self._pending, True
            step_control.max = self.walk.n_steps
            self._pending = pending
        self.position = min(int(values["step"]), self.walk.n_steps)
        if move_value_graph(self.parts, self.walk, self.position):
            self.redraw_background()
        self.back_button.disabled = self.position <= 0
        self.next_button.disabled = self.position >= self.walk.n_steps
        text = step_html(self.walk, self.position)
        if self.error:
            text = (f"<span style='color: {HIGHLIGHT}'>✗ {html.escape(self.error)} (still "
                    f"showing f = {html.escape(self.walk.expression)})</span><br>") + text
        return f"<div style='font-size: 14px; line-height: 1.5'>{text}</div>"

    def go_to(self, position: int) -> None:
        """Show step ``position`` (0 … walk.n_steps)."""
        self.set(step=max(0, min(int(position), self.walk.n_steps)))

    def next(self) -> None:
        self.go_to(self.position + 1)

    def back(self) -> None:
        self.go_to(self.position - 1)


def autograd_stepper(expression: str = EXPRESSIONS[0], x: float = 2.0, y: float = -3.0,
                     step: int = 0) -> AutogradStepper:
    """The stepper: type an expression in x and y (or pick one), then Back / Next through
    backward() node by node. Displays itself in a notebook."""
    return AutogradStepper(expression, x, y, step)


__all__ = [
    "AutogradStepper", "BOX_H", "BOX_W", "EXPRESSIONS", "FUNCTIONS", "LOCAL_RULES", "MINUS",
    "Walk", "XLIM", "YLIM", "_names", "autograd_stepper", "build_expression", "draw_value_graph",
    "graph_parts", "move_value_graph", "step_html", "value_walk",
]  # fmt: skip
