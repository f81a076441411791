"""The demo community generator: size, determinism, structure, wording and the ground truth it promises.

Pure Python: nothing here touches a database.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from careloop.demo.generate import DEFAULT_END, generate

ROOT = Path(__file__).resolve().parents[2]
ISO_SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


@pytest.fixture(scope="module")
def community() -> tuple[list[dict], dict]:
    return generate()


@pytest.fixture(scope="module")
def posts(community) -> list[dict]:
    return community[0]


@pytest.fixture(scope="module")
def truth(community) -> dict:
    return community[1]


@pytest.fixture(scope="module")
def by_id(posts) -> dict[str, dict]:
    return {p["id"]: p for p in posts}


def at(post: dict) -> datetime:
    return datetime.fromisoformat(post["created_at"])


def thread_key(post: dict) -> tuple[str, str]:
    return (post["source"], post["thread_id"])


# ------------------------------------------------------------------------------------------ size and shape


def test_size_span_and_languages(posts, truth):
    assert len(posts) >= 3000
    threads = {thread_key(p) for p in posts}
    assert len(threads) >= 200
    assert {p["source"] for p in posts} == {"lumen-forum", "lumen-chat"}

    first, last = at(posts[0]), at(posts[-1])
    assert first > DEFAULT_END - timedelta(days=60)
    assert last <= DEFAULT_END
    assert last - first >= timedelta(days=58)

    assert 60 <= len(truth["members"]) <= 90
    languages = Counter(entry["language"] for entry in truth["posts"].values())
    assert set(languages) == {"en", "de"}
    assert 0.55 <= languages["en"] / len(posts) <= 0.75
    assert 0.25 <= languages["de"] / len(posts) <= 0.45


def test_activity_is_uneven_and_mostly_daytime(posts):
    per_author = Counter(p["author"]["id"] for p in posts)
    counts = sorted(per_author.values(), reverse=True)
    assert counts[0] >= 5 * counts[len(counts) // 2]  # a few very active members, a long tail
    weekday = [at(p).weekday() for p in posts]
    weekend_share = sum(1 for d in weekday if d >= 5) / len(weekday)
    assert weekend_share < 2 / 7  # quieter weekends


def test_same_seed_same_output_and_other_seed_differs(community):
    again = generate(seed=7)
    assert json.dumps(again, ensure_ascii=False) == json.dumps(community, ensure_ascii=False)
    other_posts, other_truth = generate(seed=8)
    assert other_posts != community[0]
    assert other_truth["seed"] == 8


def test_end_moves_the_window():
    end = datetime(2026, 5, 3, 9, 30, tzinfo=UTC)
    posts, truth = generate(seed=3, end=end)
    assert len(posts) >= 3000
    assert all(end - timedelta(days=60) < at(p) <= end for p in posts)
    assert truth["end"] == "2026-05-03T09:30:00+00:00"


# ------------------------------------------------------------------------------------------ structure


def test_posts_are_well_formed(posts, truth):
    seen: set[tuple[str, str]] = set()
    position: dict[tuple[str, str], list[dict]] = defaultdict(list)
    identities: dict[str, tuple[str, str]] = {}
    previous = None
    for p in posts:
        assert set(p) <= {
            "source",
            "id",
            "thread_id",
            "parent_id",
            "author",
            "created_at",
            "text",
            "title",
            "url",
            "channel",
            "reactions",
        }
        assert "language" not in p
        key = (p["source"], p["id"])
        assert key not in seen, f"duplicate id {key}"
        seen.add(key)

        assert ISO_SECONDS.match(p["created_at"]), p["created_at"]
        when = at(p)
        assert when.utcoffset() == timedelta(0)
        if previous is not None:
            assert when >= previous
        previous = when

        thread = position[thread_key(p)]
        if p["parent_id"] is not None:
            parents = [q for q in thread if q["id"] == p["parent_id"]]
            assert parents, f"{p['id']}: parent {p['parent_id']} is not an earlier post of {p['thread_id']}"
            assert at(parents[0]) <= when
        if p["source"] == "lumen-forum":
            assert p["id"].startswith("f-") and p["thread_id"].startswith("ft-")
            assert ("title" in p) == (not thread), f"{p['id']}: title only on a forum thread's first post"
            number = p["thread_id"][3:]
            assert p["url"] == f"https://forum.lumen.example/t/{number}/{len(thread) + 1}"
        else:
            assert p["id"].startswith("c-") and p["thread_id"].startswith("ct-")
            assert "title" not in p
            assert p["url"] == f"https://chat.lumen.example/#/room/{p['channel']}/{p['id']}"
        assert p["channel"]
        assert isinstance(p["text"], str) and p["text"].strip()
        thread.append(p)

        author = p["author"]
        assert author["id"] in truth["members"]
        member = truth["members"][author["id"]]
        assert (author["name"], author["handle"]) == (member["name"], member["handle"])
        assert identities.setdefault(author["id"], (author["name"], author["handle"])) == (
            author["name"],
            author["handle"],
        )
        if "reactions" in p:
            assert p["reactions"], "reactions is omitted when empty"
            pairs = [(r["by"], r["type"]) for r in p["reactions"]]
            assert len(pairs) == len(set(pairs))
            for by, kind in pairs:
                assert by in truth["members"] and by != author["id"] and kind
    # Every thread keeps one channel, and German threads live in German channels.
    channels = {key: {p["channel"] for p in thread} for key, thread in position.items()}
    assert all(len(c) == 1 for c in channels.values())
    german = {"deutsch", "hilfe"}
    for thread in position.values():
        first_language = truth["posts"][thread[0]["id"]]["language"]
        if first_language == "de":
            assert thread[0]["channel"] in german


def test_members_keep_their_identity_across_sources(posts):
    sources_by_author: dict[str, set[str]] = defaultdict(set)
    for p in posts:
        sources_by_author[p["author"]["id"]].add(p["source"])
    both = [a for a, s in sources_by_author.items() if len(s) == 2]
    assert len(both) >= 20


def test_varied_wording(posts, truth):
    texts = Counter(p["text"] for p in posts)
    assert len(texts) / len(posts) >= 0.9
    trolls = set(truth["trolls"])
    for p in posts:
        if p["author"]["id"] not in trolls:
            assert texts[p["text"]] <= 3, f"repeated {texts[p['text']]} times: {p['text']!r}"


def test_a_few_hostile_or_odd_posts(posts):
    texts = [p["text"] for p in posts]
    assert any("<script>alert(1)</script>" in t for t in texts)
    assert any("<b>bold</b>" in t for t in texts)
    assert any(len(t) > 3000 for t in texts)
    assert any("\u200f" in t for t in texts)
    assert any(any(unicodedata.combining(ch) for ch in t) for t in texts)
    assert any("\u200d" in t for t in texts)
    odd = [t for t in texts if "<" in t or len(t) > 3000 or "\u200f" in t]
    assert len(odd) <= 10


# ------------------------------------------------------------------------------------------ ground truth


def test_every_id_the_truth_names_exists(posts, truth, by_id):
    assert set(truth["posts"]) == set(by_id)
    assert truth["sources"] == ["lumen-forum", "lumen-chat"]
    assert {m["role"] for m in truth["members"].values()} == {"regular", "clique", "troll", "staff"}
    named: list[str] = []
    for c in truth["complaints"]:
        named += [c["post_id"], c["origin_post_id"], *c["me_too"]]
        assert set(c["affected"]) <= set(truth["members"])
    for pile in truth["clique"]["pile_ons"]:
        named += [pile["complaint_post_id"], *pile["joined"]]
    pending = truth["clique"]["pending_pile_on"]
    named.append(pending["complaint_post_id"])
    for troll in truth["trolls"].values():
        named += troll["post_ids"]
    missing = [i for i in named if i not in by_id]
    assert not missing
    assert set(truth["clique"]["members"]) <= set(truth["members"])
    json.dumps(truth)  # serialisable


def test_complaints_have_causes_and_me_toos(truth, by_id):
    complaints = truth["complaints"]
    assert len(complaints) >= 25
    assert len({c["topic"] for c in complaints}) >= 8
    for c in complaints:
        post, origin = by_id[c["post_id"]], by_id[c["origin_post_id"]]
        assert truth["posts"][c["post_id"]]["kind"] == "complaint"
        assert (post["source"], post["thread_id"]) == (c["source"], c["thread_id"])
        assert thread_key(origin) == thread_key(post) and at(origin) <= at(post)
        assert c["author"] == post["author"]["id"]
        assert c["language"] == truth["posts"][c["post_id"]]["language"]
        assert re.search(r"\d{4}-\d\d-\d\d", c["cause"])
        affected = [c["author"]]
        for mid in c["me_too"]:
            me_too = by_id[mid]
            assert thread_key(me_too) == thread_key(post) and at(me_too) > at(post)
            assert truth["posts"][mid]["kind"] == "me_too"
            if me_too["author"]["id"] not in affected:
                affected.append(me_too["author"]["id"])
        assert c["affected"] == affected
    for language in ("en", "de"):
        assert sum(1 for c in complaints if c["language"] == language and len(c["me_too"]) >= 2) >= 5
    # Me-toos are written in German too, some of them inside English threads.
    me_too_languages = {truth["posts"][m]["language"] for c in complaints for m in c["me_too"]}
    assert me_too_languages == {"en", "de"}
    # Some complaints answer an announcement, some turn a friendly thread negative.
    announced = [c for c in complaints if truth["posts"][c["origin_post_id"]]["kind"] == "announcement"]
    assert len(announced) >= 5
    midthread = [
        c
        for c in complaints
        if c["origin_post_id"] == c["post_id"] and by_id[c["post_id"]]["parent_id"] is not None
    ]
    assert len(midthread) >= 3


def test_me_too_wording_varies(truth, by_id):
    texts = [by_id[m]["text"] for c in truth["complaints"] for m in c["me_too"]]
    assert len(texts) >= 150
    assert len(set(texts)) / len(texts) >= 0.85
    lowered = " ".join(texts).lower()
    for phrase in ("same", "+1", "geht mir genauso", "bei mir auch", "dito"):
        assert phrase in lowered
    assert any(t.startswith(">") for t in texts)  # quoting


def test_clique_and_its_pile_ons(posts, truth, by_id):
    clique = set(truth["clique"]["members"])
    assert 5 <= len(clique) <= 6
    assert all(truth["members"][m]["role"] == "clique" for m in clique)
    handles = {truth["members"][m]["handle"]: m for m in clique}

    mentions = reactions = 0
    for p in posts:
        author = p["author"]["id"]
        if author in clique:
            mentions += sum(1 for h, m in handles.items() if m != author and f"@{h}" in p["text"])
            reactions += sum(1 for r in p.get("reactions", []) if r["by"] in clique)
    assert mentions >= 30
    assert reactions >= 30

    piles = truth["clique"]["pile_ons"]
    assert len(piles) >= 3
    for pile in piles:
        complaint = by_id[pile["complaint_post_id"]]
        assert complaint["author"]["id"] in clique
        assert len(pile["joined"]) >= 2
        previous = at(complaint)
        for pid in pile["joined"]:
            join = by_id[pid]
            assert thread_key(join) == thread_key(complaint)
            assert join["author"]["id"] in clique and join["author"]["id"] != complaint["author"]["id"]
            assert previous <= at(join) <= at(complaint) + timedelta(hours=3)
            previous = at(join)


def test_pending_pile_on_is_flaggable_before_it_happens(posts, truth, by_id):
    pending = truth["clique"]["pending_pile_on"]
    clique = set(truth["clique"]["members"])
    complaint = by_id[pending["complaint_post_id"]]
    complainer = complaint["author"]["id"]
    assert complainer in clique
    cutoff = datetime.fromisoformat(pending["cutoff"])
    assert at(complaint) < cutoff
    in_thread = [p for p in posts if thread_key(p) == thread_key(complaint)]
    before = {p["author"]["id"] for p in in_thread if at(p) <= cutoff} - {complainer}
    assert 1 <= len(pending["joined_before"]) <= 2
    assert set(pending["joined_before"]) == before
    assert len(pending["joined_after"]) >= 2
    assert set(pending["joined_before"] + pending["joined_after"]) <= clique - {complainer}
    for member in pending["joined_after"]:
        theirs = [p for p in in_thread if p["author"]["id"] == member]
        assert theirs and cutoff < at(theirs[0]) <= cutoff + timedelta(hours=3)
        elsewhere = [
            p
            for p in posts
            if p["author"]["id"] == member
            and thread_key(p) != thread_key(complaint)
            and cutoff - timedelta(hours=6) <= at(p) <= cutoff
        ]
        assert elsewhere, f"{member} should be active elsewhere before the cutoff"


def test_two_trolls_repeat_their_grievance(posts, truth):
    trolls = truth["trolls"]
    assert len(trolls) == 2
    assert {t["language"] for t in trolls.values()} == {"en", "de"}
    for member_id, troll in trolls.items():
        assert truth["members"][member_id]["role"] == "troll"
        theirs = [p for p in posts if p["author"]["id"] == member_id]
        assert [p["id"] for p in theirs] == troll["post_ids"]
        assert len(theirs) >= 8
        assert {truth["posts"][p["id"]]["kind"] for p in theirs} == {
            "troll"
        }  # never thanks, never accepts help
        repeats = [p for p in theirs if SequenceMatcher(None, p["text"], troll["grievance"]).ratio() >= 0.85]
        assert len(repeats) >= 3
        assert len({thread_key(p) for p in repeats}) >= 3


# ------------------------------------------------------------------------------------------ the CLI


def test_cli_writes_parseable_files(tmp_path, community):
    out, truth_file = tmp_path / "posts.jsonl", tmp_path / "truth.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "careloop.demo.generate",
            "--out",
            str(out),
            "--truth",
            str(truth_file),
            "--seed",
            "7",
            "--end",
            "2026-10-31",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and "posts" in lines[0] and "threads" in lines[0] and "members" in lines[0]
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert written == community[0]
    assert json.loads(truth_file.read_text(encoding="utf-8")) == community[1]
    assert "\\u" not in out.read_text(encoding="utf-8").split("\n", 1)[0]  # ensure_ascii=False
