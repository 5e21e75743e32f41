"""``dp.playground(net, X, y)``: the playground page as a notebook widget, on the learner's network and data.

The browser tests run the widget's JavaScript and the playground page's own files in real Chromium, with real
clicks; the kernel's side is the real widget object in this process (see ``widget_harness.py``).
"""

import json
import sys

import numpy as np
import pytest

pytest.importorskip("anywidget")

import deltaprop as dp  # noqa: E402
import deltaprop.playground.api as api_module  # noqa: E402
import deltaprop.playground.event_stream as stream_module  # noqa: E402
import deltaprop.playground.server as server_module  # noqa: E402
import deltaprop.playground.notebook.widget as widget_module  # noqa: E402
from deltaprop.data import make_dataset  # noqa: E402
from deltaprop.playground import start_in_thread  # noqa: E402
from deltaprop.playground.notebook.learner import learner_dataset  # noqa: E402

from .widget_harness import frame, open_widget  # noqa: E402
from tests.page_numbers import read_number


def moons_net(seed=0):
    X, y = make_dataset("moons", 200, noise=0.1, seed=0)
    return dp.Network([2, 4, 2], ["tanh", "softmax"], loss="cross-entropy", seed=seed), X, y


def body(response):
    assert response.content_type.startswith("application/json")
    return json.loads(response.body)


# ---------------------------------------------------------------------------------------------- one protocol
def test_the_page_server_and_the_widget_speak_one_protocol():
    # both answer requests with the same routes, checks and replies: playground/api.py
    assert widget_module.Api is server_module.Api is api_module.Api
    assert widget_module.snapshot is stream_module.snapshot             # the page server's event stream
    assert widget_module.static_files is server_module.static_files
    net, X, y = moons_net()
    widget = dp.playground(net, X, y)
    assert widget.files["/static/app.js"] == server_module.static_files()["/static/app.js"][0].decode()


def test_the_same_requests_give_the_same_replies_over_http_and_widget_messages():
    import http.client
    server = start_in_thread()
    try:
        def call(method, path, payload=None):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            connection.request(method, path, body=None if payload is None else json.dumps(payload),
                               headers={"Content-Type": "application/json"})
            reply = connection.getresponse()
            return reply.status, json.loads(reply.read())

        config = {"dataset": "moons", "hidden": [3], "activations": ["tanh"], "loss": "cross-entropy",
                  "batch_size": 7, "learning_rate": 0.3, "seed": 4, "samples": 120}
        status, state = call("POST", "/api/sessions", config)
        assert status == 201
        page_session = server.api.sessions[state["session"]]
        # the widget on the very network and data the page session starts from
        net = page_session.network.copy()
        data = page_session.data
        widget = dp.playground(net, data.X_train, data.Y_train, X_test=data.X_test, y_test=data.Y_test,
                               learning_rate=0.3, batch_size=7, seed=4)
        sid, wid = state["session"], widget.session_id
        for _ in range(3):
            over_http = call("POST", f"/api/sessions/{sid}/step", {})[1]
            over_widget = body(widget.handle("POST", f"/api/sessions/{wid}/step", b"{}"))
            for key in ("steps", "epoch", "losses", "network", "batch", "history"):
                assert over_http[key] == over_widget[key], key
        request = {"layer": 1, "neuron": 2, "sample": 1}
        assert call("POST", f"/api/sessions/{sid}/neuron", request)[1] == \
            body(widget.handle("POST", f"/api/sessions/{wid}/neuron", json.dumps(request).encode()))
        assert call("GET", f"/api/sessions/{sid}/explained-step?sample=0&lang=fr")[1] == \
            body(widget.handle("GET", f"/api/sessions/{wid}/explained-step?sample=0&lang=fr"))
        # and the widget trained the learner's object itself
        np.testing.assert_array_equal(net.weights[0], np.array(over_widget["network"]["weights"][0]))
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------- the kernel side
def test_the_learners_net_is_trained_in_place_or_a_copy():
    net, X, y = moons_net()
    start = [w.copy() for w in net.weights]
    widget = net.playground(X, y)
    assert widget.network is net
    widget.handle("POST", f"/api/sessions/{widget.session_id}/epoch", b"{}")
    assert not np.array_equal(net.weights[0], start[0])
    widget.handle("POST", f"/api/sessions/{widget.session_id}/reset", b"")
    assert all(np.array_equal(a, b) for a, b in zip(net.weights, start))      # Reset: back to where it opened
    model = widget.handle("GET", f"/api/sessions/{widget.session_id}/export/model")     # the page's Export model
    assert model.status == 200 and model.body[:2] == b"PK"                              # an .npz of net
    other = dp.playground(net, X, y, copy=True)
    other.handle("POST", f"/api/sessions/{other.session_id}/epoch", b"{}")
    assert other.network is not net and all(np.array_equal(a, b) for a, b in zip(net.weights, start))


