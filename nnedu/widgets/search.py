"""Lesson 13 (capstone): grid search against random search on a new data set.

The lesson's setup, small enough that a hundred training runs take about a second:

* **data:** scikit-learn's breast cancer set (569 tumours, 30 measurements each, 212
  malignant = class 0, 357 benign = class 1), split 60 / 20 / 20 into training, validation and
  test parts, stratified and seeded (:func:`lesson_parts`); a ``StandardScaler`` fitted on the
  training part only;
* **network:** ``mlp((30, 8, 2))``, ReLU, trained by plain SGD with learning rate η and weight
  decay λ, mini-batches of 32, 10 epochs (:func:`train_network`);
* **score:** accuracy on the validation part (:func:`validation_accuracy`, cached); a run that
  diverges scores nan;
* **the map:** validation accuracy on a 13 × 13 lattice of (log η, log λ)
  (:func:`validation_map`, cached); grids with 2, 3, 4 or 5 values per axis lie on it;
* :func:`grid_trials`, :func:`random_trials`: the searches the explorer shows, on
  ``nnedu.search``; :func:`lattice_search_best`: many repeated searches over the measured map;
* :func:`search_explorer`: search kind, budget and seed → which settings were tried on the map,
  their scores against η, the best so far (on the shared explorer base).

scikit-learn, matplotlib and ipywidgets are imported inside the functions that need them.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from nnedu.search import LogUniform, SearchResult, grid_search, random_search
from nnedu.widgets.explorer import Explorer

Array = np.ndarray

#: Seed of the split, the initial weights, the batch order and the random searches.
SEED = 0
#: Layer sizes of the lesson's network: 30 measurements in, 8 hidden units, 2 classes out.
SIZES = (30, 8, 2)
EPOCHS = 10
BATCH_SIZE = 32
#: Ranges of the search: the learning rate η and the L2 weight decay λ, as (low, high).
LR_RANGE = (1e-3, 10.0)
DECAY_RANGE = (1e-6, 1.0)
SPACE = {"lr": LogUniform(*LR_RANGE), "weight_decay": LogUniform(*DECAY_RANGE)}
#: Points per axis of the measured map; 13 = 1 + 12, so grids of 2, 3, 4, 5 values lie on it.
LATTICE = 13
BUDGETS = (4, 9, 16, 25)
SEEDS = (0, 1, 2)


# ----------------------------------------------------------------------------- data and model
@dataclass(frozen=True, eq=False)
class Parts:
    """The three parts of the data, scaled with the training part's mean and std."""

    X_train: Array
    X_val: Array
    X_test: Array
    y_train: Array
    y_val: Array
    y_test: Array


def split_60_20_20(X: Array, y: Array, seed: int = SEED) -> tuple[Array, ...]:
    """Stratified, seeded split: test = 20 % of all, validation = 20 % of all (a quarter of the
    rest). Returns X_train, X_val, X_test, y_train, y_val, y_test."""
    from sklearn.model_selection import train_test_split

    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=seed)
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=0.25, stratify=y_rest, random_state=seed)
    return X_train, X_val, X_test, y_train, y_val, y_test


@functools.lru_cache(maxsize=1)
def lesson_parts() -> Parts:
    """The lesson's split of the breast cancer data, scaled on the training part only."""
    from sklearn.datasets import load_breast_cancer

    from nnedu.data import StandardScaler

    data = load_breast_cancer()
    X_train, X_val, X_test, y_train, y_val, y_test = split_60_20_20(data.data, data.target)
    scaler = StandardScaler().fit(X_train)
    return Parts(scaler.transform(X_train), scaler.transform(X_val), scaler.transform(X_test),
                 y_train, y_val, y_test)


def train_network(lr: float, weight_decay: float, parts: Parts | None = None):
    """The lesson's network trained on the training part; None if the run diverged."""
    from nnedu.network import mlp
    from nnedu.optim import SGD
    from nnedu.train import fit

    parts = lesson_parts() if parts is None else parts
    model = mlp(SIZES, seed=SEED)
    try:
        with np.errstate(all="ignore"):  # a diverging run overflows before fit stops it
            fit(model, parts.X_train, parts.y_train,
                optimizer=SGD(lr=lr, weight_decay=weight_decay), epochs=EPOCHS,
                batch_size=BATCH_SIZE, seed=SEED, progress=False, evaluate_train=False)
    except FloatingPointError:
        return None
    return model


@functools.lru_cache(maxsize=4096)
def validation_accuracy(lr: float, weight_decay: float) -> float:
    """Validation accuracy of :func:`train_network` with these settings; nan if it diverged."""
    model = train_network(lr, weight_decay)
    if model is None:
        return math.nan
    parts = lesson_parts()
    with np.errstate(all="ignore"):
        return float(np.mean(model.predict(parts.X_val) == parts.y_val))


