"""fit(): learning, reproducibility, batching, validation, divergence."""

import numpy as np
import pytest

from deltaprop import SGD, DivergenceError, Network
from deltaprop.data import make_dataset


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


def test_one_epoch_is_the_sequence_of_batch_steps_including_a_short_last_batch(rng):
    X, Y = rng.standard_normal((23, 3)), rng.uniform(0, 1, (23, 2))
    a = Network([3, 4, 2], ["sigmoid", "sigmoid"], seed=5)
    b = a.copy()
    a.fit(X, Y, epochs=1, batch_size=10, learning_rate=0.7, seed=9)
    order = np.random.default_rng(9).permutation(23)
    opt = SGD(0.7)
    for start in range(0, 23, 10):
        idx = order[start:start + 10]                  # batches of 10, 10, 3
        b.train_step(X[idx], Y[idx], opt)
    for wa, wb in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_allclose(wa, wb, rtol=1e-13)


def test_without_shuffle_batches_are_in_order(rng):
    X, Y = rng.standard_normal((8, 2)), rng.uniform(0, 1, (8, 1))
    a = Network([2, 1], ["sigmoid"], seed=0)
    b = a.copy()
    a.fit(X, Y, 1, 4, learning_rate=1.0, shuffle=False)
    opt = SGD(1.0)
    b.train_step(X[:4], Y[:4], opt)
    b.train_step(X[4:], Y[4:], opt)
    np.testing.assert_allclose(a.weights[0], b.weights[0], rtol=1e-14)


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
