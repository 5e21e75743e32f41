"""Whether the two-thread epoch pays *now*: it needs two cores of its own, and other programs may hold them.

The two threads of :mod:`deltaprop.fast.compiled_threads` meet twice per batch (a step of about 20 µs at A/10).
On a quiet machine they make a small network's epoch about 1.6 × faster than one thread.  When another program
holds one of the cores, every meeting waits for the partner's next time slice (milliseconds), and the epoch is
many times *slower* than on one thread (docs/performance.md: A/10 took 0.92 s an epoch at load average 7, against
0.13 s on one thread when quiet).  :func:`deltaprop.fast.compiled_epoch.threads_for` decides from the shapes alone
whether two threads can help; this module decides, before every epoch, whether they will, from two readings:

1. **the CPUs this process may run on** (``os.sched_getaffinity``): fewer than two → one thread;
2. **the share of the cores the last two-thread epoch got** (the process's CPU time over the epoch's wall time;
   both threads spin while they wait, so a quiet machine gives ≈ 2): below :data:`MIN_CORES` → one thread, and two
   are tried again only after :data:`RETRY_SECONDS`; epochs shorter than :data:`MIN_JUDGED_SECONDS` are not judged
   (starting the helper thread is most of them).

The load average is not a reading: it lags by a minute and counts work that has just ended -- the quiet benchmark
run found a 1-minute average of 1.7 left by its own previous steps, which sent A/10 to one thread on an idle
machine (0.50 × JAX's time instead of ≤ 0.37 ×).  The first two-thread epoch measures what the machine gives now.

Both epochs take the same steps on the same numbers (tested equal), so the choice changes the speed, never the
result.  ``history.engine_note`` says which epochs ran on how many threads and why (:meth:`ThreadChoice.note`).
"""

from __future__ import annotations

import os
import time

MIN_CORES = 1.7         # of 2: the last two-thread epoch's CPU time / wall time below this → it was starved
RETRY_SECONDS = 60.0    # after a starved two-thread epoch, one thread for at least this long
MIN_JUDGED_SECONDS = 0.02   # shorter epochs are not judged by their share: starting the thread is most of them


def available_cpus():
    """The CPUs this process may run on (its affinity mask; ``os.cpu_count()`` where there is none)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class ThreadChoice:
    """Before each epoch of a run that two threads could serve: :meth:`threads` (1 or 2, and the reason is kept);
    around the epoch: :meth:`started` / :meth:`finished` (the share of the cores it got); after the run:
    :meth:`note`.  ``clock`` and ``cpu_clock`` are the wall and process CPU clocks (replaceable in tests)."""

    def __init__(self, clock=time.perf_counter, cpu_clock=time.process_time):
        self.clock, self.cpu_clock = clock, cpu_clock
        self.runs = []                  # [(first epoch, last epoch, threads, reason)]: a choice and how long it held
        self.starved_at = None          # clock() when a two-thread epoch last got too small a share
        self.starved_reason = None
        self._start = None

    def threads(self, epoch):
        """1 or 2 for ``epoch``, from the readings of the module notes; the reason goes into :meth:`note`."""
        threads, reason = self._decide()
        first, last, prev_threads, prev_reason = self.runs[-1] if self.runs else (None, None, None, None)
        if prev_threads == threads and last == epoch - 1:          # the same choice goes on: keep its first reason
            self.runs[-1] = (first, epoch, threads, prev_reason)
        else:
            self.runs.append((epoch, epoch, threads, reason))
        return threads

    def _decide(self):
        cpus = available_cpus()
        if cpus < 2:
            return 1, f"this process may run on {cpus} CPU only"
        if self.starved_at is not None and self.clock() - self.starved_at < RETRY_SECONDS:
            return 1, self.starved_reason
        return 2, None

    def started(self, threads):
        """Call just before the epoch runs on ``threads`` threads (the kernel, not the NumPy path)."""
        self._start = (threads, self.clock(), self.cpu_clock())

    def finished(self):
        """Call just after it: books whether two threads were starved."""
        threads, wall0, cpu0 = self._start
        wall, cpu = self.clock() - wall0, self.cpu_clock() - cpu0
        if threads == 2 and wall >= MIN_JUDGED_SECONDS:
            cores = cpu / wall
            if cores < MIN_CORES:
                self.starved_at = self.clock()
                self.starved_reason = (f"a two-thread epoch got {cores:.2f} of 2 cores (other programs held "
                                       f"them; retried after {RETRY_SECONDS:g} s)")

    def note(self):
        """Which epochs ran on how many threads, and why one: e.g. ``"epochs 1 to 3 on 2 threads; epochs 4 to 9
        on 1 thread: a two-thread epoch got 0.93 of 2 cores (…)"``."""
        parts = []
        for first, last, threads, reason in self.runs:
            span = f"epoch {first}" if first == last else f"epochs {first} to {last}"
            parts.append(f"{span} on {threads} thread{'s' if threads == 2 else ''}" + (f": {reason}" if reason else ""))
        return "; ".join(parts)

    def all_two(self):
        """True when every epoch so far ran (or was meant to run) on two threads."""
        return all(threads == 2 for _, _, threads, _ in self.runs)
