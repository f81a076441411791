"""A local GitHub GraphQL endpoint for the GitHub Discussions connector's tests, checked against GitHub's own schema.

What makes it GitHub's and not a stub:
- every query and mutation the connector sends is parsed and validated (graphql-core) against GitHub's published
  GraphQL schema — npm `@octokit/graphql-schema` (the introspection result `schema.json`, version pinned in
  GRAPHQL_SCHEMA_VERSION; its `schema.graphql` defines two fields twice, which graphql-core rightly refuses).
  A request the schema refuses is answered as GitHub answers it (HTTP 200, `errors`) and kept in `violations`;
- it is then executed against that same schema, so the answer has exactly the shape the schema gives for the
  fields asked; the data behind it are GitHub's documented webhook payloads — npm `@octokit/webhooks-examples`
  (version WEBHOOKS_EXAMPLES_VERSION, `api.github.com/index.json`): the `discussion` and `discussion_comment`
  examples' discussion, comment and user objects, their REST field names mapped to the GraphQL ones
  (node_id → id, html_url → url, created_at → createdAt, user.login → author.login, parent_id → replyTo).
- paging is GitHub's: `discussions(orderBy: UPDATED_AT ASC, after:)` and `comments(after:)` with opaque cursors and
  pageInfo; `addDiscussionComment` stores the comment (a reply only to a top-level comment, as GitHub requires)
  and bumps the discussion's updatedAt, as a new comment does.

Both packages are installed by scripts/check.sh into .cache/octokit (npm --prefix).
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from graphql import GraphQLSchema, build_client_schema, graphql_sync, parse, validate

ROOT = Path(__file__).resolve().parents[2]
OCTOKIT = Path(os.environ.get("CARELOOP_OCTOKIT", ROOT / ".cache" / "octokit")) / "node_modules" / "@octokit"
GRAPHQL_SCHEMA_VERSION = "15.26.1"
WEBHOOKS_EXAMPLES_VERSION = "7.6.1"


def installed() -> str | None:
    """Why the packages cannot be used (None when both are there at the pinned versions)."""
    for package, version in (("graphql-schema", GRAPHQL_SCHEMA_VERSION),
                             ("webhooks-examples", WEBHOOKS_EXAMPLES_VERSION)):
        manifest = OCTOKIT / package / "package.json"
        if not manifest.exists():
            return f"@octokit/{package} is not installed in {OCTOKIT.parent.parent}"
        found = json.loads(manifest.read_text())["version"]
        if found != version:
            return f"@octokit/{package} {found} is installed; the tests name {version}"
    return None


_schema: GraphQLSchema | None = None


def github_schema() -> GraphQLSchema:
    global _schema
    if _schema is None:
        introspection = json.loads((OCTOKIT / "graphql-schema" / "schema.json").read_text())
        _schema = build_client_schema(introspection.get("data", introspection))
    return _schema


def webhook_examples(event: str) -> list[dict[str, Any]]:
    """The documented example payloads of one webhook event."""
    every = json.loads((OCTOKIT / "webhooks-examples" / "api.github.com" / "index.json").read_text())
    return copy.deepcopy(next(e["examples"] for e in every if e["name"] == event))


def _cursor(n: int) -> str:
    return base64.b64encode(f"cursor:v2:{n}".encode()).decode()


def _position(cursor: str | None) -> int:
    if not cursor:
        return -1
    return int(base64.b64decode(cursor).decode().rpartition(":")[2])


def _author(user: dict[str, Any], email: str | None) -> dict[str, Any]:
    return {"__typename": "User", "login": user["login"], "name": user.get("name"), "email": email or ""}


@dataclass
class Fault:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    times: int = 1
    operation: str = ""  # "" any request; else only a request whose operation name is this


@dataclass
class Request:
    operation: str
    query: str
    variables: dict[str, Any]
    authorization: str
    violations: list[str]


class GitHubGraphQL:
    """The endpoint, in a thread on 127.0.0.1; `base` is its URL."""

    def __init__(self, owner: str = "octo-org", name: str = "octo-repo", viewer: str = "careloop-bot") -> None:
        self.schema = github_schema()
        self.owner, self.name, self.viewer = owner, name, viewer
        self.discussions: list[dict[str, Any]] = []  # in creation order; each with "comments": [...]
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.emails: dict[str, str] = {}  # login -> public profile e-mail
        self._ids = itertools.count(1000)
        self._clock = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._port = 0
        self._wire()

    # -------------------------------------------------------------------------------------- data
    def _tick(self) -> str:
        self._clock += timedelta(minutes=1)
        return self._clock.isoformat().replace("+00:00", "Z")

    def add_discussion(self, payload: dict[str, Any], *, title: str | None = None, body: str | None = None,
                       login: str | None = None) -> dict[str, Any]:
        """A discussion from a documented `discussion` payload's discussion object (fields changed as given)."""
        d = payload["discussion"]
        user = {**d["user"], "login": login or d["user"]["login"]}
        now = self._tick()
        node = {"__typename": "Discussion", "id": f"D_kwDO{next(self._ids)}", "number": len(self.discussions) + 1,
                "title": title or d["title"], "body": body if body is not None else d["body"],
                "url": d["html_url"], "createdAt": now, "updatedAt": now, "lastEditedAt": None,
                "authorAssociation": d["author_association"], "category": {"name": d["category"]["name"]},
                "author": _author(user, self.emails.get(user["login"])), "comments": []}
        self.discussions.append(node)
        return node

    def add_comment(self, discussion: dict[str, Any], payload: dict[str, Any], *, body: str | None = None,
                    login: str | None = None, reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
        """A comment from a documented `discussion_comment` payload's comment object, answering the discussion
        or (reply_to) a top-level comment."""
        c = payload["comment"]
        user = {**c["user"], "login": login or c["user"]["login"]}
        now = self._tick()
        node = {"__typename": "DiscussionComment", "id": f"DC_kwDO{next(self._ids)}", "url": c["html_url"],
                "body": body if body is not None else c["body"], "createdAt": now, "lastEditedAt": None,
                "authorAssociation": c["author_association"], "author": _author(user, self.emails.get(user["login"])),
                "replies": [], "replyTo": reply_to}
        (reply_to["replies"] if reply_to else discussion["comments"]).append(node)
        discussion["updatedAt"] = now
        return node

    def _find(self, node_id: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        for d in self.discussions:
            if d["id"] == node_id:
                return d, None
            for c in d["comments"]:
                if c["id"] == node_id:
                    return d, c
        return None, None

    # -------------------------------------------------------------------------------------- resolvers
    def _wire(self) -> None:
        s = self.schema
        types = s.type_map

        def repository(_root: Any, _info: Any, owner: str, name: str, **_: Any) -> dict[str, Any] | None:
            if (owner, name) != (self.owner, self.name):
                return None
            return {"nameWithOwner": f"{owner}/{name}", "hasDiscussionsEnabled": True}

        def discussions(_repo: Any, _info: Any, first: int | None = None, after: str | None = None,
                        orderBy: dict | None = None, **_: Any) -> dict[str, Any]:  # noqa: N803 - GraphQL's name
            ordered = sorted(self.discussions, key=lambda d: (d["updatedAt"], d["id"]))
            keyed = [(i, d) for i, d in enumerate(ordered)]
            # the cursor stands for a (updatedAt, id) position: what was updated after it sorts behind it
            start = _position(after)
            mark = self._marks.get(after or "")
            rest = [d for _, d in keyed if mark is None or (d["updatedAt"], d["id"]) > mark] if after else ordered
            page = rest[: first or 10]
            edges = []
            for d in page:
                start += 1
                token = _cursor(start)
                self._marks[token] = (d["updatedAt"], d["id"])
                edges.append(token)
            return {"nodes": page, "totalCount": len(ordered),
                    "pageInfo": {"hasNextPage": len(rest) > len(page), "endCursor": edges[-1] if edges else None,
                                 "hasPreviousPage": bool(after), "startCursor": edges[0] if edges else None}}

        def comments(discussion: dict[str, Any], _info: Any, first: int | None = None, after: str | None = None,
                     **_: Any) -> dict[str, Any]:
            return _page(discussion["comments"], first, after)

        def replies(comment: dict[str, Any], _info: Any, first: int | None = None, after: str | None = None,
                    **_: Any) -> dict[str, Any]:
            return _page(comment["replies"], first, after)

        def node(_root: Any, _info: Any, id: str) -> dict[str, Any] | None:  # noqa: A002 - GraphQL's name
            found, comment = self._find(id)
            return comment or found

        def add_comment(_root: Any, _info: Any, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
            discussion, _ = self._find(input["discussionId"])
            if discussion is None:
                raise ValueError(f"Could not resolve to a node with the global id of '{input['discussionId']}'")
            reply_to = None
            if input.get("replyToId"):
                _, reply_to = self._find(input["replyToId"])
                if reply_to is None or reply_to.get("replyTo"):
                    raise ValueError("replyToId must be a top-level comment of the discussion")
            template = webhook_examples("discussion_comment")[0]
            comment = self.add_comment(discussion, template, body=input["body"], login=self.viewer,
                                       reply_to=reply_to)
            return {"clientMutationId": input.get("clientMutationId"), "comment": comment}

        def _page(items: list[dict[str, Any]], first: int | None, after: str | None) -> dict[str, Any]:
            start = _position(after) + 1
            page = items[start: start + (first or 10)]
            return {"nodes": page, "totalCount": len(items),
                    "pageInfo": {"hasNextPage": start + len(page) < len(items),
                                 "endCursor": _cursor(start + len(page) - 1) if page else None,
                                 "hasPreviousPage": start > 0, "startCursor": _cursor(start) if page else None}}

        self._marks: dict[str, tuple[str, str]] = {}
        query, mutation = s.query_type, s.mutation_type
        assert query is not None and mutation is not None
        query.fields["repository"].resolve = repository
        query.fields["node"].resolve = node
        query.fields["viewer"].resolve = lambda *_: {"login": self.viewer}
        types["Repository"].fields["discussions"].resolve = discussions  # type: ignore[union-attr]
        types["Discussion"].fields["comments"].resolve = comments  # type: ignore[union-attr]
        types["DiscussionComment"].fields["replies"].resolve = replies  # type: ignore[union-attr]
        mutation.fields["addDiscussionComment"].resolve = add_comment
        for abstract in ("Node", "Actor"):
            types[abstract].resolve_type = lambda value, *_: value["__typename"]  # type: ignore[union-attr]

    # -------------------------------------------------------------------------------------- HTTP
    def answer(self, raw: bytes, authorization: str) -> tuple[int, dict[str, str], dict[str, Any]]:
        body = json.loads(raw)
        query, variables = body.get("query", ""), body.get("variables") or {}
        document = parse(query)
        operation = next((d.name.value for d in document.definitions if getattr(d, "name", None)), "")
        violations = [e.message for e in validate(self.schema, document)]
        with self._lock:
            self.requests.append(Request(operation, query, variables, authorization, violations))
            for fault in self.faults:
                if fault.times > 0 and fault.operation in ("", operation):
                    fault.times -= 1
                    return fault.status, fault.headers, fault.body or {"message": "fault"}
            if violations:
                return 200, {}, {"errors": [{"message": m} for m in violations]}
            result = graphql_sync(self.schema, query, variable_values=variables)
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            answer["errors"] = [{"type": "UNPROCESSABLE", "message": e.message} for e in result.errors]
        return 200, {"x-ratelimit-remaining": "4999"}, answer

    def fault(self, status: int, *, headers: dict[str, str] | None = None, body: dict[str, Any] | None = None,
              times: int = 1, operation: str = "") -> None:
        self.faults.append(Fault(status, headers or {}, body, times, operation))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._port}/graphql"

    def start(self) -> None:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, headers, answer = endpoint.answer(raw, self.headers.get("Authorization", ""))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
