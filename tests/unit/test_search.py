"""nnedu.search: grid and random search, log-uniform draws, the best trial, clear errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnedu.search import (
    LogUniform,
    SearchResult,
    Uniform,
    grid_points,
    grid_search,
    random_points,
    random_search,
)

SPACE = {"lr": LogUniform(1e-4, 1.0), "weight_decay": LogUniform(1e-6, 1e-2)}


def peak(lr, weight_decay):
    """Highest at lr = 0.01; weight decay matters ten times less."""
    return -((math.log10(lr) + 2) ** 2) - 0.1 * (math.log10(weight_decay) + 4) ** 2


# ----------------------------------------------------------------------------- grid
def test_grid_points_are_every_combination_last_name_fastest():
    points = grid_points({"lr": [0.1, 1], "weight_decay": [0, 1e-3]})
    assert points == [{"lr": 0.1, "weight_decay": 0}, {"lr": 0.1, "weight_decay": 1e-3},
                      {"lr": 1, "weight_decay": 0}, {"lr": 1, "weight_decay": 1e-3}]


def test_grid_search_runs_every_point_once_and_keeps_the_best():
    calls = []

    def score(lr, weight_decay):
        calls.append((lr, weight_decay))
        return peak(lr, weight_decay)

    result = grid_search(score, {"lr": [1e-3, 1e-2, 1e-1], "weight_decay": [1e-6, 1e-4]})
    assert len(calls) == len(result) == 6
    assert result.kind == "grid"
    assert result.best_params == {"lr": 1e-2, "weight_decay": 1e-4}
    assert result.best_score == pytest.approx(0.0)
    assert result.distinct("lr") == 3 and result.distinct("weight_decay") == 2


def test_a_grid_of_k_values_tries_only_k_values_of_each_setting():
    k = 3
    values = [float(v) for v in np.logspace(-4, 0, k)]
    result = grid_search(peak, {"lr": values, "weight_decay": [1e-6, 1e-4, 1e-2]})
    assert len(result) == k * k and result.distinct("lr") == k


# ----------------------------------------------------------------------------- random
def test_random_search_tries_n_different_values_of_every_setting():
    result = random_search(peak, SPACE, n_trials=9, seed=0)
    assert result.kind == "random" and len(result) == 9
    assert result.distinct("lr") == 9 and result.distinct("weight_decay") == 9
    for params in result.params:
        assert 1e-4 <= params["lr"] < 1.0 and 1e-6 <= params["weight_decay"] < 1e-2
        assert type(params["lr"]) is float  # plain numbers, not numpy scalars


def test_same_seed_same_settings_other_seed_other_settings():
    assert random_points(SPACE, 5, seed=3) == random_points(SPACE, 5, seed=3)
    assert random_points(SPACE, 5, seed=3) != random_points(SPACE, 5, seed=4)


@given(st.integers(1, 30), st.integers(0, 30), st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_a_longer_search_begins_with_a_shorter_one(n, extra, seed):
    assert random_points(SPACE, n + extra, seed)[:n] == random_points(SPACE, n, seed)


def test_log_uniform_gives_each_power_of_ten_the_same_share():
    draws = LogUniform(1e-4, 1.0).sample(np.random.default_rng(0), 40_000)
    shares = np.histogram(np.log10(draws), bins=4, range=(-4, 0))[0] / draws.size
    np.testing.assert_allclose(shares, 0.25, atol=0.01)
    assert draws.min() >= 1e-4 and draws.max() < 1.0


def test_uniform_and_options():
    points = random_points({"p": Uniform(0.0, 0.5), "hidden": [8, 16, 32]}, 200, seed=1)
    assert all(0.0 <= p["p"] < 0.5 for p in points)
    assert {p["hidden"] for p in points} == {8, 16, 32}


def test_random_search_finds_the_important_setting_better_than_a_grid_on_average():
    """Bergstra and Bengio's point, on a function where only lr matters much (best 10^-1.3)."""
    def score(lr, weight_decay):
        return -((math.log10(lr) + 1.3) ** 2) - 0.01 * (math.log10(weight_decay) + 4) ** 2

    grid = grid_search(score, {"lr": [1e-4, 1e-2, 1.0], "weight_decay": [1e-6, 1e-4, 1e-2]})
    wins = [random_search(score, SPACE, 9, seed=s).best_score > grid.best_score
            for s in range(50)]
    assert np.mean(wins) > 0.5


# ----------------------------------------------------------------------------- results
def test_nan_scores_count_as_the_worst_and_ties_keep_the_first():
    result = SearchResult("grid", [{"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}],
                          [math.nan, 0.5, 0.9, 0.9])
    assert result.best_index == 2 and result.best_params == {"a": 3}
    np.testing.assert_array_equal(result.best_so_far(), [np.nan, 0.5, 0.9, 0.9])
    all_failed = SearchResult("random", [{"a": 1}], [math.nan])
    assert all_failed.best_index == 0 and math.isnan(all_failed.best_score)


def test_best_so_far_never_falls():
    result = random_search(peak, SPACE, n_trials=30, seed=2)
    best = result.best_so_far()
    assert best.shape == (30,) and np.all(np.diff(best) >= 0)
    assert best[-1] == result.best_score == max(result.scores)


def test_repr_and_empty_result():
    assert "9 trials" in repr(random_search(peak, SPACE, 9))
    empty = SearchResult("grid")
    assert "no trials" in repr(empty)
    with pytest.raises(ValueError, match="no trials yet"):
        _ = empty.best_index


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize(("make", "error", "match"), [
    (lambda: LogUniform(0.0, 1.0), ValueError, "low > 0"),
    (lambda: LogUniform(1.0, 0.1), ValueError, "low < high"),
    (lambda: Uniform(1.0, 1.0), ValueError, "low < high"),
    (lambda: LogUniform("0.1", 1.0), TypeError, "finite number"),
    (lambda: LogUniform(1e-3, math.inf), TypeError, "finite number"),
    (lambda: grid_points({}), TypeError, "at least one"),
    (lambda: grid_points({"lr": []}), ValueError, "non-empty list"),
    (lambda: grid_points({"lr": 0.1}), ValueError, "non-empty list"),
    (lambda: grid_points({"lr": "0.1"}), ValueError, "non-empty list"),
    (lambda: random_points({"lr": (1e-3, 1.0)}, 3), TypeError, "LogUniform"),
    (lambda: random_points({"lr": 0.1}, 3), TypeError, "LogUniform"),
    (lambda: random_points({"lr": []}, 3), ValueError, "empty"),
    (lambda: random_points(SPACE, 0), ValueError, "n_trials"),
    (lambda: random_points(SPACE, 2.5), ValueError, "n_trials"),
    (lambda: random_points({1: [1, 2]}, 2), TypeError, "strings"),
    (lambda: random_search("score", SPACE, 2), TypeError, "score must be a function"),
    (lambda: random_search(lambda **p: "good", SPACE, 2), TypeError, "one number"),
    (lambda: grid_search(lambda **p: None, {"lr": [1]}), TypeError, "one number"),
], ids=["log-zero", "log-reversed", "uniform-empty", "text", "infinite", "empty-grid",
        "empty-values", "scalar-values", "string-values", "pair-not-range", "number-not-range",
        "empty-options", "zero-trials", "fractional-trials", "name-not-string",
        "score-not-callable",
        "score-text", "score-none"])
def test_bad_input_gets_a_clear_error(make, error, match):
    with pytest.raises(error, match=match):
        make()
