"""The checks of the capstone project (lesson 13): right answers written in other ways pass,
known mistakes (leakage above all) fail with the line that explains them, bad code is reported
without crashing, and the library agrees with the checks."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler as SkStandardScaler
from student_code import (
    assert_fails_with_hint,
    loops_forever,
    not_written,
    raises,
    returns_none,
)

from nnedu.checks import CheckFailed, NotWrittenYet
from nnedu.checks.capstone import (
    check_random_search,
    check_scale_parts,
    check_split_three_ways,
    check_train_network,
    reference_train_network,
)
from nnedu.data import StandardScaler
from nnedu.network import mlp
from nnedu.optim import SGD
from nnedu.search import LogUniform
from nnedu.search import random_search as library_random_search
from nnedu.train import fit


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


def fails_saying(check, fn, text, capfd):
    """The check fails and its printed lines contain ``text``."""
    with pytest.raises(CheckFailed):
        check(fn)
    out = capfd.readouterr().out
    assert text in out, out


# --------------------------------------------------------------------------- task 1: split
def split_sklearn(X, y, seed):
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.2, stratify=y,
                                                      random_state=seed)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=0.25,
                                                      stratify=y_rest, random_state=seed)
    return X_train, X_val, X_test, y_train, y_val, y_test


def split_by_hand(X, y, seed):
    """Stratified by hand: shuffle each class, deal out 60 / 20 / 20 (a list comes back)."""
    rng = np.random.default_rng(seed)
    parts = [[], [], []]
    for label in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == label))
        n_test, n_val = round(0.2 * len(rows)), round(0.2 * len(rows))
        parts[2].extend(rows[:n_test])
        parts[1].extend(rows[n_test:n_test + n_val])
        parts[0].extend(rows[n_test + n_val:])
    rows = [rng.permutation(p) for p in parts]
    return [X[r] for r in rows] + [y[r] for r in rows]


def split_val_of_rest(X, y, seed):
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.2, stratify=y,
                                                      random_state=seed)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=0.2,
                                                      stratify=y_rest, random_state=seed)
    return X_train, X_val, X_test, y_train, y_val, y_test


def split_not_stratified(X, y, seed):
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.2, random_state=seed)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=0.25,
                                                      random_state=seed)
    return X_train, X_val, X_test, y_train, y_val, y_test


def split_val_from_all(X, y, seed):
    """The validation part drawn from ALL the data again: it overlaps the test part."""
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.2, stratify=y,
                                                      random_state=seed)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=0.25,
                                                      stratify=y_rest, random_state=seed)
    _, X_val, _, y_val = train_test_split(X, y, test_size=0.2, stratify=y, random_state=seed + 1)
    return X_train, X_val, X_test, y_train, y_val, y_test


def split_unseeded(X, y, seed):
    return split_sklearn(X, y, None)


def split_seed_ignored(X, y, seed):
    return split_sklearn(X, y, 42)


def split_labels_shuffled_separately(X, y, seed):
    X_train, X_val, X_test, y_train, y_val, y_test = split_sklearn(X, y, seed)
    return X_train, X_val, X_test, y_train[::-1], y_val, y_test


def split_returns_dict(X, y, seed):
    return dict(zip("abcdef", split_sklearn(X, y, seed)))


@pytest.mark.parametrize("fn", [split_sklearn, split_by_hand])
def test_right_splits_pass(fn, capfd):
    assert check_split_three_ways(fn) is None
    assert "4/4 checks passed" in capfd.readouterr().out


@pytest.mark.parametrize(("fn", "text"), [
    (split_val_of_rest, "the validation part must be 20 % of ALL samples"),
    (split_not_stratified, "stratify: pass stratify=y"),
    (split_val_from_all, "some samples are in two parts"),
    (split_unseeded, "two calls with seed=0 gave different parts"),
    (split_seed_ignored, "seed=0 and seed=1 gave the same parts"),
    (split_labels_shuffled_separately, "do not belong to the rows"),
    (split_returns_dict, "expected six parts"),
])
def test_wrong_splits_fail_saying_why(fn, text, capfd):
    fails_saying(check_split_three_ways, fn, text, capfd)


# --------------------------------------------------------------------------- task 2: scaling
def scale_nnedu(X_train, X_val, X_test):
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_val), scaler.transform(X_test)


def scale_sklearn_list(X_train, X_val, X_test):
    scaler = SkStandardScaler().fit(X_train)
    return [scaler.transform(part) for part in (X_train, X_val, X_test)]


def scale_numpy(X_train, X_val, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return tuple((part - mean) / std for part in (X_train, X_val, X_test))


def scale_leak_all(X_train, X_val, X_test):
    scaler = StandardScaler().fit(np.vstack([X_train, X_val, X_test]))
    return scaler.transform(X_train), scaler.transform(X_val), scaler.transform(X_test)


def scale_leak_validation(X_train, X_val, X_test):
    scaler = StandardScaler().fit(np.vstack([X_train, X_val]))
    return scaler.transform(X_train), scaler.transform(X_val), scaler.transform(X_test)


def scale_each_own(X_train, X_val, X_test):
    return tuple(StandardScaler().fit_transform(part) for part in (X_train, X_val, X_test))


def scale_nothing(X_train, X_val, X_test):
    return X_train, X_val, X_test


def scale_in_place(X_train, X_val, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    for part in (X_val, X_test, X_train):
        part -= mean
        part /= std
    return X_train, X_val, X_test


@pytest.mark.parametrize("fn", [scale_nnedu, scale_sklearn_list, scale_numpy])
def test_right_scalings_pass(fn, capfd):
    assert check_scale_parts(fn) is None
    assert "2/2 checks passed" in capfd.readouterr().out


@pytest.mark.parametrize(("fn", "hint"), [
    (scale_leak_all, "leakage: the scaler's mean and standard deviation were computed with"),
    (scale_leak_validation, "fitted on the training AND the validation part"),
    (scale_each_own, "each part was scaled with its own mean"),
    (scale_nothing, "the parts come back unscaled"),
])
def test_leaky_and_wrong_scalings_fail_with_their_hint(fn, hint, capfd):
    assert_fails_with_hint(check_scale_parts, fn, hint, capfd)


def test_scaling_the_inputs_in_place_is_reported(capfd):
    fails_saying(check_scale_parts, scale_in_place, "changed its input", capfd)


# --------------------------------------------------------------------------- task 3: training
def train_written_out(lr, weight_decay, X_train, y_train):
    model = mlp((X_train.shape[1], 8, len(np.unique(y_train))), activation="relu",
                output="softmax", seed=0)
    fit(model, X_train, y_train, loss="categorical_cross_entropy",
        optimizer=SGD(lr=lr, momentum=0.0, weight_decay=weight_decay), epochs=10,
        batch_size=32, seed=0, progress=False)
    return model


def train_no_decay(lr, weight_decay, X_train, y_train):
    return reference_train_network(lr, 0.0, X_train, y_train)


def train_default_epochs(lr, weight_decay, X_train, y_train):
    model = mlp((X_train.shape[1], 8, 3), seed=0)
    fit(model, X_train, y_train, optimizer=SGD(lr=lr, weight_decay=weight_decay),
        batch_size=32, seed=0, progress=False)
    return model


def train_default_lr(lr, weight_decay, X_train, y_train):
    model = mlp((X_train.shape[1], 8, 3), seed=0)
    fit(model, X_train, y_train, optimizer=SGD(weight_decay=weight_decay), epochs=10,
        batch_size=32, seed=0, progress=False)
    return model


def train_returns_history(lr, weight_decay, X_train, y_train):
    model = mlp((X_train.shape[1], 8, 3), seed=0)
    return fit(model, X_train, y_train, optimizer=SGD(lr=lr, weight_decay=weight_decay),
               epochs=10, batch_size=32, seed=0, progress=False)


def train_wrong_hidden(lr, weight_decay, X_train, y_train):
    model = mlp((X_train.shape[1], 16, 3), seed=0)
    fit(model, X_train, y_train, optimizer=SGD(lr=lr, weight_decay=weight_decay), epochs=10,
        batch_size=32, seed=0, progress=False)
    return model


def train_other_seed(lr, weight_decay, X_train, y_train):
    return reference_train_network(lr, weight_decay, X_train, y_train, seed=1)


@pytest.mark.parametrize("fn", [reference_train_network, train_written_out])
def test_right_training_passes(fn, capfd):
    assert check_train_network(fn) is None
    assert "3/3 checks passed" in capfd.readouterr().out


@pytest.mark.parametrize(("fn", "hint"), [
    (train_no_decay, "weight_decay is not used"),
    (train_default_epochs, "that is 100 epochs"),
    (train_default_lr, "the learning rate is not used"),
    (train_other_seed, "mlp((n_features, 8, n_classes), seed=0)"),
])
def test_wrong_training_fails_with_its_hint(fn, hint, capfd):
    assert_fails_with_hint(check_train_network, fn, hint, capfd)


def test_a_wrong_hidden_layer_shows_the_weight_shapes(capfd):
    fails_saying(check_train_network, train_wrong_hidden,
                 "expected [[4 8] [8 3]] (shape (2, 2)), got [[4 16] [16 3]]", capfd)


def test_returning_the_history_is_explained(capfd):
    fails_saying(check_train_network, train_returns_history, "not the trained network", capfd)


# --------------------------------------------------------------------------- task 4: search
def search_library(score, space, n_trials, seed):
    """nnedu.search.random_search, turned into the task's return value."""
    result = library_random_search(score, {k: LogUniform(*v) for k, v in space.items()},
                                   n_trials, seed)
    return result.best_params, result.best_score, list(zip(result.params, result.scores))


