"""The checks of exercise set 12 (a tiny network behind scikit-learn's estimator API): right
classes pass, classes breaking a rule of the API fail with a message saying which rule, and a
stub is reported as not written yet."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import BaseEstimator, ClassifierMixin  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from nnedu import checks  # noqa: E402
from nnedu.checks import CheckFailed, NotWrittenYet  # noqa: E402
from nnedu.network import mlp  # noqa: E402
from nnedu.train import fit  # noqa: E402


@pytest.fixture(autouse=True)
def nothing_on_stderr(capfd):
    """A check never writes to stderr (nbgrader would score the cell 0)."""
    yield
    assert capfd.readouterr().err == ""


class Right(BaseEstimator, ClassifierMixin):
    def __init__(self, hidden=16, lr=0.05, epochs=50, random_state=0):
        self.hidden = hidden
        self.lr = lr
        self.epochs = epochs
        self.random_state = random_state

    def fit(self, X, y):
        self.classes_, labels = np.unique(y, return_inverse=True)
        self.n_features_in_ = X.shape[1]
        self.model_ = mlp((X.shape[1], self.hidden, len(self.classes_)), seed=self.random_state)
        fit(self.model_, X, labels, lr=self.lr, epochs=self.epochs, seed=self.random_state,
            progress=False)
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class RightWithLabelEncoder(Right):
    """Another right answer: scikit-learn's LabelEncoder, SGD with momentum."""

    def fit(self, X, y):
        from sklearn.preprocessing import LabelEncoder

        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        self.n_features_in_ = np.shape(X)[1]
        self.model_ = mlp((self.n_features_in_, self.hidden, len(self.classes_)),
                          seed=self.random_state)
        fit(self.model_, np.asarray(X, dtype=float), encoder.transform(y), optimizer="momentum",
            lr=self.lr, epochs=self.epochs, seed=self.random_state, progress=False)
        return self


class WorkInInit(Right):
    def __init__(self, hidden=16, lr=0.05, epochs=50, random_state=0):
        super().__init__(hidden, lr, epochs, random_state)
        self.model_ = mlp((64, hidden, 10), seed=random_state)

    def fit(self, X, y):
        self.classes_, labels = np.unique(y, return_inverse=True)
        self.n_features_in_ = X.shape[1]
        fit(self.model_, X, labels, lr=self.lr, epochs=self.epochs, seed=self.random_state,
            progress=False)
        return self


class RenamedInInit(Right):
    def __init__(self, hidden=16, lr=0.05, epochs=50, random_state=0):
        self.n_hidden = hidden
        self.lr = lr
        self.epochs = epochs
        self.random_state = random_state


class NoReturnSelf(Right):
    def fit(self, X, y):
        super().fit(X, y)


class PredictsIndices(Right):
    def predict(self, X):
        return np.argmax(self.predict_proba(X), axis=1)


class NoClasses(Right):
    def fit(self, X, y):
        super().fit(X, y)
        del self.classes_
        self._labels = np.unique(y)
        return self

    def predict(self, X):
        return self._labels[np.argmax(self.predict_proba(X), axis=1)]


class NeverTrains(Right):
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.n_features_in_ = X.shape[1]
        self.model_ = mlp((X.shape[1], self.hidden, len(self.classes_)), seed=self.random_state)
        return self


@pytest.mark.parametrize("cls", [Right, RightWithLabelEncoder])
def test_right_classes_pass(cls, capfd):
    assert checks.check_tiny_classifier(cls) is None
    out = capfd.readouterr().out
    assert "✗" not in out and "6/6 checks passed — well done." in out
    assert "Accuracy on 300 new digits:" in out


@pytest.mark.parametrize(("cls", "hint"), [
    (WorkInInit, "build the network in fit from self.hidden"),
    (RenamedInInit, "store every argument as self.<same name>"),
    (NoReturnSelf, "end fit with `return self`"),
    (PredictsIndices, "map the column numbers back: self.classes_[proba.argmax(axis=1)]"),
    (NoClasses, "self.classes_ = np.unique(y)"),
    (NeverTrains, "at least 90 % expected"),
])
def test_classes_breaking_a_rule_fail_with_their_hint(cls, hint, capfd):
    with pytest.raises(CheckFailed):
        checks.check_tiny_classifier(cls)
    assert hint in capfd.readouterr().out


def test_an_object_instead_of_the_class_is_a_clear_type_error():
    with pytest.raises(TypeError, match="pass the class itself"):
        checks.check_tiny_classifier(Right())


class Stub(BaseEstimator, ClassifierMixin):
    def __init__(self, hidden=16, lr=0.05, epochs=50, random_state=0):
        raise NotImplementedError()


def test_the_stub_class_is_not_written_yet(capfd):
    with pytest.raises(NotWrittenYet):
        checks.check_tiny_classifier(Stub)
    assert "is not written yet" in capfd.readouterr().out


# --------------------------------------------------------------------------- grid search


def _search(X, y):
    return GridSearchCV(Right(epochs=5), {"hidden": [8, 32]}, cv=3).fit(X, y)


def _search_in_pipeline(X, y):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipeline = make_pipeline(StandardScaler(), Right(epochs=5))
    return GridSearchCV(pipeline, {"right__hidden": [32, 8]}, cv=2).fit(X, y)


@pytest.mark.parametrize("fn", [_search, _search_in_pipeline])
def test_right_grid_searches_pass(fn, capfd):
    checks.check_grid_search(fn)
    out = capfd.readouterr().out
    assert "✗" not in out and "best_params_: {" in out


@pytest.mark.parametrize(("fn", "hint"), [
    (lambda X, y: _search(X, y).best_params_, "return the fitted GridSearchCV object itself"),
    (lambda X, y: GridSearchCV(Right(epochs=5), {"hidden": [8, 32]}, cv=3),
     "call search.fit(X, y) before returning it"),
    (lambda X, y: GridSearchCV(Right(epochs=5), {"hidden": [8, 16]}, cv=3).fit(X, y),
     "expected [8, 32]"),
    (lambda X, y: GridSearchCV(Right(epochs=5), {"hidden_layer_sizes": [8, 32]}).fit(X, y),
     "the names in param_grid must be arguments of TinyClassifier.__init__"),
])
def test_wrong_grid_searches_fail_with_their_hint(fn, hint, capfd):
    with pytest.raises(CheckFailed):
        checks.check_grid_search(fn)
    assert hint in capfd.readouterr().out


def test_the_grid_search_stub_is_not_written_yet(capfd):
    def stub(X, y):
        raise NotImplementedError()

    with pytest.raises(NotWrittenYet):
        checks.check_grid_search(stub)
