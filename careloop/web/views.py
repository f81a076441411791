"""Views stay thin: they check the role, read, page and render. Every change to a case is a call to the case
loop's functions in careloop/cases/ (reach_out, act, follow_up, state); no view writes a case itself."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from django.conf import settings as conf
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from careloop.cases import canned, load, mentions, people, templates
from careloop.cases.conversation import conversation
from careloop.cases.models import (
    OPEN_STATES,
    TEXT_CHARS,
    AffectedMember,
    CannedResponse,
    Case,
    CaseState,
    OutboxMessage,
    Tag,
)
from careloop.cases.state import DISMISS_REASONS, nothing_reached
from careloop.cases.tone import check_tone
from careloop.community.models import Member, Post, Source, Thread
from careloop.health.models import latest_heartbeat
from careloop.health.status import health_status
from careloop.web import dashboard as dash
from careloop.web import presence as pr
from careloop.web import queue as q
from careloop.web import story as st
from careloop.web.forms import CannedResponseForm, PreferenceForm, ServiceLevelForm, TeamForm
from careloop.web.models import Preference, SavedView, Team
from careloop.web.roles import Action, SignedInRequest, can, permissions, require, require_on_case, role_of

THREADS_PER_PAGE = 50
POSTS_PER_PAGE = 100
CASES_PER_PAGE = 50
CHAT_RECENT = 8  # the conversation's newest turns shown; older ones fold away (the composer stays near)
TAGS_LISTED = 200  # the tag filter's and the case page's choice of tags, at most
SAVED_VIEWS_LISTED = 30


def _common(request: HttpRequest) -> dict:
    return {"heartbeat": latest_heartbeat(), "role": role_of(request.user), "may": permissions(request.user)}


# ------------------------------------------------------------------------------------------------ queue
@require(Action.VIEW)
def queue(request: SignedInRequest) -> HttpResponse:
    """Open cases, most urgent first, with the reason in words; the rows refresh themselves (HTMX). The state filter
    also reaches the closed cases, most recently closed first."""
    filters = q.QueueFilters.from_query(request.GET)
    now = timezone.now()
    page, cases = q.queue_page(filters, request.user, request.GET.get("page"), CASES_PER_PAGE, now)
    rows = [{"case": c, "reason": q.reason_in_words(c, now), "level": q.risk_level(c.risk),
             "timer": _timer(c, now, filters)} for c in cases]
    context = {"page": page, "rows": rows, "filters": filters, "query": filters.as_query(), "now": now,
               "may_bulk": can(request.user, Action.WORK) or can(request.user, Action.TAG)}
    if request.headers.get("HX-Request"):
        return render(request, "web/queue_rows.html", context)
    assignees = list(_teammates())
    context.update(
        _common(request),
        sources=Source.objects.order_by("name"),
        states=[(s.value, s.label) for s in OPEN_STATES],
        closed_states=[(s.value, s.label) for s in q.CLOSED_STATES],
        assignees=assignees,
        team=load.team_load(assignees, now),
        languages=cache.get_or_set("careloop-case-languages", _case_languages, 300),
        tags=Tag.objects.order_by("name")[:TAGS_LISTED],
        saved_views=SavedView.objects.filter(user=request.user)[:SAVED_VIEWS_LISTED],
        query_string=urlencode(filters.as_query()),
        dismiss_reasons=[(r, st.DISMISS_REASONS[r]) for r in DISMISS_REASONS],
    )
    return render(request, "web/queue.html", context)


def _timer(c: Case, now, filters: q.QueueFilters) -> dict | None:
    """The row's service-level timer (careloop/cases/service_levels.py): its words and its style."""
    from careloop.cases import service_levels as sla

    running = None if filters.closed else sla.timer(c, now)
    return {"words": q.timer_in_words(running), "status": running.status, "due_at": running.due_at} \
        if running else None


def _teammates():
    """Everyone who may work cases: the people a case can be assigned to."""
    return load.teammates()


