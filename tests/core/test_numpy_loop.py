"""The NumPy loop of ``fit`` (``engine="numpy"``, :class:`deltaprop.core.engines.NumpyEngine`), pinned: every test
here asks for it by name, so none runs the compiled epoch when numba is installed (that one is tested equal to this
loop in tests/fast)."""

import numpy as np
import pytest

from deltaprop import SGD, Network
from deltaprop.core import batch_step, engines
from deltaprop.core.training import fit
from tests.core.fit_cases import small_net


def test_numpy_loop_one_epoch_is_the_sequence_of_batch_steps_including_a_short_last_batch(rng):
    X, Y = rng.standard_normal((23, 3)), rng.uniform(0, 1, (23, 2))
    a = Network([3, 4, 2], ["sigmoid", "sigmoid"], seed=5)
    b = a.copy()
    history = a.fit(X, Y, epochs=1, batch_size=10, learning_rate=0.7, seed=9, engine="numpy")
    assert history.engine == "numpy"
    order = np.random.default_rng(9).permutation(23)
    opt = SGD(0.7)
    for start in range(0, 23, 10):
        idx = order[start:start + 10]                  # batches of 10, 10, 3
        b.train_step(X[idx], Y[idx], opt)
    for wa, wb in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_allclose(wa, wb, rtol=1e-13)


def test_numpy_loop_without_shuffle_takes_the_batches_in_order(rng):
    X, Y = rng.standard_normal((8, 2)), rng.uniform(0, 1, (8, 1))
    a = Network([2, 1], ["sigmoid"], seed=0)
    b = a.copy()
    a.fit(X, Y, 1, 4, learning_rate=1.0, shuffle=False, engine="numpy")
    opt = SGD(1.0)
    b.train_step(X[:4], Y[:4], opt)
    b.train_step(X[4:], Y[4:], opt)
    np.testing.assert_allclose(a.weights[0], b.weights[0], rtol=1e-14)


def test_numpy_loop_calls_the_progress_hook_per_chunk_of_batches(blobs, monkeypatch):
    X, y, _, _ = blobs                  # 180 samples of 2 float64 features: 16 bytes a row
    calls = []
    fit(small_net(dropout=None), X, y, 2, 50, progress=lambda *a: calls.append(a), seed=0, engine="numpy")
    assert [c[:3] for c in calls] == [(1, 180, 180), (2, 180, 180)]     # all 180 rows fit one 1 MB chunk
    monkeypatch.setattr(engines, "CHUNK_BYTES", 100 * 16)              # chunks of 2 batches of 50
    calls.clear()
    fit(small_net(dropout=None), X, y, 2, 50, progress=lambda *a: calls.append(a), seed=0, engine="numpy")
    assert [c[:3] for c in calls] == [(1, 100, 180), (1, 180, 180), (2, 100, 180), (2, 180, 180)]
    assert all(c[3] > 0 and 0 <= c[4] <= c[1] for c in calls)


@pytest.mark.parametrize("chunk_bytes", [1, 16 * 16, 1 << 20])
def test_numpy_loop_chunk_size_does_not_change_the_run(blobs, monkeypatch, chunk_bytes):
    """Chunks are whole batches, so the batches, the weights and the books are the same for any chunk size."""
    X, y, _, _ = blobs
    reference = small_net(dropout=None)
    ref_history = fit(reference, X, y, 2, 16, "sgd", 0.5, seed=3, engine="numpy")      # 180 = 11 × 16 + 4
    monkeypatch.setattr(engines, "CHUNK_BYTES", chunk_bytes)
    net = small_net(dropout=None)
    history = fit(net, X, y, 2, 16, "sgd", 0.5, seed=3, engine="numpy")
    for a, b in zip(net.weights + net.biases, reference.weights + reference.biases):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(history["loss"], ref_history["loss"], rtol=1e-12)
    assert history["accuracy"] == ref_history["accuracy"]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum"])
def test_numpy_loop_is_complete_without_the_fast_path(blobs, monkeypatch, optimizer):
    """The core does not import deltaprop.fast: unplugged (no fused SGD pass, no compiled engine), the NumPy loop
    trains the same run, and engine="auto" says why it fell back."""
    X, y, _, _ = blobs
    plugged = small_net(dropout=None)
    expected = fit(plugged, X, y, 2, 16, optimizer, 0.3, seed=4, engine="numpy")
    monkeypatch.setattr(batch_step, "_fused_sgd", None)
    monkeypatch.setattr(engines, "ENGINES", {"numpy": engines.NumpyEngine})
    alone = small_net(dropout=None)
    history = fit(alone, X, y, 2, 16, optimizer, 0.3, seed=4)
    assert history.engine == "numpy" and "no fast engine" in history.engine_note
    for a, b in zip(alone.parameters(), plugged.parameters()):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(history["loss"], expected["loss"], rtol=1e-12)
