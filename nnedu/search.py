"""Choosing hyperparameters: grid search and random search on a validation score.

A *hyperparameter* is a setting chosen before training (the learning rate η, the weight decay λ,
the number of hidden units); the training itself does not learn it. To choose, try some settings,
train with each, score each trained model on the **validation** part and keep the best. The two
classic ways to pick which settings to try:

* **grid search** (:func:`grid_search`): a list of values per hyperparameter, and every
  combination of them. With ``k`` values for each of two hyperparameters that is ``k²`` runs,
  but only ``k`` different values of each one.
* **random search** (:func:`random_search`): ``n_trials`` settings drawn at random, each
  hyperparameter from its own range. ``n`` runs try ``n`` different values of *every*
  hyperparameter, which pays when only some of them matter much (Bergstra & Bengio, 2012).

Ranges that span several powers of ten (learning rates, weight decays) are sampled
**log-uniformly** (:class:`LogUniform`): the exponent is uniform, so 1e-4…1e-3 gets as many
draws as 0.1…1. A fixed set of options is a list (drawn uniformly from it).

Both searches take ``score(**params) -> float`` (higher is better, e.g. a validation accuracy)
and return a :class:`SearchResult`: every trial in the order it was run, and the best one.
``nan`` (a run that diverged) counts as worse than any number. Only numpy is needed here; the
score function does the training.

Example::

    def score(lr, weight_decay):
        ...train with these settings, return the validation accuracy...

    grid = grid_search(score, {"lr": [1e-3, 1e-2, 1e-1], "weight_decay": [1e-5, 1e-3, 1e-1]})
    rand = random_search(score, {"lr": LogUniform(1e-3, 1e-1),
                                 "weight_decay": LogUniform(1e-5, 1e-1)}, n_trials=9, seed=0)
    print(rand.best_params, rand.best_score)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Array = np.ndarray
Params = dict[str, Any]

__all__ = [
    "LogUniform",
    "SearchResult",
    "Uniform",
    "grid_points",
    "grid_search",
    "random_points",
    "random_search",
]


# ----------------------------------------------------------------------------- ranges
def _check_range(low: object, high: object, where: str, positive: bool) -> tuple[float, float]:
    for name, value in (("low", low), ("high", high)):
        if (isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating))
                or not math.isfinite(value)):
            raise TypeError(f"{where}: {name} must be a finite number, got {value!r}.")
    if positive and low <= 0:
        raise ValueError(f"{where}: a log-uniform range needs low > 0 (the logarithm of "
                         f"{low!r} does not exist); e.g. LogUniform(1e-4, 1e-1). Use Uniform "
                         f"for a range that includes 0.")
    if not low < high:
        raise ValueError(f"{where}: needs low < high, got low={low!r}, high={high!r}.")
    return float(low), float(high)


@dataclass(frozen=True)
class Uniform:
    """Every value between ``low`` and ``high`` equally likely: ``rng.uniform(low, high)``."""

    low: float
    high: float

    def __post_init__(self) -> None:
        _check_range(self.low, self.high, "Uniform", positive=False)

    def sample(self, rng: np.random.Generator, size: int) -> Array:
        """``size`` values drawn uniformly from [low, high)."""
        return rng.uniform(self.low, self.high, size)


@dataclass(frozen=True)
class LogUniform:
    """Every *power of ten* between ``low`` and ``high`` equally likely:

        value = 10 ** u   with   u ~ uniform(log10(low), log10(high))

    so LogUniform(1e-4, 1) puts a quarter of its draws in each of 1e-4…1e-3, 1e-3…1e-2,
    1e-2…1e-1 and 1e-1…1 (a plain uniform draw would put 90 % of them in the last one).
    """

    low: float
    high: float

    def __post_init__(self) -> None:
        _check_range(self.low, self.high, "LogUniform", positive=True)

    def sample(self, rng: np.random.Generator, size: int) -> Array:
        """``size`` values drawn log-uniformly from [low, high)."""
        return 10.0 ** rng.uniform(math.log10(self.low), math.log10(self.high), size)


def _sampler(name: str, spec: object) -> Callable[[np.random.Generator, int], Array | list]:
    """How to draw ``size`` values of one hyperparameter from its entry in the space."""
    if isinstance(spec, (Uniform, LogUniform)):
        return spec.sample
    if isinstance(spec, tuple):
        raise TypeError(f"random_search: the range of {name!r} is the tuple {spec!r}: write "
                        f"LogUniform(low, high) (or Uniform) for a range, or a list "
                        f"{list(spec)!r} to draw one of these options.")
    if isinstance(spec, list):
        if not spec:
            raise ValueError(f"random_search: the options for {name!r} are empty; give at "
                             f"least one value.")
        options = list(spec)
        return lambda rng, size: [options[i] for i in rng.integers(len(options), size=size)]
    raise TypeError(f"random_search: the range of {name!r} must be LogUniform(low, high), "
                    f"Uniform(low, high) or a list of options, got {spec!r}. For a learning "
                    f"rate between 1e-4 and 1 write LogUniform(1e-4, 1).")


def _check_space(space: object, where: str) -> Mapping[str, Any]:
    if not isinstance(space, Mapping) or not space:
        raise TypeError(f"{where}: give a dict {{name: values}} with at least one "
                        f"hyperparameter, e.g. {{'lr': ...}}; got {space!r}.")
    for name in space:
        if not isinstance(name, str):
            raise TypeError(f"{where}: hyperparameter names must be strings (the argument "
                            f"names of the score function), got {name!r}.")
    return space


def _check_trials(n_trials: object) -> int:
    if isinstance(n_trials, bool) or not isinstance(n_trials, (int, np.integer)) or n_trials < 1:
        raise ValueError(f"random_search: n_trials must be a whole number ≥ 1 (how many "
                         f"settings to try), got {n_trials!r}.")
    return int(n_trials)


# ----------------------------------------------------------------------------- which settings
def grid_points(grid: Mapping[str, Sequence[Any]]) -> list[Params]:
    """Every combination of the values in ``grid``, the last hyperparameter changing fastest.

    ``grid_points({"lr": [0.1, 1], "weight_decay": [0, 1e-3]})`` is
    ``[{"lr": 0.1, "weight_decay": 0}, {"lr": 0.1, "weight_decay": 1e-3},
    {"lr": 1, "weight_decay": 0}, {"lr": 1, "weight_decay": 1e-3}]``.
    """
    grid = _check_space(grid, "grid_search")
    for name, values in grid.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ValueError(f"grid_search: the values of {name!r} must be a non-empty list, "
                             f"e.g. [1e-3, 1e-2, 1e-1]; got {values!r}.")
    names = list(grid)
    return [dict(zip(names, combination)) for combination in itertools.product(*grid.values())]


def random_points(space: Mapping[str, Any], n_trials: int, seed: int | None = 0) -> list[Params]:
    """``n_trials`` settings drawn at random from ``space``; the same seed, the same settings.

    ``space`` maps each name to :class:`LogUniform`, :class:`Uniform` or a list of options.
    The draws go trial by trial (every hyperparameter of trial 1, then of trial 2, …), so a
    longer search with the same seed begins with the settings of a shorter one:
    ``random_points(space, 25, seed)[:9] == random_points(space, 9, seed)``.
    """
    space = _check_space(space, "random_search")
    n_trials = _check_trials(n_trials)
    samplers = {name: _sampler(name, spec) for name, spec in space.items()}
    rng = np.random.default_rng(seed)
    return [{name: _plain(draw(rng, 1)[0]) for name, draw in samplers.items()}
            for _ in range(n_trials)]


def _plain(value: Any) -> Any:
    """numpy scalars as plain Python numbers (they print as 0.01, not np.float64(0.01))."""
    return value.item() if isinstance(value, np.generic) else value


# ----------------------------------------------------------------------------- searches
@dataclass
class SearchResult:
    """The trials of one search, in the order they were run.

    ``params[i]`` is the setting of trial ``i`` and ``scores[i]`` its score (higher is better;
    nan = failed). ``best_index`` is the first trial with the highest score.
    """

    kind: str
    params: list[Params] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.scores)

    @property
    def best_index(self) -> int:
        """The first trial with the highest score (nan counts as the lowest)."""
        if not self.scores:
            raise ValueError(f"{self.kind} search: no trials yet, so no best one.")
        finite = np.where(np.isnan(self.scores), -np.inf, self.scores)
        return int(np.argmax(finite))

    @property
    def best_params(self) -> Params:
        """The setting of the best trial."""
        return dict(self.params[self.best_index])

    @property
    def best_score(self) -> float:
        """The score of the best trial."""
        return self.scores[self.best_index]

    def best_so_far(self) -> Array:
        """The best score after 1, 2, …, n trials (nan until a trial succeeds): shape (n,)."""
        finite = np.where(np.isnan(self.scores), -np.inf, self.scores)
        best = np.maximum.accumulate(finite)
        return np.where(np.isneginf(best), np.nan, best)

    def distinct(self, name: str) -> int:
        """How many different values of ``name`` the search tried."""
        return len({p[name] for p in self.params})

    def __repr__(self) -> str:
        if not self.scores:
            return f"SearchResult({self.kind}, no trials)"
        return (f"SearchResult({self.kind}, {len(self)} trials, best {self.best_score:.4g} "
                f"at {self.best_params})")


def _run(kind: str, score: Callable[..., float], points: list[Params]) -> SearchResult:
    if not callable(score):
        raise TypeError(f"{kind}_search: score must be a function score(**params) -> number "
                        f"(higher is better), got {score!r}.")
    result = SearchResult(kind)
    for params in points:
        value = score(**params)
        if (isinstance(value, bool)
                or not isinstance(value, (int, float, np.integer, np.floating))):
            raise TypeError(f"{kind}_search: score({params}) returned {value!r}; it must "
                            f"return one number, higher is better (e.g. a validation "
                            f"accuracy).")
        result.params.append(params)
        result.scores.append(float(value))
    return result


def grid_search(score: Callable[..., float], grid: Mapping[str, Sequence[Any]]) -> SearchResult:
    """Try every combination of the values in ``grid`` (see :func:`grid_points`).

    ``score(**params)`` trains with one setting and returns its validation score, higher is
    better. Runs ``len(values₁) · len(values₂) · …`` trials.
    """
    return _run("grid", score, grid_points(grid))


def random_search(score: Callable[..., float], space: Mapping[str, Any], n_trials: int,
                  seed: int | None = 0) -> SearchResult:
    """Try ``n_trials`` settings drawn at random from ``space`` (see :func:`random_points`).

    ``score(**params)`` trains with one setting and returns its validation score, higher is
    better. The same seed draws the same settings, so the search can be repeated exactly.
    """
    return _run("random", score, random_points(space, n_trials, seed))