def _assignable(c: Case) -> list:
    """The people "Assign to" offers on this case: who may work cases, and whoever has the case now (so the
    form shows the current assignee even when they could no longer be picked); each with their open cases
    (`open_cases`, one query for all: careloop/cases/load.py)."""
    people = list(_teammates())
    if c.assignee_id and all(u.pk != c.assignee_id for u in people):
        people.insert(0, c.assignee)
    held = load.counts()
    for u in people:
        u.open_cases = held[u.pk].open if u.pk in held else 0
    return people


def _case_languages() -> list[str]:
    return sorted(set(Case.objects.exclude(language="").values_list("language", flat=True).distinct()))


# ------------------------------------------------------------------------------------------------ case
def _case(case_id: int) -> Case:
    return get_object_or_404(Case.objects.select_related("member", "source", "thread", "post", "assignee"),
                             pk=case_id)


@require(Action.VIEW)
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    """The whole story of one case: the thread, the risk, the member, the composer, the timeline."""
    c = _case(case_id)
    mentions.mark_case_read(request.user, c.pk)  # the notifications of this case are read once it is open
    language = c.language or c.member.language or "en"
    context = {
        **_common(request),
        "case": c,
        "may": permissions(request.user, c),
        "story": st.story(c),
        "card": st.member_card(c.member, exclude_case=c.pk),
        "reason": q.reason_in_words(c),
        "level": q.risk_level(c.risk),
        "templates": _composer_choices(c, language),
        "channels": st.CHANNELS,
        "teammates": _assignable(c),
        "teams": Team.objects.all(),
        "checklist": _checklist(c),
        "messages_out": _messages_out(c),
        "draft": request.GET.get("draft", ""),
        "nothing_reached": nothing_reached(c) if c.is_open else "",
        "template_drafts": {},
        "case_tags": list(c.tags.all()),
        "all_tags": Tag.objects.order_by("name")[:TAGS_LISTED],
        "tag_colours": Tag.Colour.choices,
        "presence": _presence(c, request.user),
    }
    turns = conversation(c, notes=True)  # the private conversation as a chat, after the public post, notes among it
    context["older_turns"], context["recent_turns"] = turns[:-CHAT_RECENT], turns[-CHAT_RECENT:]
    context["private_turns"] = [t for t in turns if t.side not in ("post", "note")]
    entries = st.timeline(c, list(c.events.select_related("actor").order_by("at", "id")))
    context["older"], context["recent"] = entries[:-st.TIMELINE_RECENT], entries[-st.TIMELINE_RECENT:]
    kept = request.session.pop(f"careloop-draft-{c.pk}", None)  # what a refused send left in the composer
    again = request.GET.get("again", "")
    if not kept and again.isdigit() and len(again) < 19:  # "Write it again": a message that did not arrive
        body = c.outbox.filter(pk=int(again), kind="private").values_list("body", flat=True).first()
        kept = {"text": body} if body else None
    if kept:
        context["draft"] = kept.get("text", "")
    may_send = c.is_open and can(request.user, Action.SEND, c)
    if may_send:  # "Use" inserts these at the cursor (careloop/case.js)
        context["template_drafts"] = {key: canned.fill(r, c, request.user) for key, r in context["templates"]}
    # the first outreach (the step takes a thread note with any message while the case is new or reaching out;
    # once one is in the thread it is not offered again) and its call time (recorded as the case leaves new)
    context["call_time_field"] = c.state == CaseState.NEW
    first = c.state in (CaseState.NEW, CaseState.REACHING_OUT) and not c.outbox.filter(
        purpose=OutboxMessage.Purpose.PUBLIC_NOTE).exclude(status=OutboxMessage.Status.CANCELLED).exists()
    if first and "public_note" in st.templates_for(language) and st.can_post_publicly(c):
        context["public_note"] = st.draft(c, "public_note", request.user)
    if c.state == CaseState.NEW and context["may"]["work"]:  # "Hand to moderation", its warning drafted
        context["warning_draft"] = st.draft(c, "warning", request.user) if "warning" in st.templates_for(language) \
            else ""
    template = request.GET.get("template")
    chosen = dict(context["templates"]).get(template or "")
    if chosen is not None and not kept:  # a link to a canned response (?template=outreach): an empty composer
        context["draft"] = context["template_drafts"].get(template) or canned.fill(chosen, c, request.user)
        context["chosen_template"] = template
    elif kept and kept.get("chosen"):
        context["chosen_template"] = kept["chosen"]
    if kept and kept.get("public_note"):
        context["public_note"] = kept["public_note"]
    context["call_time"] = kept.get("call_time", "") if kept else ""
    return render(request, "web/case.html", context)


