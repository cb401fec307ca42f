"""Signed callbacks from providers: HMAC-SHA256 over timestamp and body, fresh only."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

TOLERANCE = timedelta(minutes=5)


class BadSignature(ValueError):
    """The callback is unsigned, wrongly signed or stale."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `Ringway-Signature` header value for a body sent at `timestamp` (Unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str | None, body: bytes, now: datetime) -> None:
    """Raise BadSignature unless the header signs this body within the tolerance."""
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise BadSignature("missing or malformed signature header") from None
    if abs(now.timestamp() - timestamp) > TOLERANCE.total_seconds():
        raise BadSignature("signature timestamp outside the tolerance (replay?)")
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise BadSignature("signature does not match")
