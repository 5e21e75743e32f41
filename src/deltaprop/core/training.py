"""The training loop: epochs of shuffled mini-batches, one gradient step per batch.

Read :func:`fit` top to bottom: validate and cast the data once, give the
optimiser ``λ/n`` for the run, choose the engine once
(:func:`deltaprop.core.engines.choose_engine`), then for each epoch set the
epoch's learning rate, draw a permutation, let the engine train the epoch
(the NumPy engine gathers rows a chunk of batches at a time and takes one
step per batch), check for divergence, record the epoch's numbers, check
early stopping and hand a :class:`TrainingState` to the checkpoint hook.
Each of those is a small named step below.  The Python loop runs over
batches, never over samples.

The loop needs only a model's public parts (``layers``, ``loss``,
``parameters()``, ``workspace()``, ``check_targets()``): this module never
imports :mod:`deltaprop.core.network`, and ``Network.fit`` is a one-line
convenience over :func:`fit`.  One step on one batch is :func:`train_batch`.

Resuming from a :class:`TrainingState` (random generator state, optimiser
state, epoch, history, early-stopping books) continues exactly where the run
stopped: the result equals an uninterrupted run bit for bit.
"""

from __future__ import annotations

import numpy as np

from .batches import BatchWalk
from .batch_step import DivergenceError, check_divergence, train_batch
from .diagnostics import SAMPLE, measure
from .engines import choose_engine
from .history import EarlyStopping, History, TrainingState
from .labels import is_classification, outputs_to_labels
from .optimizers import get_optimizer
from .schedules import get_schedule
from .validation import check_inputs, check_positive_int

__all__ = ["BatchWalk", "DivergenceError", "EarlyStopping", "History", "TrainingState", "check_divergence",
           "fit", "train_batch"]


def fit(network, X, Y, epochs, batch_size, optimizer="sgd", learning_rate=0.1, *, shuffle=True,
        seed=None, validation_data=None, callback=None, weight_decay=0.0, schedule=None,
        early_stopping=None, checkpoint=None, progress=None, resume=None, engine="auto", diagnostics=False):
    """Train ``network`` in place by mini-batch gradient descent; return its :class:`History`.  A NaN or infinite
    loss or weight raises :class:`DivergenceError`, the weights set back to the last finite ones.

    Parameters
    ----------
    network : Network
    X : array_like, shape (n, d_0)
    Y : array_like, shape (n, d_L), or integer labels (n,)
    epochs, batch_size : int
        The last batch of an epoch may be smaller.
    optimizer, learning_rate : str or Optimizer, float
        An optimiser, or its name (built with ``learning_rate``).
    shuffle, seed : bool, int
        A fresh random order each epoch; ``seed`` seeds it and dropout (same seed, same run).
    validation_data, early_stopping : (X_val, Y_val), int, optional
        Evaluated after every epoch (``val_loss``, ``val_accuracy``); early stopping (patience in epochs) watches
        its loss and restores the best epoch's weights.
    weight_decay, schedule : float, str or Schedule
        L2 ``λ`` in Nielsen's form (ch. 3, eq. 85: the cost gains ``(λ/2n) Σ w²``, biases not decayed) and the
        learning-rate schedule (:mod:`~deltaprop.core.schedules`); the optimiser has both for this run only.
    callback, checkpoint, progress : callable, optional
        ``callback(epoch, record)``, then ``checkpoint(TrainingState)``, after every epoch; ``progress(epoch,
        samples_done, n, loss_sum, correct)`` after every chunk of batches (about 1 MB of inputs).
    resume : TrainingState, optional
        Continue a checkpointed run (``network`` holding its weights): the result equals an uninterrupted run.
    engine : {"auto", "numpy", "compiled"}
        Who runs the epochs (:mod:`deltaprop.core.engines`); ``history.engine`` and ``engine_note`` say who did.
    diagnostics : bool
        Per-layer norms, update ratios and saturated / dead units after every epoch (``record["diagnostics"]``).
    """
    epochs = check_positive_int(epochs, "epochs")
    X, Y, labels, validation = _checked_data(network, X, Y, validation_data, early_stopping)
    optimizer = get_optimizer(optimizer, learning_rate)
    rng = np.random.default_rng(seed)
    state = _start_state(network, optimizer, rng, resume)
    walk = BatchWalk(X.shape[0], batch_size, rng, shuffle)
    dropout_rng = rng if any(layer.dropout for layer in network.layers) else None
    stopper = None if early_stopping is None else EarlyStopping(early_stopping, state)
    with optimizer.regularized(weight_decay, X.shape[0]), \
            optimizer.scheduled(get_schedule(schedule, epochs), state.base_learning_rate):  # for this run only
        engine = choose_engine(engine, network, X, Y, walk.batch_size, optimizer, dropout_rng)
        history = _history(engine, state)
        snapshot = None
        for epoch in range(state.epoch + 1, epochs + 1):
            snapshot = _copy_into(snapshot, network.parameters())          # last known finite weights
            loss_sum, correct = _train_epoch(network, engine, optimizer, walk, labels, epoch, progress, snapshot)
            record = _record(network, epoch, loss_sum, correct, labels is not None, optimizer, validation,
                             (X, Y), diagnostics)
            history.append(record)
            stop = stopper is not None and stopper.update(epoch, record["val_loss"], network, history)
            _end_epoch(state, epoch, history, rng, optimizer, record, callback, checkpoint)
            if stop:
                break
    if stopper is not None:
        stopper.restore_best(network, history)
    engine.finish(history)
    return history


