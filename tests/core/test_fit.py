"""fit(): learning, reproducibility, resume, early stopping, schedules, validation, hooks, divergence, errors —
in one place (the NumPy loop itself: test_numpy_loop.py)."""

import numpy as np
import pytest

from deltaprop import SGD, Adam, Network
from deltaprop.data import make_dataset
from tests.core.fit_cases import small_net
from deltaprop.core.training import DivergenceError, TrainingState, fit


def _copy_state(state):
    return TrainingState(state.epoch, dict(state.rng_state), {**state.optimizer,
                         "state": {i: {k: v.copy() for k, v in s.items()} for i, s in state.optimizer["state"].items()}},
                         [dict(r) for r in state.history], state.base_learning_rate, state.best_loss,
                         state.best_epoch, [p.copy() for p in state.best_parameters])


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adam"])
def test_resume_is_bit_identical(blobs, optimizer):
    X, y, Xv, yv = blobs
    options = dict(seed=7, validation_data=(Xv, yv), weight_decay=0.5, schedule="cosine", early_stopping=50)
    full = small_net()
    history = fit(full, X, y, 6, 16, optimizer, 0.02, **options)

    saved = {}
    partial = small_net()
    fit(partial, X, y, 6, 16, optimizer, 0.02,
        checkpoint=lambda s: saved.update({s.epoch: (_copy_state(s), [p.copy() for p in partial.weights + partial.biases])}),
        **options)
    state, params = saved[3]
    resumed = small_net(seed=99)             # different start: everything comes from the checkpoint
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
        net = small_net(dropout=None)
        fit(net, X, y, 5, 16, "sgd", 0.05, seed=0, weight_decay=decay)
        norms.append(sum(float(np.sum(w * w)) for w in net.weights))
    assert norms[1] < 0.8 * norms[0]


def test_early_stopping_restores_the_best_epoch(blobs):
    X, y, Xv, yv = blobs
    net = small_net(dropout=None)
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
    history = fit(small_net(dropout=None), X, y, 4, 32, "sgd", 0.8, schedule="step:2:0.5", seed=0)
    assert history["learning_rate"] == [0.8, 0.8, 0.4, 0.4]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_keeps_last_finite_weights():
    X, y = make_dataset("regression", 64, seed=0)
    net = Network([2, 32, 1], ["relu", "linear"], loss="quadratic", seed=0)
    with pytest.raises(DivergenceError, match="smaller learning rate"):
        fit(net, X * 100, y * 1e3, 50, 8, "sgd", 10.0, seed=0)
    assert all(np.isfinite(p).all() for p in net.weights + net.biases)


def test_learns_circles():
    X, y = make_dataset("circles", 400, noise=0.02, seed=0)
    net = Network([2, 16, 2], ["tanh", "softmax"], loss="cross-entropy", seed=0)
    history = net.fit(X, y, epochs=60, batch_size=16, learning_rate=0.5, seed=0)
    assert history["loss"][-1] < history["loss"][0] / 3
    assert net.evaluate(X, y)["accuracy"] >= 0.95
    assert history["accuracy"][-1] >= 0.9


def test_same_seed_same_run_different_seed_different():
    X, y = make_dataset("moons", 200, seed=1)
    runs = []
    for seed in (3, 3, 4):
        net = Network([2, 8, 2], ["relu", "softmax"], loss="cross-entropy", seed=0)
        net.fit(X, y, 3, 10, learning_rate=0.1, seed=seed)
        runs.append(net.weights[0].copy())
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_validation_data_and_callback():
    X, y = make_dataset("blobs", 150, seed=0)
    net = Network([2, 3], ["softmax"], loss="cross-entropy", seed=0)
    seen = []
    history = net.fit(X, y, 4, 32, learning_rate=0.5, validation_data=(X[:50], y[:50]),
                      callback=lambda epoch, record: seen.append(epoch))
    assert seen == [1, 2, 3, 4]
    assert len(history) == 4 and len(history["val_loss"]) == 4 and "val_accuracy" in history.last()


