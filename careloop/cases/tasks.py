"""The case loop's background work: deliver outbox rows, wake due follow-ups, read private replies.

Due times and messages live in the database; these tasks only wake them. A periodic sweep catches anything
a lost task did not reach, and a starting worker sweeps at once, so a message a killed worker left behind
is recovered without waiting for the next minute.

No task here takes a Huey lock: a worker killed while holding one would leave it behind and stop the sweep
for good. Each step claims its rows with a conditional UPDATE instead, so two sweeps at once are harmless.
"""

from __future__ import annotations

import logging

from careloop.tasks_engine import crontab, on_worker_start, periodic_task, task

log = logging.getLogger(__name__)


@task()
def deliver_task(message_id: int) -> None:
    from careloop.cases.outbox import deliver

    deliver(message_id)


@task()
def email_mention_task(mention_id: int) -> None:
    from careloop.cases.mentions import send_email

    send_email(mention_id)


@task()
def outbox_sweep_task() -> int:
    from careloop.cases.outbox import send_due

    return send_due()


@periodic_task(crontab(minute="*"))
def outbox_sweep() -> None:
    outbox_sweep_task()


@periodic_task(crontab(minute="*"))
def wake_due_cases() -> None:
    from careloop.cases.follow_up import wake_due

    woken = wake_due()
    if woken.follow_ups or woken.reminders or woken.overdue or woken.errors:
        log.info("case loop: %s", woken)


@periodic_task(crontab(minute="*/2"))
def read_private_replies() -> None:
    from careloop.cases.follow_up import read_replies
    from careloop.community.models import Source

    for source in Source.objects.filter(enabled=True).exclude(kind=Source.Kind.FILES):
        try:
            read_replies(source)
        except Exception:  # noqa: BLE001 - one broken source must not stop the others
            log.exception("reading private replies from %s failed", source)


@on_worker_start
def sweep_at_start() -> None:
    """Recover what a stopped worker left in the outbox as soon as this one starts."""
    from django.db import close_old_connections

    close_old_connections()
    try:
        outbox_sweep_task()
    except Exception:  # noqa: BLE001
        log.exception("could not queue the outbox sweep at start")
