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

import deltaprop.playground.notebook.widget as widget_module

ORIGIN = "http://notebook.test"
HOST_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>course notebook</title>
<style>body { margin: 24px; font: 17px/1.4 Georgia, serif; color: #222; } h1 { font-size: 29px; color: #7c2d12; }</style>
</head><body><h1 id="course">Week 3 · Backpropagation</h1><p id="para">Run the cell below.</p>
<div id="output"></div><script type="module">
const src = await (await fetch("/bridge.js")).text();
const bridge = await import(URL.createObjectURL(new Blob([src], { type: "text/javascript" })));
const files = JSON.parse(await (await fetch("/files.json")).text());
const handlers = [];
const deliver = (messages) => {
  for (const [content, b64] of messages) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    for (const handler of handlers) handler(content, [new DataView(bytes.buffer)]);
  }
};
const model = {
  get: (key) => ({ files, height: 900 })[key],
  on: (event, handler) => { if (event === "msg:custom") handlers.push(handler); },
  off: () => {},
  send: async (content) => deliver(await window.kernel_send(JSON.stringify(content))),
};
setInterval(async () => deliver(await window.kernel_poll()), 40);
bridge.default.render({ model, el: document.getElementById("output") });
</script></body></html>"""


class Kernel:
    """The widget's side of the comm: messages in, the widget's replies and stream out (as base64 buffers)."""

    def __init__(self, widget):
        self.widget, self.outbox = widget, queue.Queue()
        widget.send = lambda content, buffers=None: self.outbox.put(
            [content, base64.b64encode(bytes(buffers[0]) if buffers else b"").decode("ascii")])

    def receive(self, text):
        self.widget._on_message(self.widget, json.loads(text), [])
        return self.drain()

    def drain(self):
        out = []
        while True:
            try:
                out.append(self.outbox.get_nowait())
            except queue.Empty:
                return out


def open_widget(browser, widget, viewport=(1300, 900)):
    """A page showing ``widget`` in a notebook-like host page; returns ``(page, errors)``."""
    kernel = Kernel(widget)
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    files = json.dumps(widget.files)
    bridge = Path(widget_module.__file__).with_name("bridge.js").read_text(encoding="utf-8")
    routes = {"/": ("text/html", HOST_PAGE), "/bridge.js": ("text/javascript", bridge),
              "/files.json": ("application/json", files)}

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
    return page, errors


def frame(page):
    """The playground page inside the widget's iframe."""
    page.wait_for_selector("iframe.deltaprop-playground")
    handle = page.query_selector("iframe.deltaprop-playground").content_frame()
    handle.wait_for_function("window.playground && window.playground.state && window.playground.session")
    return handle
