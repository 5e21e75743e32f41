"""No first-use penalty: with an empty numba cache, the first ``fit`` is at most 1 s slower than the NumPy path on
the same run (the kernel compiles in a helper process meanwhile), and the next process starts on the compiled
epoch; ``engine="compiled"`` compiles in the foreground and says how long it took; ``deltaprop warmup`` fills the
cache ahead of time."""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.core.engines import NumpyEngine
from deltaprop.fast import compiled_epoch as compiled
from deltaprop.fast import compiled_warmup

import numba  # noqa: F401  (a test dependency: the [fast] extra is in [test])

FIRST_USE_LIMIT_S = 1.0         # issue 27: no more than 1 s slower than the NumPy path

PROBE = """
import json, sys, time
import numpy as np
from deltaprop import Network
from deltaprop.core.engines import NumpyEngine
from deltaprop.fast import thread_choice
# as on a quiet machine: this test is about compiling; the fall-back to one thread under load is test_thread_choice's
thread_choice.MIN_CORES = 0.0
rng = np.random.default_rng(0)
X = rng.random((10000, 784), dtype=np.float32)
y = rng.integers(0, 10, 10000)

def run(engine):
    net = Network([784, 30, 10], ["sigmoid", "sigmoid"], loss="quadratic", seed=0, dtype=np.float32)
    start = time.perf_counter()
    history = net.fit(X, y, epochs=3, batch_size=10, learning_rate=3.0, seed=1, engine=engine)
    return time.perf_counter() - start, history

times, histories = {"numpy": [], "auto": [], "compiled": []}, {}
for engine in sys.argv[1].split(","):
    seconds, histories[engine] = run(engine)
    times[engine].append(seconds)
compiled = histories.get("auto") or histories.get("compiled")
print(json.dumps({"times": times, "engine": compiled.engine, "note": compiled.engine_note,
                  "compile_seconds": compiled.compile_seconds}))
"""