def _presence(c: Case, user) -> dict:
    """Who else is on the case (careloop/web/presence.py): opening the page is its first heartbeat; the page's
    script (careloop/presence.js) beats on and redraws the line."""
    pr.note_presence(c, user)
    return {"lines": [pr.in_words(p) for p in pr.others_on(c, user)], "opened": timezone.now().isoformat(),
            "poll": f"{conf.CARELOOP_PRESENCE_POLL:g}", "idle": f"{conf.CARELOOP_PRESENCE_SECONDS:g}"}


@require(Action.VIEW)
@require_POST
def case_presence(request: HttpRequest, case_id: int) -> JsonResponse:
    """The case page's heartbeat: "state" is viewing, writing (a reply) or noting (an internal note); "opened",
    when the page was opened (ISO 8601), asks for a warning about whoever began writing a reply since. Answers who
    else is on the case, in words, and the state kept (a role that may not write is seen viewing)."""
    c = get_object_or_404(Case.objects.only("id", "assignee_id"), pk=case_id)
    state = request.POST.get("state", pr.State.VIEWING)
    if state not in pr.State.values:
        return JsonResponse({"error": "state: one of viewing, writing, noting"}, status=400)
    opened = None
    if request.POST.get("opened"):
        try:
            opened = datetime.fromisoformat(request.POST["opened"][:40])
        except ValueError:
            return JsonResponse({"error": "opened: a time in ISO 8601, as the page gave it"}, status=400)
        if timezone.is_naive(opened):
            opened = timezone.make_aware(opened, UTC)
    kept = pr.note_presence(c, request.user, state)
    others = pr.others_on(c, request.user)
    return JsonResponse({"state": kept, "warning": pr.warning(others, opened),
                         "others": [{"name": p.name, "state": p.state, "text": pr.in_words(p)} for p in others]})


def _composer_choices(c: Case, language: str) -> list[tuple[str, CannedResponse]]:
    """The canned responses the composer offers for this case (its language's, else English), each under its
    key in the picker: the message template it was seeded from ("call_offer"), else its number."""
    return [(r.template or str(r.pk), r) for r in canned.for_case_language(language)]


def _use_response(request: HttpRequest, c: Case) -> HttpResponse:
    """"Use" without JavaScript: the canned response is added after the draft, which comes back as it was typed."""
    require_on_case(request.user, Action.SEND, c)
    key = request.POST.get("response", "")
    chosen = dict(_composer_choices(c, c.language or c.member.language or "en")).get(key)
    if chosen is None and key.isdigit() and len(key) < 19:
        chosen = canned.get(key)
    draft = request.POST.get("text", "")[:20000]
    if chosen is None:
        messages.error(request, _("That canned response is gone; choose another one."))
    else:
        draft = canned.added(draft, canned.fill(chosen, c, request.user))
    request.session[f"careloop-draft-{c.pk}"] = {"text": draft, "chosen": key,
                                                 "public_note": request.POST.get("public_note", "")[:2000]}
    return redirect(reverse("web:case", kwargs={"case_id": c.pk}) + "#message")


def _messages_out(c: Case) -> list:
    """The case's outbox, oldest first, each with what the manager may still do about it."""
    from careloop.cases import outbox

    out = list(c.outbox.order_by("created_at", "id"))
    for m in out:
        m.may_retry, m.may_cancel = outbox.may_retry(m), outbox.may_cancel(m)
    return out


