"""Every endpoint of the JSON API, the malformed and oversized requests, and the server staying up."""

import json

import numpy as np
import pytest

from deltaprop import OPTIMIZERS
from deltaprop.teach import mazur
from deltaprop.playground import schema


def test_options_lists_the_registries_and_limits(client):
    status, options = client.get("/api/options")
    assert status == 200
    assert options["optimizers"] == list(OPTIMIZERS)          # new optimisers appear by themselves
    assert {"xor", "circles", "moons", "spirals", "blobs", "regression", "upload"} <= set(options["datasets"])
    assert "softmax" not in options["activations"]
    assert options["limits"]["hidden_layers"] == 6 and options["limits"]["neurons"] == 8


def test_page_and_static_files_are_served(client):
    status, head, body = client.raw("GET", "/")
    assert status == 200 and head["Content-Type"].startswith("text/html") and b"/static/app.js" in body
    for name in ("app.js", "draw.js", "diagram.js", "inspect.js", "style.css"):
        status, head, body = client.raw("GET", f"/static/{name}")
        assert status == 200 and len(body) > 100, name
    for path in ("/static/../server.py", "/static/%2e%2e/server.py", "/etc/passwd", "/static/"):
        status, _, _ = client.raw("GET", path)
        assert status == 404, path


def test_create_session_returns_state_with_points_and_pictures(client):
    state = client.session(dataset="spirals", samples=200, train_fraction=0.6, hidden=[5, 3],
                           activations=["relu", "tanh"], seed=3)
    assert state["network"]["sizes"] == [2, 5, 3, 2]
    assert state["network"]["activations"] == ["relu", "tanh", "softmax"]
    assert len(state["data"]["train"]) == 120 and len(state["data"]["test"]) == 80
    output = state["frames"]["output"]
    assert len(output["channels"]) == 2 and output["size"] ** 2 * 4 / 3 <= len(output["channels"][0]["data"]) + 4
    assert [len(layer) for layer in state["frames"]["neurons"]["layers"]] == [5, 3, 2]
    status, again = client.get(f"/api/sessions/{state['session']}")
    assert status == 200 and "data" not in again and again["version"] == state["version"]
    status, with_data = client.get(f"/api/sessions/{state['session']}?data=1")
    assert with_data["data"] == state["data"]


def test_step_is_exactly_one_engine_mini_batch(client):
    state = client.session(dataset="moons", samples=100, batch_size=7, learning_rate=0.3, optimizer="sgd")
    sid = state["session"]
    _, after = client.post(f"/api/sessions/{sid}/step")
    assert after["steps"] == state["steps"] + 1 and after["batch_in_epoch"] == 1
    batch = after["batch"]
    assert batch["trained"] and len(batch["indices"]) == 7
    assert batch["weights"] == state["network"]["weights"]          # the weights the step started from
    # Replay the step with the engine: same weights, same batch, one SGD step.
    from deltaprop import Network, SGD
    net = Network.from_weights(state["network"]["weights"], state["network"]["biases"],
                               state["network"]["activations"], loss=state["network"]["loss"])
    X = np.array([p[:2] for p in state["data"]["train"]])[batch["indices"]]
    y = np.array([p[2] for p in state["data"]["train"]])[batch["indices"]]
    loss = net.train_step(X, y, SGD(0.3))
    assert after["losses"]["batch"] == pytest.approx(loss, rel=1e-12)
    for got, want in zip(after["network"]["weights"], net.weights):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_epoch_play_pause_reset(client):
    sid = client.session(dataset="xor", samples=100, batch_size=10)["session"]
    _, state = client.post(f"/api/sessions/{sid}/step")
    _, state = client.post(f"/api/sessions/{sid}/epoch")                    # the rest of epoch 1
    assert state["epoch"] == 1 and state["steps"] == 5 and state["batch_in_epoch"] == 0
    _, state = client.post(f"/api/sessions/{sid}/epoch")                    # a whole epoch
    assert state["epoch"] == 2 and state["steps"] == 10
    _, state = client.post(f"/api/sessions/{sid}/play")
    assert state["playing"]
    for _ in range(200):                                                     # bounded wait for progress
        _, state = client.get(f"/api/sessions/{sid}")
        if state["epoch"] >= 4:
            break
    _, state = client.post(f"/api/sessions/{sid}/pause")
    assert not state["playing"] and state["epoch"] >= 4
    _, again = client.get(f"/api/sessions/{sid}")
    assert again["steps"] == state["steps"]                                  # paused means paused
    _, fresh = client.post(f"/api/sessions/{sid}/reset")
    assert fresh["epoch"] == 0 and fresh["steps"] == 0
    _, first = client.post("/api/sessions", {"dataset": "xor", "samples": 100, "batch_size": 10})
    assert fresh["network"]["weights"] == first["network"]["weights"]        # same seed, same network


