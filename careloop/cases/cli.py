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


@click.group("case", short_help="The case loop: list, show, follow up, the outbox.")
def case_group() -> None:
    """Cases: reach out, act, follow up (see docs/case-loop.md)."""


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
        wanted = set(OPEN_STATES)
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


def _outbox_step(message_id: int, what: str):
    """outbox.retry / outbox.cancel on one message, with its refusals as clear errors."""
    _setup()
    from careloop.cases import outbox
    from careloop.cases.models import OutboxMessage

    try:
        return getattr(outbox, what)(OutboxMessage.objects.get(pk=message_id))
    except OutboxMessage.DoesNotExist:
        raise click.ClickException(f"there is no outbox message {message_id}") from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


@case_group.command("retry")
@click.argument("message_id", type=int)
def retry(message_id: int) -> None:
    """Put a failed or unsure outbox message back in the queue (`careloop case show` lists them)."""
    click.echo(f"outbox {_outbox_step(message_id, 'retry').pk} queued again")


@case_group.command("cancel")
@click.argument("message_id", type=int)
def cancel(message_id: int) -> None:
    """Never send an outbox message that has not gone out (the member was reached another way)."""
    click.echo(f"outbox {_outbox_step(message_id, 'cancel').pk} will not be sent")


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
