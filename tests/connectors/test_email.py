"""E-mail against real SMTP servers on loopback (aiosmtpd): outreach out, the member's reply back in, threaded."""

from __future__ import annotations

import datetime as dt
import ipaddress
import mailbox
import smtplib
import ssl
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from careloop.connectors.base import CannotDo, OutgoingMessage, PermanentFailure, TemporaryFailure, connector_for
from careloop.connectors.email.connector import message_id, strip_quoted
from tests.connectors.synapse import free_port

TEAM = "team@community.example"
MEMBER = "anna@example.net"


class Inbox:
    """An SMTP handler that keeps every message it accepts (what a member's mail server would do)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802 - aiosmtpd's hook
        mail = BytesParser(policy=default).parsebytes(envelope.original_content)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), mail))
        return "250 OK"


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def smtp_server():
    servers: list[Controller] = []

    def start(handler, **options) -> int:  # noqa: ANN001
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
        controller.start()
        servers.append(controller)
        return port

    yield start
    for controller in servers:
        controller.stop()


def outreach(key: str = "outbox-9", **fields) -> OutgoingMessage:
    values = {"kind": "private", "recipient": MEMBER, "body": "Hi Anna, sorry about the double charge.",
              "idempotency_key": key, "subject": "About your invoice", "case_ref": "case-9", **fields}
    return OutgoingMessage(**values)


def test_outreach_goes_out_by_smtp_with_a_message_id_from_the_key(make_source, smtp_server):
    inbox = Inbox()
    port = smtp_server(inbox)
    source = make_source("email", host="127.0.0.1", port=port, security="none", from_address=TEAM,
                         from_name="Lumen Community")
    connector = connector_for(source)

    sent = connector.send(outreach())

    assert sent.external_id == message_id("outbox-9", "community.example")
    [(sender, recipients, mail)] = inbox.received
    assert (sender, recipients) == (TEAM, [MEMBER])
    assert mail["Message-ID"] == sent.external_id and mail["X-Careloop-Case"] == "case-9"
    assert mail["Subject"] == "About your invoice" and "Lumen Community" in mail["From"]
    assert mail.get_content().strip() == "Hi Anna, sorry about the double charge."
    assert connector.send(outreach()).external_id == sent.external_id  # the same key again: not sent twice
    assert len(inbox.received) == 1
    connector.send(outreach("outbox-10", body="Following up: did the refund arrive?", thread_ref="forum-topic-3"))
    follow_up = inbox.received[-1][2]
    assert follow_up["In-Reply-To"] == sent.external_id == follow_up["References"]
    assert connector.find_sent("outbox-9").external_id == sent.external_id
    with pytest.raises(CannotDo):
        connector.send(outreach("pub", kind="public_reply"))


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_a_private_certificate_and_a_login(make_source, smtp_server, tmp_path, security):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    cert, key = self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN202
        if isinstance(auth_data, LoginPassword):
            logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data == LoginPassword(b"team", b"s3cret-password"))

    inbox = Inbox()
    options = {"authenticator": authenticator}
    if security == "starttls":
        options.update(tls_context=server_tls, require_starttls=True, auth_require_tls=True)
    else:  # implicit TLS: aiosmtpd only knows STARTTLS sessions as "TLS", so it must not require it for AUTH
        options.update(ssl_context=server_tls, auth_require_tls=False)
    port = smtp_server(inbox, **options)
    source = make_source("email", host="127.0.0.1", port=port, security=security, from_address=TEAM,
                         username="team", password="s3cret-password", ca_file=str(cert))
    assert "accepts mail" in connector_for(source).check()
    connector_for(source).send(outreach(f"tls-{security}"))
    assert len(inbox.received) == 1 and logins[-1] == (b"team", b"s3cret-password")

    source.settings = {**source.settings, "ca_file": ""}  # the system CAs do not know this certificate
    with pytest.raises(PermanentFailure, match="TLS"):
        connector_for(source).send(outreach(f"tls-{security}-unverified"))


def test_the_members_reply_comes_back_through_the_inbound_smtp_hook_threaded_to_the_case(
        make_source, smtp_server, tmp_path):
    outbound = Inbox()
    out_port = smtp_server(outbound)
    maildir = tmp_path / "replies"
    mailbox.Maildir(maildir, create=True)
    in_port = smtp_server(Mailbox(str(maildir)))
    source = make_source("email", host="127.0.0.1", port=out_port, security="none", from_address=TEAM,
                         maildir=str(maildir))
    connector = connector_for(source)
    sent = connector.send(outreach())
    assert list(connector.read_private_replies(None)) == []

    reply = EmailMessage()
    reply["From"] = f"Anna <{MEMBER}>"
    reply["To"] = TEAM
    reply["Subject"] = "Re: About your invoice"
    reply["Message-ID"] = "<reply-1@example.net>"
    reply["In-Reply-To"] = sent.external_id
    reply["References"] = sent.external_id
    reply["Date"] = "Tue, 05 May 2026 10:00:00 +0000"
    reply.set_content("Thanks, it is refunded now.\n\nOn Mon, 4 May 2026 Lumen wrote:\n> Hi Anna, sorry")
    with smtplib.SMTP("127.0.0.1", in_port) as smtp:
        smtp.send_message(reply)
    unrelated = EmailMessage()
    unrelated["From"] = "someone@example.org"
    unrelated["To"] = TEAM
    unrelated["Date"] = "Tue, 05 May 2026 11:00:00 +0000"
    unrelated.set_content("A newsletter")
    with smtplib.SMTP("127.0.0.1", in_port) as smtp:
        smtp.send_message(unrelated)

    replies = list(connector.read_private_replies(None))
    first = replies[0]
    assert (first.sender, first.body, first.external_id) == (MEMBER, "Thanks, it is refunded now.",
                                                             "<reply-1@example.net>")
    assert first.in_reply_to == sent.external_id and first.case_ref == "case-9"
    assert replies[1].case_ref == "" and replies[1].in_reply_to == ""
    assert [r.external_id for r in connector.read_private_replies(first.at)] == [replies[1].external_id]


def test_an_smtp_server_that_is_down_is_a_temporary_failure(make_source):
    source = make_source("email", host="127.0.0.1", port=free_port(), security="none", from_address=TEAM)
    with pytest.raises(TemporaryFailure, match="cannot reach SMTP"):
        connector_for(source).send(outreach())


def test_quoted_text_is_not_the_members_words():
    assert strip_quoted("Yes please.\r\n\r\nAm 4. Mai 2026 schrieb Lumen <x@y>:\r\n> Hallo") == "Yes please."
    assert strip_quoted("> old\nnew words") == "new words"
