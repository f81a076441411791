"""Ingest: validated post records into the database, idempotently, in batches.

The one way posts are stored: every receiver (the import command, webhooks, polled connectors) hands them to
careloop/connectors/ingest.py `receive()`, which feeds an Importer and announces each batch it stored
(`on_batch`) for scoring. Its promises:

- Idempotent: the same post twice adds nothing and changes nothing ("unchanged").
- An edit (same id, newer text) updates the post and keeps the old text as a PostRevision. A line that is
  older than what is stored (its edited_at is earlier, or it has none while the stored post was edited)
  changes nothing.
- A reply may arrive before its parent: it keeps the parent's platform id and is linked when the parent
  arrives, in this import or a later one. A reply whose parent is still missing at the end of an import is
  kept but reported, because its place in the conversation is unknown.
- Each batch is one transaction: a crash loses at most the batch in hand, and running the import again
  finishes the job.
- Imports may run at the same time (webhook requests, a connector's sync, `careloop import`) and bring the
  same new source, thread, member or post: every row keyed by its platform id is inserted with ON CONFLICT
  DO NOTHING and its id read back, so the first import stores it and the others find it, as if they had run
  one after the other (a post another import stored first is compared like any stored post: unchanged, or
  an edit). On PostgreSQL each batch takes its locks in one order (inserts table by table in key order, then
  updates of stored rows in id order), so concurrent batches wait for each other instead of deadlocking;
  SQLite lets one batch write at a time.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DataError, IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from careloop.community.bulk import BulkWriter, datetime_adapter
from careloop.community.models import Interaction, Member, Post, PostRevision, Source, Thread
from careloop.community.records import FieldError, LineError, Parsed, PostRecord, validate

MENTION_RE = re.compile(r"(?<![\w@/])@([A-Za-z0-9_][A-Za-z0-9_.\-]{0,62}[A-Za-z0-9_]|[A-Za-z0-9_])")
MAX_ERRORS_KEPT = 10_000
# What a database (or its driver) raises for a value it will not store: a NUL, invalid Unicode, a JSON number
# PostgreSQL cannot read, a value too deep to encode. Unreachable databases raise OperationalError: not these.
REFUSED_VALUE = (DataError, IntegrityError, ValueError, RecursionError)
THREAD_DETAILS = ("title", "url", "channel")
SCORE_FIELDS = {"complaint": None, "sentiment": "", "toxicity": None, "scores": None, "model_version": "",
                "scored_at": None, "listened_at": None, "embedding": None}


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return self.imported + self.updated + self.unchanged + self.failed

    def summary(self) -> str:
        return f"imported {self.imported}, updated {self.updated}, unchanged {self.unchanged}, failed {self.failed}"


@dataclass
class _Pending:
    """A reply stored without its parent, and where its line was, in case the parent never comes."""

    file: str
    line: int
    parent_id: str
    outcome: str  # the counter it was added to: imported or updated


class Importer:
    """Feed it parsed lines; call finish() once for the result.

    Usage:
        importer = Importer()
        importer.feed(read_file("posts.jsonl"))
        result = importer.finish()
    """

    def __init__(self, *, batch_size: int = 5000, max_text_chars: int | None = None,
                 on_error: Callable[[LineError], None] | None = None,
                 source_defaults: dict[str, dict] | None = None,
                 on_batch: Callable[[list[int], list[int]], None] | None = None, bulk: bool = False,
                 by_file: bool = False) -> None:
        """on_batch(new post ids, changed post ids) is called after each batch commits: where later work
        (scoring, thread analysis) is queued, one task per batch rather than per post.

        bulk=True (file imports) tunes this process's SQLite connection for a long run of writes; a webhook
        or connector feeding a few posts from a web thread leaves its connection as it is.

        by_file=True also counts each file's lines on their own (`result_for(file)`): the group commit of many
        webhook requests in one run (connectors/ingest.py) answers each request with its own counts.
        """
        self.batch_size = batch_size
        self.on_batch = on_batch
        self.max_text_chars = max_text_chars or settings.CARELOOP_MAX_POST_CHARS
        self.on_error = on_error
        self.source_defaults = source_defaults or {}
        self.result = ImportResult()
        self._by_file: dict[str, ImportResult] | None = {} if by_file else None
        self._batch: list[PostRecord] = []
        self._batch_keys: set[tuple[str, str]] = set()
        self._sources: dict[str, int] = {}
        self._members: dict[tuple[int, str], tuple[int, str, str, bool]] = {}  # key -> (id, handle, name, team)
        self._threads: dict[tuple[int, str], tuple[int, frozenset[str]]] = {}  # key -> (id, details it has)
        self._pending: dict[tuple[int, str], list[_Pending]] = defaultdict(list)  # post -> lines waiting
        self._waits: list[tuple[tuple[int, str], _Pending | None]] = []  # the batch's, kept once it is written
        self._touched_sources: set[int] = set()
        self._handle_index: dict[int, dict[str, int]] = {}
        self.bulk = bulk
        if bulk:
            _tune_sqlite_for_bulk_writes()

    # ------------------------------------------------------------------------------------------- feeding
    def feed(self, lines: Iterable[Parsed]) -> None:
        for item in lines:
            if isinstance(item, LineError):
                self._fail(item)
                continue
            file, line, obj = item
            try:
                record = validate(obj, file, line, self.max_text_chars)
            except FieldError as exc:
                self._fail(LineError(file, line, exc.field, exc.message))
                continue
            self.add(record)

    def add(self, record: PostRecord) -> None:
        if record.key in self._batch_keys:  # the same post twice in one batch: apply the first, then the second
            self._flush()
        self._batch.append(record)
        self._batch_keys.add(record.key)
        if len(self._batch) >= self.batch_size:
            self._flush()

    def finish(self) -> ImportResult:
        self._flush()
        with transaction.atomic():
            self._link_waiting_replies()
        if self.bulk:
            _checkpoint_sqlite()
        for pending in (p for waiting in self._pending.values() for p in waiting):
            self._count(pending.file, pending.outcome, -1)
            self._fail(LineError(
                pending.file, pending.line, "parent_id",
                f"expected the id of a post in the same source; {pending.parent_id!r} never arrived "
                "(the reply is kept and will be linked if its parent is imported later)",
            ))
        self._pending.clear()
        files = list(dict.fromkeys(e.file for e in self.result.errors))
        self.result.errors.sort(key=lambda e: (files.index(e.file), e.line))
        return self.result

    def files(self) -> set[str]:
        """The files whose lines were counted (by_file=True)."""
        return set(self._by_file or {})

    def result_for(self, file: str) -> ImportResult:
        """One file's counts and errors (by_file=True; after finish())."""
        assert self._by_file is not None, "an Importer counts by file only when made with by_file=True"
        found = self._by_file.get(file, ImportResult())
        found.errors.sort(key=lambda e: e.line)
        return found

    def _count(self, file: str, outcome: str, delta: int = 1) -> None:
        setattr(self.result, outcome, getattr(self.result, outcome) + delta)
        if self._by_file is not None:
            mine = self._by_file.setdefault(file, ImportResult())
            setattr(mine, outcome, getattr(mine, outcome) + delta)

    def _counts(self) -> tuple:
        """The counts before a batch, to restore if it rolls back."""
        per_file = {f: (r.imported, r.updated, r.unchanged) for f, r in (self._by_file or {}).items()}
        return (self.result.imported, self.result.updated, self.result.unchanged), per_file

    def _restore(self, counts: tuple) -> None:
        (self.result.imported, self.result.updated, self.result.unchanged), per_file = counts
        for f, r in (self._by_file or {}).items():
            r.imported, r.updated, r.unchanged = per_file.get(f, (0, 0, 0))

    def _fail(self, error: LineError) -> None:
        self.result.failed += 1
        if len(self.result.errors) < MAX_ERRORS_KEPT:
            self.result.errors.append(error)
        if self._by_file is not None:
            mine = self._by_file.setdefault(error.file, ImportResult())
            mine.failed += 1
            if len(mine.errors) < MAX_ERRORS_KEPT:
                mine.errors.append(error)
        if self.on_error:
            self.on_error(error)

    # ------------------------------------------------------------------------------------------- batches
    def _flush(self) -> None:
        batch, self._batch, self._batch_keys = self._batch, [], set()
        if not batch:
            return
        imported_ids, changed_ids = self._write_or_split(batch)
        if self.on_batch and (imported_ids or changed_ids):
            self.on_batch(imported_ids, changed_ids)

    def _write_or_split(self, batch: list[PostRecord]) -> tuple[list[int], list[int]]:
        """Write the batch in one transaction; if the database refuses a value in it, write each half on its
        own, down to the line it refuses, which is named: one bad line never costs the others. (validate()
        refuses what is known to be refused; this is for what it does not know.) A database that cannot be
        reached is not a line's problem and is raised."""
        counts = self._counts()
        try:
            with transaction.atomic():
                written = self._write_batch(batch)
            self._keep_waiting(self._waits)
            return written
        except REFUSED_VALUE as exc:
            self._restore(counts)
            self._forget_after_rollback()
            if len(batch) == 1:
                reason = " ".join(str(exc).split())[:300] or type(exc).__name__
                self._fail(LineError(batch[0].file, batch[0].line, "line",
                                     f"the database refused this post ({reason}); nothing of it was stored"))
                return [], []
        half = len(batch) // 2
        first, second = self._write_or_split(batch[:half]), self._write_or_split(batch[half:])
        return first[0] + second[0], first[1] + second[1]

    def _forget_after_rollback(self) -> None:
        """A rolled-back batch may have put rows into the caches that are not in the database: drop them all
        (they are read again from the database)."""
        self._sources.clear()
        self._members.clear()
        self._threads.clear()
        self._handle_index.clear()

    def _write_batch(self, batch: list[PostRecord]) -> tuple[list[int], list[int]]:
        """Write one batch, safe beside other imports of the same community.

        Rows are inserted first, table by table (sources, members, threads, posts, interactions, revisions),
        each with ON CONFLICT DO NOTHING and in key order, and stored rows are updated last, table by table
        (posts, threads, members) in id order: on PostgreSQL two imports then wait for each other, never fail
        on a unique key and never deadlock.
        """
        now = timezone.now()
        to_db = datetime_adapter()
        now_db = to_db(now)
        source_ids = self._source_ids({r.source for r in batch})
        members, member_changes = self._member_ids(batch, source_ids)
        threads, thread_fills = self._thread_ids(batch, source_ids)
        existing = self._stored_posts(batch, source_ids)
        new_ids, parents = self._insert_posts(batch, source_ids, members, threads, existing, now_db)

        updates: dict[frozenset[str], list[Post]] = defaultdict(list)  # grouped by the fields they change
        revisions: list[PostRevision] = []
        interactions: list[tuple] = []
        moved_threads: set[int] = set()
        thread_stats: dict[int, list] = {}  # thread id -> [new posts, first, last]
        member_stats: dict[int, list] = {}  # member id -> [first, last]
        imported_ids: list[int] = []
        changed_ids: list[int] = []
        waits: list[tuple[tuple[int, str], _Pending | None]] = []  # kept in _pending once the batch commits
        for r in batch:
            sid = source_ids[r.source]
            key = (sid, r.id)
            created_db = to_db(r.created_at)
            author_id = members[(sid, r.author_id)]
            thread_id = threads[(sid, r.thread_id)]
            parent = parents.get((sid, r.parent_id)) if r.parent_id else None
            old = existing.get(key)
            if old is None:
                post_id = new_ids[key]
                self._count(r.file, "imported")
                imported_ids.append(post_id)
                _widen(thread_stats, thread_id, r.created_at, count=True)
                _widen(member_stats, author_id, r.created_at)
                outcome = "imported"
            else:
                change = self._change(r, old, thread_id, parent[0] if parent else None)
                if change is None:
                    self._count(r.file, "unchanged")
                    if old["parent_id"] is None and old["parent_external_id"]:
                        waits.append((key, _Pending(r.file, r.line, old["parent_external_id"], "unchanged")))
                    continue
                post_id = old["id"]
                if "text" in change:
                    revisions.append(PostRevision(post_id=post_id, text=old["text"], edited_at=old["edited_at"]))
                if "thread_id" in change:
                    moved_threads.update((thread_id, old["thread_id"]))
                updates[frozenset(change)].append(Post(id=post_id, **change, updated_at=now))
                self._count(r.file, "updated")
                changed_ids.append(post_id)
                outcome = "updated"
            if r.parent_id and parent is None:
                waits.append((key, _Pending(r.file, r.line, r.parent_id, outcome)))
            elif parent is not None:
                waits.append((key, None))  # an earlier line of this post waited for a parent it now has
            if parent is not None and parent[1] != author_id:
                interactions.append((sid, Interaction.Kind.REPLY, author_id, parent[1], post_id, "", created_db))
            interactions.extend(self._mentions_and_reactions(r, sid, post_id, author_id, created_db, members))

        if connection.vendor == "postgresql":
            interactions.sort(key=lambda i: (i[4], i[1], i[2], i[3], i[5]))  # the order of interaction_once
        INTERACTION_INSERT.insert(interactions)
        PostRevision.objects.bulk_create(revisions, batch_size=500)
        self._touched_sources.update(source_ids.values())

        # Updates of stored rows, after every insert: posts, threads, members.
        if updates:
            _lock_rows(Post, [p.id for posts in updates.values() for p in posts])
        for fields, posts in updates.items():
            Post.objects.bulk_update(posts, sorted(fields | {"updated_at"}), batch_size=500)
        if thread_fills or moved_threads:
            _lock_rows(Thread, {*thread_fills, *thread_stats, *moved_threads})
        for tid, fill in sorted(thread_fills.items()):
            Thread.objects.filter(id=tid).update(**fill)
        _widen_spans(Thread, "started_at", "last_post_at", thread_stats, count="post_count")
        _refresh_threads(moved_threads)
        if member_changes:
            _lock_rows(Member, {*(m.id for m in member_changes), *member_stats})
            Member.objects.bulk_update(member_changes, ["handle", "display_name", "is_team"], batch_size=500)
        _widen_spans(Member, "first_seen_at", "last_seen_at", member_stats)
        self._waits = waits
        return imported_ids, changed_ids

    def _keep_waiting(self, waits: list[tuple[tuple[int, str], _Pending | None]]) -> None:
        for key, entry in waits:
            if entry is None:
                self._pending.pop(key, None)
            else:
                self._pending[key].append(entry)

    def _stored_posts(self, records: Iterable[PostRecord], source_ids: dict[str, int]) -> dict[tuple[int, str], dict]:
        """The stored rows of these records' posts, by (source id, external id)."""
        existing: dict[tuple[int, str], dict] = {}
        for sid, ext_ids in _group(records, lambda r: source_ids[r.source], lambda r: r.id).items():
            for row in Post.objects.filter(source_id=sid, external_id__in=ext_ids).values(
                "id", "external_id", "text", "edited_at", "deleted", "thread_id", "parent_external_id",
                "reactions", "extra", "url", "language", "author_id", "created_at", "parent_id",
            ):
                existing[(sid, row["external_id"])] = dict(row)
        return existing

    def _insert_posts(self, batch: list[PostRecord], source_ids: dict[str, int],
                      members: dict[tuple[int, str], int], threads: dict[tuple[int, str], int],
                      existing: dict[tuple[int, str], dict], now_db: Any,
                      ) -> tuple[dict[tuple[int, str], int], dict[tuple[int, str], tuple[int, int]]]:
        """Insert the batch's posts that are not stored yet; returns their ids and the parents of the batch.

        Another import may store some of the same posts between our look-up and our insert (the same webhook
        delivered twice, the sync beside a file import): theirs stay, ours are skipped (ON CONFLICT DO NOTHING),
        and since replies in the batch may point at the ids we had reserved for them, the insert is undone
        (to a savepoint) and done again with those posts among the stored ones, where they are then compared
        like any stored post (unchanged, or an edit kept as a revision). `existing` is updated in place.
        """
        to_db = datetime_adapter()
        while True:
            new_records = [r for r in batch if (source_ids[r.source], r.id) not in existing]
            new_ids = dict(zip(((source_ids[r.source], r.id) for r in new_records),
                               _allocate_ids(len(new_records)), strict=True))
            parents = self._parent_rows(batch, source_ids, new_ids, members)
            rows = []
            for r in new_records:
                sid = source_ids[r.source]
                parent = parents.get((sid, r.parent_id)) if r.parent_id else None
                rows.append((
                    new_ids[(sid, r.id)], sid, r.id, threads[(sid, r.thread_id)], parent[0] if parent else None,
                    r.parent_id, members[(sid, r.author_id)], to_db(r.created_at), to_db(r.edited_at), r.deleted,
                    r.text, r.url, r.language, _reactions_value(r), r.extra, now_db, now_db, "", "",
                ))
            if not rows:
                return new_ids, parents
            if connection.vendor == "postgresql":
                rows.sort(key=lambda row: (row[1], row[2]))  # key order: concurrent inserts wait, never deadlock
            savepoint = transaction.savepoint()
            if POST_INSERT.insert(rows) == len(rows):
                transaction.savepoint_commit(savepoint)
                return new_ids, parents
            transaction.savepoint_rollback(savepoint)
            stored = self._stored_posts(new_records, source_ids)  # what the other import stored meanwhile
            if not stored:
                raise RuntimeError("posts were skipped as already stored, but none of them is")
            existing.update(stored)

    def _change(self, r: PostRecord, old: dict, thread_id: int, parent_id: int | None) -> dict | None:
        """What an incoming line changes in a stored post, or None when it is the same or older."""
        if old["edited_at"] is not None and (r.edited_at is None or r.edited_at < old["edited_at"]):
            return None
        change: dict = {}
        text = old["text"] if (r.deleted and not r.text) else r.text
        if text != old["text"]:
            change.update(text=text, **SCORE_FIELDS)
        wanted = {
            "deleted": r.deleted, "thread_id": thread_id, "parent_external_id": r.parent_id, "url": r.url,
            "language": r.language or old["language"],  # a line that does not say keeps the detected language
            "reactions": _reactions_value(r), "extra": r.extra, "edited_at": r.edited_at,
        }
        for name, value in wanted.items():
            if value != old[name]:
                change[name] = value
        if "parent_external_id" in change:
            change["parent_id"] = parent_id  # None until the new parent arrives: the end-of-import pass links it
        if change.keys() <= {"edited_at"}:
            return None  # a newer edit time with nothing else different is not a change worth a revision
        return change

    # ------------------------------------------------------------------------------------------- lookups
    def _source_ids(self, names: set[str]) -> dict[str, int]:
        missing = names - self._sources.keys()
        if missing:
            self._sources.update(Source.objects.filter(name__in=missing).values_list("name", "id"))
            _insert_new(Source, [
                Source(name=name, **{"kind": Source.Kind.FILES, "display_name": name,
                                     **self.source_defaults.get(name, {})})
                for name in sorted(missing - self._sources.keys())
            ])
            self._sources.update(Source.objects.filter(name__in=missing - self._sources.keys())
                                 .values_list("name", "id"))
        return {name: self._sources[name] for name in names}

    def _member_ids(self, batch: list[PostRecord], source_ids: dict[str, int],
                    ) -> tuple[dict[tuple[int, str], int], list[Member]]:
        """Member ids for the batch, new members inserted; and the stored members whose handle, name or team
        flag the batch changes (written with the other updates, at the end of the batch)."""
        wanted: dict[tuple[int, str], tuple[str, str, bool | None]] = {}
        for r in batch:
            sid = source_ids[r.source]
            wanted[(sid, r.author_id)] = (r.author_handle, r.author_name, r.author_is_team)
            for reaction in r.reactions:
                wanted.setdefault((sid, reaction.by_id), ("", reaction.by_name, None))
        missing = [k for k in wanted if k not in self._members]
        self._read_members(missing)
        to_create = [
            Member(source_id=k[0], external_id=k[1], handle=wanted[k][0] or wanted[k][1] or k[1],
                   display_name=wanted[k][1] or wanted[k][0] or k[1], is_team=bool(wanted[k][2]))
            for k in sorted(k for k in missing if k not in self._members)
        ]
        if to_create:
            _insert_new(Member, to_create)
            self._read_members([(m.source_id, m.external_id) for m in to_create])  # ours, or another import's
        changed = []
        for k, (handle, name, team) in wanted.items():
            mid, old_handle, old_name, old_team = self._members[k]
            new = (handle or old_handle, name or old_name, old_team if team is None else team)
            if new != (old_handle, old_name, old_team):
                changed.append(Member(id=mid, handle=new[0], display_name=new[1], is_team=new[2]))
                self._members[k] = (mid, *new)
                self._remember_handle(k[0], new[0], mid)
        return {k: self._members[k][0] for k in wanted}, changed

    def _read_members(self, keys: list[tuple[int, str]]) -> None:
        for sid, ext_ids in _group(keys, lambda k: k[0], lambda k: k[1]).items():
            for mid, ext, handle, name, team in Member.objects.filter(
                source_id=sid, external_id__in=ext_ids
            ).values_list("id", "external_id", "handle", "display_name", "is_team"):
                if (sid, ext) not in self._members:
                    self._remember_handle(sid, handle, mid)
                self._members[(sid, ext)] = (mid, handle, name, team)

    def _thread_ids(self, batch: list[PostRecord], source_ids: dict[str, int],
                    ) -> tuple[dict[tuple[int, str], int], dict[int, dict[str, str]]]:
        """Thread ids for the batch, new threads inserted; and the details (title, url, channel) to fill in on
        stored threads that lack them, as a thread first seen through a reply gets them later."""
        info: dict[tuple[int, str], dict[str, str]] = {}
        for r in batch:
            details = info.setdefault((source_ids[r.source], r.thread_id), {})
            for name, value in (("title", r.title), ("channel", r.channel), ("url", "" if r.parent_id else r.url)):
                if value and name not in details:
                    details[name] = value
        missing = [k for k in info if k not in self._threads]
        self._read_threads(missing)
        to_create = [Thread(source_id=k[0], external_id=k[1], **info[k])
                     for k in sorted(k for k in missing if k not in self._threads)]
        if to_create:
            _insert_new(Thread, to_create)
            self._read_threads([(t.source_id, t.external_id) for t in to_create])  # ours, or another import's
        fills: dict[int, dict[str, str]] = {}
        for k, details in info.items():
            tid, known = self._threads[k]
            fill = {n: v for n, v in details.items() if n not in known}
            if fill:
                fills[tid] = fill
                self._threads[k] = (tid, known | fill.keys())
        return {k: self._threads[k][0] for k in info}, fills

    def _read_threads(self, keys: list[tuple[int, str]]) -> None:
        for sid, ext_ids in _group(keys, lambda k: k[0], lambda k: k[1]).items():
            for tid, ext, *values in Thread.objects.filter(source_id=sid, external_id__in=ext_ids).values_list(
                "id", "external_id", *THREAD_DETAILS
            ):
                known = frozenset(n for n, v in zip(THREAD_DETAILS, values, strict=True) if v)
                self._threads[(sid, ext)] = (tid, known)

    def _parent_rows(self, batch: list[PostRecord], source_ids: dict[str, int], new_ids: dict[tuple[int, str], int],
                     members: dict[tuple[int, str], int]) -> dict[tuple[int, str], tuple[int, int]]:
        """(source, parent external id) -> (post id, author id), from this batch or the database."""
        found: dict[tuple[int, str], tuple[int, int]] = {}
        for r in batch:
            key = (source_ids[r.source], r.id)
            if key in new_ids:
                found[key] = (new_ids[key], members[(key[0], r.author_id)])
        wanted = {(source_ids[r.source], r.parent_id) for r in batch if r.parent_id}
        missing = [k for k in wanted if k not in found]
        for sid, ext_ids in _group(missing, lambda k: k[0], lambda k: k[1]).items():
            for pid, ext, author in Post.objects.filter(source_id=sid, external_id__in=ext_ids).values_list(
                "id", "external_id", "author_id"
            ):
                found[(sid, ext)] = (pid, author)
        return found

    def _mentions_and_reactions(self, r: PostRecord, sid: int, post_id: int, author_id: int, created_db: Any,
                                members: dict[tuple[int, str], int]) -> list[tuple]:
        out = []
        for reaction in r.reactions:
            actor = members[(sid, reaction.by_id)]
            if actor != author_id:
                out.append((sid, Interaction.Kind.REACTION, actor, author_id, post_id, reaction.kind[:100],
                            created_db))
        if "@" in r.text:
            known = self._handles(sid)
            targets = {t for m in MENTION_RE.findall(r.text)
                       if (t := known.get(m.rstrip(".-").lower())) is not None and t != author_id}
            out.extend((sid, Interaction.Kind.MENTION, author_id, t, post_id, "", created_db) for t in sorted(targets))
        return out

    def _handles(self, sid: int) -> dict[str, int]:
        """Lower-cased handle -> member id for one source, loaded once per import and kept current."""
        if sid not in self._handle_index:
            self._handle_index[sid] = {
                handle.lower(): mid
                for mid, handle in Member.objects.filter(source_id=sid).exclude(handle="").values_list("id", "handle")
            }
        return self._handle_index[sid]

    def _remember_handle(self, sid: int, handle: str, member_id: int) -> None:
        if sid in self._handle_index and handle:
            self._handle_index[sid].setdefault(handle.lower(), member_id)

    # ------------------------------------------------------------------------------------------- linking
    def _link_waiting_replies(self) -> None:
        """Link every reply in the touched sources whose parent has arrived, and record who answered whom."""
        if not self._touched_sources:
            return
        waiting = list(
            Post.objects.filter(source_id__in=self._touched_sources, parent__isnull=True)
            .exclude(parent_external_id="")
            .values_list("id", "source_id", "external_id", "parent_external_id", "author_id", "created_at")
        )
        for start in range(0, len(waiting), 2000):
            chunk = waiting[start:start + 2000]
            parents: dict[tuple[int, str], tuple[int, int]] = {}
            for sid, ext_ids in _group(chunk, lambda w: w[1], lambda w: w[3]).items():
                for pid, ext, author in Post.objects.filter(source_id=sid, external_id__in=ext_ids).values_list(
                    "id", "external_id", "author_id"
                ):
                    parents[(sid, ext)] = (pid, author)
            links: list[Post] = []
            interactions: list[tuple] = []
            to_db = datetime_adapter()
            for post_id, sid, ext, parent_ext, author, created in chunk:
                parent = parents.get((sid, parent_ext))
                if parent is None:
                    continue
                links.append(Post(id=post_id, parent_id=parent[0]))
                self._pending.pop((sid, ext), None)
                if parent[1] != author:
                    interactions.append((sid, Interaction.Kind.REPLY, author, parent[1], post_id, "", to_db(created)))
            INTERACTION_INSERT.insert(interactions)  # inserts before updates, as in a batch (see _write_batch)
            _lock_rows(Post, [p.id for p in links])
            Post.objects.bulk_update(links, ["parent"], batch_size=500)


