"""A playground server on 127.0.0.1 (a free port), a tiny HTTP client for it, and the page in Chromium.

``open_page(hash, width=, lang=)`` opens the page (Debian Chromium through the ``browser`` fixture of
``tests/conftest.py``) at ``server.url + hash``, waits for its first state, and at the end of the test closes it
and fails on any script error the page raised; ``page`` is ``open_page()`` at 1400 × 1000.
"""

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


# The page ships a strict Content-Security-Policy (no eval); Playwright evaluates its probes with eval, so the tests
# bypass CSP for their own probes only.
READY = "window.playground && window.playground.state"


@pytest.fixture
def open_page(browser, server):
    opened = []

    def open_(hash="", width=1400, height=1000, lang=None, **options):
        page = browser.new_page(viewport={"width": width, "height": height}, bypass_csp=True, **options)
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        opened.append((page, errors))
        page.goto(server.url + hash)
        page.wait_for_function(READY + (f" && document.documentElement.lang === '{lang}'" if lang else ""))
        return page

    yield open_
    for page, _ in opened:
        if not page.is_closed():
            page.close()
    errors = [error for _, page_errors in opened for error in page_errors]
    assert not errors, errors


@pytest.fixture
def page(open_page):
    return open_page()


def state(page):
    """The page's latest state (what the server sent)."""
    return page.evaluate("window.playground.state")
