"""Mazur's step-by-step tutorial as fixtures, float64, to the printed digits."""

import numpy as np
import pytest

from deltaprop import SGD, mazur_data, mazur_network
from deltaprop.teach.mazur import (EXACT_AFTER_10000_STEPS, EXACT_AFTER_ONE_STEP, PRINTED,
                             PRINTED_AFTER_10000_STEPS, PRINTED_AFTER_ONE_STEP)


def printed(value, key):
    """Equal to the tutorial's figure to the digits it prints."""
    text = repr(PRINTED[key])
    digits = len(text.split(".")[1])
    assert value == pytest.approx(PRINTED[key], abs=0.6 * 10 ** -digits), key


@pytest.fixture
def forward():
    net = mazur_network()
    X, Y = mazur_data()
    zs, acts = net.forward(X)
    return net, X, Y, zs, acts


def test_forward_pass_matches_tutorial(forward):
    net, X, Y, zs, acts = forward
    printed(zs[0][0, 0], "net_h1")
    printed(acts[1][0, 0], "out_h1")
    printed(acts[1][0, 1], "out_h2")
    printed(zs[1][0, 0], "net_o1")
    printed(acts[2][0, 0], "out_o1")
    printed(acts[2][0, 1], "out_o2")


def test_errors_match_tutorial(forward):
    net, X, Y, zs, acts = forward
    per_output = net.loss.per_output(acts[2], Y)[0]
    printed(per_output[0], "E_o1")
    printed(per_output[1], "E_o2")
    printed(net.loss.value(acts[2], Y), "E_total")
    printed(net.compute_loss(X, Y), "E_total")


def test_gradients_match_tutorial(forward):
    net, X, Y, zs, acts = forward
    grads = net.backward(Y, zs, acts)
    printed(grads.weights[1][0, 0], "dE_dw5")
    printed(grads.weights[0][0, 0], "dE_dw1")
    # the tutorial's factors: ∂E/∂out_o1 = 0.74136507, ∂out/∂net = 0.186815602; δ_o1 is their product
    assert grads.deltas[1][0, 0] == pytest.approx(0.74136507 * 0.186815602, abs=1e-9)


def test_one_update_matches_tutorial():
    net = mazur_network()
    X, Y = mazur_data()
    net.train_step(X, Y, SGD(0.5))
    (w1, w2), (w3, w4) = net.weights[0]
    (w5, w6), (w7, w8) = net.weights[1]
    for value, key in [(w1, "w1+"), (w2, "w2+"), (w3, "w3+"), (w4, "w4+"),
                       (w5, "w5+"), (w6, "w6+"), (w7, "w7+"), (w8, "w8+")]:
        printed(value, key)
    # the tutorial keeps the biases fixed
    np.testing.assert_array_equal(net.biases[0], [0.35, 0.35])
    np.testing.assert_array_equal(net.biases[1], [0.60, 0.60])


def test_error_after_one_step_and_after_10000_steps_exact():
    # The post prints 0.291027924 and 0.0000351085: rounding artefacts of its
    # hand computation.  Exact arithmetic (and PyTorch) give the values below.
    net = mazur_network()
    X, Y = mazur_data()
    optimizer = SGD(0.5)
    net.train_step(X, Y, optimizer)
    after_one = net.compute_loss(X, Y)
    assert after_one == pytest.approx(EXACT_AFTER_ONE_STEP, abs=5e-10)
    assert abs(after_one - PRINTED_AFTER_ONE_STEP) > 1e-7        # the post's figure is off
    for _ in range(9_999):
        net.train_step(X, Y, optimizer)
    after = net.compute_loss(X, Y)
    assert after == pytest.approx(EXACT_AFTER_10000_STEPS, rel=1e-4)
    assert after != pytest.approx(PRINTED_AFTER_10000_STEPS, rel=1e-4)


def test_fit_reproduces_the_steps():
    """fit() with one sample and batch 1 is the same 10,000 steps as train_step."""
    net = mazur_network()
    X, Y = mazur_data()
    history = net.fit(X, Y, epochs=3, batch_size=1, learning_rate=0.5, shuffle=False)
    assert history["loss"][0] == pytest.approx(PRINTED["E_total"], abs=1e-9)
    assert history["loss"][1] == pytest.approx(EXACT_AFTER_ONE_STEP, abs=5e-10)