def test_mazur_preset_reproduces_the_tutorial(client):
    state = client.session(preset="mazur")
    assert state["network"]["sizes"] == [2, 2, 2] and state["config"]["learning_rate"] == 0.5
    assert state["network"]["train_biases"] == [False, False]
    _, after = client.post(f"/api/sessions/{state['session']}/step")
    assert round(after["losses"]["batch"], 9) == mazur.PRINTED["E_total"]
    (w1, w2), (w3, w4) = after["network"]["weights"][0]
    (w5, w6), (w7, w8) = after["network"]["weights"][1]
    for name, value in {"w1+": w1, "w2+": w2, "w3+": w3, "w4+": w4, "w5+": w5, "w6+": w6, "w7+": w7,
                        "w8+": w8}.items():
        assert value == pytest.approx(mazur.PRINTED[name], abs=6e-9), name
    assert after["network"]["biases"] == [[0.35, 0.35], [0.6, 0.6]]
    assert after["losses"]["train"] == pytest.approx(mazur.EXACT_AFTER_ONE_STEP, abs=1e-9)


def test_neuron_report_equals_the_engine(client):
    state = client.session(dataset="circles", samples=60, batch_size=4, hidden=[3], activations=["sigmoid"],
                           loss="quadratic")
    sid = state["session"]
    _, state = client.post(f"/api/sessions/{sid}/step")
    from deltaprop import Network
    batch = state["batch"]
    net = Network.from_weights(batch["weights"], batch["biases"], state["network"]["activations"], loss="quadratic")
    _, full = client.get(f"/api/sessions/{sid}?data=1")
    X = np.array([p[:2] for p in full["data"]["train"]])[batch["indices"]]
    Y = np.array([p[2] for p in full["data"]["train"]], dtype=float)[batch["indices"]]
    zs, acts = net.forward(X)
    grads = net.backward(Y, zs, acts)
    for layer, neuron in ((1, 2), (2, 0)):
        status, report = client.post(f"/api/sessions/{sid}/neuron", {"layer": layer, "neuron": neuron, "sample": 1})
        assert status == 200
        np.testing.assert_allclose(report["z"], zs[layer - 1][:, neuron], rtol=1e-12)
        np.testing.assert_allclose(report["a"], acts[layer][:, neuron], rtol=1e-12)
        np.testing.assert_allclose(report["delta"], grads.deltas[layer - 1][:, neuron], rtol=1e-12)
        np.testing.assert_allclose(report["bp4"]["gradients"], grads.weights[layer - 1][neuron], rtol=1e-12)
        assert report["bp3"]["gradient"] == pytest.approx(grads.biases[layer - 1][neuron], rel=1e-12)
    hidden = client.post(f"/api/sessions/{sid}/neuron", {"layer": 1, "neuron": 2, "sample": 1})[1]
    bp2 = hidden["bp2"]                        # BP2 term by term: (Σ_k w_k2 δ_k) σ'(z) = δ
    assert bp2["sum"] == pytest.approx(np.dot(bp2["weights"], bp2["deltas"]), rel=1e-12)
    assert bp2["sum"] * hidden["derivative"] == pytest.approx(grads.deltas[0][1, 2], rel=1e-12)
    assert bp2["delta"] == pytest.approx(grads.deltas[0][1, 2], rel=1e-12)


def test_link_and_weight_edit(client):
    sid = client.session(dataset="xor", samples=40, hidden=[2], activations=["tanh"])["session"]
    status, link = client.post(f"/api/sessions/{sid}/link", {"layer": 1, "to": 1, "from": 0})
    assert status == 200 and set(link) >= {"value", "gradient", "value_before"}
    status, state = client.post(f"/api/sessions/{sid}/weight", {"layer": 1, "to": 1, "from": 0, "value": 2.5})
    assert status == 200 and state["network"]["weights"][0][1][0] == 2.5
    _, state = client.post(f"/api/sessions/{sid}/weight", {"layer": 2, "to": 0, "from": -1, "value": -0.25})
    assert state["network"]["biases"][1][0] == -0.25
    _, link = client.post(f"/api/sessions/{sid}/link", {"layer": 1, "to": 1, "from": 0})
    assert link["value"] == 2.5 == link["value_before"]          # the next batch starts from the edit


