"""`careloop case …` lists, shows and wakes cases, and retries the outbox."""

from __future__ import annotations

import pytest

from careloop.cases import outbox, reach_out
from careloop.connectors.base import PermanentFailure

pytestmark = pytest.mark.django_db


def test_list_show_retry(cli, case, manager, recording):
    reach_out.reach_out(case, manager, "Hi Mia, can we talk?", "dm")
    recording.failures = [PermanentFailure("the member left the server")]
    outbox.send_due()

    listed = cli("case", "list")
    assert listed.exit_code == 0
    assert f"{case.pk}  reaching_out" in listed.output
    assert "ERROR: The private message (dm) was not sent" in listed.output
    shown = cli("case", "show", str(case.pk))
    assert "transition new → reaching_out  anna" in shown.output and "the member left the server" in shown.output
    message_id = case.outbox.get().pk
    assert cli("case", "retry", str(message_id)).output == f"outbox {message_id} queued again\n"
    assert "messages handled 1" in cli("case", "wake").output
    assert len(recording.sent) == 1
    refused = cli("case", "cancel", str(message_id))
    assert refused.exit_code == 1 and "is sent; it cannot be cancelled" in refused.output
    later = reach_out.send_private_message(case, manager, "One more thing.")
    assert cli("case", "cancel", str(later.pk)).output == f"outbox {later.pk} will not be sent\n"
    assert "messages handled 0" in cli("case", "wake").output and len(recording.sent) == 1


def test_unknown_case_and_template_check(cli, settings):
    from click.testing import CliRunner

    from careloop.cli import main

    result = CliRunner().invoke(main, ["case", "show", "999"])
    assert result.exit_code == 1 and "there is no case 999" in result.output
    settings.CARELOOP_TEMPLATES = {"en": {"closing": "Bye {nobody}"}}
    result = CliRunner().invoke(main, ["case", "templates"])
    assert result.exit_code == 1 and "unknown placeholder {nobody}" in result.output


def test_steps_need_a_known_person_and_say_what_they_did(case, manager):
    """`careloop case STEP … --as USERNAME`: exit 2 for an unknown person or case, 1 refused, 0 done (--json too).
    That every step does at this door what it does at the web and the API: tests/cases/test_three_doors.py."""
    import json

    from click.testing import CliRunner

    from careloop.cases.roles import Role, set_role
    from careloop.cli import main

    set_role(manager, Role.MANAGER)
    run = CliRunner().invoke
    unknown = run(main, ["case", "note", str(case.pk), "--text", "hi", "--as", "nobody"])
    assert unknown.exit_code == 2 and unknown.stderr == "Error: there is no active user 'nobody' (--as takes a " \
                                                          "username)\n"
    assert run(main, ["case", "note", "999", "--text", "hi", "--as", "anna"]).exit_code == 2
    assert run(main, ["case", "note", str(case.pk), "--text", "hi"]).exit_code == 2  # --as is required
    refused = run(main, ["case", "done", str(case.pk), "--as", "anna"])
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"Error: case {case.pk} is new; it cannot move to following_up")
    took = run(main, ["case", "assign", str(case.pk), "--as", "anna"])
    assert took.exit_code == 0 and took.stdout == f"case {case.pk}: assigned; now new, assigned to anna\n"
    noted = run(main, ["case", "note", str(case.pk), "--text", "Billing is on it.", "--as", "anna", "--json"])
    said = json.loads(noted.stdout)
    assert said["step"] == "note" and said["case"]["id"] == case.pk and said["event"]["kind"] == "note"