def _probe(cache, engines):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    out = subprocess.run([sys.executable, "-c", PROBE, engines], check=True, capture_output=True, text=True,
                         timeout=600, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cached(cache):
    """numba's index of the two-thread epoch exists under ``cache`` (numba keeps one folder per source folder)."""
    return any(cache.rglob("compiled_threads.epoch_part-*.nbi"))


def test_first_fit_after_a_fresh_install_is_no_slower_than_numpy():
    """The [784, 30, 10] run of issue 27 (3 epochs at batch 10, here 10,000 samples): NumPy, then the first
    ``engine="auto"`` fit with an empty cache, then NumPy again, in one process; the first fit must not take more
    than 1 s longer than the NumPy path, taken as the mean of the NumPy runs just before and just after it (on a
    shared host the load drifts between runs; the two sides bracket it).  Then a new process finds the kernel that
    the helper process compiled in the disk cache (it loads it, compiling nothing)."""
    # a folder of its own, not pytest's tmp_path: pytest sessions sharing a host prune each other's old folders
    with tempfile.TemporaryDirectory(prefix="deltaprop-first-use-") as folder:
        _first_use(Path(folder) / "numba-cache")


def _first_use(cache):
    first = _probe(cache, "numpy,auto,numpy")
    numpy_s, auto_s = sum(first["times"]["numpy"]) / 2, first["times"]["auto"][0]     # NumPy runs on both sides
    assert auto_s - numpy_s <= FIRST_USE_LIMIT_S, first
    assert first["engine"] == "numpy" and "helper process" in first["note"], first
    deadline = time.monotonic() + 600
    while not _cached(cache) and time.monotonic() < deadline:      # the helper process goes on after the run
        time.sleep(1)
    assert _cached(cache), f"the helper process did not fill numba's cache (first run: {first})"
    time.sleep(2)
    second = _probe(cache, "compiled")                                 # compiles nothing: the helper did
    assert second["engine"] == "compiled" and "loaded from the disk cache" in second["note"], second


def test_engine_compiled_compiles_in_the_foreground_and_says_so(rng):
    net = Network([5, 4, 3], seed=0)
    X, y = rng.normal(size=(30, 5)), rng.integers(0, 3, 30)
    history = net.fit(X, y, epochs=2, batch_size=7, engine="compiled")
    assert history.engine == "compiled" and history.compile_seconds is not None and history.compile_seconds >= 0
    assert "kernel" in history.engine_note and ("compiled" in history.engine_note or "loaded" in history.engine_note)


def test_auto_switches_to_the_compiled_epoch_when_the_kernel_is_ready(rng, monkeypatch):
    """Epochs before the kernel is ready run on the NumPy path, later ones compiled; the result equals a NumPy-only
    run (the same permutations, the same steps)."""
    net = Network([5, 4, 3], ["tanh", "softmax"], loss="cross-entropy", seed=0)
    twin = net.copy()
    X, y = rng.normal(size=(40, 5)), rng.integers(0, 3, 40)
    compiled_warmup.prepare(net, X, np.eye(3)[y], 8, wait=True)             # the kernel exists in this process
    calls = []

    def ready_from_epoch_3(self):
        calls.append(1)
        return len(calls) >= 3
    monkeypatch.setattr(compiled_warmup.Preparation, "ready", ready_from_epoch_3)
    mixed = net.fit(X, y, epochs=5, batch_size=8, learning_rate=0.1, seed=4)
    plain = twin.fit(X, y, epochs=5, batch_size=8, learning_rate=0.1, seed=4, engine="numpy")
    assert mixed.engine == "compiled" and "epochs 1 to 2 ran on the NumPy path" in mixed.engine_note
    for a, b in zip(net.parameters(), twin.parameters()):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(mixed["loss"], plain["loss"], rtol=1e-12)


@pytest.mark.parametrize("sizes, threads", [([300, 6, 3], 1), ([300, 16, 3], 2)])
def test_auto_switches_mid_epoch_as_soon_as_the_kernel_is_ready(rng, monkeypatch, sizes, threads):
    """The NumPy path asks between chunks of batches whether the kernel is ready, and the compiled epoch takes the
    epoch's remaining rows from there (one thread and two): the same steps as a NumPy-only run, the same step
    count, the epoch's books over all its rows, and a note saying how many samples ran on NumPy."""
    from deltaprop.fast import thread_choice
    monkeypatch.setattr(thread_choice, "MIN_CORES", 0.0)            # two threads even on a busy test machine
    net = Network(sizes, ["tanh", "softmax"], loss="cross-entropy", seed=0)
    twin = net.copy()
    X, y = rng.normal(size=(3000, sizes[0])), rng.integers(0, 3, 3000)
    compiled_warmup.prepare(net, X, np.eye(3)[y], 10, wait=True, threads=threads)
    assert compiled.threads_for(net, X, 10) == threads or threads == 2 and compiled.THREADS < 2
    chunk = NumpyEngine(net, X, np.eye(3)[y], 10, None, None).x_buf.shape[0]       # rows between two questions
    assert chunk < 3000 // 3, chunk
    calls = []

    def ready_at_the_third_question(self):
        calls.append(1)
        return len(calls) >= 3           # asked at epoch 1's start and after its 1st chunk: no; after the 2nd: yes
    monkeypatch.setattr(compiled_warmup.Preparation, "ready", ready_at_the_third_question)
    progress = []
    mixed = net.fit(X, y, epochs=2, batch_size=10, learning_rate=0.05, seed=4, progress=lambda *a: progress.append(a))
    plain = twin.fit(X, y, epochs=2, batch_size=10, learning_rate=0.05, seed=4, engine="numpy")
    assert mixed.engine == "compiled", mixed.engine_note
    assert f"the first {2 * chunk:,} samples of epoch 1 ran on the NumPy path meanwhile" in mixed.engine_note
    for a, b in zip(net.parameters(), twin.parameters()):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(mixed["loss"], plain["loss"], rtol=1e-12)
    np.testing.assert_allclose(mixed["accuracy"], plain["accuracy"], rtol=0, atol=0)
    epoch_1 = [p for p in progress if p[0] == 1]
    assert [p[1] for p in epoch_1] == [chunk, 2 * chunk, 3000]         # two NumPy chunks, then the compiled rest


def test_warmup_command_fills_the_cache(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    run = lambda: subprocess.run([sys.executable, "-m", "deltaprop", "warmup", "--dtype", "float64", "--layers", "2"],
                                 capture_output=True, text=True, timeout=900, env=env)   # noqa: E731
    first = run()
    assert first.returncode == 0, first.stderr
    assert "float64, 2 weight layers, 1 thread(s): compiled" in first.stdout
    second = run()
    assert "float64, 2 weight layers, 1 thread(s): already in the disk cache" in second.stdout
    assert "compiled (" not in second.stdout


def test_warmup_without_numba_says_nothing_to_do(monkeypatch, capsys):
    from deltaprop.cli import main
    monkeypatch.setattr(compiled, "_numba", lambda: False)
    assert main(["warmup"]) == 0
    assert "numba is not installed" in capsys.readouterr().out


def test_a_kernel_that_cannot_be_made_ready_leaves_the_run_on_numpy(rng, monkeypatch):
    def broken(key):
        raise RuntimeError("no compiler here")
    monkeypatch.setattr(compiled_warmup, "_load_cached", broken)
    monkeypatch.setattr(compiled_warmup, "_index_on_disk", lambda key: True)
    monkeypatch.setattr(compiled_warmup, "_PREPARED", {})
    net = Network([5, 4, 3], seed=0)
    history = net.fit(rng.normal(size=(20, 5)), rng.integers(0, 3, 20), epochs=2, batch_size=5)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not compiled_warmup._PREPARED[next(iter(compiled_warmup._PREPARED))].failed():
        time.sleep(0.05)
    history = net.fit(rng.normal(size=(20, 5)), rng.integers(0, 3, 20), epochs=1, batch_size=5)
    assert history.engine == "numpy" and "no compiler here" in history.engine_note
    with pytest.raises(RuntimeError, match="no compiler here"):
        net.fit(rng.normal(size=(20, 5)), rng.integers(0, 3, 20), epochs=1, batch_size=5, engine="compiled")
