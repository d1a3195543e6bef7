"""Lesson 06 · Backprop: the worked example, walked through one number at a time.

The stepper: Back / Next (or the step slider) through the 27 steps of one training step —
forward (1–6), loss (7), backward (8–23), update (24–27) — on the computational graph, with
sliders for x1, x2 and the target y and a choice of the two ready examples. It is an explorer
on the shared base (``nnedu.widgets.explorer``): the graph is built once; a new step only fills
in numbers and moves the highlight (blitted on the cached background), and each state's
picture is kept.

The parts it is made of, importable from here as the lesson does:

    nnedu.widgets.backprop_walk    walk_steps, step_text, formula_lines, fmt, fmt_given,
                                   loss_along_step, plot_loss_along_step (the numbers)
    nnedu.widgets.backprop_graph   draw_graph, graph_parts, move_graph, dead_units (the graph)
"""

from __future__ import annotations

import html
from functools import lru_cache

from nnedu.widgets.backprop_graph import (
    GRAPH_AXES,
    POSITIONS,
    dead_units,
    draw_graph,
    graph_parts,
    move_graph,
)
from nnedu.widgets.backprop_walk import (
    DEAD_FILL,
    HIGHLIGHT,
    INPUT_RANGE,
    N_STEPS,
    STAGE_TITLES,
    TARGET_RANGE,
    VARIANTS,
    WalkStep,
    fmt,
    fmt_given,
    formula_lines,
    loss_along_step,
    plot_loss_along_step,
    revealed,
    step_text,
    walk_steps,
)
from nnedu.widgets.explorer import Explorer, back_next_buttons, slider
from nnedu.worked import WorkedStep, worked_step


@lru_cache(maxsize=64)
def worked_walk(variant: str, x1: float, x2: float, target: float
                ) -> tuple[WorkedStep, tuple[WalkStep, ...]]:
    """The numbers of one example for these inputs, and their walk (cached per setting)."""
    example = VARIANTS[variant]
    step = worked_step(x1, x2, target, dict(example.weights), lr=example.lr)
    return step, tuple(walk_steps(step))


def readout_html(walk: WalkStep, total: int = N_STEPS) -> str:
    """The readout: the step with its numbers, then one line on what it means."""
    first, *rest = step_text(walk, total).split("\n")
    body = html.escape(first)
    if rest:
        body += "<br>" + "<br>".join(html.escape(line) for line in rest)
    return (f"<div style='font-size: 15px; line-height: 1.5'>"
            f"<span style='font-family: monospace'>{body}</span><br>"
            f"<span style='color: #555'>[{STAGE_TITLES[walk.stage]}] "
            f"{html.escape(walk.hint)}</span></div>")


