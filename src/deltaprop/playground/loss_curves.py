"""The curves the page draws over time: train/test loss and the per-layer diagnostics, at most
:data:`HISTORY_POINTS` points each (older points thinned out, the first and the last kept)."""

from __future__ import annotations

from .page_diagnosis import record

HISTORY_POINTS = 400      # loss-curve points kept (older ones thinned out)


def record_point(session):
    """Append ``[epoch (fractional), train loss, test loss]`` to ``session.history`` and the diagnosis
    (:func:`.page_diagnosis.record`) to ``session.diagnostics``; a point at the same epoch replaces the last."""
    losses = session.losses()
    position = session.epoch + session.walk.position / session.walk.n
    session.history = _append(session.history, [position, losses["train"], losses["test"]])
    session.diagnostics = _append(session.diagnostics, record(session))
    session.cached_losses = losses


def _append(points, point):
    if points and points[-1][0] == point[0]:
        points[-1] = point
    else:
        points.append(point)
    return _thin(points) if len(points) > HISTORY_POINTS else points


def _thin(points):
    """Every other point, keeping the first and the last: a long history stays :data:`HISTORY_POINTS` long."""
    return points[:1] + points[2::2] + ([points[-1]] if len(points) % 2 == 0 else [])
