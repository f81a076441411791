"""`careloop case …`: the case loop from the command line (the same functions the web UI calls)."""

from __future__ import annotations

import click

from careloop.bootstrap import prepare_database, setup


def _setup() -> None:
    setup()
    prepare_database()


def _case(case_id: int):
    from careloop.cases.models import Case

    try:
        return Case.objects.select_related("member", "source").get(pk=case_id)
    except Case.DoesNotExist:
        raise click.ClickException(f"there is no case {case_id}") from None


EXIT_REFUSED = 1  # the step was refused: the role may not, the state machine does not allow it, bad input
EXIT_USAGE = 2  # the command was wrong: an unknown option, user, case, post or action item (nothing was tried)


@click.group("case", short_help="The case loop: list, show, the steps a person takes, follow up, the outbox.")
def case_group() -> None:
    """Cases: reach out, act, follow up (see docs/case-loop.md).

    \b
    The steps a person takes (message, assign, note, item, item-done, link, done, reply, judge, dismiss,
    moderate, reopen, open) call the same step functions as the web UI and the API, with the same role rule and the
    same refusals. Each needs --as USERNAME: the person doing it, whose role counts.
    Exit codes: 0 done; 1 refused (one line on stderr: why, in the step's words); 2 bad usage
    (an unknown option, user, case, post or action item; nothing was tried).
    """


STATE_CHOICES = ("all", "new", "reaching_out", "acting", "following_up", "resolved", "dismissed", "moderated")


def listed_cases(states: tuple[str, ...] = (), *, overdue: bool = False, limit: int = 50, now=None):
    """The cases `careloop case list` shows, in its order: the open ones in queue order (most urgent first,
    careloop.cases.ranking), then the closed ones, most recently closed first. `states` empty means the open
    states; "all" means every state; `limit` 0 means all."""
    from itertools import chain, islice

    from django.db.models import F

    from careloop.cases import clock
    from careloop.cases.models import OPEN_STATES, Case
    from careloop.cases.ranking import in_queue_order
    from careloop.cases.state import CLOSED_STATES

    if not states:
        wanted: set[str] = set(OPEN_STATES)
    elif "all" in states:
        wanted = {*OPEN_STATES, *CLOSED_STATES}
    else:
        wanted = set(states)
    cases = Case.objects.select_related("member", "source", "thread", "post", "origin")
    if overdue:
        cases = cases.filter(overdue_at__isnull=False)
    open_ones = [s for s in OPEN_STATES if s in wanted]
    closed_ones = [s for s in CLOSED_STATES if s in wanted]
    parts = []
    if open_ones:
        parts.append(in_queue_order(cases.filter(state__in=open_ones), now or clock.now()).iterator(chunk_size=2000))
    if closed_ones:
        parts.append(cases.filter(state__in=closed_ones).order_by(F("closed_at").desc(nulls_last=True), "-id")
                     .iterator(chunk_size=2000))
    listed = chain.from_iterable(parts)
    return islice(listed, limit) if limit else listed


def case_as_json(case) -> dict:
    """One line of `careloop case list --json`: platform ids (not database ones) for thread, member and posts."""
    post = case.post.external_id if case.post_id else None
    return {
        "id": case.pk,
        "state": case.state,
        "severity": case.severity,
        "risk": case.risk,
        "thread": case.thread.external_id if case.thread_id else None,
        "member": case.member.external_id,
        "post": post,
        "origin": case.origin.external_id if case.origin_id else post,
        "handed_off": case.handed_off_at is not None,
        "reasons": [str(reason) for reason in case.reasons or []],
        "source": case.source.name,
        "topic": case.topic,
        "public_outcome": case.public_outcome,
        "opened_at": case.opened_at.isoformat() if case.opened_at else None,
        "waiting_since": case.waiting_since.isoformat() if case.waiting_since else None,
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
    }


@case_group.command("list")
@click.option("--state", "states", multiple=True, type=click.Choice(STATE_CHOICES),
              help="Only cases in this state (repeatable); all: every state, open and closed.")