class BackpropStepper(Explorer):
    """Back / Next through the 27 steps of one training step, on the computational graph.

    Controls: ``variant`` (the two ready examples), ``x1``, ``x2``, ``target`` (sliders) and
    ``step`` (1 … 27; the Back and Next buttons move it). Changing an input recomputes every
    number with ``nnedu.worked.worked_step`` and stays at the same step, so the same formula
    shows the new numbers; choosing an example resets the inputs to its values.
    From code: ``next()``, ``back()``, ``go_to(n)``, ``set_inputs(x1=…)``, ``choose(variant)``;
    ``step`` is the current WorkedStep, ``steps`` its walk, ``position`` the step shown.
    """

    title = "Lesson 06 stepper: Back / Next through backprop on the computational graph"
    figsize = (8.4, 6.1)

    def __init__(self, variant: str = "both hidden units active", position: int = 1) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"backprop_stepper: variant must be one of {list(VARIANTS)}, "
                             f"got {variant!r}.")
        self.start = variant
        self.position = self._checked_position(position)
        self.pictures: dict[tuple, bytes] = {}  # state → PNG (see render)
        super().__init__()
        self.widget.add_class("nnedu-backprop-stepper")

    def build(self, fig) -> None:
        import ipywidgets as widgets

        example = VARIANTS[self.start]
        self.add_control("variant", widgets.Dropdown(
            options=list(VARIANTS), value=self.start, description="example",
            layout=widgets.Layout(width="330px")))
        for name, label, value, (lo, hi, step) in (
                ("x1", "x1", example.x1, INPUT_RANGE), ("x2", "x2", example.x2, INPUT_RANGE),
                ("target", "target y", example.target, TARGET_RANGE)):
            self.add_control(name, slider(label, value, lo, hi, step, fmt=".1f",
                                          continuous=False, width="270px"))
        self.add_control("step", widgets.IntSlider(
            value=self.position, min=1, max=N_STEPS, description="step",
            continuous_update=False, layout=widgets.Layout(width="330px")))
        self.back_button, self.next_button = back_next_buttons(self.back, self.next)
        # Runs before the base's observer: a new example brings its own inputs.
        self.controls["variant"].observe(self._reset_inputs, names="value")
        self.parts = graph_parts(fig.add_axes(GRAPH_AXES))
        parts = self.parts
        # Blitted: what a state changes (numbers, highlights, arrows back), and what lies on
        # top of those in the full drawing (boxes, names, the operations on the edges), so
        # the picture is the same as one drawn from scratch.
        for artist in parts["moving"]:
            self.moving(artist)

    def children(self) -> list:
        import ipywidgets as widgets

        c = self.controls
        row = widgets.Layout(align_items="center")
        return [widgets.HBox([c["variant"], self.back_button, self.next_button, c["step"]],
                             layout=row),
                widgets.HBox([c["x1"], c["x2"], c["target"]], layout=row),
                self.readout, self.image]

    def _checked_position(self, position: int) -> int:
        if isinstance(position, bool) or not isinstance(position, int) \
                or not 1 <= position <= N_STEPS:
            raise ValueError(f"BackpropStepper: a step number must be a whole number from 1 "
                             f"to {N_STEPS}, got {position!r}.")
        return position

    def _reset_inputs(self, change) -> None:
        example = VARIANTS[change["new"]]
        self._pending = True  # the sliders' observers see a render on its way
        for name in ("x1", "x2", "target"):
            self.controls[name].value = getattr(example, name)
        self._pending = False  # the base's observer of the example renders once

    def show(self, values) -> str:
        self.step, steps = worked_walk(values["variant"], values["x1"], values["x2"],
                                       values["target"])
        self.steps = list(steps)
        self.position = int(values["step"])
        if move_graph(self.parts, self.step, self.position):
            self.redraw_background()  # an inactive unit appeared or went: boxes restyled
        self.state = tuple(values[name] for name in ("variant", "x1", "x2", "target", "step"))
        self.back_button.disabled = self.position <= 1
        self.next_button.disabled = self.position >= N_STEPS
        return readout_html(self.current, N_STEPS)

    def render(self) -> bytes:
        """The cached background (boxes, names, edges) with the numbers and the highlight of
        this state drawn on top; each state's picture is kept, so a step already seen (Back)
        shows at once. The background is drawn again only when an inactive unit appears or
        goes (``show``); every text that a state changes is a moving artist."""
        if self.state not in self.pictures:
            if len(self.pictures) >= 256:
                self.pictures.clear()
            self.pictures[self.state] = super().render()
        return self.pictures[self.state]

    # ---- from code (and the buttons)
    @property
    def current(self) -> WalkStep:
        """The step shown now."""
        return self.steps[self.position - 1]

    @property
    def inputs(self) -> tuple[float, float, float]:
        """(x1, x2, target) as the sliders show them."""
        v = self.values()
        return v["x1"], v["x2"], v["target"]

    def go_to(self, position: int) -> None:
        """Show step ``position`` (1 … 27)."""
        self.set(step=self._checked_position(position))

    def next(self) -> None:
        """One step forward (stays on the last step)."""
        self.go_to(min(self.position + 1, N_STEPS))

    def back(self) -> None:
        """One step back (stays on the first step)."""
        self.go_to(max(self.position - 1, 1))

    def set_inputs(self, **values: float) -> None:
        """Move sliders from code, e.g. ``set_inputs(x1=0.5, target=0)``; recompute once."""
        unknown = [name for name in values if name not in ("x1", "x2", "target")]
        if unknown:
            raise ValueError(f"BackpropStepper.set_inputs: unknown names {unknown}; use "
                             f"x1, x2 or target.")
        self.set(**{name: float(value) for name, value in values.items()})

    def choose(self, variant: str) -> None:
        """Switch to one of the two examples (resets x1, x2 and the target to its values)."""
        if variant not in VARIANTS:
            raise ValueError(f"BackpropStepper.choose: variant must be one of "
                             f"{list(VARIANTS)}, got {variant!r}.")
        self.set(variant=variant)


def graph_png(step: WorkedStep, upto: int | None = None) -> bytes:
    """:func:`draw_graph` rendered once to PNG bytes, at the stepper's size."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from nnedu.widgets.explorer import DPI, png_bytes

    fig = Figure(figsize=BackpropStepper.figsize, dpi=DPI)
    FigureCanvasAgg(fig)
    draw_graph(step, upto=upto, ax=fig.add_axes(GRAPH_AXES))
    fig.canvas.draw()
    return png_bytes(fig.canvas)


def backprop_stepper(variant: str = "both hidden units active", position: int = 1
                     ) -> BackpropStepper:
    """The stepper: Back / Next through forward pass, loss, every gradient and the update, on
    the computational graph; sliders for x1, x2 and the target y. Displays itself."""
    return BackpropStepper(variant, position)


__all__ = [
    "VARIANTS", "N_STEPS", "WalkStep", "walk_steps", "step_text", "formula_lines",
    "revealed", "dead_units", "draw_graph", "graph_png", "loss_along_step",
    "plot_loss_along_step", "POSITIONS", "DEAD_FILL", "HIGHLIGHT",
    "BackpropStepper", "backprop_stepper", "fmt", "fmt_given", "readout_html", "worked_walk",
]  # fmt: skip
