"""The guards on a token: it expires (401 naming when), it may be read-only (403 on a write, whatever the role),
and it makes at most CARELOOP_API_RATE_PER_MINUTE requests a minute (429 with Retry-After), counted in the
database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from careloop.api import tokens
from careloop.api.models import ApiToken
from careloop.api.tokens import create_token, user_for_token
from careloop.cases.models import CaseEvent
from tests.api.conftest import stored

pytestmark = pytest.mark.django_db


def _client(token: str) -> Client:
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}"})


def _note(client: Client, case):
    return client.post(f"/api/cases/{case.pk}/notes", b'{"text": "called billing"}', content_type="application/json")


# ------------------------------------------------------------------------------------------------ expiry
def test_a_new_token_expires_after_the_default_and_an_expired_one_is_401_naming_when(make_user, community):
    user = make_user("manager")
    row, token = create_token(user, "sync")
    assert row.expires_at is not None
    assert abs(row.expires_at - (row.created_at + timedelta(days=90))) < timedelta(seconds=1)
    client = _client(token)
    assert client.get("/api/cases").status_code == 200

    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    case = community["billing"]
    before = stored(case)
    for response in (client.get("/api/cases"), _note(client, case)):
        assert response.status_code == 401
        body = response.json()
        assert "expired at" in body["error"] and body["expired_at"].endswith("Z")
        assert body["expired_at"][:10] in body["error"]
        assert "careloop api token create" in body["error"]
    assert stored(case) == before
    assert user_for_token(token) is None


def test_expiry_can_be_chosen_or_turned_off_and_old_tokens_without_one_keep_working(make_user, community, settings):
    user = make_user("agent")
    week, _ = create_token(user, expires_in_days=7)
    assert abs(week.expires_at - week.created_at - timedelta(days=7)) < timedelta(seconds=1)
    forever, _ = create_token(user, expires_in_days=None)
    assert forever.expires_at is None
    settings.CARELOOP_API_TOKEN_DAYS = 0
    assert create_token(user)[0].expires_at is None  # the default turned off
    with pytest.raises(ValueError, match="expiry"):
        create_token(user, expires_in_days=-1)

    old, token = create_token(user, expires_in_days=30)  # a token made before expiry existed: no expires_at
    ApiToken.objects.filter(pk=old.pk).update(expires_at=None)
    assert _client(token).get("/api/cases").status_code == 200


# ------------------------------------------------------------------------------------------------ read-only
@pytest.mark.parametrize("role", ["admin", "manager"])
def test_a_read_only_token_reads_but_every_write_is_403_whatever_the_role(make_user, community, role):
    user = make_user(role)
    _row, token = create_token(user, "dashboard", read_only=True)
    client = _client(token)
    case = community["billing"]
    assert client.get("/api/cases").status_code == 200
    assert client.get(f"/api/cases/{case.pk}").status_code == 200

    before = stored(case)
    refused = _note(client, case)
    assert refused.status_code == 403
    assert "read-only" in refused.json()["error"] and refused.json()["read_only"] is True
    for path, body in ((f"/api/cases/{case.pk}/assign", b"{}"), (f"/api/cases/{case.pk}/dismiss",
                                                                 b'{"reason": "duplicate"}'),
                       ("/api/score", b'{"texts": ["hello"]}')):
        assert client.post(path, body, content_type="application/json").status_code == 403
    for method in ("put", "patch", "delete"):  # no endpoint takes these yet: 405 says so before any credentials
        assert getattr(client, method)(f"/api/cases/{case.pk}/notes").status_code == 405
        with pytest.raises(tokens.TokenRefused, match=f"read-only.*not {method.upper()}"):
            tokens.token_row(token, method)
    assert stored(case) == before
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.NOTE).count() == 0

    _row, writer = create_token(user, "the same user, a normal token")
    assert _note(_client(writer), case).status_code == 201


# ------------------------------------------------------------------------------------------------ rate limit
@pytest.fixture
def frozen_clock(monkeypatch):
    """The rate limit's clock at 10 s into a minute (no test crosses a minute's turn by chance); move it on
    with clock.now += seconds."""

    class Clock:
        now = 1_800_000_000.0 - 1_800_000_000.0 % 60 + 10

    monkeypatch.setattr(tokens, "_clock", lambda: Clock.now)
    return Clock


def test_the_request_after_the_limit_is_429_with_retry_after(make_user, community, settings, frozen_clock):
    settings.CARELOOP_API_RATE_PER_MINUTE = 3
    user = make_user("manager")
    _row, token = create_token(user)
    client = _client(token)
    case = community["billing"]
    assert [client.get("/api/cases").status_code for _ in range(2)] == [200, 200]
    assert _note(client, case).status_code == 201  # writes count too

    before = stored(case)
    refused = _note(client, case)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"
    body = refused.json()
    assert "at most 3 a minute" in body["error"] and body["limit"] == 3 and body["retry_after"] == 50
    assert client.get("/api/cases").status_code == 429
    assert stored(case) == before

    # another token (even of the same user) has its own count; the browser session is not limited
    _row, other = create_token(user)
    assert _client(other).get("/api/cases").status_code == 200
    session = Client()
    session.force_login(user)
    assert all(session.get("/api/cases").status_code == 200 for _ in range(5))

    frozen_clock.now += 50  # the next minute: counting starts again
    assert client.get("/api/cases").status_code == 200


def test_the_count_is_in_the_database_so_every_client_and_process_shares_it(make_user, community, settings,
                                                                            frozen_clock):
    settings.CARELOOP_API_RATE_PER_MINUTE = 4
    _row, token = create_token(make_user("viewer"))
    clients = [_client(token) for _ in range(4)]  # as if four threads or processes each had a connection
    assert [c.get("/api/cases").status_code for c in clients] == [200] * 4
    assert ApiToken.objects.get().rate_count == 4
    assert clients[0].get("/api/cases").status_code == 429


def test_an_expired_or_unknown_token_is_not_counted_and_zero_turns_the_limit_off(make_user, community, settings,
                                                                                 frozen_clock):
    settings.CARELOOP_API_RATE_PER_MINUTE = 0
    row, token = create_token(make_user("viewer"))
    client = _client(token)
    assert all(client.get("/api/cases").status_code == 200 for _ in range(20))
    row.refresh_from_db()
    assert row.rate_count == 0  # no write per request when there is no limit

    settings.CARELOOP_API_RATE_PER_MINUTE = 1
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert client.get("/api/cases").status_code == 401
    row.refresh_from_db()
    assert row.rate_count == 0


# ------------------------------------------------------------------------------------------------ the CLI
def test_the_cli_makes_read_only_and_expiring_tokens_and_lists_them(cli, make_user, community):
    make_user("manager", "mia")
    made = cli("api", "token", "create", "mia", "--name", "wallboard", "--read-only", "--expires-in", "7")
    assert made.exit_code == 0, made.output
    assert "read-only" in made.output and "expires" in made.output
    token = made.stdout.strip().splitlines()[-1]
    row = ApiToken.objects.get(name="wallboard")
    assert row.read_only and abs(row.expires_at - row.created_at - timedelta(days=7)) < timedelta(seconds=1)
    assert _note(_client(token), community["billing"]).status_code == 403

    forever = cli("api", "token", "create", "mia", "--name", "backup", "--never-expires")
    assert forever.exit_code == 0 and "never expires" in forever.output
    assert ApiToken.objects.get(name="backup").expires_at is None
    default = cli("api", "token", "create", "mia", "--name", "helpdesk")
    assert default.exit_code == 0 and "read-only" not in default.output
    assert ApiToken.objects.get(name="helpdesk").expires_at is not None
    assert cli("api", "token", "create", "mia", "--never-expires", "--expires-in", "3").exit_code != 0

    ApiToken.objects.filter(name="helpdesk").update(expires_at=timezone.now() - timedelta(days=1))
    listed = cli("api", "token", "list", "mia").output.splitlines()
    line = {name: next(ln for ln in listed if name in ln) for name in ("wallboard", "backup", "helpdesk")}
    assert "read-only" in line["wallboard"] and f"expires {row.expires_at:%Y-%m-%d}" in line["wallboard"]
    assert "never expires" in line["backup"] and "read-write" in line["backup"]
    assert "EXPIRED" in line["helpdesk"]


@pytest.mark.django_db(transaction=True)
def test_threads_making_requests_at_once_get_exactly_the_limit_through(make_user, settings, frozen_clock):
    """As under `careloop serve` (waitress's threads, each with its own database connection): 8 threads x 10
    requests with one token and a limit of 25 -> exactly 25 answered, 55 refused with 429."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    settings.CARELOOP_API_RATE_PER_MINUTE = 25
    _row, token = create_token(make_user("viewer"))

    def ten(_n: int) -> list[int]:
        try:
            client = _client(token)
            return [client.get("/api/cases").status_code for _ in range(10)]
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        codes = [code for batch in pool.map(ten, range(8)) for code in batch]
    print(f"\n8 threads x 10 requests, limit 25: {codes.count(200)} answered, {codes.count(429)} refused (429)")
    assert codes.count(200) == 25 and codes.count(429) == 55
    assert ApiToken.objects.get().rate_count == 80


@pytest.mark.parametrize("returning", [True, False], ids=["update-returning", "update-then-select"])
def test_both_ways_of_counting_count_the_same(make_user, monkeypatch, returning):
    from types import SimpleNamespace

    if not returning:  # as on a database without UPDATE ... RETURNING: an UPDATE and a SELECT in a transaction
        monkeypatch.setattr(tokens, "connection", SimpleNamespace(vendor="other"))
    row, _token = create_token(make_user("viewer"))
    assert [tokens._count_in(row.pk, 100) for _ in range(3)] == [1, 2, 3]
    assert tokens._count_in(row.pk, 101) == 1  # a new minute starts again
    assert tokens._count_in(row.pk + 1000, 101) == 0  # no such token
