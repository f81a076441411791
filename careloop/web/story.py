"""What the case and member pages read: the thread as a story, the member's card, the case loop's parts.

Only reading happens here. Every change to a case goes through the case loop's functions in careloop/cases/
(reach_out.py, act.py, follow_up.py, state.py), which the views call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext

from careloop.cases import people, reach_out, templates
from careloop.cases.models import OPEN_STATES, AffectedMember, Case, CaseEvent, CaseState
from careloop.community.models import Member, Post
from careloop.community.scores import TOXIC, TOXIC_SHARE

MAX_STORY_POSTS = 200
CHANNEL_WORDS = {"dm": gettext_lazy("Private message on the platform"), "email": gettext_lazy("E-mail"),
                 "call": gettext_lazy("Offer a call")}
# The ways to reach a member are the case loop's (reach_out.CHANNELS, their one home), in its order; the page adds
# their words (a channel without words here fails at import, not on a page).
CHANNELS = tuple((channel, CHANNEL_WORDS[channel]) for channel in reach_out.CHANNELS)


@dataclass
class Story:
    """A case's thread from where it began: posts in order, the complaint marked, me-too replies grouped."""

    posts: list[Post]
    complaint_id: int | None
    origin_id: int | None
    me_too: list[Post] = field(default_factory=list)
    more: int = 0  # posts after the last one shown

    def items(self) -> list[dict[str, Any]]:
        """The posts to show in order; the me-too replies as one group right after the complaint."""
        me_too_ids = {p.id for p in self.me_too}
        out: list[dict[str, Any]] = []
        for p in self.posts:
            if p.id in me_too_ids:
                continue
            out.append({"post": p, "complaint": p.id == self.complaint_id, "origin": p.id == self.origin_id})
            if p.id == self.complaint_id and self.me_too:
                out.append({"group": self.me_too})
        if self.me_too and self.complaint_id not in {p.id for p in self.posts}:
            out.insert(0, {"group": self.me_too})
        return out


def story(case: Case) -> Story:
    me_too_ids = list(
        AffectedMember.objects.filter(case=case, role=AffectedMember.Role.AFFECTED, post__isnull=False)
        .values_list("post_id", flat=True)
    )
    if case.thread_id is None:
        posts = [case.post] if case.post is not None else []
        return Story(posts, case.post_id, case.post_id)
    qs = Post.objects.filter(thread_id=case.thread_id).select_related("author", "parent__author")
    posts = list(qs.order_by("created_at", "id")[:MAX_STORY_POSTS])
    shown = {p.id for p in posts}
    if case.post_id and case.post_id not in shown:  # a long thread: the complaint and what came after it
        complaint = qs.get(pk=case.post_id)
        head = posts[:20]
        tail = list(qs.filter(created_at__gte=complaint.created_at).order_by("created_at", "id")[:MAX_STORY_POSTS])
        posts = head + [p for p in tail if p.id not in {h.id for h in head}]
        shown = {p.id for p in posts}
    total = case.thread.post_count if case.thread else len(posts)
    me_too = [p for p in posts if p.id in set(me_too_ids)]
    missing = [i for i in me_too_ids if i not in shown]
    if missing:
        me_too += list(Post.objects.filter(pk__in=missing).select_related("author").order_by("created_at", "id"))
    origin = posts[0].id if posts else None
    return Story(posts, case.post_id, origin, me_too, max(0, total - len(posts)))


@dataclass
class MemberCard:
    member: Member
    posts: int
    toxic_share: float | None
    negative: int
    cases: list[Case]
    open_cases: int
    satisfaction: float | None
    troll_reasons: list[str]
    accounts: list[Member] = field(default_factory=list)  # every account of the member's person, the member first

    @property
    def also_on(self) -> list[Member]:
        """The person's other accounts (cases/people.py): "also on: matrix @mia, forum @mia_k"."""
        return self.accounts[1:]


