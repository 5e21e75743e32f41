"""Malformed, oversized and hostile requests: each gets a 4xx JSON error and the server keeps serving."""

import json
import socket

import pytest

from deltaprop.playground import schema
from deltaprop.playground.api import Api


def assert_still_serving(client):
    status, options = client.get("/api/options")
    assert status == 200 and options["optimizers"]


@pytest.mark.parametrize("config, fragment", [
    ({"dataset": "mnist"}, "dataset must be one of"),
    ({"colour": "red"}, "unknown field 'colour'"),
    ({"hidden": [4] * 7, "activations": ["tanh"] * 7}, "at most 6"),
    ({"hidden": [9], "activations": ["tanh"]}, "between 1 and 8"),
    ({"hidden": [0], "activations": ["tanh"]}, "between 1 and 8"),
    ({"hidden": [2, 2], "activations": ["tanh"]}, "one name per hidden layer"),
    ({"hidden": [2], "activations": ["softmax"]}, "every hidden activation"),
    ({"hidden": "4,2"}, "list"),
    ({"samples": 10**9}, "samples must be between"),
    ({"samples": 100.5}, "integer"),
    ({"samples": True}, "integer"),
    ({"noise": -1}, "noise must be between"),
    ({"learning_rate": 0}, "learning_rate must be between"),
    ({"learning_rate": "fast"}, "finite number"),
    ({"optimizer": "rmsprop2"}, "optimizer must be one of"),
    ({"loss": "hinge"}, "loss must be one of"),
    ({"batch_size": 0}, "batch_size"),
    ({"seed": -1}, "seed"),
    ({"dataset": "regression", "loss": "cross-entropy"}, "quadratic"),
    ({"preset": "lecun"}, "preset"),
])
def test_bad_configuration_is_a_400_naming_the_field(client, config, fragment):
    status, error = client.post("/api/sessions", config)
    assert status == 400 and fragment in error["error"], error


@pytest.mark.parametrize("body", [b"{", b"[1, 2]", b'"text"', b"null", b'{"noise": NaN}', b'{"noise": Infinity}',
                                  b"\xff\xfe{}", b"[" * 50_000])
def test_malformed_json_is_a_400(client, body):
    status, error = client.call("POST", "/api/sessions", body)
    assert status in (400, 413) and error["error"], body[:20]
    assert_still_serving(client)