def search_loops(score, space, n_trials, seed):
    rng = np.random.default_rng(seed)
    exponents = {name: rng.uniform(np.log10(lo), np.log10(hi), n_trials)
                 for name, (lo, hi) in space.items()}
    trials, best = [], None
    for i in range(n_trials):
        params = {name: 10 ** exponents[name][i] for name in space}
        value = score(**params)
        trials.append((params, value))
        if best is None or value > best[1]:
            best = (params, value)
    return best[0], best[1], trials


def search_uniform(score, space, n_trials, seed):
    rng = np.random.default_rng(seed)
    trials = []
    for _ in range(n_trials):
        params = {name: rng.uniform(lo, hi) for name, (lo, hi) in space.items()}
        trials.append((params, score(**params)))
    best = max(trials, key=lambda t: t[1])
    return best[0], best[1], trials


def search_exponent_only(score, space, n_trials, seed):
    rng = np.random.default_rng(seed)
    trials = []
    for _ in range(n_trials):
        params = {name: rng.uniform(np.log10(lo), np.log10(hi)) for name, (lo, hi) in space.items()}
        trials.append((params, score(**params)))
    return trials[0][0], trials[0][1], trials


def search_min(score, space, n_trials, seed):
    best_params, _, trials = search_loops(score, space, n_trials, seed)
    worst = min(trials, key=lambda t: t[1])
    return worst[0], worst[1], trials