@pytest.mark.parametrize("kwargs, message", [
    (dict(epochs=0, batch_size=4), "epochs must be a positive integer"),
    (dict(epochs=1, batch_size=0), "batch_size must be a positive integer"),
    (dict(epochs=1, batch_size=4, learning_rate=-0.1), "learning_rate must be a positive finite number"),
    (dict(epochs=1, batch_size=4, learning_rate=0.0), "learning_rate must be a positive finite number"),
    (dict(epochs=1, batch_size=4, optimizer="lbfgs"), "unknown optimizer 'lbfgs'; valid: sgd"),
    (dict(epochs=1.5, batch_size=4), "epochs must be a positive integer"),
])
def test_bad_hyper_parameters(kwargs, message, rng):
    net = Network([2, 1], seed=0)
    with pytest.raises((ValueError, TypeError), match=message):
        net.fit(rng.standard_normal((8, 2)), rng.uniform(0, 1, 8), **kwargs)


@pytest.mark.parametrize("engine, where", [("numpy", "at epoch .*, batch"), ("auto", "epoch")])
def test_divergence_stops_with_clear_error_and_keeps_finite_weights(rng, engine, where):
    """The NumPy loop names the batch; the compiled epoch (engine auto, when numba is there) the epoch."""
    X = rng.standard_normal((64, 2)) * 10
    Y = rng.standard_normal((64, 1)) * 10
    net = Network([2, 32, 1], ["relu", "linear"], seed=0)
    with pytest.raises(DivergenceError, match=f"diverged .*{where}.* try a smaller "
                                              f"learning rate"):
        with np.errstate(over="ignore", invalid="ignore"):
            net.fit(X, Y, epochs=50, batch_size=8, learning_rate=5.0, seed=0, engine=engine)
    assert all(np.isfinite(p).all() for p in net.weights + net.biases)


@pytest.mark.parametrize("make", [lambda: SGD(0.3, weight_decay=0.01), lambda: Adam(0.01)])
def test_fit_leaves_the_callers_weight_decay_as_it_was(blobs, make):
    """fit gives the optimiser λ/n for the run (Nielsen's form) and hands it back with its own value."""
    X, y, _, _ = blobs
    optimizer = make()
    own = optimizer.weight_decay
    seen = []
    fit(small_net(dropout=None), X, y, 2, 32, optimizer, weight_decay=0.9, seed=0,
        callback=lambda epoch, record: seen.append(optimizer.weight_decay))
    assert seen == [pytest.approx(0.9 / len(X))] * 2 and optimizer.weight_decay == own
    with pytest.raises(ValueError, match="1 − ηλ/n"):
        fit(small_net(dropout=None), X, y, 1, 32, SGD(3.0), weight_decay=len(X))       # ηλ/n = 3: refused
    assert Adam.decay_scales_weights is False                                       # no factor 1 − ηλ/n in Adam
    fit(small_net(dropout=None), X, y, 1, 32, Adam(3.0), weight_decay=len(X), seed=0)  # so Adam is not refused


def test_the_old_engine_name_warns_and_runs_the_compiled_engine(blobs):
    X, y, _, _ = blobs
    with pytest.warns(DeprecationWarning, match="engine='fused' is deprecated.*engine='compiled'"):  # relayout: keep
        history = fit(small_net(dropout=None), X, y, 1, 32, seed=0, engine="fused")  # relayout: keep (the deprecated name, on purpose)
    assert history.engine == "compiled"
    with pytest.raises(ValueError, match="unknown engine 'jit'; valid: auto, numpy, compiled"):
        fit(small_net(dropout=None), X, y, 1, 32, engine="jit")


def test_fit_leaves_the_callers_optimiser_schedule_and_learning_rate_as_they_were(rng):
    """A run's schedule is the run's: afterwards the caller's optimiser has its own η and schedule back, so the
    next run's cosine starts again from η0 (not from the last, decayed η)."""
    from deltaprop.core.optimizers import SGD
    X, y = rng.normal(size=(40, 3)), rng.integers(0, 2, 40)
    opt = SGD(0.5)
    first = Network([3, 4, 2], seed=0).fit(X, y, epochs=4, batch_size=8, optimizer=opt, schedule="cosine", seed=1)
    assert opt.learning_rate == 0.5 and opt.schedule is None
    second = Network([3, 4, 2], seed=0).fit(X, y, epochs=4, batch_size=8, optimizer=opt, schedule="cosine", seed=1)
    assert [r["learning_rate"] for r in second.epochs] == [r["learning_rate"] for r in first.epochs]
    assert first.epochs[0]["learning_rate"] == 0.5 and first.epochs[-1]["learning_rate"] < 0.5
