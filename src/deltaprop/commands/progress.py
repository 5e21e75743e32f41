"""A tiny dependency-free progress bar and the per-epoch summary line.

The bar goes to stderr and only when it is a terminal (or when forced); it
redraws at most ten times a second, so its cost per call is one clock read.
"""

from __future__ import annotations

import sys
import time


class ProgressBar:
    """Per-epoch bar: ``epoch 3/20 [########------] 61% loss 0.4123 acc 0.852 48,000 samples/s``.

    Use it as the ``progress`` hook of :func:`deltaprop.core.training.fit`;
    call :meth:`start_epoch` before and :meth:`end_epoch` after each epoch.
    """

    def __init__(self, epochs, stream=None, force=False, width=24, interval=0.1):
        self.stream = sys.stderr if stream is None else stream
        self.enabled = force or bool(getattr(self.stream, "isatty", lambda: False)())
        self.epochs, self.width, self.interval = epochs, width, interval
        self._start = self._last = 0.0
        self._drawn = False

    def start_epoch(self):
        self._start = self._last = time.perf_counter()

    def __call__(self, epoch, done, total, loss_sum, correct):
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self._last < self.interval and done < total:
            return
        self._last = now
        fraction = done / total
        filled = int(round(self.width * fraction))
        rate = done / max(now - self._start, 1e-9)
        accuracy = f" acc {correct / done:.3f}" if correct else ""
        line = (f"epoch {epoch}/{self.epochs} [{'#' * filled}{'-' * (self.width - filled)}] {fraction:4.0%} "
                f"loss {loss_sum / done:.4f}{accuracy} {rate:,.0f} samples/s")
        self.stream.write("\r" + line + "\x1b[K")
        self.stream.flush()
        self._drawn = True

    def end_epoch(self):
        """Erase the bar (the summary line replaces it); returns the epoch's seconds."""
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False
        return time.perf_counter() - self._start


def epoch_summary(record, epochs, seconds, n_samples):
    """One line per epoch: loss, accuracy, validation figures, learning rate, time and throughput."""
    parts = [f"epoch {record['epoch']:>{len(str(epochs))}}/{epochs}", f"loss {record['loss']:.4f}"]
    if "accuracy" in record:
        parts.append(f"acc {record['accuracy']:.4f}")
    if "val_loss" in record:
        parts.append(f"val_loss {record['val_loss']:.4f}")
    if "val_accuracy" in record:
        parts.append(f"val_acc {record['val_accuracy']:.4f}")
    if "learning_rate" in record:
        parts.append(f"lr {record['learning_rate']:.3g}")
    parts.append(f"{seconds:.1f} s ({n_samples / max(seconds, 1e-9):,.0f} samples/s)")
    return "  ".join(parts)
