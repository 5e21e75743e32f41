"""``--detail derive``: every factor it shows equals the engine's number and central finite differences;
the right story for each output/loss pair; remarks exactly where the numbers call for them."""

import numpy as np
import pytest

import deltaprop
from deltaprop.core.activations import get_activation
from deltaprop.explain import derive, spec
from deltaprop.explain.document import Heading, Note, Para
from deltaprop.explain.expr import display_number
from deltaprop.explain.model import Trace

from .test_specs import SPECS

H = 1e-6


def _trace(data):
    s = spec.parse(data)
    return Trace(s.network, s.X, s.Y, learning_rate=s.learning_rate, update_biases=s.update_biases)


def _cost_from(net, l, a, y):
    """Sample cost as a function of the activations ``a`` of layer ``l`` (0 = input): the rest of the forward."""
    for layer in net.layers[l:]:
        z = a @ layer.weights.T + layer.biases
        a = layer.activation(z)
    return float(net.loss.value(a, y))


def _fd(f, x, index):
    x_plus, x_minus = x.copy(), x.copy()
    x_plus[index] += H
    x_minus[index] -= H
    return (f(x_plus) - f(x_minus)) / (2 * H)


CASES = dict(SPECS, mazur={
    "layers": [{"weights": [[0.15, 0.2], [0.25, 0.3]], "biases": [0.35, 0.35], "activation": "sigmoid"},
               {"weights": [[0.4, 0.45], [0.5, 0.55]], "biases": [0.6, 0.6], "activation": "sigmoid"}],
    "input": [0.05, 0.1], "target": [0.01, 0.99]})


@pytest.mark.parametrize("name", list(CASES))
def test_every_factor_equals_the_engine_and_finite_differences(name):
    trace = _trace(CASES[name])
    net, y = trace.network, trace.Y[:1]
    zs, acts = [z[:1].astype(np.float64) for z in trace.zs], [a[:1].astype(np.float64) for a in trace.acts]
    seen = set()
    for f in derive.factors(trace):
        l, j, value = f["layer"], f["unit"], f["value"]
        layer = net.layers[l - 1]
        kind = f["factor"]
        seen.add(kind)
        if kind == "dC/da":                                   # the loss alone, as a function of the outputs
            assert value == trace.loss_gradient[0, j]
            expected = _fd(lambda a: float(net.loss.value(a, y)), acts[-1], (0, j))
        elif kind == "da/dz":
            assert value == trace.derivatives[l - 1][0, j]
            expected = _fd(lambda z: float(layer.activation(z)[0, j]), zs[l - 1], (0, j))
        elif kind == "J":                                     # ∂a_i/∂z_j of the softmax
            expected = _fd(lambda z: float(layer.activation(z)[0, j]), zs[l - 1], (0, f["input"]))
        elif kind == "dz/dw":                                 # z_j as a function of w_jk: the input a_k
            assert value == trace.acts[l - 1][0, f["input"]]
            expected = _fd(lambda W: float((acts[l - 1] @ W.T)[0, j]), layer.weights.astype(np.float64),
                           (j, f["input"]))
        elif kind == "dC/da hidden":                          # a hidden output's effect on the cost
            assert value == trace.error_into(l)[0, j]
            expected = _fd(lambda a: _cost_from(net, l, a, y), acts[l], (0, j))
        elif kind == "delta":                                 # the output error ∂C/∂z^L after any cancellation
            assert value == trace.grads.deltas[l - 1][0, j]
            expected = _fd(lambda z: float(net.loss.value(layer.activation(z), y)), zs[l - 1], (0, j))
        else:
            pytest.fail(f"unknown factor {kind}")
        assert value == pytest.approx(expected, rel=1e-5, abs=1e-8), (kind, l, j)
    assert {"dC/da", "dz/dw", "delta"} <= seen


@pytest.mark.parametrize("name", list(CASES))
def test_every_factor_is_printed(name):
    """Text output shows each factor's number (the first MAX_UNITS units of each layer)."""
    trace = _trace(CASES[name])
    data = CASES[name]
    s = spec.parse(data)
    text = deltaprop.explain(s.network, s.X, s.Y, learning_rate=s.learning_rate, update_biases=s.update_biases,
                             detail="derive").to_text()
    section = text[text.index("Where each factor comes from"):]
    for f in derive.factors(trace):
        if f["factor"] == "dz/dw" and f["unit"] > 0:
            continue                                          # one neuron per layer shows ∂z/∂w = a_k
        assert display_number(f["value"], 9) in section, f


def _keys(blocks):
    return [b.key for b in blocks if isinstance(b, (Para, Note, Heading))]


