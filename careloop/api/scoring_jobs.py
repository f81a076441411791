"""Heavy scoring off the web process: the accurate profile (its encoder takes seconds and gigabytes to load) and
batches of more than CARELOOP_API_INLINE_SCORE_CHARS characters are scored by a worker, never in a request.

`submit()` stores the texts as a ScoringJob row and queues its task; `run()` is what the worker does; the
sweep re-queues a job whose task was lost (a worker killed, a queue wiped) and forgets finished ones after a day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from careloop.api.models import ScoringJob

INLINE_PROFILES = ("fast",)  # the only profile a web request may run itself
LOST_AFTER = timedelta(minutes=10)  # a job still waiting this long has lost its task: queue it again
KEPT_FOR = timedelta(days=1)


def inline_chars() -> int:
    """The most text a request scores itself (fast profile): about 0.2 s of CPU, well under a second (tested)."""
    return int(settings.CARELOOP_API_INLINE_SCORE_CHARS)


def max_waiting_jobs() -> int:
    return int(settings.CARELOOP_API_MAX_WAITING_JOBS)


def runs_inline(texts: Sequence[str], profile: str) -> bool:
    return profile in INLINE_PROFILES and sum(len(t) for t in texts) <= inline_chars()


class TooManyWaiting(Exception):
    """The user has max_waiting_jobs() jobs waiting already."""


def submit(user, texts: list[str], profile: str) -> ScoringJob:  # noqa: ANN001 - a user model instance
    """Store the texts as a waiting job and queue it for a worker."""
    if ScoringJob.objects.filter(user=user, state=ScoringJob.State.WAITING).count() >= max_waiting_jobs():
        raise TooManyWaiting(f"{max_waiting_jobs()} scoring jobs of yours are waiting; ask for their scores first")
    job = ScoringJob.objects.create(user=user, profile=profile, texts=texts, created_at=timezone.now())
    queue(job.pk)
    return job


_score_job: Callable[[int], object] | None = None  # careloop.api.tasks.score_job, see use_task()


def use_task(score_job: Callable[[int], object]) -> None:
    """The Huey task that runs one job (careloop.api.tasks.score_job). The API app hands it in when Django starts
    (ApiConfig.ready): that task module runs this one, so this one does not import it (no import cycle)."""
    global _score_job
    _score_job = score_job


def queue(job_id: int) -> None:
    if _score_job is None:
        raise RuntimeError("no scoring task to queue jobs with: the API app is not ready (ApiConfig.ready)")
    _score_job(job_id)


def run(job_id: int) -> ScoringJob | None:
    """Score a waiting job's texts (in the worker) and keep the scores on the row; None when there is no such
    waiting job (done already by another worker, or forgotten)."""
    from careloop.listen import scoring

    job = ScoringJob.objects.filter(pk=job_id, state=ScoringJob.State.WAITING).first()
    if job is None:
        return None
    try:
        scores = scoring.score(job.texts, job.profile) if job.texts else []
        version = scores[0].model_version if scores else scoring.model_version(job.profile)
    except scoring.ScoringUnavailable as exc:
        ScoringJob.objects.filter(pk=job.pk).update(state=ScoringJob.State.FAILED, error=str(exc),
                                                    finished_at=timezone.now())
    else:
        ScoringJob.objects.filter(pk=job.pk, state=ScoringJob.State.WAITING).update(
            state=ScoringJob.State.DONE, scores=[s.as_dict() for s in scores], model_version=version, texts=[],
            finished_at=timezone.now())
    return ScoringJob.objects.get(pk=job.pk)


def sweep(now=None) -> tuple[int, int]:  # noqa: ANN001 - a datetime
    """Queue again the jobs that waited longer than LOST_AFTER; delete those finished more than KEPT_FOR ago.
    Returns (queued again, deleted)."""
    now = now or timezone.now()
    lost = list(ScoringJob.objects.filter(state=ScoringJob.State.WAITING, created_at__lt=now - LOST_AFTER)
                .values_list("pk", flat=True)[:100])
    for job_id in lost:
        queue(job_id)
    deleted, _ = ScoringJob.objects.filter(finished_at__lt=now - KEPT_FOR).delete()
    return len(lost), deleted


def answer(job: ScoringJob) -> dict:
    """A job as the API shows it."""
    out = {"job": job.pk, "state": job.state, "profile": job.profile, "url": f"/api/score/jobs/{job.pk}",
           "created_at": job.created_at.isoformat()}
    if job.state == ScoringJob.State.DONE:
        out.update(model_version=job.model_version, scores=job.scores)
    elif job.state == ScoringJob.State.FAILED:
        out["error"] = job.error
    return out
