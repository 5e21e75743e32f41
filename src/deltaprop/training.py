"""The training loop: epochs of shuffled mini-batches, one gradient step per batch.

Read it top to bottom: validate and cast the data once, then for each epoch
set the epoch's learning rate, draw a permutation, gather the rows a chunk of
batches at a time into a reused buffer, take one step per batch, keep the
books once per chunk, and record the epoch's numbers; then evaluate,
check early stopping and hand a :class:`TrainingState` to the checkpoint
hook.  The Python loop runs over batches, never over samples.

Resuming from a :class:`TrainingState` (random generator state, optimiser
state, epoch, history, early-stopping books) continues exactly where the run
stopped: the result equals an uninterrupted run bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .labels import is_classification, outputs_to_labels
from .optimizers import get_optimizer
from .schedules import get_schedule
from .validation import check_inputs, check_positive_int, check_targets


class DivergenceError(FloatingPointError):
    """Training produced a non-finite loss; the network keeps its last finite weights."""


class History:
    """Per-epoch records: ``history["loss"]`` is the list of training losses, etc."""

    def __init__(self):
        self.epochs = []        # list of dicts, one per epoch
        self.stopped_epoch = None   # set when early stopping ended the run
        self.best_epoch = None      # set when early stopping restored the best weights

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
    """Everything besides the weights that a resumed run needs (see :mod:`deltaprop.persistence`).

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


