"""The generic webhook as a connector: posts come in signed (see signing.py and views.py); nothing goes out."""

from __future__ import annotations

from careloop.connectors.base import CannotDo, ReceiveOnlyConnector
from careloop.connectors.vault import secret


class WebhookConnector(ReceiveOnlyConnector):
    kind = "webhook"
    cannot_send = "is a generic webhook: careloop can only receive from it"

    def check(self) -> str:
        if not secret(self.source, "secret"):
            raise CannotDo(f"source {self.source.name!r} has no secret: set one with "
                           f"`careloop source set {self.source.name} --secret secret`")
        return f"receives signed posts at /hooks/{self.source.name}/"
