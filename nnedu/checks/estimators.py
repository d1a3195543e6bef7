"""Checks for lesson 12's exercises: a tiny nnedu network behind scikit-learn's estimator API.

The student writes ``TinyClassifier(BaseEstimator, ClassifierMixin)`` (a smaller
:class:`nnedu.estimator.NNClassifier`) and a function that tunes it with ``GridSearchCV``.
The checks get the *class* (or the function), build and fit estimators themselves, and
explain each rule of the estimator API that is broken. Each case returns 1.0 when the rule
holds; when it does not, it stops with :class:`EstimatorMistake`, whose message says what went
wrong and what to do. scikit-learn is imported inside the checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nnedu.checks.runner import Case, run_checks

ESTIMATOR_TIMEOUT = 30.0  # seconds per case: some cases train several small networks
DEFAULTS = {"hidden": 16, "lr": 0.05, "epochs": 50, "random_state": 0}
INIT_HINT = ("in __init__, store every argument as self.<same name>, unchanged, and do nothing "
             "else (build the network in fit)")


class EstimatorMistake(Exception):
    """A rule of the scikit-learn estimator API that the student's class breaks."""


def _digits(classes: tuple[int, ...] = tuple(range(10)), n: int | None = None,
            start: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Digits of the given classes (pixels / 16), rows start … start + n of that selection."""
    from sklearn.datasets import load_digits

    data = load_digits()
    keep = np.isin(data.target, classes)
    X, y = data.data[keep] / 16.0, data.target[keep]
    stop = None if n is None else start + n
    return X[start:stop], y[start:stop]


def _step(what: str, action: Callable[[], Any], advice: str = "") -> Any:
    """Run one step of a case; turn an error into a message that says which step failed."""
    try:
        return action()
    except NotImplementedError:
        raise
    except EstimatorMistake:
        raise
    except Exception as error:
        text = f"{what} raised {type(error).__name__}: {error}"
        raise EstimatorMistake(text + (f" — {advice}" if advice else "")) from error


def _params_ok(cls: type) -> float:
    estimator = _step("TinyClassifier()", cls, INIT_HINT)
    params = _step("get_params()", estimator.get_params,
                   "inherit from BaseEstimator and " + INIT_HINT)
    for name, value in DEFAULTS.items():
        if name not in params:
            raise EstimatorMistake(f"get_params() has no {name!r} (it found {sorted(params)}) — "
                                   f"__init__ needs the argument {name}={value!r}, stored as "
                                   f"self.{name}")
        if params[name] != value:
            raise EstimatorMistake(f"the default of {name} is {params[name]!r}, expected "
                                   f"{value!r}")
    return 1.0


def _clone_ok(cls: type) -> float:
    from sklearn.base import clone

    X, y = _digits(n=200)
    estimator = _step("TinyClassifier(hidden=8, epochs=2)", lambda: cls(hidden=8, epochs=2),
                      INIT_HINT)
    copy = _step("clone(TinyClassifier(hidden=8, epochs=2))", lambda: clone(estimator),
                 INIT_HINT)
    if copy.get_params().get("hidden") != 8:
        raise EstimatorMistake("clone() lost the setting hidden=8 — " + INIT_HINT)
    _step("set_params(hidden=4)", lambda: copy.set_params(hidden=4), INIT_HINT)
    _step("fit(X, y)", lambda: copy.fit(X, y))
    model = getattr(copy, "model_", None)
    if model is None:
        raise EstimatorMistake("after fit there is no model_ — keep the trained network as "
                               "self.model_")
    shape = model.layers[0].params["W"].shape
    if shape != (X.shape[1], 4):
        raise EstimatorMistake(f"after set_params(hidden=4) and fit, the first weight matrix has "
                               f"shape {shape}, expected {(X.shape[1], 4)} — build the network "
                               f"in fit from self.hidden: set_params and GridSearchCV change the "
                               f"settings after __init__ has run")
    return 1.0


def _fit_ok(cls: type) -> float:
    X, y = _digits(n=200)
    estimator = cls(epochs=2)
    returned = _step("fit(X, y)", lambda: estimator.fit(X, y))
    if returned is not estimator:
        raise EstimatorMistake(f"fit returned {type(returned).__name__}, not the estimator — end "
                               f"fit with `return self` (so that est.fit(X, y).predict(X) and "
                               f"Pipelines work)")
    if not hasattr(estimator, "classes_"):
        raise EstimatorMistake("after fit there is no classes_ — store the labels seen, "
                               "self.classes_ = np.unique(y)")
    if not np.array_equal(estimator.classes_, np.unique(y)):
        raise EstimatorMistake(f"classes_ is {estimator.classes_!r}, expected np.unique(y)")
    if getattr(estimator, "n_features_in_", None) != X.shape[1]:
        raise EstimatorMistake(f"n_features_in_ should be {X.shape[1]} (X.shape[1]), got "
                               f"{getattr(estimator, 'n_features_in_', None)!r}")
    return 1.0


def _string_labels_ok(cls: type) -> float:
    X, y = _digits(classes=(0, 1, 2), n=240)
    names = np.array(["zero", "one", "two"])[y]
    estimator = cls()
    _step("fit with the labels 'zero', 'one', 'two'", lambda: estimator.fit(X[:180], names[:180]),
          "turn the labels into 0 … k-1 with np.unique(y, return_inverse=True)")
    proba = _step("predict_proba(X)", lambda: estimator.predict_proba(X[180:]))
    if np.shape(proba) != (60, 3):
        raise EstimatorMistake(f"predict_proba gave shape {np.shape(proba)}, expected (60, 3): "
                               f"one row per sample, one column per class in classes_")
    predicted = np.asarray(_step("predict(X)", lambda: estimator.predict(X[180:])))
    if predicted.shape != (60,):
        raise EstimatorMistake(f"predict gave shape {predicted.shape}, expected (60,)")
    if not np.isin(predicted, estimator.classes_).all():
        raise EstimatorMistake(f"predict returned {predicted[:4]} …, not labels from classes_ — "
                               f"map the column numbers back: self.classes_[proba.argmax(axis=1)]")
    return 1.0


def _pipeline_ok(cls: type) -> float:
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = _digits(n=300)
    pipeline = make_pipeline(StandardScaler(), cls(epochs=5))
    _step("make_pipeline(StandardScaler(), TinyClassifier()).fit(X, y)",
          lambda: pipeline.fit(X, y))
    scores = _step("cross_val_score(pipeline, X, y, cv=3)",
                   lambda: cross_val_score(pipeline, X, y, cv=3))
    if np.shape(scores) != (3,) or not np.all((0 <= scores) & (scores <= 1)):
        raise EstimatorMistake(f"cross_val_score gave {scores!r}, expected 3 accuracies")
    return 1.0


def _accuracy_ok(cls: type, scores: dict[str, float]) -> float:
    X, y = _digits()
    rows = np.random.default_rng(0).permutation(len(y))[:900]  # a random subset: all writers
    X, y = X[rows], y[rows]
    estimator = cls()
    _step("fit on 600 digits", lambda: estimator.fit(X[:600], y[:600]))
    scores["accuracy"] = float(_step("score(X, y)", lambda: estimator.score(X[600:], y[600:])))
    if scores["accuracy"] < 0.9:
        raise EstimatorMistake(
            f"accuracy {scores['accuracy']:.1%} on 300 new digits; at least 90 % expected — "
            f"train with nnedu.train.fit(self.model_, X, labels, lr=self.lr, "
            f"epochs=self.epochs, seed=self.random_state, progress=False)")
    return 1.0


def check_tiny_classifier(cls: type, *, verbose: bool = False,
                          timeout: float = ESTIMATOR_TIMEOUT) -> None:
    """Check the class ``TinyClassifier`` follows scikit-learn's estimator rules and learns."""
    __tracebackhide__ = True
    if not isinstance(cls, type):
        raise TypeError("check_tiny_classifier: pass the class itself, "
                        "check_tiny_classifier(TinyClassifier), not an object of it")
    scores: dict[str, float] = {}
    runners = {
        "get_params() shows hidden=16, lr=0.05, epochs=50, random_state=0": _params_ok,
        "clone and set_params work; fit builds the network from the settings": _clone_ok,
        "fit returns self and sets classes_ and n_features_in_": _fit_ok,
        "string labels: predict_proba (n, 3), predict gives labels from classes_":
            _string_labels_ok,
        "works in a Pipeline with StandardScaler and in cross_val_score": _pipeline_ok,
        "at least 90 % accuracy on 300 new digits": lambda c: _accuracy_ok(c, scores),
    }
    cases = [Case(name, args=(name,), expected=1.0) for name in runners]

    def student(name):
        return runners[name](cls)

    run_checks("TinyClassifier", student, cases, verbose=verbose, timeout=timeout)
    print(f"Accuracy on 300 new digits: {scores['accuracy']:.1%}")


def check_grid_search(fn: Callable, *, verbose: bool = False,
                      timeout: float = ESTIMATOR_TIMEOUT) -> None:
    """Check ``fn(X, y)`` returns a fitted GridSearchCV over hidden in {8, 32}."""
    __tracebackhide__ = True
    X, y = _digits(n=200)
    found: dict[str, Any] = {}

    def run(X, y):
        from sklearn.model_selection import GridSearchCV

        search = _step("your function", lambda: fn(X, y),
                       "the names in param_grid must be arguments of TinyClassifier.__init__ "
                       "({'hidden': [8, 32]}; in a Pipeline 'tinyclassifier__hidden')")
        if isinstance(search, dict):
            raise EstimatorMistake("it returned a dict (best_params_?) — return the fitted "
                                   "GridSearchCV object itself; its best_params_ is read from it")
        if not isinstance(search, GridSearchCV):
            raise EstimatorMistake(f"expected a GridSearchCV, got {type(search).__name__}")
        if not hasattr(search, "best_params_"):
            raise EstimatorMistake("the search has no best_params_: call search.fit(X, y) "
                                   "before returning it")
        values = sorted(v for k, v in
                        ((k, v) for p in search.cv_results_["params"] for k, v in p.items())
                        if k == "hidden" or k.endswith("__hidden"))
        if values != [8, 32]:
            raise EstimatorMistake(f"the grid tried hidden = {values}, expected [8, 32]: "
                                   f"param_grid={{'hidden': [8, 32]}}")
        found.update(search.best_params_)
        return 1.0

    cases = [Case("a fitted GridSearchCV that tried hidden = 8 and hidden = 32", args=(X, y),
                  expected=1.0)]
    run_checks("grid search", run, cases, verbose=verbose, timeout=timeout)
    print(f"best_params_: {found}")
