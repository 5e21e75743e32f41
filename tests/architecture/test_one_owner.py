"""One owner per rule: "saturated" and "dead" are one object, which the library, the explainer, the playground
server and the page (through /api/options and the neuron report) all use."""

import numpy as np

import deltaprop
from deltaprop.core import diagnostics
from deltaprop.core.diagnostics import UNIT_HEALTH
from deltaprop.explain import derive
from deltaprop.explain.model import Trace
from deltaprop.explain.naming import names_for
from deltaprop.playground import api, inspector_report, page_diagnosis


def test_every_face_holds_the_same_definition_object():
    assert derive.UNIT_HEALTH is UNIT_HEALTH
    assert page_diagnosis.UNIT_HEALTH is UNIT_HEALTH
    assert inspector_report.UNIT_HEALTH is UNIT_HEALTH
    assert diagnostics.PEAK_SLOPE is UNIT_HEALTH.peak_slope
    assert api.options()["unit_health"] == UNIT_HEALTH.to_dict()          # what the page reads
    assert UNIT_HEALTH.to_dict()["peak_slope"] == {"sigmoid": 0.25, "tanh": 1.0}


def _network():
    """Hidden unit 1 (sigmoid) saturated on every sample (z ≥ 20), unit 2 in its linear regime; a ReLU layer with
    one dead unit (z < 0 for every sample: the inputs are positive)."""
    net = deltaprop.Network.from_weights(
        [[[10.0, 10.0], [0.1, -0.1]], [[1.0, 1.0], [-1.0, -1.0]], [[0.3, 0.3]]],
        [[10.0, 0.0], [0.0, -0.1], [0.0]], ["sigmoid", "relu", "sigmoid"])
    X = np.array([[1.0, 0.5], [0.2, 0.9], [0.7, 0.1]])
    return net, X, np.array([[0.2], [0.8], [0.5]])


def test_library_explainer_playground_and_page_agree_on_a_network():
    net, X, Y = _network()
    library = diagnostics.measure(net, X, Y, learning_rate=0.1)
    assert library[0]["saturated"] == 0.5 and library[1]["dead"] == 0.5          # 1 of 2 units, every sample
    norms, saturated, dead = page_diagnosis.measure_units(net, X, Y)                   # the playground server
    assert saturated[0] == 1 and dead[1] == 1
    names = names_for(net)
    notes = [b for b in derive.remarks(Trace(net, X, Y), names) if getattr(b, "key", "").startswith("remark")]
    assert {(n.key, str(n.args["name"])) for n in notes if n.key in ("remark_saturated", "remark_dead")} == {
        ("remark_saturated", str(names.unit_label(1, 0))), ("remark_dead", str(names.unit_label(2, 1)))}  # explainer
    saturated_note = next(n for n in notes if n.key == "remark_saturated")
    slope = float(net.layers[0].activation.derivative(*(lambda zs, acts: (zs[0], acts[1]))(*net.forward(X)))[0, 0])
    assert saturated_note.args["ratio"].value == slope / UNIT_HEALTH.peak_slope["sigmoid"]   # its share of the peak
    assert slope < UNIT_HEALTH.saturated_share * UNIT_HEALTH.peak_slope["sigmoid"]
    for j, expected in ((0, True), (1, False)):                                  # the page's badge
        report = inspector_report.neuron_report(net, X, Y, 1, j)
        assert report["saturated"] is expected and report["saturated_below"] == UNIT_HEALTH.saturated_share * 0.25
    assert inspector_report.neuron_report(net, X, Y, 2, 1)["inactive"] is True
    assert inspector_report.neuron_report(net, X, Y, 2, 0)["inactive"] is False


def test_no_face_restates_a_threshold():
    """The numbers live in core/diagnostics.py only: no other module defines a saturation constant."""
    import pathlib
    src = pathlib.Path(deltaprop.__file__).parent
    for path in list(src.rglob("*.py")) + list(src.rglob("*.js")):
        if path.name == "diagnostics.py" and path.parent.name == "core":
            continue
        text = path.read_text(encoding="utf-8")
        assert "SATURATED =" not in text and "PEAK_SLOPE = {" not in text, path
