"""Lesson 08 · Optimizers: race SGD, momentum, Nesterov, Adagrad, RMSprop and Adam on a surface.

Every optimizer here is the real one from ``nnedu.optim``, stepping a parameter array of just
two numbers p = (x, y) in place::

    p = np.array(surface.start)
    opt = get_optimizer("adam", lr=0.1)
    for t in range(steps):
        opt.step([p], [surface.gradient(p)])

What is here:

    bowl_loss, bowl_gradient               f(x, y) = ½ (x² + 25 y²): an elongated bowl
    rosenbrock_loss, rosenbrock_gradient   f(x, y) = (1 − x)² + 100 (y − x²)²: a curved valley
    Surface, SURFACES, get_surface         the two surfaces with their start, view and the
                                           learning rates the lesson uses on them
    make_optimizer                         an nnedu.optim optimizer by its lesson name
    run                                    one optimizer on one surface: every point visited
    race_paths, race                       several optimizers from the same start: their paths,
                                           and their final losses (what the readout shows)
    final_loss, distance_to_minimum        how a path ends, how far from the minimum it is
    lr_sweep                               the final loss for many learning rates
    format_loss, readout_html              the explorer's readout table
    plot_contours, plot_race, plot_distance, plot_lr_sweep, plot_validation_curves,
    plot_explorer                          the lesson's figures
    OptimizerRace, optimizer_race          the widget: optimizers, η, steps and surface

A run *blows up* when its loss passes ``BLOW_UP_LOSS`` (10¹⁰) or stops being a finite number:
it is stopped there, its path ends at the last point before that, and its final loss counts as
inf ("blew up" in the readout). Without the cap, plain SGD with too large a step would run to
10¹⁰⁰ and beyond before numpy gives up, and no plot could show that.

numpy is imported here; matplotlib and ipywidgets only inside the functions that draw.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from nnedu._validate import unknown_name
from nnedu.optim import Optimizer, get_optimizer
from nnedu.plots import COLORS

Array = np.ndarray

# ----------------------------------------------------------------------------- optimizers
#: The optimizers of the lesson, in the order they are taught (names for ``get_optimizer``).
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
#: How the lesson writes them.
LABELS = {"sgd": "SGD", "momentum": "momentum", "nesterov": "Nesterov", "adagrad": "Adagrad",
          "rmsprop": "RMSprop", "adam": "Adam"}
#: Colour (Okabe–Ito), line style and marker of each optimizer: never colour alone.
STYLES = {
    "sgd": (COLORS[7], "-", "o"),
    "momentum": (COLORS[0], "--", "s"),
    "nesterov": (COLORS[1], ":", "^"),
    "adagrad": (COLORS[2], "-.", "D"),
    "rmsprop": (COLORS[5], "--", "v"),
    "adam": (COLORS[3], "-", "P"),
}


# ----------------------------------------------------------------------------- surfaces
#: Curvatures of the bowl along x and y: the bowl is 25 times steeper across than along.
BOWL_CURVATURES = (1.0, 25.0)


def bowl_loss(p: Array) -> Array | float:
    """f(x, y) = ½ (x² + 25 y²). p: (2,) or (..., 2) (a whole grid at once). Minimum 0 at (0, 0)."""
    p = np.asarray(p, dtype=float)
    c1, c2 = BOWL_CURVATURES
    return 0.5 * (c1 * p[..., 0] ** 2 + c2 * p[..., 1] ** 2)


def bowl_gradient(p: Array) -> Array:
    """∇f = (x, 25 y). p: (2,) or (..., 2); returns the same shape."""
    return np.asarray(p, dtype=float) * np.asarray(BOWL_CURVATURES)


def rosenbrock_loss(p: Array) -> Array | float:
    """f(x, y) = (1 − x)² + 100 (y − x²)². p: (2,) or (..., 2). Minimum 0 at (1, 1), at the
    end of a long, curved, flat-bottomed valley along y = x²."""
    p = np.asarray(p, dtype=float)
    x, y = p[..., 0], p[..., 1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock_gradient(p: Array) -> Array:
    """∇f = (−2 (1 − x) − 400 x (y − x²),  200 (y − x²)). p: (2,) or (..., 2)."""
    p = np.asarray(p, dtype=float)
    x, y = p[..., 0], p[..., 1]
    grad = np.empty_like(p)
    grad[..., 0] = -2 * (1 - x) - 400 * x * (y - x**2)
    grad[..., 1] = 200 * (y - x**2)
    return grad


@dataclass(frozen=True)
class Surface:
    """A loss surface of two parameters, where the runs start and what the pictures show.

    ``lrs`` and ``steps`` are the learning rate of each optimizer and the number of steps
    that the lesson's figures use on this surface.
    """

    name: str
    label: str
    formula: str  # LaTeX
    loss: Callable[[Array], Array | float]
    gradient: Callable[[Array], Array]
    minimum: tuple[float, float]
    start: tuple[float, float]
    view: tuple[float, float, float, float]  # x min, x max, y min, y max
    lrs: dict[str, float] = field(default_factory=dict)
    steps: int = 100


SURFACES: dict[str, Surface] = {
    "bowl": Surface(
        name="bowl", label="elongated bowl", formula=r"f(x, y) = \frac{1}{2}\,(x^2 + 25\,y^2)",
        loss=bowl_loss, gradient=bowl_gradient, minimum=(0.0, 0.0), start=(-4.5, 1.0),
        view=(-5.0, 5.0, -1.6, 1.6),
        lrs={"sgd": 0.05, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.5,
             "rmsprop": 0.1, "adam": 0.1},
        steps=60,
    ),
    "rosenbrock": Surface(
        name="rosenbrock", label="Rosenbrock valley",
        formula=r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
        loss=rosenbrock_loss, gradient=rosenbrock_gradient, minimum=(1.0, 1.0),
        start=(-1.2, 1.0), view=(-2.0, 2.0, -0.6, 2.4),
        lrs={"sgd": 0.001, "momentum": 0.001, "nesterov": 0.001, "adagrad": 0.5,
             "rmsprop": 0.003, "adam": 0.1},
        steps=1000,
    ),
}


def get_surface(surface: str | Surface) -> Surface:
    """A Surface, or the one of ``SURFACES`` with this name ("bowl", "rosenbrock")."""
    if isinstance(surface, Surface):
        return surface
    if not isinstance(surface, str) or surface.lower() not in SURFACES:
        raise unknown_name("surface", surface, SURFACES)
    return SURFACES[surface.lower()]


# ----------------------------------------------------------------------------- runs
#: A run whose loss passes this value (or becomes inf or nan) has blown up and is stopped.
BLOW_UP_LOSS = 1e10


def _check_optimizer_name(name: object, where: str) -> str:
    if not isinstance(name, str) or name.lower() not in OPTIMIZERS:
        raise ValueError(f"{where}: {unknown_name('optimizer', name, OPTIMIZERS)}")
    return name.lower()


def _check_steps(steps: object, where: str) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"{where}: steps must be a whole number ≥ 0 (how many updates to "
                         f"make), got {steps!r}.")
    return int(steps)


def _lr_for(lr: float | Mapping[str, float], name: str, where: str) -> float:
    """One learning rate for every optimizer, or a dict optimizer name → learning rate."""
    if isinstance(lr, Mapping):
        if name not in lr:
            raise ValueError(f"{where}: the learning-rate dict has no entry for {name!r}; "
                             f"it has {sorted(lr)}.")
        return lr[name]
    return lr


def make_optimizer(name: str, lr: float) -> Optimizer:
    """The ``nnedu.optim`` optimizer called ``name`` ("sgd", "momentum", "nesterov", "adagrad",
    "rmsprop", "adam") with learning rate ``lr`` and its default settings (μ = 0.9, ρ = 0.9,
    β₁ = 0.9, β₂ = 0.999)."""
    return get_optimizer(_check_optimizer_name(name, "make_optimizer"), lr=lr)


def run(surface: str | Surface, optimizer: str, lr: float, steps: int,
        start: Sequence[float] | None = None) -> Array:
    """Run one optimizer on a surface; return every point visited, shape (k + 1, 2), row 0 the
    start. k = ``steps``, or fewer if the run blew up: it stops before the first point whose
    loss is above BLOW_UP_LOSS (or not finite)."""
    surface = get_surface(surface)
    steps = _check_steps(steps, "run")
    opt = make_optimizer(optimizer, lr)
    p = np.array(surface.start if start is None else start, dtype=float)
    if p.shape != (2,):
        raise ValueError(f"run: start must be two numbers (x, y), got shape {p.shape}.")
    path = [p.copy()]
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is part of the lesson
        for _ in range(steps):
            opt.step([p], [surface.gradient(p)])  # updates p in place
            if not float(surface.loss(p)) <= BLOW_UP_LOSS:  # blew up (also: inf or nan)
                break
            path.append(p.copy())
    return np.array(path)


def final_loss(surface: str | Surface, path: Array, steps: int) -> float:
    """The loss at the end of ``path``; inf if the run stopped early because it blew up."""
    surface = get_surface(surface)
    if len(path) < steps + 1:
        return float("inf")
    return float(surface.loss(path[-1]))


def race_paths(surface: str | Surface, optimizers: Sequence[str],
               lr: float | Mapping[str, float], steps: int) -> dict[str, Array]:
    """Run every optimizer in ``optimizers`` from the surface's start: name → path (k + 1, 2).

    ``lr`` is one learning rate for all of them, or a dict name → learning rate.
    """
    surface = get_surface(surface)
    names = [_check_optimizer_name(name, "race") for name in optimizers]
    return {name: run(surface, name, _lr_for(lr, name, "race"), steps) for name in names}


def race(surface: str | Surface, optimizers: Sequence[str], lr: float | Mapping[str, float],
         steps: int) -> dict[str, float]:
    """The final loss of each optimizer after ``steps`` steps from the surface's start:
    name → f(p_steps) (inf for a run that blew up). This is what the explorer's readout shows."""
    surface = get_surface(surface)
    steps = _check_steps(steps, "race")
    paths = race_paths(surface, optimizers, lr, steps)
    return {name: final_loss(surface, path, steps) for name, path in paths.items()}


