"""HTTP plumbing: the standard library's threading server, static files, and the event stream.

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
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qsl, urlsplit

from . import schema
from .api import Api, error_response
from .responses import Response, dumps
from .snapshot import snapshot

MAX_CONNECTIONS = 64          # besides one per possible event stream (see PlaygroundServer.max_connections)
REQUEST_SECONDS = 10          # a whole request (line, headers, body) must arrive within this
MAX_URL = 2048
STREAM_SECONDS = 600          # an event stream closes after this; EventSource reconnects by itself
FRAME_INTERVAL = 0.05         # at most 20 frames per second per stream
KEEPALIVE_SECONDS = 15


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


class Handler(BaseHTTPRequestHandler):
    server_version = "deltaprop-playground"
    protocol_version = "HTTP/1.1"
    timeout = REQUEST_SECONDS               # per read; the whole request also has REQUEST_SECONDS (a watchdog)

    def setup(self):
        super().setup()
        self.server.track(self, "reading")

    def finish(self):
        self.server.track(self, None)
        super().finish()

    def expire(self):
        """Close this connection now (its request did not arrive in time, or its slot is needed)."""
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def handle_one_request(self):
        """One request, read under a deadline for the whole of it (headers and body), not per read."""
        self.server.track(self, "reading")
        self.watchdog = threading.Timer(REQUEST_SECONDS, self.expire)
        self.watchdog.daemon = True
        self.watchdog.start()
        try:
            super().handle_one_request()
        finally:
            self.watchdog.cancel()

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def log_message(self, format, *args):
        if self.server.verbose:
            super().log_message(format, *args)

    # ------------------------------------------------------------------
    def _dispatch(self, method):
        try:
            self._send(self._answer(method))
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True
        except Exception:                   # a bug must not stop the server: log it, answer 500
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            try:
                self._send(error_response("internal error; see the server's log", 500))
            except OSError:
                pass

    def _answer(self, method):
        if len(self.path) > MAX_URL:
            return error_response(f"URL longer than {MAX_URL} characters", 414)
        allowed = self.server.allowed_hosts
        if allowed is not None and self.headers.get("Host", "").lower() not in allowed:
            return error_response("unexpected Host header (the playground only answers its own address)", 403)
        origin = self.headers.get("Origin")
        if origin is not None and method != "GET" and urlsplit(origin).netloc != self.headers.get("Host"):
            return error_response("cross-origin requests are refused", 403)
        url = urlsplit(self.path)
        if not url.path.startswith("/api/"):
            if method != "GET":
                return error_response(f"method {method} not allowed for pages", 405)
            found = self.server.files.get(url.path)
            if found is None:
                return error_response(f"no such page: {url.path}", 404)
            return Response(200, found[0], found[1], {"Cache-Control": "no-cache"})
        try:
            query = dict(parse_qsl(url.query, max_num_fields=8))
        except ValueError:
            return error_response("too many query parameters", 400)
        parts = url.path.strip("/").split("/")
        if method == "GET" and len(parts) == 4 and parts[1] == "sessions" and parts[3] == "events":
            return self._stream(parts[2])
        limit = schema.MAX_UPLOAD_BYTES if parts[-1] == "upload" else schema.MAX_BODY_BYTES
        body = self._read_body(limit)
        if isinstance(body, Response):
            return body
        self.watchdog.cancel()                      # the whole request is in: now it is work, not waiting
        self.server.track(self, "busy")
        return self.server.api.handle(method, url.path, query, body, client=self.client_address[0])

    def _read_body(self, limit):
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return error_response("chunked bodies are not accepted; send Content-Length", 411)
        text = self.headers.get("Content-Length", "0").strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 18):   # "²".isdigit() is True: ASCII only
            self.close_connection = True
            return error_response("invalid Content-Length", 400)
        length = int(text)
        if length > limit:
            self.close_connection = True            # do not read it: drop the connection after answering
            return error_response(f"request body of {length} bytes exceeds the limit of {limit}", 413)
        return self.rfile.read(length) if length else b""

    def _send(self, response):
        if response is None:                        # the event stream answered already
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if response.content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                                        "img-src 'self' data: blob:")
        for name, value in response.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(response.body)

    # ------------------------------------------------------------------ SSE
    def _stream(self, session_id):
        """Server-Sent Events: the session's state whenever it changes, at most 20 per second."""
        api = self.server.api
        try:
            session = api.get(session_id)
        except schema.RequestError as exc:
            return error_response(str(exc), exc.status)
        if not self.server.streams.acquire(blocking=False):
            return error_response(f"too many open streams (at most {self.server.max_streams})", 503)
        self.watchdog.cancel()
        self.server.track(self, "busy")
        with session.changed:                       # a session has one stream: a newer one replaces this one
            session.stream_owner = owner = object()
            session.changed.notify_all()
        try:
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self._stream_loop(api, session_id, session, owner)
        finally:
            self.server.streams.release()
        return None

    def _stream_loop(self, api, session_id, session, owner):
        sent_version, sent_data = None, None
        deadline = time.monotonic() + STREAM_SECONDS
        while not self.server.stopping.is_set() and time.monotonic() < deadline:
            with session.changed:
                if session.version == sent_version and session.stream_owner is owner:
                    session.changed.wait(KEEPALIVE_SECONDS)
                if api.sessions.get(session_id) is not session or self.server.stopping.is_set() \
                        or session.stream_owner is not owner:
                    return
                message = b": keep-alive\n\n"
                if session.version != sent_version:
                    include = session.data is not sent_data
                    state = {"session": session_id, **snapshot(session, include_data=include)}
                    sent_version, sent_data = session.version, session.data
                    message = b"event: state\ndata: " + dumps(state) + b"\n\n"
            self.wfile.write(message)
            self.wfile.flush()
            session.last_seen = time.monotonic()
            time.sleep(FRAME_INTERVAL)


def make_server(host="127.0.0.1", port=0, verbose=False, max_sessions=schema.MAX_SESSIONS):
    """A :class:`PlaygroundServer` bound to ``host:port`` (port 0: a free one), not yet serving."""
    return PlaygroundServer(host, port, verbose, max_sessions)


def start_in_thread(host="127.0.0.1", port=0, max_sessions=schema.MAX_SESSIONS):
    """Serve in a daemon thread (tests, notebooks); returns the server; call ``server.stop()``."""
    server = make_server(host, port, max_sessions=max_sessions)
    threading.Thread(target=server.serve_forever, name="deltaprop-playground", daemon=True).start()
    return server
