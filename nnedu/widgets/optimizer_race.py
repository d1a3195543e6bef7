"""Lesson 08's explorer: race the optimizers on a loss surface (on the shared explorer base).

Toggle buttons choose the optimizers, a log slider the learning rate η, a slider the number of
steps, a dropdown the surface. The maths (surfaces, runs, the readout's table) is in
``nnedu.widgets.optimizers``; this module only draws it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnedu.plots import COLORS
from nnedu.widgets.explorer import Explorer
from nnedu.widgets.optimizers import (
    LABELS,
    MAX_STEPS,
    OPTIMIZERS,
    STYLES,
    SURFACES,
    Surface,
    _check_optimizer_name,
    distance_to_minimum,
    get_surface,
    plot_contours,
    race_paths,
    readout_html,
)

#: The learning-rate slider moves log₁₀(η) from −4 to 0 in steps of 0.1, starting at η = 0.01.
LR_LOG_RANGE = (-4.0, 0.0, 0.1)
START_LR_EXPONENT = -2.0
#: The steps slider: (min, max, step) and start.
STEPS_RANGE = (10, MAX_STEPS, 10)
START_STEPS = 100
START_SURFACE = "bowl"
START_OPTIMIZERS = ("sgd", "momentum", "adam")
#: The distance panel's y axis, fixed (log scale): a path that blows up leaves it at the top.
DISTANCE_RANGE = (1e-5, 1e3)
#: Said above the optimizer buttons.
CHOOSE_NOTE = "Optimizers in the race: click a name to add it or take it out."


class OptimizerRace(Explorer):
    """Choose optimizers (one toggle button each), a learning rate (log scale), a number of
    steps and a surface; see the paths race to the minimum (left), their distance to it per
    step (right) and a table of each optimizer's final loss (the readout, ``readout_html``).

    Paths come from ``cached_run``: a new learning rate computes each path once; more or fewer
    steps only reveal more or less of it. One legend under both panels names every optimizer's
    colour, line style and marker.
    """

    title = "Lesson 08 explorer: race the optimizers on a loss surface"
    figsize = (8.4, 4.5)

    def __init__(self, surface: str = START_SURFACE,
                 optimizers: Sequence[str] = START_OPTIMIZERS,
                 lr_exponent: float = START_LR_EXPONENT, steps: int = START_STEPS):
        self.start = (get_surface(surface).name,
                      tuple(_check_optimizer_name(name, "optimizer_race") for name in optimizers))
        if not LR_LOG_RANGE[0] <= lr_exponent <= LR_LOG_RANGE[1]:
            raise ValueError(f"optimizer_race: lr_exponent must be between {LR_LOG_RANGE[0]:g} "
                             f"and {LR_LOG_RANGE[1]:g} (η = 10^exponent), got {lr_exponent!r}.")
        whole = isinstance(steps, int) and not isinstance(steps, bool)
        if not (whole and STEPS_RANGE[0] <= steps <= STEPS_RANGE[1]):
            raise ValueError(f"optimizer_race: steps must be a whole number from "
                             f"{STEPS_RANGE[0]} to {STEPS_RANGE[1]}, got {steps!r}.")
        self.start_lr, self.start_steps = lr_exponent, steps
        self.shown_surface = None
        #: (surface name, canvas size in px) → its rendered static layer (contours, axes,
        #: legend), kept from the first time the surface is drawn: a switch back restores it.
        self.backgrounds: dict[tuple[str, tuple[int, int]], object] = {}
        super().__init__()

    def build(self, fig) -> None:
        import ipywidgets as widgets
        from matplotlib.lines import Line2D
        from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

        surface, chosen = self.start
        for name in OPTIMIZERS:
            self.add_control(name, widgets.ToggleButton(
                value=name in chosen, description=LABELS[name], tooltip=f"race {LABELS[name]}",
                layout=widgets.Layout(width="110px")))
        style = {"description_width": "initial"}
        self.add_control("surface", widgets.Dropdown(
            options=[(s.label, s.name) for s in SURFACES.values()], value=surface,
            description="surface", style=style, layout=widgets.Layout(width="260px")))
        lo, hi, step = LR_LOG_RANGE
        self.add_control("lr", widgets.FloatLogSlider(
            value=10.0**self.start_lr, base=10, min=lo, max=hi, step=step,
            description="learning rate η", readout_format=".4g", style=style,
            layout=widgets.Layout(width="380px")))
        s_lo, s_hi, s_step = STEPS_RANGE
        self.add_control("steps", widgets.IntSlider(
            value=self.start_steps, min=s_lo, max=s_hi, step=s_step, description="steps",
            style=style, layout=widgets.Layout(width="380px")))

        self.left = fig.add_axes((0.08, 0.3, 0.5, 0.6))
        self.right = fig.add_axes((0.72, 0.3, 0.26, 0.6))
        self.moving(self.right.xaxis)  # its ticks follow the steps: drawn per change
        self.contours = {}  # surface name → its contour lines and star (one surface shown)
        for name, surface in SURFACES.items():
            before = set(self.left.get_children())
            plot_contours(surface, ax=self.left)
            self.contours[name] = [a for a in self.left.get_children() if a not in before]
        self.paths, self.ends, self.distances = {}, {}, {}
        for name in OPTIMIZERS:
            color, line, marker = STYLES[name]
            self.paths[name] = self.moving(self.left.plot(
                [], [], color=color, ls=line, lw=2.2, marker=marker, ms=5, zorder=4)[0])
            self.ends[name] = self.moving(self.left.plot(
                [], [], color=color, marker=marker, ms=11, mec="white", mew=1.2, ls="none",
                zorder=5)[0])
            self.distances[name] = self.moving(self.right.semilogy(
                [], [], color=color, ls=line, lw=1.8, marker=marker, ms=4)[0])
        self.start_marker = self.moving(self.left.plot(
            [], [], marker="s", ms=9, color="white", mec="black", ls="none", zorder=3)[0])
        self.heading = self.moving(self.left.set_title(""))
        self.right.set_xlabel("step t")
        self.right.set_ylabel("‖p − p*‖ (log scale)")
        self.right.set_title("distance to the minimum", fontsize=11)
        self.right.grid(alpha=0.3)
        # Plain tick labels at fixed places: the panel is drawn per change, and log ticks
        # written as powers of ten (mathtext) would cost more than everything else.
        self.right.yaxis.set_major_locator(FixedLocator([1e-4, 1e-2, 1.0, 1e2]))
        self.right.yaxis.set_major_formatter(FixedFormatter(["0.0001", "0.01", "1", "100"]))
        self.right.yaxis.set_minor_locator(NullLocator())
        self.empty = self.moving(self.right.text(
            0.5, 0.5, "choose at least one\noptimizer", ha="center", va="center",
            transform=self.right.transAxes))
        handles = [Line2D([], [], color=c, ls=ls, marker=m, lw=2, ms=6, label=LABELS[name])
                   for name, (c, ls, m) in STYLES.items()]
        handles += [Line2D([], [], marker="s", ms=8, color="white", mec="black", ls="none",
                           label="start"),
                    Line2D([], [], marker="*", ms=13, color=COLORS[6], mec="black", ls="none",
                           label="minimum"),
                    Line2D([], [], marker="o", ms=10, color="0.5", mec="white", ls="none",
                           label="where a path ends")]
        fig.legend(handles=handles, loc="lower center", ncol=5, fontsize=10, frameon=False,
                   title="both panels: one colour, line style and marker per optimizer",
                   title_fontsize=10)

    def children(self) -> list:
        import ipywidgets as widgets

        buttons = [self.controls[name] for name in OPTIMIZERS]
        rest = [self.controls[name] for name in ("surface", "lr", "steps")]
        return [widgets.HTML(f"<b>{CHOOSE_NOTE}</b>"), widgets.HBox(buttons),
                widgets.HBox(rest, layout=widgets.Layout(flex_flow="row wrap")),
                self.readout, self.image]

    def settings(self) -> tuple[str, tuple[str, ...], float, int]:
        """(surface, optimizers, lr, steps) as the controls hold them now."""
        v = self.values()
        return (v["surface"], tuple(name for name in OPTIMIZERS if v[name]), float(v["lr"]),
                int(v["steps"]))

    def _show_surface(self, surface: Surface) -> None:
        """Contour lines and view of the surface. The first visit of a surface draws the
        whole background (a full draw); later visits restore the one kept in ``backgrounds``."""
        for name, artists in self.contours.items():
            for artist in artists:
                artist.set_visible(name == surface.name)
        x0, x1, y0, y1 = surface.view
        self.right.set_ylim(*DISTANCE_RANGE)
        self.left.set_xlim(x0, x1)
        self.left.set_ylim(y0, y1)
        self.shown_surface = surface.name
        self._background = self.backgrounds.get(self._background_key())

    def _background_key(self) -> tuple[str, tuple[int, int]]:
        return self.shown_surface, self.figure.canvas.get_width_height()

    def render(self) -> bytes:
        """The base's render; a background drawn for a surface's first visit is kept."""
        picture = super().render()
        self.backgrounds.setdefault(self._background_key(), self._background)
        return picture

    def show(self, values) -> str:
        surface = get_surface(values["surface"])
        chosen = tuple(name for name in OPTIMIZERS if values[name])
        lr, steps = float(values["lr"]), int(values["steps"])
        if surface.name != self.shown_surface:
            self._show_surface(surface)
        paths = race_paths(surface, chosen, lr, steps)
        for name in OPTIMIZERS:
            path = paths.get(name)
            for artist in (self.paths[name], self.ends[name], self.distances[name]):
                artist.set_visible(path is not None)
            if path is None:
                continue
            self.paths[name].set_data(path[:, 0], path[:, 1])
            self.paths[name].set_markevery(max(1, len(path) // 15))
            self.ends[name].set_data(path[-1:, 0], path[-1:, 1])
            distance = distance_to_minimum(surface, path)
            self.distances[name].set_data(np.arange(len(distance)), distance)
            self.distances[name].set_markevery(max(1, len(distance) // 12))
        self.start_marker.set_data([surface.start[0]], [surface.start[1]])
        self.heading.set_text(f"{surface.label}, η = {lr:.4g}, {steps} steps")
        self.empty.set_visible(not chosen)
        self.right.set_xlim(0, steps)
        return readout_html(surface, chosen, lr, steps)


def optimizer_race(surface: str = START_SURFACE, optimizers: Sequence[str] = START_OPTIMIZERS,
                   lr_exponent: float = START_LR_EXPONENT, steps: int = START_STEPS
                   ) -> OptimizerRace:
    """The explorer: pick optimizers, a learning rate η = 10^exponent (log slider), a number of
    steps and a surface (bowl or Rosenbrock); watch the optimizers race to the minimum."""
    return OptimizerRace(surface, optimizers, lr_exponent, steps)
