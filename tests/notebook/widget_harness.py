"""The notebook widget in real Chromium without a Jupyter server: anywidget's side played by a small host page.

The host page loads ``bridge.js`` exactly as anywidget does (an ES module from a blob, ``render({model, el})``)
and gives it a ``model`` whose messages go to the real :class:`PlaygroundWidget` in this Python process (through
Playwright's exposed functions) -- the kernel's side of the comm.  Everything else is real: the playground page's
files in the iframe, its JavaScript, the clicks, the engine.
"""

from __future__ import annotations

import base64
import json
import queue
from pathlib import Path

ORIGIN = "http://notebook.test"
HOST_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>course notebook</title>
<style>body { margin: 24px; font: 17px/1.4 Georgia, serif; color: #222; }
h1 { font-size: 29px; color: #7c2d12; }</style>
<link rel="stylesheet" href="/widget.css">
</head><body><h1 id="course">Week 3 · Backpropagation</h1><p id="para">Run the cell below.</p>
<div id="output"></div><script type="module">
const src = await (await fetch("/widget.js")).text();
const widget = await import(URL.createObjectURL(new Blob([src], { type: "text/javascript" })));
const state = JSON.parse(await (await fetch("/state.json")).text());
const handlers = {};
const fire = (event, ...args) => { for (const handler of handlers[event] || []) handler(...args); };
const deliver = (messages) => {
  for (const [content, b64] of messages) {
    if (content.__state__) {                       // the kernel changed synced traits
      for (const [key, value] of Object.entries(content.__state__)) {
        if (JSON.stringify(state[key]) !== JSON.stringify(value)) { state[key] = value; fire(`change:${key}`); }
      }
      continue;
    }
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    fire("msg:custom", content, [new DataView(bytes.buffer)]);
  }
};
const dirty = {};
const model = {
  get: (key) => state[key],
  set: (key, value) => { state[key] = value; dirty[key] = value; },
  save_changes: async () => {
    const changes = { ...dirty };
    for (const key of Object.keys(dirty)) delete dirty[key];
    deliver(await window.kernel_send(JSON.stringify({ __state__: changes })));
  },
  on: (event, handler) => { (handlers[event] ||= []).push(handler); },
  off: (event, handler) => { handlers[event] = (handlers[event] || []).filter((h) => h !== handler); },
  send: async (content) => deliver(await window.kernel_send(JSON.stringify(content))),
};
setInterval(async () => deliver(await window.kernel_poll()), 40);
widget.default.render({ model, el: document.getElementById("output") });
window.widgetRendered = true;
</script></body></html>"""


class Kernel:
    """The widget's side of the comm: custom messages and trait changes in; replies, stream and state out."""

    def __init__(self, widget):
        self.widget, self.outbox = widget, queue.Queue()
        widget.send = lambda content, buffers=None: self.outbox.put(
            [content, base64.b64encode(bytes(buffers[0]) if buffers else b"").decode("ascii")])

    def receive(self, text):
        content = json.loads(text)
        if "__state__" in content:
            for key, value in content["__state__"].items():
                setattr(self.widget, key, value)
            self.outbox.put([{"__state__": synced(self.widget)}, ""])
        else:
            self.widget._on_message(self.widget, content, [])
        return self.drain()

    def drain(self):
        out = []
        while True:
            try:
                out.append(self.outbox.get_nowait())
            except queue.Empty:
                return out


def synced(widget):
    """The widget's synced traits (what anywidget's model holds), without its code."""
    return {key: value for key, value in widget.get_state().items() if key not in ("_esm", "_css")}


def _text(value):
    return Path(value).read_text(encoding="utf-8") if isinstance(value, Path) else str(value or "")


def open_widget(browser, widget, viewport=(1300, 900)):
    """A page showing ``widget`` in a notebook-like host page; returns ``(page, errors)``."""
    kernel = Kernel(widget)
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    routes = {"/": ("text/html", HOST_PAGE), "/widget.js": ("text/javascript", _text(widget._esm)),
              "/widget.css": ("text/css", _text(getattr(widget, "_css", ""))),
              "/state.json": ("application/json", json.dumps(synced(widget)))}

    def serve(route):
        path = route.request.url[len(ORIGIN):] or "/"
        if path not in routes:
            return route.fulfill(status=404, body="not found")
        kind, body = routes[path]
        route.fulfill(status=200, content_type=kind, body=body)

    page.route(f"{ORIGIN}/**", serve)
    page.expose_function("kernel_send", kernel.receive)
    page.expose_function("kernel_poll", kernel.drain)
    page.goto(f"{ORIGIN}/")
    page.wait_for_function("window.widgetRendered === true")
    return page, errors


def frame(page):
    """The playground page inside the widget's iframe."""
    page.wait_for_selector("iframe.deltaprop-playground")
    handle = page.query_selector("iframe.deltaprop-playground").content_frame()
    handle.wait_for_function("window.playground && window.playground.state && window.playground.session")
    return handle
