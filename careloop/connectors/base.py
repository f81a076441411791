"""The one small interface every connector offers, and the registry that finds a source's connector.

A connector receives posts, sends a private message, posts a public reply, reads private replies, and says
what it cannot do. The case loop never talks to a platform directly: it writes a row to the outbox, and the
outbox worker hands an `OutgoingMessage` to `connector_for(source).send(...)`.

Receiving is declared, never guessed: each connector kind says in `receives` how its posts come in
(`Receiving`: POLL, STREAM, WEBHOOK, IMPORT), and offers what that way needs — `sync_once()` for POLL and
STREAM (`Polled`), `verify_webhook()` / `read_webhook()` / `answer_webhook()` and a `webhook_route` for
WEBHOOK (`WebhookReceiver`). The worker polls the kinds that declare POLL (connectors/tasks.py),
`careloop source sync --follow` streams the ones that declare STREAM, and one view serves every kind that
declares WEBHOOK under the path it names (connectors/views.py, connectors/urls.py). However they arrive,
posts go to the one ingest entry point, `connectors/ingest.py` `receive()`, which stores them and always
announces them for scoring.

Errors tell the outbox what to do next:
- `TemporaryFailure`: the platform is down or rate-limits; retry later with backoff (`retry_after` seconds
  when the platform says so).
- `PermanentFailure`: retrying cannot help (unknown user, refused credentials); the message is marked failed
  and a manager sees why.
- `CannotDo`: the connector does not offer this (e.g. a file source cannot send anything).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from django.http import HttpRequest

    from careloop.community.ingest import ImportResult
    from careloop.community.models import Source

# What a connector can do; `Connector.capabilities` is a subset of these.
RECEIVE = "receive"  # posts come in (poll, stream or webhook)
SEND_PRIVATE = "send_private"  # a private message to one member (platform DM, e-mail)
POST_PUBLIC = "post_public"  # a public reply in the thread
READ_PRIVATE = "read_private"  # the member's private replies come back
CAPABILITIES = frozenset({RECEIVE, SEND_PRIVATE, POST_PUBLIC, READ_PRIVATE})


class Receiving(enum.Enum):
    """How a connector kind's posts come in; `Connector.receives` is a set of these (empty: none come in)."""

    POLL = "poll"  # careloop asks the platform for what is new, every minute in the worker: `sync_once(0)`
    STREAM = "stream"  # careloop holds a request open until something comes (long-poll): `sync_once(timeout_ms)`
    WEBHOOK = "webhook"  # the platform posts to careloop, under /hooks/: `verify_webhook()`, `read_webhook()`
    IMPORT = "import"  # a person hands them in: `careloop import FILE` (connectors/files/connector.py)


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
    receives: frozenset[Receiving]  # how posts come in; non-empty exactly when RECEIVE is in capabilities

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


@runtime_checkable
class Polled(Connector, Protocol):
    """A connector that declares Receiving.POLL or Receiving.STREAM."""

    def sync_once(self, timeout_ms: int = 0) -> tuple[list[dict[str, Any]], str]:
        """Posts new since the stored cursor, in the import format, and the cursor to keep after importing them.

        timeout_ms=0 answers at once (a poll); more holds the request open until something comes (a stream).
        """
        ...


