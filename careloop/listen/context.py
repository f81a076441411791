"""Where a complaint began and what led to it: the chain of posts from the thread's start, the origin
marked, and a one-line summary a manager can read at a glance.

The origin is the team's own post the complaint answers (an announcement, a moderator's notice) when there
is one — that is the event the member reacts to. Otherwise it is the first negative turn on the way to the
complaint: the earliest post in the chain that was already a complaint or negative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from careloop.community.models import Post
from careloop.community.scores import COMPLAINT

MAX_CHAIN = 50
SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
CAUSE_CUES = re.compile(
    r"(?i)\b(since|after|seit|nach|update|version|release|migration|umzug|change|änderung|wechsel|"
    r"charged|abgebucht|berechnet|broke|kaputt|stuck|hängt|hängen|delay|verzöger\w*|removed|gelöscht)\b|"
    r"\b\d+\.\d+(\.\d+)?\b|\b\d{1,2}\.\s*\w+|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)\b"
)


@dataclass
class Origin:
    chain: list[Post]
    origin: Post
    reason: str
    summary: str


def conversation_chain(post: Post, thread: list[Post] | None = None) -> list[Post]:
    """The posts that led to this one, oldest first, ending with it.

    Replies follow their parents up to the thread's start; where a platform has no reply links (chat), the
    thread's earlier posts stand in, the most recent MAX_CHAIN of them. `thread`: the thread's posts (deleted
    ones too) up to this one or later, oldest first, with their authors, when the caller holds them already.
    """
    if thread is not None:
        return _chain_in(post, thread)
    if post.parent_id is None:
        earlier = list(
            Post.objects.filter(thread_id=post.thread_id, created_at__lt=post.created_at)
            .select_related("author").order_by("-created_at", "-id")[:MAX_CHAIN]
        )
        return [*reversed(earlier), post]
    chain = [post]
    seen = {post.id}
    current = post
    while current.parent_id is not None and len(chain) < MAX_CHAIN:
        current = Post.objects.select_related("author").get(id=current.parent_id)
        if current.id in seen:
            break
        seen.add(current.id)
        chain.append(current)
    start = Post.objects.filter(thread_id=post.thread_id).order_by("created_at", "id").first()
    if start is not None and start.id not in seen:
        chain.append(start)
    return list(reversed(chain))


def _chain_in(post: Post, thread: list[Post]) -> list[Post]:
    """conversation_chain() read from the thread's posts in memory (the same posts its queries would find)."""
    if post.parent_id is None:
        earlier = [p for p in thread if p.created_at < post.created_at]
        return [*earlier[-MAX_CHAIN:], post]
    by_id = {p.id: p for p in thread}
    chain = [post]
    seen = {post.id}
    current = post
    while current.parent_id is not None and len(chain) < MAX_CHAIN:
        current = by_id.get(current.parent_id) or Post.objects.select_related("author").get(id=current.parent_id)
        if current.id in seen:
            break
        seen.add(current.id)
        chain.append(current)
    start = thread[0] if thread else None
    if start is not None and start.id not in seen:
        chain.append(start)
    return list(reversed(chain))


def is_negative(post: Post) -> bool:
    return (post.complaint or 0) >= COMPLAINT or post.sentiment == Post.Sentiment.NEGATIVE


def find_origin(post: Post, chain: list[Post] | None = None, affected: int = 1,
                thread: list[Post] | None = None) -> Origin:
    """The origin of a complaint, why it is the origin, and a summary naming how many members it affects
    (`thread`: see conversation_chain())."""
    chain = chain if chain is not None else conversation_chain(post, thread)
    parent = next((p for p in chain if p.id == post.parent_id), None)
    if parent is not None and parent.author.is_team:
        origin, reason = parent, "the team's post it answers"
    else:
        origin = next((p for p in chain if is_negative(p) and not p.author.is_team), post)
        reason = "the complaint itself" if origin.id == post.id else "the first negative turn"
    return Origin(chain, origin, reason, summarize(post, origin, affected))


def summarize(post: Post, origin: Post, affected: int = 1) -> str:
    """The complaint's sentence that names the cause, and how many members report it."""
    sentence = cause_sentence(post.text) or cause_sentence(origin.text) or post.text.strip()
    sentence = re.sub(r"^(@\S+\s+)+", "", sentence).strip()
    if len(sentence) > 140:
        sentence = sentence[:139].rsplit(" ", 1)[0] + "…"
    members = "1 member reports it" if affected == 1 else f"{affected} members report it"
    return f"{sentence.rstrip('.!')}; {members}"


def cause_sentence(text: str) -> str:
    """The sentence with the most cues of a cause (an update, a date, a version, 'since …')."""
    sentences = [s.strip() for s in SENTENCE.split(text or "") if len(s.strip()) > 8]
    if not sentences:
        return ""
    scored = [(len(CAUSE_CUES.findall(s)), -i, s) for i, s in enumerate(sentences)]
    best = max(scored)
    return best[2] if best[0] > 0 else ""
