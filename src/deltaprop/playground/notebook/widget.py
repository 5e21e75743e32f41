"""The playground as a notebook widget (anywidget): the page's own files, the kernel's engine.

The transport is the only thing that differs from ``deltaprop playground``:

==============================  ===========================================  ===================================
the page asks                   the page server (``server.py``)              this widget
==============================  ===========================================  ===================================
``fetch("/api/...")``           HTTP request → ``Api.handle`` → response     widget message → ``Api.handle`` →
                                                                             widget message
``EventSource(".../events")``   Server-Sent Events: a state per change       a ``state`` message per change
``/static/*``                   files from ``static/``                       the same files, sent once
==============================  ===========================================  ===================================

Both sides speak one protocol, :mod:`deltaprop.playground.api` (routes, request checks, JSON replies), so the
page and the widget cannot drift.  ``bridge.js`` runs the page unchanged in an ``<iframe>`` inside the output
cell (its styles cannot touch the notebook) and answers its ``fetch`` and ``EventSource`` with these messages.
Two requests differ: creating a session returns the learner's session, and a configuration may change only
what keeps the weights (:class:`~.learner.LearnerSession`).
"""

from __future__ import annotations

import secrets
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import anywidget
import numpy as np
import traitlets

from ..api import Api, parse_json
from ..event_stream import FRAME_INTERVAL, KEEPALIVE_SECONDS
from ..responses import error_response, json_response
from ..schema import RequestError
from ..server import static_files
from ..snapshot import snapshot
from ...core.labels import outputs_to_labels
from .learner import FIXED_MESSAGE, LearnerSession

SAMPLE_ROWS = 12        # samples listed in the table shown for inputs other than two

TEXT_TYPES = ("text/", "application/javascript", "image/svg+xml", "application/json")


def page_files():
    """The playground page's files as text, by the path the page asks for them (``/static/app.js`` ...)."""
    return {path: body.decode("utf-8") for path, (body, kind) in static_files().items()
            if path.startswith("/static/") and kind.startswith(TEXT_TYPES)}


class PlaygroundWidget(anywidget.AnyWidget):
    """``dp.playground(net, X, y)``: step, play and inspect the learner's network on their data, in the notebook.

    ``widget.network`` is the network being trained (the learner's own object unless ``copy=True`` was given).
    """

    _esm = Path(__file__).with_name("bridge.js")
    files = traitlets.Dict().tag(sync=True)           # the page's static files, sent once
    height = traitlets.Int(900).tag(sync=True)        # the iframe's starting height in px (it then fits the page)

    def __init__(self, network, data, config, **kwargs):
        super().__init__(files=page_files(), **kwargs)
        self.session = LearnerSession(network, data, config)
        self.session_id = secrets.token_urlsafe(12)
        self.api = Api(max_sessions=1)
        self.api.sessions[self.session_id] = self.session
        self._plane = network.sizes[0] == 2      # two inputs: the page's picture; other counts: a samples table
        self._stream = None
        self._closing = threading.Event()
        self.on_msg(self._on_message)

    @property
    def network(self):
        return self.session.network

    # ------------------------------------------------------------------ the protocol
    def handle(self, method, url, body=b""):
        """Answer one request of the page, as the page server would (:class:`..api.Api`); returns a Response."""
        parts = urlsplit(url)
        path, query = parts.path, dict(parse_qsl(parts.query))
        route = [p for p in path.split("/") if p]
        if method == "POST" and route == ["api", "sessions"]:       # the page asks for a session: the learner's
            return self._state(201)
        if method == "POST" and route[:3] == ["api", "sessions", self.session_id] and route[3:] == ["config"]:
            try:
                self.session.apply_live(parse_json(body))
            except RequestError as exc:
                return error_response(str(exc), exc.status, exc.code, exc.params)
            return self._state(200)
        if method == "POST" and route[3:] == ["upload"]:
            return error_response(FIXED_MESSAGE.format(keys="the data"), 409, "notebook_fixed", {"fields": ["upload"]})
        return self.api.handle(method, path, query, body, client="notebook")

    def state_message(self):
        """The ``state`` event the page's stream would send now (bytes of JSON)."""
        with self.session.lock:
            return json_response({"session": self.session_id, **snapshot(self.session)}).body

    def samples_report(self):
        """For inputs other than two (no plane to draw): the first samples with target and prediction, and for
        classes the confusion counts ``[true][predicted]`` over the training data, from the current weights."""
        with self.session.lock:
            data, net = self.session.data, self.session.network
            outputs = net.predict(data.X_train)                                       # (n, d_L)
            classes = data.n_classes > 0
            predicted = outputs_to_labels(outputs) if classes else outputs[:, 0]
            rows = [{"index": i, "x": data.X_train[i].tolist(), "target": _plain(data.labels_train[i]),
                     "predicted": _plain(predicted[i]), "output": outputs[i].tolist()}
                    for i in range(min(SAMPLE_ROWS, len(data.X_train)))]
            report = {"kind": "samples", "inputs": None if self._plane else data.input_names(), "rows": rows,
                      "n": len(data.X_train),
                      "version": self.session.version}
            if classes:
                k = data.n_classes
                confusion = np.zeros((k, k), dtype=np.int64)
                np.add.at(confusion, (data.labels_train.astype(np.int64), predicted.astype(np.int64)), 1)
                report["confusion"] = confusion.tolist()
            return report

    def _state(self, status):
        with self.session.lock:
            return json_response({"session": self.session_id, **snapshot(self.session, include_data=True)}, status)

    # ------------------------------------------------------------------ messages
    def _on_message(self, _widget, content, _buffers):
        kind = content.get("kind") if isinstance(content, dict) else None
        if kind == "request":
            body = content.get("body")
            response = self.handle(str(content.get("method", "GET")), str(content.get("url", "")),
                                   body.encode("utf-8") if isinstance(body, str) else b"")
            self.send({"kind": "response", "id": content.get("id"), "status": response.status,
                       "type": response.content_type}, buffers=[response.body])
        elif kind == "subscribe" and self._stream is None:
            self._stream = threading.Thread(target=self._stream_loop, name="deltaprop-widget-stream", daemon=True)
            self._stream.start()

    def _stream_loop(self):
        """The page's event stream as messages: the state after every change, at most 20 per second."""
        sent = None
        while not self._closing.is_set():
            with self.session.changed:
                if self.session.version == sent:
                    self.session.changed.wait(KEEPALIVE_SECONDS)
                if self._closing.is_set() or self.session.version == sent:
                    continue
                sent = self.session.version
                self.session.last_seen = time.monotonic()
            self.send({"kind": "state"}, buffers=[self.state_message()])
            if not self._plane:
                self.send(self.samples_report())
            time.sleep(FRAME_INTERVAL)

    def close(self):
        """Stop playing and streaming, then close the widget."""
        self._closing.set()
        self.session.pause()
        with self.session.changed:
            self.session.changed.notify_all()
        super().close()


def _plain(value):
    value = float(value)
    return int(value) if value.is_integer() else value
