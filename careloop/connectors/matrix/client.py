"""A small client for the Matrix client-server API (v3), over plain HTTP: what careloop's bot needs."""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from typing import Any

from careloop.connectors.http import request_json

API = "/_matrix/client/v3"


def quote(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def txn_id(idempotency_key: str) -> str:
    """A transaction id from an idempotency key: stable, URL-safe, short (the key itself may hold anything)."""
    return "careloop-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]


class MatrixClient:
    def __init__(self, homeserver: str, access_token: str, *, timeout: float = 30.0) -> None:
        self.base = homeserver.rstrip("/")
        self._token = access_token
        self.timeout = timeout

    def call(self, method: str, path: str, body: Any = None, *, query: dict[str, Any] | None = None,
             timeout: float | None = None) -> Any:
        url = self.base + API + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        return request_json(method, url, headers={"Authorization": f"Bearer {self._token}"}, body=body,
                            timeout=timeout or self.timeout)

    def whoami(self) -> str:
        return self.call("GET", "/account/whoami")["user_id"]

    def join(self, room: str) -> str:
        return self.call("POST", f"/join/{quote(room)}", {})["room_id"]

    def send(self, room_id: str, content: dict, txn: str, event_type: str = "m.room.message") -> str:
        """PUT with a transaction id: Synapse answers a repeat of the same txnId (same token) with the
        first event's id instead of sending again."""
        return self.call("PUT", f"/rooms/{quote(room_id)}/send/{quote(event_type)}/{quote(txn)}", content)["event_id"]

    def sync(self, since: str | None, timeout_ms: int, room_filter: dict | None = None) -> dict:
        query = {"since": since, "timeout": timeout_ms, "filter": json.dumps(room_filter) if room_filter else None}
        return self.call("GET", "/sync", query=query, timeout=timeout_ms / 1000 + self.timeout)

    def room_name(self, room_id: str) -> str:
        from careloop.connectors.base import PermanentFailure

        try:
            return (self.call("GET", f"/rooms/{quote(room_id)}/state/m.room.name") or {}).get("name", "")
        except PermanentFailure:
            return ""  # a room without a name

    def account_data(self, user_id: str, kind: str) -> dict:
        from careloop.connectors.base import PermanentFailure

        try:
            return self.call("GET", f"/user/{quote(user_id)}/account_data/{quote(kind)}") or {}
        except PermanentFailure as exc:
            if "HTTP 404" in str(exc):
                return {}
            raise

    def set_account_data(self, user_id: str, kind: str, content: dict) -> None:
        self.call("PUT", f"/user/{quote(user_id)}/account_data/{quote(kind)}", content)

    def create_direct_room(self, invitee: str) -> str:
        body = {"preset": "trusted_private_chat", "is_direct": True, "invite": [invitee]}
        return self.call("POST", "/createRoom", body)["room_id"]

    def messages(self, room_id: str, *, from_token: str | None = None, limit: int = 50) -> dict:
        return self.call("GET", f"/rooms/{quote(room_id)}/messages",
                         query={"dir": "b", "limit": limit, "from": from_token})

    def joined_members(self, room_id: str) -> set[str]:
        return set(self.call("GET", f"/rooms/{quote(room_id)}/joined_members").get("joined", {}))

    def members(self, room_id: str) -> dict[str, str]:
        """Every member's membership (join, invite, leave, ban) in a room."""
        chunk = self.call("GET", f"/rooms/{quote(room_id)}/members").get("chunk", [])
        return {e["state_key"]: e.get("content", {}).get("membership", "") for e in chunk}
