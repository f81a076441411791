"""Importing posts: idempotent, edits kept in history, replies linked whenever their parent arrives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from careloop.community.models import Interaction, Member, Post, PostRevision, Source, Thread
from tests.conftest import post

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Source, Member, Thread, Post, PostRevision, Interaction)}


def test_import_creates_the_community(cli, write_jsonl):
    path = write_jsonl([
        post(1, title="Login broken since 3.2", channel="support", url="https://forum.example/t/1"),
        post(2, parent="1", author="b2", at="2026-05-03T10:05:00+00:00", reactions=[{"by": "a1", "type": "+1"}]),
        post(3, parent="2", author="c3", text="@h_a1 same here", at="2026-05-03T11:00:00+02:00"),
    ])
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "imported 3, updated 0, unchanged 0, failed 0"

    thread = Thread.objects.get()
    assert (thread.title, thread.channel, thread.url, thread.post_count) == (
        "Login broken since 3.2", "support", "https://forum.example/t/1", 3)
    assert thread.started_at.isoformat() == "2026-05-03T09:00:00+00:00"  # post 3 is 11:00+02:00 = 09:00 UTC
    reply = Post.objects.get(external_id="2")
    assert reply.parent.external_id == "1"
    anna = Member.objects.get(external_id="a1")
    assert anna.display_name == "Member a1" and anna.handle == "h_a1"
    assert anna.first_seen_at == anna.last_seen_at == datetime(2026, 5, 3, 10, 0, tzinfo=UTC)
    carl = Member.objects.get(external_id="c3")
    assert carl.first_seen_at == carl.last_seen_at == datetime(2026, 5, 3, 9, 0, tzinfo=UTC)
    edges = set(Interaction.objects.values_list("kind", "actor__external_id", "target__external_id"))
    assert edges == {("reply", "b2", "a1"), ("reply", "c3", "b2"), ("reaction", "a1", "b2"), ("mention", "c3", "a1")}


def test_importing_the_same_file_twice_changes_nothing(cli, write_jsonl):
    path = write_jsonl([post(n, parent=str(n - 1) if n > 1 else None, author=f"m{n % 7}") for n in range(1, 301)])
    assert cli("import", str(path)).stdout.splitlines()[-1] == "imported 300, updated 0, unchanged 0, failed 0"
    before = counts()
    snapshot = list(Post.objects.order_by("id").values())
    second = cli("import", str(path))
    assert second.exit_code == 0
    assert second.stdout.splitlines()[-1] == "imported 0, updated 0, unchanged 300, failed 0"
    assert counts() == before
    assert list(Post.objects.order_by("id").values()) == snapshot


def test_an_edit_updates_the_post_and_keeps_the_old_text(cli, write_jsonl):
    cli("import", str(write_jsonl([post(1, text="first words")], "a.jsonl")))
    Post.objects.update(complaint=0.9, scored_at="2026-05-03T10:00:00Z")
    edited = post(1, text="better words", edited_at="2026-05-03T12:00:00+00:00")
    result = cli("import", str(write_jsonl([edited], "b.jsonl")))
    assert result.stdout.splitlines()[-1] == "imported 0, updated 1, unchanged 0, failed 0"
    p = Post.objects.get()
    assert p.text == "better words"
    assert p.complaint != 0.9 and p.scored_at > datetime(2026, 5, 3, 10, 0, tzinfo=UTC), "the new text is scored"
    assert list(p.revisions.values_list("text", flat=True)) == ["first words"]
    # the same edit again, and the original (older) line again: neither changes anything
    again = cli("import", str(write_jsonl([edited], "b.jsonl")))
    assert again.stdout.splitlines()[-1] == "imported 0, updated 0, unchanged 1, failed 0"
    assert cli("import", str(write_jsonl([post(1, text="first words")], "a.jsonl"))).stdout.splitlines()[-1] == (
        "imported 0, updated 0, unchanged 1, failed 0")
    assert Post.objects.get().text == "better words"
    assert PostRevision.objects.count() == 1


def test_a_later_line_in_the_same_file_edits_an_earlier_one(cli, write_jsonl):
    path = write_jsonl([post(1, text="draft"), post(1, text="final", edited_at="2026-05-03T10:01:00Z")])
    assert cli("import", str(path)).stdout.splitlines()[-1] == "imported 1, updated 1, unchanged 0, failed 0"
    assert Post.objects.get().text == "final"


def test_a_deleted_post_keeps_its_text(cli, write_jsonl):
    cli("import", str(write_jsonl([post(1, text="a complaint")])))
    cli("import", str(write_jsonl([post(1, text="", deleted=True, edited_at="2026-05-04T10:00:00Z")])))
    p = Post.objects.get()
    assert p.deleted and p.text == "a complaint"


def test_a_reply_before_its_parent_is_linked_when_the_parent_arrives(cli, write_jsonl):
    # in one file, parent after the child (also across batches)
    lines = [post(n, parent=str(n + 1), author=f"m{n % 3}") for n in range(1, 50)] + [post(50, author="m9")]
    result = cli("import", str(write_jsonl(lines)), "--batch-size", "7")
    assert result.exit_code == 0, result.output
    assert Post.objects.filter(parent__isnull=True).count() == 1
    assert Interaction.objects.filter(kind="reply").count() == 49  # every reply answers someone else


def test_a_parent_arriving_in_a_later_import_links_the_waiting_reply(cli, write_jsonl):
    first = cli("import", str(write_jsonl([post(2, parent="1", author="b")], "replies.jsonl")))
    assert first.exit_code == 1
    assert "replies.jsonl:1: parent_id:" in first.stderr and "never arrived" in first.stderr
    assert Post.objects.get(external_id="2").parent is None, "the reply is kept while it waits"
    second = cli("import", str(write_jsonl([post(1, author="a")], "parents.jsonl")))
    assert second.exit_code == 0, second.output
    assert Post.objects.get(external_id="2").parent.external_id == "1"
    assert Interaction.objects.filter(kind="reply", actor__external_id="b", target__external_id="a").count() == 1


def test_same_ids_in_two_sources_are_two_posts(cli, write_jsonl):
    path = write_jsonl([post(1, source="forum"), post(1, source="chat"), post(2, source="chat", parent="1")])
    cli("import", str(path))
    assert Post.objects.count() == 2 + 1
    assert Post.objects.get(source__name="chat", external_id="2").parent.source.name == "chat"


def test_unknown_fields_are_kept(cli, write_jsonl):
    cli("import", str(write_jsonl([post(1, mood="grumpy", platform={"score": 3})])))
    assert Post.objects.get().extra == {"mood": "grumpy", "platform": {"score": 3}}


def test_standard_input(cli):
    import json

    text = "\n".join(json.dumps(post(n)) for n in range(1, 4))
    result = cli("import", "-", input=text)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "imported 3, updated 0, unchanged 0, failed 0"


def test_csv_with_the_same_column_names(cli, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text(
        "source,id,thread_id,parent_id,author.id,author.name,created_at,text,title\n"
        'forum,1,t1,,a1,Anna,2026-05-03T10:00:00Z,"Hello, ""world""\nsecond line",Greetings\n'
        "forum,2,t1,1,b2,Ben,2026-05-03T10:05:00Z,me too,\n"
        "forum,3,t1,1,b2,Ben,not-a-time,x,\n",
        encoding="utf-8",
    )
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "imported 2, updated 0, unchanged 0, failed 1"
    assert f"{path}:5: created_at:" in result.stderr  # physical line 5: row 1 spans lines 2-3
    first = Post.objects.get(external_id="1")
    assert first.text == 'Hello, "world"\nsecond line'
    assert first.thread.title == "Greetings"
    assert Post.objects.get(external_id="2").parent == first


def test_each_committed_batch_is_announced_for_later_work(write_jsonl):
    from careloop.community.ingest import Importer
    from careloop.community.records import read_file

    batches: list[tuple[list[int], list[int]]] = []

    def import_file(path, **options) -> None:
        importer = Importer(on_batch=lambda new, changed: batches.append((new, changed)), bulk=True, **options)
        importer.feed(read_file(str(path)))
        importer.finish()

    import_file(write_jsonl([post(n) for n in range(1, 8)]), batch_size=3)
    assert [len(new) for new, _ in batches] == [3, 3, 1]
    assert sorted(i for new, _ in batches for i in new) == sorted(Post.objects.values_list("id", flat=True))
    batches.clear()
    import_file(write_jsonl([post(2, text="changed")], "edit.jsonl"))
    assert batches == [([], [Post.objects.get(external_id="2").id])]


def test_every_line_of_a_post_still_waiting_for_its_parent_is_named(cli, write_jsonl):
    orphan = post(9, parent="missing")
    result = cli("import", str(write_jsonl([orphan, post(1), orphan])))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "imported 1, updated 0, unchanged 0, failed 2"
    assert [m.split(":")[1] for m in result.stderr.splitlines() if "never arrived" in m] == ["1", "3"]


def test_a_later_line_that_gives_the_post_a_known_parent_clears_the_wait(cli, write_jsonl):
    lines = [post(1), post(9, parent="missing"), post(9, parent="1", edited_at="2026-05-03T11:00:00Z")]
    result = cli("import", str(write_jsonl(lines)))
    assert result.exit_code == 0, result.stderr
    assert Post.objects.get(external_id="9").parent.external_id == "1"


def test_a_post_moved_to_another_thread_is_counted_there(cli, write_jsonl):
    cli("import", str(write_jsonl([post(1, thread="a"), post(2, thread="a", parent="1")])))
    moved = post(2, thread="b", edited_at="2026-05-03T12:00:00Z")
    assert cli("import", str(write_jsonl([moved], "move.jsonl"))).stdout.splitlines()[-1] == (
        "imported 0, updated 1, unchanged 0, failed 0")
    assert dict(Thread.objects.values_list("external_id", "post_count")) == {"a": 1, "b": 1}
    p = Post.objects.get(external_id="2")
    assert p.thread.external_id == "b" and p.parent is None and p.parent_external_id == ""


def test_the_team_is_known_by_author_role(cli, write_jsonl):
    staff = post(1, author="s1") | {"author": {"id": "s1", "name": "Lumen Team", "role": "Staff"}}
    cli("import", str(write_jsonl([staff, post(2, author="m1")])))
    assert dict(Member.objects.values_list("external_id", "is_team")) == {"s1": True, "m1": False}
    # a line that does not say the role leaves it as it is; one that says another role changes it
    cli("import", str(write_jsonl([post(3, author="s1")], "b.jsonl")))
    assert Member.objects.get(external_id="s1").is_team
    member = post(4, author="s1") | {"author": {"id": "s1", "role": "member"}}
    cli("import", str(write_jsonl([member], "c.jsonl")))
    assert not Member.objects.get(external_id="s1").is_team
