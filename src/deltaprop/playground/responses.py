"""An HTTP response as the playground's handlers build it, the JSON encoding they share, and the error reply."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)


def json_response(payload, status=200):
    return Response(status, dumps(payload))


def error_response(message, status, code, params=None):
    """``{"error": message, "status", "code", "params"}``: English for API users and logs; the page words ``code``
    with ``params`` in the learner's language (``static/words-<lang>.json``, key ``error_<code>``)."""
    return json_response({"error": message, "status": status, "code": code, "params": params or {}}, status)


def dumps(payload):
    """Compact JSON; NaN and infinities (not JSON) become ``null``."""
    try:
        return json.dumps(payload, allow_nan=False, separators=(",", ":")).encode()
    except ValueError:
        return json.dumps(_finite(payload), allow_nan=False, separators=(",", ":")).encode()


def _finite(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
