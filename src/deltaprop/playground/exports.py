"""Downloads: the trained model (the library's model file) and its worked example (HTML).

The model goes through :func:`deltaprop.io.persistence.save_model` into a private
temporary directory (the file name is ours, never the request's), and the bytes
are sent back.  The worked example is the explainer's page for the first sample
of the current mini-batch, with the weights used for that batch.
"""

from __future__ import annotations

import os
import tempfile

from .responses import Response
from .schema import RequestError


def export(session, what, lang="en", numbering="nielsen"):
    """``what`` is ``model`` or ``example`` (the worked example in ``lang``, layers numbered as the page does);
    returns a :class:`~.responses.Response`."""
    if what == "model":
        with session.lock:
            network, metadata = session.network.copy(), _metadata(session)
        data, name = model_bytes(network, metadata)
        return Response(200, data, "application/octet-stream",
                        {"Content-Disposition": f'attachment; filename="{name}"'})
    if what == "example":
        with session.lock:
            network, X, Y, _ = session.current_batch()
            network = network.copy()
            x, y = X[0].copy(), Y[0].copy()
            learning_rate = session.config["learning_rate"]
        html = example_html(network, x, y, learning_rate, lang, numbering)
        return Response(200, html.encode("utf-8"), "text/html; charset=utf-8",
                        {"Content-Disposition": 'attachment; filename="deltaprop-worked-example.html"'})
    raise RequestError(f"unknown export {what!r}; valid: model, example", 404, code="no_endpoint")


def model_bytes(network, metadata):
    """``(bytes, file name)`` of the model file :func:`deltaprop.io.persistence.save_model` writes."""
    try:
        from ..io.persistence import save_model
    except ImportError:
        raise RequestError("model export needs deltaprop.io.persistence, which this install lacks", 501,
                           code="not_installed") from None
    with tempfile.TemporaryDirectory(prefix="deltaprop-playground-") as folder:
        path = os.path.join(folder, "deltaprop-playground-model.npz")
        save_model(network, path, metadata=metadata)
        written = sorted(os.listdir(folder))
        if len(written) != 1:
            raise RequestError(f"the model writer produced {len(written)} files, expected one", 500, code="internal")
        with open(os.path.join(folder, written[0]), "rb") as handle:
            return handle.read(), written[0]


def example_html(network, x, y, learning_rate, lang="en", numbering="nielsen"):
    """The explainer's worked example for one sample, as a standalone HTML page in ``lang``."""
    try:
        from ..explain import explain
    except ImportError:
        raise RequestError("the worked example needs deltaprop.explain, which this install lacks", 501,
                           code="not_installed") from None
    update_biases = all(layer.train_biases for layer in network.layers)
    return explain(network, x, y, learning_rate=learning_rate, update_biases=update_biases,
                   numbering="nielsen" if numbering == "nielsen" else "deltaprop").to_html(lang=lang)


def _metadata(session):
    """The run's configuration and results, and the page's rescaling of the raw inputs as the model's
    ``preprocessing``: ``deltaprop evaluate`` on the raw data then sees what the page trained on (the x1, x2
    features; other features are computed in the page and named in ``features``)."""
    config, data = session.config, session.data
    out = {"source": "deltaprop playground", "config": dict(config), "epoch": session.epoch,
           "steps": session.steps, "losses": {k: v for k, v in session.losses().items()},
           "features": list(data.features)}
    if data.preprocessing is not None and list(data.features) == ["x1", "x2"]:
        out["preprocessing"] = data.preprocessing
    return out