def distance_to_minimum(surface: str | Surface, path: Array) -> Array:
    """‖p_t − p*‖ for every point of a path (k + 1, 2): how far from the minimum after t steps."""
    surface = get_surface(surface)
    return np.linalg.norm(np.asarray(path, dtype=float) - np.asarray(surface.minimum), axis=1)


def lr_sweep(surface: str | Surface, optimizers: Sequence[str], lrs: Sequence[float],
             steps: int) -> dict[str, Array]:
    """The final loss after ``steps`` steps for every learning rate in ``lrs``:
    name → array of len(lrs) (inf where the run blew up)."""
    surface = get_surface(surface)
    return {name: np.array([race(surface, [name], lr, steps)[name] for lr in lrs])
            for name in optimizers}


# ----------------------------------------------------------------------------- readout
def format_loss(value: float) -> str:
    """A loss for the readout: 4 decimals from 0.001 to 10 000 ("0.0123"), otherwise powers
    of ten ("3.42e+05", "1.20e-07"); "blew up" for a run that blew up (inf or nan)."""
    value = float(value)
    if not np.isfinite(value):
        return "blew up"
    if value == 0.0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.4f}"
    return f"{value:.2e}"


_CELL = "padding:2px 10px;border-bottom:1px solid #ddd"


def readout_html(surface: str | Surface, optimizers: Sequence[str], lr: float,
                 steps: int) -> str:
    """The explorer's readout: a table with one row per optimizer and its final loss
    (``race``), the lowest one marked. Each row is ``<tr data-optimizer='adam'>``."""
    surface = get_surface(surface)
    results = race(surface, optimizers, lr, steps)
    start = float(surface.loss(np.asarray(surface.start)))
    caption = (f"{html.escape(surface.label)}, η = {lr:.4g}, {steps} "
               f"{'step' if steps == 1 else 'steps'} (loss at the start: {format_loss(start)})")
    if not results:
        return f"<div>{caption}</div><div><i>choose at least one optimizer</i></div>"
    lowest = min(results.values())
    rows = []
    for name, value in results.items():
        if not np.isfinite(value):
            note = ""  # the loss cell says "blew up"
        elif value > start:
            note = "worse than the start"
        elif value == lowest:
            note = "lowest"
        else:
            note = ""
        rows.append(f"<tr data-optimizer='{name}'><th style='{_CELL};text-align:left'>"
                    f"{LABELS[name]}</th><td style='{_CELL};text-align:right'>"
                    f"{format_loss(value)}</td><td style='{_CELL}'>{note}</td></tr>")
    head = (f"<tr><th style='{_CELL};text-align:left'>optimizer</th>"
            f"<th style='{_CELL}'>loss after {steps} {'step' if steps == 1 else 'steps'}</th>"
            f"<th style='{_CELL}'></th></tr>")
    return (f"<div>{caption}</div><table style='border-collapse:collapse;font-family:monospace'>"
            f"{head}{''.join(rows)}</table>")