class WebhookRefused(Exception):
    """A webhook request the connector will not take: answered with `status` and {"error": reason}.

    `logged`: also logged as refused (with the source and the sender's address, never the body)."""

    def __init__(self, reason: str, status: int = 401, *, logged: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.logged = logged


@dataclass(frozen=True)
class WebhookRoute:
    """Where a webhook kind is served: POST /hooks/<prefix><source name>/ (also without the last slash)."""

    prefix: str  # "discourse/" serves /hooks/discourse/<name>/; "" serves /hooks/<name>/
    label: str  # how a 404 names the kind: "no enabled {label} source named ..."

    def path(self, source_name: str) -> str:
        """Where the source of this name receives: what its platform is told to POST to."""
        return f"/hooks/{self.prefix}{source_name}/"


@dataclass
class WebhookDelivery:
    """What one webhook request brings, as the connector read it (`read_webhook()`).

    - `answer`: answered at once with this, nothing received (a ping);
    - `posts`: posts in the import format (or json_input.BadJson for an element that could not be read), for
      the ingest entry point;
    - `apply`: other work the request asks for (a topic's title, a flag, a member's private reply), done
      instead of posts; it returns what to answer and may raise WebhookRefused.
    - `delivery_id`: the platform's name for this delivery: one received before is answered as a duplicate
      (`duplicate`) and nothing is done again. Recorded only after the work, so a failed request can be sent
      again; `event` labels the record.
    """

    posts: list[Any] = field(default_factory=list)
    apply: Callable[[], dict[str, Any]] | None = None
    answer: dict[str, Any] | None = None
    delivery_id: str = ""
    event: str = ""
    duplicate: dict[str, Any] = field(default_factory=dict)
    origin: str = "webhook"  # names the posts' origin in line errors


@runtime_checkable
class WebhookReceiver(Connector, Protocol):
    """A connector that declares Receiving.WEBHOOK; its class names its `webhook_route`.

    The one webhook view (connectors/views.py) finds the enabled source, refuses an over-long body, then asks
    the connector to verify the request, to read it, and to answer for what was stored.
    """

    webhook_route: WebhookRoute

    def verify_webhook(self, request: HttpRequest, body: bytes) -> None:
        """Raise WebhookRefused when the request is not signed by the platform; PermanentFailure when the
        secret to check it with cannot be read."""
        ...

    def read_webhook(self, request: HttpRequest, body: bytes) -> WebhookDelivery:
        """What a verified request brings; raise WebhookRefused (400) for a body that cannot be read."""
        ...

    def answer_webhook(self, delivery: WebhookDelivery, result: ImportResult) -> tuple[dict[str, Any], int]:
        """The JSON answer and status for a delivery whose posts the ingest entry point stored."""
        ...


ConnectorFactory = Callable[["Source"], Connector]


@dataclass(frozen=True)
class _Declared:
    receives: frozenset[Receiving]
    webhook_route: WebhookRoute | None


_factories: dict[str, ConnectorFactory] = {}
_declared: dict[str, _Declared] = {}  # how each registered kind receives, as its connector declared it


def register(kind: str, factory: ConnectorFactory, *, receives: frozenset[Receiving] | None = None,
             webhook_route: WebhookRoute | None = None) -> None:
    """Make `factory(source)` the connector for sources whose `kind` is `kind` (tests may override).

    How the kind receives is the connector class's declaration (`receives`, and `webhook_route` when it takes
    webhooks); a factory that is a plain function (one choosing between connectors) states them here.
    """
    declared = receives if receives is not None else getattr(factory, "receives", None)
    if not isinstance(declared, frozenset) or not all(isinstance(way, Receiving) for way in declared):
        raise TypeError(f"the connector for kind {kind!r} must declare how it receives: `receives`, a frozenset "
                        "of Receiving (empty when no posts come in), on its class or given to register()")
    route = webhook_route or getattr(factory, "webhook_route", None)
    if Receiving.WEBHOOK in declared and not isinstance(route, WebhookRoute):
        raise TypeError(f"the connector for kind {kind!r} receives webhooks: it must name its webhook_route")
    _factories[kind] = factory
    _declared[kind] = _Declared(declared, route if Receiving.WEBHOOK in declared else None)


def unregister(kind: str) -> None:
    _factories.pop(kind, None)
    _declared.pop(kind, None)


def connector_for(source: Source) -> Connector:
    try:
        factory = _factories[source.kind]
    except KeyError:
        raise CannotDo(f"no connector is registered for sources of kind {source.kind!r}") from None
    return factory(source)


def registered_kinds() -> list[str]:
    return sorted(_declared)


def receiving(kind: str) -> frozenset[Receiving]:
    """How posts of sources of this kind come in (empty for a kind no connector is registered for)."""
    found = _declared.get(kind)
    return found.receives if found else frozenset()


def kinds_receiving(way: Receiving) -> list[str]:
    """The registered kinds that declare this way of receiving, e.g. every kind the worker polls."""
    return sorted(kind for kind, found in _declared.items() if way in found.receives)


def webhook_routes() -> dict[str, WebhookRoute]:
    """Every kind that receives webhooks, and where (connectors/urls.py serves them all with one view)."""
    return {kind: found.webhook_route for kind, found in sorted(_declared.items()) if found.webhook_route}


class ReceiveOnlyConnector:
    """A place posts only come in from (files, a generic webhook): sending raises CannotDo with `cannot_send`."""

    kind = ""
    capabilities = frozenset({RECEIVE})
    receives: frozenset[Receiving]  # each subclass declares how its posts come in (register() checks)
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
