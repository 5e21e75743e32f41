"""The two-thread epoch falls back to one thread when the machine cannot give it two cores
(deltaprop.fast.thread_choice): the decision from the CPUs, the load average and the last two-thread epoch's share
of the cores, with those readings replaced (deterministic); the note says why; and the result does not change."""

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
    """A machine whose CPU count and load average the test sets."""
    readings = {"cpus": 2, "load": 0.0}
    monkeypatch.setattr(thread_choice, "available_cpus", lambda: readings["cpus"])
    monkeypatch.setattr(thread_choice, "load_average", lambda: readings["load"])
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


@pytest.mark.parametrize("load, before, threads", [
    (0.4, 0, 2),        # first epoch: 1.6 of 2 CPUs free
    (0.6, 0, 1),        # 1.4 free: another program holds most of a core
    (2.4, 2, 2),        # after a two-thread epoch: our own two threads are 2 of the 2.4
    (2.6, 2, 1),
    (1.3, 1, 2),        # after a one-thread epoch: our one thread is 1 of the 1.3
    (3.0, 1, 1),
])
def test_the_load_average_minus_this_runs_own_threads(machine, load, before, threads):
    choice, clocks = _choice()
    if before:                              # the epoch before ran on `before` threads
        choice.started(before)
        clocks.epoch(0.1, before)
        choice.finished()
    assert choice.own_threads == before
    machine["load"] = load
    assert choice.threads(2) == threads


def test_the_note_gives_the_load_that_decided(machine):
    machine["load"] = 3.2
    choice, clocks = _choice()
    assert [_epoch(choice, clocks, e) for e in (1, 2)] == [1, 1]
    machine["load"] = 1.1                   # others: 1.1 − our 1 thread = 0.1
    assert _epoch(choice, clocks, 3) == 2
    assert choice.note() == ("epochs 1 to 2 on 1 thread: the load average 3.20 left 0.0 of 2 CPUs free (two threads "
                             "need 1.5); epoch 3 on 2 threads")
    assert not choice.all_two()


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


def test_the_numpy_path_counts_as_one_thread_of_this_run(machine):
    choice, _ = _choice()
    choice.threads(1)
    choice.ran_on_numpy()
    machine["load"] = 1.2                  # our NumPy epoch was 1 of it
    assert choice.threads(2) == 2


def test_no_load_average_is_no_reason_to_fall_back(machine):
    machine["load"] = None                  # Windows
    choice, clocks = _choice()
    assert _epoch(choice, clocks, 1) == 2


# ---------------------------------------------------------------------------------------- in a real fit
@pytest.fixture
def two_cores(monkeypatch):
    from deltaprop.fast import blas_gemm as blas
    monkeypatch.setattr(blas, "threads", lambda: 2)
    monkeypatch.setattr(compiled, "THREADS", 2)


def _fit(loads, monkeypatch, cores=2.0):
    """A [40, 24, 5] float64 network (two-thread shapes) for len(loads) epochs, the load average of each epoch's
    start taken from ``loads``; the share of the cores a two-thread epoch gets is ``cores``."""
    readings = iter(loads)
    monkeypatch.setattr(thread_choice, "available_cpus", lambda: 2)
    monkeypatch.setattr(thread_choice, "load_average", lambda: next(readings))
    monkeypatch.setattr(thread_choice, "MIN_CORES", 1.7 if cores < 2 else 0.0)
    monkeypatch.setattr(thread_choice, "MIN_JUDGED_SECONDS", 0.0)         # these epochs take milliseconds
    monkeypatch.setattr(ThreadChoice, "__init__", _init_with(cores))
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(203, 40)), rng.integers(0, 5, 203)
    net = Network([40, 24, 5], ["tanh", "softmax"], loss="cross-entropy", seed=2)
    assert compiled.threads_for(net, X, 7) == 2
    history = net.fit(X, y, epochs=len(loads), batch_size=7, learning_rate=0.05, seed=3, schedule="cosine",
                      engine="compiled")
    return net, history


_REAL_INIT = ThreadChoice.__init__


def _init_with(cores):
    """ThreadChoice with a CPU clock that reports ``cores`` cores' worth of CPU time for every second of wall time."""
    import time

    def init(self):
        _REAL_INIT(self, clock=time.perf_counter, cpu_clock=lambda: time.perf_counter() * cores)
    return init


def test_a_loaded_machine_trains_on_one_thread_to_the_same_result(monkeypatch, two_cores):
    two, h2 = _fit([0.0, 0.0, 0.0, 0.0], monkeypatch)
    mixed, hm = _fit([0.0, 0.0, 5.0, 5.0], monkeypatch)                   # load arrives before epoch 3
    one, h1 = _fit([5.0, 5.0, 5.0, 5.0], monkeypatch)
    assert h2.engine == hm.engine == h1.engine == "compiled"
    assert h2.engine_note.startswith("on 2 threads")
    assert hm.engine_note.startswith("a small network, on 2 threads when two cores are free: epochs 1 to 2 on 2 "
                                     "threads; epochs 3 to 4 on 1 thread: the load average 5.00 left")
    assert h1.engine_note.startswith("a small network, on 2 threads when two cores are free: epochs 1 to 4 on 1 "
                                     "thread: the load average 5.00")
    for a, b, c in zip(two.parameters(), mixed.parameters(), one.parameters()):
        np.testing.assert_array_equal(a, b)         # float64, batches ≤ SMALL_ROWS: the same sums on 1 or 2 threads
        np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(h2["loss"], hm["loss"])


def test_a_starved_epoch_in_a_real_fit_is_followed_by_one_thread(monkeypatch, two_cores):
    net, history = _fit([0.0, 0.0, 0.0], monkeypatch, cores=1.0)
    assert "epoch 1 on 2 threads; epochs 2 to 3 on 1 thread: a two-thread epoch got 1.00 of 2 cores" \
        in history.engine_note
    ref, _ = _fit([0.0, 0.0, 0.0], monkeypatch)
    for a, b in zip(net.parameters(), ref.parameters()):
        np.testing.assert_array_equal(a, b)
