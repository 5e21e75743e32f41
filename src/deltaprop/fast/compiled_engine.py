"""``engine="compiled"``: the compiled plain-SGD epoch (:mod:`deltaprop.fast.compiled_epoch`) as an engine of
:func:`deltaprop.core.training.fit` (registered with :func:`deltaprop.core.engines.register_engine`).

Asked for by name, the engine makes its kernel ready before the first epoch (loading it from numba's disk cache,
or compiling it).  Chosen by ``engine="auto"``, it never holds the run up: the kernel is made ready in the
background (:mod:`deltaprop.fast.compiled_warmup`) and, until it is, the epochs go to a
:class:`~deltaprop.core.engines.NumpyEngine` -- the same steps, tested equal -- so the run switches engines
between epochs without changing its result.
"""

from __future__ import annotations

from ..core.engines import NumpyEngine, register_engine
from . import compiled_epoch, compiled_warmup


@register_engine
class CompiledEngine:
    """One compiled call per epoch; tested equal to :class:`deltaprop.core.engines.NumpyEngine`."""

    name = "compiled"
    unsupported = staticmethod(compiled_epoch.unsupported)     # why a run cannot take it, or None

    def __init__(self, network, X, Y, batch_size, optimizer, dropout_rng, asked=False):
        self.network, self.X, self.Y, self.batch_size, self.optimizer = network, X, Y, batch_size, optimizer
        self.note = ("on 2 threads (a small network: the first layer's units are split between them)"
                     if compiled_epoch.threads_for(network, X, batch_size) == 2 else None)
        self.kernel = compiled_warmup.prepare(network, X, Y, batch_size, wait=asked)
        self.meanwhile = NumpyEngine(network, X, Y, batch_size, optimizer, dropout_rng)   # until the kernel is ready
        self.compiled_epochs, self.first_epoch = [], None

    def train_epoch(self, epoch, order, labels, progress, snapshot):
        if self.first_epoch is None:
            self.first_epoch = epoch
        if not self.kernel.ready():
            return self.meanwhile.train_epoch(epoch, order, labels, progress, snapshot)
        self.compiled_epochs.append(epoch)
        loss_sum, correct = compiled_epoch.train_epoch(self.network, self.X, self.Y, labels, order,
                                                       self.batch_size, self.optimizer)
        if progress is not None:
            progress(epoch, self.X.shape[0], self.X.shape[0], loss_sum, correct)
        return loss_sum, correct

    def finish(self, history):
        """After the run: which engine ran which epochs, and how long the kernel took to get ready."""
        if self.first_epoch is not None:
            history.engine, history.engine_note, history.compile_seconds = compiled_warmup.describe(
                self.kernel, self.compiled_epochs, self.first_epoch, self.note)