def search_unseeded(score, space, n_trials, seed):
    return search_loops(score, space, n_trials, None)


def search_positional(score, space, n_trials, seed):
    rng = np.random.default_rng(seed)
    trials = []
    for _ in range(n_trials):
        params = {name: 10 ** rng.uniform(np.log10(lo), np.log10(hi))
                  for name, (lo, hi) in space.items()}
        trials.append((params, score(*params.values(), 1)))
    return trials[0][0], trials[0][1], trials


def search_too_few(score, space, n_trials, seed):
    return search_loops(score, space, n_trials - 1, seed)


@pytest.mark.parametrize("fn", [search_library, search_loops])
def test_right_searches_pass(fn, capfd):
    assert check_random_search(fn) is None
    assert "4/4 checks passed" in capfd.readouterr().out


@pytest.mark.parametrize(("fn", "text"), [
    (search_uniform, "draw the exponent uniformly"),
    (search_exponent_only, "you drew the exponent but did not turn it into a value"),
    (search_min, "(that is the lowest: higher is better)"),
    (search_unseeded, "two searches with seed=0 tried different settings"),
    (search_positional, "call the score function with keyword arguments"),
    (search_too_few, "n_trials=50 but the score function was called 49 times"),
])
def test_wrong_searches_fail_saying_why(fn, text, capfd):
    fails_saying(check_random_search, fn, text, capfd)


# --------------------------------------------------------------------------- bad code, stubs
CHECKS = [check_split_three_ways, check_scale_parts, check_train_network, check_random_search]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_the_stub_is_not_written_yet(check, capfd):
    with pytest.raises(NotWrittenYet):
        check(not_written)
    assert "is not written yet" in capfd.readouterr().out


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("fn", [raises, returns_none], ids=["raises", "returns-none"])
def test_bad_code_is_reported_and_never_crashes(check, fn, capfd):
    with pytest.raises(CheckFailed):
        check(fn)
    out = capfd.readouterr().out
    assert "✗" in out and "Traceback" not in out


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_a_function_that_never_returns_is_stopped(check, capfd):
    with pytest.raises(CheckFailed):
        check(loops_forever, timeout=0.2)
    assert "did not finish within 0.2 s" in capfd.readouterr().out
