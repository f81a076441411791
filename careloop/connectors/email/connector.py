"""E-mail: outreach by SMTP (plain, STARTTLS or SSL), members' replies read from a Maildir.

Threading: each message's Message-ID is derived from the outbox's idempotency key
(<careloop.{sha256}@domain>), so a resend carries the same id (mail clients show it once) and a member's
reply names it in In-Reply-To / References; `read_private_replies` matches those to the Delivery ledger and
so to the case. Replies reach the Maildir from any MTA (Postfix, Dovecot, fetchmail) or from
`python -m aiosmtpd -c aiosmtpd.handlers.Mailbox <maildir>` as the inbound SMTP hook.
"""

from __future__ import annotations

import contextlib
import hashlib
import mailbox
import re
import smtplib
import ssl
from collections.abc import Iterable
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, formataddr, parseaddr, parsedate_to_datetime

from django.utils import timezone

from careloop.community.models import Source
from careloop.connectors import ledger
from careloop.connectors.base import (
    READ_PRIVATE,
    SEND_PRIVATE,
    CannotDo,
    OutgoingMessage,
    PermanentFailure,
    PrivateReply,
    Receiving,
    SendResult,
    TemporaryFailure,
)
from careloop.connectors.models import Delivery
from careloop.connectors.vault import secret

SECURITY = ("starttls", "ssl", "none")
QUOTE_HEADER_RE = re.compile(r"^(On .+ wrote:|Am .+ schrieb .+:)\s*$")
MSGID_RE = re.compile(r"<[^<>\s]+>")


def message_id(idempotency_key: str, domain: str) -> str:
    return f"<careloop.{hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]}@{domain}>"


