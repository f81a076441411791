"""Origins of the demo community's complaints, against the generator's ground truth."""

from __future__ import annotations

import pytest

from careloop.community.models import Post
from careloop.listen.context import cause_sentence, find_origin, summarize

pytestmark = pytest.mark.django_db


def test_the_cause_sentence_is_the_one_that_names_the_event():
    text = "Hi all. Since the 3.2 update on Monday the app logs me out every time. Any ideas? Thanks!"
    assert cause_sentence(text) == "Since the 3.2 update on Monday the app logs me out every time."
    assert cause_sentence("hello there, lovely photo") == ""


def test_summary_names_the_cause_and_the_people_affected():
    class P:
        text = "@anna Since the update on 3 May login is broken. Help!"

    assert summarize(P, P, affected=5) == "Since the update on 3 May login is broken; 5 members report it"


def test_origins_of_the_demo_complaints(demo):
    truth = demo
    right = 0
    for c in truth["complaints"]:
        post = Post.objects.select_related("author").get(source__name=c["source"], external_id=c["post_id"])
        origin = find_origin(post, affected=len(c["affected"]))
        right += origin.origin.external_id == c["origin_post_id"]
        assert origin.chain[-1] == post and origin.summary.endswith(f"{len(c['affected'])} members report it")
    print(f"origins right: {right} of {len(truth['complaints'])}")
    assert right / len(truth["complaints"]) >= 0.85, f"{right} of {len(truth['complaints'])} origins right"
