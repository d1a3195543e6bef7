"""Checks for the capstone project (lesson 13): split, scaling without leakage, training,
random search.

``check_split_three_ways`` and ``check_random_search`` test *properties* (sizes, no sample in
two parts, class shares, ranges, log-uniform draws, the best trial, seeds): many right answers
draw different random numbers. Each of their cases returns 1.0 when the rule holds and stops
with :class:`ProjectMistake`, whose message says what is wrong and what to do, when it does not.
``check_scale_parts`` and ``check_train_network`` compare values with the right answer and
recognise the known mistakes (a scaler that sees the validation or test part: *leakage*).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from nnedu.checks.runner import DEFAULT_TIMEOUT, Case, Mistake, run_checks

SEARCH_TIMEOUT = 10.0  # seconds per case: a case may run a search of 2,000 cheap trials


class ProjectMistake(Exception):
    """A rule of the project that the student's function breaks (the message says which)."""


# ----------------------------------------------------------------------------- task 1: split
def _split_data() -> tuple[np.ndarray, np.ndarray]:
    """200 samples: column 0 is the sample's number (so rows can be traced), 70 of class 0."""
    rng = np.random.default_rng(7)
    y = rng.permutation(np.r_[np.zeros(70, int), np.ones(90, int), np.full(40, 2)])
    X = np.column_stack([np.arange(200.0), rng.normal(size=(200, 2)) + y[:, None]])
    return X, y


def _call_split(fn: Callable, X: np.ndarray, y: np.ndarray, seed: int) -> tuple:
    try:
        parts = fn(X.copy(), y.copy(), seed)
    except (NotImplementedError, ProjectMistake):
        raise
    except Exception as error:
        raise ProjectMistake(f"split_three_ways(X, y, seed={seed}) raised "
                             f"{type(error).__name__}: {error}") from error
    if not isinstance(parts, (tuple, list)) or len(parts) != 6:
        raise ProjectMistake(f"expected six parts (X_train, X_val, X_test, y_train, y_val, "
                             f"y_test), got {type(parts).__name__}"
                             f"{f' of length {len(parts)}' if hasattr(parts, '__len__') else ''}")
    return tuple(np.asarray(p) for p in parts)


def _sizes_ok(fn: Callable) -> float:
    X, y = _split_data()
    parts = _call_split(fn, X, y, 0)
    got = tuple(len(p) for p in parts[:3])
    if got == (120, 40, 40):
        return 1.0
    if got == (128, 32, 40):
        raise ProjectMistake("got 128 / 32 / 40 rows, expected 120 / 40 / 40: the validation "
                             "part must be 20 % of ALL samples; after the test part is gone that "
                             "is a quarter of the rest (test_size=0.25 in the second split)")
    raise ProjectMistake(f"got {got[0]} / {got[1]} / {got[2]} rows for training / validation / "
                         f"test, expected 120 / 40 / 40 (60 % / 20 % / 20 % of 200) — split off "
                         f"the test part first (test_size=0.2), then split the rest "
                         f"(test_size=0.25); return X_train, X_val, X_test, y_train, y_val, y_test")


def _disjoint_ok(fn: Callable) -> float:
    X, y = _split_data()
    X_train, X_val, X_test, y_train, y_val, y_test = _call_split(fn, X, y, 0)
    for name, part in (("X_train", X_train), ("X_val", X_val), ("X_test", X_test)):
        if part.ndim != 2 or part.shape[1] != X.shape[1]:
            raise ProjectMistake(f"{name} has shape {part.shape}; it should keep all "
                                 f"{X.shape[1]} columns of X — check the order of the six parts")
    ids = [part[:, 0].astype(int) for part in (X_train, X_val, X_test)]
    together = np.concatenate(ids)
    if len(set(together)) < len(together):
        raise ProjectMistake("some samples are in two parts — split the REST (what the first "
                             "split left after taking the test part) the second time, not all "
                             "of X")
    if sorted(together) != list(range(len(X))):
        raise ProjectMistake("some samples are in no part: every sample must land in exactly "
                             "one of training, validation and test")
    for part_ids, labels, name in zip(ids, (y_train, y_val, y_test), ("train", "val", "test")):
        if not np.array_equal(y[part_ids], labels):
            raise ProjectMistake(f"the labels y_{name} do not belong to the rows X_{name} — "
                                 f"split X and y in the same call so they stay paired")
    return 1.0