# ----------------------------------------------------------------------------------------------- helpers
def _group(items: Iterable, key: Callable, value: Callable) -> dict:
    groups: dict = defaultdict(list)
    for item in items:
        groups[key(item)].append(value(item))
    return groups


def _reactions_value(r: PostRecord):
    return r.reactions_raw if r.reactions_raw is not None else []


def _tune_sqlite_for_bulk_writes() -> None:
    """On SQLite, give this connection a larger page cache (the indexes of a million posts stay in memory) and
    let the write-ahead log grow to 256 MB before it is copied back, instead of after every other batch."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size=-262144")
        cursor.execute("PRAGMA wal_autocheckpoint=65536")


def _checkpoint_sqlite() -> None:
    """Copy the write-ahead log back into the database and shrink it, so a big import leaves no big WAL."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except OperationalError:  # readers still on the log: SQLite checkpoints later by itself
        pass


def _allocate_ids(count: int) -> list[int]:
    """Reserve `count` post ids so replies can point at parents in the same batch before anything is written.

    PostgreSQL hands them out from the id sequence. SQLite has one writer at a time (the batch holds the
    write lock from BEGIN IMMEDIATE), so the next ids after the largest ever used are ours.
    """
    if count == 0:
        return []
    table = Post._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT MAX(id) FROM "{table}"')  # noqa: S608 - the table name is ours
        top = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        top = max(top, row[0] if row else 0)
    return list(range(top + 1, top + 1 + count))