def strip_quoted(text: str) -> str:
    """The member's own words: the quoted earlier message and its "On … wrote:" line removed."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    for line in lines:
        if line.startswith(">"):
            continue
        if QUOTE_HEADER_RE.match(line.strip()):
            break
        kept.append(line)
    return "\n".join(kept).strip()


class EmailConnector:
    kind = "email"
    capabilities = frozenset({SEND_PRIVATE, READ_PRIVATE})
    receives: frozenset[Receiving] = frozenset()  # no public posts come in: only members' replies (the Maildir)

    def __init__(self, source: Source) -> None:
        self.source = source
        s = source.settings or {}
        self.host = s.get("host", "")
        self.security = s.get("security", "starttls")
        if self.security not in SECURITY:
            raise PermanentFailure(f"source {source.name!r}: security must be one of {', '.join(SECURITY)}")
        self.port = int(s.get("port") or {"ssl": 465, "starttls": 587, "none": 25}[self.security])
        self.username = s.get("username", "")
        self.from_address = s.get("from_address", "")
        self.from_name = s.get("from_name", "")
        self.domain = s.get("domain") or self.from_address.rpartition("@")[2] or "careloop.invalid"
        self.maildir = s.get("maildir", "")
        self.verify_tls = s.get("verify_tls", True) not in (False, "false", "0", 0)
        self.ca_file = s.get("ca_file", "")  # a private CA's certificate, for a server with its own certificate
        self.timeout = float(s.get("timeout", 30))

    # ------------------------------------------------------------------------------------------ SMTP
    def _tls(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.ca_file or None)
        if not self.verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def _connect(self) -> smtplib.SMTP:
        if not self.host or not self.from_address:
            raise PermanentFailure(f"source {self.source.name!r} needs host and from_address settings")
        try:
            if self.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                      context=self._tls())
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    smtp.starttls(context=self._tls())
            if self.username:
                smtp.login(self.username, secret(self.source, "password"))
            return smtp
        except smtplib.SMTPAuthenticationError as exc:
            raise PermanentFailure(f"SMTP {self.host}:{self.port} refused the login ({exc.smtp_code})") from None
        except smtplib.SMTPNotSupportedError:
            raise PermanentFailure(f"SMTP {self.host}:{self.port} does not offer "
                                   f"{'STARTTLS' if self.security == 'starttls' else 'a login'} here; check the "
                                   "security and username settings") from None
        except ssl.SSLError as exc:
            raise PermanentFailure(f"SMTP {self.host}:{self.port}: TLS failed ({exc.reason})") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(f"cannot reach SMTP {self.host}:{self.port} ({type(exc).__name__}: {exc})") \
                from None

    def compose(self, message: OutgoingMessage) -> EmailMessage:
        mail = EmailMessage(policy=policy.SMTP)
        mail["From"] = formataddr((self.from_name, self.from_address)) if self.from_name else self.from_address
        mail["To"] = message.recipient
        mail["Subject"] = message.subject or f"A message from the {self.source} team"
        mail["Date"] = format_datetime(timezone.now())
        mail["Message-ID"] = message_id(message.idempotency_key, self.domain)
        earlier = self._earlier(message)
        if earlier:
            mail["In-Reply-To"] = earlier
            mail["References"] = earlier
        if message.case_ref:
            mail["X-Careloop-Case"] = message.case_ref
        mail.set_content(message.body)
        return mail

    def _earlier(self, message: OutgoingMessage) -> str:
        """What this message answers: the given Message-ID, else careloop's last e-mail to the member in the case.

        (thread_ref names the public thread the case began in, not an e-mail, so it is not used.)
        """
        if MSGID_RE.fullmatch(message.in_reply_to.strip()):
            return message.in_reply_to.strip()
        if not message.case_ref:
            return ""
        return (Delivery.objects.filter(source=self.source, recipient=message.recipient, case_ref=message.case_ref)
                .exclude(idempotency_key=message.idempotency_key).order_by("-sent_at")
                .values_list("external_id", flat=True).first()) or ""

    def send(self, message: OutgoingMessage) -> SendResult:
        if message.kind != "private":
            raise CannotDo("e-mail has no public thread to reply in; send a private message")
        done = ledger.find(self.source, message.idempotency_key)
        if done:
            return done
        if "@" not in parseaddr(message.recipient)[1]:
            raise PermanentFailure(f"{message.recipient!r} is not an e-mail address")
        mail = self.compose(message)
        smtp = self._connect()
        try:
            refused = smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()))[0]
            failure = TemporaryFailure if 400 <= code < 500 else PermanentFailure
            raise failure(f"SMTP {self.host} refused the recipient ({code})") from None
        except smtplib.SMTPResponseException as exc:
            failure = TemporaryFailure if 400 <= exc.smtp_code < 500 else PermanentFailure
            raise failure(f"SMTP {self.host} refused the message ({exc.smtp_code})") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(f"SMTP {self.host} dropped the connection ({type(exc).__name__})") from None
        finally:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
        if refused:
            raise PermanentFailure(f"SMTP {self.host} refused the recipient")
        result = SendResult(external_id=mail["Message-ID"], sent_at=timezone.now(), details={"to": message.recipient})
        return ledger.record(self.source, message, result, thread_ref=mail["Message-ID"])

    def find_sent(self, idempotency_key: str) -> SendResult | None:
        return ledger.find(self.source, idempotency_key)

    def check(self) -> str:
        smtp = self._connect()
        try:
            smtp.noop()
        finally:
            smtp.quit()
        where = f"replies from {self.maildir}" if self.maildir else "no maildir for replies"
        return f"SMTP {self.host}:{self.port} ({self.security}) accepts mail from {self.from_address}; {where}"

    # ------------------------------------------------------------------------------------------ replies
    def read_private_replies(self, since: datetime | None) -> Iterable[PrivateReply]:
        if not self.maildir:
            return []
        try:
            box = mailbox.Maildir(self.maildir, factory=None, create=False)
            keys = box.keys()
        except (OSError, mailbox.Error) as exc:
            raise TemporaryFailure(f"cannot read the maildir {self.maildir} ({exc})") from None
        parser = BytesParser(policy=policy.default)
        replies: list[PrivateReply] = []
        for key in keys:
            try:
                with box.get_file(key) as f:
                    mail = parser.parsebytes(f.read())
            except (OSError, KeyError):
                continue  # moved or deleted meanwhile
            reply = self._reply(mail, key)
            if reply and (since is None or reply.at > since):
                replies.append(reply)
        return sorted(replies, key=lambda r: r.at)

    def _reply(self, mail, key: str) -> PrivateReply | None:  # noqa: ANN001 - an email.message.EmailMessage
        sender = parseaddr(str(mail.get("From", "")))[1].lower()
        if not sender or sender == self.from_address.lower():
            return None
        try:
            at = parsedate_to_datetime(str(mail["Date"]))
            if at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
        except (TypeError, ValueError):
            at = timezone.now()
        referenced = MSGID_RE.findall(str(mail.get("In-Reply-To", ""))) + \
            list(reversed(MSGID_RE.findall(str(mail.get("References", "")))))
        delivery = Delivery.objects.filter(source=self.source, external_id__in=referenced).order_by("-sent_at").first()
        body_part = mail.get_body(preferencelist=("plain",))
        body = body_part.get_content() if body_part is not None else ""
        own_id = str(mail.get("Message-ID", "")).strip() or f"<maildir.{key}@careloop.invalid>"
        return PrivateReply(
            sender=sender, body=strip_quoted(body), external_id=own_id, at=at,
            in_reply_to=delivery.external_id if delivery else (referenced[0] if referenced else ""),
            case_ref=delivery.case_ref if delivery else str(mail.get("X-Careloop-Case", "")),
        )