@pytest.mark.parametrize("name, story", [("mazur", "derive_slow_quadratic"),
                                         ("relu hidden, softmax + cross-entropy", "derive_fused_ce"),
                                         ("update biases, binary cross-entropy", "derive_fused_bce"),
                                         ("softmax with quadratic loss (Jacobian)", "derive_softmax_other"),
                                         ("three layers, linear output", "derive_elementwise_output")])
def test_each_pair_tells_how_bp1_reduces_or_why_not(name, story):
    keys = _keys(derive.build(_trace(CASES[name]), deltaprop.explain.naming.names_for(spec.parse(CASES[name]).network)))
    assert story in keys
    assert ("derive_act_softmax" in keys) == ("softmax" in name)


def test_default_output_stays_concise():
    e = deltaprop.explain(deltaprop.mazur_network(), [0.05, 0.1], [0.01, 0.99])
    assert "derive_heading" not in _keys(e.blocks()) and "derivations" not in e.to_dict()
    d = deltaprop.explain(deltaprop.mazur_network(), [0.05, 0.1], [0.01, 0.99], detail="derive").to_dict()
    assert {f["factor"] for f in d["derivations"]} == {"dC/da", "da/dz", "dz/dw", "dC/da hidden", "delta"}


def _remarks(net, X, Y, **kw):
    trace = Trace(net, X, Y, **kw)
    return [b for b in derive.remarks(trace, deltaprop.explain.naming.names_for(net)) if isinstance(b, Note)]


def test_remarks_name_the_saturated_and_the_dead_units():
    net = deltaprop.Network([2, 3, 1], ["relu", "sigmoid"], seed=0)
    net.layers[0].weights[:] = [[1.0, 1.0], [-1.0, -1.0], [0.5, -0.5]]
    net.layers[0].biases[:] = [0.0, -0.5, 0.0]                # unit 2: z = −x1 − x2 − 0.5 < 0 for x ≥ 0: dead
    net.layers[1].weights[:] = [[4.0, 4.0, 4.0]]
    net.layers[1].biases[:] = [6.0]                           # output z ≥ 6: σ' < 0.0025, saturated
    notes = _remarks(net, [[0.5, 1.0], [1.0, 0.2]], [[0.0], [0.0]], learning_rate=0.1)
    dead = [n for n in notes if n.key == "remark_dead"]
    saturated = [n for n in notes if n.key == "remark_saturated"]
    assert [n.args["name"].args for n in dead] == [{"unit": "2", "layer": 2}]       # Nielsen's numbering
    assert [n.args["name"].args for n in saturated] == [{"unit": "1", "layer": 3}]
    z = np.array([4.0 * 1.5 + 6.0])                          # sample 1: hidden (1.5, 0, 0), output z = 12
    sigmoid = get_activation("sigmoid")
    assert saturated[0].args["slope"].value == pytest.approx(sigmoid.derivative(z, sigmoid(z))[0], rel=1e-12)
    assert saturated[0].args["z"].value == 12.0
    healthy = _remarks(deltaprop.mazur_network(), [0.05, 0.1], [0.01, 0.99])
    assert not [n for n in healthy if n.key in ("remark_dead", "remark_saturated")]


def test_remarks_flag_a_weight_whose_sign_the_step_flips():
    net = deltaprop.Network([1, 1], ["linear"], seed=0)
    net.layers[0].weights[:] = [[0.01]]
    net.layers[0].biases[:] = [0.0]
    notes = _remarks(net, [[1.0]], [[5.0]], learning_rate=0.5)   # δ = 0.01 − 5 < 0: w grows, no flip
    assert not [n for n in notes if n.key == "remark_flip"] and [n for n in notes if n.key == "remark_negative"]
    notes = _remarks(net, [[1.0]], [[-5.0]], learning_rate=0.5)  # w = 0.01 − 0.5 × 5.01 < 0: flipped
    flip = [n for n in notes if n.key == "remark_flip"]
    assert len(flip) == 1 and flip[0].args["old"].value == pytest.approx(0.01)
    assert flip[0].args["new"].value == pytest.approx(0.01 - 0.5 * 5.01)


@pytest.mark.parametrize("lang", ["en", "zh", "ja", "fr"])
@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_derive_renders_in_every_language_and_format(lang, fmt):
    net = deltaprop.Network([2, 3, 3], ["relu", "softmax"], loss="cross-entropy", seed=1)
    out = deltaprop.explain(net, [[0.5, -1.0], [1.0, 0.3]], [[0, 0, 1], [1, 0, 0]], detail="derive").render(
        fmt, lang=lang)
    assert "J" in out and "BP1" in out
    from deltaprop.explain.i18n import translate
    assert translate(lang, "derive_heading") in out