def test_oversized_bodies_are_refused_unread(client):
    status, error = client.call("POST", "/api/sessions", b"x" * (schema.MAX_BODY_BYTES + 1))
    assert status == 413 and "exceeds" in error["error"]
    sid = client.session()["session"]
    status, _, body = client.raw("POST", f"/api/sessions/{sid}/upload", b"1,2,0\n" * (schema.MAX_UPLOAD_BYTES // 6 + 1))
    assert status == 413
    # A lie: a huge Content-Length with a tiny body must not make the server wait or allocate.
    status, _, body = client.raw("POST", "/api/sessions", b"{}", {"Content-Length": str(10**12)})
    assert status == 413
    status, _, body = client.raw("POST", "/api/sessions", b"{}", {"Content-Length": "-5"})
    assert status == 400
    assert_still_serving(client)


def test_bad_actions_and_references(client):
    sid = client.session(hidden=[3], activations=["tanh"])["session"]
    cases = [
        ("POST", f"/api/sessions/{sid}/neuron", {"layer": 3, "neuron": 0}, 400),
        ("POST", f"/api/sessions/{sid}/neuron", {"layer": 1, "neuron": 3}, 400),
        ("POST", f"/api/sessions/{sid}/neuron", {"layer": 1}, 400),
        ("POST", f"/api/sessions/{sid}/neuron", {"layer": 1, "neuron": 0, "extra": 1}, 400),
        ("POST", f"/api/sessions/{sid}/link", {"layer": 1, "to": 0, "from": 2}, 400),
        ("POST", f"/api/sessions/{sid}/weight", {"layer": 1, "to": 0, "from": 0}, 400),
        ("POST", f"/api/sessions/{sid}/weight", {"layer": 1, "to": 0, "from": 0, "value": 1e9}, 400),
        ("POST", f"/api/sessions/{sid}/weight", {"layer": 1, "to": 0, "from": 0, "value": "1"}, 400),
        ("POST", f"/api/sessions/{sid}/step", {"times": 1000}, 400),
        ("POST", f"/api/sessions/{sid}/explode", {}, 404),
        ("GET", f"/api/sessions/{sid}/export/weights", None, 404),
        ("GET", f"/api/sessions/{sid}/step", None, 405),
        ("PUT", f"/api/sessions/{sid}", {}, 405),
        ("POST", "/api/options", {}, 405),
        ("GET", "/api/sessions/short", None, 400),
        ("GET", "/api/sessions/" + "A" * 30, None, 404),
        ("GET", "/api/nothing", None, 404),
        ("POST", "/", {}, 405),
    ]
    for method, path, payload, expected in cases:
        status, error = client.call(method, path, payload)
        assert status == expected and error["error"], (method, path, payload, status, error)
    assert_still_serving(client)


def test_host_origin_and_url_checks(client):
    status, _, body = client.raw("GET", "/api/options", headers={"Host": "evil.example:80"})
    assert status == 403 and b"Host" in body                        # DNS rebinding
    status, _, _ = client.raw("POST", "/api/sessions", b"{}", {"Origin": "http://evil.example"})
    assert status == 403                                            # cross-site post
    status, _, _ = client.raw("GET", "/api/options?" + "x" * 3000)
    assert status == 414
    status, _, _ = client.raw("GET", "/api/options?" + "&".join(f"k{i}=1" for i in range(20)))
    assert status == 400
    status, _, _ = client.raw("POST", "/api/sessions", b"{}", {"Transfer-Encoding": "chunked"})
    assert status == 411
    assert_still_serving(client)


def test_garbage_on_the_socket_does_not_stop_the_server(client):
    for junk in (b"\x00\x01\x02\r\n\r\n", b"GET\r\n\r\n", b"HELLO / HTTP/9.9\r\n\r\n", b"GET /" + b"a" * 70_000 + b"\r\n"):
        with socket.create_connection((client.host, client.port), timeout=5) as sock:
            sock.sendall(junk)
            try:
                sock.recv(1024)
            except OSError:
                pass
    with socket.create_connection((client.host, client.port), timeout=5):
        pass                                                         # connect and hang up without a word
    assert_still_serving(client)


def test_event_stream_sends_state_then_follows_changes(client):
    sid = client.session(dataset="xor", samples=40)["session"]
    with socket.create_connection((client.host, client.port), timeout=10) as sock:
        sock.sendall(f"GET /api/sessions/{sid}/events HTTP/1.1\r\nHost: 127.0.0.1:{client.port}\r\n\r\n".encode())
        stream = sock.makefile("rb")
        assert b"200" in stream.readline()
        events = []
        for _ in range(2000):                                         # bounded read
            line = stream.readline()
            if line.startswith(b"data: "):
                events.append(json.loads(line[6:]))
                if len(events) == 1:
                    assert "data" in events[0]                        # the points come first, once
                    client.post(f"/api/sessions/{sid}/step")
                elif events[-1]["steps"] == 1:
                    break
        assert events[0]["steps"] == 0 and events[-1]["steps"] == 1 and "data" not in events[-1]
    assert client.raw("GET", "/api/sessions/nonexistent-session-id/events")[0] == 404


def test_session_count_is_bounded():
    api = Api(max_sessions=2)
    for _ in range(2):
        assert api.handle("POST", "/api/sessions", {}, b"{}").status == 201
    response = api.handle("POST", "/api/sessions", {}, b"{}")
    assert response.status == 503 and b"too many sessions" in response.body
    for session in api.sessions.values():
        session.last_seen -= 120                                      # idle for two minutes: may be evicted
    assert api.handle("POST", "/api/sessions", {}, b"{}").status == 201 and len(api.sessions) == 2
    api.close_all()


def test_divergence_pauses_and_keeps_finite_weights(client):
    state = client.session(dataset="regression", loss="quadratic", learning_rate=10.0, batch_size=1,
                           hidden=[8, 8], activations=["relu", "relu"], samples=40)
    sid = state["session"]
    status = 200
    for _ in range(200):                                              # bounded: diverges within a few epochs
        status, reply = client.post(f"/api/sessions/{sid}/epoch")
        if status != 200:
            break
    assert status == 409 and "diverged" in reply["error"]
    _, state = client.get(f"/api/sessions/{sid}")
    assert state["error"] and not state["playing"]
    assert all(abs(w) < float("inf") for layer in state["network"]["weights"] for row in layer for w in row)
    assert_still_serving(client)