def member_card(member: Member, exclude_case: int | None = None,
                accounts: list[Member] | None = None) -> MemberCard:
    """History, past cases, satisfaction and troll signals of one member, from indexed lookups only.

    A member linked to accounts in other sources (cases/people.py) is one person here: posts, cases, open cases
    and satisfaction count every account. Troll signals stay the account's own: what one account did on one
    platform (a dismissal as trolling, a toxic share) is a signal about that account, and a link a manager may
    still undo should not carry it over to the others."""
    accounts = accounts if accounts is not None else people.person_of(member)
    ids = [a.pk for a in accounts] or [member.pk]
    mine = Q(author_id=member.pk)
    stats = Post.objects.filter(author_id__in=ids).aggregate(
        n=Count("id"), negative=Count("id", filter=Q(sentiment="negative")),
        scored=Count("id", filter=mine & Q(toxicity__isnull=False)),
        toxic=Count("id", filter=mine & Q(toxicity__gte=TOXIC)),
    )
    cases = Case.objects.filter(member_id__in=ids).select_related("assignee", "member__source").order_by("-opened_at")
    past = list(cases.exclude(pk=exclude_case)[:10]) if exclude_case else list(cases[:10])
    agg = Case.objects.filter(member_id__in=ids).aggregate(
        sat=Avg("satisfaction"), open=Count("id", filter=Q(state__in=OPEN_STATES)),
        moderated=Count("id", filter=Q(member_id=member.pk, state=CaseState.MODERATED)),
    )
    # Only a dismissal as trolling is a troll signal: "not a complaint" corrects careloop, it accuses no one; a
    # dismissal the team undid (the case reopened) is none.
    from careloop.cases.corrections import undone_dismissals

    trolling = CaseEvent.objects.filter(
        case__member=member, kind=CaseEvent.Kind.TRANSITION, to_state=CaseState.DISMISSED, details__reason="troll",
    ).exclude(pk__in=undone_dismissals(member)).values("case_id").distinct().count()
    toxic_share = stats["toxic"] / stats["scored"] if stats["scored"] else None
    reasons: list[str] = []
    troll = (member.extra or {}).get("troll") if isinstance(member.extra, dict) else None
    if isinstance(troll, dict):
        reasons += [str(r) for r in troll.get("reasons", []) if r]
    if toxic_share is not None and stats["scored"] >= 5 and toxic_share >= TOXIC_SHARE:
        reasons.append(f"{toxic_share:.0%} of their {stats['scored']} posts are toxic")
    if trolling or agg["moderated"]:
        reasons.append(f"{trolling} earlier case(s) dismissed as trolling, {agg['moderated']} moderated")
    return MemberCard(member, stats["n"], toxic_share, stats["negative"], past, agg["open"],
                      agg["sat"], reasons, accounts)


def templates_for(language: str) -> list[str]:
    """Names of the message templates the case loop has for this language (English when it has none)."""
    found = templates.templates()
    lang = (language or "en").split("-")[0].lower()
    return [name for name in templates.NAMES if name in found.get(lang, found.get("en", {}))]


def can_post_publicly(case: Case) -> bool:
    """Whether the case's platform lets careloop reply in the thread (the public note beside the first message)."""
    from careloop.connectors.base import POST_PUBLIC, ConnectorError, connector_for

    try:
        return POST_PUBLIC in connector_for(case.source).capabilities
    except ConnectorError:
        return False


def draft(case: Case, template: str, user: Any) -> str:
    """The template filled in for this case by the case loop (a call offer leaves the time to fill in)."""
    language = reach_out.language_of(case)  # the member's language, not the manager's
    extra = {"call_time": templates.fill_in("call_time", language)} if template == "call_offer" else {}
    try:  # the text only: the tone check runs on the composer as the manager edits
        return templates.render(template, language, **reach_out.context(case, user, **extra)).text
    except ValueError:  # a broken template in the settings: the composer stays empty, the settings page says why
        return ""


# ------------------------------------------------------------------------------------------------ the timeline
TIMELINE_RECENT = 8  # the newest entries shown; older ones fold away (the composer and Act stay near the top)
DISMISS_REASONS = {"not_complaint": gettext_lazy("not a complaint"), "duplicate": gettext_lazy("a duplicate"),
                   "handled_elsewhere": gettext_lazy("handled elsewhere"), "troll": gettext_lazy("trolling")}
# Fixed words the case loop writes on events, shown in the reader's language.
STORED_PHRASES = (gettext_noop("the member replied"), gettext_noop("the member says it is not sorted"),
                  gettext_noop("working on it before the member answered"), gettext_noop("manager"),
                  gettext_noop("rating"), gettext_noop("classifier"), gettext_noop("words"))
SHOWN_ELSEWHERE = {"post", "outbox", "item", "external_id", "message_kind", "repeat_post", "label", "what", "text",
                   "body", "reasons", "topic", "severity", "member", "to_user", "team", "self_assigned", "due_at",
                   "reason", "because", "note", "satisfied", "how", "detail", "rating", "reached_another_way",
                   "channel", "call_time", "handed_off_in_public", "reopened", "url", "title", "purpose",
                   "recipient", "recorded_by", "error", "step", "status", "open_items", "at_platform", "recorded",
                   "recorded_only", "source", "recovered", "by_hand", "undoes", "dismissed_as", "withdrawn_label",
                   "came_by", "tag", "mentions", "field", "old", "new"}
CAME_BY = {"phone": gettext_lazy("by phone"), "email": gettext_lazy("by e-mail"),
           "in_person": gettext_lazy("in person")}  # how a reply a teammate recorded came (follow_up.CAME_BY)


