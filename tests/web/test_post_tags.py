"""A post's "toxic" and "complaint" tags on the member and thread pages follow the score thresholds
(careloop.community.scores, through Post.is_toxic and Post.reads_as_complaint), written nowhere else."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from careloop.community.models import Post

pytestmark = pytest.mark.django_db


def tags_of(html: str, external_text: str) -> list[str]:
    """The tags in the <li> of the post whose text is `external_text`."""
    item = next(li for li in re.findall(r'<li class="post[^"]*".*?</li>', html, re.S) if external_text in li)
    return re.findall(r'<span class="tag(?: warn)?">([^<]+)</span>', item)


def test_the_tags_read_the_thresholds(login, community):
    posts = community["posts"]
    Post.objects.filter(pk=posts["1"].pk).update(toxicity=0.5, complaint=0.49)  # toxic, not quite a complaint
    Post.objects.filter(pk=posts["2"].pk).update(toxicity=0.49, complaint=0.5)  # a complaint, not toxic
    client = login("viewer")
    member = client.get(reverse("web:member", args=[posts["1"].author_id])).content.decode()
    assert tags_of(member, "I was charged twice") == ["toxic"]
    thread = client.get(reverse("web:thread", args=[posts["1"].thread_id])).content.decode()
    assert "toxic" in tags_of(thread, "I was charged twice") and "complaint" not in tags_of(thread, "charged twice")
    assert "complaint" in tags_of(thread, "two charges on my card") and "toxic" not in tags_of(thread, "two charges")
