"""What a training run keeps: the per-epoch :class:`History`, the :class:`TrainingState` a checkpoint saves, and
the books of :class:`EarlyStopping`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .validation import check_positive_int


class History:
    """Per-epoch records of :func:`~deltaprop.core.training.fit`: ``history["loss"]`` is the list of training losses
    (each the mean of the epoch's batch losses); also ``accuracy`` (class targets), ``val_loss`` / ``val_accuracy``
    (with validation data), ``learning_rate`` and ``diagnostics`` (when asked for)."""

    def __init__(self):
        self.epochs = []        # list of dicts, one per epoch
        self.stopped_epoch = None   # set when early stopping ended the run
        self.best_epoch = None      # set when early stopping restored the best weights
        self.engine = "numpy"       # "numpy" or "compiled" (the compiled epoch, deltaprop.fast.compiled_epoch)
        self.engine_note = None     # why the compiled epoch was not used, or that it ran on 2 threads
        self.compile_seconds = None     # time the compiled kernel took to get ready (compile or load), if used

    def append(self, record):
        self.epochs.append(record)

    def __getitem__(self, key):
        return [record[key] for record in self.epochs if key in record]

    def __len__(self):
        return len(self.epochs)

    def last(self):
        """The latest epoch's record (``{}`` before the first epoch)."""
        return self.epochs[-1] if self.epochs else {}

    def __repr__(self):
        return f"History({len(self.epochs)} epochs, last={self.last()})"


@dataclass
class TrainingState:
    """Everything besides the weights that a resumed run needs (see :mod:`deltaprop.io.persistence`).

    ``rng_state`` is ``Generator.bit_generator.state``; ``optimizer`` is
    ``Optimizer.state_dict()``; ``best_parameters`` are the early-stopping
    best weights and biases (layer order, ``[W1, b1, W2, b2, ...]``).
    """

    epoch: int                              # completed epochs
    rng_state: dict
    optimizer: dict
    history: list                           # per-epoch records
    base_learning_rate: float
    best_loss: float = float("inf")
    best_epoch: int = 0
    best_parameters: list = field(default_factory=list)


class EarlyStopping:
    """Stop when the validation loss has not improved for ``patience`` epochs; remember the best weights."""

    def __init__(self, patience, state):
        self.patience = check_positive_int(patience, "early_stopping patience")
        self.state = state                      # keeps best_loss/best_epoch/best_parameters for checkpoints

    def update(self, epoch, val_loss, network, history):
        """Record ``epoch``'s validation loss; True when the run should stop (``history.stopped_epoch`` says when)."""
        if val_loss < self.state.best_loss:
            self.state.best_loss, self.state.best_epoch = val_loss, epoch
            self.state.best_parameters = [p.copy() for p in network.parameters()]
        stop = epoch - self.state.best_epoch >= self.patience
        if stop:
            history.stopped_epoch = epoch
        return stop

    def restore_best(self, network, history):
        if self.state.best_parameters:
            for param, best in zip(network.parameters(), self.state.best_parameters):
                np.copyto(param, best)
            history.best_epoch = self.state.best_epoch
