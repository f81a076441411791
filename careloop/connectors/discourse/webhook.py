"""Discourse webhook events into careloop: how DiscourseConnector verifies and reads a request (the one webhook
view, connectors/views.py, serves it at /hooks/discourse/<source>/).

Discourse POSTs `{"<event type>": <payload>}` (post, topic, flag, ping) with the headers X-Discourse-Event
(post_created, post_edited, topic_created, flag_created, …), X-Discourse-Event-Type, X-Discourse-Event-Id
and X-Discourse-Event-Signature = "sha256=" + HMAC-SHA256(secret, raw body) (Jobs::EmitWebHookEvent in
discourse/discourse). A post's payload is WebHookPostSerializer's; a flag's is WebHookFlagSerializer's.

- Public posts go to the ingest entry point like any other (author = username, thread = topic id, parent = the post it
  answers by post_number, first post of the topic otherwise).
- Posts in private-message topics are never public posts: a member's post in a topic careloop opened is
  kept as a private reply (InboundReply) for the case; other PMs are ignored.
- Flags are kept on the flagged post (extra["flags"], by flag id, so a retry adds nothing).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from careloop.community.ingest import ImportResult
from careloop.community.models import Post, Source, Thread
from careloop.connectors.base import WebhookDelivery, WebhookRefused
from careloop.connectors.models import Delivery, InboundReply

SIGNATURE_HEADER = "X-Discourse-Event-Signature"
TAG_RE = re.compile(r"<[^>]+>")
STAFF_FLAGS = ("admin", "moderator", "staff")


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def read(source: Source, event: str, payload: dict[str, Any], connector_user: str) -> WebhookDelivery:
    """What one event brings: a public post for the ingest entry point, or other work (a private reply, a
    topic, a flag) to apply. A payload that lacks a field it needs is refused (400)."""
    try:
        if "post" in payload and isinstance(payload["post"], dict) and event.startswith("post_"):
            post = payload["post"]
            if post.get("topic_archetype") == "private_message":
                return WebhookDelivery(apply=_refusing(event, lambda: _private_reply(source, post, connector_user)))
            return WebhookDelivery(posts=[_post_record(source, event, post)], origin=f"discourse {event}")
        if "topic" in payload and isinstance(payload["topic"], dict):
            topic = payload["topic"]
            return WebhookDelivery(apply=_refusing(event, lambda: _topic_event(source, topic)))
        if "flag" in payload and isinstance(payload["flag"], dict):
            flag = payload["flag"]
            return WebhookDelivery(apply=_refusing(event, lambda: _flag_event(source, event, flag)))
    except KeyError as exc:
        raise _lacks(event, exc) from None
    return WebhookDelivery(apply=lambda: {"ignored": event or "unknown event"})


def answer(delivery: WebhookDelivery, result: ImportResult) -> tuple[dict[str, Any], int]:
    """A post event's answer: the post's id and what became of it (a 400 when it could not be stored)."""
    [record] = delivery.posts
    return {"post": record["id"], "imported": result.imported, "updated": result.updated,
            "unchanged": result.unchanged, "failed": result.failed,
            "errors": [f"{e.field}: {e.message}" for e in result.errors]}, 400 if result.failed else 200


def _lacks(event: str, exc: KeyError) -> WebhookRefused:
    return WebhookRefused(f"the {event or 'event'} payload lacks the field {exc}", 400)


def _refusing(event: str, work: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    def apply() -> dict[str, Any]:
        try:
            return work()
        except KeyError as exc:
            raise _lacks(event, exc) from None

    return apply


def _plain(cooked: str) -> str:
    return TAG_RE.sub("", cooked or "").strip()


def _post_record(source: Source, event: str, post: dict) -> dict[str, Any]:
    topic_id = str(post["topic_id"])
    number = post.get("post_number")
    parent = None
    if isinstance(number, int) and number > 1:
        parent = _post_id_by_number(source, topic_id, post.get("reply_to_post_number") or 1)
    role = "staff" if any(post.get(flag) for flag in STAFF_FLAGS) else None
    base = (source.settings or {}).get("base_url", "").rstrip("/")
    record: dict[str, Any] = {
        "source": source.name, "id": str(post["id"]), "thread_id": topic_id, "parent_id": parent,
        "author": {"id": post["username"], "name": post.get("name") or post["username"],
                   "handle": post["username"], **({"role": role} if role else {})},
        "created_at": post["created_at"],
        "text": post.get("raw") if isinstance(post.get("raw"), str) else _plain(post.get("cooked", "")),
        "title": post.get("topic_title") or "",
        "channel": post.get("category_slug") or "",
        "deleted": bool(post.get("deleted_at") or post.get("user_deleted")),
        "discourse": {"post_number": number, "reply_to_post_number": post.get("reply_to_post_number"),
                      "user_id": post.get("user_id"), "topic_slug": post.get("topic_slug")},
        "post_number": number,
    }
    if base and post.get("topic_slug"):
        record["url"] = f"{base}/t/{post['topic_slug']}/{topic_id}/{number}"
    if event == "post_edited" and post.get("updated_at"):
        record["edited_at"] = post["updated_at"]
    return record


def _post_id_by_number(source: Source, topic_id: str, number: int) -> str | None:
    found = (Post.objects.filter(source=source, thread__external_id=topic_id, extra__post_number=number)
             .values_list("external_id", flat=True).first())
    return found


def _private_reply(source: Source, post: dict, connector_user: str) -> dict[str, Any]:
    topic_id = str(post["topic_id"])
    if post.get("username") == connector_user:
        return {"ignored": "careloop's own private message"}
    opened = Delivery.objects.filter(source=source, thread_ref=topic_id).order_by("-sent_at").first()
    if opened is None:
        return {"ignored": "a private message careloop is not part of"}
    text: str = post["raw"] if isinstance(post.get("raw"), str) else _plain(post.get("cooked", ""))
    try:
        with transaction.atomic():
            InboundReply.objects.create(
                source=source, external_id=str(post["id"]), sender=post["username"], body=text,
                at=post["created_at"], thread_ref=topic_id, in_reply_to=opened.external_id, case_ref=opened.case_ref,
            )
    except IntegrityError:
        return {"private_reply": str(post["id"]), "duplicate": True}
    return {"private_reply": str(post["id"]), "case": opened.case_ref}


def _topic_event(source: Source, topic: dict) -> dict[str, Any]:
    if topic.get("archetype") == "private_message":
        return {"ignored": "private message topic"}
    base = (source.settings or {}).get("base_url", "").rstrip("/")
    details = {"title": topic.get("title") or ""}
    if base and topic.get("slug"):
        details["url"] = f"{base}/t/{topic['slug']}/{topic['id']}"
    thread, created = Thread.objects.get_or_create(source=source, external_id=str(topic["id"]), defaults=details)
    if not created:
        Thread.objects.filter(pk=thread.pk).update(**details)
    return {"topic": str(topic["id"]), "created": created}


def _flag_event(source: Source, event: str, flag: dict) -> dict[str, Any]:
    post_id = str((flag.get("post") or {}).get("id", ""))
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(source=source, external_id=post_id).first()
        if post is None:
            return {"flag": flag.get("id"), "ignored": "the flagged post is not in careloop"}
        flags = dict((post.extra or {}).get("flags") or {})
        flags[str(flag.get("id"))] = {
            "type": flag.get("flag_type"), "by": flag.get("created_by"), "at": flag.get("created_at"),
            "event": event, "resolved_at": flag.get("resolved_at"), "resolved_by": flag.get("resolved_by"),
        }
        post.extra = {**(post.extra or {}), "flags": flags}
        post.save(update_fields=["extra"])
    return {"flag": flag.get("id"), "post": post_id, "type": flag.get("flag_type")}
