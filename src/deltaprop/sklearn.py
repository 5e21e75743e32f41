"""scikit-learn estimators: ``DeltapropClassifier`` and ``DeltapropRegressor``.

They wrap :class:`deltaprop.Network` and :func:`deltaprop.core.training.fit` in
scikit-learn's estimator API (``fit``, ``partial_fit``, ``predict``,
``predict_proba``, ``score``, ``get_params``/``set_params``), so they work in
``Pipeline``, ``GridSearchCV`` and ``cross_val_score``.  scikit-learn is the
optional extra ``deltaprop[sklearn]`` and is imported only by this module.

>>> from deltaprop.sklearn import DeltapropClassifier
>>> clf = DeltapropClassifier(hidden_layer_sizes=(32,), epochs=100, random_state=0)
"""

from __future__ import annotations

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data
except ImportError as exc:          # pragma: no cover - depends on the environment
    raise ImportError("deltaprop.sklearn needs scikit-learn >= 1.6: pip install 'deltaprop[sklearn]'") from exc

from .core.losses import default_output
from .core.network import Network
from .core.optimizers import get_optimizer
from .core.training import fit as _fit


class _DeltapropBase(BaseEstimator):
    """Hyper-parameters shared by both estimators (see :class:`DeltapropClassifier`)."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", optimizer="adam", learning_rate=1e-3,
                 batch_size=32, epochs=100, weight_decay=0.0, dropout=0.0, momentum=0.9, schedule=None,
                 init="auto", dtype="float64", random_state=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.weight_decay = weight_decay
        self.dropout = dropout
        self.momentum = momentum
        self.schedule = schedule
        self.init = init
        self.dtype = dtype
        self.random_state = random_state

    # subclasses set these; the output activation is the loss module's choice for the task
    _classification = None
    _loss = None

    def _seed(self):
        if self.random_state is None or isinstance(self.random_state, (int, np.integer)):
            return self.random_state
        return int(self.random_state.integers(2**31)) if hasattr(self.random_state, "integers") \
            else int(self.random_state.randint(2**31))

    def _new_network(self, n_features, n_outputs):
        hidden = [int(h) for h in np.atleast_1d(self.hidden_layer_sizes)] if self.hidden_layer_sizes is not None \
            else []
        sizes = [n_features, *hidden, n_outputs]
        activations = [self.activation] * len(hidden) + [default_output(self._loss, n_outputs,
                                                                        self._classification)]
        self._fit_seed_ = self._seed()
        self._epochs_done_ = 0
        dropout = float(self.dropout) if hidden else None
        return Network(sizes, activations, loss=self._loss, init=self.init, seed=self._fit_seed_,
                       dtype=np.dtype(self.dtype), dropout=dropout if dropout else None)

    def _new_optimizer(self):
        options = {"momentum": self.momentum} if self.optimizer in ("momentum", "nesterov") else {}
        return get_optimizer(self.optimizer, self.learning_rate, **options)

    def _train(self, X, T, epochs):
        # A different shuffling seed per partial_fit call, yet reproducible from random_state.
        seed = None if self._fit_seed_ is None else self._fit_seed_ + self._epochs_done_
        history = _fit(self.network_, X, T, epochs, self.batch_size, self.optimizer_, seed=seed,
                       weight_decay=self.weight_decay, schedule=self.schedule)
        self._epochs_done_ += epochs
        self.loss_curve_ = getattr(self, "loss_curve_", []) + history["loss"]
        self.loss_ = self.loss_curve_[-1]
        return self

    def _outputs(self, X):
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return self.network_.predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags

    def __setstate__(self, state):
        # Unpickled arrays may be read-only (joblib memory maps): own writable copies,
        # and drop the reusable work buffers.
        super().__setstate__(state)
        if hasattr(self, "network_"):
            for layer in self.network_.layers:
                layer.weights, layer.biases = np.array(layer.weights), np.array(layer.biases)
            self.network_._workspaces, self.network_._grads = {}, None
            self.optimizer_._scratch, self.optimizer_._decay_scratch = {}, {}
            self.optimizer_.state = {i: {k: np.array(v) for k, v in slots.items()}
                                     for i, slots in self.optimizer_.state.items()}


class DeltapropClassifier(ClassifierMixin, _DeltapropBase):
    """A fully connected classifier: hidden layers of ``activation``, softmax + cross-entropy output.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default (100,)
    activation : str, default "relu"
        Hidden-layer activation (:mod:`deltaprop.core.activations`).
    optimizer : {"sgd", "momentum", "nesterov", "adam"}, default "adam"
    learning_rate : float, default 1e-3
    batch_size, epochs : int
    weight_decay : float
        L2 ``λ`` in Nielsen's form (``λ/n``).
    dropout : float
        Dropout rate of every hidden layer.
    momentum : float
        For ``momentum`` and ``nesterov``.
    schedule : str, optional
        ``"cosine"``, ``"step:10:0.5"`` ...
    init : str
    dtype : {"float64", "float32"}
    random_state : int, optional

    Attributes
    ----------
    classes_ : ndarray (n_classes,)
    network_ : Network
    loss_curve_ : list of float
    """

    _classification = True
    _loss = "cross-entropy"

    def fit(self, X, y):
        """Train from scratch for ``epochs`` epochs on ``X (n, d)``, labels ``y (n,)``."""
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32])
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        self._start(X)
        return self._train(X, np.searchsorted(self.classes_, y), self.epochs)

    def partial_fit(self, X, y, classes=None):
        """One epoch on ``(X, y)``; the first call needs ``classes`` (all labels that will ever appear)."""
        first = not hasattr(self, "network_")
        X, y = validate_data(self, X, y, reset=first, dtype=[np.float64, np.float32])
        check_classification_targets(y)
        if first:
            if classes is None:
                raise ValueError("the first partial_fit call needs classes=[all class labels]")
            self.classes_ = np.unique(classes)
            self._start(X)
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(f"labels {unknown.tolist()} are not in classes {self.classes_.tolist()}")
        return self._train(X, np.searchsorted(self.classes_, y), 1)

    def _start(self, X):
        if len(self.classes_) < 2:
            raise ValueError(f"a classifier needs at least 2 classes, got 1 class ({self.classes_[0]!r})")
        self.network_ = self._new_network(X.shape[1], len(self.classes_))
        self.optimizer_ = self._new_optimizer()
        self.loss_curve_ = []

    def predict_proba(self, X):
        """Class probabilities ``(n, n_classes)`` (the softmax outputs), columns in ``classes_`` order."""
        return self._outputs(X).astype(np.float64)

    def predict(self, X):
        """Most probable class label per row, ``(n,)``."""
        outputs = self._outputs(X)
        return self.classes_[np.argmax(outputs, axis=1)]


class DeltapropRegressor(RegressorMixin, _DeltapropBase):
    """A fully connected regressor: hidden layers of ``activation``, linear output, quadratic cost.

    Same parameters as :class:`DeltapropClassifier`.  ``y`` may be ``(n,)`` or
    ``(n, k)``; :meth:`predict` returns the same shape.
    """

    _classification = False
    _loss = "quadratic"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X, y):
        """Train from scratch for ``epochs`` epochs on ``X (n, d)``, targets ``y (n,)`` or ``(n, k)``."""
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, dtype=[np.float64, np.float32])
        T = self._targets(y, reset=True)
        self.network_ = self._new_network(X.shape[1], T.shape[1])
        self.optimizer_ = self._new_optimizer()
        self.loss_curve_ = []
        return self._train(X, T, self.epochs)

    def partial_fit(self, X, y):
        """One epoch on ``(X, y)`` (the network is created on the first call)."""
        first = not hasattr(self, "network_")
        X, y = validate_data(self, X, y, reset=first, multi_output=True, y_numeric=True,
                             dtype=[np.float64, np.float32])
        T = self._targets(y, reset=first)
        if first:
            self.network_ = self._new_network(X.shape[1], T.shape[1])
            self.optimizer_ = self._new_optimizer()
            self.loss_curve_ = []
        elif T.shape[1] != self.network_.sizes[-1]:
            raise ValueError(f"y has {T.shape[1]} target columns but the model was fitted with "
                             f"{self.network_.sizes[-1]}")
        return self._train(X, T, 1)

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
