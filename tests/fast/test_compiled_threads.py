"""The compiled epoch on two threads (deltaprop.fast.compiled_threads): when it is used, and that it trains exactly as
the one-thread compiled epoch (float64) and as the NumPy path (the tolerances of test_compiled.py)."""

import threading

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.fast import compiled_epoch as compiled
from deltaprop.core.optimizers import SGD

import numba  # noqa: F401  (a test dependency: the [fast] extra is in [test])
from tests.fast.cases import TOL, random_data

CASES = [
    ([40, 20, 5], ["sigmoid", "sigmoid"], "quadratic"),
    ([40, 30, 7, 5], ["tanh", "relu", "softmax"], "cross-entropy"),
    ([40, 12, 3], ["leaky-relu:0.1", "sigmoid"], "binary-cross-entropy"),
    ([40, 9, 1], ["relu", "linear"], "quadratic"),
]


@pytest.fixture(autouse=True)
def _blas_threads(monkeypatch):
    """As on a quiet machine with two cores or more, whatever this one has and whatever else runs on it
    (compiled.THREADS is set per test; the fall-back to one thread under load is tested in test_thread_choice.py)."""
    from deltaprop.fast import blas_gemm as blas
    from deltaprop.fast import thread_choice
    monkeypatch.setattr(blas, "threads", lambda: 2)
    monkeypatch.setattr(thread_choice, "available_cpus", lambda: 2)
    monkeypatch.setattr(thread_choice, "MIN_CORES", 0.0)


def _train(monkeypatch, threads, engine, sizes, activations, loss, dtype, X, Y, batch):
    monkeypatch.setattr(compiled, "THREADS", threads)
    net = Network(sizes, activations, loss=loss, seed=3, dtype=dtype)
    net.layers[0].train_biases = False
    history = net.fit(X, Y, epochs=3, batch_size=batch, learning_rate=0.05, seed=9, weight_decay=0.3,
                      schedule="cosine", engine=engine)
    return net, history


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sizes, activations, loss", CASES)
@pytest.mark.parametrize("batch", [1, 7, 64])
def test_two_threads_train_as_one(rng, monkeypatch, dtype, sizes, activations, loss, batch):
    """203 samples: a short last batch at 7 and 64; weight decay, a schedule, frozen first-layer biases."""
    X, Y = random_data(rng, 203, sizes, loss)
    net = Network(sizes, activations, loss=loss, dtype=dtype)
    monkeypatch.setattr(compiled, "THREADS", 2)
    assert compiled.threads_for(net, X.astype(dtype), batch) == 2           # the two-thread epoch is what runs
    two, h2 = _train(monkeypatch, 2, "compiled", sizes, activations, loss, dtype, X, Y, batch)
    one, h1 = _train(monkeypatch, 1, "compiled", sizes, activations, loss, dtype, X, Y, batch)
    ref, h0 = _train(monkeypatch, 1, "numpy", sizes, activations, loss, dtype, X, Y, batch)
    for a, b, c in zip(two.parameters(), one.parameters(), ref.parameters()):
        if dtype == np.float64 and batch <= compiled.SMALL_ROWS:
            np.testing.assert_array_equal(a, b)     # the same sums, only split between threads
        else:       # one thread's forward is a GEMM above SMALL_ROWS; float32 GEMMs on fewer rows round differently
            np.testing.assert_allclose(a, b, **TOL[dtype])
        np.testing.assert_allclose(a, c, **TOL[dtype])
    np.testing.assert_allclose(h2["loss"], h0["loss"], **TOL[dtype])
    assert h2.engine == "compiled" and "on 2 threads" in h2.engine_note and "on 2 threads" not in (h1.engine_note or "")
    if "accuracy" in h0.epochs[0]:
        assert h2["accuracy"] == pytest.approx(h0["accuracy"], abs=1 / 203 + 1e-12)


@pytest.mark.parametrize("change, threads", [
    (lambda: {}, 2),
    (lambda: {"THREADS": 1}, 1),                                    # one core
    (lambda: {"batch": 256}, 2),
    (lambda: {"batch": 257}, 1),                                    # more rows than THREADS_MAX_ROWS
    (lambda: {"sizes": [40, 65, 5]}, 1),                            # more units than the forward loops take
    (lambda: {"sizes": [40, 6, 5]}, 1),                             # too few units to split
    (lambda: {"sizes": [40, 10]}, 1),                               # one layer: nothing to split around
    (lambda: {"sizes": [40, 30, 4000, 10]}, 1),                     # a later product big enough for OpenBLAS threads
])
def test_when_two_threads_are_used(monkeypatch, change, threads):
    options = {"THREADS": 2, "batch": 10, "sizes": [40, 30, 10], **change()}
    monkeypatch.setattr(compiled, "THREADS", options["THREADS"])
    net = Network(options["sizes"], seed=0, dtype=np.float32)
    assert compiled.threads_for(net, np.zeros((300, 40), np.float32), options["batch"]) == threads
    assert compiled.threads_for(net, np.zeros((300, 40), np.float64), options["batch"]) == 1     # not the net's dtype


def test_openblas_threads_come_back(rng, monkeypatch):
    """The two-thread epoch holds OpenBLAS to one thread while it runs, and gives the count back after."""
    from deltaprop.fast import blas_gemm as blas
    assert blas._THREADS is not None                                # NumPy's wheels bundle it (make test)
    monkeypatch.setattr(compiled, "THREADS", 2)
    before = blas._THREADS[0]()
    seen = []
    net = Network([40, 16, 3], seed=0)
    net.fit(rng.normal(size=(50, 40)), rng.integers(0, 3, 50), epochs=1, batch_size=10, engine="compiled",
            callback=lambda epoch, record: seen.append(blas._THREADS[0]()))
    assert blas._THREADS[0]() == before and seen == [before]      # the callback runs between epochs


def test_one_blas_thread_means_one_thread(monkeypatch):
    """A user who limits OpenBLAS to one thread gets a one-thread epoch too."""
    from deltaprop.fast import blas_gemm as blas
    monkeypatch.setattr(compiled, "THREADS", 2)
    net, X = Network([40, 30, 10], seed=0, dtype=np.float32), np.zeros((300, 40), np.float32)
    monkeypatch.setattr(blas, "threads", lambda: 2)
    assert compiled.threads_for(net, X, 10) == 2
    monkeypatch.setattr(blas, "threads", lambda: 1)
    assert compiled.threads_for(net, X, 10) == 1


def test_a_thread_that_fails_stops_the_other(rng):
    """If one part cannot run, the other stops waiting (no hang): part 0 alone, with the abort flag already set,
    returns at once instead of waiting for a batch that part 1 would have gathered."""
    from deltaprop.fast import compiled_threads
    net = Network([8, 8, 3], seed=0)
    X, Y = rng.normal(size=(20, 8)), np.eye(3)[rng.integers(0, 3, 20)]
    flags = np.zeros(compiled_threads.FLAGS, np.int64)
    flags[compiled_threads.ABORT] = 1
    e = compiled.epoch_struct(net, X, Y, None, np.arange(20), 5, SGD(0.1), two_threads=True)
    args = (4, flags, e)
    done = []
    worker = threading.Thread(target=lambda: done.append(compiled_threads.epoch_part(0, *args)), daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert done == [(0.0, 0)]
