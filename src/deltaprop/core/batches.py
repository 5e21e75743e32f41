"""The mini-batch walk: epochs of batches over ``n`` samples, in a fresh random order each epoch."""

from __future__ import annotations

import numpy as np

from .validation import check_positive_int


class BatchWalk:
    """Epochs of mini-batches over ``n`` samples: a fresh random order each epoch.

    Shared by :func:`fit` (which gathers a chunk of batches at a time) and the
    playground (which steps one batch per click); the same seed gives the
    same walk.  ``order`` is the current epoch's permutation (None without
    shuffling), ``position`` the first sample of the next batch.
    """

    def __init__(self, n, batch_size, rng, shuffle=True):
        self.n, self.batch_size = n, min(check_positive_int(batch_size, "batch_size"), n)
        self.rng, self.shuffle = rng, shuffle
        self.order, self.position = None, 0

    def start_epoch(self):
        """Draw the epoch's order (from the generator) and go back to its first batch; returns the order."""
        self.order = self.rng.permutation(self.n) if self.shuffle else None
        self.position = 0
        return self.order

    def next_indices(self):
        """Indices ``(b,)`` of the next batch, without moving on."""
        stop = min(self.position + self.batch_size, self.n)
        return np.arange(self.position, stop) if self.order is None else self.order[self.position:stop]

    def advance(self):
        """Move past the next batch; at the end of the epoch start the next one.  True if an epoch ended."""
        self.position = min(self.position + self.batch_size, self.n)
        if self.position >= self.n:
            self.start_epoch()
            return True
        return False
