"""The small JSON API: routes, request checks, and the bounded set of sessions.

Nothing here knows about sockets: :meth:`Api.handle` takes a method, a path, a
query and the raw body, and returns a :class:`Response`.  The event stream
(Server-Sent Events) lives in :mod:`.server` because it writes as it goes.

=======  ======================================  ==========================================
method   path                                    does
=======  ======================================  ==========================================
GET      /api/options                            datasets, activations, losses, optimisers, limits
POST     /api/sessions                           create a session from a configuration
GET      /api/sessions/ID[?data=1]               its state (with the points when data=1)
POST     /api/sessions/ID/config                 new configuration (rebuilds, epoch 0)
POST     /api/sessions/ID/upload                 CSV body: x1,x2,label rows become the data
POST     /api/sessions/ID/{step,epoch,reset,play,pause}
POST     /api/sessions/ID/neuron                 {layer, neuron[, sample]}: z, a, δ, BP1–BP4
POST     /api/sessions/ID/link                   {layer, to, from}: weight and gradient
POST     /api/sessions/ID/weight                 {layer, to, from, value}: edit by hand
GET      /api/sessions/ID/export/model           the model file (deltaprop.io.persistence), with the page's rescaling
GET      /api/sessions/ID/export/example         the worked example (deltaprop.explain), HTML; ?lang=&numbering=
GET      /api/sessions/ID/explained-step         ?sample=0&lang=en&numbering=nielsen: the step in stages
GET      /api/lessons?lang=en                    the lessons: configuration, text, steps
DELETE   /api/sessions/ID                        end the session
=======  ======================================  ==========================================
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time

import numpy as np

from ..core.activations import ACTIVATIONS
from ..core.diagnostics import UNIT_HEALTH
from ..core.losses import LOSSES
from . import exports, schema
from ..teach.nudge import nudge
from ..explain import LANGUAGES
from .datasets import parse_csv
from .lessons import catalogue
from .features import FEATURES, LABELS
from .frames import output_frame
from .walkthrough import explained_step
from .neuron import neuron_report
from .messages import notice
from .schema import RequestError
from .responses import Response, dumps
from .session import Session
from .snapshot import snapshot

_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
_ACTIONS = ("step", "epoch", "reset", "play", "pause")


def json_response(payload, status=200):
    return Response(status, dumps(payload))


def error_response(message, status, code=None, params=None):
    extra = {"code": code, "params": params or {}} if code else {}
    return json_response({"error": message, "status": status, **extra}, status)


class Api:
    """Routes requests to sessions; at most ``max_sessions`` (default :data:`~.schema.MAX_SESSIONS`) live at once."""

    def __init__(self, max_sessions=schema.MAX_SESSIONS):
        self.sessions = {}
        if isinstance(max_sessions, bool) or not isinstance(max_sessions, int) or max_sessions < 1:
            raise ValueError(f"max_sessions must be a whole number of at least 1, got {max_sessions!r}")
        self.max_sessions = max_sessions
        self.lock = threading.Lock()

    # --------------------------------------------------------------- routing
    def handle(self, method, path, query, body, client=None):
        """Answer one request; every failure becomes a JSON error, never an exception.

        ``client`` (the peer's address) bounds how many sessions one client may hold.
        """
        try:
            return self._route(method, path, query, body, client)
        except RequestError as exc:
            return error_response(str(exc), exc.status, exc.code, exc.params)
        except (ValueError, TypeError) as exc:      # the engine refused a value: still the client's input
            return error_response(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 400)

    def _route(self, method, path, query, body, client=None):
        parts = [p for p in path.split("/") if p][1:]          # drop "api"
        if parts == ["options"]:
            _allow(method, "GET")
            return json_response(options())
        if parts == ["lessons"]:
            _allow(method, "GET")
            lang = query.get("lang", "en")
            if lang not in LANGUAGES:
                raise RequestError(f"unknown language {lang!r}; valid: {', '.join(LANGUAGES)}")
            return json_response({"lessons": catalogue(lang)})
        if parts == ["sessions"]:
            _allow(method, "POST")
            return self.create(parse_json(body), client)
        if len(parts) < 2 or parts[0] != "sessions":
            raise RequestError(f"no such endpoint: {path}", 404)
        session_id, rest = parts[1], parts[2:]
        session = self.get(session_id)
        if not rest:
            if method == "DELETE":
                return self.close(session_id)
            _allow(method, "GET")
            with session.lock:
                return json_response({"session": session_id, **snapshot(session, query.get("data") == "1")})
        action = "/".join(rest)
        if action.startswith("export/"):
            _allow(method, "GET")
            lang, numbering = query.get("lang", "en"), query.get("numbering", "nielsen")
            if lang not in LANGUAGES or numbering not in ("nielsen", "engine"):
                raise RequestError(f"lang must be one of {', '.join(LANGUAGES)} and numbering nielsen or engine")
            return exports.export(session, action[len("export/"):], lang, numbering)
        if action == "explained-step":             # GET ?sample=0&lang=en: the current batch's step in stages
            _allow(method, "GET")
            lang = query.get("lang", "en")
            if lang not in LANGUAGES:
                raise RequestError(f"unknown language {lang!r}; valid: {', '.join(LANGUAGES)}")
            sample = query.get("sample", "0")
            if not (sample.isascii() and sample.isdigit()) or int(sample) > schema.MAX_SAMPLES:   # "²".isdigit()
                raise RequestError(f"sample must be an integer from 0 to {schema.MAX_SAMPLES}, got {sample!r}")
            numbering = query.get("numbering", "nielsen")
            if numbering not in ("nielsen", "engine"):
                raise RequestError(f"numbering must be nielsen or engine, got {numbering!r}")
            with session.lock:
                return json_response(explained_step(session, int(sample), lang, numbering))
        _allow(method, "POST")
        if action == "upload":
            return self.upload(session_id, session, body)
        payload = parse_json(body) if body else {}
        return self.act(session_id, session, action, payload)

    # ------------------------------------------------------------- sessions
    def create(self, payload, client=None):
        """A new session for ``client``; when the store is full, room is made fairly (:meth:`_make_room`)."""
        config = schema.validate_config(payload)
        session = Session(config)
        session.client = client
        with self.lock:
            self._expire_idle()
            mine = [k for k, s in self.sessions.items() if client is not None and s.client == client]
            quota = max(1, self.max_sessions * 3 // 4)
            if len(mine) >= quota:                                  # one client never holds every slot
                oldest = min(mine, key=lambda k: self.sessions[k].last_seen)
                if time.monotonic() - self.sessions[oldest].last_seen < schema.EVICT_IDLE_SECONDS:
                    raise RequestError(f"this client holds {len(mine)} sessions already (at most {quota}); "
                                       f"close a tab and retry", 503)
                self.sessions.pop(oldest).pause()               # its own idle session makes room
            if len(self.sessions) >= self.max_sessions:
                self._make_room(client)
            session_id = secrets.token_urlsafe(12)
            self.sessions[session_id] = session
        with session.lock:
            return json_response({"session": session_id, **snapshot(session, include_data=True)}, 201)

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
                               f"playground is full); close a tab and retry", 503)
        self.sessions.pop(oldest_id).pause()

    def get(self, session_id):
        if not _SESSION_ID.match(session_id):
            raise RequestError("malformed session id", 400)
        with self.lock:
            session = self.sessions.get(session_id)
        if session is None:
            raise RequestError("no such session (it may have expired); reload the page", 404)
        session.last_seen = time.monotonic()
        return session

    def close(self, session_id):
        with self.lock:
            session = self.sessions.pop(session_id, None)
        if session is not None:
            session.pause()
        return json_response({"closed": session_id})

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

    # -------------------------------------------------------------- actions
    def act(self, session_id, session, action, payload):
        with session.lock:
            if action in _ACTIONS:
                schema.check_object(payload, set(), action)
                if action == "step":
                    session.step()
                elif action == "epoch":
                    session.run_epoch()
                else:
                    getattr(session, action)()
                if action == "reset":               # said on the page until the next action
                    session.notice = notice("reset", [])
            elif action == "config":
                session.configure(schema.validate_config(payload))
                return json_response({"session": session_id, **snapshot(session, include_data=True)})
            elif action == "neuron":
                layer, neuron = schema.neuron_ref(payload, session.network.sizes)
                sample = schema.check_int(payload.get("sample", 0), "sample", 0, schema.MAX_SAMPLES)
                network, X, Y, idx = session.current_batch()
                report = neuron_report(network, X, Y, layer, neuron, sample)
                return json_response({**report, "indices": idx.tolist(), "batch_loss": session.batch["loss"]})
            elif action == "nudge":
                layer, neuron, dz = schema.nudge_ref(payload, session.network.sizes)
                network, X, Y, _ = session.current_batch()
                result = nudge(network, X, Y, layer, neuron, dz)
                return json_response({**result.as_dict(), "nielsen_layer": layer + 1,
                                      "output": output_frame(network, session.data.extent,
                                                             nudge=(layer, neuron, dz),
                                                             inputs=session.data.inputs)})
            elif action == "link":
                return json_response(link_report(session, *schema.weight_ref(payload, session.network.sizes)))
            elif action == "weight":
                session.set_weight(*schema.weight_ref(payload, session.network.sizes, with_value=True))
            else:
                raise RequestError(f"unknown action {action!r}; valid: {', '.join(_ACTIONS)}, config, upload, "
                                   f"neuron, nudge, link, weight, export/model, export/example, explained-step (GET)", 404)
            return json_response({"session": session_id, **snapshot(session)})

    def upload(self, session_id, session, body):
        X_t = parse_csv(body)
        with session.lock:
            session.configure({**session.config, "dataset": "upload", "preset": "none"}, upload=X_t)
            return json_response({"session": session_id, **snapshot(session, include_data=True)})


def link_report(session, layer, to, frm):
    """A weight (or bias when ``frm == -1``): value now, value and gradient for the current batch.

    For a weight, also BP4's two factors averaged over the batch: the input
    ``a^{l-1}_k`` it carries and the error ``δ^l_j`` of the neuron it feeds.
    """
    network, X, Y, _ = session.current_batch()
    zs, acts = network.forward(X)
    grads = network.backward(Y, zs, acts)
    if frm < 0:
        return {"layer": layer, "to": to, "from": -1, "value": float(session.network.biases[layer - 1][to]),
                "value_before": float(network.biases[layer - 1][to]),
                "gradient": float(grads.biases[layer - 1][to])}
    return {"layer": layer, "to": to, "from": frm, "value": float(session.network.weights[layer - 1][to, frm]),
            "value_before": float(network.weights[layer - 1][to, frm]),
            "gradient": float(grads.weights[layer - 1][to, frm]),
            "a_in_mean": float(np.abs(acts[layer - 1][:, frm]).mean()),
            "delta_out_mean": float(grads.deltas[layer - 1][:, to].mean())}


def options():
    """What the page may choose from, and the limits it must respect."""
    return {
        "datasets": list(schema.DATASETS), "presets": list(schema.PRESETS),
        "activations": schema.hidden_activations(), "all_activations": list(ACTIVATIONS),
        "losses": list(LOSSES), "optimizers": schema.optimizer_names(), "defaults": schema.DEFAULTS,
        "features": list(FEATURES), "feature_labels": LABELS, "unit_health": UNIT_HEALTH.to_dict(),
        "limits": {"hidden_layers": schema.MAX_HIDDEN_LAYERS, "neurons": schema.MAX_NEURONS,
                   "samples": [schema.MIN_SAMPLES, schema.MAX_SAMPLES], "upload_bytes": schema.MAX_UPLOAD_BYTES,
                   "upload_rows": schema.MAX_UPLOAD_ROWS, "body_bytes": schema.MAX_BODY_BYTES},
    }


def parse_json(body):
    if len(body) > schema.MAX_BODY_BYTES:
        raise RequestError(f"request body larger than {schema.MAX_BODY_BYTES} bytes", 413)
    try:
        payload = json.loads(body.decode("utf-8") if body else "{}", parse_constant=_no_constants)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise RequestError(f"the body is not valid JSON ({type(exc).__name__})") from None
    return payload


def _no_constants(name):
    raise RequestError(f"{name} is not allowed in JSON numbers")


def _allow(method, *allowed):
    if method not in allowed:
        raise RequestError(f"method {method} not allowed here; use {', '.join(allowed)}", 405)
