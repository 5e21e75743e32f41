"""Engines: what runs one epoch of :func:`deltaprop.core.training.fit`.

An engine is chosen once per run and has two methods: ``train_epoch(epoch, order, labels, progress, snapshot)``
→ ``(loss_sum, correct)``, and ``finish(history)``, which may complete ``history.engine`` / ``engine_note`` after
the run (the compiled engine says there which epochs ran compiled).  The core has the readable NumPy engine (:class:`NumpyEngine`: one
:func:`~deltaprop.core.batch_step.train_batch` per mini-batch); the fast path adds the compiled epoch
(``engine="compiled"``, :mod:`deltaprop.fast.compiled_engine`) by :func:`register_engine` when
:mod:`deltaprop.fast` is imported — which ``import deltaprop`` always does.  So the core imports nothing above
it, and every engine is tested equal to the NumPy one.

``engine="auto"`` takes the first registered fast engine that can train the run and says why not otherwise
(``history.engine_note``); it never waits for a compile: until the kernel is ready
(:mod:`deltaprop.fast.compiled_warmup`) the epochs run on NumPy, and ``history.compile_seconds`` says how long it
took.  ``"compiled"`` refuses a run it cannot do.  ``"fused"``, the old name of ``"compiled"``, still works
(deprecated; one release).
"""

from __future__ import annotations

import math
import sys
import warnings

import numpy as np

from .batch_step import check_divergence, train_batch
from .labels import outputs_to_labels

CHUNK_BYTES = 1 << 20      # inputs gathered per shuffle step: about 1 MB, a whole number of batches
DEPRECATED_NAMES = {"fused": "compiled"}


class NumpyEngine:
    """The NumPy loop: rows gathered a chunk of whole batches at a time, one :func:`train_batch` per batch.

    The books -- batch losses, accuracy, the divergence check, the progress hook -- are kept once per chunk,
    vectorised over the outputs each batch produced before its step, so per batch there is only the gradient step.
    """

    name = "numpy"

    @staticmethod
    def unsupported(network, optimizer, dropout):
        return None                                     # trains every run

    def __init__(self, network, X, Y, batch_size, optimizer, dropout_rng):
        self.network, self.X, self.Y, self.batch_size = network, X, Y, batch_size
        self.optimizer, self.dropout_rng = optimizer, dropout_rng
        chunk = chunk_rows(batch_size, X.shape[0], X.shape[1] * X.itemsize)
        self.x_buf = np.empty((chunk, X.shape[1]), network.dtype)      # gathered rows land here
        self.y_buf = np.empty((chunk, Y.shape[1]), network.dtype)
        self.out_buf = np.empty((chunk, Y.shape[1]), network.dtype)    # each batch's output, for the books
        self.note = None

    def train_epoch(self, epoch, order, labels, progress, snapshot):
        """One pass over the data in ``order`` (None: as stored); ``labels``: true classes in that order, or None."""
        loss_sum, correct, _ = self.train_rows(epoch, order, labels, progress, snapshot)
        return loss_sum, correct

    def train_rows(self, epoch, order, labels, progress, snapshot, stop_when=None):
        """:meth:`train_epoch`, but ``stop_when()`` is asked between chunks (whole batches): when it says True the
        epoch stops there.  Returns ``(loss_sum, correct, rows)``: the books of the first ``rows`` rows trained."""
        n, loss_sum, correct = self.X.shape[0], 0.0, 0
        for start in range(0, n, self.x_buf.shape[0]):
            if start and stop_when is not None and stop_when():
                return loss_sum, correct, start
            stop = min(start + self.x_buf.shape[0], n)
            xc, yc = self._gather(order, start, stop)
            outputs = self._steps(xc, yc)
            loss_sum += self._chunk_loss(outputs, yc, epoch, start, snapshot) * (stop - start)
            if labels is not None:
                correct += int(np.count_nonzero(outputs_to_labels(outputs) == labels[start:stop]))
            if progress is not None:
                progress(epoch, stop, n, loss_sum, correct)
        return loss_sum, correct, n

    def finish(self, history):
        """Nothing to add: ``history.engine`` is ``"numpy"`` from the start."""

    def _gather(self, order, start, stop):
        """Rows ``start:stop`` of the epoch: views when unshuffled, else gathered into the reused buffers."""
        if order is None:
            return self.X[start:stop], self.Y[start:stop]
        m = stop - start
        return (self.X.take(order[start:stop], axis=0, out=self.x_buf[:m]),     # (m, d_0)
                self.Y.take(order[start:stop], axis=0, out=self.y_buf[:m]))     # (m, d_L)

    def _steps(self, xc, yc):
        """One :func:`train_batch` per batch of the chunk; returns each batch's outputs before its step."""
        outputs, b = self.out_buf[:xc.shape[0]], self.batch_size                # (m, d_L)
        for i in range(0, xc.shape[0], b):
            outputs[i:i + b] = train_batch(self.network, xc[i:i + b], yc[i:i + b], self.optimizer, self.dropout_rng)
        return outputs

    def _chunk_loss(self, outputs, yc, epoch, start, snapshot):
        """Mean per-sample loss of the chunk; a non-finite one names its first diverging batch."""
        loss = self.network.loss.value(outputs, yc)
        if not math.isfinite(loss):
            b = self.batch_size
            i = next(i for i in range(0, yc.shape[0], b)
                     if not math.isfinite(self.network.loss.value(outputs[i:i + b], yc[i:i + b])))
            check_divergence(self.network, loss, snapshot, f"at epoch {epoch}, batch {(start + i) // b + 1}")
        return loss