def test_settings_that_keep_the_weights_change_and_the_rest_is_refused():
    net, X, y = moons_net()
    widget = dp.playground(net, X, y)
    url = f"/api/sessions/{widget.session_id}/config"
    config = widget.session.config
    changed = body(widget.handle("POST", url, json.dumps({**config, "learning_rate": 0.3}).encode()))
    assert changed["config"]["learning_rate"] == 0.3 and widget.session.optimizer.learning_rate == 0.3
    for key, value in (("dataset", "circles"), ("hidden", [5]), ("loss", "quadratic")):
        reply = widget.handle("POST", url, json.dumps({**config, key: value}).encode())
        assert reply.status == 409 and f"change {key} in Python" in body(reply)["error"]
    assert widget.handle("POST", f"/api/sessions/{widget.session_id}/upload", b"1,2,0").status == 409
    with pytest.raises(ValueError, match="learning_rate"):
        dp.playground(net, X, y, learning_rate=-1)
    with pytest.raises(ValueError, match=r"X must be \(n, 2\)"):
        dp.playground(net, X[:, :1], y)


def test_a_missing_anywidget_is_one_line(monkeypatch):
    net, X, y = moons_net()
    monkeypatch.setitem(sys.modules, "anywidget", None)
    monkeypatch.delitem(sys.modules, "deltaprop.playground.notebook.widget")
    with pytest.raises(ImportError, match=r"^dp.playground needs anywidget: pip install 'deltaprop\[notebook\]'$"):
        dp.playground(net, X, y)


def test_more_than_two_inputs_are_named_and_drawn_by_their_first_two():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5))
    y = (X[:, 0] + X[:, 3] > 0).astype(float)
    net = dp.Network([5, 3, 1], ["relu", "sigmoid"], loss="binary-cross-entropy", seed=0)
    widget = dp.playground(net, X, y)
    state = body(widget.handle("POST", "/api/sessions", b"{}"))
    assert state["inputs"] == ["x1", "x2", "x3", "x4", "x5"] and state["network"]["sizes"] == [5, 3, 1]
    assert len(state["data"]["train"]) == 60 and state["n_classes"] == 2
    data = learner_dataset(net, X, y)
    grid = data.inputs(np.array([[0.5, -0.5]]))
    np.testing.assert_allclose(grid, [[0.5, -0.5, *X.mean(axis=0)[2:]]])


# ---------------------------------------------------------------------------------------------- in Chromium


@pytest.mark.browser
def test_step_in_the_widget_trains_the_kernels_net_and_shows_the_engines_numbers(browser, output_dir):
    net, X, y = moons_net()
    widget = dp.playground(net, X, y, batch_size=5)
    page, errors = open_widget(browser, widget)
    try:
        heading = page.evaluate("() => { const s = getComputedStyle(document.getElementById('course'));"
                                " return [s.fontSize, s.color, s.fontFamily]; }")
        page_frame = frame(page)
        loss_before = page_frame.inner_text("#batch-loss")
        start = [w.copy() for w in net.weights]
        page_frame.click("#step")
        page_frame.wait_for_function("window.playground.state.steps === 1")
        state = page_frame.evaluate("window.playground.state")
        # the kernel's net is the widget's: the weights it shows are the learner's object's, exactly
        for shown, mine in zip(state["network"]["weights"], net.weights):
            np.testing.assert_array_equal(np.array(shown), mine)
        assert not np.array_equal(start[0], net.weights[0])
        assert page_frame.inner_text("#batch-loss") != loss_before
        assert float(page_frame.inner_text("#batch-loss")) == pytest.approx(state["losses"]["batch"], abs=6e-5)
        # a neuron: z, a and δ of the batch, equal to the engine's on the weights before the step
        page_frame.click(".node[data-layer='1'][data-neuron='2']")
        page_frame.wait_for_selector("#inspector td.z")
        idx = state["batch"]["indices"]
        before = dp.Network([2, 4, 2], ["tanh", "softmax"], loss="cross-entropy")
        for layer, w, b in zip(before.layers, start, state["batch"]["biases"]):
            layer.weights[...], layer.biases[...] = w, b
        zs, acts = before.forward(X[idx])
        grads = before.backward(np.eye(2)[y[idx]], zs, acts)

        def numbers(selector):
            return [read_number(t) for t in page_frame.locator(selector).all_inner_texts()]

        np.testing.assert_allclose(numbers("#inspector td.z"), zs[0][:, 2], rtol=5e-9)
        np.testing.assert_allclose(numbers("#inspector td.a"), acts[1][:, 2], rtol=5e-9)
        np.testing.assert_allclose(numbers("#inspector td.delta"), grads.deltas[0][:, 2], rtol=5e-9)
        assert "BP2" in page_frame.inner_text("#inspector")
        # more neurons: the learner's layers change in Python; the page says so and nothing changes
        page_frame.locator("#diagram button.mini").first.click()
        page_frame.wait_for_selector("#error:not([hidden])")
        assert "change hidden layers in Python" in page_frame.inner_text("#error")      # worded by the page (field_hidden)
        assert net.sizes == [2, 4, 2]
        # the explained step opens on the same batch
        page_frame.click("#explain-step")
        page_frame.wait_for_selector("#stepper:not([hidden])")
        assert page_frame.locator("#stepper").inner_text().strip()
        page.screenshot(path=f"{output_dir}/notebook-widget-step.png", full_page=True)
        # the notebook's own heading kept its style; nothing went wrong in any console
        assert page.evaluate("() => { const s = getComputedStyle(document.getElementById('course'));"
                             " return [s.fontSize, s.color, s.fontFamily]; }") == heading
        assert heading[0] == "29px"
        assert errors == []
    finally:
        page.close()
        widget.close()