# ----------------------------------------------------------------------------- plots
def _axes(ax, figsize: tuple[float, float]):
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def plot_contours(surface: str | Surface, ax=None, levels: int = 14):
    """Grey contour lines of the surface (log-spaced levels), the minimum as a star."""
    surface = get_surface(surface)
    fig, ax = _axes(ax, (6.0, 4.0))
    x0, x1, y0, y1 = surface.view
    X, Y = np.meshgrid(np.linspace(x0, x1, 241), np.linspace(y0, y1, 161))
    F = surface.loss(np.stack([X, Y], axis=-1))
    ax.contour(X, Y, F, levels=np.geomspace(max(F.min(), 1e-2), F.max(), levels),
               colors="0.72", linewidths=0.8)
    ax.plot(*surface.minimum, marker="*", ms=16, color=COLORS[6], mec="black", ls="none",
            label="minimum", zorder=6)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    return ax


def _label(name: str, lr: float | Mapping[str, float] | None, path: Array | None = None,
           steps: int | None = None) -> str:
    """"Adam (η = 0.1)"; with ``steps``, a path that stopped early gets "blew up at step k"."""
    label = LABELS[name]
    if lr is not None:
        label += f" (η = {(lr[name] if isinstance(lr, Mapping) else lr):g})"
    if path is not None and steps is not None and len(path) < steps + 1:
        label += f": blew up at step {len(path)}"
    return label