def fit(network, X, Y, epochs, batch_size, optimizer="sgd", learning_rate=0.1, *, shuffle=True,
        seed=None, validation_data=None, callback=None, weight_decay=0.0, schedule=None,
        early_stopping=None, checkpoint=None, progress=None, resume=None):
    """Train ``network`` in place by mini-batch gradient descent.

    Parameters
    ----------
    network : Network
    X : array_like, shape (n, d_0)
    Y : array_like, shape (n, d_L), or integer labels (n,)
    epochs, batch_size : int
        The last batch of an epoch may be smaller.
    optimizer : str or Optimizer, default "sgd"
        A name is built with ``learning_rate``.
    learning_rate : float
        Used only when ``optimizer`` is a name.
    shuffle : bool
        Visit the samples in a fresh random order each epoch.
    seed : int, optional
        Seeds the shuffling and dropout: same seed, same run.
    validation_data : (X_val, Y_val), optional
        Evaluated after every epoch (``val_loss``, ``val_accuracy``).
    callback : callable(epoch, record), optional
        Called after every epoch with the epoch's record.
    weight_decay : float, default 0
        L2 regularisation ``λ`` in Nielsen's form: the cost gains
        ``(λ/2n) Σ w²`` with ``n = len(X)``; biases are not decayed.
    schedule : str or Schedule, optional
        Learning-rate schedule (:mod:`deltaprop.schedules`), e.g. ``"cosine"``.
    early_stopping : int, optional
        Patience: stop when the validation loss has not improved for this many
        epochs, and restore the weights of the best epoch.  Needs ``validation_data``.
    checkpoint : callable(TrainingState), optional
        Called after every epoch (after ``callback``) with the state to save.
    progress : callable(epoch, samples_done, n_samples, loss_sum, correct), optional
        Called after every chunk of batches (about 1 MB of inputs; a progress bar).
    resume : TrainingState, optional
        Continue a run: ``network`` must hold the checkpoint's weights.

    Returns
    -------
    History
        ``loss`` (mean of the batch losses), ``accuracy`` for class targets,
        the validation figures and ``learning_rate``.  ``history.stopped_epoch``
        is set when early stopping ended the run, ``history.best_epoch`` to
        the epoch whose weights were kept.

    Raises
    ------
    DivergenceError
        When a batch loss is NaN or infinite.  The weights are then the last
        finite ones: the current ones if they are all finite, else those from
        the start of the epoch.
    """
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    X = check_inputs(X, network.sizes[0], network.dtype)                  # (n, d_0), cast once
    Y = check_targets(Y, X.shape[0], network.sizes[-1], network.dtype)   # (n, d_L)
    if validation_data is not None:
        X_val = check_inputs(validation_data[0], network.sizes[0], network.dtype, name="validation X")
        Y_val = check_targets(validation_data[1], X_val.shape[0], network.sizes[-1], network.dtype,
                              name="validation Y")
    elif early_stopping is not None:
        raise ValueError("early stopping watches the validation loss: give validation data too")
    patience = None if early_stopping is None else check_positive_int(early_stopping, "early_stopping patience")
    optimizer = get_optimizer(optimizer, learning_rate)
    n = X.shape[0]
    optimizer.weight_decay = _check_decay(weight_decay) / n       # Nielsen's λ/n
    schedule = get_schedule(schedule, epochs)
    rng = np.random.default_rng(seed)
    state = TrainingState(0, rng.bit_generator.state, {}, [], optimizer.learning_rate)
    if resume is not None:
        state = resume
        rng.bit_generator.state = state.rng_state
        optimizer.load_state_dict(state.optimizer, trainable_parameters(network))
        optimizer.weight_decay = _check_decay(weight_decay) / n
    dropout_rng = rng if any(layer.dropout for layer in network.layers) else None
    classification = is_classification(Y)
    labels = outputs_to_labels(Y) if classification else None      # (n,) true classes, computed once
    batch_size = min(batch_size, n)
    chunk = _chunk_rows(batch_size, n, X.shape[1] * X.itemsize)
    buffers = (np.empty((chunk, X.shape[1]), network.dtype),    # gathered rows land here
               np.empty((chunk, Y.shape[1]), network.dtype),
               np.empty((chunk, Y.shape[1]), network.dtype))    # each batch's output, for the books
    history = History()
    for record in state.history:
        history.append(dict(record))

    snapshot = None
    for epoch in range(state.epoch + 1, epochs + 1):
        optimizer.learning_rate = schedule.rate(epoch, state.base_learning_rate)
        snapshot = _copy_into(snapshot, _parameters(network))      # last known finite weights
        order = rng.permutation(n) if shuffle else None
        epoch_labels = labels[order] if classification and shuffle else labels
        try:
            loss_sum, correct = _train_epoch(network, X, Y, epoch_labels, order, batch_size, optimizer,
                                             dropout_rng, buffers, epoch, progress)
        except _Diverged as bad:
            _restore_finite(network, snapshot)
            raise DivergenceError(
                f"training diverged at epoch {epoch}, batch {bad.batch}: the loss is {bad.loss}; "
                f"kept the last finite weights; try a smaller learning rate "
                f"(it was {optimizer.learning_rate:g})") from None
        if not all(np.isfinite(p).all() for p in _parameters(network)):
            _restore_finite(network, snapshot)
            raise DivergenceError(f"training diverged in epoch {epoch}: the weights became NaN or infinite; "
                                  f"kept the last finite weights; try a smaller learning rate "
                                  f"(it was {optimizer.learning_rate:g})")

        record = {"epoch": epoch, "loss": loss_sum / n, "learning_rate": optimizer.learning_rate}
        if classification:
            record["accuracy"] = correct / n
        if validation_data is not None:
            record.update({f"val_{k}": v for k, v in network.evaluate(X_val, Y_val).items()})
        history.append(record)
        stop_now = False
        if patience is not None:
            if record["val_loss"] < state.best_loss:
                state.best_loss, state.best_epoch = record["val_loss"], epoch
                state.best_parameters = [p.copy() for p in _parameters(network)]
            stop_now = epoch - state.best_epoch >= patience
        state.epoch, state.history = epoch, history.epochs
        state.rng_state, state.optimizer = rng.bit_generator.state, optimizer.state_dict()
        if callback is not None:
            callback(epoch, record)
        if checkpoint is not None:
            checkpoint(state)
        if stop_now:
            history.stopped_epoch = epoch
            break
    if patience is not None and state.best_parameters:
        for param, best in zip(_parameters(network), state.best_parameters):
            np.copyto(param, best)
        history.best_epoch = state.best_epoch
    return history


