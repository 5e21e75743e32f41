"""Server-Sent Events: each open page gets its session's state whenever it changes, at most 20 frames a second.

One stream per session: a newer stream (a reloaded page) replaces the older one.  A stream closes after
:data:`STREAM_SECONDS` (``EventSource`` reconnects by itself), when its session ends, or when the server stops.
"""

from __future__ import annotations

import time

from .responses import dumps, error_response
from .schema import RequestError
from .snapshot import snapshot

STREAM_SECONDS = 600          # an event stream closes after this; EventSource reconnects by itself
FRAME_INTERVAL = 0.05         # at most 20 frames per second per stream
KEEPALIVE_SECONDS = 15


def stream(handler, session_id):
    """Server-Sent Events: the session's state whenever it changes, at most 20 per second."""
    api = handler.server.api
    try:
        session = api.get(session_id)
    except RequestError as exc:
        return error_response(str(exc), exc.status, exc.code, exc.params)
    if not handler.server.streams.acquire(blocking=False):
        return error_response(f"too many open streams (at most {handler.server.max_streams})", 503, "streams_full",
                              {"limit": handler.server.max_streams})
    handler.watchdog.cancel()
    handler.server.track(handler, "busy")
    with session.changed:                       # a session has one stream: a newer one replaces this one
        session.stream_owner = owner = object()
        session.changed.notify_all()
    try:
        handler.close_connection = True
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream; charset=utf-8")
        handler.send_header("Cache-Control", "no-cache")
        handler.send_header("Connection", "close")
        handler.end_headers()
        _stream_loop(handler, api, session_id, session, owner)
    finally:
        handler.server.streams.release()
    return None

def _stream_loop(handler, api, session_id, session, owner):
    sent_version, sent_data = None, None
    deadline = time.monotonic() + STREAM_SECONDS
    while not handler.server.stopping.is_set() and time.monotonic() < deadline:
        with session.changed:
            if session.version == sent_version and session.stream_owner is owner:
                session.changed.wait(KEEPALIVE_SECONDS)
            if api.sessions.get(session_id) is not session or handler.server.stopping.is_set() \
                    or session.stream_owner is not owner:
                return
            message = b": keep-alive\n\n"
            if session.version != sent_version:
                include = session.data is not sent_data
                state = {"session": session_id, **snapshot(session, include_data=include)}
                sent_version, sent_data = session.version, session.data
                message = b"event: state\ndata: " + dumps(state) + b"\n\n"
        handler.wfile.write(message)
        handler.wfile.flush()
        session.last_seen = time.monotonic()
        time.sleep(FRAME_INTERVAL)
