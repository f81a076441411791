"""The one small interface every connector offers, and the registry that finds a source's connector.

A connector receives posts (stream, poll or webhook), sends a private message, posts a public reply, reads
private replies, and says what it cannot do. The case loop never talks to a platform directly: it writes a
row to the outbox, and the outbox worker hands an `OutgoingMessage` to `connector_for(source).send(...)`.

Errors tell the outbox what to do next:
- `TemporaryFailure`: the platform is down or rate-limits; retry later with backoff (`retry_after` seconds
  when the platform says so).
- `PermanentFailure`: retrying cannot help (unknown user, refused credentials); the message is marked failed
  and a manager sees why.
- `CannotDo`: the connector does not offer this (e.g. a file source cannot send anything).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from careloop.community.models import Source

# What a connector can do; `Connector.capabilities` is a subset of these.
RECEIVE = "receive"  # posts come in (poll, stream or webhook)
SEND_PRIVATE = "send_private"  # a private message to one member (platform DM, e-mail)
POST_PUBLIC = "post_public"  # a public reply in the thread
READ_PRIVATE = "read_private"  # the member's private replies come back
CAPABILITIES = frozenset({RECEIVE, SEND_PRIVATE, POST_PUBLIC, READ_PRIVATE})


class ConnectorError(Exception):
    """Base of every connector failure; the message is safe to show (never holds secrets)."""


class TemporaryFailure(ConnectorError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentFailure(ConnectorError):
    pass


class CannotDo(ConnectorError):
    pass


@dataclass(frozen=True)
class OutgoingMessage:
    """One message the outbox asks a connector to deliver."""

    kind: str  # "private" or "public_reply"
    recipient: str  # the member's platform id (Member.external_id) or e-mail address; "" for public replies
    body: str
    idempotency_key: str  # stable per outbox row: the same key must never reach the member twice
    subject: str = ""  # e-mail subject; ignored by chat platforms
    thread_ref: str = ""  # platform thread / room / topic id, for public replies and threading
    in_reply_to: str = ""  # platform id of the post or message this answers
    case_ref: str = ""  # e.g. "case-42", for e-mail Message-ID threading and logs


@dataclass(frozen=True)
class SendResult:
    external_id: str  # the platform's id for what was sent (event id, Message-ID, post id)
    sent_at: datetime | None = None
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PrivateReply:
    """A member's private answer, read back from the platform and attached to the case timeline."""

    sender: str  # platform id or e-mail address of the member
    body: str
    external_id: str
    at: datetime
    in_reply_to: str = ""  # the SendResult.external_id it answers, when the platform says
    case_ref: str = ""


@runtime_checkable
class Connector(Protocol):
    """What every connector offers.

    Optional attribute `exactly_once: bool` (default False when absent): True when `find_sent()` is
    authoritative or the platform itself drops a second send with the same idempotency key (Matrix's txnId).
    Then the outbox may resend after a worker died between sending and recording; otherwise it marks the message
    "unsure" and a person decides (see docs/case-loop.md).
    """

    kind: str
    capabilities: frozenset[str]

    def send(self, message: OutgoingMessage) -> SendResult:
        """Deliver one message; raise TemporaryFailure / PermanentFailure / CannotDo."""
        ...

    def find_sent(self, idempotency_key: str) -> SendResult | None:
        """Was a message with this key already delivered? (None when unknown or not supported.)

        Lets the outbox recover exactly-once after a worker died between sending and recording, on
        platforms that keep a transaction id (Matrix txnId) or a Message-ID it can search for.
        """
        ...

    def read_private_replies(self, since: datetime | None) -> Iterable[PrivateReply]:
        ...

    def check(self) -> str:
        """Test the connection; return a short human description or raise ConnectorError."""
        ...


ConnectorFactory = Callable[["Source"], Connector]
_factories: dict[str, ConnectorFactory] = {}


def register(kind: str, factory: ConnectorFactory) -> None:
    """Make `factory(source)` the connector for sources whose `kind` is `kind` (tests may override)."""
    _factories[kind] = factory


def unregister(kind: str) -> None:
    _factories.pop(kind, None)


def connector_for(source: Source) -> Connector:
    try:
        factory = _factories[source.kind]
    except KeyError:
        raise CannotDo(f"no connector is registered for sources of kind {source.kind!r}") from None
    return factory(source)


class ReceiveOnlyConnector:
    """A place posts only come in from (files, a generic webhook): sending raises CannotDo with `cannot_send`."""

    kind = ""
    capabilities = frozenset({RECEIVE})
    cannot_send = "careloop can only receive from it"

    def __init__(self, source: Source) -> None:
        self.source = source

    def send(self, message: OutgoingMessage) -> SendResult:
        raise CannotDo(f"source {self.source.name!r} {self.cannot_send}; reach the member by e-mail or on their "
                       "platform")

    def find_sent(self, idempotency_key: str) -> SendResult | None:
        return None

    def read_private_replies(self, since: datetime | None) -> Iterable[PrivateReply]:
        return []