CHUNK_BYTES = 1 << 20      # inputs gathered per shuffle step: about 1 MB, a whole number of batches


def _chunk_rows(batch_size, n, row_bytes):
    """Rows per chunk: whole batches filling about :data:`CHUNK_BYTES` (at least one batch, at most ``n``)."""
    return min(n, batch_size * max(1, CHUNK_BYTES // (batch_size * row_bytes)))


class _Diverged(Exception):
    def __init__(self, batch, loss):
        super().__init__(batch, loss)
        self.batch, self.loss = batch, loss


def _train_epoch(network, X, Y, labels, order, batch_size, optimizer, dropout_rng, buffers, epoch, progress):
    """One pass over the data in ``order`` (None: as stored); returns ``(loss_sum, correct)``.

    Rows are gathered a chunk at a time (whole batches, about 1 MB) into the
    reused ``buffers``, and the books -- batch losses, accuracy, the
    divergence check, the progress hook -- are kept once per chunk,
    vectorised over the outputs each batch produced before its step.  Per
    batch there is only the gradient step.  ``labels`` are the true classes
    in visiting order (None for regression).
    """
    n = X.shape[0]
    x_buf, y_buf, out_buf = buffers
    loss_sum, correct = 0.0, 0
    for start in range(0, n, x_buf.shape[0]):
        stop = min(start + x_buf.shape[0], n)
        m = stop - start
        if order is None:
            xc, yc = X[start:stop], Y[start:stop]                    # views, no copy
        else:
            xc = X.take(order[start:stop], axis=0, out=x_buf[:m])    # (m, d_0)
            yc = Y.take(order[start:stop], axis=0, out=y_buf[:m])    # (m, d_L)
        outputs = out_buf[:m]                                         # (m, d_L)
        for i in range(0, m, batch_size):
            outputs[i:i + batch_size] = network._train_batch(xc[i:i + batch_size], yc[i:i + batch_size],
                                                             optimizer, dropout_rng)
        loss = network.loss.value(outputs, yc)          # mean of the chunk's per-sample losses
        if not math.isfinite(loss):
            i = next(i for i in range(0, m, batch_size)
                     if not math.isfinite(network.loss.value(outputs[i:i + batch_size], yc[i:i + batch_size])))
            raise _Diverged((start + i) // batch_size + 1, loss)
        loss_sum += loss * m
        if labels is not None:
            correct += int(np.count_nonzero(outputs_to_labels(outputs) == labels[start:stop]))
        if progress is not None:
            progress(epoch, stop, n, loss_sum, correct)
    return loss_sum, correct


def trainable_parameters(network):
    """The arrays the optimiser updates, in its order: ``W1, (b1,) W2, (b2,) ...``."""
    return [array for layer in network.layers
            for array in ((layer.weights, layer.biases) if layer.train_biases else (layer.weights,))]


def _check_decay(value):
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"weight decay must be a finite number >= 0, got {value}")
    return value


def _parameters(network):
    return [array for layer in network.layers for array in (layer.weights, layer.biases)]


def _copy_into(saved, params):
    """Copy ``params`` into the reused arrays ``saved`` (allocated on first use): no per-epoch allocation."""
    if saved is None or [a.shape for a in saved] != [p.shape for p in params]:
        return [p.copy() for p in params]
    for array, param in zip(saved, params):
        np.copyto(array, param)
    return saved


def _restore_finite(network, snapshot):
    params = _parameters(network)
    if not all(np.isfinite(p).all() for p in params):
        for param, saved in zip(params, snapshot):
            np.copyto(param, saved)
