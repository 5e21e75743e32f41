"""The server under hostile clients: slow sockets, odd headers, refused uploads."""

import socket
import time

import pytest

from deltaprop.playground import handler as handler_module


def _socket(server):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(b"G")                               # the first byte of a request that never completes
    return sock


def test_slow_sockets_cannot_lock_out_a_normal_client(server, client):
    """Connections trickling bytes hold every slot; a normal request still gets its page in under 2 s."""
    slow = [_socket(server) for _ in range(server.max_connections)]
    try:
        time.sleep(0.3)
        started = time.monotonic()
        status, _, body = client.raw("GET", "/")
        assert status == 200 and b"<html" in body.lower()
        assert time.monotonic() - started < 2.0
        status, _ = client.get("/api/options")
        assert status == 200
    finally:
        for sock in slow:
            sock.close()


def test_a_request_that_never_completes_is_dropped(server, monkeypatch):
    """Each byte arrives quickly (no per-read timeout fires), but the whole request has a deadline."""
    monkeypatch.setattr(handler_module, "REQUEST_SECONDS", 0.5)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    started = time.monotonic()
    try:
        for byte in b"GET / HTTP/1.1\r\nHost: x\r\n":
            sock.sendall(bytes([byte]))
            time.sleep(0.1)
        assert sock.recv(1024) == b""                # closed by the server, nothing answered
    except (ConnectionResetError, BrokenPipeError):
        pass                                         # closed while we were still sending
    finally:
        sock.close()
    assert time.monotonic() - started < 4.0


@pytest.mark.parametrize("value", ["²", "1e3", "+5", " 5x", "0x10", "-0"])
def test_content_length_is_ascii_digits_only(client, value):
    status, _, body = client.raw("POST", "/api/sessions", b"{}", {"Content-Length": value})
    assert status == 400 and b"Content-Length" in body


def test_host_header_is_case_insensitive(server, client):
    status, _, _ = client.raw("GET", "/api/options", headers={"Host": f"LOCALHOST:{server.port}"})
    assert status == 200


def test_a_refused_upload_leaves_the_session_as_it_was(client):
    state = client.session(dataset="circles")
    sid = state["session"]
    before = state["data"]["train"]
    for bad in (b"1,2,0\n3,4,0\n5,6,0\n7,8,0\n9,9,0\n",              # a single class
                b"1,2,0\n3,4,1\n"):                                  # too few rows
        status, _, _ = client.raw("POST", f"/api/sessions/{sid}/upload", bad)
        assert status == 400
    status, after = client.get(f"/api/sessions/{sid}")
    assert status == 200 and after["config"]["dataset"] == "circles"
    status, step = client.post(f"/api/sessions/{sid}/step")
    assert status == 200
    status, full = client.post(f"/api/sessions/{sid}/config", {"dataset": "circles"})
    assert full["data"]["train"] == before


def test_extreme_but_finite_uploads_are_scaled_not_broken(client):
    sid = client.session()["session"]
    rows = b"".join(f"{(-1) ** i * 1e308},{i},{i % 2}\n".encode() for i in range(20))
    status, _, _ = client.raw("POST", f"/api/sessions/{sid}/upload", rows)
    assert status == 200
    assert client.post(f"/api/sessions/{sid}/step")[0] == 200
