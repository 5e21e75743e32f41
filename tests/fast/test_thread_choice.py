"""The two-thread epoch falls back to one thread when the machine cannot give it two cores
(deltaprop.fast.thread_choice): the decision from the CPUs and the last two-thread epoch's share
of the cores, with those readings replaced (deterministic); the note says why; and the result does not change."""

import os

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.fast import compiled_epoch as compiled
from deltaprop.fast import thread_choice
from deltaprop.fast.thread_choice import ThreadChoice

import numba  # noqa: F401  (a test dependency: the [fast] extra is in [test])


class Clocks:
    """Wall and CPU clocks the test moves by hand."""

    def __init__(self):
        self.wall, self.cpu = 100.0, 5.0

    def epoch(self, wall, cores):
        self.wall += wall
        self.cpu += wall * cores


@pytest.fixture
def machine(monkeypatch):
    """A machine whose CPU count the test sets."""
    readings = {"cpus": 2}
    monkeypatch.setattr(thread_choice, "available_cpus", lambda: readings["cpus"])
    return readings


def _choice():
    clocks = Clocks()
    return ThreadChoice(clock=lambda: clocks.wall, cpu_clock=lambda: clocks.cpu), clocks


def _epoch(choice, clocks, epoch, cores=2.0, wall=0.1):
    threads = choice.threads(epoch)
    choice.started(threads)
    clocks.epoch(wall, cores if threads == 2 else 1.0)
    choice.finished()
    return threads


def test_a_quiet_machine_gets_two_threads(machine):
    choice, clocks = _choice()
    assert [_epoch(choice, clocks, e) for e in (1, 2, 3)] == [2, 2, 2]
    assert choice.all_two() and choice.note() == "epochs 1 to 3 on 2 threads"


def test_one_cpu_means_one_thread(machine):
    machine["cpus"] = 1
    choice, clocks = _choice()
    assert _epoch(choice, clocks, 1) == 1
    assert choice.note() == "epoch 1 on 1 thread: this process may run on 1 CPU only"


def test_a_load_average_left_by_work_that_has_ended_does_not_take_a_thread(machine, monkeypatch):
    """The quiet benchmark run: its own previous steps left a 1-minute load average of 1.7 on an idle machine, and
    a load-average rule sent A/10 to one thread.  The load average is not read; the epoch's share decides."""
    monkeypatch.setattr(os, "getloadavg", lambda: (1.7, 2.5, 5.6))
    choice, clocks = _choice()
    assert [_epoch(choice, clocks, e) for e in (1, 2)] == [2, 2]


def test_a_starved_two_thread_epoch_means_one_thread_for_a_minute(machine):
    """The load average lags (a minute): the epoch's own share of the cores catches a new program at once."""
    choice, clocks = _choice()
    assert _epoch(choice, clocks, 1, cores=1.95) == 2
    assert _epoch(choice, clocks, 2, cores=1.10, wall=2.0) == 2       # another program took a core
    assert _epoch(choice, clocks, 3) == 1
    clocks.wall += thread_choice.RETRY_SECONDS - 5
    assert _epoch(choice, clocks, 4) == 1
    clocks.wall += 5
    assert _epoch(choice, clocks, 5) == 2                                # tried again after RETRY_SECONDS
    assert choice.note().startswith("epochs 1 to 2 on 2 threads; epochs 3 to 4 on 1 thread: a two-thread epoch "
                                    "got 1.10 of 2 cores")
    assert choice.note().endswith("; epoch 5 on 2 threads")


def test_a_very_short_epoch_is_not_judged_by_its_share(machine):
    choice, clocks = _choice()
    assert _epoch(choice, clocks, 1, cores=1.0, wall=thread_choice.MIN_JUDGED_SECONDS / 2) == 2
    assert _epoch(choice, clocks, 2) == 2


# ---------------------------------------------------------------------------------------- in a real fit
@pytest.fixture
def two_cores(monkeypatch):
    from deltaprop.fast import blas_gemm as blas
    monkeypatch.setattr(blas, "threads", lambda: 2)
    monkeypatch.setattr(compiled, "THREADS", 2)


def _fit(epochs, monkeypatch, cores=2.0):
    """A [40, 24, 5] float64 network (two-thread shapes) for ``epochs`` epochs; the share of the cores a two-thread
    epoch gets is ``cores``."""
    monkeypatch.setattr(thread_choice, "available_cpus", lambda: 2)
    monkeypatch.setattr(thread_choice, "MIN_CORES", 1.7 if cores < 2 else 0.0)
    monkeypatch.setattr(thread_choice, "MIN_JUDGED_SECONDS", 0.0)         # these epochs take milliseconds
    monkeypatch.setattr(ThreadChoice, "__init__", _init_with(cores))
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(203, 40)), rng.integers(0, 5, 203)
    net = Network([40, 24, 5], ["tanh", "softmax"], loss="cross-entropy", seed=2)
    assert compiled.threads_for(net, X, 7) == 2
    history = net.fit(X, y, epochs=epochs, batch_size=7, learning_rate=0.05, seed=3, schedule="cosine",
                      engine="compiled")
    return net, history


_REAL_INIT = ThreadChoice.__init__


def _init_with(cores):
    """ThreadChoice with a CPU clock that reports ``cores`` cores' worth of CPU time for every second of wall time."""
    import time

    def init(self):
        _REAL_INIT(self, clock=time.perf_counter, cpu_clock=lambda: time.perf_counter() * cores)
    return init


def test_a_starved_epoch_in_a_real_fit_is_followed_by_one_thread(monkeypatch, two_cores):
    """On a loaded machine the run goes on one thread after the first, starved, epoch -- to the same result."""
    net, history = _fit(4, monkeypatch, cores=1.0)
    assert history.engine == "compiled"
    assert "epoch 1 on 2 threads; epochs 2 to 4 on 1 thread: a two-thread epoch got 1.00 of 2 cores" \
        in history.engine_note
    ref, h2 = _fit(4, monkeypatch)
    assert h2.engine_note.startswith("on 2 threads")
    for a, b in zip(net.parameters(), ref.parameters()):
        np.testing.assert_array_equal(a, b)    # float64, batches ≤ SMALL_ROWS: the same sums on 1 or 2 threads
    np.testing.assert_array_equal(history["loss"], h2["loss"])