@dataclass
class Entry:
    """One timeline entry in words: when, who, what happened, and a quoted text when there is one."""

    event: CaseEvent
    who: str
    what: str
    quote: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
    when: Any = None  # a second date (a follow-up's due time) shown as a date, never as ISO text
    link: str = ""
    mentions: list[str] = field(default_factory=list)  # the teammates a note names (highlighted in its text)


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _said(value: Any) -> str:
    return gettext(str(value)) if isinstance(value, str) and value else ""


def _channel(value: str) -> str:
    from careloop.web.templatetags.careloop_tags import message_label

    return message_label(value) if value else ""


def timeline(case: Case, events: list[CaseEvent]) -> list[Entry]:
    """The case's events as sentences a person reads ("mara assigned the case to jonas", "Follow-up due
    4 Dec, 03:43"), oldest first; an Overdue entry repeating the one before it for the same reason is left out."""
    from careloop.web.templatetags.careloop_tags import message_label, state_label

    member_ids = {e.details.get("member") for e in events if isinstance(e.details, dict)} - {None}
    names: dict[object, str] = {  # by whatever id an event's details hold
        m.pk: str(m) for m in Member.objects.filter(pk__in=[i for i in member_ids if isinstance(i, int)])}
    out: list[Entry] = []
    last_overdue = None
    for e in events:
        d = e.details if isinstance(e.details, dict) else {}
        who = e.actor.get_username() if e.actor_id and e.actor else (e.actor_label or "careloop")
        if e.actor_label == "outbox" and not e.actor_id:
            who = "careloop"
        entry = Entry(e, who, "")
        kind = e.kind
        if kind == CaseEvent.Kind.OVERDUE:
            if d.get("reason") == last_overdue:
                continue
            last_overdue = d.get("reason")
            entry.what = gettext("Overdue: %(why)s") % {"why": _said(d.get("reason"))} if d.get("reason") \
                else gettext("Overdue")
        elif kind == CaseEvent.Kind.OPENED and d.get("by_hand"):
            entry.what = gettext("%(who)s opened the case by hand") % {"who": who}
            entry.quote = str(d.get("note") or "")
        elif kind == CaseEvent.Kind.OPENED:
            entry.what = (gettext("Case opened: a complaint about %(topic)s") % {"topic": d["topic"]}
                          if d.get("topic") else gettext("Case opened"))
            entry.facts = [(gettext("Why"), "; ".join(_reason_text(r) for r in d.get("reasons") or []))] \
                if d.get("reasons") else []
        elif kind == CaseEvent.Kind.TRANSITION:
            entry.what = _transition(e, d, state_label)
            entry.quote = str(d.get("text") or "")
        elif kind == CaseEvent.Kind.MESSAGE_OUT:
            entry.what = gettext("%(what)s sent (%(how)s)") % {
                "what": message_label(d.get("purpose") or "outreach"), "how": _channel(d.get("channel", ""))}
            if d.get("recipient"):
                entry.facts.append((gettext("To"), str(d["recipient"])))
            if d.get("external_id"):  # what the platform (or the demo's recorder) calls the delivered message
                entry.facts.append((gettext("Platform's message id"), str(d["external_id"])))
            entry.quote = str(d.get("body") or "")
        elif kind == CaseEvent.Kind.MESSAGE_IN:
            member = e.actor_label or str(case.member)
            if d.get("recorded_by") or e.actor_id:
                entry.what = gettext("%(member)s's reply, recorded by %(who)s (it came another way)") % {
                    "member": member, "who": who}
            else:
                entry.who = member
                entry.what = gettext("%(member)s replied") % {"member": member}
            if d.get("came_by") in CAME_BY:
                entry.facts.append((gettext("How it came"), str(CAME_BY[d["came_by"]])))
            if d.get("rating"):
                entry.facts.append((gettext("Rating"), gettext("%(n)s of 5") % {"n": d["rating"]}))
            entry.quote = str(d.get("body") or "")
        elif kind == CaseEvent.Kind.NOTE:
            entry.what = gettext("Internal note")
            entry.quote = str(d.get("text") or "")
            entry.mentions = [str(n) for n in d.get("mentions") or []]
            if entry.mentions:
                entry.facts.append((gettext("Mentioned"), ", ".join("@" + n for n in entry.mentions)))
        elif kind == CaseEvent.Kind.CONTACT:
            entry.what = (gettext("E-mail address changed") if d.get("field") == "email"
                          else gettext("Phone number changed"))
            entry.facts.append((gettext("Before"), str(d.get("old") or "") or gettext("none")))
            entry.facts.append((gettext("Now"), str(d.get("new") or "") or gettext("none")))
        elif kind == CaseEvent.Kind.ASSIGNED:
            entry.what = _assigned(who, d)
        elif kind == CaseEvent.Kind.ACTION:
            entry.what = {
                "item_added": gettext("Action item added"), "item_done": gettext("Action item ticked off"),
                "retry_message": gettext("Message queued again"), "cancel_message": gettext("Message not sent"),
                "tag_added": gettext("Tag “%(tag)s” added") % {"tag": d.get("tag", "")},
                "tag_removed": gettext("Tag “%(tag)s” removed") % {"tag": d.get("tag", "")},
            }.get(d.get("what", ""), gettext("Action"))
            entry.quote = str(d.get("text") or "")
        elif kind == CaseEvent.Kind.MEMBER_ADDED:
            entry.what = gettext("%(member)s said “me too”") % {
                "member": names.get(d.get("member"), gettext("another member"))}
        elif kind == CaseEvent.Kind.TICKET:
            entry.what = gettext("Ticket linked")
            entry.link = str(d.get("url") or "")
            if d.get("title"):
                entry.facts.append((gettext("Title"), str(d["title"])))
        elif kind == CaseEvent.Kind.SCHEDULED:
            entry.what = gettext("Follow-up scheduled") if d.get("what") == "follow_up" else gettext("Scheduled")
            entry.when = _when(d.get("due_at"))
        elif kind == CaseEvent.Kind.ERROR and d.get("what") == "mention_email":
            entry.what = gettext("The e-mail telling %(user)s of the mention could not be sent") % {
                "user": d.get("to_user", "")}
            entry.facts.append((gettext("Error"), str(d.get("error") or "")))
        elif kind == CaseEvent.Kind.ERROR:
            entry.what = (gettext("%(what)s could not be sent") % {"what": message_label(d["purpose"])}
                          if d.get("purpose") else gettext("Something went wrong"))
            entry.facts.append((gettext("Error"), str(d.get("error") or "")))
        else:
            entry.what = str(kind).replace("_", " ")
        entry.facts += [(str(k).replace("_", " ").capitalize(), _plain(v)) for k, v in d.items()
                        if k not in SHOWN_ELSEWHERE and v not in (None, "", [], {})]
        out.append(entry)
    return out


