"""The training loop: epochs of shuffled mini-batches, one gradient step per batch.

Read it top to bottom: validate and cast the data once, then for each epoch
draw a permutation, gather each batch into a reused buffer, take a step,
and record the epoch's numbers.  The Python loop runs over batches, never
over samples.
"""

from __future__ import annotations

import numpy as np

from .network import is_classification, outputs_to_labels
from .optimizers import get_optimizer
from .validation import check_inputs, check_positive_int, check_targets


class DivergenceError(FloatingPointError):
    """Training produced a non-finite loss; the network keeps its last finite weights."""


class History:
    """Per-epoch records: ``history["loss"]`` is the list of training losses, etc."""

    def __init__(self):
        self.epochs = []        # list of dicts, one per epoch

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


def fit(network, X, Y, epochs, batch_size, optimizer="sgd", learning_rate=0.1, *, shuffle=True,
        seed=None, validation_data=None, callback=None):
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

    Returns
    -------
    History
        ``loss`` (mean of the batch losses), ``accuracy`` for class targets,
        and the validation figures.

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
    optimizer = get_optimizer(optimizer, learning_rate)
    rng = np.random.default_rng(seed)
    dropout_rng = rng if any(layer.dropout for layer in network.layers) else None
    classification = is_classification(Y)
    n = X.shape[0]
    batch_size = min(batch_size, n)
    x_buf = np.empty((batch_size, X.shape[1]), network.dtype)    # gathered batches land here
    y_buf = np.empty((batch_size, Y.shape[1]), network.dtype)
    history = History()

    for epoch in range(1, epochs + 1):
        snapshot = [p.copy() for p in _parameters(network)]      # last known finite weights
        order = rng.permutation(n) if shuffle else None
        loss_sum, correct = 0.0, 0
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)
            if shuffle:
                xb = np.take(X, order[start:stop], axis=0, out=x_buf[:stop - start])
                yb = np.take(Y, order[start:stop], axis=0, out=y_buf[:stop - start])
            else:
                xb, yb = X[start:stop], Y[start:stop]                # views, no copy
            loss = network._train_batch(xb, yb, optimizer, dropout_rng)
            if not np.isfinite(loss):
                _restore_finite(network, snapshot)
                raise DivergenceError(
                    f"training diverged at epoch {epoch}, batch {start // batch_size + 1}: the loss is {loss}; "
                    f"kept the last finite weights; try a smaller learning rate "
                    f"(it was {optimizer.learning_rate:g})")
            loss_sum += loss * (stop - start)
            if classification:
                output = network._workspace(stop - start, dropout_rng is not None).a[-1]
                correct += int(np.count_nonzero(outputs_to_labels(output) == outputs_to_labels(yb)))

        record = {"epoch": epoch, "loss": loss_sum / n}
        if classification:
            record["accuracy"] = correct / n
        if validation_data is not None:
            record.update({f"val_{k}": v for k, v in network.evaluate(X_val, Y_val).items()})
        history.append(record)
        if callback is not None:
            callback(epoch, record)
    return history


def _parameters(network):
    return [array for layer in network.layers for array in (layer.weights, layer.biases)]


def _restore_finite(network, snapshot):
    params = _parameters(network)
    if not all(np.isfinite(p).all() for p in params):
        for param, saved in zip(params, snapshot):
            np.copyto(param, saved)
