"""The current mini-batch's step, computed once: the explainer's :class:`~deltaprop.explain.Trace`.

Every number a panel explains about the current batch — the neuron inspector's z, a, σ′(z), δ and BP1–BP4 terms, a
link's gradient, the explained step's stages — comes from this one record of the engine's forward pass, cost, ∇ₐC,
σ′(z) and backward pass (``Network.forward`` / ``Network.backward``), made with the weights the batch was (or will
be) trained with.  It is made when a panel asks and kept per session version, so the panels of one state share one
computation.  (The frames streamed while playing draw the batch's gradients from ``Network.gradients`` directly: a
Trace costs about 18× as much, 3.7 ms against 0.2 ms at the defaults, too much for 20 frames a second per learner.)
"""

from __future__ import annotations

from ..explain import ExplainError, Trace
from .schema import RequestError


def batch_trace(session):
    """The :class:`Trace` of ``session``'s current mini-batch (call with the session's lock held)."""
    key = (session.version, session.steps, id(session.before))
    cached = getattr(session, "_trace_cache", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    network, X, Y, _ = session.current_batch()
    trace = trace_of(network, X, Y)
    session._trace_cache = (key, trace)
    return trace


def trace_of(network, X, Y):
    """:class:`Trace` of ``network`` on ``(X, Y)``; numbers that overflowed are refused as a :class:`RequestError`."""
    try:
        return Trace(network, X, Y)
    except ExplainError as error:
        raise RequestError(str(error), 409, code="not_finite") from None
