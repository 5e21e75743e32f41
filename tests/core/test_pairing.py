"""The output/loss pairing, owned by :mod:`deltaprop.core.losses`: every pair is either built and exact, or refused.

For every output activation × loss, and random targets the cost accepts,
backprop's gradients equal central finite differences (soft cross-entropy
labels and binary targets of exactly 0 or 1 included).  Targets the cost does
not accept, and outputs it is not defined for, give the documented error
wherever they come in: gradients, a training step, fit, evaluate, gradcheck.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deltaprop import Network, gradcheck
from deltaprop.core.activations import ACTIVATIONS, get_activation
from deltaprop.teach.gradcheck import numerical_gradients
from deltaprop.core.losses import LOSSES, default_output, get_loss
from deltaprop.core.optimizers import SGD

from .strategies import PAIRS, problems, refused_targets


@pytest.mark.parametrize("output", list(ACTIVATIONS))
@pytest.mark.parametrize("loss", list(LOSSES))
def test_every_pair_is_built_or_refused(output, loss):
    """The cross-entropies take ln a: only outputs in (0, 1) are accepted; the quadratic cost takes all."""
    defined = loss == "quadratic" or output in ("sigmoid", "softmax")
    assert any(a.split(":")[0] == output and l == loss for a, l in PAIRS) or not defined       # the property tests below cover every defined pair
    if defined:
        net = Network([3, 4, 3], ["tanh", output], loss=loss, seed=0)
        assert net.loss.bp1_is_a_minus_y(net.layers[-1].activation) == ((output, loss) in
                                                                   [("sigmoid", "binary-cross-entropy"),
                                                                    ("softmax", "cross-entropy")])
    else:
        with pytest.raises(ValueError, match=rf"{loss} takes ln a, so the output layer must give values in "
                                             rf"\(0, 1\) \(sigmoid or softmax\), got {output}"):
            Network([3, 4, 3], ["tanh", output], loss=loss, seed=0)


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{a}+{l}" for a, l in PAIRS])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_accepted_targets_give_exact_gradients(pair, data):
    net, X, Y = data.draw(problems(pair))
    analytic = net.gradients(X, Y)
    numeric_w, numeric_b = numerical_gradients(net, X, Y)
    for l in range(len(net.layers)):
        np.testing.assert_allclose(analytic.weights[l], numeric_w[l], rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(analytic.biases[l], numeric_b[l], rtol=1e-5, atol=1e-8)


LOSSES_WITH_RULES = [("softmax", "cross-entropy"), ("sigmoid", "cross-entropy"),
                     ("sigmoid", "binary-cross-entropy"), ("softmax", "binary-cross-entropy")]


@pytest.mark.parametrize("pair", LOSSES_WITH_RULES, ids=[f"{a}+{l}" for a, l in LOSSES_WITH_RULES])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_refused_targets_give_the_documented_error_everywhere(pair, data):
    output, loss = pair
    n, d = data.draw(st.integers(1, 5)), data.draw(st.integers(2, 4))
    Y, message = data.draw(refused_targets(loss, n, d))
    net = Network([3, 4, d], ["tanh", output], loss=loss, seed=1)
    X = np.random.default_rng(0).normal(size=(n, 3))
    rule = "probability rows summing to 1" if "sums to" in message else (
        "are probabilities" if loss == "cross-entropy" else "must lie in [0, 1]")
    before = [p.copy() for p in net.parameters()]
    for attempt in (lambda: net.gradients(X, Y), lambda: net.train_step(X, Y, SGD(0.1)),
                    lambda: net.fit(X, Y, epochs=1, batch_size=2), lambda: net.evaluate(X, Y),
                    lambda: gradcheck(net, X, Y)):
        with pytest.raises(ValueError, match=message) as info:
            attempt()
        assert rule in str(info.value) and loss in str(info.value)
    for p, p0 in zip(net.parameters(), before):
        np.testing.assert_array_equal(p, p0)              # nothing trained on them


def test_the_issue_examples_are_refused_not_trained():
    """Softmax + cross-entropy with [1, 1, 0] or [0.5, 0.2, 0.1]: gradcheck once reported ≈ 1.0 and fit trained."""
    net = Network([3, 4, 3], activations=["tanh", "softmax"], loss="cross-entropy", seed=0)
    X = np.random.default_rng(1).normal(size=(2, 3))
    for row in ([1, 1, 0], [0.5, 0.2, 0.1]):
        Y = np.array([[0, 0, 1], row], float)
        with pytest.raises(ValueError, match=r"Y row 1 sums to .*: cross-entropy targets are probability rows"):
            gradcheck(net, X, Y)
        with pytest.raises(ValueError, match="sigmoid outputs with binary-cross-entropy"):
            net.fit(X, Y, epochs=1, batch_size=2)


def test_soft_labels_are_accepted_and_exact():
    net = Network([3, 4, 3], activations=["tanh", "softmax"], loss="cross-entropy", seed=0)
    X = np.random.default_rng(1).normal(size=(2, 3))
    Y = np.array([[0.7, 0.2, 0.1], [0.0, 0.5, 0.5]])
    assert max(max(r["weights"], r["biases"]) for r in gradcheck(net, X, Y)) < 1e-6


def test_single_unit_cross_entropy_points_to_binary_cross_entropy():
    net = Network([2, 3, 1], ["tanh", "sigmoid"], loss="cross-entropy", seed=0)
    with pytest.raises(ValueError, match="for one output unit use binary-cross-entropy"):
        net.gradients([[0.1, 0.2], [0.3, 0.4]], [0, 1])


@pytest.mark.parametrize("loss, n_outputs, classification, expected", [
    ("cross-entropy", 3, True, "softmax"), ("cross-entropy", 1, True, "sigmoid"),
    ("binary-cross-entropy", 1, True, "sigmoid"), ("quadratic", 10, True, "sigmoid"),
    ("quadratic", 1, False, "linear"),
])
def test_default_output_for_a_task(loss, n_outputs, classification, expected):
    assert default_output(loss, n_outputs, classification) == expected
    get_loss(loss).check_output(get_activation(expected))     # the default is always accepted


@pytest.mark.parametrize("loss, row, kind, value", [
    ("cross-entropy", [1.0, 1.0, 0.0], "sum", 2.0),
    ("cross-entropy", [1.5, -0.5, 0.0], "range", 1.5),          # the first entry outside [0, 1] of the refused row
    ("binary-cross-entropy", [0.5, 5.0, 0.0], "range", 5.0),
])
def test_target_errors_carry_row_value_and_kind(loss, row, kind, value):
    """A face translates a refused target from these fields (the explainer does) instead of re-checking the rule."""
    from deltaprop.core.losses import TargetError
    Y = np.array([[0.0, 1.0, 0.0], row])
    with pytest.raises(TargetError) as info:
        get_loss(loss).check_targets(Y)
    error = info.value
    assert isinstance(error, ValueError)
    assert (error.loss, error.row, error.kind) == (loss, 1, kind) and error.value == pytest.approx(value)
    assert "row 1" in str(error)


def test_the_task_rules_belong_to_the_losses():
    from deltaprop.core.losses import check_regression_loss, default_loss
    assert default_loss(3, True) == "cross-entropy" and default_loss(1, True) == "binary-cross-entropy"
    assert default_loss(2, False) == "quadratic"
    assert check_regression_loss("quadratic").name == "quadratic"
    for loss in ("cross-entropy", "binary-cross-entropy"):
        with pytest.raises(ValueError, match=f"real-valued targets need the quadratic loss, not {loss}"):
            check_regression_loss(loss)


def test_the_old_name_of_the_matched_pair_predicate_warns():
    net = Network([2, 3], ["softmax"], loss="cross-entropy", seed=0)
    with pytest.warns(DeprecationWarning, match="bp1_is_a_minus_y"):
        assert net.loss.fuses_with(net.layers[-1].activation)  # relayout: keep