def _checklist(c: Case) -> list[dict]:
    """The action items of the fix, in the order they were added."""
    items = getattr(c, "action_items", None)
    if items is None:
        return []
    return [{"id": i.pk, "text": i.text, "done": i.done_at is not None} for i in items.order_by("created_at", "id")]


@login_required
@require_POST
def tone(request: HttpRequest, case_id: int) -> HttpResponse:
    """Live tone check of the draft (HTMX): each finding with why and a kinder wording."""
    c = _case(case_id)
    if not can(request.user, Action.SEND, c):
        raise PermissionDenied
    findings = check_tone(request.POST.get("text", ""), c.language or None)
    return render(request, "web/tone.html", {"findings": findings, "checked": True})


CASE_ACTIONS = {  # form "do" value -> (role action, case-loop module, what it does)
    "reach_out": Action.SEND,
    "assign": Action.ASSIGN,
    "note": Action.WORK,
    "item": Action.WORK,
    "item_done": Action.WORK,
    "link": Action.WORK,
    "done": Action.WORK,
    "dismiss": Action.WORK,
    "moderate": Action.WORK,
    "retry_message": Action.SEND,
    "cancel_message": Action.SEND,
    "reply": Action.WORK,
    "judge": Action.WORK,
    "reopen": Action.REOPEN,
}


PANELS = {  # the panel of the case page a step was taken in: the redirect comes back to it, not to the top
    "reach_out": "reach", "retry_message": "conversation", "cancel_message": "conversation",
    "assign": "act", "note": "act", "item": "act", "item_done": "act", "link": "act", "done": "act",
    "reply": "follow", "judge": "follow", "dismiss": "follow", "reopen": "act", "moderate": "act",
}


def _panel_after(do: str, c: Case) -> str:
    """The fragment to come back to after step `do`: its panel, or the closed case's card once the step closed it."""
    c.refresh_from_db(fields=["state"])
    return PANELS.get(do, "main") if c.is_open else "closed"


@login_required
@require_POST
def case_action(request: HttpRequest, case_id: int) -> HttpResponse:
    """One form for every step on a case; each step is one call into the case loop."""
    from careloop.web import actions

    c = _case(case_id)
    if request.POST.get("use") and "response" in request.POST:  # "Use" a canned response, without JavaScript
        return _use_response(request, c)
    do = request.POST.get("do", "")
    if do not in CASE_ACTIONS:
        raise Http404("no such step")
    require_on_case(request.user, CASE_ACTIONS[do], c)
    try:
        said = actions.perform(do, c, request.user, request.POST)
    except actions.StepFailed as exc:
        messages.error(request, str(exc))
        if do == "reach_out":  # the composer comes back with what was typed
            request.session[f"careloop-draft-{c.pk}"] = {"text": request.POST.get("text", "")[:20000],
                                                         "public_note": request.POST.get("public_note", "")[:2000],
                                                         "call_time": request.POST.get("call_time", "")[:100]}
    else:
        messages.success(request, said)
    return redirect(reverse("web:case", kwargs={"case_id": c.pk}) + "#" + _panel_after(do, c))


# ------------------------------------------------------------------------------------------------ members
@require(Action.VIEW)
def member(request: HttpRequest, member_id: int) -> HttpResponse:
    """One person: every account linked to this member (cases/people.py), their posts in one history, their cases
    and satisfaction on the card; for a manager, the accounts that may be the same person, to link or undo."""
    m = get_object_or_404(Member.objects.select_related("source"), pk=member_id)
    accounts = people.person_of(m)
    posts = (Post.objects.filter(author_id__in=[a.pk for a in accounts]).select_related("thread", "source")
             .order_by("-created_at", "-id"))
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    may_link = can(request.user, Action.LINK)
    return render(request, "web/member.html", {
        **_common(request), "m": m, "card": st.member_card(m, accounts=accounts), "page": page,
        "back": _back(request), "accounts": accounts, "suggestions": people.suggest_links(m) if may_link else [],
        "links": people.links_of(m)})


