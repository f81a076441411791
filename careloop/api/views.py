"""The API's endpoints (docs/api.md). Each one: who may (careloop.cases.roles.can, as in the web UI), what the
body says (careloop.api.http.fields), one call into careloop/cases/ or careloop/listen/, the answer as JSON.

Status codes: 202 scoring handed to a worker (a job to ask for), 400 bad input (named field), 401 no or wrong
credentials, 403 the role may not, 404 no such case, 405 wrong method, 409 the case's state does not allow the
step, 413 too much (body, texts, text length), 429 too many scoring jobs waiting, 503 scoring cannot run here.
Every step runs in one transaction: a refused step stores nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from careloop.api import scoring_jobs, serialize
from careloop.api.http import (
    ApiError,
    Field,
    endpoint,
    error,
    fields,
    max_body_bytes,
    ok,
    read_json,
    signed_in,
)
from careloop.cases.models import OPEN_STATES, TEXT_CHARS, Case, CaseState
from careloop.cases.roles import Action, AssignmentRefused, check_assignment, require_on_case
from careloop.cases.state import DISMISS_REASONS, NotAllowed
from careloop.community.models import Source

API_VERSION = 1
PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_ID = 2**63 - 1  # the largest id a database row can have: bigger numbers are no id (and would overflow)


def max_score_texts() -> int:
    return int(settings.CARELOOP_API_MAX_TEXTS)


def max_score_text_chars() -> int:
    return int(settings.CARELOOP_API_MAX_TEXT_CHARS)


# ------------------------------------------------------------------------------------------------ health
@endpoint(("GET",), public=True)
def health(request: HttpRequest) -> JsonResponse:
    """Is the database reachable, is a worker alive and taking tasks (no login needed, like the web app's /health;
    503 with the reasons in "problems" when not)."""
    from careloop.health.status import health_status

    found = health_status()
    status = 503 if found["problems"] else 200
    return JsonResponse({"status": "ok" if status == 200 else "error", **found, "api_version": API_VERSION},
                        status=status)


# ------------------------------------------------------------------------------------------------ cases
LIST_PARAMS = ("state", "source", "assignee", "page", "per_page")


def _states(value: str) -> list[str]:
    if value in ("", "open"):
        return list(OPEN_STATES)
    if value == "all":
        return list(CaseState.values)
    states = [s.strip() for s in value.split(",") if s.strip()]
    for s in states:
        if s not in CaseState.values:
            raise ApiError(400, f"unknown state {s!r}; use open, all, or any of {', '.join(CaseState.values)}")
    return states


def _number(request: HttpRequest, name: str, default: int, low: int, high: int | None = None) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise ApiError(400, f"the parameter {name!r} must be a whole number")
    value = int(raw)
    if value < low or (high is not None and value > high):
        raise ApiError(400, f"the parameter {name!r} must be between {low} and {high}" if high
                       else f"the parameter {name!r} must be at least {low}")
    return value


def _user(value: str | int):
    """A teammate by username or id (400 when there is none, or they are inactive)."""
    users = get_user_model().objects.filter(is_active=True)
    if isinstance(value, int) and not 0 < value <= MAX_ID:
        raise ApiError(400, f"there is no active user {value!r}")
    found = users.filter(pk=value).first() if isinstance(value, int) else users.filter(username=value).first()
    if found is None:
        raise ApiError(400, f"there is no active user {value!r}")
    return found


@endpoint(("GET",))
def cases(request: HttpRequest) -> JsonResponse:
    """Cases, most urgent first (the queue's order), filtered by state, source and assignee, in pages."""
    from careloop.cases.ranking import in_queue_order

    unknown = sorted(set(request.GET) - set(LIST_PARAMS))
    if unknown:
        raise ApiError(400, f"unknown parameter {unknown[0]!r}; use {', '.join(LIST_PARAMS)}")
    qs = Case.objects.filter(state__in=_states(request.GET.get("state", "").strip()))
    source = request.GET.get("source", "").strip()
    if source:
        source_id = Source.objects.filter(name=source).values_list("id", flat=True).first()
        if source_id is None:
            raise ApiError(400, f"there is no source named {source!r}")
        qs = qs.filter(source_id=source_id)
    assignee = request.GET.get("assignee", "").strip()
    if assignee == "me":
        qs = qs.filter(assignee=signed_in(request))
    elif assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif assignee:
        qs = qs.filter(assignee=_user(int(assignee) if assignee.isascii() and assignee.isdigit() else assignee))
    page_number = _number(request, "page", 1, 1)
    per_page = _number(request, "per_page", PER_PAGE, 1, MAX_PER_PAGE)

    paginator = Paginator(in_queue_order(qs, timezone.now()).values_list("id", flat=True), per_page)
    paginator.__dict__["count"] = qs.count()  # the count needs no ordering or annotation
    if page_number > max(paginator.num_pages, 1):
        raise ApiError(404, f"there is no page {page_number}; there are {paginator.num_pages}")
    ids = list(paginator.page(page_number).object_list)
    rows = Case.objects.select_related("member", "source", "assignee").in_bulk(ids)
    return ok({
        "count": paginator.count,
        "page": page_number,
        "per_page": per_page,
        "pages": paginator.num_pages,
        "results": [serialize.case(rows[i]) for i in ids if i in rows],
    })


def _case(case_id: int) -> Case:
    if case_id > MAX_ID:
        raise ApiError(404, f"there is no case {case_id}")
    found = Case.objects.select_related("member", "source", "thread", "post", "assignee").filter(pk=case_id).first()
    if found is None:
        raise ApiError(404, f"there is no case {case_id}")
    return found


@endpoint(("GET",))
def case(request: HttpRequest, case_id: int) -> JsonResponse:
    """One case with its affected members, its timeline, its checklist and its messages."""
    return ok(serialize.case_in_full(_case(case_id)))


# ------------------------------------------------------------------------------------------------ steps
def _step(request: HttpRequest, case_id: int, action: Action, spec: dict[str, Field]) -> tuple[Case, dict]:
    """The case (404), the role on it (403), then the body (413/400): in that order, before anything is done."""
    c = _case(case_id)
    require_on_case(request.user, action, c)
    return c, fields(read_json(request), spec)


def _run(fn, *args: Any, **kwargs: Any) -> Any:
    """Call a case-loop function in one transaction; its refusals become 409 (state) or 400 (input)."""
    try:
        with transaction.atomic():
            return fn(*args, **kwargs)
    except NotAllowed as exc:
        raise ApiError(409, str(exc)) from None
    except (ValueError, LookupError) as exc:  # ReachOutError, TemplateError, an empty note, ...
        raise ApiError(400, str(exc)) from None


def _after(c: Case, status: int = 200, **extra: Any) -> JsonResponse:
    return ok({"case": serialize.case(_case(c.pk)), **extra}, status=status)


REACH_OUT = {
    "body": Field(str, required=True, max_chars=TEXT_CHARS),
    "channel": Field(str, max_chars=20),  # an unknown one: the step's own refusal (400), as at the other doors
    "public_note": Field(str, max_chars=2000),
    "subject": Field(str, max_chars=300),
    "call_time": Field(str, max_chars=100),
}


@endpoint(("POST",), Action.SEND)
def reach_out(request: HttpRequest, case_id: int) -> JsonResponse:
    """The first private message (new or reaching-out case), or another one on an open case; queued."""
    from careloop.cases.steps import write_to_member

    c, data = _step(request, case_id, Action.SEND, REACH_OUT)
    message = _run(write_to_member, c, request.user, data["body"], data.get("channel"),
                   public_note=data.get("public_note") or None, subject=data.get("subject", ""),
                   call_time=data.get("call_time", ""))
    message.refresh_from_db()
    return _after(c, 202, message=serialize.message(message))


ASSIGN = {"user": Field((str, int), max_chars=150, nullable=True, minimum=1, maximum=MAX_ID),
          "team": Field(str, max_chars=100)}


@endpoint(("POST",))  # can(ASSIGN) depends on the case (an agent may take an unassigned one): checked below
def assign(request: HttpRequest, case_id: int) -> JsonResponse:
    """To yourself (empty body), a teammate (`user`: username or id) and/or a team."""
    from careloop.cases import act

    c, data = _step(request, case_id, Action.ASSIGN, ASSIGN)
    to_user = _user(data["user"]) if data.get("user") not in (None, "") else None
    team = data.get("team", "")
    try:  # the role rule: agents take (for themselves), managers assign to anyone who works cases
        check_assignment(request.user, c, to_user if to_user is not None or team else request.user)
    except AssignmentRefused as exc:
        raise ApiError(400, str(exc)) from None
    event = _run(act.assign, c, request.user, to_user=to_user, team=team)
    return _after(c, event=serialize.event(event))


@endpoint(("POST",), Action.WORK)
def notes(request: HttpRequest, case_id: int) -> JsonResponse:
    """An internal note on the timeline (never shown to the member)."""
    from careloop.cases import act

    c, data = _step(request, case_id, Action.WORK, {"text": Field(str, required=True, max_chars=TEXT_CHARS)})
    event = _run(act.add_note, c, request.user, data["text"])
    return _after(c, 201, event=serialize.event(event))


REACHED = Field(str, max_chars=500)  # how the member was reached when no message did (by phone): the override
MARK_DONE = {"note": Field(str, max_chars=TEXT_CHARS),
             "follow_up_after_hours": Field((int, float), minimum=0, maximum=24 * 365),
             "reached_another_way": REACHED}


@endpoint(("POST",), Action.WORK)
def mark_done(request: HttpRequest, case_id: int) -> JsonResponse:
    """The fix is done: the case waits for the follow-up question (scheduled as the settings say)."""
    from datetime import timedelta

    from careloop.cases import act

    c, data = _step(request, case_id, Action.WORK, MARK_DONE)
    hours = data.get("follow_up_after_hours")
    event = _run(act.mark_action_done, c, request.user, note=data.get("note", ""),
                 follow_up_after=timedelta(hours=hours) if hours is not None else None,
                 reached_another_way=data.get("reached_another_way", ""))
    return _after(c, event=serialize.event(event))


MEMBER_REPLY = {"text": Field(str, required=True, max_chars=TEXT_CHARS),
                "rating": Field(int, minimum=1, maximum=5, nullable=True), "reached_another_way": REACHED,
                "came_by": Field(str, choices=("phone", "email", "in_person"))}


@endpoint(("POST",), Action.WORK)
def member_reply(request: HttpRequest, case_id: int) -> JsonResponse:
    """The member's answer (pasted, or from another tool); careloop reads whether they are satisfied."""
    from careloop.cases import follow_up

    c, data = _step(request, case_id, Action.WORK, MEMBER_REPLY)  # an empty text: the step's refusal (400)
    reading = _run(follow_up.record_member_reply, c, data["text"], rating=data.get("rating"),
                   reached_another_way=data.get("reached_another_way", ""), recorded_by=request.user,
                   came_by=data.get("came_by", ""))
    said = None if reading is None else {"satisfied": reading.satisfied, "how": reading.how,
                                         "rating": reading.rating, "detail": reading.detail}
    return _after(c, reading=said)


DISMISS = {"reason": Field(str, required=True, max_chars=100), "note": Field(str, max_chars=TEXT_CHARS)}


@endpoint(("POST",), Action.WORK)
def dismiss(request: HttpRequest, case_id: int) -> JsonResponse:
    """Not a complaint, a duplicate, handled elsewhere, or a troll."""
    from careloop.cases import act

    c, data = _step(request, case_id, Action.WORK, DISMISS)
    try:
        event = _run(act.dismiss, c, request.user, data["reason"], data.get("note", ""))
    except ApiError as exc:  # an unknown reason: the step refuses it in its own words; bad input, so 400
        if data["reason"] not in DISMISS_REASONS:
            exc.status = 400
        raise
    return _after(c, event=serialize.event(event))


MODERATE = {"warning": Field(str, max_chars=TEXT_CHARS), "note": Field(str, max_chars=TEXT_CHARS),
            "moderator": Field((str, int), max_chars=150, nullable=True, minimum=1, maximum=MAX_ID),
            "team": Field(str, max_chars=100)}


@endpoint(("POST",), Action.WORK)
def moderate(request: HttpRequest, case_id: int) -> JsonResponse:
    """The troll playbook on a new case: a private warning (the "warning" template when `warning` is not given,
    none when it is ""), the case handed to `moderator` or the moderators' team; 409 for a case that is not new."""
    from careloop.cases import act

    c, data = _step(request, case_id, Action.WORK, MODERATE)
    moderator = _user(data["moderator"]) if data.get("moderator") not in (None, "") else None
    event = _run(act.moderate, c, request.user, warning=data.get("warning"), moderator=moderator,
                 team=data.get("team") or "moderators", note=data.get("note", ""))
    return _after(c, event=serialize.event(event))


@endpoint(("POST",), Action.WORK)
def items(request: HttpRequest, case_id: int) -> JsonResponse:
    """An action item on the case's checklist (`items/IID/done` ticks it off)."""
    from careloop.cases import act

    c, data = _step(request, case_id, Action.WORK, {"text": Field(str, required=True, max_chars=TEXT_CHARS)})
    item = _run(act.add_action_item, c, request.user, data["text"])
    return _after(c, 201, item=serialize.action_item(item))


@endpoint(("POST",), Action.WORK)
def item_done(request: HttpRequest, case_id: int, item_id: int) -> JsonResponse:
    """Tick off one of the case's action items (one done already stays as it was)."""
    from careloop.cases import act

    c, _ = _step(request, case_id, Action.WORK, {})
    item = c.action_items.filter(pk=item_id).first() if item_id <= MAX_ID else None
    if item is None:
        raise ApiError(404, f"case {c.pk} has no action item {item_id}")
    item = _run(act.complete_action_item, item, request.user)
    return _after(c, item=serialize.action_item(item))


TICKET = {"url": Field(str, required=True, max_chars=2000), "title": Field(str, max_chars=300)}


@endpoint(("POST",), Action.WORK)
def ticket(request: HttpRequest, case_id: int) -> JsonResponse:
    """Link the external ticket (issue tracker, help desk): an http:// or https:// address."""
    from careloop.cases import act

    c, data = _step(request, case_id, Action.WORK, TICKET)
    event = _run(act.link_ticket, c, request.user, data["url"], data.get("title", ""))
    return _after(c, event=serialize.event(event))


JUDGE = {"satisfied": Field(bool, required=True), "rating": Field(int, minimum=1, maximum=5, nullable=True),
         "reached_another_way": REACHED}


@endpoint(("POST",), Action.WORK)
def judge(request: HttpRequest, case_id: int) -> JsonResponse:
    """Your decision on the member's satisfaction (their reply was unclear, or came by phone): satisfied resolves
    the case (the closing message is queued), not satisfied is back to acting."""
    from careloop.cases import follow_up

    c, data = _step(request, case_id, Action.WORK, JUDGE)
    event = _run(follow_up.mark_satisfied, c, request.user, data["satisfied"], data.get("rating"),
                 reached_another_way=data.get("reached_another_way", ""))
    return _after(c, event=serialize.event(event))


@endpoint(("POST",), Action.REOPEN)  # an agent: their own or an unassigned case, checked on the case below
def reopen(request: HttpRequest, case_id: int) -> JsonResponse:
    """A dismissed case back where it was dismissed, a resolved one back to acting; `why` goes on the timeline.
    409 for an open or a moderated case."""
    from careloop.cases import steps

    c, data = _step(request, case_id, Action.REOPEN, {"why": Field(str, required=True, max_chars=TEXT_CHARS)})
    event = _run(steps.reopen, c, request.user, data["why"])
    return _after(c, event=serialize.event(event))


OPEN_CASE = {"why": Field(str, max_chars=TEXT_CHARS), "topic": Field(str, max_chars=200),
             "severity": Field(int, minimum=1, maximum=3)}


@endpoint(("POST",), Action.OPEN)
def open_case(request: HttpRequest, post_id: int) -> JsonResponse:
    """A case opened by hand about a post (its member, post and origin), recorded as opened by the caller.
    409, with the covering case's id in `case`, while an open case covers the post."""
    from careloop.cases import steps
    from careloop.community.models import Post

    post = Post.objects.filter(pk=post_id).first() if post_id <= MAX_ID else None
    if post is None:
        raise ApiError(404, f"there is no post {post_id}")
    data = fields(read_json(request), OPEN_CASE)

    def open_it() -> Case:
        try:
            return steps.open_from_post(post, request.user, data.get("why", ""), topic=data.get("topic", ""),
                                        severity=data.get("severity", 2))
        except steps.AlreadyCovered as exc:
            raise ApiError(409, str(exc), case=exc.case_id) from None

    c = _run(open_it)
    opened = c.events.get(kind="opened")
    return _after(c, 201, event=serialize.event(opened))


def _message_step(request: HttpRequest, case_id: int, message_id: int, what: str) -> JsonResponse:
    """Retry or stop one of the case's outbox messages; 409 when its status no longer allows it."""
    from careloop.cases import outbox

    c, _ = _step(request, case_id, Action.SEND, {})
    message = c.outbox.filter(pk=message_id).first() if message_id <= MAX_ID else None
    if message is None:
        raise ApiError(404, f"case {c.pk} has no message {message_id}")
    try:
        with transaction.atomic():
            message = getattr(outbox, what)(message, request.user)
    except ValueError as exc:  # failed/unsure only for a retry; not once a worker has it, for a cancel
        raise ApiError(409, str(exc)) from None
    return _after(c, message=serialize.message(message))


@endpoint(("POST",), Action.SEND)
def retry_message(request: HttpRequest, case_id: int, message_id: int) -> JsonResponse:
    """A failed or unsure message back in the queue (after the cause is fixed, or the platform checked)."""
    return _message_step(request, case_id, message_id, "retry")


@endpoint(("POST",), Action.SEND)
def cancel_message(request: HttpRequest, case_id: int, message_id: int) -> JsonResponse:
    """Never send this message (the member was reached another way)."""
    return _message_step(request, case_id, message_id, "cancel")


# ------------------------------------------------------------------------------------------------ score
@endpoint(("POST",))
def score(request: HttpRequest) -> JsonResponse:
    """Language, complaint, sentiment and toxicity of each text, through careloop.listen.scoring.score()."""
    from careloop.listen import scoring

    limit_texts, limit_chars = max_score_texts(), max_score_text_chars()
    body_limit = int(settings.CARELOOP_API_MAX_SCORE_BODY)
    data = fields(read_json(request, max(body_limit, max_body_bytes())),
                  {"texts": Field(list, required=True), "profile": Field(str, choices=scoring.PROFILES)})
    texts = data["texts"]
    if len(texts) > limit_texts:
        raise ApiError(413, f"{len(texts)} texts in one request; at most {limit_texts}", limit=limit_texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise ApiError(400, f"texts[{i}] must be a string")
        if len(text) > limit_chars:
            raise ApiError(413, f"texts[{i}] is {len(text)} characters; at most {limit_chars}", limit=limit_chars)
    profile = data.get("profile") or scoring.current_profile()
    if not scoring_jobs.runs_inline(texts, profile):  # the accurate profile, or a lot of text: a worker's job
        try:
            job = scoring_jobs.submit(request.user, texts, profile)
        except scoring_jobs.TooManyWaiting as exc:
            raise ApiError(429, str(exc)) from None
        return ok(scoring_jobs.answer(job), status=202)
    try:
        scores = scoring.score(texts, profile) if texts else []
        version = scores[0].model_version if scores else scoring.model_version(profile)
    except scoring.ScoringUnavailable as exc:
        return error(503, str(exc))
    return ok({"profile": profile, "model_version": version, "scores": [s.as_dict() for s in scores]})


@endpoint(("GET",))
def score_job(request: HttpRequest, job_id: int) -> JsonResponse:
    """A scoring job's state, and its scores once a worker has made them (only for the user who sent it)."""
    from careloop.api.models import ScoringJob

    job = ScoringJob.objects.filter(pk=job_id, user=signed_in(request)).first() if 0 < job_id <= MAX_ID else None
    if job is None:
        raise ApiError(404, f"you have no scoring job {job_id}")
    return ok(scoring_jobs.answer(job))


# ------------------------------------------------------------------------------------------------ else
@endpoint(("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"), public=True)
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return error(404, f"there is no API endpoint {request.path}; see docs/api.md")
