"""NNClassifier / NNRegressor against scikit-learn's own estimator checks and in its tools."""

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_digits, make_regression  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from nnedu.estimator import NNClassifier, NNRegressor  # noqa: E402
from nnedu.network import Sequential  # noqa: E402

# Every check runs; none is skipped by us. scikit-learn itself skips check_array_api_input
# unless SCIPY_ARRAY_API=1 is set (the array API is not something a numpy teaching library
# supports), and the DataFrame checks if pandas is missing (the [test] extra installs it).


@parametrize_with_checks([NNClassifier(random_state=0), NNRegressor(random_state=0)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def digits_split():
    d = load_digits()
    return train_test_split(d.data / 16, d.target, test_size=0.2, random_state=42)


def test_parameter_names_mirror_mlpclassifier():
    ours = set(NNClassifier().get_params())
    shared = {"hidden_layer_sizes", "activation", "learning_rate_init", "batch_size",
              "max_iter", "alpha", "random_state", "early_stopping", "validation_fraction",
              "n_iter_no_change", "verbose"}
    assert shared <= ours
    assert shared <= set(MLPClassifier().get_params())
    assert {"optimizer", "dropout"} <= ours


def test_classifier_on_digits_in_a_pipeline(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    pipe = make_pipeline(StandardScaler(), NNClassifier(hidden_layer_sizes=(64,),
                                                        learning_rate_init=0.01, max_iter=30,
                                                        batch_size=32, random_state=0))
    pipe.fit(X_train, y_train)
    assert pipe.score(X_test, y_test) >= 0.95
    proba = pipe.predict_proba(X_test)
    assert proba.shape == (len(X_test), 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    model = pipe[-1]
    assert isinstance(model.model_, Sequential)
    assert model.n_features_in_ == 64
    assert list(model.classes_) == list(range(10))
    assert model.n_iter_ == 30 and len(model.loss_curve_) == 30


def test_string_labels_round_trip():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-2, 1, (40, 2)), rng.normal(2, 1, (40, 2))])
    y = np.array(["cat"] * 40 + ["dog"] * 40)
    clf = NNClassifier(hidden_layer_sizes=(8,), learning_rate_init=0.05, max_iter=50,
                       random_state=0).fit(X, y)
    assert set(clf.predict(X)) <= {"cat", "dog"}
    assert clf.score(X, y) > 0.9


def test_grid_search_and_cross_val_score(digits_split):
    X_train, _, y_train, _ = digits_split
    X, y = X_train[:400], y_train[:400]
    base = NNClassifier(max_iter=15, batch_size=32, learning_rate_init=0.01, random_state=0)
    search = GridSearchCV(base, {"hidden_layer_sizes": [(8,), (32,)]}, cv=3)
    search.fit(X, y)
    assert search.best_params_["hidden_layer_sizes"] in [(8,), (32,)]
    scores = cross_val_score(clone(base), X, y, cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.8)


def test_same_random_state_same_model(digits_split):
    X_train, X_test, y_train, _ = digits_split
    a = NNClassifier(hidden_layer_sizes=(16,), max_iter=5, random_state=3).fit(X_train, y_train)
    b = NNClassifier(hidden_layer_sizes=(16,), max_iter=5, random_state=3).fit(X_train, y_train)
    np.testing.assert_array_equal(a.predict_proba(X_test), b.predict_proba(X_test))


def test_early_stopping_stops():
    # Targets that are pure noise: the validation loss stops improving almost at once.
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(200, 5)), rng.normal(size=200)
    reg = NNRegressor(hidden_layer_sizes=(64,), learning_rate_init=0.01, max_iter=500,
                      early_stopping=True, n_iter_no_change=5, random_state=0).fit(X, y)
    assert reg.n_iter_ < 500
    assert reg.history_.stopped_early
    assert reg.predict(X).shape == (200,)


def test_regressor_multi_output():
    X, y = make_regression(n_samples=150, n_features=4, n_targets=2, random_state=0)
    reg = NNRegressor(hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=200,
                      random_state=0).fit(X, y / 100)
    assert reg.predict(X).shape == (150, 2)
    assert reg.score(X, y / 100) > 0.9


@pytest.mark.parametrize("params, words", [
    ({"hidden_layer_sizes": (0,)}, "hidden_layer_sizes"),
    ({"activation": "rleu"}, "relu"),
    ({"optimizer": "adma"}, "adam"),
    ({"learning_rate_init": -1.0}, "learning rate"),
    ({"max_iter": 0}, "max_iter"),
    ({"dropout": 1.5}, "Dropout"),
])
def test_bad_parameters_fail_at_fit_with_a_clear_message(params, words):
    X = np.random.default_rng(0).normal(size=(20, 3))
    y = np.arange(20) % 2
    with pytest.raises(ValueError, match=words):
        NNClassifier(**params).fit(X, y)


def test_one_class_is_refused():
    with pytest.raises(ValueError, match="one class"):
        NNClassifier().fit(np.ones((5, 2)), np.zeros(5))