def _plain_log_ticks(axis) -> None:
    """Log-scale ticks at 1, 2, 5 times the powers of ten, written as plain numbers."""
    from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FormatStrFormatter("%g"))
    axis.set_minor_formatter(NullFormatter())


def plot_race(surface: str | Surface, paths: Mapping[str, Array], ax=None,
              lr: float | Mapping[str, float] | None = None, title: str | None = None,
              legend: bool = True, steps: int | None = None):
    """Each optimizer's path (name → points (k + 1, 2)) over the contour lines of the surface,
    in its own colour, line style and marker. ``lr`` (one value or a dict) goes into the
    legend; so does "blew up at step k" for a path shorter than ``steps`` + 1. Such a path is
    drawn up to its last point before it blew up (the axis limits cut what leaves the
    picture)."""
    surface = get_surface(surface)
    fig, ax = _axes(ax, (7.0, 4.5))
    plot_contours(surface, ax=ax)
    for name, path in paths.items():
        color, line, marker = STYLES[name]
        path = np.asarray(path, dtype=float)
        ax.plot(path[:, 0], path[:, 1], color=color, ls=line, lw=1.6, marker=marker, ms=4,
                markevery=max(1, len(path) // 15), label=_label(name, lr, path, steps),
                zorder=3)
    ax.plot(*surface.start, marker="s", ms=8, color="white", mec="black", ls="none",
            label="start", zorder=6)
    ax.set_title(title or f"{surface.label}: ${surface.formula}$")
    if legend:
        ax.legend(fontsize=8, loc="best", framealpha=0.92)
    return ax


def plot_distance(surface: str | Surface, paths: Mapping[str, Array], ax=None,
                  lr: float | Mapping[str, float] | None = None,
                  title: str = "distance to the minimum after each step",
                  steps: int | None = None):
    """‖p_t − p*‖ against the step t on a log scale, one line per optimizer (a run that blew
    up ends early; with ``steps`` its legend entry says so)."""
    surface = get_surface(surface)
    fig, ax = _axes(ax, (6.0, 4.0))
    for name, path in paths.items():
        color, line, marker = STYLES[name]
        distance = distance_to_minimum(surface, path)
        ax.semilogy(np.arange(len(distance)), distance, color=color, ls=line, lw=1.6,
                    marker=marker, ms=4, markevery=max(1, len(distance) // 12),
                    label=_label(name, lr, path, steps))
    _plain_log_ticks(ax.yaxis)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$\|p_t - p^*\|$ (log scale)")
    ax.set_title(title)
    ax.grid(alpha=0.3, which="major")
    ax.legend(fontsize=8, loc="best", framealpha=0.92)
    return ax


def plot_lr_sweep(lrs: Sequence[float], losses: Mapping[str, Array], ax=None,
                  title: str = "final loss against the learning rate",
                  ylabel: str = "final loss (log scale)"):
    """Final loss against the learning rate, both on log scales, one line per optimizer.

    A run that blew up (inf) is drawn as ✗ in a strip above the finite values, one row per
    optimizer (in its colour), so that the crosses of different optimizers do not hide each other.
    """
    fig, ax = _axes(ax, (6.0, 4.0))
    lrs = np.asarray(lrs, dtype=float)
    values = {name: np.asarray(v, dtype=float) for name, v in losses.items()}
    finite = np.concatenate([v[np.isfinite(v)] for v in values.values()])
    top = float(finite.max()) * 10 if finite.size else 1.0
    any_blown = False
    for k, (name, v) in enumerate(values.items()):
        color, line, marker = STYLES[name]
        ok = np.isfinite(v)
        ax.loglog(lrs[ok], v[ok], color=color, ls=line, lw=1.6, marker=marker, ms=5,
                  label=LABELS[name])
        if np.any(~ok):
            any_blown = True
            ax.plot(lrs[~ok], np.full(np.sum(~ok), top * 2.2**k), color=color, marker="x",
                    ms=7, mew=2, ls="none")
    if any_blown:
        ax.axhline(top / 1.6, color="0.5", lw=0.8, ls=":")
        ax.plot([], [], color="0.3", marker="x", ms=7, mew=2, ls="none",
                label="blew up (above the dotted line)")
    ax.set_xlabel("learning rate η (log scale)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3, which="major")
    ax.legend(fontsize=8, loc="lower left", framealpha=0.92)
    return ax


def plot_validation_curves(histories: Mapping[str, object], ax=None,
                           lr: Mapping[str, float] | None = None, metric: str = "val_loss",
                           title: str = "validation loss per epoch", log: bool = False):
    """One curve per optimizer (name → History or dict of lists) of ``metric`` per epoch;
    ``log=True`` puts the y-axis on a log scale (with plain numbers as tick labels)."""
    from matplotlib.ticker import FormatStrFormatter, LogLocator, MaxNLocator, NullFormatter

    fig, ax = _axes(ax, (7.0, 4.2))
    for name, history in histories.items():
        records = getattr(history, "history", history)
        values = np.asarray(records[metric], dtype=float)
        color, line, marker = STYLES[name]
        ax.plot(np.arange(1, len(values) + 1), values, color=color, ls=line, lw=1.8,
                marker=marker, ms=5, markevery=max(1, len(values) // 10), label=_label(name, lr))
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    name = metric.replace("val_", "validation ").replace("_", " ")
    ax.set_ylabel(name + (" (log scale)" if log else ""))
    if log:  # ticks at 0.1, 0.2, 0.3, 0.5, 1, 2, …, written as plain numbers
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 3.0, 5.0)))
        ax.yaxis.set_major_formatter(FormatStrFormatter("%.2g"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both" if log else "major")
    ax.legend(fontsize=8, loc="best", framealpha=0.92)
    return ax


def plot_explorer(surface: str | Surface, optimizers: Sequence[str], lr: float, steps: int):
    """The explorer's figure: the paths on the contour plot (left), the distance to the
    minimum per step (right)."""
    import matplotlib.pyplot as plt

    surface = get_surface(surface)
    paths = race_paths(surface, optimizers, lr, steps)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.0),
                                      gridspec_kw={"width_ratios": [1.5, 1]})
    plot_race(surface, paths, ax=left, title=f"{surface.label}, η = {lr:.4g}, {steps} steps",
              legend=False, steps=steps)
    # Left: only the start and the minimum; the optimizers are named in the right legend.
    handles, labels = left.get_legend_handles_labels()
    keep = [k for k, label in enumerate(labels) if label in ("start", "minimum")]
    left.legend([handles[k] for k in keep], [labels[k] for k in keep], fontsize=8,
                loc="lower right", framealpha=0.92)
    if paths:
        plot_distance(surface, paths, ax=right, steps=steps)
    else:
        right.set_axis_off()
        right.text(0.5, 0.5, "choose at least one optimizer", ha="center", va="center",
                   transform=right.transAxes)
    # Fixed margins: tight_layout would measure every label on each redraw.
    fig.subplots_adjust(left=0.06, right=0.985, bottom=0.13, top=0.91, wspace=0.22)
    return fig


# ----------------------------------------------------------------------------- explorer
#: The learning-rate slider moves log₁₀(η) from −4 to 0 in steps of 0.1, starting at η = 0.01.
LR_LOG_RANGE = (-4.0, 0.0, 0.1)
START_LR_EXPONENT = -2.0
#: The steps slider: (min, max, step) and start.
STEPS_RANGE = (10, 500, 10)
START_STEPS = 100
START_SURFACE = "bowl"
START_OPTIMIZERS = ("sgd", "momentum", "adam")


def _show(fig) -> None:
    """Display ``fig`` (inside the widget's Output) and free its memory."""
    import matplotlib.pyplot as plt

    plt.show()
    plt.close(fig)


class OptimizerRace:
    """Choose optimizers, a learning rate (log scale), a number of steps and a surface; see
    the paths race to the minimum and a table of each optimizer's final loss.

    ``box`` is the widget to display; ``update()`` redraws (the controls call it).
    The readout's HTML is ``readout_html(surface, optimizers, lr, steps)``.
    """

    def __init__(self, surface: str = START_SURFACE,
                 optimizers: Sequence[str] = START_OPTIMIZERS,
                 lr_exponent: float = START_LR_EXPONENT, steps: int = START_STEPS):
        import ipywidgets as widgets

        surface = get_surface(surface).name
        chosen = tuple(_check_optimizer_name(name, "optimizer_race") for name in optimizers)
        lo, hi, step = LR_LOG_RANGE
        if not lo <= lr_exponent <= hi:
            raise ValueError(f"optimizer_race: lr_exponent must be between {lo:g} and {hi:g} "
                             f"(η = 10^exponent), got {lr_exponent!r}.")
        s_lo, s_hi, s_step = STEPS_RANGE
        if isinstance(steps, bool) or not isinstance(steps, int) or not s_lo <= steps <= s_hi:
            raise ValueError(f"optimizer_race: steps must be a whole number from {s_lo} to "
                             f"{s_hi}, got {steps!r}.")
        style = {"description_width": "initial"}
        self.surface = widgets.Dropdown(
            options=[(s.label, s.name) for s in SURFACES.values()], value=surface,
            description="surface", style=style, layout=widgets.Layout(width="260px"))
        self.optimizers = widgets.SelectMultiple(
            options=[(LABELS[name], name) for name in OPTIMIZERS], value=chosen,
            rows=len(OPTIMIZERS), description="optimizers", style=style,
            layout=widgets.Layout(width="220px"))
        self.lr = widgets.FloatLogSlider(
            value=10.0**lr_exponent, base=10, min=lo, max=hi, step=step,
            description="learning rate", readout_format=".4g", style=style,
            layout=widgets.Layout(width="400px"))
        self.steps = widgets.IntSlider(value=steps, min=s_lo, max=s_hi, step=s_step,
                                       description="steps", style=style,
                                       layout=widgets.Layout(width="400px"))
        self.readout = widgets.HTML()
        self.readout.add_class("nnedu-readout")
        self.out = widgets.Output()
        for control in (self.surface, self.optimizers, self.lr, self.steps):
            control.observe(self.update, names="value")
        controls = widgets.HBox([
            self.optimizers,
            widgets.VBox([self.surface, self.lr, self.steps, self.readout]),
        ])
        self.box = widgets.VBox([controls, self.out])
        self.box.add_class("nnedu-optimizer-race")
        self.update()

    def settings(self) -> tuple[str, tuple[str, ...], float, int]:
        """(surface, optimizers, lr, steps) as the controls hold them now."""
        chosen = tuple(name for name in OPTIMIZERS if name in self.optimizers.value)
        return self.surface.value, chosen, float(self.lr.value), int(self.steps.value)

    def update(self, change=None) -> None:
        from IPython.display import clear_output

        surface, chosen, lr, steps = self.settings()
        with self.out:
            clear_output(wait=True)
            _show(plot_explorer(surface, chosen, lr, steps))
        # The text last: once the readout shows the new numbers, the new picture is there too.
        self.readout.value = readout_html(surface, chosen, lr, steps)


def optimizer_race(surface: str = START_SURFACE, optimizers: Sequence[str] = START_OPTIMIZERS,
                   lr_exponent: float = START_LR_EXPONENT, steps: int = START_STEPS):
    """The widget: pick optimizers, a learning rate η = 10^exponent (log slider), a number of
    steps and a surface (bowl or Rosenbrock); watch the optimizers race to the minimum."""
    return OptimizerRace(surface, optimizers, lr_exponent, steps).box
