"""nnedu.widgets.search (lesson 13): the split, the cached runs, the measured map, the searches
the explorer shows, and the explorer itself.

The claims the explorer invites students to check ("a grid of 9 tries 3 learning rates, random
search 9"; "η matters, λ hardly") are asserted on the cached runs themselves.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnedu.search import random_points
from nnedu.widgets import search as sw


@pytest.fixture(scope="module")
def explorer():
    return sw.search_explorer()


def test_the_split_is_60_20_20_stratified_and_scaled_on_training_only():
    parts = sw.lesson_parts()
    assert (len(parts.y_train), len(parts.y_val), len(parts.y_test)) == (341, 114, 114)
    for labels in (parts.y_train, parts.y_val, parts.y_test):
        assert abs(np.mean(labels == 0) - 212 / 569) < 0.01
    np.testing.assert_allclose(parts.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(parts.X_train.std(axis=0), 1)
    assert np.abs(parts.X_val.mean(axis=0)).max() > 0.01  # scaled with the training numbers


def test_split_keeps_rows_with_their_labels_and_each_sample_once():
    X = np.arange(100.0).reshape(-1, 1)
    y = np.r_[np.zeros(40, int), np.ones(60, int)]
    X_train, X_val, X_test, y_train, y_val, y_test = sw.split_60_20_20(X, y)
    ids = np.concatenate([X_train, X_val, X_test]).ravel().astype(int)
    assert sorted(ids) == list(range(100))
    np.testing.assert_array_equal(y[ids], np.concatenate([y_train, y_val, y_test]))


def test_training_is_cached_repeatable_and_a_diverging_run_is_nan():
    assert sw.validation_accuracy(0.1, 1e-4) == sw.validation_accuracy.__wrapped__(0.1, 1e-4)
    assert 0.9 < sw.validation_accuracy(0.1, 1e-4) <= 1.0
    assert math.isnan(sw.validation_accuracy(10.0, 1.0))
    assert sw.train_network(10.0, 1.0) is None


def test_the_map_says_the_learning_rate_matters_more_than_the_weight_decay():
    accuracy = np.nan_to_num(sw.validation_map(), nan=0.0)
    assert accuracy.shape == (sw.LATTICE, sw.LATTICE)
    lower = accuracy[: sw.LATTICE - 3]  # λ up to 1e-2: the rows hardly differ
    across_eta = np.ptp(lower, axis=1).mean()
    across_lambda = np.ptp(lower[:, :10], axis=0).mean()  # η up to 1 (no unstable runs)
    assert across_eta > 10 * across_lambda


@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_grids_lie_on_the_lattice_and_try_k_values_per_axis(k):
    lrs, decays = sw.grid_values(k)
    lattice_lrs, lattice_decays = sw.lattice()
    assert set(lrs) <= set(lattice_lrs.tolist()) and set(decays) <= set(lattice_decays.tolist())
    result = sw.grid_trials(k * k)
    assert len(result) == k * k and result.distinct("lr") == k
    np.testing.assert_array_equal(
        result.scores, [sw.validation_accuracy(p["lr"], p["weight_decay"])
                        for p in result.params])


def test_bad_grids_and_kinds_are_refused():
    with pytest.raises(ValueError, match="square budget"):
        sw.grid_trials(10)
    with pytest.raises(ValueError, match="lattice"):
        sw.grid_values(6)
    with pytest.raises(ValueError, match="'grid' or 'random'"):
        sw.search_trials("bayes", 9)


def test_random_searches_nest_and_try_a_new_learning_rate_every_trial():
    small, large = sw.random_trials(9, 1), sw.random_trials(25, 1)
    assert large.params[:9] == small.params and large.scores[:9] == small.scores
    assert small.params == random_points(sw.SPACE, 9, seed=1)
    assert small.distinct("lr") == 9 and sw.grid_trials(9).distinct("lr") == 3


def test_lattice_searches_pick_distinct_points_and_improve_with_the_budget():
    scores = set(np.nan_to_num(sw.validation_map(), nan=0.0).ravel().tolist())
    medians = []
    for budget in sw.BUDGETS:
        best = sw.lattice_search_best(budget, repeats=200)
        assert best.shape == (200,) and set(best.tolist()) <= scores
        medians.append(np.median(best))
    assert medians == sorted(medians)
    np.testing.assert_array_equal(sw.lattice_search_best(9, 50, seed=3),
                                  sw.lattice_search_best(9, 50, seed=3))


def test_readout_text_counts_and_names_the_best():
    result = sw.grid_trials(9)
    text = sw.readout_text("grid", result)
    assert text.startswith("grid search, 9 trials: 3 different learning rates, 3 different "
                           "weight decays; best validation accuracy ")
    assert f"{result.best_score:.1%}" in text


def test_the_explorer_starts_on_random_search_of_9_trials(explorer):
    explorer.set(kind="random", budget=9, seed=0)
    assert explorer.readout.value == f"<b>{sw.readout_text('random', sw.random_trials(9, 0))}</b>"
    assert explorer.picture[:4] == b"\x89PNG"


@pytest.mark.parametrize("change", [{"kind": "grid"}, {"budget": 25}, {"seed": 2}])
def test_every_control_changes_the_readout_and_the_picture(explorer, change):
    explorer.set(kind="random", budget=9, seed=0)
    before = (explorer.readout.value, explorer.picture)
    explorer.set(**change)
    assert explorer.readout.value != before[0]
    assert explorer.picture != before[1]
    assert explorer.picture == explorer.render_png(explorer.values())


def test_the_grid_ignores_the_seed(explorer):
    explorer.set(kind="grid", budget=9, seed=0)
    before = explorer.picture
    explorer.set(seed=2)
    assert explorer.picture == before


def test_a_change_trains_nothing(explorer, monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("the explorer trained a network on a change")

    monkeypatch.setattr(sw, "train_network", no_training)
    for kind in ("grid", "random"):
        for budget in sw.BUDGETS:
            for seed in sw.SEEDS:
                explorer.set(kind=kind, budget=budget, seed=seed)
