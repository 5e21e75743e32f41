"""The learner's own network and data as a playground session.

A page session builds its network and data from a configuration (a toy dataset, layer sizes, a seed).  In a
notebook both come from the learner: :class:`LearnerSession` is the page's :class:`~..session.Session` -- the
same mini-batch walk, ``train_step``, divergence rule, snapshots, neuron reports and explained step -- on the
``Network`` object the learner passed (so every step changes *their* ``net``) and on their ``X, y``.  What the
page can change on the same weights (learning rate, optimiser, batch size, L1/L2, speed) it changes here too;
the data, the layers and the loss are the learner's, changed in Python.
"""

from __future__ import annotations

import numpy as np

from ...core.labels import is_classification, outputs_to_labels
from ...core.validation import check_inputs
from ..session import LIVE_KEYS, VIEW_KEYS, Session
from ..datasets import Dataset
from ..schema import DEFAULTS, RequestError, validate_config

FIXED_MESSAGE = ("in a notebook the data, the layers and the loss are yours: change {keys} in Python and call "
                 "dp.playground(net, X, y) again")


class LearnerDataset(Dataset):
    """The learner's arrays.  Pictures use the first two inputs; other inputs are held at their training mean."""

    def input_names(self):
        """Inputs other than two are named x1 … xd (two keep the page's x₁, x₂)."""
        return super().input_names() if self.fill is None else [f"x{k + 1}" for k in range(len(self.fill))]

    def inputs(self, points):
        if self.fill is None:
            return points
        grid = np.repeat(self.fill[None, :], len(points), axis=0)
        grid[:, :2] = points
        return grid


def learner_dataset(network, X, y, X_test=None, y_test=None):
    """A :class:`LearnerDataset` from the learner's ``X (n, d)`` and ``y`` (labels, one-hot rows or targets)."""
    shape = np.shape(X)
    if len(shape) != 2 or shape[1] != network.sizes[0] or shape[0] < 1:
        raise ValueError(f"X must be (n, {network.sizes[0]}) for this network's {network.sizes[0]} inputs, "
                         f"got shape {shape}")
    X = check_inputs(X, network.sizes[0], network.dtype)
    Y = network.check_targets(y, len(X))
    if (X_test is None) != (y_test is None):
        raise ValueError("give both X_test and y_test, or neither")
    if X_test is None:
        X_test, Y_test = X, Y
    else:
        X_test = check_inputs(X_test, network.sizes[0], network.dtype, name="X_test")
        Y_test = network.check_targets(y_test, len(X_test), name="y_test")
    classes = is_classification(Y)
    n_classes = max(2, Y.shape[1]) if classes else 0
    labels = outputs_to_labels(Y) if classes else Y[:, 0]
    labels_test = outputs_to_labels(Y_test) if classes else Y_test[:, 0]
    points, points_test = _points(X), _points(X_test)
    extent = float(np.ceil(max(1.0, float(np.abs(points).max())) * 10) / 10)
    data = LearnerDataset(X, Y, X_test, Y_test, labels, labels_test, n_classes, extent, points, points_test)
    data.fill = None if X.shape[1] == 2 else X.mean(axis=0)
    return data


def _points(X):
    """Where each sample is drawn: its first two inputs (one input: on the x₁ axis)."""
    return X[:, :2].astype(np.float64) if X.shape[1] >= 2 else np.column_stack([X[:, 0], np.zeros(len(X))])


def learner_config(network, data, learning_rate, optimizer, batch_size, seed):
    """The page's configuration record describing the learner's run (what the page's controls show)."""
    return {**DEFAULTS, "preset": "none", "dataset": "notebook", "samples": len(data.X_train),
            "hidden": list(network.sizes[1:-1]), "activations": list(network.activations[:-1]),
            "loss": network.loss.name, "optimizer": optimizer, "learning_rate": float(learning_rate),
            "batch_size": int(batch_size), "l2": 0.0, "l1": 0.0, "seed": int(seed), "speed": 0,
            "features": ["x1", "x2"], "discretize": False}


class LearnerSession(Session):
    """A playground :class:`Session` on the learner's ``network`` (trained in place) and data."""

    def __init__(self, network, data, config):
        self.network, self._start = network, [p.copy() for p in network.parameters()]
        self._data = data
        super().__init__(config)

    def configure(self, config, upload=None):
        with self.lock:
            if not hasattr(self, "config"):             # from __init__: the learner's data, no rebuild
                self.config, self.data = config, self._data
                self.reset()
                self.notice = None
                return
            fixed = sorted(k for k in config if config[k] != self.config.get(k) and k not in LIVE_KEYS + VIEW_KEYS)
            if upload is not None or fixed:
                raise RequestError(FIXED_MESSAGE.format(keys=", ".join(fixed) or "the data"), 409, code="notebook_fixed",
                                   fields=fixed or ["upload"])
            if config != self.config:
                super().configure(config)           # the page's own rule: same weights, a marker on the chart

    def reset(self):
        """Back to the weights the network had when the playground opened (the learner's ``net`` too)."""
        with self.lock:
            self.pause()
            for param, start in zip(self.network.parameters(), self._start):
                np.copyto(param, start)
            self._start_run()

    def apply_live(self, payload):
        """A page's configuration request: only the settings that keep the weights may change."""
        with self.lock:
            fixed = sorted(k for k in payload if k in self.config and payload[k] != self.config[k]
                           and k not in LIVE_KEYS + VIEW_KEYS)
            if fixed:
                raise RequestError(FIXED_MESSAGE.format(keys=", ".join(fixed)), 409, code="notebook_fixed", fields=fixed)
            live = validate_config({**DEFAULTS, **{k: payload[k] for k in LIVE_KEYS + VIEW_KEYS if k in payload}})
            self.configure({**self.config, **{k: live[k] for k in LIVE_KEYS + VIEW_KEYS}})
