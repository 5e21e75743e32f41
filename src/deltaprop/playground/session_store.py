"""The bounded set of learners' sessions: at most ``max_sessions`` at once, shared fairly between clients.

A client (one address) may hold ¾ of the slots; when the store is full, a client over its fair share gives up its
least recently seen session; sessions nobody has looked at for a while expire.
"""

from __future__ import annotations

import re
import secrets
import threading
import time

from . import schema
from .schema import RequestError

_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,40}$")


class SessionStore:
    """Sessions by id; at most ``max_sessions`` (default :data:`~.schema.MAX_SESSIONS`) live at once."""

    def __init__(self, max_sessions=schema.MAX_SESSIONS):
        if isinstance(max_sessions, bool) or not isinstance(max_sessions, int) or max_sessions < 1:
            raise ValueError(f"max_sessions must be a whole number of at least 1, got {max_sessions!r}")
        self.sessions = {}
        self.max_sessions = max_sessions
        self.lock = threading.Lock()

    def add(self, session, client=None):
        """Keep ``session`` for ``client``; returns its new id.  When the store is full, room is made fairly
        (:meth:`_make_room`); a client holding its quota gives up its own idle session, or is refused."""
        session.client = client
        with self.lock:
            self._expire_idle()
            mine = [k for k, s in self.sessions.items() if client is not None and s.client == client]
            quota = max(1, self.max_sessions * 3 // 4)
            if len(mine) >= quota:                                  # one client never holds every slot
                oldest = min(mine, key=lambda k: self.sessions[k].last_seen)
                if time.monotonic() - self.sessions[oldest].last_seen < schema.EVICT_IDLE_SECONDS:
                    raise RequestError(f"this client holds {len(mine)} sessions already (at most {quota}); "
                                       f"close a tab and retry", 503, code="client_quota", held=len(mine),
                                       quota=quota)
                self.sessions.pop(oldest).pause()               # its own idle session makes room
            if len(self.sessions) >= self.max_sessions:
                self._make_room(client)
            session_id = secrets.token_urlsafe(12)
            self.sessions[session_id] = session
        return session_id

    def fair_share(self, client=None):
        """Sessions each client may keep when the store is full: the slots divided among the clients (≥ 1)."""
        clients = {s.client for s in self.sessions.values()} | {client}
        return max(1, self.max_sessions // len(clients))

    def _make_room(self, client):
        """The store is full and ``client`` asks for a session: who gives one up.

        1. A client holding more than its fair share (:meth:`fair_share`) loses its least recently seen
           session -- even one it keeps polling, so a client cannot hold slots while others wait.
        2. Else the session unseen longest goes, if nobody has looked at it for ``EVICT_IDLE_SECONDS``.
        3. Else (everyone holds a fair share and is active) ``503``: try again shortly.
        """
        share = self.fair_share(client)
        held = {}
        for key, s in self.sessions.items():
            held.setdefault(s.client, []).append(key)
        if client is None or len(held.get(client, ())) < share:
            hog = max((c for c in held if c != client), key=lambda c: len(held[c]), default=None)
            if hog is not None and len(held[hog]) > share:
                victim = min(held[hog], key=lambda k: self.sessions[k].last_seen)
                self.sessions.pop(victim).pause()
                return
        oldest_id = min(self.sessions, key=lambda k: self.sessions[k].last_seen)
        if time.monotonic() - self.sessions[oldest_id].last_seen < schema.EVICT_IDLE_SECONDS:
            raise RequestError(f"too many sessions (at most {self.max_sessions}, {share} per client while the "
                               f"playground is full); close a tab and retry", 503, code="sessions_full",
                               limit=self.max_sessions, share=share)
        self.sessions.pop(oldest_id).pause()

    def get(self, session_id):
        """The session called ``session_id`` (seen now), or a :class:`RequestError`."""
        if not _SESSION_ID.match(session_id):
            raise RequestError("malformed session id", 400, code="bad_session")
        with self.lock:
            session = self.sessions.get(session_id)
        if session is None:
            raise RequestError("no such session (it may have expired); reload the page", 404, code="no_session")
        session.last_seen = time.monotonic()
        return session

    def close(self, session_id):
        with self.lock:
            session = self.sessions.pop(session_id, None)
        if session is not None:
            session.pause()

    def close_all(self):
        with self.lock:
            sessions, self.sessions = list(self.sessions.values()), {}
        for session in sessions:
            session.pause()

    def _expire_idle(self):
        """Sessions nobody has looked at for :data:`~.schema.SESSION_IDLE_SECONDS` are closed."""
        now = time.monotonic()
        for key in [k for k, s in self.sessions.items() if now - s.last_seen > schema.SESSION_IDLE_SECONDS]:
            self.sessions.pop(key).pause()
