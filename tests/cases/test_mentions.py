"""@mentions in internal notes: the parser's edge cases, and the note step that tells the teammate (a notification
in the app, an e-mail through Django's mail backend, off the request; a mail failure never loses the note)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from careloop.cases import act, mentions
from careloop.cases.models import CaseEvent, Mention
from careloop.cases.roles import Role, set_role

TEAM = ["mara", "jonas", "priya", "mara.k", "anna"]


@pytest.mark.parametrize(("text", "found"), [
    ("@mara can you look?", ["mara"]),
    ("Can you look, @mara?", ["mara"]),
    ("ask @mara. then @jonas, then (@priya)!", ["mara", "jonas", "priya"]),
    ("@Mara and @MARA", ["mara"]),  # case-insensitive, each once
    ("@mara @mara @jonas @mara", ["mara", "jonas"]),  # duplicates: once, in the order they first appear
    ("write to mara@example.org or jonas@mara.org", []),  # e-mail addresses are not mentions
    ("see https://forum.example.org/u/@mara and http://x.org/@jonas", []),  # nor web addresses
    ("@nobody and @maraa and @mar", []),  # unknown names stay plain text
    ("@mara.k knows, and @mara.", ["mara.k", "mara"]),  # a username with a dot; a dot that ends the sentence
    ("@mara's idea; @jonas: yes; @priya-", ["mara", "jonas", "priya"]),
    ("email@ and @ alone and @@mara", []),
    ("", []),
])
def test_the_parser_finds_teammates_by_username(text, found):
    assert mentions.mentioned(text, TEAM) == found


def test_the_parser_says_where_each_mention_stands():
    text = "Hi @Mara, and @jonas."
    spans = [(f.username, text[f.start:f.end]) for f in mentions.find(text, TEAM)]
    assert spans == [("mara", "@Mara"), ("jonas", "@jonas")]


def test_no_team_no_mentions():
    assert mentions.mentioned("@mara", []) == []


@pytest.fixture
def mara(db):
    user = get_user_model().objects.create_user("mara", "mara@example.org", "secret-pass-3")
    set_role(user, Role.AGENT)
    return user


def test_a_note_mentioning_mara_tells_her_in_the_app_and_by_email(case, manager, mara,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = act.add_note(case, manager, "@mara the refund went through, can you call Mia? (not @ghost)")
    assert event.kind == CaseEvent.Kind.NOTE and event.details["mentions"] == ["mara"]
    mention = Mention.objects.get()
    assert (mention.recipient, mention.author, mention.case_id, mention.event_id) == (mara, manager, case.pk, event.pk)
    assert mention.read_at is None and mention.emailed_at is not None and mention.email_error == ""
    assert mentions.unread(mara) == 1 and mentions.unread(manager) == 0
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["mara@example.org"]
    assert sent.subject == f"[careloop] anna mentioned you on case {case.pk}"
    assert "the refund went through, can you call Mia?" in sent.body and f"/cases/{case.pk}/" in sent.body
    assert mentions.mark_read(mention, manager) is False  # only her own
    assert mentions.mark_read(mention, mara) is True and mentions.unread(mara) == 0
    assert mentions.mark_read(mention, mara) is False  # once


def test_the_email_is_sent_once_and_links_to_the_web_address(case, manager, mara, settings,
                                                               django_capture_on_commit_callbacks):
    settings.CARELOOP_URL = "https://care.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        act.add_note(case, manager, "@mara please")
    mention = Mention.objects.get()
    assert mentions.send_email(mention.pk) is False  # a second run of the task sends nothing
    assert len(mail.outbox) == 1 and f"https://care.example.org/cases/{case.pk}/" in mail.outbox[0].body


def test_a_self_mention_is_highlighted_but_tells_nobody(case, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = act.add_note(case, manager, "note to self @anna: call back on Monday")
    assert event.details["mentions"] == ["anna"]
    assert not Mention.objects.exists() and not mail.outbox


def test_a_teammate_without_an_address_is_told_in_the_app_only(case, manager, mara,
                                                                django_capture_on_commit_callbacks):
    mara.email = ""
    mara.save()
    with django_capture_on_commit_callbacks(execute=True):
        act.add_note(case, manager, "@mara fyi")
    mention = Mention.objects.get()
    assert mention.emailed_at is None and mention.email_error == "" and not mail.outbox


def test_an_inactive_user_is_not_mentioned(case, manager, mara):
    mara.is_active = False
    mara.save()
    event = act.add_note(case, manager, "@mara fyi")
    assert "mentions" not in event.details and not Mention.objects.exists()


def test_a_mail_server_down_keeps_the_note_and_records_why(case, manager, mara, settings,
                                                            django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        event = act.add_note(case, manager, "@mara the server is down, but this note stands")
    assert CaseEvent.objects.filter(pk=event.pk, kind=CaseEvent.Kind.NOTE).exists()
    mention = Mention.objects.get()
    assert mention.emailed_at is None and "ConnectionRefusedError" in mention.email_error
    assert mentions.unread(mara) == 1  # she still sees it in the app
    error = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.ERROR)
    assert error.details["what"] == "mention_email" and error.details["to_user"] == "mara"


def test_the_cli_note_mentions_through_the_same_step(cli, case, manager, mara):
    set_role(manager, Role.MANAGER)
    result = cli("case", "note", str(case.pk), "--as", "anna", "--text", "@mara see the log")
    assert result.exit_code == 0, result.output
    assert f"case {case.pk}: note added, told @mara" in result.output
    assert Mention.objects.get().recipient == mara


def test_the_case_page_conversation_can_hold_the_notes_among_the_messages(case, manager, mara):
    from careloop.cases import reach_out
    from careloop.cases.conversation import NOTE, POST, TEAM, conversation

    reach_out.reach_out(case, manager, "Hi Mia, can we talk?", "dm")
    act.add_note(case, manager, "@mara she prefers e-mail")
    assert [t.side for t in conversation(case)] == [POST, TEAM]  # the API's conversation: with the member only
    turns = conversation(case, notes=True)
    assert [t.side for t in turns] == [POST, TEAM, NOTE]
    assert (turns[-1].author, turns[-1].body, turns[-1].mentions) == ("anna", "@mara she prefers e-mail", ["mara"])
    assert turns[-1].as_dict()["mentions"] == ["mara"]
