"""The small JSON API: routes, request checks, and the bounded set of sessions.

Nothing here knows about sockets: :meth:`Api.handle` takes a method, a path, a
query and the raw body, and returns a :class:`Response`.  The event stream
(Server-Sent Events) lives in :mod:`.event_stream` because it writes as it goes;
the sessions are kept in :class:`~.session_store.SessionStore`.  Every error is
``{"error": English, "status", "code", "params"}``: the page words ``code`` with
``params`` in the learner's language (``static/words-<lang>.json``, ``error_<code>``).

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

from . import exports, schema
from ..teach.nudge import nudge
from ..explain import LANGUAGES
from .datasets import parse_csv
from .lessons import catalogue
from .frames import output_frame
from .walkthrough import explained_step
from .inspector_report import link_report, session_neuron_report
from .messages import notice
from .options import options
from .schema import RequestError
from .responses import error_response, json_response
from .session import Session
from .session_store import SessionStore
from .snapshot import snapshot

_ACTIONS = ("step", "epoch", "reset", "play", "pause")


class Api(SessionStore):
    """The JSON API over a :class:`~.session_store.SessionStore` of at most ``max_sessions`` sessions."""

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
            return error_response(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 400, "refused_value")

    def _route(self, method, path, query, body, client=None):
        parts = [p for p in path.split("/") if p][1:]          # drop "api"
        if parts == ["options"]:
            _allow(method, "GET")
            return json_response(options())
        if parts == ["lessons"]:
            _allow(method, "GET")
            return json_response({"lessons": catalogue(_language(query))})
        if parts == ["sessions"]:
            _allow(method, "POST")
            return self.create(parse_json(body), client)
        if len(parts) < 2 or parts[0] != "sessions":
            raise RequestError(f"no such endpoint: {path}", 404, code="no_endpoint")
        session_id, rest = parts[1], parts[2:]
        session = self.get(session_id)
        if not rest:
            if method == "DELETE":
                self.close(session_id)
                return json_response({"closed": session_id})
            _allow(method, "GET")
            with session.lock:
                return json_response({"session": session_id, **snapshot(session, query.get("data") == "1")})
        action = "/".join(rest)
        if action.startswith("export/") or action == "explained-step":
            _allow(method, "GET")
            return self.read(session, action, query)
        _allow(method, "POST")
        if action == "upload":
            return self.upload(session_id, session, body)
        payload = parse_json(body) if body else {}
        return self.act(session_id, session, action, payload)

    # ------------------------------------------------------------- sessions
    def create(self, payload, client=None):
        """A new session for ``client`` from a configuration (room made fairly when the store is full)."""
        session = Session(schema.validate_config(payload))
        session_id = self.add(session, client)
        with session.lock:
            return json_response({"session": session_id, **snapshot(session, include_data=True)}, 201)

    # -------------------------------------------------------------- actions
    def read(self, session, action, query):
        """``export/model``, ``export/example`` and ``explained-step`` (``?sample=&lang=&numbering=``)."""
        lang, numbering = _language(query), query.get("numbering", "nielsen")
        if numbering not in ("nielsen", "engine"):
            raise RequestError(f"numbering must be nielsen or engine, got {numbering!r}", code="not_a_choice",
                               field="numbering", value=numbering[:40])
        if action.startswith("export/"):
            return exports.export(session, action[len("export/"):], lang, numbering)
        sample = query.get("sample", "0")
        if not (sample.isascii() and sample.isdigit()) or int(sample) > schema.MAX_SAMPLES:   # "²".isdigit()
            raise RequestError(f"sample must be an integer from 0 to {schema.MAX_SAMPLES}, got {sample!r}",
                               code="not_integer", field="sample", lo=0, hi=schema.MAX_SAMPLES)
        with session.lock:
            return json_response(explained_step(session, int(sample), lang, numbering))

    def act(self, session_id, session, action, payload):
        with session.lock:
            if action in _ACTIONS:
                schema.check_object(payload, set(), action)
                getattr(session, "run_epoch" if action == "epoch" else action)()
                if action == "reset":               # said on the page until the next action
                    session.notice = notice("reset", [])
            elif action == "config":
                session.configure(schema.validate_config(payload))
                return json_response({"session": session_id, **snapshot(session, include_data=True)})
            elif action == "neuron":
                layer, neuron = schema.neuron_ref(payload, session.network.sizes)
                sample = schema.check_int(payload.get("sample", 0), "sample", 0, schema.MAX_SAMPLES)
                return json_response(session_neuron_report(session, layer, neuron, sample))
            elif action == "nudge":
                return json_response(nudge_report(session, *schema.nudge_ref(payload, session.network.sizes)))
            elif action == "link":
                return json_response(link_report(session, *schema.weight_ref(payload, session.network.sizes)))
            elif action == "weight":
                session.set_weight(*schema.weight_ref(payload, session.network.sizes, with_value=True))
            else:
                raise RequestError(f"unknown action {action!r}; valid: {', '.join(_ACTIONS)}, config, upload, "
                                   f"neuron, nudge, link, weight, export/model, export/example, explained-step (GET)",
                                   404, code="no_endpoint")
            return json_response({"session": session_id, **snapshot(session)})

    def upload(self, session_id, session, body):
        X_t = parse_csv(body)
        with session.lock:
            session.configure({**session.config, "dataset": "upload", "preset": "none"}, upload=X_t)
            return json_response({"session": session_id, **snapshot(session, include_data=True)})


def nudge_report(session, layer, neuron, dz):
    """Nielsen's demon on the current batch (:func:`deltaprop.teach.nudge.nudge`) and the nudged output picture."""
    network, X, Y, _ = session.current_batch()
    result = nudge(network, X, Y, layer, neuron, dz)
    return {**result.as_dict(), "nielsen_layer": layer + 1,
            "output": output_frame(network, session.data.extent, nudge=(layer, neuron, dz),
                                   inputs=session.data.inputs)}


def parse_json(body):
    if len(body) > schema.MAX_BODY_BYTES:
        raise RequestError(f"request body larger than {schema.MAX_BODY_BYTES} bytes", 413, code="body_size",
                           limit=schema.MAX_BODY_BYTES)
    try:
        payload = json.loads(body.decode("utf-8") if body else "{}", parse_constant=_no_constants)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise RequestError(f"the body is not valid JSON ({type(exc).__name__})", code="bad_json") from None
    return payload


def _no_constants(name):
    raise RequestError(f"{name} is not allowed in JSON numbers", code="not_finite_json")


def _allow(method, *allowed):
    if method not in allowed:
        raise RequestError(f"method {method} not allowed here; use {', '.join(allowed)}", 405, code="method")


def _language(query):
    lang = query.get("lang", "en")
    if lang not in LANGUAGES:
        raise RequestError(f"unknown language {lang!r}; valid: {', '.join(LANGUAGES)}", code="not_a_choice",
                           field="lang", value=lang[:40])
    return lang
