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
    cached_run                             a run computed once per setting (for the explorer)
    plot_contours                          the surface's contour lines

The lesson's other figures (``plot_race``, ``plot_distance``, ``plot_lr_sweep``,
``plot_validation_curves``) are in ``nnedu.widgets.optimizers_figures``; the explorer
(``optimizer_race``) is in ``nnedu.widgets.optimizer_race``.

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
from functools import lru_cache

import numpy as np

from nnedu._validate import unknown_name
from nnedu.optim import Optimizer, get_optimizer
from nnedu.plots import COLORS
from nnedu.widgets import gradient_descent

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


#: The most steps the explorer offers.
MAX_STEPS = 500
#: A run is computed once for the first of these lengths that covers the steps asked for, and
#: revealed step by step (at the explorer's start of 100 steps a new η costs 100 steps, not 500).
RUN_LENGTHS = (100, 200, MAX_STEPS)


@lru_cache(maxsize=256)
def _long_run(surface_name: str, optimizer: str, lr: float, length: int) -> Array:
    path = run(surface_name, optimizer, lr, length)
    path.setflags(write=False)  # shared by every later call: nobody may change it
    return path


def cached_run(surface: str | Surface, optimizer: str, lr: float, steps: int) -> Array:
    """``run(surface, optimizer, lr, steps)`` from the surface's start, for a surface of
    SURFACES: computed once for the first of RUN_LENGTHS that covers ``steps`` and cut to
    ``steps`` (the same points: a run is deterministic, and the first ``steps`` steps of a
    longer run are the shorter run).
    The array is read-only."""
    surface = get_surface(surface)
    steps = _check_steps(steps, "cached_run")
    if steps > MAX_STEPS or SURFACES.get(surface.name) is not surface:
        return run(surface, optimizer, lr, steps)
    length = next(n for n in RUN_LENGTHS if n >= steps)
    return _long_run(surface.name, _check_optimizer_name(optimizer, "cached_run"),
                     float(lr), length)[:steps + 1]


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
    return {name: cached_run(surface, name, _lr_for(lr, name, "race"), steps) for name in names}


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
    """A loss for the readout as lesson 05's explorer writes it, but "blew up" for a run that
    blew up (inf or nan)."""
    return gradient_descent.format_loss(value, overflow="blew up")


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
