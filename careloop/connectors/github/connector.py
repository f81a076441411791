"""GitHub Discussions: a repository's discussions, their comments and the replies to those come in through GitHub's
GraphQL API; careloop answers in public with a comment, and reaches members privately by e-mail (GitHub has no
private messages).

- Listen (Receiving.POLL, every minute in the worker): `repository.discussions` ordered by UPDATED_AT ascending,
  read forward from the stored cursor (`after`, GraphQL's opaque cursor), 25 a page, at most MAX_PAGES pages a
  poll. A discussion that gets a new comment moves behind the cursor, so it is read again; each discussion read
  brings all its comments (`comments`, paged by cursor) and their replies (`replies`). The cursor is kept in
  SyncState.cursor, which `sync_source()` stores only after the posts are imported: a restart or an outage
  resumes where it stood, and re-reading is safe (the import is idempotent).
- Posts: a discussion is the thread's first post (id = its node id, title, category as the channel); a comment
  answers the discussion, a reply answers its comment (GitHub nests replies one level deep). Members are known
  by their login; a public profile e-mail GitHub shows (`User.email`) is kept in the post's extra fields and, when
  the member has no address yet, becomes their contact address (a teammate's address is never replaced).
- Public reply: the `addDiscussionComment` mutation (discussionId, body, and replyToId = the top-level comment of
  the post answered, so the answer sits in its conversation).
- Private messages: raise CannotDo. Reach the member by e-mail (the case's channel "email"): the outbox sends it
  through the e-mail source (cases/outbox.py sending_source, or this source's `email_source` setting) to the
  member's contact address, and the member's e-mail answer comes back onto the case through that e-mail source.
- Never twice: GitHub keeps no idempotency key; the Delivery ledger is what stops a second send, and
  `exactly_once` stays False (after a worker died mid-send the outbox asks a person).

Settings: `repository` (owner/name), `token` (secret, encrypted at rest: a fine-grained personal access token or
a GitHub App installation token with Discussions read and write), `team` (logins of your own team), `api_url`
(https://api.github.com/graphql; GitHub Enterprise Server: https://HOST/api/graphql), `timeout`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from careloop.community.models import Member, Post, Source
from careloop.connectors import ledger
from careloop.connectors.base import (
    POST_PUBLIC,
    RECEIVE,
    CannotDo,
    OutgoingMessage,
    PermanentFailure,
    PrivateReply,
    Receiving,
    SendResult,
)
from careloop.connectors.github.client import API_URL, graphql
from careloop.connectors.models import SyncState
from careloop.connectors.vault import secret

PAGE = 25
COMMENTS_PAGE = 50
MAX_PAGES = 20  # discussions per poll: at most 500; the rest come with the next poll

AUTHOR = "author { login ... on User { name email } }"
COMMENT_FIELDS = f"id url body createdAt lastEditedAt authorAssociation {AUTHOR}"

VIEWER_QUERY = """query CareloopViewer($owner: String!, $name: String!) {
  viewer { login }
  repository(owner: $owner, name: $name) { nameWithOwner hasDiscussionsEnabled }
}"""

DISCUSSIONS_QUERY = f"""query CareloopDiscussions($owner: String!, $name: String!, $after: String) {{
  repository(owner: $owner, name: $name) {{
    discussions(first: {PAGE}, after: $after, orderBy: {{field: UPDATED_AT, direction: ASC}}) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{
        id number title url body createdAt updatedAt lastEditedAt authorAssociation {AUTHOR}
        category {{ name }}
      }}
    }}
  }}
}}"""

COMMENTS_QUERY = f"""query CareloopComments($id: ID!, $after: String) {{
  node(id: $id) {{
    ... on Discussion {{
      comments(first: {COMMENTS_PAGE}, after: $after) {{
        pageInfo {{ hasNextPage endCursor }}
        nodes {{
          {COMMENT_FIELDS}
          replies(first: {COMMENTS_PAGE}) {{ nodes {{ {COMMENT_FIELDS} }} }}
        }}
      }}
    }}
  }}
}}"""

ADD_COMMENT = """mutation CareloopAnswer($discussion: ID!, $replyTo: ID, $body: String!) {
  addDiscussionComment(input: {discussionId: $discussion, replyToId: $replyTo, body: $body}) {
    comment { id url createdAt }
  }
}"""


class GitHubDiscussionsConnector:
    kind = "github"
    capabilities = frozenset({RECEIVE, POST_PUBLIC})  # private: by e-mail, through the e-mail source
    receives = frozenset({Receiving.POLL})

    def __init__(self, source: Source) -> None:
        self.source = source
        s = source.settings or {}
        self.api_url = str(s.get("api_url") or API_URL)
        self.repository = str(s.get("repository") or "")
        team = s.get("team") or []
        self.team = {str(t).lstrip("@").lower() for t in (team.split(",") if isinstance(team, str) else team)
                     if str(t).strip()}
        self.timeout = float(s.get("timeout", 30))

    # ------------------------------------------------------------------------------------------ GraphQL
    def _owner_name(self) -> tuple[str, str]:
        owner, _, name = self.repository.partition("/")
        if not owner or not name or "/" in name:
            raise PermanentFailure(f"source {self.source.name!r}: repository must be owner/name (setting repository)")
        return owner, name

    def _query(self, query: str, variables: dict[str, Any], operation: str) -> dict[str, Any]:
        return graphql(self.api_url, secret(self.source, "token"), query, variables, operation=operation,
                       timeout=self.timeout)

    def check(self) -> str:
        owner, name = self._owner_name()
        data = self._query(VIEWER_QUERY, {"owner": owner, "name": name}, "viewer")
        repo = data.get("repository")
        if not isinstance(repo, dict):
            raise PermanentFailure(f"the token cannot see the repository {self.repository}")
        if not repo.get("hasDiscussionsEnabled"):
            raise PermanentFailure(f"{repo.get('nameWithOwner')} has Discussions turned off (Settings → Features)")
        return f"reading the discussions of {repo.get('nameWithOwner')} as {(data.get('viewer') or {}).get('login')}"

    # ------------------------------------------------------------------------------------------ listen
    def sync_once(self, timeout_ms: int = 0) -> tuple[list[dict[str, Any]], str]:
        """Discussions updated since the stored cursor, with all their comments and replies, in the import format;
        and the cursor to keep after importing them."""
        owner, name = self._owner_name()
        state, _ = SyncState.objects.get_or_create(source=self.source)
        self._fill_addresses(state)
        cursor = state.cursor or None
        records: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            data = self._query(DISCUSSIONS_QUERY, {"owner": owner, "name": name, "after": cursor}, "discussions")
            found = ((data.get("repository") or {}).get("discussions")) or {}
            for discussion in found.get("nodes") or []:
                if isinstance(discussion, dict) and discussion.get("id"):
                    records.append(self._post(discussion, discussion, None))
                    records.extend(self._comments(discussion))
            info = found.get("pageInfo") or {}
            cursor = info.get("endCursor") or cursor
            if not info.get("hasNextPage"):
                break
        self._remember_addresses(state, records)
        return records, cursor or ""

    def _comments(self, discussion: dict[str, Any]) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        after: str | None = None
        while True:
            data = self._query(COMMENTS_QUERY, {"id": discussion["id"], "after": after}, "comments")
            page = ((data.get("node") or {}).get("comments")) or {}
            for comment in page.get("nodes") or []:
                if not isinstance(comment, dict) or not comment.get("id"):
                    continue
                records.append(self._post(comment, discussion, None))
                for reply in ((comment.get("replies") or {}).get("nodes")) or []:
                    if isinstance(reply, dict) and reply.get("id"):
                        records.append(self._post(reply, discussion, comment))
            info = page.get("pageInfo") or {}
            if not info.get("hasNextPage") or not info.get("endCursor"):
                return records
            after = info["endCursor"]

    def _post(self, node: dict[str, Any], discussion: dict[str, Any], comment: dict[str, Any] | None
              ) -> dict[str, Any]:
        """One discussion, comment (comment=None, node != discussion) or reply to `comment`, as an import line."""
        actor = node.get("author") or {}
        login = str(actor.get("login") or "ghost")  # GitHub shows a deleted account as "ghost"
        author: dict[str, Any] = {"id": login, "name": actor.get("name") or login, "handle": login}
        if login.lower() in self.team:
            author["role"] = "team"
        is_discussion = node is discussion
        parent = None if is_discussion else (comment or discussion)["id"]
        record: dict[str, Any] = {
            "id": node["id"], "thread_id": discussion["id"], "parent_id": parent, "author": author,
            "created_at": node.get("createdAt"), "text": node.get("body") or "",
            "github": {"association": node.get("authorAssociation"),
                       "top_comment": (comment or node)["id"] if not is_discussion else None},
        }
        if actor.get("email"):
            record["github"]["author_email"] = str(actor["email"])
        if node.get("url"):
            record["url"] = node["url"]
        if is_discussion:
            record["title"] = node.get("title") or ""
            record["channel"] = str((node.get("category") or {}).get("name") or "")
            record["github"]["number"] = node.get("number")
        if node.get("lastEditedAt"):
            record["edited_at"] = node["lastEditedAt"]
        return record

    def _remember_addresses(self, state: SyncState, records: list[dict[str, Any]]) -> None:
        """Public profile e-mails seen in this poll: given to members without an address now, and at the next poll
        to those this poll's import creates."""
        seen = {r["author"]["id"]: r["github"]["author_email"] for r in records if r["github"].get("author_email")}
        if seen:
            pending = {**(state.details.get("profile_emails") or {}), **seen}
            state.details = {**state.details, "profile_emails": pending}
            state.save(update_fields=["details"])
            self._fill_addresses(state)

    def _fill_addresses(self, state: SyncState) -> None:
        pending: dict[str, str] = dict(state.details.get("profile_emails") or {})
        if not pending:
            return
        with transaction.atomic():
            for member in Member.objects.select_for_update().filter(source=self.source,
                                                                    external_id__in=list(pending)):
                extra = dict(member.extra) if isinstance(member.extra, dict) else {}
                if not extra.get("email"):  # a teammate's contact address is never replaced
                    extra["email"] = pending[member.external_id]
                    member.extra = extra
                    member.save(update_fields=["extra"])
                pending.pop(member.external_id)
            state.details = {**state.details, "profile_emails": pending}
            state.save(update_fields=["details"])

    # ------------------------------------------------------------------------------------------ answer
    def send(self, message: OutgoingMessage) -> SendResult:
        if message.kind == "private":
            raise CannotDo("GitHub has no private messages: reach the member by e-mail (their contact address or "
                           "public profile e-mail), which goes through the e-mail source")
        if message.kind != "public_reply":
            raise CannotDo(f"unknown message kind {message.kind!r}")
        done = ledger.find(self.source, message.idempotency_key)
        if done:
            return done
        discussion = message.thread_ref
        answered = message.in_reply_to or discussion
        if not discussion:
            raise PermanentFailure("a public reply needs the discussion (thread_ref)")
        extra = (Post.objects.filter(source=self.source, external_id=answered).values_list("extra", flat=True)
                 .first()) or {}
        top = ((extra or {}).get("github") or {}).get("top_comment") if answered != discussion else None
        data = self._query(ADD_COMMENT, {"discussion": discussion, "replyTo": top, "body": message.body},
                           "addDiscussionComment")
        comment = ((data.get("addDiscussionComment") or {}).get("comment")) or {}
        if not comment.get("id"):
            raise PermanentFailure("GitHub accepted the comment but returned no id")
        sent_at = parse_datetime(str(comment.get("createdAt") or "")) or timezone.now()
        result = SendResult(external_id=str(comment["id"]), sent_at=sent_at, details={"url": comment.get("url")})
        return ledger.record(self.source, message, result, thread_ref=discussion)

    def find_sent(self, idempotency_key: str) -> SendResult | None:
        return ledger.find(self.source, idempotency_key)

    def read_private_replies(self, since: datetime | None) -> Iterable[PrivateReply]:
        return []  # the members' e-mail answers come in through the e-mail source

