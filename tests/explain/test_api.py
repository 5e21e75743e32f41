"""The Python API: ``deltaprop.explain`` is both the function and the package."""

import importlib

import numpy as np
import pytest

import deltaprop
from deltaprop.teach import mazur


def test_explain_is_callable_and_still_a_package():
    from deltaprop import explain
    X, Y = mazur.mazur_data()
    e = explain(mazur.mazur_network(), X, Y)
    assert type(e).__name__ == "Explanation"
    assert deltaprop.explain(mazur.mazur_network(), X[0], Y[0]).to_dict()["loss"] == e.to_dict()["loss"]
    import deltaprop.explain.diagram as diagram
    assert diagram is importlib.import_module("deltaprop.explain.diagram")
    assert deltaprop.explain.diagram.network_svg is diagram.network_svg
    from deltaprop.explain.explanation import explain as function
    assert callable(function) and function.__doc__


def test_network_is_not_modified_and_biases_follow_the_option():
    net = mazur.mazur_network()
    before = [w.copy() for w in net.weights]
    X, Y = mazur.mazur_data()
    data = deltaprop.explain(net, X, Y, update_biases=True).to_dict()
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights))
    grads = net.gradients(X, Y)
    assert np.allclose(data["updated"][0]["biases"], net.biases[0] - 0.5 * grads.biases[0], rtol=0, atol=1e-15)
    # default: the network's own setting (Mazur's keeps biases fixed)
    assert deltaprop.explain(net, X, Y).to_dict()["updated"][0]["biases"] == [0.35, 0.35]


def test_renderings_and_jupyter():
    X, Y = mazur.mazur_data()
    e = deltaprop.explain(mazur.mazur_network(), X, Y, form="matrix")
    assert e.to_markdown().startswith("# ")
    html = e._repr_html_()
    assert "<math" in html and "<svg" in html and "<html" not in html
    assert "0.291027774" in repr(e)
    assert "<svg" in mazur.mazur_network()._repr_html_()


def test_generic_network_with_batch_and_generic_names(rng):
    net = deltaprop.Network([3, 4, 2], ["tanh", "softmax"], loss="cross-entropy", seed=0)
    X = rng.standard_normal((5, 3))
    Y = np.eye(2)[[0, 1, 1, 0, 1]]
    e = deltaprop.explain(net, X, Y, learning_rate=0.1, update_biases=True, form="both")
    data = e.to_dict()
    grads = net.gradients(X, Y)
    assert np.array_equal(np.array(data["backward"][0]["delta"]), grads.deltas[1])          # per-sample δ rows
    assert np.array_equal(np.array(data["backward"][1]["grad_weights"]), grads.weights[0])  # batch mean
    text = e.to_text()
    assert "C = 1/5 (C[1] + C[2] + C[3] + C[4] + C[5]) = " in text
    assert "δ³₁[1] = a³₁[1] − y₁[1]" in text           # Nielsen's numbering by default


@pytest.mark.parametrize("kwargs,message", [
    ({"form": "table"}, "unknown form 'table'"),
    ({"steps": -1}, "steps must be an integer"),
    ({"learning_rate": 0}, "learning_rate must be a positive"),
    ({"naming": "mazur", "network": deltaprop.Network([2, 3, 1], seed=0)}, "need a 2-2-2 network"),
])
def test_bad_arguments(kwargs, message):
    net = kwargs.pop("network", mazur.mazur_network())
    x, y = [0.1, 0.2], [0.5] * net.sizes[-1]
    with pytest.raises((ValueError, TypeError), match=message):
        deltaprop.explain(net, x, y, **kwargs)


def test_wrong_length_input():
    with pytest.raises(ValueError, match="input has 3 features but the network's input layer expects 2"):
        deltaprop.explain(mazur.mazur_network(), [0.1, 0.2, 0.3], [0.1, 0.2])
    with pytest.raises(ValueError, match="target has 3 columns but the output layer has 2 units"):
        deltaprop.explain(mazur.mazur_network(), [0.1, 0.2], [0.1, 0.2, 0.3])


def test_precision_is_checked():
    X, Y = mazur.mazur_data()
    e = deltaprop.explain(mazur.mazur_network(), X, Y)
    with pytest.raises(ValueError, match="precision"):
        e.to_text(precision=0)
    assert "0.5933" in e.to_text(precision=4)