@click.option("--overdue", is_flag=True, help="Only cases past a service level.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=0), help="At most this many; 0: all.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line (for other tools).")
def list_cases(states: tuple[str, ...], overdue: bool, limit: int, as_json: bool) -> None:
    """Open cases in queue order, most urgent first: id, state, member, topic, and why a case is late.

    With --state, cases in those states; open ones come first in queue order, then closed ones, most recently
    closed first (--state all: every case).

    \b
    --json prints one object a line with the keys id, state, severity (0-3), risk, thread, member, post,
    origin (the platform's ids; origin is the post where the trouble began), handed_off (the team moved it
    private in public), reasons, source, topic, public_outcome, opened_at, waiting_since, closed_at.
    """
    _setup()
    if as_json:
        import json

        for case in listed_cases(states, overdue=overdue, limit=limit):
            click.echo(json.dumps(case_as_json(case), ensure_ascii=False))
        return
    for case in listed_cases(states, overdue=overdue, limit=limit):
        late = f"  OVERDUE: {case.overdue_reason}" if case.overdue_at else ""
        error = f"  ERROR: {case.last_error}" if case.last_error else ""
        click.echo(f"{case.pk:>6}  {case.state:<13} {str(case.member)[:24]:<24} {case.topic[:40]}{late}{error}")


@case_group.command("show")
@click.argument("case_id", type=int)
def show(case_id: int) -> None:
    """A case's timeline and its messages."""
    _setup()
    case = _case(case_id)
    click.echo(f"Case {case.pk}: {case.get_state_display()}, {case.member} on {case.source}, loop {case.loop_count}")
    if case.last_error:
        click.echo(f"Last error: {case.last_error}")
    for event in case.events.all():
        move = f" {event.from_state} → {event.to_state}" if event.to_state else ""
        who = event.actor.get_username() if event.actor else event.actor_label
        click.echo(f"  {event.at:%Y-%m-%d %H:%M}  {event.kind}{move}  {who}")
    for message in case.outbox.all():
        click.echo(f"  outbox {message.pk}: {message.purpose} by {message.channel}, {message.status}"
                   + (f" ({message.last_error})" if message.last_error else ""))


@case_group.command("figures")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (for other tools).")
def figures_command(as_json: bool) -> None:
    """The dashboard's headline figures: open, waiting for the team, resolved this week, median time to private
    contact, satisfaction, each for the last 7 days and the 7 days before (careloop.cases.figures). With imported
    history the week ends at the data's newest entry, not today.

    \b
    --json keys: at, history, waiting, longest_wait_hours, and open, resolved, contact_hours, contacts,
    satisfied_share (0..1), mean_rating, ratings, each as {"now": ..., "before": ...} (null: nothing to measure).
    """
    _setup()
    from careloop.cases import figures

    h = figures.headline()
    if as_json:
        import json

        click.echo(json.dumps(h.as_dict(), ensure_ascii=False))
        return

    def pair(week, unit: str = "", scale: float = 1) -> str:
        shown = ["–" if v is None else f"{round(v * scale, 1):g}{unit}" for v in (week.now, week.before)]
        return f"{shown[0]:>8}   (week before: {shown[1]})"

    click.echo(f"The 7 days to {h.at:%Y-%m-%d %H:%M}" + (" (imported history: its newest entry)" if h.history else ""))
    click.echo(f"  open cases                 {pair(h.open)}")
    wait = f" (longest {h.longest_wait_hours:g} h)" if h.longest_wait_hours is not None else ""
    click.echo(f"  waiting for the team       {h.waiting:>8}{wait}")
    click.echo(f"  resolved                   {pair(h.resolved)}")
    click.echo(f"  median time to contact     {pair(h.contact_hours, ' h')}   contacts: {h.contacts.now}")
    click.echo(f"  satisfied (rating 4 or 5)  {pair(h.satisfied_share, ' %', 100)}   ratings: {h.ratings.now}, "
               f"mean {'–' if h.mean_rating.now is None else h.mean_rating.now}")


@case_group.command("wake")
def wake() -> None:
    """Do now what is due: outbox sends, follow-up questions, reminders, overdue flags (the worker does this
    every minute)."""
    _setup()
    from careloop.cases.follow_up import wake_due
    from careloop.cases.outbox import send_due

    woken = wake_due()
    sent = send_due()
    click.echo(f"follow-ups {woken.follow_ups}, reminders {woken.reminders}, newly overdue {woken.overdue}, "
               f"errors {woken.errors}, messages handled {sent}")


def _outbox_step(message_id: int, what: str, as_user: str | None = None):
    """outbox.retry / outbox.cancel on one message, with its refusals as clear errors. With --as, the person
    doing it (the role rule of sending, on the message's case, as on the case page and in the API); without,
    an operator's fix from the server's shell, on the timeline without a name."""
    _setup()
    from careloop.cases import outbox
    from careloop.cases.models import OutboxMessage
    from careloop.cases.roles import Action

    actor = _person(as_user) if as_user else None
    message = OutboxMessage.objects.select_related("case").filter(pk=message_id).first()
    if message is None:
        raise click.ClickException(f"there is no outbox message {message_id}")
    if actor is not None:
        _allowed(actor, Action.SEND, message.case)
    return _do(getattr(outbox, what), message, actor)


AS_OPTIONAL = click.option("--as", "as_user", default=None, metavar="USERNAME",
                           help="The person doing it (their role decides whether they may); without: an "
                                "operator's fix, on the timeline without a name.")


@case_group.command("retry")
@click.argument("message_id", type=int)
@AS_OPTIONAL
def retry(message_id: int, as_user: str | None) -> None:
    """Put a failed or unsure outbox message back in the queue (`careloop case show` lists them)."""
    click.echo(f"outbox {_outbox_step(message_id, 'retry', as_user).pk} queued again")


@case_group.command("cancel")
@click.argument("message_id", type=int)
@AS_OPTIONAL
def cancel(message_id: int, as_user: str | None) -> None:
    """Never send an outbox message that has not gone out (the member was reached another way)."""
    click.echo(f"outbox {_outbox_step(message_id, 'cancel', as_user).pk} will not be sent")


@case_group.command("templates")
def check_templates() -> None:
    """Check the message templates (shipped and CARELOOP_TEMPLATES); exit 1 on a problem."""
    _setup()
    from careloop.cases.templates import templates, validate_settings

    problems = validate_settings()
    for problem in problems:
        click.echo(problem, err=True)
    for language, texts in sorted(templates().items()):
        click.echo(f"{language}: {', '.join(sorted(texts))}")
    raise SystemExit(1 if problems else 0)


# ------------------------------------------------------------------------------------------------ the steps
# Each command below is one call into the case loop's step functions — the ones web/actions.py and api/views.py
# call — after the same role rule (careloop.cases.roles); refusals (steps.REFUSED, PermissionDenied) are exit 1.


class Refused(click.ClickException):
    """The step was not done: one line on stderr saying why, exit 1."""

    exit_code = EXIT_REFUSED


class BadUsage(click.ClickException):
    """The command names nobody or nothing that exists: one line on stderr, exit 2."""

    exit_code = EXIT_USAGE


def _person(username: str, what: str = "--as"):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise BadUsage(f"there is no active user {username!r} ({what} takes a username)")
    return user


def _case_for_step(case_id: int):
    from careloop.cases.models import Case

    found = Case.objects.select_related("member", "source", "thread", "post", "assignee").filter(pk=case_id).first()
    if found is None:
        raise BadUsage(f"there is no case {case_id}")
    return found


def _do(fn, *args, **kwargs):
    """One step in one transaction (a refused step stores nothing, as in the API); refusals become exit 1."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from careloop.cases.steps import REFUSED

    try:
        with transaction.atomic():
            return fn(*args, **kwargs)
    except PermissionDenied as exc:
        raise Refused(str(exc) or "your role may not do this") from None
    except REFUSED as exc:
        raise Refused(str(exc)) from None


def _allowed(actor, action: str, case) -> None:
    """The role rule every door asks before a step (roles.require_on_case); refused is exit 1."""
    from careloop.cases.roles import require_on_case

    _do(require_on_case, actor, action, case)


def _said(as_json: bool, step: str, case, line: str, **extra) -> None:
    """What happened: one line in words, or with --json one object: step, case (as `case list --json`), extra."""
    from careloop.cases.models import Case

    case = Case.objects.select_related("member", "source", "thread", "post", "origin").get(pk=case.pk)
    if as_json:
        import json

        click.echo(json.dumps({"step": step, "case": case_as_json(case), **extra}, ensure_ascii=False, default=str))
        return
    click.echo(f"case {case.pk}: {line}; now {case.state}"
               + (f", assigned to {case.assignee.get_username()}" if case.assignee_id else ""))


def _event(event) -> dict:
    return {"id": event.pk, "kind": event.kind, "from_state": event.from_state, "to_state": event.to_state}


def step_options(fn):
    """--as (who does the step, required) and --json, on every step command."""
    fn = click.option("--json", "as_json", is_flag=True, help="Print one JSON object: step, case (the keys of "
                      "`case list --json`) and the event, message or item made.")(fn)
    return click.option("--as", "as_user", required=True, metavar="USERNAME",
                        help="The person doing the step (their role decides whether they may).")(fn)


TEXT = click.option("--text", required=True, help="The words (a message, note, item or the member's reply).")
REACHED = click.option("--reached-another-way", default="", metavar="HOW",
                       help="How you reached the member when no message did (by phone): the override.")


@case_group.command("message")
@click.argument("case_id", type=int)
@TEXT
@click.option("--channel", default=None, help="dm (a private message on the platform) or email; default: the "
              "case's channel, else dm.")
@click.option("--public-note", default="", help="With the first outreach: a short note in the public thread.")
@click.option("--subject", default="", help="The e-mail's subject.")
@click.option("--call-time", default="", help="With the first outreach: a proposed time for a call.")
@step_options
def message_command(case_id: int, text: str, channel: str | None, public_note: str, subject: str, call_time: str,
                    as_user: str, as_json: bool) -> None:
    """Write to the case's member: the first outreach on a new case, or one more private message (queued)."""
    _setup()
    from careloop.cases.roles import Action
    from careloop.cases.steps import write_to_member

    actor, case = _person(as_user), _case_for_step(case_id)
    _allowed(actor, Action.SEND, case)
    message = _do(write_to_member, case, actor, text, channel, public_note=public_note or None, subject=subject,
                  call_time=call_time)
    _said(as_json, "message", case, f"message queued (outbox {message.pk}, {message.channel})",
          message={"id": message.pk, "channel": message.channel, "status": message.status})


@case_group.command("assign")
@click.argument("case_id", type=int)
@click.option("--to", "to", default=None, metavar="USERNAME", help="The teammate who gets the case; without --to "
              "and --team you take it yourself.")
@click.option("--team", default="", help="The team that gets the case.")
@step_options
def assign_command(case_id: int, to: str | None, team: str, as_user: str, as_json: bool) -> None:
    """Take the case (no --to), or give it to a teammate and/or a team. Agents only take; managers assign."""
    _setup()
    from careloop.cases import act
    from careloop.cases.roles import check_assignment

    actor, case = _person(as_user), _case_for_step(case_id)
    to_user = _person(to, "--to") if to else None
    _do(check_assignment, actor, case, to_user if to_user is not None or team else actor)
    event = _do(act.assign, case, actor, to_user=to_user, team=team)
    _said(as_json, "assign", case, "assigned", event=_event(event))


@case_group.command("note")
@click.argument("case_id", type=int)
@TEXT
@step_options
def note_command(case_id: int, text: str, as_user: str, as_json: bool) -> None:
    """An internal note on the timeline (never shown to the member); an @username in it tells that teammate (a
    notification in the web app, an e-mail)."""
    _setup()
    from careloop.cases import act
    from careloop.cases.roles import Action

    actor, case = _person(as_user), _case_for_step(case_id)
    _allowed(actor, Action.WORK, case)
    event = _do(act.add_note, case, actor, text)
    named = event.details.get("mentions") or []
    told = [n for n in named if n != actor.get_username()]  # who was told (a self-mention tells nobody)
    _said(as_json, "note", case, "note added" + (f", told {', '.join('@' + n for n in told)}" if told else ""),
          event=_event(event), mentions=named)


@case_group.command("item")
@click.argument("case_id", type=int)
@TEXT
@step_options
def item_command(case_id: int, text: str, as_user: str, as_json: bool) -> None:
    """Add an action item to the case's checklist (`item-done` ticks it off)."""
    _setup()
    from careloop.cases import act
    from careloop.cases.roles import Action

    actor, case = _person(as_user), _case_for_step(case_id)
    _allowed(actor, Action.WORK, case)
    item = _do(act.add_action_item, case, actor, text)
    _said(as_json, "item", case, f"action item {item.pk} added", item={"id": item.pk, "text": item.text})


@case_group.command("item-done")
@click.argument("case_id", type=int)
@click.argument("item_id", type=int)
@step_options
def item_done_command(case_id: int, item_id: int, as_user: str, as_json: bool) -> None:
    """Tick off one of the case's action items (`careloop case show` lists the case)."""
    _setup()
    from careloop.cases import act
    from careloop.cases.roles import Action

    actor, case = _person(as_user), _case_for_step(case_id)
    _allowed(actor, Action.WORK, case)
    item = case.action_items.filter(pk=item_id).first()
    if item is None:
        raise BadUsage(f"case {case.pk} has no action item {item_id}")
    item = _do(act.complete_action_item, item, actor)
    _said(as_json, "item-done", case, f"action item {item.pk} done", item={"id": item.pk, "text": item.text})


@case_group.command("link")
@click.argument("case_id", type=int)
@click.option("--url", required=True, help="The ticket's address (http:// or https://).")
@click.option("--title", default="", help="The ticket's title.")
@step_options
def link_command(case_id: int, url: str, title: str, as_user: str, as_json: bool) -> None:
    """Link the external ticket (issue tracker, help desk) to the case."""
    _setup()
    from careloop.cases import act
    from careloop.cases.roles import Action

    actor, case = _person(as_user), _case_for_step(case_id)
    _allowed(actor, Action.WORK, case)
    event = _do(act.link_ticket, case, actor, url, title)
    _said(as_json, "link", case, "ticket linked", event=_event(event))


@case_group.command("done")
@click.argument("case_id", type=int)
@click.option("--note", default="", help="What was done, for the timeline.")
@click.option("--follow-up-after-hours", type=click.FloatRange(0, 24 * 365), default=None,
              help="Ask the member this many hours from now (default: the settings').")
@REACHED
@step_options
def done_command(case_id: int, note: str, follow_up_after_hours: float | None, reached_another_way: str,
                 as_user: str, as_json: bool) -> None:
    """The fix is done: the case waits for the follow-up question (scheduled as the settings say)."""
    _setup()
    from datetime import timedelta

    from careloop.cases import act
    from careloop.cases.roles import Action

    actor, case = _person(as_user), _case_for_step(case_id)
    _allowed(actor, Action.WORK, case)
    after = timedelta(hours=follow_up_after_hours) if follow_up_after_hours is not None else None
    event = _do(act.mark_action_done, case, actor, note=note, follow_up_after=after,
                reached_another_way=reached_another_way)
    _said(as_json, "done", case, "marked as done, a follow-up is scheduled", event=_event(event))


@case_group.command("reply")
@click.argument("case_id", type=int)
@TEXT
@click.option("--rating", type=click.IntRange(1, 5), default=None, help="The member's rating, 1 to 5.")
@REACHED
@step_options
def reply_command(case_id: int, text: str, rating: int | None, reached_another_way: str, as_user: str,
                  as_json: bool) -> None:
    """Record the member's reply (one that came another way); careloop reads whether they are satisfied."""
    _setup()
    from careloop.cases import follow_up
    from careloop.cases.roles import Action

    actor, case = _person(as_user), _case_for_step(case_id)
    _allowed(actor, Action.WORK, case)
    reading = _do(follow_up.record_member_reply, case, text, rating=rating,
                  reached_another_way=reached_another_way, recorded_by=actor)
    said = None if reading is None else {"satisfied": reading.satisfied, "how": reading.how,
                                         "rating": reading.rating, "detail": reading.detail}
    read_as = {True: "satisfied", False: "not satisfied", None: "unclear"}
    line = "reply recorded" + ("" if reading is None else f", read as {read_as[reading.satisfied]}")
    _said(as_json, "reply", case, line, reading=said)


@case_group.command("judge")
@click.argument("case_id", type=int)
@click.option("--satisfied/--not-satisfied", required=True, help="Is the member satisfied? Satisfied resolves "
              "the case (the closing message goes out); not satisfied is back to acting.")
@click.option("--rating", type=click.IntRange(1, 5), default=None, help="The member's rating, 1 to 5.")
@REACHED
@step_options
def judge_command(case_id: int, satisfied: bool, rating: int | None, reached_another_way: str, as_user: str,
                  as_json: bool) -> None:
    """Your decision on the member's satisfaction (when their reply was unclear, or came by phone)."""
    _setup()
    from careloop.cases import follow_up
    from careloop.cases.roles import Action

    actor, case = _person(as_user), _case_for_step(case_id)
    _allowed(actor, Action.WORK, case)
    event = _do(follow_up.mark_satisfied, case, actor, satisfied, rating, reached_another_way=reached_another_way)
    _said(as_json, "judge", case, "resolved, the closing message is on its way" if satisfied else "back to acting",
          event=_event(event))


@case_group.command("dismiss")
@click.argument("case_id", type=int)
@click.option("--reason", required=True, metavar="KIND", help="Why: not_complaint, duplicate, handled_elsewhere "
              "or troll (not_complaint also teaches careloop: a correction label).")
@click.option("--note", default="", help="A few words for the timeline.")
@step_options
def dismiss_command(case_id: int, reason: str, note: str, as_user: str, as_json: bool) -> None:
    """Close the case without a fix (`reopen` undoes it)."""
    _setup()
    from careloop.cases import act
    from careloop.cases.roles import Action

    actor, case = _person(as_user), _case_for_step(case_id)
    _allowed(actor, Action.WORK, case)
    event = _do(act.dismiss, case, actor, reason, note)
    _said(as_json, "dismiss", case, f"dismissed ({reason})", event=_event(event))


@case_group.command("moderate")
@click.argument("case_id", type=int)
@click.option("--warning", default=None, help="The private warning to the member (default: the \"warning\" "
              "template, filled in; \"\" sends none).")
@click.option("--moderator", default=None, metavar="USERNAME", help="The moderator who gets the case (default: "
              "the --team).")
@click.option("--team", default="moderators", show_default=True, help="The team that gets the case without a "
              "--moderator.")
@click.option("--note", default="", help="A few words for the timeline.")
@step_options
def moderate_command(case_id: int, warning: str | None, moderator: str | None, team: str, note: str, as_user: str,
                     as_json: bool) -> None:
    """Hand a new case to moderation (the troll playbook): no public reply, a private warning, a moderator."""
    _setup()
    from careloop.cases import act
    from careloop.cases.roles import Action

    actor, case = _person(as_user), _case_for_step(case_id)
    to_user = _person(moderator, "--moderator") if moderator else None
    _allowed(actor, Action.WORK, case)
    event = _do(act.moderate, case, actor, warning=warning, moderator=to_user, team=team, note=note)
    _said(as_json, "moderate", case, "handed to moderation", event=_event(event))


@case_group.command("reopen")
@click.argument("case_id", type=int)
@click.option("--why", required=True, help="Why you reopen it: a few words for the timeline.")
@step_options
def reopen_command(case_id: int, why: str, as_user: str, as_json: bool) -> None:
    """A dismissed case back where it was dismissed, a resolved one back to acting."""
    _setup()
    from careloop.cases import steps

    actor, case = _person(as_user), _case_for_step(case_id)
    event = _do(steps.reopen, case, actor, why)  # asks the role rule (reopen) itself
    _said(as_json, "reopen", case, "reopened", event=_event(event))


@case_group.command("open")
@click.option("--post", "post_id", required=True, type=int, help="The post's id (as in the web's thread page "
              "and the API).")
@click.option("--why", default="", help="Why it is a case: a few words for the timeline.")
@click.option("--topic", default="", help="The case's topic.")
@click.option("--severity", type=click.IntRange(1, 3), default=2, show_default=True,
              help="1 minor, 2 a real problem, 3 urgent.")
@step_options
def open_command(post_id: int, why: str, topic: str, severity: int, as_user: str, as_json: bool) -> None:
    """Open a case by hand about a post (refused while an open case covers it)."""
    _setup()
    from careloop.cases import steps
    from careloop.community.models import Post

    actor = _person(as_user)
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        raise BadUsage(f"there is no post {post_id}")
    case = _do(steps.open_from_post, post, actor, why, topic=topic, severity=severity)  # asks the role rule itself
    _said(as_json, "open", case, f"opened by hand about post {post.pk}", event=_event(case.events.get(kind="opened")))


# ------------------------------------------------------------------------------------------------ members
@click.group("member", short_help="One person, several accounts: suggest, link and undo (cases/people.py).")
def member_group() -> None:
    """A member's accounts in several sources, linked as one person (see docs/user-guide.md).

    \b
    MEMBER is the member's id (as in the web's member page, /members/ID/) or SOURCE:EXTERNAL_ID
    (forum:anna). link and unlink need --as USERNAME: a manager or an admin. Each link and undo is recorded.
    Exit codes: 0 done; 1 refused (the role may not, already linked, not linked); 2 bad usage.
    """


def _member(ref: str):
    from careloop.community.models import Member

    query = Member.objects.select_related("source")
    if ref.isdigit():
        found = query.filter(pk=int(ref)).first()
    else:
        source, sep, external_id = ref.partition(":")
        found = query.filter(source__name=source, external_id=external_id).first() if sep else None
    if found is None:
        raise BadUsage(f"there is no member {ref!r} (give its id, or SOURCE:EXTERNAL_ID)")
    return found


def _account(member) -> str:
    return f"{member.pk} {member.source.name}:{member.external_id}" + (f" @{member.handle}" if member.handle else "")


@member_group.command("suggest")
@click.argument("member")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: the member, its person and the "
              "suggestions with their reasons.")
