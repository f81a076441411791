"""JSON over HTTP for the REST connectors, with failures sorted into retry-later and give-up.

Messages never carry request headers (tokens) or request bodies (members' words): only the method, the
path, the status and the platform's own error code or text.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

from careloop.connectors.base import PermanentFailure, TemporaryFailure

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
T = TypeVar("T")


def request_json(method: str, url: str, *, headers: dict[str, str] | None = None, body: Any = None,
                 form: dict[str, Any] | None = None, timeout: float = 30.0) -> Any:
    """Send one request and return the decoded JSON answer (or None for an empty one)."""
    data = None
    all_headers = {"Accept": "application/json", "User-Agent": "careloop", **(headers or {})}
    if body is not None:
        data = json.dumps(body).encode()
        all_headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form, doseq=True).encode()
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    where = f"{method} {urllib.parse.urlsplit(url).path}"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise _http_failure(exc, where) from None
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TemporaryFailure(f"{where}: cannot reach the platform ({reason})") from None
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise TemporaryFailure(f"{where}: the platform answered something that is not JSON") from None


def _http_failure(exc: urllib.error.HTTPError, where: str) -> Exception:
    try:
        detail = json.loads(exc.read() or b"{}")
    except ValueError:
        detail = {}
    if isinstance(detail, dict):
        said = detail.get("errcode") or detail.get("error_type") or ""
        text = detail.get("error") or detail.get("errors") or ""
        if isinstance(text, list):
            text = "; ".join(str(t) for t in text)
        said = f"{said}: {text}".strip(": ")[:200]
    else:
        said = ""
    message = f"{where}: HTTP {exc.code}" + (f" ({said})" if said else "")
    if exc.code in RETRY_STATUSES:
        retry_after = _retry_after(exc.headers.get("Retry-After"), detail)
        return TemporaryFailure(message, retry_after=retry_after)
    return PermanentFailure(message)


def _retry_after(header: str | None, detail: Any) -> float | None:
    if header:
        try:
            return float(header)
        except ValueError:
            return None
    if isinstance(detail, dict) and isinstance(detail.get("retry_after_ms"), int | float):
        return detail["retry_after_ms"] / 1000  # Matrix M_LIMIT_EXCEEDED
    return None


def with_backoff(call: Callable[[], T], *, attempts: int = 4, base_delay: float = 0.5, max_delay: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep) -> T:
    """Run `call`, retrying TemporaryFailure with exponential backoff (or the platform's retry_after).

    For work done in hand (a sync, a check); the outbox retries sends on its own schedule instead.
    """
    for attempt in range(attempts):
        try:
            return call()
        except TemporaryFailure as exc:
            if attempt == attempts - 1:
                raise
            delay = exc.retry_after if exc.retry_after is not None else base_delay * 2 ** attempt
            sleep(min(delay, max_delay))
    raise AssertionError("unreachable")
