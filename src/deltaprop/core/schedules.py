"""Learning-rate schedules: the rate ``η`` for each epoch, from the base rate ``η₀``.

A schedule is a pure function of the epoch number (1-based), so a resumed run
gets exactly the rates an uninterrupted one would.  On the command line a
schedule is a short spec:

=====================  ==========================================================
``constant``           ``η = η₀`` (the default)
``step:S[:G]``         multiply by ``G`` (default 0.1) every ``S`` epochs
``cosine[:MIN]``       half a cosine from ``η₀`` at epoch 1 down towards ``MIN``
                       (default 0) after the last epoch
=====================  ==========================================================
"""

from __future__ import annotations

import math

from .validation import check_positive_int


class Schedule:
    """Base class: ``rate(epoch, base)`` → the learning rate for ``epoch`` (1-based)."""

    name = "schedule"

    def rate(self, epoch, base):
        raise NotImplementedError  # abstract

    def check(self, base):
        """Raise ``ValueError`` if this schedule makes no sense from the base rate ``base`` (called by ``rate``)."""

    def spec(self):
        """The command-line spec that rebuilds this schedule (stored in checkpoints)."""
        return self.name


class Constant(Schedule):
    name = "constant"

    def rate(self, epoch, base):
        return base


class Step(Schedule):
    """``η = η₀ · gamma^⌊(epoch − 1) / step_size⌋``."""

    name = "step"

    def __init__(self, step_size, gamma=0.1):
        self.step_size = check_positive_int(step_size, "step schedule: step_size")
        self.gamma = float(gamma)
        if not 0.0 < self.gamma <= 1.0:
            raise ValueError(f"step schedule: gamma must be in (0, 1], got {gamma}")

    def rate(self, epoch, base):
        return base * self.gamma ** ((epoch - 1) // self.step_size)

    def spec(self):
        return f"step:{self.step_size}:{self.gamma:g}"


class Cosine(Schedule):
    """``η = MIN + (η₀ − MIN) · (1 + cos(π (epoch − 1) / epochs)) / 2``.

    The formula interpolates between ``η₀`` and ``MIN``; with ``MIN > η₀`` it
    would *raise* the rate towards ``MIN`` (``cosine:5`` from η₀ = 0.1 reaches
    4.28 -- 5 read as a number of epochs is a natural slip), so that is refused.
    """

    name = "cosine"

    def __init__(self, epochs, minimum=0.0):
        self.epochs = check_positive_int(epochs, "cosine schedule: epochs")
        self.minimum = float(minimum)
        if not (math.isfinite(self.minimum) and self.minimum >= 0):
            raise ValueError(f"cosine schedule: minimum learning rate must be >= 0, got {minimum}")

    def check(self, base):
        if self.minimum > base:
            raise ValueError(f"cosine schedule: its minimum learning rate {self.minimum:g} is above the learning rate "
                             f"η = {base:g}, so the rate would rise towards it; cosine:MIN takes the final learning "
                             f"rate (below η, e.g. cosine:{base / 100:g}), not a number of epochs")

    def rate(self, epoch, base):
        self.check(base)
        progress = min(epoch - 1, self.epochs) / self.epochs
        return self.minimum + (base - self.minimum) * 0.5 * (1.0 + math.cos(math.pi * progress))

    def spec(self):
        return f"cosine:{self.minimum:g}" if self.minimum else "cosine"


SCHEDULES = ("constant", "step", "cosine")


def get_schedule(spec, epochs):
    """Parse a spec such as ``"step:10:0.5"`` or ``"cosine"`` (a :class:`Schedule` passes through)."""
    if spec is None:
        return Constant()
    if isinstance(spec, Schedule):
        return spec
    name, *params = [part.strip() for part in str(spec).strip().lower().split(":")]
    try:
        numbers = [float(p) for p in params]
    except ValueError:
        raise ValueError(f"schedule {spec!r}: parameters must be numbers, e.g. step:10:0.5 or cosine:1e-5") from None
    if name == "constant" and not numbers:
        return Constant()
    if name == "step" and 1 <= len(numbers) <= 2:
        if numbers[0] != int(numbers[0]):
            raise ValueError(f"schedule {spec!r}: the step size must be a whole number of epochs")
        return Step(int(numbers[0]), *numbers[1:])
    if name == "cosine" and len(numbers) <= 1:
        return Cosine(epochs, *numbers)
    raise ValueError(f"unknown schedule {spec!r}; valid: constant, step:EPOCHS[:FACTOR], cosine[:MIN_LR]")
