"""The API's background work: scoring jobs too heavy for a web request (careloop.api.scoring_jobs)."""

from __future__ import annotations

from careloop.tasks_engine import LISTEN, crontab, periodic_task, task


@task(queue=LISTEN)
def score_job(job_id: int) -> None:
    from careloop.api.scoring_jobs import run

    run(job_id)


@periodic_task(crontab(minute="*/5"))
def scoring_job_sweep() -> None:
    from careloop.api.scoring_jobs import sweep

    sweep()
