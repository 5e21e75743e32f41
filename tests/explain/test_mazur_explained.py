"""The default explanation reproduces Mazur's tutorial in every language and format."""

import json

import numpy as np
import pytest

import deltaprop
from deltaprop.teach import mazur
from deltaprop.explain import FORMATS, LANGUAGES

from .helpers import equations, normalize, value_of

# tutorial key -> the start of the equation whose last number it is (normalized, format independent)
WHERE = {
    "net_h1": "net_h1=0.15", "out_h1": "out_h1=σ(net_h1)", "out_h2": "out_h2=σ(net_h2)",
    "net_o1": "net_o1=0.4", "out_o1": "out_o1=σ(net_o1)", "out_o2": "out_o2=σ(net_o2)",
    "E_o1": "E_o1=", "E_o2": "E_o2=", "E_total": "E_total=E_o1+E_o2",
    "dE_dw5": "∂E_total∂w5=δ_o1", "dE_dw1": "∂E_total∂w1=δ_h1",
    **{f"w{i}+": f"w{i}+=w{i}-" for i in range(1, 9)},
}


def printed(value, key):
    """Equal to the tutorial's figure to the digits it prints."""
    digits = len(repr(mazur.PRINTED[key]).split(".")[1])
    assert value == pytest.approx(mazur.PRINTED[key], abs=0.6 * 10 ** -digits), key


@pytest.fixture(scope="module")
def explanation():
    X, Y = mazur.mazur_data()
    return deltaprop.explain(mazur.mazur_network(), X, Y, learning_rate=0.5, update_biases=False, form="both")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_printed_value_in_every_language_and_format(explanation, lang, fmt):
    output = explanation.render(fmt, lang=lang)
    eqs = equations(output, fmt)
    assert set(WHERE) == set(mazur.PRINTED)
    for key, prefix in WHERE.items():
        printed(value_of(eqs, prefix), key)
    # the exact lines, and the rounding note with both figures
    assert normalize("net_h1 = 0.15 × 0.05 + 0.2 × 0.1 + 0.35 × 1 = 0.3775") in eqs
    assert normalize("out_h1 = σ(net_h1) = σ(0.3775) = 0.593269992") in eqs
    assert normalize("∂E_total/∂w5 = ∂E_total/∂out_o1 × ∂out_o1/∂net_o1 × ∂net_o1/∂w5 = "
                     "0.74136507 × 0.186815602 × 0.593269992 = 0.082167041") in eqs
    from deltaprop.explain.text import prose_number
    for figure in ("0.291027774", "0.291027924", "3.5102 × 10⁻⁵", "0.0000351085", "−0.019049119"):
        assert prose_number(figure, lang) in output, figure            # French prose: 0,291027774


def test_json_is_the_contract_and_equals_the_engine(explanation):
    data = json.loads(explanation.render("json"))
    assert list(data) == ["forward", "loss", "backward", "updated", "loss_after_update", "steps",
                          "loss_after_steps", "output_after_steps"]
    net, (X, Y) = mazur.mazur_network(), mazur.mazur_data()
    grads = net.gradients(X, Y)
    assert [b["layer"] for b in data["backward"]] == [2, 1]
    assert [f["layer"] for f in data["forward"]] == [1, 2]
    for entry in data["backward"]:
        l = entry["layer"]
        assert np.array_equal(entry["grad_weights"], grads.weights[l - 1])     # full precision, same numbers
        assert np.array_equal(entry["grad_biases"], grads.biases[l - 1])
        assert np.array_equal(entry["delta"], grads.deltas[l - 1][0])
    assert data["loss"] == pytest.approx(0.298371109, abs=1e-9)
    assert data["loss_after_update"] == pytest.approx(mazur.EXACT_AFTER_ONE_STEP, abs=1e-9)
    for entry, key in zip(data["updated"][1]["weights"][0], ("w5+", "w6+")):
        printed(entry, key)
    assert data["updated"][0]["biases"] == [0.35, 0.35]          # the tutorial keeps biases fixed


def test_gradients_match_finite_differences(explanation):
    data = explanation.to_dict()
    X, Y = mazur.mazur_data()
    h = 1e-6
    for entry in data["backward"]:
        l = entry["layer"]
        for j in range(2):
            for k in range(2):
                plus, minus = mazur.mazur_network(), mazur.mazur_network()
                plus.layers[l - 1].weights[j, k] += h
                minus.layers[l - 1].weights[j, k] -= h
                numeric = (plus.compute_loss(X, Y) - minus.compute_loss(X, Y)) / (2 * h)
                assert entry["grad_weights"][j][k] == pytest.approx(numeric, rel=1e-6, abs=1e-10)


def test_steps_report_loss_and_outputs_after_n_steps():
    X, Y = mazur.mazur_data()
    e = deltaprop.explain(mazur.mazur_network(), X, Y, update_biases=False, steps=10_000)
    data = e.to_dict()
    assert data["steps"] == 10_000
    assert data["loss_after_steps"] == pytest.approx(mazur.EXACT_AFTER_10000_STEPS, rel=1e-4)
    net = mazur.mazur_network()
    optimizer = deltaprop.SGD(0.5)
    for _ in range(10_000):
        net.train_step(X, Y, optimizer)
    assert np.allclose(data["output_after_steps"], net.predict(X)[0], rtol=0, atol=1e-12)
    assert "3.51018778 × 10⁻⁵" in e.to_text() and "e−05" not in e.to_text()      # as a teacher writes it


def test_formats_listed():
    assert FORMATS == ("text", "markdown", "html", "latex", "json")