def test_config_change_and_delete(client):
    sid = client.session()["session"]
    status, state = client.post(f"/api/sessions/{sid}/config", {"dataset": "blobs", "hidden": [8] * 6,
                                                                "activations": ["relu"] * 6, "optimizer": "adam",
                                                                "learning_rate": 0.01, "l2": 0.1})
    assert status == 200 and state["n_classes"] == 3 and state["network"]["sizes"] == [2] + [8] * 6 + [3]
    assert "data" in state
    status, _ = client.post(f"/api/sessions/{sid}/step")
    assert status == 200
    status, state = client.post(f"/api/sessions/{sid}/config", {"dataset": "regression", "loss": "quadratic"})
    assert state["task"] == "regression" and state["network"]["activations"][-1] == "linear"
    status, _ = client.call("DELETE", f"/api/sessions/{sid}")
    assert status == 200
    assert client.get(f"/api/sessions/{sid}")[0] == 404


CSV = b"x1,x2,label\n" + b"".join(f"{i % 7 - 3},{i % 5 - 2},{i % 2}\n".encode() for i in range(40))


def test_csv_upload(client):
    sid = client.session(train_fraction=0.5)["session"]
    status, head, body = client.raw("POST", f"/api/sessions/{sid}/upload", CSV, {"Content-Type": "text/csv"})
    state = json.loads(body)
    assert status == 200, state
    assert state["config"]["dataset"] == "upload" and len(state["data"]["train"]) == 20
    assert max(abs(v) for p in state["data"]["train"] for v in p[:2]) <= 1.0      # rescaled to [-1, 1]
    for bad, fragment in ((b"1,2\n3,4\n", "3 columns"), (b"a,b,c\n1,2,x\n", "not a number"),
                          (b"1,2,nan\n" * 5, "missing value"), (b"\xff\xfe", "UTF-8"), (b"1,2,3\n", "at least 4")):
        status, _, body = client.raw("POST", f"/api/sessions/{sid}/upload", bad)
        assert status == 400 and fragment in json.loads(body)["error"], bad
    too_many = b"".join(f"{i},{i},{i % 2}\n".encode() for i in range(schema.MAX_UPLOAD_ROWS + 1))
    assert client.raw("POST", f"/api/sessions/{sid}/upload", too_many)[0] == 413
    fresh = client.session()["session"]
    assert client.post(f"/api/sessions/{fresh}/config", {"dataset": "upload"})[0] == 409


def test_export_model_round_trips(client, tmp_path):
    persistence = pytest.importorskip("deltaprop.io.persistence")
    sid = client.session(dataset="xor", samples=40)["session"]
    client.post(f"/api/sessions/{sid}/epoch")
    status, head, body = client.raw("GET", f"/api/sessions/{sid}/export/model")
    assert status == 200 and "attachment" in head["Content-Disposition"]
    path = tmp_path / head["Content-Disposition"].split('filename="')[1].rstrip('"')
    path.write_bytes(body)
    net = persistence.load_model(str(path))
    _, state = client.get(f"/api/sessions/{sid}")
    for got, want in zip(net.weights, state["network"]["weights"]):
        np.testing.assert_allclose(got, want, rtol=1e-15)
    assert persistence.read_metadata(str(path))["metadata"]["config"]["dataset"] == "xor"


def test_export_worked_example(client):
    pytest.importorskip("deltaprop.explain")
    sid = client.session(preset="mazur")["session"]
    status, head, body = client.raw("GET", f"/api/sessions/{sid}/export/example")
    assert status == 200 and head["Content-Type"].startswith("text/html")
    assert b"0.298371109" in body


def test_stalled_training_gets_a_hint():
    """When the training loss has not gone down for 20 epochs the state says so, naming η."""
    from deltaprop.playground.schema import validate_config
    from deltaprop.playground.session import Session
    session = Session(validate_config({"dataset": "circles", "learning_rate": 10.0}))
    session.epoch = 40
    session.history = [[e, 20.0 - 0.1 * min(e, 15), 20.0] for e in range(41)]     # stuck since epoch 15
    assert "the learning rate 10 may be too large" in session.hint()["text"]
    assert session.hint()["kind"] == "stall_large_eta"
    session.history = [[e, 20.0 - 0.1 * e, 20.0] for e in range(41)]               # still going down
    assert session.hint() is None
    session.epoch = 5
    assert session.hint() is None                                                  # too early to tell


def test_a_live_change_keeps_the_weights_and_leaves_a_marker(client):
    sid = client.session(dataset="moons")["session"]
    for _ in range(3):
        client.post(f"/api/sessions/{sid}/step")
    status, before = client.get(f"/api/sessions/{sid}")
    status, after = client.post(f"/api/sessions/{sid}/config", {**before["config"], "learning_rate": 0.3,
                                                                 "batch_size": 20, "optimizer": "momentum"})
    assert status == 200 and after["steps"] == 3
    assert after["network"]["weights"] == before["network"]["weights"]
    assert after["markers"][-1][1] == "η 0.3, optimiser momentum, batch size 20"
    assert "η 0.03 → 0.3" in after["notice"]["text"] and after["notice"]["kind"] == "live"
    status, restarted = client.post(f"/api/sessions/{sid}/config", {**after["config"], "hidden": [5, 2]})
    assert restarted["steps"] == 0 and restarted["markers"] == [] and "Restarted" in restarted["notice"]["text"]
    assert restarted["notice"]["changes"] == [["hidden", "4,2", "5,2"]]           # names the change that did it
    status, stepped = client.post(f"/api/sessions/{sid}/step")
    assert stepped["notice"] is None                                              # a notice lasts until the next action