def lattice() -> tuple[Array, Array]:
    """The map's learning rates and weight decays: LATTICE log-spaced values each."""
    return (np.logspace(math.log10(LR_RANGE[0]), math.log10(LR_RANGE[1]), LATTICE),
            np.logspace(math.log10(DECAY_RANGE[0]), math.log10(DECAY_RANGE[1]), LATTICE))


@functools.lru_cache(maxsize=1)
def validation_map() -> Array:
    """Validation accuracy on the lattice, shape (LATTICE, LATTICE): row = weight decay,
    column = learning rate (so it draws with η across and λ up). 169 runs, cached."""
    lrs, decays = lattice()
    return np.array([[validation_accuracy(float(lr), float(wd)) for lr in lrs]
                     for wd in decays])


def grid_values(k: int) -> tuple[list[float], list[float]]:
    """k learning rates and k weight decays, evenly spaced in log, ends included (on the map)."""
    if k < 2 or (LATTICE - 1) % (k - 1):
        raise ValueError(f"grid_values: k must be one of 2, 3, 4, 5, 7 or 13 (a grid that lies "
                         f"on the {LATTICE}-point lattice), got {k!r}.")
    lrs, decays = lattice()
    every = (LATTICE - 1) // (k - 1)
    return [float(v) for v in lrs[::every]], [float(v) for v in decays[::every]]


@functools.cache
def grid_trials(budget: int) -> SearchResult:
    """Grid search with ``budget`` = k² trials: every pair of :func:`grid_values` (k)."""
    k = math.isqrt(budget)
    if k * k != budget:
        raise ValueError(f"grid_trials: a grid over two settings needs a square budget "
                         f"(4, 9, 16, 25), got {budget!r}.")
    lrs, decays = grid_values(k)
    return grid_search(validation_accuracy, {"lr": lrs, "weight_decay": decays})


@functools.cache
def random_trials(budget: int, seed: int = SEED) -> SearchResult:
    """Random search with ``budget`` trials drawn log-uniformly from ``SPACE``."""
    return random_search(validation_accuracy, SPACE, n_trials=budget, seed=seed)


def lattice_search_best(budget: int, repeats: int = 1000, seed: int = SEED) -> Array:
    """Best validation accuracy of ``repeats`` random searches that each try ``budget``
    different points of the measured map (chosen at random), shape (repeats,).
    Diverged runs count as 0."""
    scores = np.nan_to_num(validation_map().ravel(), nan=0.0)
    rng = np.random.default_rng(seed)
    picks = np.argsort(rng.random((repeats, scores.size)), axis=1)[:, :budget]
    return scores[picks].max(axis=1)


def search_trials(kind: str, budget: int, seed: int = SEED) -> SearchResult:
    """The explorer's search: ``grid_trials(budget)`` or ``random_trials(budget, seed)``."""
    if kind == "grid":
        return grid_trials(budget)
    if kind == "random":
        return random_trials(budget, seed)
    raise ValueError(f"search_trials: kind must be 'grid' or 'random', got {kind!r}.")


def readout_text(kind: str, result: SearchResult) -> str:
    """What the explorer says about one search."""
    best = result.best_params
    return (f"{kind} search, {len(result)} trials: {result.distinct('lr')} different learning "
            f"rates, {result.distinct('weight_decay')} different weight decays; best validation "
            f"accuracy {result.best_score:.1%} at η = {best['lr']:.3g}, "
            f"λ = {best['weight_decay']:.2g}")


# ----------------------------------------------------------------------------- the explorer
NOTE = ("<b>search</b>: a grid (every pair of k values per axis) or random settings (η and λ "
        "drawn log-uniformly) · <b>trials</b>: how many networks the search trains · <b>seed</b>: "
        "another random draw (the grid has none). Left: the measured map of validation accuracy; "
        "right: each trial's accuracy against its learning rate.")


