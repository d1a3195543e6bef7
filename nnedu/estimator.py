"""``NNClassifier`` and ``NNRegressor``: nnedu networks behind scikit-learn's estimator API.

They take the same parameter names as scikit-learn's ``MLPClassifier`` / ``MLPRegressor``
where the idea is the same, so one can be swapped for the other in a ``Pipeline``,
``GridSearchCV`` or ``cross_val_score``::

    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from nnedu.estimator import NNClassifier

    model = make_pipeline(StandardScaler(), NNClassifier(hidden_layer_sizes=(64,)))
    model.fit(X_train, y_train).score(X_test, y_test)

Inside, ``fit`` builds ``nnedu.network.mlp`` and trains it with ``nnedu.train.fit``; the trained
network is kept as ``model_``. Parameters are only stored by ``__init__`` (scikit-learn's rule),
and checked when ``fit`` runs.

Differences from MLPClassifier worth knowing: ``alpha`` is the L2 weight decay λ added to the
gradient of the *averaged* loss (λ·W), not scikit-learn's α·W / batch size; ``optimizer``
takes nnedu's names ("adam", "sgd", "momentum", "nesterov", "rmsprop", "adagrad"); ``dropout``
adds inverted dropout after each hidden layer. scikit-learn is imported when this module is.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from nnedu.network import Sequential, mlp
from nnedu.optim import get_optimizer
from nnedu.train import fit

Array = np.ndarray


class _NNBase(BaseEstimator):
    """What the classifier and the regressor share: parameters, checks and the training call."""

    def __init__(self, hidden_layer_sizes: tuple[int, ...] = (100,), activation: str = "relu",
                 optimizer: str = "adam", learning_rate_init: float = 0.001,
                 batch_size: int | str = "auto", max_iter: int = 200, alpha: float = 0.0001,
                 dropout: float = 0.0, early_stopping: bool = False,
                 validation_fraction: float = 0.1, n_iter_no_change: int = 10,
                 random_state: int | None = None, verbose: bool = False) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate_init = learning_rate_init
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.alpha = alpha
        self.dropout = dropout
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state
        self.verbose = verbose

    _output_activation = "softmax"
    _loss = "categorical_cross_entropy"

    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, (int, np.integer)) else list(sizes)
        if any(not isinstance(s, (int, np.integer)) or s < 1 for s in sizes):
            raise ValueError(f"{type(self).__name__}: hidden_layer_sizes must be whole numbers "
                             f"≥ 1, e.g. (64,) or (64, 32); got {self.hidden_layer_sizes!r}.")
        return [int(s) for s in sizes]

    def _seed(self) -> int:
        rs = self.random_state
        if rs is None or isinstance(rs, np.random.RandomState):
            return int(np.random.randint(np.iinfo(np.int32).max))
        if not isinstance(rs, (int, np.integer)) or isinstance(rs, bool):
            raise ValueError(f"{type(self).__name__}: random_state must be a whole number such "
                             f"as 0 (or None), got {rs!r}.")
        return int(rs)

    def _batch_size(self, n: int) -> int:
        """'auto' = min(200, n) as in scikit-learn; a number larger than n means all n."""
        if isinstance(self.batch_size, str) and self.batch_size == "auto":
            return min(200, n)
        if (not isinstance(self.batch_size, (int, np.integer)) or isinstance(self.batch_size, bool)
                or self.batch_size < 1):
            raise ValueError(f"{type(self).__name__}: batch_size must be 'auto' or a whole "
                             f"number ≥ 1, got {self.batch_size!r}. For the full batch give "
                             f"the number of samples, or any larger number.")
        return min(int(self.batch_size), n)

    def _validation_size(self, n: int) -> int:
        """How many of the n samples early stopping sets aside (at least 1, leaving ≥ 1)."""
        vf = self.validation_fraction
        if (not isinstance(vf, (int, float, np.floating)) or isinstance(vf, bool)
                or not 0 < vf < 1):
            raise ValueError(f"{type(self).__name__}: validation_fraction must be a fraction "
                             f"between 0 and 1 (0.1 is usual), got {vf!r}.")
        n_val = max(1, int(round(vf * n)))
        if n_val >= n:
            raise ValueError(f"{type(self).__name__}: validation_fraction={vf} of {n} samples "
                             f"leaves no sample to train on; use a smaller fraction such as "
                             f"0.1, or more data.")
        return n_val

    def _train(self, X: Array, Y: Array, n_outputs: int) -> None:
        """Build a fresh network and train it on X (n, features) and targets Y (n, outputs)."""
        if (not isinstance(self.max_iter, (int, np.integer)) or isinstance(self.max_iter, bool)
                or self.max_iter < 1):
            raise ValueError(f"{type(self).__name__}: max_iter must be a whole number ≥ 1, "
                             f"got {self.max_iter!r}.")
        seed = self._seed()
        self.model_ = mlp((X.shape[1], *self._hidden_sizes(), n_outputs),
                          activation=self.activation, output=self._output_activation,
                          dropout=self.dropout, seed=seed)
        n = len(X)
        batch = self._batch_size(n)
        validation = None
        if self.early_stopping:
            rng = np.random.default_rng(seed)
            order = rng.permutation(n)
            n_val = self._validation_size(n)
            val, train = order[:n_val], order[n_val:]
            validation = (X[val], Y[val])
            X, Y = X[train], Y[train]
            batch = min(batch, len(X))
        optimizer = get_optimizer(self.optimizer, lr=self.learning_rate_init,
                                  weight_decay=self.alpha)
        self.history_ = fit(self.model_, X, Y, loss=self._loss, optimizer=optimizer,
                            epochs=int(self.max_iter), batch_size=batch, seed=seed,
                            progress=bool(self.verbose), metrics=(),
                            validation_data=validation,
                            early_stopping=self.n_iter_no_change if self.early_stopping else None)
        self.loss_curve_ = list(self.history_["loss"])
        self.n_iter_ = self.history_.epochs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags


class NNClassifier(ClassifierMixin, _NNBase):
    """A multi-layer perceptron classifier: Dense → activation → … → Dense → softmax.

    Attributes after ``fit``: ``classes_`` (the labels seen), ``n_features_in_``,
    ``model_`` (the trained ``nnedu.network.Sequential``), ``history_``, ``loss_curve_``,
    ``n_iter_`` (epochs run).
    """

    def fit(self, X: Array, y: Array) -> NNClassifier:
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self._encoder = LabelEncoder().fit(y)
        self.classes_ = self._encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(f"NNClassifier: y has only one class ({self.classes_[0]!r}); a "
                             f"classifier needs examples of at least two classes.")
        labels = self._encoder.transform(y)
        Y = np.eye(len(self.classes_))[labels]
        self._train(X, Y, len(self.classes_))
        return self

    def predict_proba(self, X: Array) -> Array:
        """Class probabilities, shape (n_samples, n_classes), columns in ``classes_`` order."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self.model_.predict_proba(X)

    def predict(self, X: Array) -> Array:
        """The most probable class for each sample, as one of ``classes_``."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class NNRegressor(RegressorMixin, _NNBase):
    """A multi-layer perceptron regressor: Dense → activation → … → Dense (linear), MSE loss.

    A 1-D ``y`` gives 1-D predictions; a 2-D ``y`` (n_samples, n_targets) gives one output
    column per target.
    """

    _output_activation = "linear"
    _loss = "mse"

    def fit(self, X: Array, y: Array) -> NNRegressor:
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True, multi_output=True)
        self._y_1d = y.ndim == 1
        Y = y.reshape(-1, 1) if self._y_1d else y
        self._train(X, Y.astype(np.float64), Y.shape[1])
        return self

    def predict(self, X: Array) -> Array:
        """Predicted targets, shape (n_samples,) or (n_samples, n_targets) as in ``fit``."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        out = self.model_.predict_proba(X)
        return out[:, 0] if self._y_1d else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.regressor_tags.poor_score = False
        return tags


__all__ = ["NNClassifier", "NNRegressor", "Sequential"]