def test_a_loss_that_keeps_the_output_layer_keeps_the_weights(client):
    """Quadratic ↔ binary cross-entropy share the sigmoid output: same weights; cross-entropy needs softmax: a restart."""
    sid = client.session(dataset="circles", hidden=[3], activations=["sigmoid"], loss="quadratic")["session"]
    for _ in range(3):
        client.post(f"/api/sessions/{sid}/step")
    status, before = client.get(f"/api/sessions/{sid}")
    status, after = client.post(f"/api/sessions/{sid}/config", {**before["config"], "loss": "binary-cross-entropy"})
    assert status == 200 and after["steps"] == 3 and after["network"]["weights"] == before["network"]["weights"]
    assert after["network"]["loss"] == "binary-cross-entropy" and after["notice"]["kind"] == "live"
    status, softmax = client.post(f"/api/sessions/{sid}/config", {**after["config"], "loss": "cross-entropy"})
    assert softmax["steps"] == 0 and softmax["notice"]["kind"] == "restarted"
    assert softmax["notice"]["changes"] == [["loss", "binary-cross-entropy", "cross-entropy"]]
    status, reseeded = client.post(f"/api/sessions/{sid}/config", {**softmax["config"], "seed": 4})
    assert reseeded["notice"]["changes"] == [["seed", 0, 4]]


def test_the_explained_step_names_a_bad_sample_parameter(client):
    sid = client.session()["session"]
    from urllib.parse import quote
    for bad in ("²", "-1", "x", "5000"):
        status, body = client.get(f"/api/sessions/{sid}/explained-step?sample={quote(bad)}")
        assert status == 400 and body["error"].startswith("sample must be an integer from 0 to"), (bad, body)


def test_nine_classes_in_a_csv_name_the_limit_of_eight(client):
    sid = client.session()["session"]
    rows = "\n".join(f"{i % 7}.5,{i % 5}.25,{i % 9}" for i in range(60))
    status, head, body = client.raw("POST", f"/api/sessions/{sid}/upload", rows.encode(), {"Content-Type": "text/csv"})
    import json as _json
    body = _json.loads(body)
    assert status == 400 and "9 classes" in body["error"] and "at most 8" in body["error"]
    assert body["code"] == "too_many_classes" and body["params"] == {"classes": 9, "limit": 8}


def test_a_stall_from_vanishing_gradients_does_not_blame_the_learning_rate():
    from deltaprop.playground.schema import validate_config
    from deltaprop.playground.session import Session
    session = Session(validate_config({"dataset": "circles", "hidden": [8] * 6, "activations": ["sigmoid"] * 6,
                                       "loss": "quadratic", "learning_rate": 0.03}))
    session.epoch = 40
    session.history = [[e, 0.25, 0.25] for e in range(41)]
    hint = session.hint()
    assert hint["kind"] == "stall_vanishing" and "vanishing" in hint["text"] and "too large" not in hint["text"]
    assert hint["factor"] >= 100
    session.diagnostics[-1][1][0] = session.diagnostics[-1][1][-1] / 3       # later on the plateau: no gap left
    hint = session.hint()
    assert hint["kind"] == "stall_deep_sigmoid" and hint["layers"] == 6 and "too large" not in hint["text"]


@pytest.mark.parametrize("name", ["plane", "gaussians"])
def test_the_two_regression_sets_train(client, name):
    """TensorFlow Playground's plane and multi-Gaussian sets: a regression task that a small network fits."""
    state = client.session(dataset=name, loss="quadratic", hidden=[6], activations=["tanh"], learning_rate=0.1,
                           noise=0.0)
    sid = state["session"]
    assert state["task"] == "regression" and state["network"]["sizes"][-1] == 1
    start = state["losses"]["test"]
    for _ in range(30):
        status, state = client.post(f"/api/sessions/{sid}/epoch")
    assert state["losses"]["test"] < 0.5 * start, (start, state["losses"]["test"])
    status, body = client.post(f"/api/sessions/{sid}/config", {**state["config"], "loss": "cross-entropy"})
    assert status == 400 and body["code"] == "regression_loss"
