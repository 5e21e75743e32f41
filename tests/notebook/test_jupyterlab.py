"""The example notebook in a real JupyterLab, driven in real Chromium as a student would.

The test starts ``jupyter lab --no-browser`` on a loopback port with a token, opens the example notebook, runs its
cells with Shift+Enter, steps the playground widget with real clicks, opens a neuron, and then asks the kernel
(in a new cell, typed in) for its ``net``'s weights and the engine's z, a, δ: they must equal what the widget shows.
Then Play (the kernel trains in a thread and streams states over the comm), Pause, and the kernel's weights again.
"""

import json
import os
import secrets
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from tests.notebook.servers import free_port, require, serving
from tests.page_numbers import read_number

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "notebook-playground.ipynb"
CHECK = ("import json; _b, _X, _Y, _i = widget.session.current_batch(); _z, _a = _b.forward(_X); "
         "_g = _b.backward(_Y, _z, _a); print('CHECK' + json.dumps({'w': [w.tolist() for w in net.weights], "
         "'steps': widget.session.steps, 'z': _z[0][:, 2].tolist(), 'a': _a[1][:, 2].tolist(), "
         "'d': _g.deltas[0][:, 2].tolist()}))")


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    require("jupyterlab", "JupyterLab")
    home = tmp_path_factory.mktemp("jupyterlab")
    (home / "notebooks").mkdir()
    shutil.copy(NOTEBOOK, home / "notebooks")
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={home / 'notebooks'}", "--LabApp.extension_manager=readonly"]
    with serving(command, env, port, home / "jupyterlab.log", "jupyter lab"):
        yield f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK.name}?token={token}"


def run_cell(page, count=1):
    for _ in range(count):
        page.keyboard.press("Shift+Enter")
        page.wait_for_timeout(150)


def test_a_student_steps_the_widget_in_jupyterlab_and_the_kernel_agrees(browser, jupyterlab, output_dir):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(jupyterlab)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90000)
        page.wait_for_selector("text=Python 3 (ipykernel) | Idle", timeout=90000)
        heading = ".jp-RenderedMarkdown h1"
        style = "el => { const s = getComputedStyle(el); return [s.fontSize, s.color, s.fontFamily, s.marginTop]; }"
        before = page.locator(heading).first.evaluate(style)

        page.locator(".jp-Cell").first.click()                 # the title cell, then Shift+Enter down to the widget
        run_cell(page, 4)
        page.wait_for_selector("iframe.deltaprop-playground", timeout=60000)
        widget = page.frame_locator("iframe.deltaprop-playground").first
        page_frame = page.query_selector("iframe.deltaprop-playground").content_frame()
        page_frame.wait_for_function("window.playground && window.playground.state", timeout=30000)
        loss_before = widget.locator("#batch-loss").inner_text()
        widget.locator("#step").click()
        page_frame.wait_for_function("window.playground.state.steps === 1")
        assert widget.locator("#steps").inner_text() == "1"
        assert widget.locator("#batch-loss").inner_text() != loss_before
        widget.locator(".node[data-layer='1'][data-neuron='2']").click()
        widget.locator("#inspector td.z").first.wait_for()
        state = page_frame.evaluate("window.playground.state")
        shown = {key: [read_number(t) for t in widget.locator(f"#inspector td.{key}").all_inner_texts()]
                 for key in ("z", "a", "delta")}

        page.query_selector("iframe.deltaprop-playground").scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(output_dir, "notebook-jupyterlab-widget.png"))
        # a new cell, typed as a student would, asks the kernel
        page.locator(".jp-Cell").last.click()
        page.keyboard.press("Escape")
        page.keyboard.press("b")
        page.keyboard.press("Enter")
        page.keyboard.type(CHECK)
        page.keyboard.press("Shift+Enter")
        output = page.locator(".jp-OutputArea-output", has_text="CHECK").last
        output.wait_for(timeout=60000)
        kernel = json.loads(output.inner_text().strip()[len("CHECK"):])
        assert kernel["steps"] == 1
        for mine, theirs in zip(kernel["w"], state["network"]["weights"]):
            np.testing.assert_array_equal(np.array(mine), np.array(theirs))      # the kernel's net = the widget's
        np.testing.assert_allclose(shown["z"], kernel["z"], rtol=5e-9)
        np.testing.assert_allclose(shown["a"], kernel["a"], rtol=5e-9)
        np.testing.assert_allclose(shown["delta"], kernel["d"], rtol=5e-9)

        # Play: the kernel trains in its own thread and streams each state to the widget over the comm
        widget.locator("#play").click()
        page_frame.wait_for_function("window.playground.state.epoch >= 2", timeout=60000)
        widget.locator("#play").click()
        page_frame.wait_for_function("!window.playground.state.playing", timeout=30000)
        page.wait_for_timeout(500)
        state = page_frame.evaluate("window.playground.state")
        page.locator(".jp-Cell").last.click()
        page.keyboard.press("Escape")
        page.keyboard.press("b")
        page.keyboard.press("Enter")
        page.keyboard.type(CHECK.replace("'CHECK'", "'AGAIN'"))
        page.keyboard.press("Shift+Enter")
        output = page.locator(".jp-OutputArea-output", has_text="AGAIN").last
        output.wait_for(timeout=60000)
        kernel = json.loads(output.inner_text().strip()[len("AGAIN"):])
        assert kernel["steps"] == state["steps"] > 1
        for mine, theirs in zip(kernel["w"], state["network"]["weights"]):
            np.testing.assert_array_equal(np.array(mine), np.array(theirs))

        assert page.locator(heading).first.evaluate(style) == before          # the notebook's heading kept its style
        assert errors == []
    finally:
        page.close()
