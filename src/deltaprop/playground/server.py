"""The server: the standard library's threading server, its connection slots, and the static files.

The requests themselves are read and answered in :mod:`.handler`; the event
stream lives in :mod:`.event_stream`; the JSON API in :mod:`.api`.

Why the standard library (see docs/playground.md): the playground is a local,
single-user teaching tool; ``http.server.ThreadingHTTPServer`` serves it with
no dependency beyond NumPy, and Server-Sent Events (plain HTTP, one
long-lived response per open page) push frames without WebSockets.

Defences, each cheap: loopback by default; a ``Host`` check against DNS
rebinding and an ``Origin`` check against cross-site posts; bounded
connections, bodies, URLs and streams; static files looked up in a fixed table
(a request never names a file on disk); every error is a JSON reply and the
server keeps serving.
"""

from __future__ import annotations

import ipaddress
import mimetypes
import socket
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from importlib import resources

from . import schema
from .api import Api
from .handler import Handler

MAX_CONNECTIONS = 64          # besides one per possible event stream (see PlaygroundServer.max_connections)


def static_files():
    """``{"/static/name": (bytes, content type)}`` for the files shipped in ``static/``."""
    table = {}
    for entry in resources.files("deltaprop.playground").joinpath("static").iterdir():
        if entry.is_file() and not entry.name.startswith("."):
            kind = mimetypes.guess_type(entry.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind.endswith("javascript"):
                kind += "; charset=utf-8"
            table["/static/" + entry.name] = (entry.read_bytes(), kind)
    table["/"] = table["/static/index.html"]
    return table


def is_loopback(host):
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class PlaygroundServer(ThreadingHTTPServer):
    """A threading HTTP server with a connection cap and the playground's state."""

    daemon_threads = True
    request_queue_size = 32

    def __init__(self, host="127.0.0.1", port=0, verbose=False, max_sessions=schema.MAX_SESSIONS):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.api = Api(max_sessions)
        super().__init__((host, port), Handler)
        self.files = static_files()
        self.verbose = verbose
        self.stopping = threading.Event()
        self.open = {}                      # handler → "reading" (a request is arriving) or "busy"
        self.open_lock = threading.Lock()
        # one open page (event stream) per session, twice over for pages reconnecting while the old stream ends
        self.max_streams = max(schema.MAX_STREAMS, 2 * max_sessions)
        self.max_connections = MAX_CONNECTIONS + self.max_streams
        self.streams = threading.BoundedSemaphore(self.max_streams)
        self.host, self.port = host, self.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self.port}/"
        self.allowed_hosts = None if not is_loopback(host) else {
            f"{name}:{self.port}".lower() for name in ("127.0.0.1", "localhost", "[::1]", shown)}

    def process_request(self, request, client_address):
        """Admit a connection; when all slots are taken, the one that has waited longest for its request goes.

        So connections that trickle bytes (or sit idle) cannot starve a client
        that sends a whole request; busy requests and streams are never evicted.
        """
        with self.open_lock:
            if len(self.open) >= self.max_connections:
                waiting = [(since, h) for h, (state, since) in self.open.items() if state == "reading"]
                if not waiting:
                    self.shutdown_request(request)
                    return
                min(waiting, key=lambda pair: pair[0])[1].expire()
        super().process_request(request, client_address)

    def handle_error(self, request, client_address):
        """A connection that broke (closed by its client, or by us at its deadline) is not an error to log."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)

    def track(self, handler, state):
        with self.open_lock:
            if state is None:
                self.open.pop(handler, None)
            else:
                self.open[handler] = (state, time.monotonic())

    def stop(self):
        """Stop serving, pause every session, wake every stream."""
        self.stopping.set()
        self.api.close_all()
        self.shutdown()
        self.server_close()


def make_server(host="127.0.0.1", port=0, verbose=False, max_sessions=schema.MAX_SESSIONS):
    """A :class:`PlaygroundServer` bound to ``host:port`` (port 0: a free one), not yet serving."""
    return PlaygroundServer(host, port, verbose, max_sessions)


def start_in_thread(host="127.0.0.1", port=0, max_sessions=schema.MAX_SESSIONS):
    """Serve in a daemon thread (tests, notebooks); returns the server; call ``server.stop()``."""
    server = make_server(host, port, max_sessions=max_sessions)
    threading.Thread(target=server.serve_forever, name="deltaprop-playground", daemon=True).start()
    return server