def _stratified_ok(fn: Callable) -> float:
    X, y = _split_data()
    parts = _call_split(fn, X, y, 0)
    for name, labels in zip(("training", "validation", "test"), parts[3:]):
        shares = np.bincount(labels.astype(int), minlength=3)
        wanted = np.bincount(y, minlength=3) * len(labels) / len(y)
        if np.any(np.abs(shares - wanted) > 1):
            raise ProjectMistake(f"the {name} part has {shares.tolist()} samples of the classes "
                                 f"0, 1, 2; with the shares of all the data it would have "
                                 f"{np.round(wanted, 1).tolist()} — stratify: pass stratify=y to "
                                 f"the first split and stratify=y_rest to the second")
    return 1.0


def _seeded_ok(fn: Callable) -> float:
    X, y = _split_data()
    first, again = _call_split(fn, X, y, 0), _call_split(fn, X, y, 0)
    if not all(np.array_equal(a, b) for a, b in zip(first, again)):
        raise ProjectMistake("two calls with seed=0 gave different parts — pass "
                             "random_state=seed to both splits")
    other = _call_split(fn, X, y, 1)
    if all(np.array_equal(a, b) for a, b in zip(first, other)):
        raise ProjectMistake("seed=0 and seed=1 gave the same parts: the seed is not used — "
                             "pass random_state=seed to both splits")
    return 1.0


def check_split_three_ways(fn: Callable, *, verbose: bool = False,
                           timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(X, y, seed)`` splits 60 / 20 / 20, disjoint, stratified and seeded."""
    __tracebackhide__ = True
    runners = {
        "200 samples give 120 / 40 / 40 rows (60 % / 20 % / 20 %)": _sizes_ok,
        "every sample in exactly one part, labels still paired with their rows": _disjoint_ok,
        "each part keeps the class shares of the data (stratified)": _stratified_ok,
        "the same seed gives the same parts, another seed other parts": _seeded_ok,
    }
    cases = [Case(name, args=(name,), expected=1.0) for name in runners]
    run_checks("split_three_ways", lambda name: runners[name](fn), cases, verbose=verbose,
               timeout=timeout)


# ----------------------------------------------------------------------------- task 2: scaling
def _standardise(fit_on: np.ndarray, *parts: np.ndarray) -> tuple[np.ndarray, ...]:
    mean, std = fit_on.mean(axis=0), fit_on.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    return tuple((p - mean) / std for p in parts)


def _scaled_right(X_train, X_val, X_test):
    return _standardise(X_train, X_train, X_val, X_test)


_LEAK_HINT = ("leakage: the scaler's mean and standard deviation were computed with the "
              "validation and test samples included, so the model gets a peek at data it will "
              "be judged on — fit the scaler on X_train only, then transform all three parts")
_SCALE_MISTAKES = [
    Mistake(lambda a, b, c: _standardise(np.vstack([a, b, c]), a, b, c), _LEAK_HINT),
    Mistake(lambda a, b, c: _standardise(np.vstack([a, b]), a, b, c),
            "leakage: the scaler was fitted on the training AND the validation part; the "
            "validation part must be as new to the model as the test part — fit on X_train "
            "only"),
    Mistake(lambda a, b, c: (_standardise(a, a) + _standardise(b, b) + _standardise(c, c)),
            "each part was scaled with its own mean and standard deviation: the validation and "
            "test parts must be transformed with the numbers learned from X_train (fit once, "
            "transform three times)"),
    Mistake(lambda a, b, c: (a, b, c), "the parts come back unscaled: fit a StandardScaler on "
                                       "X_train, then transform each part"),
]


def _scale_data(seed: int, shift: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    make = lambda n, centre: rng.normal(centre, [1.0, 5.0, 0.1], size=(n, 3))  # noqa: E731
    return make(30, 0.0), make(10, shift), make(10, 2 * shift)


def check_scale_parts(fn: Callable, *, verbose: bool = False,
                      timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(X_train, X_val, X_test)`` standardises all three with X_train's numbers."""
    __tracebackhide__ = True
    cases = [
        Case("three parts whose means differ", args=_scale_data(0, 3.0),
             reference=_scaled_right, mistakes=_SCALE_MISTAKES, atol=1e-9),
        Case("another data set: the validation and test parts never change the scaling",
             args=_scale_data(1, -2.0), reference=_scaled_right, mistakes=_SCALE_MISTAKES,
             atol=1e-9),
    ]
    run_checks("scale_parts", lambda a, b, c: tuple(fn(a, b, c)), cases, verbose=verbose,
               timeout=timeout)


# ----------------------------------------------------------------------------- task 3: training
def reference_train_network(lr: float, weight_decay: float, X_train: np.ndarray,
                            y_train: np.ndarray, *, epochs: int = 10, seed: int = 0):
    """The network of the task: mlp((n_features, 8, n_classes)) and SGD, 10 epochs of 32."""
    from nnedu.network import mlp
    from nnedu.optim import SGD
    from nnedu.train import fit

    model = mlp((X_train.shape[1], 8, int(np.max(y_train)) + 1), seed=seed)
    fit(model, X_train, y_train, optimizer=SGD(lr=lr, weight_decay=weight_decay), epochs=epochs,
        batch_size=32, seed=seed, progress=False)
    return model


def _train_data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 3, size=90)
    X = rng.normal(size=(90, 4)) + 0.8 * np.eye(3, 4)[y]
    return X, y, rng.normal(size=(12, 4))