def _reason_text(r: Any) -> str:
    from careloop.web.reasons import reason_text

    return reason_text(r)


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("text") or ", ".join(f"{k}: {v}" for k, v in value.items()))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


def _assigned(who: str, d: dict) -> str:
    to, team = d.get("to_user") or "", d.get("team") or ""
    if d.get("self_assigned"):
        return gettext("%(who)s took the case") % {"who": who} + (
            gettext(" for the team %(team)s") % {"team": team} if team else "")
    if to and team:
        return gettext("Assigned to %(user)s in the team %(team)s") % {"user": to, "team": team}
    if to:
        return gettext("Assigned to %(user)s") % {"user": to}
    if team:
        return gettext("Given to the team %(team)s") % {"team": team}
    return gettext("Nobody is assigned any more")


def _transition(e: CaseEvent, d: dict, state_label: Any) -> str:
    """'Acting → Following up: the action is done, 2 items still open'."""
    parts = [f"{state_label(e.from_state)} → {state_label(e.to_state)}" if e.from_state
             else state_label(e.to_state)]
    why = []
    if d.get("because"):
        why.append(_said(d["because"]))
    if d.get("reason") in DISMISS_REASONS:
        why.append(gettext("dismissed as %(why)s") % {"why": DISMISS_REASONS[d["reason"]]})
    if d.get("handed_off_in_public"):
        why.append(gettext("the team moved the conversation private in the thread"))
    if d.get("reopened"):
        why.append(gettext("reopened by hand") if d.get("by_hand") else gettext("reopened"))
    if d.get("withdrawn_label"):
        why.append(gettext("the “not a complaint” label is withdrawn"))
    if d.get("satisfied") is True:
        why.append(gettext("the member is satisfied") if d.get("how") != "manager"
                   else gettext("the member is satisfied (decided by the team)"))
    elif d.get("satisfied") is False:
        why.append(gettext("the member is not satisfied yet"))
    if d.get("rating"):
        why.append(gettext("rated %(n)s of 5") % {"n": d["rating"]})
    if d.get("channel") and e.to_state == CaseState.REACHING_OUT:
        why.append(gettext("by %(channel)s") % {"channel": _channel(d["channel"])})
    if d.get("open_items"):
        why.append(ngettext("%(n)d action item still open", "%(n)d action items still open", d["open_items"])
                   % {"n": d["open_items"]})
    if d.get("reached_another_way"):
        why.append(gettext("reached another way: %(how)s") % {"how": d["reached_another_way"]})
    if d.get("note"):
        why.append(str(d["note"]))
    return parts[0] + (": " + ", ".join(why) if why else "")