POST_INSERT = BulkWriter(Post, [
    "id", "source", "external_id", "thread", "parent", "parent_external_id", "author", "created_at", "edited_at",
    "deleted", "text", "url", "language", "reactions", "extra", "imported_at", "updated_at", "sentiment",
    "model_version",
], ignore_conflicts=True)  # a post another import stored first is skipped; _insert_posts sees it and redoes
INTERACTION_INSERT = BulkWriter(
    Interaction, ["source", "kind", "actor", "target", "post", "detail", "created_at"], ignore_conflicts=True
)


def _widen(stats: dict[int, list], key: int, when, *, count: bool = False) -> None:
    """Track first and last time (and, for threads, how many new posts) per id within a batch."""
    entry = stats.get(key)
    if entry is None:
        stats[key] = [1, when, when] if count else [when, when]
        return
    if count:
        entry[0] += 1
    entry[-2] = min(entry[-2], when)
    entry[-1] = max(entry[-1], when)


def _widen_spans(model: type[Member] | type[Thread], first: str, last: str, stats: dict[int, list],
                 count: str | None = None) -> None:
    """Stretch each row's [first, last] time span over a batch's new posts (and add them to its count):
    `stats` maps row id -> [new posts,] earliest, latest (as _widen builds it).

    PostgreSQL: the rows are locked in id order (as every import locks rows), then updated by one statement
    from arrays. SQLite (one writer at a time): one statement run per row."""
    if not stats:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    ids = sorted(stats)
    if connection.vendor == "postgresql":
        sets = [f"{first} = LEAST(t.{first}, v.earliest)", f"{last} = GREATEST(t.{last}, v.latest)"]  # NULLs ignored
        arrays = ("unnest(%s::bigint[]) AS id, unnest(%s::timestamptz[]) AS earliest, "
                  "unnest(%s::timestamptz[]) AS latest")
        params: list[list] = [ids, [stats[pk][-2] for pk in ids], [stats[pk][-1] for pk in ids]]
        if count:
            sets.insert(0, f"{count} = t.{count} + v.added")
            arrays += ", unnest(%s::integer[]) AS added"
            params.append([stats[pk][0] for pk in ids])
        _lock_rows(model, ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET {', '.join(sets)} FROM (SELECT {arrays}) AS v "  # noqa: S608 - our names
                "WHERE t.id = v.id", params,
            )
        return
    adapt = datetime_adapter()
    sets = [
        f"{first} = CASE WHEN {first} IS NULL OR {first} > %s THEN %s ELSE {first} END",
        f"{last} = CASE WHEN {last} IS NULL OR {last} < %s THEN %s ELSE {last} END",
    ]
    if count:
        sets.insert(0, f"{count} = {count} + %s")
    sql = f"UPDATE {table} SET {', '.join(sets)} WHERE id = %s"
    rows = []
    for pk in ids:  # in id order, as every import locks rows
        *added, earliest, latest = stats[pk]
        rows.append((*added, adapt(earliest), adapt(earliest), adapt(latest), adapt(latest), pk))
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _insert_new(model: type[Source] | type[Member] | type[Thread], rows: list) -> None:
    """Insert rows keyed by a natural key, skipping any that another import stored first (the caller reads the
    ids back). In key order, so that two imports creating the same rows wait for each other, not deadlock."""
    model.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def _lock_rows(model: type[Post] | type[Member] | type[Thread], ids: Iterable[int]) -> None:
    """PostgreSQL: lock the rows a batch is about to update in several statements, in id order, so that two
    imports touching the same rows queue up rather than deadlock. SQLite needs nothing: one writer at a time."""
    if connection.vendor != "postgresql":
        return
    ordered = sorted(set(ids))
    if not ordered:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:  # one array parameter: psycopg parses no long IN (...) list
        cursor.execute(f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE", [ordered])  # noqa: S608


def _refresh_threads(thread_ids: set[int]) -> None:
    """Recount the touched threads from their posts (derived numbers, so a crash can never leave them wrong)."""
    ids = sorted(thread_ids)
    posts = Post.objects.filter(thread=OuterRef("pk")).order_by().values("thread")
    for start in range(0, len(ids), 500):
        Thread.objects.filter(id__in=ids[start:start + 500]).update(
            post_count=Coalesce(Subquery(posts.annotate(n=Count("id")).values("n")), 0),  # a thread left empty: 0
            started_at=Subquery(posts.annotate(t=Min("created_at")).values("t")),
            last_post_at=Subquery(posts.annotate(t=Max("created_at")).values("t")),
        )

