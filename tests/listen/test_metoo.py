"""Me-too replies, in English and German: said outright, or the same problem in other words."""

from __future__ import annotations

import pytest

from careloop.demo.generate import generate
from careloop.listen.metoo import find_me_toos

COMPLAINT = "Since the 3.2 update the app logs me out every time I open it. Really annoying."


@pytest.mark.parametrize("reply", [
    "+1", "Same here", "same issue on my Pixel 8", "me too, since yesterday", "Also affected.", "ditto",
    "Can confirm, Android 14", "Happens to me as well", "I have the same problem",
    "Geht mir genauso", "bei mir auch!", "Hab das gleiche Problem", "Kann ich bestätigen.", "Ich auch seit gestern",
    "The app keeps logging me out every time I open it since the update",  # a paraphrase, no marker
])
def test_me_too_replies(reply):
    assert [m.index for m in find_me_toos(COMPLAINT, [reply])] == [0]


@pytest.mark.parametrize("reply", [
    "Works fine here on my iPhone.", "No problems for me", "Bei mir läuft alles normal", "Keine Probleme hier",
    "Have you tried reinstalling?", "Welcome to the forum!", "Probier mal, die App neu zu installieren.",
    "Updated to 3.2.1 and it works again", "Sorted it: clearing the cache worked for me",
])
def test_other_replies(reply):
    assert find_me_toos(COMPLAINT, [reply]) == []


def test_on_the_demo_community_against_its_ground_truth():
    posts, truth = generate()
    by_id = {p["id"]: p for p in posts}
    found_right = found_wrong = missed = 0
    for c in truth["complaints"]:
        complaint = by_id[c["post_id"]]
        later = [p for p in posts if (p["source"], p["thread_id"]) == (complaint["source"], complaint["thread_id"])
                 and p["created_at"] > complaint["created_at"] and p["author"]["id"] != complaint["author"]["id"]]
        found = {later[m.index]["id"] for m in find_me_toos(complaint["text"], [p["text"] for p in later])}
        found_right += len(found & set(c["me_too"]))
        found_wrong += len(found - set(c["me_too"]))
        missed += len(set(c["me_too"]) - found)
    precision = found_right / (found_right + found_wrong)
    recall = found_right / (found_right + missed)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)
