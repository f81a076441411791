"""The generic webhook's signature: HMAC-SHA256 over "{timestamp}.{body}", fresh within 5 minutes.

Headers:
    X-Careloop-Timestamp: 1764000000               (Unix seconds when the sender signed)
    X-Careloop-Signature: sha256=<hex digest>      (HMAC-SHA256, key = the source's secret)

The timestamp is inside the signed text, so an old request cannot be replayed with a new timestamp; a
request older (or further in the future) than the allowed age is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Careloop-Timestamp"
SIGNATURE_HEADER = "X-Careloop-Signature"
DEFAULT_MAX_AGE = 300


class BadSignature(Exception):
    """Why a request was refused; safe to log (holds no body and no secret)."""


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers a sender adds (used by the tests, the benchmark and the docs' example)."""
    ts = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return {TIMESTAMP_HEADER: str(ts), SIGNATURE_HEADER: f"sha256={digest}"}


def verify(secret: str, body: bytes, timestamp: str | None, signature: str | None, *,
           max_age: int = DEFAULT_MAX_AGE, now: float | None = None) -> None:
    """Raise BadSignature unless the signature is right and the timestamp fresh (constant-time compare)."""
    if not secret:
        raise BadSignature("the source has no webhook secret set")
    if not timestamp or not signature:
        raise BadSignature(f"missing {TIMESTAMP_HEADER} or {SIGNATURE_HEADER} header")
    try:
        ts = int(timestamp)
    except ValueError:
        raise BadSignature(f"{TIMESTAMP_HEADER} is not a Unix time in seconds") from None
    expected = "sha256=" + hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise BadSignature("wrong signature")
    age = (time.time() if now is None else now) - ts
    if abs(age) > max_age:
        raise BadSignature(f"timestamp is {age:.0f} s old; at most {max_age} s is accepted (replay refused)")
