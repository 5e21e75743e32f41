"""``engine="compiled"``: the compiled plain-SGD epoch (:mod:`deltaprop.fast.compiled_epoch`) as an engine of
:func:`deltaprop.core.training.fit` (registered with :func:`deltaprop.core.engines.register_engine`).

Asked for by name, the engine makes its kernel ready before the first epoch (loading it from numba's disk cache,
or compiling it).  Chosen by ``engine="auto"``, it never holds the run up: the kernel is made ready in the
background (:mod:`deltaprop.fast.compiled_warmup`) and, until it is, the batches go to a
:class:`~deltaprop.core.engines.NumpyEngine` -- the same steps, tested equal -- which asks between chunks of
batches whether the kernel is ready, so the run switches engines as soon as it is, mid-epoch if need be, without
changing its result.

A small network that two threads could serve (:func:`~deltaprop.fast.compiled_epoch.threads_for`) asks
:class:`~deltaprop.fast.thread_choice.ThreadChoice` before every epoch whether two threads will pay *now* (two free
cores); when they will not, the epoch runs on one thread -- the same steps -- and ``history.engine_note`` says why.
"""

from __future__ import annotations

import numpy as np

from ..core.engines import NumpyEngine, register_engine
from . import compiled_epoch, compiled_warmup
from .thread_choice import ThreadChoice


@register_engine
class CompiledEngine:
    """One compiled call per epoch; tested equal to :class:`deltaprop.core.engines.NumpyEngine`."""

    name = "compiled"
    unsupported = staticmethod(compiled_epoch.unsupported)     # why a run cannot take it, or None

    def __init__(self, network, X, Y, batch_size, optimizer, dropout_rng, asked=False):
        self.network, self.X, self.Y, self.batch_size, self.optimizer = network, X, Y, batch_size, optimizer
        self.asked = asked
        self.threads = compiled_epoch.threads_for(network, X, batch_size)             # what the shapes allow
        self.choice = ThreadChoice() if self.threads == 2 else None                  # what the machine allows now
        self.kernel = compiled_warmup.prepare(network, X, Y, batch_size, wait=asked, threads=self.threads)
        self.kernels = {self.threads: self.kernel}
        self.meanwhile = NumpyEngine(network, X, Y, batch_size, optimizer, dropout_rng)   # until the kernel is ready
        self.compiled_epochs, self.first_epoch, self.waited_epochs = [], None, []
        self.numpy_rows = 0             # rows of the first compiled epoch trained on NumPy before the kernel was ready
        self.note = self._threads_note()

    def _threads_note(self):
        """How the epochs used the threads (None for a network one thread serves)."""
        if self.choice is None:
            return None
        if self.choice.all_two():
            return "on 2 threads (a small network: the first layer's units are split between them)"
        waited = (f" (epochs {self.waited_epochs[0]} to {self.waited_epochs[-1]} ran on the NumPy path while the "
                  "one-thread kernel was made ready)" if self.waited_epochs else "")
        return "a small network, on 2 threads when two cores are free: " + self.choice.note() + waited

    def _kernel_for(self, threads):
        """The preparation of the kernel on ``threads`` threads (the one-thread kernel only once it is needed)."""
        if threads not in self.kernels:
            self.kernels[threads] = compiled_warmup.prepare(self.network, self.X, self.Y, self.batch_size,
                                                            wait=self.asked, threads=threads)
        return self.kernels[threads]

    def train_epoch(self, epoch, order, labels, progress, snapshot):
        if self.first_epoch is None:
            self.first_epoch = epoch
        threads = self.choice.threads(epoch) if self.choice is not None else self.threads
        kernel = self._kernel_for(threads)
        loss_sum, correct, done = 0.0, 0, 0
        if not kernel.ready():                          # NumPy meanwhile, asking between chunks whether it is now
            loss_sum, correct, done = self.meanwhile.train_rows(epoch, order, labels, progress, snapshot,
                                                                stop_when=kernel.ready)
            if done == self.X.shape[0]:
                if self.choice is not None and self.compiled_epochs:
                    self.waited_epochs.append(epoch)
                return loss_sum, correct
        if not self.compiled_epochs:
            self.kernel, self.numpy_rows = kernel, done     # the one whose readiness the note reports
        self.compiled_epochs.append(epoch)
        if self.choice is not None:
            self.choice.started(threads)
        rest = (np.arange(self.X.shape[0]) if order is None else order)[done:]      # the epoch's remaining rows
        rest_loss, rest_correct = compiled_epoch.train_epoch(
            self.network, self.X, self.Y, None if labels is None else labels[done:], rest, self.batch_size,
            self.optimizer, threads)
        if self.choice is not None:
            self.choice.finished()
        loss_sum, correct = loss_sum + rest_loss, correct + rest_correct
        if progress is not None:
            progress(epoch, self.X.shape[0], self.X.shape[0], loss_sum, correct)
        return loss_sum, correct

    def finish(self, history):
        """After the run: which engine ran which epochs, and how long the kernel took to get ready."""
        if self.choice is not None:
            self.note = self._threads_note()
        history.engine, history.engine_note, history.compile_seconds = compiled_warmup.describe(   # no epoch
            self.kernel, self.compiled_epochs, self.first_epoch or 0, self.note, self.numpy_rows)  # ran: "numpy"
