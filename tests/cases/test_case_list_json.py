"""`careloop case list [--json] [--state all] [--limit 0]`: queue order, then closed cases, with platform ids."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from careloop.cases import state
from careloop.cases.models import Case
from careloop.community.models import Member, Post

pytestmark = pytest.mark.django_db

T = datetime(2026, 5, 3, 10, tzinfo=UTC)


@pytest.fixture
def cases(source, member, complaint) -> dict[str, Case]:
    """Five open cases of every severity (two of severity 2, one of them moved private) and two closed ones."""
    other = Member.objects.create(source=source, external_id="@ole:example.org", handle="ole", display_name="Ole")
    earlier = Post.objects.create(source=source, external_id="$post-0", thread=complaint.thread, author=member,
                                  created_at=T.replace(hour=9), text="The app logs me out all the time.")
    made = {}
    for name, severity, extra in [
        ("low", 1, {}),
        ("urgent", 3, {"origin": earlier, "reasons": ["fraud: someone else paid with my card"]}),
        ("moderation", 0, {}),
        ("private", 2, {"handed_off_at": T, "public_outcome": "unsatisfied"}),
        ("public", 2, {"waiting_since": T}),
        ("resolved", 2, {"state": "resolved", "closed_at": T.replace(day=4)}),
        ("dismissed", 1, {"state": "dismissed", "closed_at": T.replace(day=5)}),
    ]:
        opened = state.open_case(source=source, member=other if name == "public" else member, post=complaint,
                                 topic=name, reasons=extra.pop("reasons", [f"complaint ({name})"]), risk=0.5)
        Case.objects.filter(pk=opened.pk).update(severity=severity, **extra)
        made[name] = Case.objects.get(pk=opened.pk)
    return made


def lines(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_json_lines_in_queue_order_with_platform_ids(cli, cases):
    listed = lines(cli("case", "list", "--json"))
    order = ["urgent", "public", "private", "low", "moderation"]  # severity; moved private after still public
    assert [c["id"] for c in listed] == [cases[name].pk for name in order]
    urgent, public, private = listed[0], listed[1], listed[2]
    assert {"id", "state", "severity", "risk", "thread", "member", "post", "origin", "handed_off", "reasons",
            "source", "public_outcome", "opened_at", "waiting_since"} <= set(urgent)
    assert urgent["state"] == "new" and urgent["severity"] == 3 and urgent["risk"] == 0.5
    assert (urgent["thread"], urgent["member"], urgent["post"]) == ("!room-1", "@mia:example.org", "$post-1")
    assert urgent["origin"] == "$post-0"  # where the trouble began, not the post that opened the case
    assert urgent["reasons"] == ["fraud: someone else paid with my card"] and urgent["source"] == "forum"
    assert urgent["handed_off"] is False
    assert datetime.fromisoformat(urgent["waiting_since"]) == cases["urgent"].post.created_at  # waits since its post
    assert datetime.fromisoformat(urgent["opened_at"]).tzinfo is not None
    assert public["member"] == "@ole:example.org" and public["origin"] == "$post-1"  # no origin: the post
    assert datetime.fromisoformat(public["waiting_since"]) == T
    assert private["handed_off"] is True and private["public_outcome"] == "unsatisfied"


def test_state_all_puts_closed_cases_last_most_recently_closed_first(cli, cases):
    listed = lines(cli("case", "list", "--json", "--state", "all", "--limit", "0"))
    assert [c["id"] for c in listed] == [cases[n].pk for n in
                                         ("urgent", "public", "private", "low", "moderation", "dismissed", "resolved")]
    assert [c["state"] for c in listed[-2:]] == ["dismissed", "resolved"]
    assert [c["id"] for c in lines(cli("case", "list", "--json", "--state", "resolved", "--state", "new"))] \
        == [cases[n].pk for n in ("urgent", "public", "private", "low", "moderation", "resolved")]
    assert [c["id"] for c in lines(cli("case", "list", "--json", "--state", "all", "--limit", "3"))] \
        == [cases[n].pk for n in ("urgent", "public", "private")]
    assert [c["id"] for c in lines(cli("case", "list", "--json", "--state", "dismissed"))] == [cases["dismissed"].pk]


def test_limit_zero_means_all(cli, cases, source, member, complaint):
    for _ in range(55):
        state.open_case(source=source, member=member, post=complaint, topic="more")
    assert len(lines(cli("case", "list", "--json"))) == 50
    assert len(lines(cli("case", "list", "--json", "--limit", "0"))) == 60
    assert len(lines(cli("case", "list", "--json", "--limit", "0", "--state", "all"))) == 62


def test_text_output_is_unchanged_but_in_queue_order(cli, cases):
    result = cli("case", "list")
    assert result.exit_code == 0
    rows = result.output.splitlines()
    assert [int(row.split()[0]) for row in rows] == [cases[n].pk for n in
                                                     ("urgent", "public", "private", "low", "moderation")]
    assert rows[0] == f"{cases['urgent'].pk:>6}  new           {'Mia':<24} urgent"


def test_an_unknown_state_or_negative_limit_is_a_usage_error(cli, cases):
    from click.testing import CliRunner

    from careloop.cli import main

    assert CliRunner().invoke(main, ["case", "list", "--state", "open"]).exit_code == 2
    assert CliRunner().invoke(main, ["case", "list", "--limit", "-1"]).exit_code == 2


def test_the_state_choices_are_the_case_states():
    from careloop.cases.cli import STATE_CHOICES
    from careloop.cases.models import CaseState

    assert set(STATE_CHOICES) == {"all", *CaseState.values}
