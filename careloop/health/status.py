"""One health check for every door that reports it (the web app's /health, the API's /api/health, `careloop status`).

Health fails (the doors answer 503) when the database cannot be reached, when the freshest worker heartbeat is
older than CARELOOP_HEALTH_HEARTBEAT_STALE seconds (the worker is stopped, hung or gone: a SIGSTOPped worker
writes nothing), or when the oldest task waiting in a queue has waited longer than CARELOOP_HEALTH_OLDEST_TASK
seconds (a worker that lives but takes no tasks). When no worker is expected — tasks run in-process
(CARELOOP_TASKS_IMMEDIATE), or no worker has ever started — it says so in `note` and does not fail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils import timezone

from careloop.health.models import latest_heartbeat


def health_status() -> dict:
    """{"database": "ok" | "error: …",
        "worker": "ok" | "stale" | "never seen" | "unknown" (the database is down),
        "heartbeat_age": seconds since the freshest worker heartbeat, or None,
        "queues": {name: {"waiting": tasks, "oldest_task_age": seconds or None}} as that heartbeat saw them
                  (with "error" when the worker could not read the queue),
        "limits": {"heartbeat_stale": s, "oldest_task": s},
        "problems": [sentences]  (empty: healthy; otherwise the doors answer 503),
        "note": why no worker is checked (only when none is expected or none has started)}."""
    from huey.contrib.djhuey import HUEY

    stale_limit = settings.CARELOOP_HEALTH_HEARTBEAT_STALE
    oldest_limit = settings.CARELOOP_HEALTH_OLDEST_TASK
    report: dict = {"database": "ok", "worker": "unknown", "heartbeat_age": None, "queues": {},
                    "limits": {"heartbeat_stale": stale_limit, "oldest_task": oldest_limit}, "problems": []}
    problems: list[str] = report["problems"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        beat = latest_heartbeat()
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        report["database"] = f"error: {exc.__class__.__name__}"
        problems.append(f"the database cannot be reached ({exc.__class__.__name__})")
        return report
    if beat is None:
        report["worker"] = "never seen"
    else:
        age = max(0.0, (timezone.now() - beat.seen_at).total_seconds())
        report["heartbeat_age"] = round(age, 1)
        report["worker"] = "ok" if age < stale_limit else "stale"
        report["queues"] = beat.queues or {}
    if HUEY.immediate:
        report["note"] = "tasks run inside each process (CARELOOP_TASKS_IMMEDIATE=1): no worker is needed"
        return report
    if beat is None:
        report["note"] = "no worker has started yet: run `careloop worker` or `careloop serve`"
        return report
    if report["worker"] == "stale":
        problems.append(f"no worker heartbeat for {report['heartbeat_age']:.0f} s (limit {stale_limit:g} s): the "
                        f"worker is stopped, hung or gone (last seen: {beat.worker})")
        return report  # what it last saw of the queues is old news
    for name, queue in sorted(report["queues"].items()):
        oldest = queue.get("oldest_task_age")
        if queue.get("error"):
            problems.append(f"the worker cannot read queue '{name}' ({queue['error']}): it takes no tasks")
        elif oldest is not None and oldest > oldest_limit:
            problems.append(f"the oldest task in queue '{name}' has waited {oldest:.0f} s (limit {oldest_limit:g} s), "
                            f"{queue.get('waiting', '?')} waiting: the workers do not keep up or take no tasks")
    return report


def health_lines(report: dict | None = None) -> list[str]:
    """`careloop status`: the worker, what waits in each queue, and whether /health passes, one line each."""
    report = health_status() if report is None else report
    # the report's own view of the heartbeat: a worker may beat for the first time between the two reads
    beat = latest_heartbeat() if report["database"] == "ok" and report["heartbeat_age"] is not None else None
    lines = []
    if beat is None:
        lines.append("worker        never seen: run `careloop worker` or `careloop serve`")
    else:
        state = "alive" if report["worker"] == "ok" else "not seen recently"
        lines.append(f"worker        {state} ({beat.worker}, {report['heartbeat_age']:.0f} s ago)")
    for name, queue in sorted(report["queues"].items()):
        oldest, waiting = queue.get("oldest_task_age"), queue.get("waiting", "?")
        if queue.get("error"):
            lines.append(f"oldest task   not known: the worker cannot read queue '{name}' ({queue['error']})")
        elif oldest is None:
            lines.append(f"oldest task   none waiting in queue '{name}' at the heartbeat" if not waiting else
                         f"oldest task   not known in queue '{name}' ({waiting} waiting at the heartbeat)")
        else:
            lines.append(f"oldest task   {oldest:.0f} s in queue '{name}' ({waiting} waiting at the heartbeat; limit "
                         f"{report['limits']['oldest_task']:g} s)")
    if report["problems"]:
        lines.extend(f"health        FAILING: {problem}" for problem in report["problems"])
    else:
        lines.append("health        ok" + (f" ({report['note']})" if report.get("note") else ""))
    return lines
