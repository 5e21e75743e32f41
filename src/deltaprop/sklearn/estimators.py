"""``DeltapropClassifier`` (softmax + cross-entropy, labels in, labels out) and ``DeltapropRegressor`` (linear +
quadratic cost): what differs between them is how targets become the network's outputs and back."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d, validate_data

from ._base import _DeltapropBase

class DeltapropClassifier(ClassifierMixin, _DeltapropBase):
    """A fully connected classifier: hidden layers of ``activation``, softmax + cross-entropy output.

    The parameters, the fitted attributes and the training loop follow
    :class:`sklearn.neural_network.MLPClassifier` (docs/training.md has the
    table of names); where the names differ, deltaprop's are used.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default (100,)
    activation : str, default "relu"
        Hidden-layer activation (:mod:`deltaprop.core.activations`; ``"logistic"``, ``"identity"`` are aliases).
    optimizer : {"sgd", "momentum", "nesterov", "adam"}, default "adam"
        MLPClassifier's ``solver`` (and ``nesterovs_momentum``).
    learning_rate : float, default 1e-3
        MLPClassifier's ``learning_rate_init``.
    batch_size : int or "auto", default 32
        ``"auto"`` is ``min(200, n_samples)``, as in MLPClassifier.
    epochs : int, default 100
        The most epochs one ``fit`` runs (MLPClassifier's ``max_iter``).
    weight_decay : float
        L2 ``λ`` in Nielsen's form (``λ/n``, ``n`` the training samples).
    dropout : float
        Dropout rate of every hidden layer.
    momentum : float
        For ``momentum`` and ``nesterov``.
    schedule : str, optional
        ``"cosine"``, ``"step:10:0.5"`` ...
    init : str
    dtype : {"float64", "float32"}
    shuffle : bool, default True
        Visit the samples in a new order each epoch.
    tol : float, default 1e-4
    n_iter_no_change : int, default 10
        MLPClassifier's stopping rule: after each epoch, an epoch that does not improve the best training
        loss by more than ``tol`` (the best validation score, with ``early_stopping``) adds 1 to a count, any
        other epoch sets it to 0; training stops when the count exceeds ``n_iter_no_change``.  When ``fit``
        runs all ``epochs`` without stopping it warns with ``ConvergenceWarning``.
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the data (stratified), watch its accuracy (R² for the regressor)
        and keep the weights of the best epoch.  Not with ``partial_fit``.
    validation_fraction : float, default 0.1
    warm_start : bool, default False
        ``fit`` continues from the fitted weights (same classes) instead of starting anew; as in
        MLPClassifier, it starts a new optimiser and keeps ``loss_curve_`` and ``best_loss_``.
    verbose : bool, default False
        Print MLPClassifier's lines: ``Iteration 1, loss = 0.69314718`` ...
    random_state : int, optional

    Attributes
    ----------
    classes_ : ndarray (n_classes,)
    network_ : Network
        The trained :class:`deltaprop.Network` (explain it, open it in the playground, save it).
    coefs_, intercepts_ : list of ndarray
        ``coefs_[i]`` is ``(n_in, n_out)`` = ``network_.layers[i].weights.T``, ``intercepts_[i]`` the biases:
        views of the network's arrays.
    n_iter_ : int
        Epochs run by the last ``fit`` (1 after ``partial_fit``).
    t_ : int
        Training samples seen, over all calls.
    loss_, loss_curve_ : float, list of float
        Mean training loss of the last epoch, of every epoch (without the weight-decay term).
    best_loss_ : float or None
        The lowest ``loss_curve_`` value; None with ``early_stopping``.
    validation_scores_, best_validation_score_ : list of float, float, or None
        With ``early_stopping``: the held-out score of every epoch and the best one.
    n_features_in_, feature_names_in_ : int, ndarray of str
        As every scikit-learn estimator (names only when ``X`` has string column names).
    n_layers_, n_outputs_, out_activation_ : int, int, str
        ``out_activation_`` is ``"softmax"`` (two classes get two softmax outputs, where MLPClassifier has one
        ``"logistic"``).
    """

    _classification = True
    _loss = "cross-entropy"

    def fit(self, X, y):
        """Train for at most ``epochs`` epochs on ``X (n, d)``, labels ``y (n,)`` (see the class docstring)."""
        return self._fit_labels(X, y, incremental=False)

    def partial_fit(self, X, y, classes=None):
        """One epoch on ``(X, y)``; the first call needs ``classes`` (all labels that will ever appear)."""
        if "network_" not in self.__dict__ and classes is None:
            raise ValueError("the first partial_fit call needs classes=[all class labels]")
        return self._fit_labels(X, y, incremental=True, classes=classes)

    def _fit_labels(self, X, y, incremental, classes=None):
        fresh = self._fresh(incremental)
        X, y = validate_data(self, X, y, reset=fresh, dtype=[np.float64, np.float32])
        check_classification_targets(y)
        if fresh:
            self.classes_ = np.unique(y if classes is None else classes)
            if len(self.classes_) < 2:
                raise ValueError(f"a classifier needs at least 2 classes, got 1 class ({self.classes_[0]!r})")
            self._start(X.shape[1], len(self.classes_))
        elif not incremental and set(np.unique(y)) != set(self.classes_):
            raise ValueError(f"warm_start can only be used where `y` has the same classes as in the previous call "
                             f"to fit. Previously got {self.classes_}, `y` has {np.unique(y)}")
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(f"labels {unknown.tolist()} are not in classes {self.classes_.tolist()}")
        epochs = 1 if incremental else self.epochs
        return self._train(X, np.searchsorted(self.classes_, y), y, epochs, incremental)

    def predict_proba(self, X):
        """Class probabilities ``(n, n_classes)`` (the softmax outputs), columns in ``classes_`` order."""
        return self._outputs(X).astype(np.float64)

    def predict(self, X):
        """Most probable class label per row, ``(n,)``."""
        outputs = self._outputs(X)
        return self.classes_[np.argmax(outputs, axis=1)]


class DeltapropRegressor(RegressorMixin, _DeltapropBase):
    """A fully connected regressor: hidden layers of ``activation``, linear output, quadratic cost.

    Same parameters and attributes as :class:`DeltapropClassifier` (as
    MLPRegressor's are MLPClassifier's; the early-stopping score is R²).
    ``y`` may be ``(n,)`` or ``(n, k)``; :meth:`predict` returns the same
    shape.
    """

    _classification = False
    _loss = "quadratic"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X, y):
        """Train for at most ``epochs`` epochs on ``X (n, d)``, targets ``y (n,)`` or ``(n, k)``."""
        return self._fit_targets(X, y, incremental=False)

    def partial_fit(self, X, y):
        """One epoch on ``(X, y)`` (the network is created on the first call)."""
        return self._fit_targets(X, y, incremental=True)

    def _fit_targets(self, X, y, incremental):
        fresh = self._fresh(incremental)
        X, y = validate_data(self, X, y, reset=fresh, multi_output=True, y_numeric=True,
                             dtype=[np.float64, np.float32])
        T = self._targets(y, reset=fresh)
        if fresh:
            self._start(X.shape[1], T.shape[1])
        elif T.shape[1] != self.network_.sizes[-1]:
            raise ValueError(f"y has {T.shape[1]} target columns but the model was fitted with "
                             f"{self.network_.sizes[-1]}")
        return self._train(X, T, y, 1 if incremental else self.epochs, incremental)

    def _targets(self, y, reset):
        y = np.asarray(y, dtype=np.float64)
        if reset:
            self._y_1d_ = y.ndim == 1
        if y.ndim == 1:
            y = column_or_1d(y)[:, None]
        return y

    def predict(self, X):
        """Predicted targets, ``(n,)`` or ``(n, k)`` like the ``y`` given to ``fit``."""
        out = self._outputs(X).astype(np.float64)
        return out[:, 0] if self._y_1d_ else out
