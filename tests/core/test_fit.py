import numpy as np
import pytest

from deltaprop import Network
from deltaprop.data import make_dataset
from deltaprop.core import engines
from deltaprop.core.training import DivergenceError, TrainingState, fit


def _net(dropout=0.2, seed=0):
    return Network([2, 16, 16, 3], ["relu", "tanh", "softmax"], loss="cross-entropy", seed=seed, dropout=dropout)


@pytest.fixture(scope="module")
def blobs():
    X, y = make_dataset("blobs", 240, seed=1)
    return X[:180], y[:180], X[180:], y[180:]


def _copy_state(state):
    return TrainingState(state.epoch, dict(state.rng_state), {**state.optimizer,
                         "state": {i: {k: v.copy() for k, v in s.items()} for i, s in state.optimizer["state"].items()}},
                         [dict(r) for r in state.history], state.base_learning_rate, state.best_loss,
                         state.best_epoch, [p.copy() for p in state.best_parameters])


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adam"])
def test_resume_is_bit_identical(blobs, optimizer):
    X, y, Xv, yv = blobs
    options = dict(seed=7, validation_data=(Xv, yv), weight_decay=0.5, schedule="cosine", early_stopping=50)
    full = _net()
    history = fit(full, X, y, 6, 16, optimizer, 0.02, **options)

    saved = {}
    partial = _net()
    fit(partial, X, y, 6, 16, optimizer, 0.02,
        checkpoint=lambda s: saved.update({s.epoch: (_copy_state(s), [p.copy() for p in partial.weights + partial.biases])}),
        **options)
    state, params = saved[3]
    resumed = _net(seed=99)             # different start: everything comes from the checkpoint
    for target, value in zip(resumed.weights + resumed.biases, params):
        target[...] = value
    resumed_history = fit(resumed, X, y, 6, 16, optimizer, 0.02, resume=state, **options)
    for a, b in zip(full.weights + full.biases, resumed.weights + resumed.biases):
        np.testing.assert_array_equal(a, b)
    assert resumed_history.epochs == history.epochs


def test_weight_decay_shrinks_weights(blobs):
    X, y, _, _ = blobs
    norms = []
    for decay in (0.0, 50.0):
        net = _net(dropout=None)
        fit(net, X, y, 5, 16, "sgd", 0.05, seed=0, weight_decay=decay)
        norms.append(sum(float(np.sum(w * w)) for w in net.weights))
    assert norms[1] < 0.8 * norms[0]


def test_early_stopping_restores_the_best_epoch(blobs):
    X, y, Xv, yv = blobs
    net = _net(dropout=None)
    seen = {}
    history = fit(net, X, y, 200, 8, "sgd", 2.0, seed=0, validation_data=(Xv, yv), early_stopping=2,
                  checkpoint=lambda s: seen.update({s.epoch: [w.copy() for w in net.weights]}))
    assert history.stopped_epoch is not None and history.stopped_epoch < 200
    assert history.stopped_epoch - history.best_epoch == 2
    best = min(history.epochs, key=lambda r: r["val_loss"])["epoch"]
    assert history.best_epoch == best
    for w, saved in zip(net.weights, seen[best]):
        np.testing.assert_array_equal(w, saved)
    with pytest.raises(ValueError, match="validation data"):
        fit(net, X, y, 2, 8, early_stopping=2)


def test_schedule_sets_each_epochs_rate(blobs):
    X, y, _, _ = blobs
    history = fit(_net(dropout=None), X, y, 4, 32, "sgd", 0.8, schedule="step:2:0.5", seed=0)
    assert history["learning_rate"] == [0.8, 0.8, 0.4, 0.4]


def test_progress_hook_runs_per_chunk_of_batches(blobs, monkeypatch):
    X, y, _, _ = blobs                  # 180 samples of 2 float64 features: 16 bytes a row
    calls = []
    fit(_net(dropout=None), X, y, 2, 50, progress=lambda *a: calls.append(a), seed=0, engine="numpy")
    assert [c[:3] for c in calls] == [(1, 180, 180), (2, 180, 180)]     # all 180 rows fit one 1 MB chunk
    monkeypatch.setattr(engines, "CHUNK_BYTES", 100 * 16)              # chunks of 2 batches of 50
    calls.clear()
    fit(_net(dropout=None), X, y, 2, 50, progress=lambda *a: calls.append(a), seed=0, engine="numpy")
    assert [c[:3] for c in calls] == [(1, 100, 180), (1, 180, 180), (2, 100, 180), (2, 180, 180)]
    assert all(c[3] > 0 and 0 <= c[4] <= c[1] for c in calls)


@pytest.mark.parametrize("chunk_bytes", [1, 16 * 16, 1 << 20])
def test_chunk_size_does_not_change_the_run(blobs, monkeypatch, chunk_bytes):
    """Chunks are whole batches, so the batches, the weights and the books are the same for any chunk size."""
    X, y, _, _ = blobs
    reference = _net(dropout=None)
    ref_history = fit(reference, X, y, 2, 16, "sgd", 0.5, seed=3)      # 180 = 11 × 16 + 4
    monkeypatch.setattr(engines, "CHUNK_BYTES", chunk_bytes)
    net = _net(dropout=None)
    history = fit(net, X, y, 2, 16, "sgd", 0.5, seed=3)
    for a, b in zip(net.weights + net.biases, reference.weights + reference.biases):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(history["loss"], ref_history["loss"], rtol=1e-12)
    assert history["accuracy"] == ref_history["accuracy"]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_keeps_last_finite_weights():
    X, y = make_dataset("regression", 64, seed=0)
    net = Network([2, 32, 1], ["relu", "linear"], loss="quadratic", seed=0)
    with pytest.raises(DivergenceError, match="smaller learning rate"):
        fit(net, X * 100, y * 1e3, 50, 8, "sgd", 10.0, seed=0)
    assert all(np.isfinite(p).all() for p in net.weights + net.biases)