def _trained(train: Callable, lr: float, weight_decay: float, X: np.ndarray, y: np.ndarray,
             **kwargs: Any):
    model = train(lr, weight_decay, X, y, **kwargs)
    if not hasattr(model, "forward"):
        raise ProjectMistake(f"train_network returned {type(model).__name__}, not the trained "
                             f"network — return the model (fit returns only its History)")
    return model


def _answer(train: Callable, what: str, lr: float, weight_decay: float, X: np.ndarray,
            y: np.ndarray, probe: np.ndarray, **kwargs: Any) -> np.ndarray:
    """What a case compares: the weight matrices' shapes, or the output on ``probe``."""
    model = _trained(train, lr, weight_decay, X, y, **kwargs)
    if what == "shapes":
        return np.array([p.shape for name, p in model.named_parameters()
                         if name.endswith(".W")], dtype=float)
    return np.asarray(model.forward(probe))


_RECIPE = ("mlp((n_features, 8, n_classes), seed=0), SGD(lr=lr, weight_decay=weight_decay), "
           "fit(..., epochs=10, batch_size=32, seed=0, progress=False)")


def check_train_network(fn: Callable, *, verbose: bool = False,
                        timeout: float = DEFAULT_TIMEOUT) -> None:
    """Check ``fn(lr, weight_decay, X_train, y_train)`` trains the network of the task."""
    __tracebackhide__ = True
    X, y, probe = _train_data()

    def student(what, lr, weight_decay, X, y, probe):
        return _answer(fn, what, lr, weight_decay, X, y, probe)

    def right(what, lr, weight_decay, X, y, probe):
        return _answer(reference_train_network, what, lr, weight_decay, X, y, probe)

    mistakes = [
        Mistake(lambda what, lr, wd, X, y, p: right(what, lr, 0.0, X, y, p),
                "weight_decay is not used: SGD(lr=lr, weight_decay=weight_decay)"),
        Mistake(lambda what, lr, wd, X, y, p: _answer(reference_train_network, what, lr, wd,
                                                      X, y, p, epochs=100),
                "that is 100 epochs (fit's default): train for epochs=10"),
        Mistake(lambda what, lr, wd, X, y, p: right(what, 0.01, wd, X, y, p),
                "the learning rate is not used: SGD(lr=lr, ...), not SGD's default 0.01"),
    ]
    cases = [
        Case("4 inputs, 3 classes: weight matrices of shapes (4, 8) and (8, 3)",
             args=("shapes", 0.1, 1e-3, X, y, probe), reference=right, atol=0,
             hint="one hidden layer of 8 units and one output per class: "
                  "mlp((X_train.shape[1], 8, n_classes))"),
        Case("η = 0.1, λ = 1e-3 on 90 samples of 3 classes: the same outputs",
             args=("outputs", 0.1, 1e-3, X, y, probe), reference=right, mistakes=mistakes,
             atol=1e-10, hint=_RECIPE),
        Case("η = 0.5, λ = 0.1: the same outputs", args=("outputs", 0.5, 0.1, X, y, probe),
             reference=right, mistakes=mistakes, atol=1e-10, hint=_RECIPE),
    ]
    run_checks("train_network", student, cases, verbose=verbose, timeout=timeout)


# ----------------------------------------------------------------------------- task 4: search
_SPACE = {"lr": (1e-4, 1.0), "weight_decay": (1e-6, 1e-2)}


def _peak_score(lr: float, weight_decay: float) -> float:
    """A pretend validation score, highest at η = 0.01 and λ = 1e-4."""
    return -((math.log10(lr) + 2) ** 2) - 0.1 * (math.log10(weight_decay) + 4) ** 2


def _inside(params: dict) -> bool:
    return all(isinstance(params.get(name), (float, int, np.floating)) and low <= params[name]
               <= high for name, (low, high) in _SPACE.items())


def _safe_score(**params) -> float:
    """The pretend score, and -inf for a setting outside the space (reported elsewhere)."""
    return _peak_score(**params) if _inside(params) else -math.inf


