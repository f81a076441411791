"""The generic webhook as a connector: posts come in signed (see signing.py and views.py); nothing goes out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from careloop.community.models import Source
from careloop.connectors.base import RECEIVE, CannotDo, OutgoingMessage, PrivateReply, SendResult
from careloop.connectors.vault import secret


class WebhookConnector:
    kind = "webhook"
    capabilities = frozenset({RECEIVE})

    def __init__(self, source: Source) -> None:
        self.source = source

    def send(self, message: OutgoingMessage) -> SendResult:
        raise CannotDo(f"source {self.source.name!r} is a generic webhook: careloop can only receive from it; "
                       "reach the member by e-mail or on their platform")

    def find_sent(self, idempotency_key: str) -> SendResult | None:
        return None

    def read_private_replies(self, since: datetime | None) -> Iterable[PrivateReply]:
        return []

    def check(self) -> str:
        if not secret(self.source, "secret"):
            raise CannotDo(f"source {self.source.name!r} has no secret: set one with "
                           f"`careloop source set {self.source.name} --secret secret`")
        return f"receives signed posts at /hooks/{self.source.name}/"
