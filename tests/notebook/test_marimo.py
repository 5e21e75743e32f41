"""The playground widget in marimo (``marimo run`` on loopback), stepped in real Chromium.

marimo shows anywidgets through ``mo.ui.anywidget``; the example app builds the learner's network and data and
shows ``dp.playground(net, X, y)``.  A real click on Step must train the network in marimo's kernel: the weights
the widget then shows equal one ``train_step`` of the same network, replayed here on the batch it reports.
"""

import os
import sys
from pathlib import Path

import numpy as np
import pytest

import deltaprop as dp
from deltaprop.data import make_dataset
from tests.notebook.servers import free_port, require, serving

pytestmark = pytest.mark.browser
APP = Path(__file__).resolve().parents[2] / "examples" / "marimo_playground.py"


@pytest.fixture(scope="module")
def marimo_app(tmp_path_factory):
    require("marimo", "marimo")
    port, home = free_port(), tmp_path_factory.mktemp("marimo")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(APP.parents[1] / "src"), os.environ.get("PYTHONPATH", "")]),
           "MARIMO_SKIP_UPDATE_CHECK": "1", "HOME": str(home)}
    command = [sys.executable, "-m", "marimo", "run", str(APP), "--headless", "--host", "127.0.0.1",
               "--port", str(port), "--no-token"]
    with serving(command, env, port, home / "marimo.log", "marimo"):
        yield f"http://127.0.0.1:{port}/"


def test_step_in_marimo_trains_the_learners_network_in_the_kernel(browser, marimo_app, output_dir):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(marimo_app)
        page.wait_for_selector("iframe.deltaprop-playground", timeout=90000)
        frame = page.query_selector("iframe.deltaprop-playground").content_frame()
        frame.wait_for_function("window.playground && window.playground.state", timeout=30000)
        before = frame.evaluate("window.playground.state")
        frame.click("#step")
        frame.wait_for_function("window.playground.state.steps === 1")
        after = frame.evaluate("window.playground.state")
        X, y = make_dataset("moons", 200, noise=0.1, seed=0)
        net = dp.Network([2, 4, 2], activations=["tanh", "softmax"], loss="cross-entropy", seed=0)
        for shown, mine in zip(before["network"]["weights"], net.weights):
            np.testing.assert_array_equal(np.array(shown), mine)              # the app's net, untrained
        idx = after["batch"]["indices"]
        loss = net.train_step(X[idx], np.eye(2)[y[idx]], dp.SGD(0.3))
        assert after["losses"]["batch"] == pytest.approx(loss, rel=1e-12)
        for shown, mine in zip(after["network"]["weights"], net.weights):
            np.testing.assert_allclose(np.array(shown), mine, rtol=1e-12)
        frame.click(".node[data-layer='1'][data-neuron='0']")
        frame.wait_for_selector("#inspector td.z")
        page.screenshot(path=os.path.join(output_dir, "notebook-marimo.png"))
        assert errors == []
    finally:
        page.close()