def _search(fn: Callable, n_trials: int, seed: int,
            calls: list | None = None) -> tuple[dict, float, list]:
    def recorded(**params):
        if calls is not None:
            calls.append(params)
        return _safe_score(**params)

    try:
        answer = fn(recorded, dict(_SPACE), n_trials, seed)
    except (NotImplementedError, ProjectMistake):
        raise
    except TypeError as error:
        raise ProjectMistake(f"random_search raised TypeError: {error} — call the score "
                             f"function with keyword arguments, score(**params), where params "
                             f"is a dict like {{'lr': 0.01, 'weight_decay': 1e-4}}") from error
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise ProjectMistake(f"expected (best_params, best_score, trials), got "
                             f"{type(answer).__name__}")
    best_params, best_score, trials = answer
    if not isinstance(best_params, dict) or set(best_params) != set(_SPACE):
        raise ProjectMistake(f"best_params should be a dict with the keys 'lr' and "
                             f"'weight_decay', got {best_params!r}")
    if not isinstance(trials, (list, tuple)) or not all(
            isinstance(t, (tuple, list)) and len(t) == 2 and isinstance(t[0], dict)
            for t in trials):
        raise ProjectMistake("trials should be a list of (params, score) pairs, one per trial, "
                             "in the order they were run")
    return best_params, float(best_score), list(trials)


def _ranges_ok(fn: Callable) -> float:
    calls: list = []
    _, _, trials = _search(fn, 50, 0, calls=calls)
    if len(calls) != 50 or len(trials) != 50:
        raise ProjectMistake(f"n_trials=50 but the score function was called {len(calls)} "
                             f"times and {len(trials)} trials came back: one call per trial")
    for params in calls:
        for name, (low, high) in _SPACE.items():
            value = params.get(name)
            if not isinstance(value, (float, int, np.floating)) or not low <= value <= high:
                hint = (" — you drew the exponent but did not turn it into a value: "
                        "10 ** exponent" if isinstance(value, (float, np.floating))
                        and math.log10(low) <= value <= math.log10(high) else "")
                raise ProjectMistake(f"{name} = {value!r} is outside its range ({low:g}, "
                                     f"{high:g}){hint}")
    return 1.0


def _log_uniform_ok(fn: Callable) -> float:
    calls: list = []
    _search(fn, 2000, 0, calls=calls)
    if not all(_inside(params) for params in calls):
        raise ProjectMistake("some settings are outside their ranges (see the first line)")
    lrs = np.array([params["lr"] for params in calls], dtype=float)
    shares = np.histogram(np.log10(lrs), bins=4, range=(-4, 0))[0] / len(lrs)
    if np.all(np.abs(shares - 0.25) < 0.05):
        return 1.0
    raise ProjectMistake(f"of 2,000 learning rates drawn from (1e-4, 1), the four powers of ten "
                         f"got {np.round(100 * shares).astype(int).tolist()} % (expected about 25 "
                         f"% each) — draw the exponent uniformly: "
                         f"10 ** rng.uniform(np.log10(low), np.log10(high))")


def _best_ok(fn: Callable) -> float:
    best_params, best_score, trials = _search(fn, 30, 0)
    scores = [float(score) for _, score in trials]
    if not math.isclose(best_score, max(scores)):
        low = " (that is the lowest: higher is better)" if math.isclose(best_score,
                                                                         min(scores)) else ""
        raise ProjectMistake(f"best_score is {best_score:.4g}, but the highest score of the "
                             f"trials is {max(scores):.4g}{low}")
    if not math.isclose(_safe_score(**best_params), best_score):
        raise ProjectMistake("best_params do not give best_score: return the settings of the "
                             "trial that had the best score")
    return 1.0


def _seeds_ok(fn: Callable) -> float:
    first = [p for p, _ in _search(fn, 5, 0)[2]]
    again = [p for p, _ in _search(fn, 5, 0)[2]]
    other = [p for p, _ in _search(fn, 5, 1)[2]]
    if first != again:
        raise ProjectMistake("two searches with seed=0 tried different settings — make one "
                             "rng = np.random.default_rng(seed) and draw everything from it")
    if first == other:
        raise ProjectMistake("seed=0 and seed=1 tried the same settings: the seed is not used "
                             "— rng = np.random.default_rng(seed)")
    return 1.0


def check_random_search(fn: Callable, *, verbose: bool = False,
                        timeout: float = SEARCH_TIMEOUT) -> None:
    """Check ``fn(score, space, n_trials, seed)`` → (best_params, best_score, trials)."""
    __tracebackhide__ = True
    runners = {
        "one score call per trial, every value inside its range": _ranges_ok,
        "learning rates drawn log-uniformly (each power of ten about as often)": _log_uniform_ok,
        "returns the trial with the highest score and its settings": _best_ok,
        "the same seed repeats the search, another seed draws other settings": _seeds_ok,
    }
    cases = [Case(name, args=(name,), expected=1.0) for name in runners]
    run_checks("random_search", lambda name: runners[name](fn), cases, verbose=verbose,
               timeout=timeout)
