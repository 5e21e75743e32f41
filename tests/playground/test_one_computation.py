"""One computation, one copy (issue 24): the inspector, a link's panel, the explained step and the gradients drawn on
the links read the explainer's Trace of the current batch instead of recomputing it; the page formats numbers in one
module and holds Mazur's names once, as the server sends them."""

import ast
import pathlib
import re

import numpy as np
import pytest

import deltaprop
from deltaprop.explain import Trace
from deltaprop.explain.naming import names_for
from deltaprop.playground.batch_trace import batch_trace
from deltaprop.playground.inspector_report import link_report, session_neuron_report
from deltaprop.playground.options import options
from deltaprop.playground.schema import validate_config
from deltaprop.playground.session import Session
from deltaprop.playground.snapshot import snapshot
from deltaprop.playground.walkthrough import explained_step
from deltaprop.teach import mazur

PLAYGROUND = pathlib.Path(deltaprop.__file__).parent / "playground"
STATIC = PLAYGROUND / "static"


@pytest.mark.parametrize("module", ["inspector_report.py", "walkthrough.py"])
def test_the_inspector_and_the_explained_step_do_not_run_the_network_themselves(module):
    tree = ast.parse((PLAYGROUND / module).read_text(encoding="utf-8"))
    calls = {node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute)}
    assert not calls & {"forward", "backward", "gradients", "gradient", "derivative", "per_output"}, module


def test_one_state_one_trace_read_by_every_panel():
    session = Session(validate_config({"hidden": [3, 2], "activations": ["tanh", "sigmoid"], "seed": 4}))
    session.step()
    trace = batch_trace(session)
    assert batch_trace(session) is trace                        # one computation per state
    network, X, Y, _ = session.current_batch()
    fresh = Trace(network, X, Y)                                # the explainer's own record of this batch
    report = session_neuron_report(session, 1, 2, sample=3)
    assert report["z"] == fresh.zs[0][:, 2].tolist() and report["delta"] == fresh.grads.deltas[0][:, 2].tolist()
    assert report["derivative"] == fresh.derivatives[0][3, 2]
    assert report["bp2"]["sum"] == fresh.error_into(1)[3, 2]
    output = session_neuron_report(session, 3, 0)
    assert output["bp1"]["grad_a"] == fresh.loss_gradient[0, 0] and output["bp1"]["a_minus_y"] == fresh.bp1_is_a_minus_y()
    link = link_report(session, 2, 1, 0)
    assert link["gradient"] == fresh.grads.weights[1][1, 0]
    step = explained_step(session)
    assert step["stages"][0]["z"] == fresh.zs[0][0].tolist()
    cost = next(s for s in step["stages"] if s["stage"] == "cost")
    assert cost["batch_cost"] == pytest.approx(fresh.loss, rel=1e-15)
    drawn = snapshot(session)["batch"]["grad_weights"]        # the frames' gradients: the same engine numbers
    assert all(np.array_equal(np.array(g), f) for g, f in zip(drawn, fresh.grads.weights))
    session.step()                                              # a new state: a new trace
    assert batch_trace(session) is not trace


def test_mazurs_names_are_sent_once_and_are_the_explainers():
    names = options()["mazur_names"]
    explainer = names_for(mazur.mazur_network(), "mazur")
    plain = lambda sym: sym.base + sym.sub                     # noqa: E731  (Mazur's names are plain: w5, i1)
    assert names["units"][0] == [plain(explainer.input(k)) for k in range(2)]
    assert names["units"][1:] == [[explainer.unit(l, j) for j in range(2)] for l in (1, 2)]
    assert names["weights"] == [[[plain(explainer.weight(l, j, k)) for k in range(2)] for j in range(2)] for l in (1, 2)]
    for path in STATIC.glob("*.js"):                            # the page holds no second copy
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\[\s*\"i\",\s*\"h\",\s*\"o\"\s*\]|w\$\{\(l - 1\) \* 4", text), path.name


def test_numbers_are_formatted_in_one_module():
    """numbers.js is the page's only number formatter (toFixed only in SVG attributes elsewhere)."""
    for path in STATIC.glob("*.js"):
        if path.name == "numbers.js":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert not re.search(r"toPrecision|toExponential|toLocaleString|NumberFormat", line), (path.name, number)
            assert "toFixed" not in line or "setAttribute" in line, (path.name, number, line)
            assert not re.search(r"(const|function)\s+(fmt|short|num|local|fixed|percent)\b", line), (path.name, number)
