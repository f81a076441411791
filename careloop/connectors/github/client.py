"""GitHub's GraphQL API over HTTP: one POST per query, failures sorted into retry-later and give-up.

GitHub says "slow down" in several ways, all TemporaryFailure with the wait it names:
- HTTP 429, or 403 with `Retry-After` (a secondary rate limit): wait that many seconds;
- HTTP 403 (or 429) with `x-ratelimit-remaining: 0`: the primary limit, wait until `x-ratelimit-reset` (epoch s);
- HTTP 200 with `{"errors": [{"type": "RATE_LIMITED"}]}`: GraphQL's own word for the primary limit;
- HTTP 5xx, connection refused, a timeout.
Other 4xx (401 bad token, 403 without a rate-limit sign, 404) and GraphQL errors (NOT_FOUND, FORBIDDEN, a query
GitHub rejects) are PermanentFailure. Messages name the operation, the status and GitHub's error type, never
the token or a member's words.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from careloop.connectors.base import PermanentFailure, TemporaryFailure

API_URL = "https://api.github.com/graphql"
TEMPORARY_TYPES = frozenset({"RATE_LIMITED", "SERVICE_UNAVAILABLE", "INTERNAL"})


def _wait(headers: Any, now: float) -> float | None:
    """The seconds GitHub asks to wait: Retry-After, else the primary limit's reset time when it is used up."""
    after = headers.get("Retry-After") if headers else None
    if after:
        try:
            return max(float(after), 0.0)
        except ValueError:
            pass
    if headers and headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset"):
        try:
            return max(float(headers["x-ratelimit-reset"]) - now, 1.0)
        except ValueError:
            return None
    return None


def graphql(url: str, token: str, query: str, variables: dict[str, Any], *, operation: str,
            timeout: float = 30.0) -> dict[str, Any]:
    """The `data` of one GraphQL request; raises TemporaryFailure / PermanentFailure as the module says."""
    if not token:
        raise PermanentFailure("no token setting (a fine-grained personal access token or a GitHub App token)")
    request = urllib.request.Request(
        url, data=json.dumps({"query": query, "variables": variables}).encode(), method="POST",
        headers={"Authorization": f"bearer {token}", "Content-Type": "application/json",
                 "Accept": "application/json", "User-Agent": "careloop"})
    where = f"GitHub GraphQL {operation}"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            headers = response.headers
    except urllib.error.HTTPError as exc:
        wait = _wait(exc.headers, time.time())
        limited = exc.code == 429 or (exc.code == 403 and wait is not None)
        if limited:
            raise TemporaryFailure(f"{where}: HTTP {exc.code} (rate limited)", retry_after=wait) from None
        if exc.code >= 500 or exc.code in (408, 425):
            raise TemporaryFailure(f"{where}: HTTP {exc.code}", retry_after=wait) from None
        raise PermanentFailure(f"{where}: HTTP {exc.code}" + (" (the token was refused)" if exc.code == 401 else "")
                               ) from None
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TemporaryFailure(f"{where}: cannot reach the platform ({reason})") from None
    try:
        answer = json.loads(raw)
    except ValueError:
        raise TemporaryFailure(f"{where}: GitHub answered something that is not JSON") from None
    if not isinstance(answer, dict):
        raise TemporaryFailure(f"{where}: GitHub answered something that is not a JSON object")
    errors = answer.get("errors")
    if errors:
        types = sorted({str(e.get("type") or "ERROR") for e in errors if isinstance(e, dict)}) or ["ERROR"]
        said = f"{where}: GitHub said {', '.join(types)[:100]}"
        if TEMPORARY_TYPES & set(types):
            raise TemporaryFailure(said, retry_after=_wait(headers, time.time()))
        raise PermanentFailure(said)
    data = answer.get("data")
    if not isinstance(data, dict):
        raise TemporaryFailure(f"{where}: GitHub answered without data")
    return data