def _train_epoch(network, engine, optimizer, walk, labels, epoch, progress, snapshot):
    """One epoch: the epoch's η, a fresh order, the engine's batches, the divergence check → ``(loss_sum, correct)``."""
    optimizer.start_epoch(epoch)
    order = walk.start_epoch()                                            # (n,) permutation, or None (no shuffle)
    epoch_labels = labels[order] if labels is not None and order is not None else labels
    loss_sum, correct = engine.train_epoch(epoch, order, epoch_labels, progress, snapshot)
    check_divergence(network, loss_sum, snapshot, f"in epoch {epoch}")
    return loss_sum, correct


def _checked_data(network, X, Y, validation_data, early_stopping):
    """``(X, Y, labels, validation)``: ``X`` (n, d_0) and ``Y`` (n, d_L) checked and cast once, ``labels`` (n,)
    the true classes (None for real-valued targets) and the validation set (or None)."""
    X = check_inputs(X, network.sizes[0], network.dtype)
    Y = network.check_targets(Y, X.shape[0])                              # accepted by the loss
    labels = outputs_to_labels(Y) if is_classification(Y) else None
    return X, Y, labels, _validation_set(network, validation_data, early_stopping)


def _validation_set(network, validation_data, early_stopping):
    """``(X_val, Y_val)`` checked against the network, or None."""
    if validation_data is None:
        if early_stopping is not None:
            raise ValueError("early stopping watches the validation loss: give validation data too")
        return None
    X_val = check_inputs(validation_data[0], network.sizes[0], network.dtype, name="validation X")
    return X_val, network.check_targets(validation_data[1], X_val.shape[0], name="validation Y")


def _start_state(network, optimizer, rng, resume):
    """A fresh :class:`TrainingState`, or ``resume``'s with the generator and optimiser set back to it."""
    if resume is None:
        return TrainingState(epoch=0, rng_state=rng.bit_generator.state, optimizer={}, history=[],
                             base_learning_rate=optimizer.learning_rate)
    rng.bit_generator.state = resume.rng_state
    optimizer.load_state_dict(resume.optimizer, network.trainable_parameters())
    return resume


def _history(engine, state):
    """A :class:`History` naming the engine that runs (and why not the fast one), with a resumed run's epochs."""
    history = History()
    history.engine, history.engine_note = engine.name, engine.note
    for record in state.history:
        history.append(dict(record))
    return history


def _record(network, epoch, loss_sum, correct, classes, optimizer, validation, data, diagnostics):
    """The epoch's numbers: mean loss, accuracy (class targets), η, the validation figures, and the diagnostics
    (:func:`deltaprop.core.diagnostics.measure` on the first :data:`SAMPLE` rows of ``data = (X, Y)``)."""
    X, Y = data
    record = {"epoch": epoch, "loss": loss_sum / X.shape[0], "learning_rate": optimizer.learning_rate}
    if classes:
        record["accuracy"] = correct / X.shape[0]
    if validation is not None:
        record.update({f"val_{k}": v for k, v in network.evaluate(*validation).items()})
    if diagnostics:
        record["diagnostics"] = measure(network, X[:SAMPLE], Y[:SAMPLE], optimizer.learning_rate)
    return record


def _end_epoch(state, epoch, history, rng, optimizer, record, callback, checkpoint):
    """Bring the :class:`TrainingState` a checkpoint saves up to the end of ``epoch``, then call the caller's
    hooks, in order: ``callback(epoch, record)``, then ``checkpoint(state)``."""
    state.epoch, state.history = epoch, history.epochs
    state.rng_state, state.optimizer = rng.bit_generator.state, optimizer.state_dict()
    if callback is not None:
        callback(epoch, record)
    if checkpoint is not None:
        checkpoint(state)


def _copy_into(saved, params):
    """Copy ``params`` into the reused arrays ``saved`` (allocated on first use): no per-epoch allocation."""
    if saved is None or [a.shape for a in saved] != [p.shape for p in params]:
        return [p.copy() for p in params]
    for array, param in zip(saved, params):
        np.copyto(array, param)
    return saved
