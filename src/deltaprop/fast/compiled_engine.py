"""``engine="compiled"``: the compiled plain-SGD epoch (:mod:`deltaprop.fast.compiled_epoch`) as an engine of
:func:`deltaprop.core.training.fit` (registered with :func:`deltaprop.core.engines.register_engine`)."""

from __future__ import annotations

from ..core.engines import register_engine
from . import compiled_epoch


@register_engine
class CompiledEngine:
    """One compiled call per epoch; tested equal to :class:`deltaprop.core.engines.NumpyEngine`."""

    name = "compiled"
    unsupported = staticmethod(compiled_epoch.unsupported)     # why a run cannot take it, or None

    def __init__(self, network, X, Y, batch_size, optimizer, dropout_rng):
        self.network, self.X, self.Y, self.batch_size, self.optimizer = network, X, Y, batch_size, optimizer
        self.note = ("on 2 threads (a small network: the first layer's units are split between them)"
                     if compiled_epoch.threads_for(network, X, batch_size) == 2 else None)

    def train_epoch(self, epoch, order, labels, progress, snapshot):
        loss_sum, correct = compiled_epoch.train_epoch(self.network, self.X, self.Y, labels, order,
                                                       self.batch_size, self.optimizer)
        if progress is not None:
            progress(epoch, self.X.shape[0], self.X.shape[0], loss_sum, correct)
        return loss_sum, correct
