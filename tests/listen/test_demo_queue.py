"""Acceptance on the demo community: the demo's timeline replayed, checked against the generator's ground truth.

Everything up to the moment the clique is about to pile on is imported and processed in one batch (as an
import would be); the rest arrives afterwards and goes through the incremental path (as new posts do).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from careloop.cases.models import OPEN_STATES, Case, CaseEvent
from careloop.cases.ranking import in_queue_order
from careloop.community.ingest import Importer
from careloop.community.models import Post
from careloop.demo.generate import generate
from careloop.demo.seed import SOURCES
from careloop.listen.context import find_origin
from careloop.listen.incremental import clear_graph_cache, update_everything, update_threads
from careloop.listen.scoring import score_posts

pytestmark = pytest.mark.django_db


def import_and_score(posts: list[dict]) -> list[int]:
    importer = Importer(source_defaults=SOURCES)
    importer.feed(("demo", n, p) for n, p in enumerate(posts, 1))
    importer.finish()
    ids = list(Post.objects.filter(external_id__in=[p["id"] for p in posts]).values_list("id", flat=True))
    score_posts(ids)
    return ids


@pytest.mark.xfail(strict=False, reason="issue 13 open: the judgment is learned on English support threads; on the "
                   "demo's German and chat posts it misses planted complaints, over-opens on chat lines and ranks "
                   "some of them at severity 2 (2 of the 10 most urgent open cases are planted complaints)")
def test_the_demo_queue_against_the_ground_truth():
    clear_graph_cache()
    posts, truth = generate()
    pending = truth["clique"]["pending_pile_on"]
    cutoff = datetime.fromisoformat(pending["cutoff"])
    end = datetime.fromisoformat(truth["end"])
    before = [p for p in posts if datetime.fromisoformat(p["created_at"]) <= cutoff]
    after = [p for p in posts if datetime.fromisoformat(p["created_at"]) > cutoff]

    # --- up to the cutoff: the clique's friends have not joined yet, and the case already says they will
    import_and_score(before)
    update_everything(at=cutoff)
    assert not Post.objects.filter(external_id__in=pending["joined_after_post_ids"]).exists()
    case = Case.objects.get(post__external_id=pending["complaint_post_id"])
    assert case.risk >= 0.5, case.reasons
    pile_on = [r for r in case.reasons if r.startswith("Risk: pile-on")]
    assert pile_on and "active right now and have not joined yet" in pile_on[0], case.reasons

    # --- the rest of the timeline arrives: only the touched threads are recomputed
    update_threads(import_and_score(after), at=end)
    joined = set(Post.objects.filter(external_id__in=pending["joined_after_post_ids"])
                 .values_list("author__external_id", flat=True))
    assert joined == set(pending["joined_after"]), "the flagged friends really joined, after the warning"

    queue = list(Case.objects.filter(state__in=OPEN_STATES).select_related("post__author", "member"))
    by_post = {c.post.external_id: c for c in queue}
    repeats = {e.details["repeat_post"]: e.case_id for e in CaseEvent.objects.filter(details__has_key="repeat_post")}
    ids = dict(Post.objects.values_list("external_id", "id"))

    # The ten most urgent open cases are all planted complaints (a case on the complaint or its origin).
    planted = {c["post_id"] for c in truth["complaints"]} | {c["origin_post_id"] for c in truth["complaints"]}
    top = list(in_queue_order(Case.objects.filter(state__in=OPEN_STATES), end).select_related("post")[:10])
    for n, c in enumerate(top, 1):
        print(f"top {n}: {'complaint' if c.post.external_id in planted else 'NOT a complaint'} · severity "
              f"{c.severity} · {c.post.external_id} · {c.post.text[:80]!r} · {c.reasons[:3]}")
    top_ok = sum(c.post.external_id in planted for c in top)
    print(f"the ten most urgent open cases: {top_ok} of {len(top)} are planted complaints")

    # The planted complaints are in the queue: a case of their own, or on the member's case about the same thing.
    found = [c for c in truth["complaints"] if c["post_id"] in by_post or ids[c["post_id"]] in repeats]
    for c in truth["complaints"]:
        if c not in found:
            print("MISSED", c["post_id"], Post.objects.get(external_id=c["post_id"]).text[:160])
    own = [c for c in truth["complaints"] if c["post_id"] in by_post]
    print(f"planted complaints in the queue: {len(found)} of {len(truth['complaints'])} ({len(own)} with a case "
          f"of their own); open cases: {len(queue)}")
    assert len(found) >= 0.9 * len(truth["complaints"])
    assert len(queue) <= 2.5 * len(truth["complaints"]), "the queue is not flooded with non-complaints"

    # ... with their origins ...
    right = sum(find_origin(by_post[c["post_id"]].post).origin.external_id == c["origin_post_id"] for c in own)
    assert right >= 0.85 * len(own), f"{right} of {len(own)} origins right"
    assert all(by_post[c["post_id"]].summary for c in own)

    # ... and their me-too groups: the affected members are on the case, not in cases of their own.
    expected = affected = correct = 0
    for c in own:
        members = set(by_post[c["post_id"]].affected.values_list("member__external_id", flat=True))
        expected += len(c["affected"])
        affected += len(members)
        correct += len(members & set(c["affected"]))
    print(f"me-too groups: recall {correct / expected:.2f}, precision {correct / affected:.2f}")
    assert correct >= 0.85 * expected and correct >= 0.85 * affected
    me_too_posts = {p for c in truth["complaints"] for p in c["me_too"]}
    assert len(me_too_posts & set(by_post)) <= 0.05 * len(me_too_posts), "me-too replies are not cases of their own"

    # Every case carries its reasons in words and its risk; the trolls' cases carry their troll signals.
    assert all(c.reasons and c.risk is not None for c in queue)
    trolls = set(truth["trolls"])
    troll_cases = [c for c in queue if c.member.external_id in trolls]
    assert {c.member.external_id for c in troll_cases} == trolls
    assert all(any(r.startswith("troll signals") for r in c.reasons) for c in troll_cases)
    others = [c for c in queue if c.member.external_id not in trolls]
    assert not any(r.startswith("troll signals") for c in others for r in c.reasons)
    assert top_ok == len(top) == 10, "the ten most urgent open cases are all complaints"
