"""The JSON the page draws from: counters, losses, parameters, gradients and pictures.

:func:`snapshot` is called with the session's lock held.  The pictures (the
expensive part) are computed once per session version and shared by every
viewer of that version.
"""

from __future__ import annotations

from .page_diagnosis import warnings
from .frames import neuron_frames, output_frame
from .schema import optimizer_names


def snapshot(session, include_data=False):
    """A JSON-ready dict describing ``session`` now.

    ``include_data`` adds the train/test points (sent once per configuration,
    not with every frame).
    """
    cache = getattr(session, "_snapshot_cache", None)
    if cache is not None and cache[0] == session.version:
        state = dict(cache[1])
    else:
        state = _build(session)
        session._snapshot_cache = (session.version, state)
        state = dict(state)
    if include_data:
        state["data"] = data_points(session)
    return state


def _build(session):
    net, data, config = session.network, session.data, session.config
    before, X, Y, idx = session.current_batch()
    # The gradients drawn with every frame: the engine's backward pass on the batch (0.2 ms at the defaults).  The
    # panels that explain them read the explainer's Trace of the same batch (batch_trace.py: 3.7 ms, made only
    # when a panel asks); both are Network.backward on the same weights and batch (tests/playground/
    # test_one_computation.py checks they are equal).
    grads = before.gradients(X, Y)
    n_batches = -(-len(data.X_train) // session.batch_size)
    return {
        "version": session.version,
        "config": config,
        "playing": session.playing,
        "error": session.error,
        "error_code": getattr(session, "error_code", None) if session.error else None,
        "epoch": session.epoch,
        "steps": session.steps,
        "batch_in_epoch": session.position // session.batch_size,
        "batches_per_epoch": n_batches,
        "losses": {**session.losses(), "batch": session.batch["loss"]},
        "history": [[round(e, 4), _sig(tr), _sig(te)] for e, tr, te in session.history],
        "markers": list(session.markers),
        "notice": session.notice,
        "hint": session.hint(),
        "n_points": len(data.X_train) + len(data.X_test),
        "task": "mazur" if config["preset"] == "mazur" else data.task,
        "n_classes": data.n_classes,
        "optimizers": optimizer_names(),
        "network": {
            "sizes": net.sizes,
            "activations": net.activations,
            "loss": net.loss.name,
            "train_biases": [layer.train_biases for layer in net.layers],
            "weights": [w.tolist() for w in net.weights],
            "biases": [b.tolist() for b in net.biases],
        },
        "batch": {
            "indices": idx.tolist(),
            "loss": session.batch["loss"],
            "trained": session.batch["loss"] is not None,
            "weights": [w.tolist() for w in before.weights],
            "biases": [b.tolist() for b in before.biases],
            "grad_weights": [g.tolist() for g in grads.weights],
            "grad_biases": [g.tolist() for g in grads.biases],
        },
        "frames": {"output": output_frame(net, data.extent, inputs=data.inputs),
                   "neurons": neuron_frames(net, data.extent, inputs=data.inputs)},
        "inputs": data.input_names() if config["preset"] != "mazur" else ["i1", "i2"],
        "diagnostics": {"history": list(session.diagnostics), "now": session.diagnostics[-1][1:]
                        if session.diagnostics else None, "warnings": warnings(session)},
    }


def data_points(session):
    """Train and test points: ``[[x1, x2, label or target], ...]`` each."""
    d = session.data
    return {"extent": d.extent, "n_classes": d.n_classes,
            "train": [[float(a), float(b), _label(t)] for (a, b), t in zip(d.points_train, d.labels_train)],
            "test": [[float(a), float(b), _label(t)] for (a, b), t in zip(d.points_test, d.labels_test)]}


def _label(t):
    value = float(t)
    return int(value) if value.is_integer() else value


def _sig(value):
    return float(f"{value:.6g}")
