"""The compiled epoch takes its rules from one place (deltaprop.fast.compiled_rules) and trains every combination it
accepts exactly as the NumPy path does: every hidden activation × output × loss, float32 and float64, one and two
threads.  An activation or loss code the kernels do not implement raises instead of computing something."""

import itertools

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.fast import compiled_epoch as compiled
from deltaprop.fast import compiled_rules
from deltaprop.core.activations import ACTIVATIONS, Activation
from deltaprop.core.losses import LOSSES, probability_bounds
from deltaprop.core.optimizers import SGD

import numba  # noqa: F401  (a test dependency: the [fast] extra is in [test])

TOL = {np.float64: dict(rtol=1e-12, atol=1e-14), np.float32: dict(rtol=2e-4, atol=2e-6)}


def accepted_combinations():
    """Every (hidden activation, output activation, loss) of the registries that ``compiled.unsupported`` accepts."""
    found = []
    for hidden, output, loss in itertools.product(ACTIVATIONS, ACTIVATIONS, LOSSES):
        try:
            net = Network([10, 8, 6, 3], [hidden, hidden, output], loss=loss, seed=0)
        except ValueError:                                  # a pairing the loss refuses when the network is built
            continue
        if compiled.unsupported(net, SGD(0.1), False) is None:
            found.append((hidden, output, loss))
    return found


COMBINATIONS = accepted_combinations()


def test_every_kernel_activation_and_loss_is_reachable():
    """The product above is not empty by accident: 5 element-wise hidden activations × (5 outputs with the
    quadratic cost + sigmoid/BCE + softmax/CE)."""
    assert len(COMBINATIONS) == 5 * 7
    assert {h for h, _, _ in COMBINATIONS} == set(compiled_rules.KERNEL_ACTIVATIONS) - {"softmax"}
    assert {(o, l) for _, o, l in COMBINATIONS} >= {("sigmoid", "binary-cross-entropy"), ("softmax", "cross-entropy")}


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_every_accepted_combination_equals_the_numpy_path(rng, monkeypatch, dtype, threads):
    """3 epochs, batches of 16 (a short last one), weight decay, a cosine schedule, frozen first-layer biases;
    weights, losses and accuracies compared after every combination."""
    from deltaprop.fast import blas_gemm as blas
    from deltaprop.fast import thread_choice
    monkeypatch.setattr(compiled, "THREADS", threads)
    monkeypatch.setattr(blas, "threads", lambda: 2)
    for reading, quiet in (("available_cpus", lambda: 2), ("MIN_CORES", 0.0)):
        monkeypatch.setattr(thread_choice, reading, quiet)      # two threads run even on a loaded test machine
    X = rng.normal(size=(50, 10))
    Y = np.eye(3)[rng.integers(0, 3, 50)]
    options = dict(epochs=3, batch_size=16, learning_rate=0.05, seed=9, weight_decay=0.3, schedule="cosine")
    for hidden, output, loss in COMBINATIONS:
        net = Network([10, 8, 6, 3], [hidden, hidden, output], loss=loss, seed=3, dtype=dtype)
        net.layers[0].train_biases = False
        assert compiled.threads_for(net, X.astype(dtype), 16) == threads
        twin = net.copy()
        fast = net.fit(X, Y, engine="compiled", **options)
        plain = twin.fit(X, Y, engine="numpy", **options)
        case = f"{hidden} → {output} + {loss}, {np.dtype(dtype)}, {threads} thread(s)"
        assert fast.engine == "compiled", case
        for a, b in zip(net.parameters(), twin.parameters()):
            np.testing.assert_allclose(a, b, **TOL[dtype], err_msg=case)
        np.testing.assert_allclose(fast["loss"], plain["loss"], **TOL[dtype], err_msg=case)
        assert fast["accuracy"] == pytest.approx(plain["accuracy"], abs=1 / 50 + 1e-12), case


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("output, loss", [("softmax", "cross-entropy"), ("sigmoid", "binary-cross-entropy")])
def test_saturated_outputs_are_clipped_as_the_losses_clip_them(rng, dtype, output, loss):
    """Outputs of exactly 0 and 1 (inputs of 10⁴): the books' loss is the NumPy path's, i.e. the kernel clips at
    ``losses.probability_bounds`` (float32: ln(1.2e-38) = −87, not ln(1e-300) = −691)."""
    X = rng.normal(size=(40, 6)) * 1e4
    Y = np.eye(3)[rng.integers(0, 3, 40)]
    net = Network([6, 5, 3], ["linear", output], loss=loss, seed=1, dtype=dtype)
    twin = net.copy()
    fast = net.fit(X, Y, epochs=1, batch_size=8, learning_rate=1e-6, seed=2, engine="compiled")
    plain = twin.fit(X, Y, epochs=1, batch_size=8, learning_rate=1e-6, seed=2, engine="numpy")
    outputs = net.forward(X.astype(dtype))[1][-1]
    assert np.mean((outputs == 0) | (outputs == 1)) > 0.5           # the test reaches saturation
    low = probability_bounds(dtype)[0]
    assert fast["loss"][0] >= -np.log(low) * 0.3                    # clipped at tiny: large but finite
    np.testing.assert_allclose(fast["loss"], plain["loss"], rtol=1e-5)


def test_codes_come_from_the_registries():
    assert list(compiled_rules.ACTIVATION_CODES) == list(ACTIVATIONS)
    assert list(compiled_rules.LOSS_CODES) == list(LOSSES)
    assert set(compiled_rules.KERNEL_ACTIVATIONS) <= set(ACTIVATIONS)
    assert set(compiled_rules.KERNEL_LOSSES) <= set(LOSSES)
    assert compiled_rules.SOFTMAX == compiled_rules.ACTIVATION_CODES["softmax"]
    assert compiled_rules.CROSS_ENTROPY == compiled_rules.LOSS_CODES["cross-entropy"]


def test_an_activation_without_a_kernel_is_refused_with_its_name():
    class Softplus(Activation):
        name = "softplus"

        def forward(self, z, out):
            return np.logaddexp(0.0, z, out=out)

        def derivative(self, z, a):
            return 1.0 / (1.0 + np.exp(-z))

    net = Network([4, 3, 2], [Softplus(), "sigmoid"], loss="quadratic", seed=0)
    assert compiled.unsupported(net, SGD(0.1), False) == "activation softplus in hidden layer 1"


@pytest.mark.parametrize("field, value, message", [
    ("acts", np.array([99, 0], np.int64), "unknown activation code"),
    ("loss", 7, "unknown loss code"),
])
@pytest.mark.parametrize("threads", [1, 2])
def test_an_unknown_code_raises(rng, field, value, message, threads):
    """A code no kernel implements stops the epoch before any step (the weights are untouched)."""
    from deltaprop.fast import compiled_kernels
    from deltaprop.fast import compiled_threads
    net = Network([10, 8, 3], ["sigmoid", "sigmoid"], seed=0)
    X, Y = rng.normal(size=(20, 10)), np.eye(3)[rng.integers(0, 3, 20)]
    before = [p.copy() for p in net.parameters()]
    e = compiled.epoch_struct(net, X, Y, None, None, 5, SGD(0.1), two_threads=threads == 2)._replace(**{field: value})
    with pytest.raises(ValueError, match=message):
        if threads == 1:
            compiled_kernels.epoch(e)
        else:
            compiled_threads.epoch_part(0, 4, np.zeros(compiled_threads.FLAGS, np.int64), e)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.parameters()))