def member_suggest(member: str, as_json: bool) -> None:
    """The accounts that may be the same person as MEMBER, strongest first, each with why."""
    _setup()
    from careloop.cases import people

    found = _member(member)
    accounts, suggestions = people.person_of(found), people.suggest_links(found)
    if as_json:
        import json

        click.echo(json.dumps({
            "member": found.pk, "person": [a.pk for a in accounts],
            "suggestions": [{"member": s.member.pk, "source": s.member.source.name,
                             "external_id": s.member.external_id, "handle": s.member.handle, "strong": s.strong,
                             "reasons": [{"basis": m.basis, "value": m.value, "words": m.words} for m in s.matches]}
                            for s in suggestions]}, ensure_ascii=False))
        return
    if len(accounts) > 1:
        click.echo("linked: " + ", ".join(_account(a) for a in accounts[1:]))
    for s in suggestions:
        click.echo(f"{_account(s.member)}: {s.words}" + ("" if s.strong else " [weak]"))
    if not suggestions:
        click.echo("no suggestions")


@member_group.command("link")
@click.argument("member")
@click.argument("other")
@click.option("--note", default="", help="Why, in your words (kept with the link).")
@click.option("--as", "as_user", required=True, metavar="USERNAME", help="The manager doing it.")
def member_link(member: str, other: str, note: str, as_user: str) -> None:
    """Link OTHER to MEMBER as one person (when either has linked accounts already, they all become one)."""
    _setup()
    from careloop.cases import people

    actor, first, second = _person(as_user), _member(member), _member(other)
    _do(people.link, first, second, actor, note=note)
    click.echo("one person: " + ", ".join(_account(a) for a in people.person_of(first)))


@member_group.command("unlink")
@click.argument("member")
@click.option("--note", default="", help="Why, in your words (kept with the undo).")
@click.option("--as", "as_user", required=True, metavar="USERNAME", help="The manager doing it.")
def member_unlink(member: str, note: str, as_user: str) -> None:
    """Undo: take MEMBER out of its person; the other accounts stay linked to each other."""
    _setup()
    from careloop.cases import people

    actor, found = _person(as_user), _member(member)
    _do(people.unlink, found, actor, note=note)
    click.echo(f"{_account(found)} stands alone again")