def chunk_rows(batch_size, n, row_bytes):
    """Rows per chunk: whole batches filling about :data:`CHUNK_BYTES` (at least one batch, at most ``n``)."""
    return min(n, batch_size * max(1, CHUNK_BYTES // (batch_size * row_bytes)))


ENGINES = {"numpy": NumpyEngine}       # name → engine class; deltaprop.fast registers "compiled"


def register_engine(engine):
    """Add an engine class (``name``, ``unsupported(network, optimizer, dropout)``, the constructor of
    :class:`NumpyEngine` plus ``asked`` (True when the engine was asked for by name, False under ``"auto"``),
    ``train_epoch`` and ``finish``); ``engine="auto"`` prefers it to NumPy when it can train a run."""
    ENGINES[engine.name] = engine
    return engine


def engine_names():
    return ("auto", *ENGINES)


def choose_engine(name, network, X, Y, batch_size, optimizer, dropout_rng):
    """The engine for this run: ``name`` (see :func:`deltaprop.core.training.fit`), built; ``engine.note`` says why
    ``auto`` fell back to NumPy, or how the fast engine runs."""
    name = _current_name(name)
    dropout = dropout_rng is not None
    if name == "numpy":
        return _built(NumpyEngine, "engine='numpy' was asked for", network, X, Y, batch_size, optimizer, dropout_rng)
    candidates = [ENGINES[name]] if name != "auto" else [e for e in ENGINES.values() if e is not NumpyEngine]
    reasons = []
    for engine in candidates:
        reason = engine.unsupported(network, optimizer, dropout)
        if reason is None:
            return _built(engine, None, network, X, Y, batch_size, optimizer, dropout_rng, asked=name != "auto")
        reasons.append(reason)
    if name != "auto":
        raise ValueError(f"engine={name!r} cannot train this run: {reasons[0]}")
    note = "; ".join(reasons) or "no fast engine is registered (deltaprop.fast was not imported)"
    return _built(NumpyEngine, note, network, X, Y, batch_size, optimizer, dropout_rng)


def _built(engine, note, *args, **options):
    built = engine(*args, **options)
    built.note = built.note or note
    return built


def _current_name(name):
    if name in DEPRECATED_NAMES:
        new = DEPRECATED_NAMES[name]
        warnings.warn(f"engine={name!r} is deprecated and will be removed in the next release; "
                      f"use engine={new!r}", DeprecationWarning, stacklevel=_outside_deltaprop())
        name = new
    if name not in engine_names():
        raise ValueError(f"unknown engine {name!r}; valid: {', '.join(engine_names())}")
    return name


def _outside_deltaprop():
    """The ``stacklevel`` of the first caller outside deltaprop (``fit`` or ``Network.fit``): the warning names the
    user's line, and Python shows it there."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("deltaprop."):
        frame, level = frame.f_back, level + 1
    return level
