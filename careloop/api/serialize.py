"""Cases, members and timeline events as plain JSON-ready dicts (times in ISO 8601, UTC offset included)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from careloop.cases.conversation import conversation
from careloop.cases.models import ActionItem, AffectedMember, Case, CaseEvent, OutboxMessage
from careloop.community.models import Member


def when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def member(m: Member) -> dict[str, Any]:
    return {"id": m.pk, "name": str(m), "handle": m.handle, "external_id": m.external_id, "language": m.language}


def case(c: Case) -> dict[str, Any]:
    """The case row: what the queue and a tool need to decide (needs member, source, assignee selected)."""
    return {
        "id": c.pk,
        "url": f"/api/cases/{c.pk}",
        "state": c.state,
        "topic": c.topic,
        "summary": c.summary,
        "reasons": c.reasons,
        "risk": c.risk,
        "language": c.language,
        "channel": c.channel,
        "source": {"id": c.source_id, "name": c.source.name, "kind": c.source.kind},
        "member": member(c.member),
        "thread_id": c.thread_id,
        "post_id": c.post_id,
        "assignee": c.assignee.get_username() if c.assignee else None,
        "team": c.team,
        "loop_count": c.loop_count,
        "satisfaction": c.satisfaction,
        "ticket_url": c.ticket_url,
        "opened_at": when(c.opened_at),
        "updated_at": when(c.updated_at),
        "first_contact_at": when(c.first_contact_at),
        "follow_up_due_at": when(c.follow_up_due_at),
        "closed_at": when(c.closed_at),
        "overdue_at": when(c.overdue_at),
        "overdue_reason": c.overdue_reason,
        "last_error": c.last_error,
    }


def affected(a: AffectedMember) -> dict[str, Any]:
    return {**member(a.member), "role": a.role, "post_id": a.post_id, "added_at": when(a.added_at)}


def event(e: CaseEvent) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": when(e.at),
        "kind": e.kind,
        "actor": e.actor.get_username() if e.actor else (e.actor_label or None),
        "from_state": e.from_state or None,
        "to_state": e.to_state or None,
        "details": e.details,
    }


def action_item(i: ActionItem) -> dict[str, Any]:
    return {"id": i.pk, "text": i.text, "done": i.done_at is not None, "created_at": when(i.created_at),
            "done_at": when(i.done_at)}


def message(m: OutboxMessage) -> dict[str, Any]:
    """An outbox row as the API shows it (the idempotency key and the worker's lease stay inside)."""
    return {"id": m.pk, "purpose": m.purpose, "kind": m.kind, "channel": m.channel, "status": m.status,
            "body": m.body, "attempts": m.attempts, "last_error": m.last_error, "created_at": when(m.created_at),
            "sent_at": when(m.sent_at)}


def case_in_full(c: Case) -> dict[str, Any]:
    """The case with its affected members, its timeline, its checklist, its messages and its conversation (the
    public post, then the private messages both ways in order: careloop.cases.conversation)."""
    return {
        **case(c),
        "affected_members": [affected(a) for a in c.affected.select_related("member").order_by("added_at", "id")],
        "events": [event(e) for e in c.events.select_related("actor").order_by("at", "id")],
        "action_items": [action_item(i) for i in c.action_items.order_by("created_at", "id")],
        "messages": [message(m) for m in c.outbox.order_by("created_at", "id")],
        "conversation": [t.as_dict() for t in conversation(c)],
    }
