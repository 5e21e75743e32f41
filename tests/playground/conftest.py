"""A playground server on 127.0.0.1 (a free port) and a tiny HTTP client for it."""

import http.client
import json
from urllib.parse import urlsplit

import pytest

from deltaprop.playground import start_in_thread


class Client:
    """Raw HTTP against the server: any method, any body, any headers."""

    def __init__(self, url):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port

    def raw(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def call(self, method, path, payload=None, headers=None):
        body = None if payload is None else (payload if isinstance(payload, (bytes, str)) else json.dumps(payload))
        status, head, data = self.raw(method, path, body, {"Content-Type": "application/json", **(headers or {})})
        assert head["Content-Type"].startswith("application/json"), (status, data[:200])
        return status, json.loads(data)

    def post(self, path, payload=None):
        return self.call("POST", path, {} if payload is None else payload)

    def get(self, path):
        return self.call("GET", path)

    def session(self, **config):
        status, state = self.post("/api/sessions", config)
        assert status == 201, state
        return state


@pytest.fixture(scope="session")
def server():
    server = start_in_thread("127.0.0.1", 0)
    yield server
    server.stop()


@pytest.fixture
def client(server):
    return Client(server.url)


@pytest.fixture(autouse=True)
def fresh_sessions(server):
    """Each test starts with no sessions (the server allows only a bounded number)."""
    server.api.close_all()
    yield
    server.api.close_all()
