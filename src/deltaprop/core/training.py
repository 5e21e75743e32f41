"""The training loop: epochs of shuffled mini-batches, one gradient step per batch.

Read it top to bottom: validate and cast the data once, then for each epoch
set the epoch's learning rate, draw a permutation, gather the rows a chunk of
batches at a time into a reused buffer, take one step per batch, keep the
books once per chunk, and record the epoch's numbers; then evaluate,
check early stopping and hand a :class:`TrainingState` to the checkpoint
hook.  The Python loop runs over batches, never over samples.

The loop needs only a model's public parts (``layers``, ``loss``,
``parameters()``, ``workspace()``, ``check_targets()``): this module never
imports :mod:`deltaprop.core.network`, and ``Network.fit`` is a one-line
convenience over :func:`fit`.  One step on one batch is :func:`train_batch`.

Resuming from a :class:`TrainingState` (random generator state, optimiser
state, epoch, history, early-stopping books) continues exactly where the run
stopped: the result equals an uninterrupted run bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

from ..fast import compiled_epoch as compiled
from .batches import BatchWalk
from .diagnostics import SAMPLE, measure
from .labels import is_classification, outputs_to_labels
from .optimizers import get_optimizer
from .schedules import get_schedule
from .history import EarlyStopping, History, TrainingState
from .batch_step import DivergenceError, check_divergence, train_batch
from .validation import check_inputs, check_positive_int

__all__ = ["BatchWalk", "DivergenceError", "EarlyStopping", "History", "TrainingState", "check_divergence",
           "fit", "train_batch"]


def fit(network, X, Y, epochs, batch_size, optimizer="sgd", learning_rate=0.1, *, shuffle=True,
        seed=None, validation_data=None, callback=None, weight_decay=0.0, schedule=None,
        early_stopping=None, checkpoint=None, progress=None, resume=None, engine="auto", diagnostics=False):
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
        L2 regularisation ``λ`` in Nielsen's form (ch. 3, eq. 85): the cost gains
        ``(λ/2n) Σ w²`` with ``n = len(X)``; biases are not decayed.
    schedule : str or Schedule, optional
        Learning-rate schedule (:mod:`deltaprop.core.schedules`), e.g. ``"cosine"``; the optimiser applies it.
    early_stopping : int, optional
        Patience: stop when the validation loss has not improved for this many
        epochs, and restore the weights of the best epoch.  Needs ``validation_data``.
    checkpoint : callable(TrainingState), optional
        Called after every epoch (after ``callback``) with the state to save.
    progress : callable(epoch, samples_done, n_samples, loss_sum, correct), optional
        Called after every chunk of batches (about 1 MB of inputs; a progress bar).
    resume : TrainingState, optional
        Continue a run: ``network`` must hold the checkpoint's weights.
    engine : {"auto", "numpy", "fused"}
        ``fused`` runs each epoch compiled (:mod:`deltaprop.fast.compiled_epoch`, needs numba: ``deltaprop[fast]``) and
        refuses runs it cannot do; ``numpy`` the NumPy loop; ``auto`` the compiled epoch when it can, else NumPy.
        ``history.engine`` says which ran and ``history.engine_note`` why the compiled one did not (or that it
        ran on two threads).
    diagnostics : bool
        Record per-layer weight and gradient norms, update/weight ratios and the fractions of saturated and dead
        units after every epoch (:mod:`deltaprop.core.diagnostics`) under ``record["diagnostics"]``.

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
        When a batch loss or a weight is NaN or infinite (:func:`check_divergence`).
        The weights are then the last finite ones: the current ones if they
        are all finite, else those from the start of the epoch.
    """
    epochs = check_positive_int(epochs, "epochs")
    X = check_inputs(X, network.sizes[0], network.dtype)                  # (n, d_0), cast once
    Y = network.check_targets(Y, X.shape[0])                              # (n, d_L), accepted by the loss
    validation = _validation_set(network, validation_data, early_stopping)
    n = X.shape[0]
    optimizer = get_optimizer(optimizer, learning_rate)
    rng = np.random.default_rng(seed)
    state = _start_state(network, optimizer, rng, resume)
    optimizer.weight_decay = _check_decay(weight_decay) / n               # Nielsen's λ/n
    _check_decay_step(optimizer, weight_decay, n)
    optimizer.set_schedule(get_schedule(schedule, epochs), state.base_learning_rate)
    stopper = None if early_stopping is None else EarlyStopping(early_stopping, state)
    walk = BatchWalk(n, batch_size, rng, shuffle)
    dropout_rng = rng if any(layer.dropout for layer in network.layers) else None
    fused, note = _choose_engine(engine, network, optimizer, dropout_rng is not None)
    labels = outputs_to_labels(Y) if is_classification(Y) else None      # (n,) true classes, or None
    chunk = _chunk_rows(walk.batch_size, n, X.shape[1] * X.itemsize)
    buffers = (np.empty((chunk, X.shape[1]), network.dtype),    # gathered rows land here
               np.empty((chunk, Y.shape[1]), network.dtype),
               np.empty((chunk, Y.shape[1]), network.dtype))    # each batch's output, for the books
    history = History()
    if fused and compiled.threads_for(network, X, walk.batch_size) == 2:
        note = "on 2 threads (a small network: the first layer's units are split between them)"
    history.engine, history.engine_note = ("fused" if fused else "numpy"), note
    for record in state.history:
        history.append(dict(record))

    snapshot = None
    for epoch in range(state.epoch + 1, epochs + 1):
        optimizer.start_epoch(epoch)
        snapshot = _copy_into(snapshot, network.parameters())      # last known finite weights
        order = walk.start_epoch()
        epoch_labels = labels[order] if labels is not None and order is not None else labels
        if fused:
            loss_sum, correct = compiled.train_epoch(network, X, Y, epoch_labels, order, walk.batch_size, optimizer)
            if progress is not None:
                progress(epoch, n, n, loss_sum, correct)
        else:
            loss_sum, correct = _train_epoch(network, X, Y, epoch_labels, order, walk.batch_size, optimizer,
                                             dropout_rng, buffers, epoch, progress, snapshot)
        check_divergence(network, loss_sum, snapshot, f"in epoch {epoch}")

        record = {"epoch": epoch, "loss": loss_sum / n, "learning_rate": optimizer.learning_rate}
        if labels is not None:
            record["accuracy"] = correct / n
        if validation is not None:
            record.update({f"val_{k}": v for k, v in network.evaluate(*validation).items()})
        if diagnostics:
            record["diagnostics"] = measure(network, X[:SAMPLE], Y[:SAMPLE], optimizer.learning_rate)
        history.append(record)
        stop_now = stopper is not None and stopper.update(epoch, record["val_loss"], network)
        state.epoch, state.history = epoch, history.epochs
        state.rng_state, state.optimizer = rng.bit_generator.state, optimizer.state_dict()
        if callback is not None:
            callback(epoch, record)
        if checkpoint is not None:
            checkpoint(state)
        if stop_now:
            history.stopped_epoch = epoch
            break
    if stopper is not None:
        stopper.restore_best(network, history)
    return history


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