BACK_LABELS = {"queue": _lazy("Queue"), "case": _lazy("Case"), "threads": _lazy("Threads"),
               "thread": _lazy("Thread"), "dashboard": _lazy("Dashboard"), "member": _lazy("Member")}


def _back(request: HttpRequest) -> dict:
    """Where the member page's back link goes: the careloop page the reader came from (its path, from the
    Referer of this same site), else the queue."""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        parts = urlsplit(referer)
        try:
            match = resolve(parts.path)
        except Resolver404:
            match = None
        if match and match.namespace == "web" and match.url_name in BACK_LABELS and parts.path != request.path:
            url = parts.path + (f"?{parts.query}" if parts.query else "")
            return {"url": url, "label": BACK_LABELS[match.url_name]}
    return {"url": reverse("web:queue"), "label": BACK_LABELS["queue"]}


# ------------------------------------------------------------------------------------------------ threads
@require(Action.VIEW)
def threads(request: HttpRequest) -> HttpResponse:
    """All threads, most recently active first, with a filter by source and a search in titles; each with its
    open cases and the riskiest of them (a hot thread is visible at a glance).

    The pager sorts and counts thread ids only; the opening post and the cases are read for the page's rows
    alone (PostgreSQL would compute them for every row an OFFSET skips)."""
    open_cases = Case.objects.filter(thread=OuterRef("pk"), state__in=OPEN_STATES).order_by()
    qs = Thread.objects.order_by("-last_post_at", "-id")
    if request.GET.get("open") == "1":  # EXISTS per thread, newest first: stops once a page is full
        qs = qs.filter(Exists(open_cases))
    source = request.GET.get("source", "")
    query = request.GET.get("q", "").strip()
    if source:
        qs = qs.filter(source__name=source)
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(channel__icontains=query))
    page = Paginator(qs.values_list("id", flat=True), THREADS_PER_PAGE).get_page(request.GET.get("page"))
    opening = Post.objects.filter(thread=OuterRef("pk")).order_by("created_at", "id").values("text")[:1]
    riskiest = open_cases.order_by(F("risk").desc(nulls_last=True), "id")
    rows = Thread.objects.filter(pk__in=list(page.object_list)).select_related("source").annotate(
        opening=Subquery(opening),
        open_cases=Subquery(open_cases.values("thread").annotate(n=Count("id")).values("n")[:1]),
        top_case=Subquery(riskiest.values("id")[:1]),
        top_risk=Subquery(riskiest.values("risk")[:1]),
    )
    by_id = {t.pk: t for t in rows}
    listed = [by_id[i] for i in page.object_list if i in by_id]
    for t in listed:
        t.level = q.risk_level(t.top_risk)
    page.object_list = listed  # type: ignore[assignment]  # the pager's thread ids, now the threads read whole
    context = {**_common(request), "page": page, "sources": Source.objects.order_by("name"), "source": source,
               "query": query, "only_open": request.GET.get("open") == "1"}
    return render(request, "web/threads.html", context)


@require(Action.VIEW)
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    """One thread's posts in order; each reply says whom it answers; posts with a case link to it."""
    t = get_object_or_404(Thread.objects.select_related("source"), pk=thread_id)
    posts = Post.objects.filter(thread=t).select_related("author", "parent__author").order_by("created_at", "id")
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    cases = dict(Case.objects.filter(thread=t, post__isnull=False).values_list("post_id", "id"))
    covered: set[int] = set()
    if can(request.user, Action.OPEN):  # "Open a case" on each post no open case covers (steps.open_from_post)
        ids = [p.pk for p in page.object_list]
        open_cases = Case.objects.filter(state__in=OPEN_STATES)
        covered = set(open_cases.filter(post_id__in=ids).values_list("post_id", flat=True))
        covered |= set(open_cases.filter(origin_id__in=ids).values_list("origin_id", flat=True))
        covered |= set(AffectedMember.objects.filter(post_id__in=ids, case__state__in=OPEN_STATES)
                       .values_list("post_id", flat=True))
    return render(request, "web/thread.html", {**_common(request), "thread": t, "page": page, "cases": cases,
                                               "covered": covered, "open_from_here": can(request.user, Action.OPEN)})


