"""One HTTP connection: a request read under a deadline, checked (Host, Origin, size), answered.

Pages come from the server's fixed table of static files, ``/api/.../events``
opens the event stream (:mod:`.event_stream`), everything else under ``/api/``
goes to the JSON API (:mod:`.api`).  Every refusal is a JSON error with a code
the page words in the learner's language.
"""

from __future__ import annotations

import socket
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from . import schema
from .event_stream import stream
from .responses import Response, error_response

REQUEST_SECONDS = 10          # a whole request (line, headers, body) must arrive within this
MAX_URL = 2048


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
                self._send(error_response("internal error; see the server's log", 500, "internal"))
            except OSError:
                pass

    def _answer(self, method):
        if len(self.path) > MAX_URL:
            return error_response(f"URL longer than {MAX_URL} characters", 414, "url_length", {"limit": MAX_URL})
        allowed = self.server.allowed_hosts
        if allowed is not None and self.headers.get("Host", "").lower() not in allowed:
            return error_response("unexpected Host header (the playground only answers its own address)", 403, "host")
        origin = self.headers.get("Origin")
        if origin is not None and method != "GET" and urlsplit(origin).netloc != self.headers.get("Host"):
            return error_response("cross-origin requests are refused", 403, "cross_origin")
        url = urlsplit(self.path)
        if not url.path.startswith("/api/"):
            if method != "GET":
                return error_response(f"method {method} not allowed for pages", 405, "method")
            found = self.server.files.get(url.path)
            if found is None:
                return error_response(f"no such page: {url.path}", 404, "no_endpoint")
            return Response(200, found[0], found[1], {"Cache-Control": "no-cache"})
        try:
            query = dict(parse_qsl(url.query, max_num_fields=8))
        except ValueError:
            return error_response("too many query parameters", 400, "query")
        parts = url.path.strip("/").split("/")
        if method == "GET" and len(parts) == 4 and parts[1] == "sessions" and parts[3] == "events":
            return stream(self, parts[2])
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
            return error_response("chunked bodies are not accepted; send Content-Length", 411, "chunked")
        text = self.headers.get("Content-Length", "0").strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 18):   # "²".isdigit() is True: ASCII only
            self.close_connection = True
            return error_response("invalid Content-Length", 400, "content_length")
        length = int(text)
        if length > limit:
            self.close_connection = True            # do not read it: drop the connection after answering
            return error_response(f"request body of {length} bytes exceeds the limit of {limit}", 413, "body_size",
                                  {"limit": limit})
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