class SearchExplorer(Explorer):
    """Search kind, budget and seed → the tried settings on the validation-accuracy map, their
    scores against log η, and the best one. Every run is cached: a change trains nothing."""

    title = "Lesson 13 explorer: grid search or random search on the validation-accuracy map"
    figsize = (9.0, 4.0)

    def __init__(self, kind: str = "random", budget: int = 9, seed: int = SEED) -> None:
        self.start = (kind, budget, seed)
        for k in BUDGETS:  # every search the controls can ask for, trained once
            grid_trials(k)
            for s in SEEDS:
                random_trials(k, s)
        super().__init__()

    def build(self, fig) -> None:
        import ipywidgets as widgets
        import matplotlib as mpl

        from nnedu.plots import COLORS

        kind, budget, seed = self.start
        self.add_control("kind", widgets.ToggleButtons(
            options=[("grid search", "grid"), ("random search", "random")], value=kind,
            description="search", style={"button_width": "130px", "description_width": "60px"}))
        self.add_control("budget", widgets.SelectionSlider(
            options=list(BUDGETS), value=budget, description="trials",
            layout={"width": "260px"}))
        self.add_control("seed", widgets.IntSlider(
            value=seed, min=min(SEEDS), max=max(SEEDS), description="seed",
            layout={"width": "230px"}))
        self.note = widgets.HTML(f"<small>{NOTE}</small>")

        lr_lo, lr_hi = (math.log10(v) for v in LR_RANGE)
        wd_lo, wd_hi = (math.log10(v) for v in DECAY_RANGE)
        half_x = (lr_hi - lr_lo) / (2 * (LATTICE - 1))
        half_y = (wd_hi - wd_lo) / (2 * (LATTICE - 1))
        ax = fig.add_axes((0.07, 0.14, 0.36, 0.72))
        cmap = mpl.colormaps["viridis"].with_extremes(bad="0.75")
        image = ax.imshow(validation_map(), origin="lower", aspect="auto", cmap=cmap,
                          vmin=0.5, vmax=1.0, extent=(lr_lo - half_x, lr_hi + half_x,
                                                      wd_lo - half_y, wd_hi + half_y))
        bar = fig.colorbar(image, ax=ax, fraction=0.06, pad=0.03)
        bar.set_label("validation accuracy (grey: diverged)", fontsize=10)
        ax.set(xlabel="log₁₀ learning rate η", ylabel="log₁₀ weight decay λ",
               title="measured map, tried settings")
        self.tried = self.moving(ax.scatter([], [], s=46, facecolor="white", edgecolor="black",
                                            zorder=3))
        self.best_map = self.moving(ax.plot([], [], marker="*", ms=17, ls="none",
                                            color=COLORS[3], markeredgecolor="black",
                                            zorder=4)[0])

        right = fig.add_axes((0.62, 0.14, 0.35, 0.72))
        best_over_decay = np.nanmax(np.nan_to_num(validation_map(), nan=0.0), axis=0)
        right.plot(np.log10(lattice()[0]), best_over_decay, color="0.55", lw=1.5, ls="--",
                   label="map: best over λ")
        right.set(xlim=(lr_lo - 0.2, lr_hi + 0.2), ylim=(0.0, 1.04), xlabel="log₁₀ learning rate η",
                  ylabel="validation accuracy", title="each trial against its η")
        right.grid(alpha=0.3)
        self.scores = self.moving(right.plot([], [], marker="o", ls="none", ms=7,
                                             color=COLORS[0], markeredgecolor="black",
                                             label="trials")[0])
        self.best_right = self.moving(right.plot([], [], marker="*", ms=17, ls="none",
                                                 color=COLORS[3], markeredgecolor="black",
                                                 label="best found")[0])
        self.rug = self.moving(right.plot([], [], marker="|", ms=14, ls="none",
                                          color=COLORS[1], mew=2,
                                          label="η values tried")[0])
        right.legend(loc="center", bbox_to_anchor=(0.42, 0.4), fontsize=10, framealpha=0.9)
        self.heading = self.moving(fig.text(0.5, 0.97, "", ha="center", va="top", fontsize=12))

    def children(self) -> list:
        row, readout, image = super().children()
        return [row, self.note, readout, image]

    def show(self, values) -> str:
        kind, budget, seed = values["kind"], int(values["budget"]), int(values["seed"])
        result = search_trials(kind, budget, seed)
        log_lr = np.log10([p["lr"] for p in result.params])
        log_wd = np.log10([p["weight_decay"] for p in result.params])
        scores = np.nan_to_num(result.scores, nan=0.0)
        best = result.best_index
        self.tried.set_offsets(np.column_stack([log_lr, log_wd]))
        self.best_map.set_data([log_lr[best]], [log_wd[best]])
        self.scores.set_data(log_lr, scores)
        self.best_right.set_data([log_lr[best]], [scores[best]])
        self.rug.set_data(np.unique(log_lr), np.full(len(np.unique(log_lr)), 0.03))
        what = "grid search" if kind == "grid" else f"random search, seed {seed}"
        self.heading.set_text(f"{what}: {budget} trials, best {result.best_score:.1%}")
        return f"<b>{readout_text(kind, result)}</b>"


def search_explorer(kind: str = "random", budget: int = 9, seed: int = SEED) -> SearchExplorer:
    """Search kind, budget and seed over the lesson's cached runs. Displays itself."""
    return SearchExplorer(kind, budget, seed)
