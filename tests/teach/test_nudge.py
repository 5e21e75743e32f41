"""Nielsen's demon: nudging z^l_j by dz changes the cost by δ·dz, up to O(dz²)."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import deltaprop as dp
from deltaprop import nudge

from ..core.strategies import PAIRS, problems


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{a}+{l}" for a, l in PAIRS])
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_cost_moves_by_delta_times_dz(pair, data):
    net, X, Y = data.draw(problems(pair))
    zs, _ = net.forward(X)
    for z, act in zip(zs, net.activations):
        if "relu" in act:
            assume(np.min(np.abs(z)) > 0.05)             # the nudges below never cross a kink
    layer = data.draw(st.integers(1, len(net.layers)))
    neuron = data.draw(st.integers(0, net.sizes[layer] - 1))
    small = nudge(net, X, Y, layer, neuron, 1e-5)
    # a clearly non-zero sensitivity: the second-order term, relative to δ·dz, is C''·dz / (2|δ|); |δ| > 1e-3 left it
    # as large as the 1e-3 bound (a sigmoid + BCE case: |δ| = 1.05e-3 gave 1.14e-3)
    assume(abs(small.delta) > 1e-2)
    assert small.relative_gap < 1e-3
    # The gap is ½C''dz² + O(dz³).  Averaging the nudges +dz and −dz cancels the odd orders, so what is left is
    # ½C''dz² + O(dz⁴) even where C'' is small beside the third derivative (a softmax + BCE case had ratio 28 from
    # one-sided nudges).  The gap must also stand well above rounding, which is not always ≈ 1e-16 C: a saturated
    # softmax under BCE takes ln(1 − a) with 1 − a ≈ 1e-13, and left a noise of ~7e-13 (ratio 20 at dz = 1e-5),
    # so the two nudges are 1e-3 and 1e-4 and the finer gap is at least 1e-11.
    def gap(dz):
        return sum((n.actual - n.predicted) for n in (nudge(net, X, Y, layer, neuron, dz),
                                                      nudge(net, X, Y, layer, neuron, -dz))) / 2
    gap_coarse, gap_fine = abs(gap(1e-3)), abs(gap(1e-4))   # even parts: the O(dz⁴) left is ~1e-6 relative
    assume(gap_coarse > 1e-9)                            # a second-order term far above rounding
    assert 70 < gap_coarse / gap_fine < 140              # O(dz²): ten times smaller dz, ≈ 100 times smaller gap


def test_the_demon_on_mazurs_network():
    net, (X, Y) = dp.mazur_network(), dp.mazur_data()
    result = nudge(net, X, Y, 2, 0, 0.001)               # output neuron o1 (Nielsen's layer 3)
    grads = net.gradients(X, Y)
    assert result.delta == pytest.approx(grads.deltas[1][0, 0], rel=1e-15)
    assert result.delta == pytest.approx(0.138498562, abs=1e-9)     # Mazur's δ_o1 = 0.74136507 × 0.186815602
    assert result.actual == pytest.approx(result.predicted, rel=1e-2)
    assert set(result.as_dict()) >= {"cost_before", "cost_after", "actual", "predicted", "relative_gap"}


def test_saturated_and_dead_neurons_barely_move_the_cost():
    """BP1/BP2's σ'(z): a saturated sigmoid or a dead relu passes almost no change on."""
    net = dp.Network.from_weights([[[30.0, 0.0], [0.0, -1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]],
                                  ["sigmoid", "linear"])
    X, Y = [[1.0, 1.0]], [[0.0]]
    saturated, linear_regime = nudge(net, X, Y, 1, 0, 0.1), nudge(net, X, Y, 1, 1, 0.1)
    assert abs(saturated.actual) < 1e-12 < abs(linear_regime.actual)
    relu = dp.Network.from_weights([[[-1.0, -1.0]], [[2.0]]], [[0.0], [0.0]], ["relu", "linear"])
    assert nudge(relu, X, Y, 1, 0, 0.1).actual == 0.0


@pytest.mark.parametrize("args, message", [((0, 0, 0.1), "layer must be 1..2"), ((1, 5, 0.1), "neuron must be 0..1"),
                                           ((1, 0, 0.0), "non-zero"), ((1, 0, float("nan")), "finite")])
def test_bad_arguments(args, message):
    net, (X, Y) = dp.mazur_network(), dp.mazur_data()
    with pytest.raises(ValueError, match=message):
        nudge(net, X, Y, *args)
