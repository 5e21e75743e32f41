"""What both estimators share: the hyper-parameters, scikit-learn's fitted attributes (``coefs_``,
``n_iter_`` ...), and the training loop over :func:`deltaprop.core.training.fit` with scikit-learn's stopping rule."""

from __future__ import annotations

import warnings

import numpy as np

try:
    from sklearn.base import BaseEstimator
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.utils.validation import check_is_fitted, validate_data
except ImportError as exc:          # pragma: no cover - depends on the environment
    raise ImportError("deltaprop.sklearn needs scikit-learn >= 1.6: pip install 'deltaprop[sklearn]'") from exc

from ..core.losses import default_output
from ..core.network import Network
from ..core.optimizers import get_optimizer
from ..core.training import fit as _fit


class _Converged(Exception):
    """Raised by the per-epoch hook to end ``fit`` when the stopping rule fires."""


# scikit-learn's names for our output activations (MLPClassifier.out_activation_)
_SKLEARN_OUTPUT = {"softmax": "softmax", "sigmoid": "logistic", "linear": "identity"}


class _DeltapropBase(BaseEstimator):
    """Hyper-parameters shared by both estimators (see :class:`DeltapropClassifier`)."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", optimizer="adam", learning_rate=1e-3,
                 batch_size=32, epochs=100, weight_decay=0.0, dropout=0.0, momentum=0.9, schedule=None,
                 init="auto", dtype="float64", shuffle=True, tol=1e-4, n_iter_no_change=10, early_stopping=False,
                 validation_fraction=0.1, warm_start=False, verbose=False, random_state=None):
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
        self.shuffle = shuffle
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.warm_start = warm_start
        self.verbose = verbose
        self.random_state = random_state

    # subclasses set these; the output activation is the loss module's choice for the task
    _classification = None
    _loss = None

    # -- MLPClassifier's fitted attributes, read from the network (views: they are its arrays) --------------------
    @property
    def coefs_(self):
        """Weight matrices in scikit-learn's layout, ``coefs_[i]`` of shape ``(n_in, n_out)`` (views of ``W.T``)."""
        return [layer.weights.T for layer in self._fitted_network().layers]

    @property
    def intercepts_(self):
        """Bias vectors, ``intercepts_[i]`` of shape ``(n_out,)`` (the network's own arrays)."""
        return [layer.biases for layer in self._fitted_network().layers]

    @property
    def n_layers_(self):
        return len(self._fitted_network().sizes)

    @property
    def n_outputs_(self):
        return self._fitted_network().sizes[-1]

    @property
    def out_activation_(self):
        return _SKLEARN_OUTPUT[self._fitted_network().layers[-1].activation.name]

    def _fitted_network(self):
        if "network_" not in self.__dict__:
            raise AttributeError(f"this {type(self).__name__} is not fitted yet: call fit first")
        return self.network_

    # -- building ------------------------------------------------------------------------------------------------
    def _seed(self):
        if self.random_state is None or isinstance(self.random_state, (int, np.integer)):
            return self.random_state
        return int(self.random_state.integers(2**31)) if hasattr(self.random_state, "integers") \
            else int(self.random_state.randint(2**31))

    def _check_options(self):
        if not (isinstance(self.tol, (int, float, np.number)) and np.isfinite(self.tol) and self.tol >= 0):
            raise ValueError(f"tol must be a finite number >= 0, got {self.tol!r}")
        if not (isinstance(self.n_iter_no_change, (int, np.integer)) and self.n_iter_no_change >= 1):
            raise ValueError(f"n_iter_no_change must be an integer >= 1, got {self.n_iter_no_change!r}")
        if not (isinstance(self.validation_fraction, (int, float, np.number)) and 0 < self.validation_fraction < 1):
            raise ValueError(f"validation_fraction must be in (0, 1), got {self.validation_fraction!r}")

    def _start(self, n_features, n_outputs):
        """A new network and optimiser, and MLPClassifier's books set to their start."""
        hidden = [int(h) for h in np.atleast_1d(self.hidden_layer_sizes)] if self.hidden_layer_sizes is not None \
            else []
        sizes = [n_features, *hidden, n_outputs]
        activations = [self.activation] * len(hidden) + [default_output(self._loss, n_outputs,
                                                                        self._classification)]
        self._fit_seed_ = self._seed()
        self._epochs_done_ = 0
        dropout = float(self.dropout) if hidden else None
        self.network_ = Network(sizes, activations, loss=self._loss, init=self.init, seed=self._fit_seed_,
                                dtype=np.dtype(self.dtype), dropout=dropout if dropout else None)
        self.optimizer_ = self._new_optimizer()
        self.n_iter_, self.t_ = 0, 0
        self.loss_curve_ = []
        self._no_improvement_count = 0
        self.validation_scores_ = [] if self.early_stopping else None
        self.best_validation_score_ = -np.inf if self.early_stopping else None
        self.best_loss_ = None if self.early_stopping else np.inf

    def _new_optimizer(self):
        options = {"momentum": self.momentum} if self.optimizer in ("momentum", "nesterov") else {}
        return get_optimizer(self.optimizer, self.learning_rate, **options)

    def _fresh(self, incremental):
        """Start a new network? (MLPClassifier: unless ``warm_start`` or ``partial_fit`` finds one.)"""
        return "network_" not in self.__dict__ or not (self.warm_start or incremental)

    # -- training: MLPClassifier's loop, its books and its stopping rule -------------------------------------------
    def _train(self, X, T, y, epochs, incremental):
        """Train on ``X``/targets ``T`` (``y``: the labels/targets ``score`` takes); ``epochs`` at most."""
        self._check_options()
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        if not incremental:
            self.optimizer_ = self._new_optimizer()         # as MLPClassifier: fit starts a new optimiser
        validation = None
        if self.early_stopping:
            X, X_val, T, _, _, y_val = self._split(X, T, y)
            validation = (X_val, y_val)
            self._best_parameters = [p.copy() for p in self.network_.parameters()]
        batch = min(200, len(X)) if self.batch_size == "auto" else self.batch_size
        self.n_iter_ = 0
        seed = None if self._fit_seed_ is None else self._fit_seed_ + self._epochs_done_
        try:
            _fit(self.network_, X, T, epochs, batch, self.optimizer_, seed=seed, shuffle=self.shuffle,
                 weight_decay=self.weight_decay, schedule=self.schedule,
                 callback=lambda epoch, record: self._after_epoch(record["loss"], len(X), validation, incremental))
            if not incremental:
                warnings.warn(f"Stochastic Optimizer: Maximum iterations ({epochs}) reached and the optimization "
                              "hasn't converged yet.", ConvergenceWarning)
        except _Converged:
            pass
        finally:
            self._epochs_done_ += self.n_iter_
        if self.early_stopping:
            for param, best in zip(self.network_.parameters(), self._best_parameters):
                param[...] = best
        return self

    def _split(self, X, T, y):
        """MLPClassifier's validation split: ``validation_fraction`` held out, stratified for a classifier."""
        stratify = y if self._classification else None
        parts = train_test_split(X, T, y, test_size=self.validation_fraction, random_state=self._fit_seed_,
                                 stratify=stratify)
        if parts[1].shape[0] < 2:
            raise ValueError("The validation set is too small. Increase 'validation_fraction' or the size of your "
                             "dataset.")
        return parts

    def _after_epoch(self, loss, n, validation, incremental):
        """MLPClassifier's books after one epoch, then its rule: stop when the count exceeds ``n_iter_no_change``."""
        self.n_iter_ += 1
        self.t_ += n
        self.loss_ = loss
        self.loss_curve_.append(loss)
        if self.verbose:
            print("Iteration %d, loss = %.8f" % (self.n_iter_, loss))
        if validation is not None:
            score = self.score(*validation)
            self.validation_scores_.append(score)
            if self.verbose:
                print("Validation score: %f" % score)
            worse = score < self.best_validation_score_ + self.tol
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_parameters = [p.copy() for p in self.network_.parameters()]
        else:
            worse = loss > self.best_loss_ - self.tol
            self.best_loss_ = min(self.best_loss_, loss)
        self._no_improvement_count = self._no_improvement_count + 1 if worse else 0
        if self._no_improvement_count > self.n_iter_no_change and not incremental:
            if self.verbose:
                what = "Validation score" if validation is not None else "Training loss"
                print("%s did not improve more than tol=%f for %d consecutive epochs. Stopping."
                      % (what, self.tol, self.n_iter_no_change))
            raise _Converged

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