CHUNK_BYTES = 1 << 20      # inputs gathered per shuffle step: about 1 MB, a whole number of batches


def _chunk_rows(batch_size, n, row_bytes):
    """Rows per chunk: whole batches filling about :data:`CHUNK_BYTES` (at least one batch, at most ``n``)."""
    return min(n, batch_size * max(1, CHUNK_BYTES // (batch_size * row_bytes)))


def _train_epoch(network, X, Y, labels, order, batch_size, optimizer, dropout_rng, buffers, epoch, progress,
                 snapshot):
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
            outputs[i:i + batch_size] = train_batch(network, xc[i:i + batch_size], yc[i:i + batch_size],
                                                    optimizer, dropout_rng)
        loss = network.loss.value(outputs, yc)          # mean of the chunk's per-sample losses
        if not math.isfinite(loss):
            i = next(i for i in range(0, m, batch_size)
                     if not math.isfinite(network.loss.value(outputs[i:i + batch_size], yc[i:i + batch_size])))
            check_divergence(network, loss, snapshot, f"at epoch {epoch}, batch {(start + i) // batch_size + 1}")
        loss_sum += loss * m
        if labels is not None:
            correct += int(np.count_nonzero(outputs_to_labels(outputs) == labels[start:stop]))
        if progress is not None:
            progress(epoch, stop, n, loss_sum, correct)
    return loss_sum, correct


def _check_decay(value):
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"weight decay must be a finite number >= 0, got {value}")
    return value


ENGINES = ("auto", "numpy", "fused")


def _choose_engine(engine, network, optimizer, dropout):
    """``(use the compiled epoch?, why not)`` for ``engine`` (see :func:`fit`)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; valid: {', '.join(ENGINES)}")
    if engine == "numpy":
        return False, "engine='numpy' was asked for"
    reason = compiled.unsupported(network, optimizer, dropout)
    if engine == "fused" and reason:
        raise ValueError(f"engine='fused' cannot train this run: {reason}")
    return reason is None, reason


def _check_decay_step(optimizer, weight_decay, n):
    """Gradient descent multiplies the weights by ``1 − ηλ/n`` each step: refuse a factor of 0 or below."""
    shrink = 1.0 - optimizer.learning_rate * optimizer.weight_decay
    if optimizer.name != "adam" and shrink <= 0:
        raise ValueError(f"weight decay λ = {weight_decay:g} with η = {optimizer.learning_rate:g} and n = {n} "
                         f"multiplies the weights by 1 − ηλ/n = {shrink:.3g} every step (they flip sign and grow); "
                         f"use λ < n/η = {n / optimizer.learning_rate:.3g}")


def _copy_into(saved, params):
    """Copy ``params`` into the reused arrays ``saved`` (allocated on first use): no per-epoch allocation."""
    if saved is None or [a.shape for a in saved] != [p.shape for p in params]:
        return [p.copy() for p in params]
    for array, param in zip(saved, params):
        np.copyto(array, param)
    return saved