@login_required
@require_POST
def open_case(request: HttpRequest, post_id: int) -> HttpResponse:
    """Open a case by hand about a post (steps.open_from_post), then the new case's page. When an open case covers
    the post already: that case's page, saying so; any other refusal: back to the post, with why."""
    from careloop.cases import steps
    from careloop.cases.steps import REFUSED

    post = get_object_or_404(Post.objects.select_related("thread"), pk=post_id)
    if not can(request.user, Action.OPEN):
        raise PermissionDenied
    why = request.POST.get("why", "").replace("\r\n", "\n").strip()[:TEXT_CHARS]
    try:
        c = steps.open_from_post(post, request.user, why)
    except steps.AlreadyCovered as exc:
        messages.error(request, _("Post %(post)s is already covered by open case %(n)s: work that case instead.")
                       % {"post": post.pk, "n": exc.case_id})  # the step's words (steps.open_from_post), translated
        return redirect("web:case", case_id=exc.case_id)
    except REFUSED as exc:
        messages.error(request, str(exc))
        return redirect(reverse("web:thread", args=[post.thread_id]) + f"#post-{post.pk}")
    messages.success(request, _("Case opened by hand."))
    return redirect("web:case", case_id=c.pk)


# ------------------------------------------------------------------------------------------------ dashboard
@require(Action.VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    days = 60 if request.GET.get("days") not in ("14", "30", "90") else int(request.GET["days"])
    return render(request, "web/dashboard.html", {**_common(request), "charts": dash.charts(days), "days": days,
                                                   "day_options": (14, 30, 60, 90), "headline": dash.headline(),
                                                   "team": load.team_load()})


@require(Action.VIEW)
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    """The daily figures behind the dashboard's charts as a CSV file (UTF-8), for the same period."""
    import csv

    days = 60 if request.GET.get("days") not in ("14", "30", "90") else int(request.GET["days"])
    header, rows = dash.daily_table(days)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    last = rows[-1][0] if rows else timezone.now().date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="careloop-dashboard-{days}-days-to-{last}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


# ------------------------------------------------------------------------------------------------ settings
@require(Action.VIEW)
def settings_page(request: HttpRequest) -> HttpResponse:
    """Sources with their health, the team's canned responses, teams, service levels."""
    team_form = TeamForm()
    if request.method == "POST":
        if not can(request.user, Action.SETTINGS):
            raise PermissionDenied
        team_form = TeamForm(request.POST)
        if team_form.is_valid():
            team_form.save()
            messages.success(request, _("Team saved."))
            return redirect("web:settings")
    editing = canned.get(request.GET["edit"]) if "edit" in request.GET else None
    response_form = None
    if can(request.user, Action.RESPONSES):
        response_form = _response_form(editing.pk if editing else None, initial=(
            {"name": editing.name, "language": editing.language, "body": editing.body} if editing else
            {"language": (request.LANGUAGE_CODE or "en").split("-")[0]}))
    return _settings(request, team_form=team_form, response_form=response_form, editing=editing)


def _settings(request: HttpRequest, **extra: object) -> HttpResponse:
    context = {
        **_common(request),
        "sources": Source.objects.order_by("name"),
        "responses": canned.responses(),
        "teams": Team.objects.prefetch_related("members"),
        "team_form": TeamForm(),
        "service_levels": dash.service_levels(),
        "level_form": _level_form() if can(request.user, Action.SERVICE_LEVELS) else None,
        "placeholders": ["{" + p + "}" for p in templates.PLACEHOLDERS],
        **extra,
    }
    return render(request, "web/settings.html", context)


def _response_form(exclude: int | None, data: object = None, initial: dict | None = None) -> CannedResponseForm:
    from django.conf import settings as conf

    languages = dict(conf.LANGUAGES)
    for lang in sorted({r.language for r in canned.responses()} - set(languages)):
        languages[lang] = lang
    return CannedResponseForm(data, initial=initial, exclude=exclude, languages=list(languages.items()))


@login_required
@require_POST
def canned_response(request: HttpRequest, response_id: int | None = None) -> HttpResponse:
    """Add (no id), change or delete ("delete" in the form) a canned response: managers and admins."""
    if not can(request.user, Action.RESPONSES):
        raise PermissionDenied
    editing = None
    if response_id is not None:
        editing = canned.get(response_id)
        if editing is None:
            raise Http404("no such canned response")
        if request.POST.get("delete"):
            canned.delete(request.user, editing)
            messages.success(request, _("Canned response “%(name)s” deleted.") % {"name": editing.name})
            return redirect(reverse("web:settings") + "#canned")
    form = _response_form(response_id, request.POST)
    if not form.is_valid():
        return _settings(request, response_form=form, editing=editing)  # 200: the form again, with why
    data = form.cleaned_data
    if editing is None:
        saved = canned.create(request.user, data["name"], data["language"], data["body"])
    else:
        saved = canned.update(request.user, editing, data["name"], data["language"], data["body"])
    messages.success(request, _("Canned response “%(name)s” saved.") % {"name": saved.name})
    return redirect(reverse("web:settings") + "#canned")


def _level_form(data: object = None) -> ServiceLevelForm:
    """The settings page's service levels, filled with what is set on the page (empty: the default applies)."""
    from careloop.cases import service_levels as sla

    defaults, set_here = sla.defaults(), sla.stored()
    initial = {}
    for name, hours in set_here.items():
        days = hours >= 24 and hours % 24 == 0
        initial[name] = f"{hours / 24 if days else hours:g}"
        initial[f"{name}_unit"] = "days" if days else "hours"
    return ServiceLevelForm(data, initial=initial, defaults=defaults)


@login_required
@require_POST
def service_levels(request: HttpRequest) -> HttpResponse:
    """Set the service levels (managers and admins): stored in the database, over CARELOOP_SERVICE_LEVELS."""
    from careloop.cases import service_levels as sla

    if not can(request.user, Action.SERVICE_LEVELS):
        raise PermissionDenied
    form = _level_form(request.POST)
    if not form.is_valid():
        return _settings(request, level_form=form)  # 200: the form again, with why
    sla.save(request.user, form.cleaned_data["hours"])
    messages.success(request, _("Service levels saved."))
    return redirect(reverse("web:settings") + "#levels")


@login_required
@require_POST
def test_source(request: HttpRequest, source_id: int) -> HttpResponse:
    """Test a source's connection through its connector's check()."""
    if not can(request.user, Action.SETTINGS):
        raise PermissionDenied
    source = get_object_or_404(Source, pk=source_id)
    from careloop.connectors.base import ConnectorError, connector_for

    try:
        said = connector_for(source).check()
    except ConnectorError as exc:
        messages.error(request, _("%(source)s: %(error)s") % {"source": source, "error": exc})
    else:
        messages.success(request, _("%(source)s: %(said)s") % {"source": source, "said": said})
    return redirect("web:settings")


@login_required
def preferences(request: SignedInRequest) -> HttpResponse:
    """The user's own settings: the language of the UI."""
    pref, _created = Preference.objects.get_or_create(user=request.user)
    form = PreferenceForm(request.POST or None, instance=pref)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("web:preferences")
    return render(request, "web/preferences.html", {**_common(request), "form": form})


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: is the database reachable, is a worker alive and taking tasks (503 with
    the reasons in "problems" when not; careloop.health.status)."""
    status = health_status()
    return JsonResponse(status, status=503 if status["problems"] else 200)