@pytest.mark.browser
def test_play_streams_the_kernels_training_and_the_next_cell_continues_from_it(browser):
    net, X, y = moons_net()
    widget = dp.playground(net, X, y, learning_rate=0.3)
    page, errors = open_widget(browser, widget)
    try:
        page_frame = frame(page)
        page_frame.click("#play")
        page_frame.wait_for_function("window.playground.state.epoch >= 5", timeout=30000)
        page_frame.click("#play")
        page_frame.wait_for_function("!window.playground.state.playing")
        page.wait_for_timeout(300)                       # the last streamed state
        state = page_frame.evaluate("window.playground.state")
        assert state["steps"] == widget.session.steps
        for shown, mine in zip(state["network"]["weights"], net.weights):
            np.testing.assert_array_equal(np.array(shown), mine)
        # "the next cell": fit continues from the weights the learner watched change
        loss_seen = net.evaluate(X, np.eye(2)[y])["loss"]
        assert loss_seen == pytest.approx(state["losses"]["train"], rel=1e-9)
        net.fit(X, y, epochs=3, batch_size=10, learning_rate=0.3, seed=0)
        assert net.evaluate(X, np.eye(2)[y])["loss"] < loss_seen
        assert errors == []
    finally:
        page.close()
        widget.close()


@pytest.mark.browser
def test_other_input_sizes_get_a_sample_table_and_the_confusion_counts(browser, output_dir):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 5))
    y = (X[:, 0] + X[:, 3] > 0).astype(np.int64)
    net = dp.Network([5, 3, 2], ["tanh", "softmax"], loss="cross-entropy", seed=0)
    widget = dp.playground(net, X, y, learning_rate=0.3)
    page, errors = open_widget(browser, widget)
    try:
        page_frame = frame(page)
        page_frame.click("#epoch-btn")
        page_frame.wait_for_function("window.playground.state.epoch === 1")
        page.wait_for_selector(".deltaprop-samples table.confusion")
        page.wait_for_timeout(300)                               # the state after the epoch, and its table
        predicted = net.predict(X).argmax(axis=1)
        confusion = np.zeros((2, 2), dtype=int)
        np.add.at(confusion, (y, predicted), 1)
        cells = page.locator(".deltaprop-samples table.confusion td").all_inner_texts()
        shown = np.array([int(c) for c in cells]).reshape(2, 3)[:, 1:]
        np.testing.assert_array_equal(shown, confusion)
        first = page.locator(".deltaprop-samples table.samples tr").nth(1).locator("td").all_inner_texts()
        assert first[0] == "0" and [float(v) for v in first[1:6]] == pytest.approx(X[0], abs=5e-5)
        assert int(first[6]) == y[0] and int(first[7]) == predicted[0]
        assert page_frame.evaluate("window.playground.state.inputs") == ["x1", "x2", "x3", "x4", "x5"]
        page_frame.select_option("#lang", "fr")          # the page's language: the table follows
        page.wait_for_selector(".deltaprop-samples [lang='fr']")
        assert page.locator(".deltaprop-samples table.samples th").all_inner_texts()[-2:] == ["cible", "prédiction"]
        assert page.locator(".deltaprop-samples table.samples tr").nth(1).locator("td").nth(1).inner_text() == \
            f"{X[0, 0]:.4f}".replace(".", ",")                  # 0,1257: French decimals
        page.screenshot(path=f"{output_dir}/notebook-widget-five-inputs.png", full_page=True)
        assert errors == []
    finally:
        page.close()
        widget.close()
