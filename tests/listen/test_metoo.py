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


CHAT_OPENER = ("Random thread: what's your frame showing today? Mine is stuck on the dog, about 90% of the time "
               "and I'm not complaining.")
CHAT_OPENER_DE = ("Was zeigt euer Rahmen gerade? Bei mir hängt er seit Wochen auf den Hundefotos fest, und ich "
                  "beschwere mich nicht.")


@pytest.mark.parametrize(("opener", "reply"), [
    (CHAT_OPENER, "Same here! Whatever my kids send from uni"),  # the demo's false me-too
    (CHAT_OPENER, "Same here! Whatever my kids send from uni, which is mostly food. 😄"),
    (CHAT_OPENER, "Ha, same. Leaves on wet pavement, my favourite subject every October."),
    (CHAT_OPENER_DE, "Geht mir genauso! Was die Kinder aus dem Studium schicken, meistens Essen."),
    (CHAT_OPENER_DE, "Ha, bei mir auch. Nasse Blätter auf dem Gehweg, jedes Jahr mein Lieblingsmotiv."),
])
def test_agreeing_with_something_that_is_no_problem_is_no_me_too(opener, reply):
    """A me-too agrees with a problem: "same here" followed by chat about something else is chat."""
    assert find_me_toos(opener, [reply]) == []


@pytest.mark.parametrize(("complaint", "reply"), [
    ("My Frame 2 order is still stuck on 'processing' since they pushed the shipping date.",
     "Same here. Ordered on day one, order #61804."),
    (COMPLAINT, "Same here! The app logs me out as well, every single time."),
    ("Seit der neuen Version dreht sich die Anmeldung endlos.",
     "Geht mir genauso. Auf dem Tablet geht's, nur das Handy spinnt."),
    ("Seit der Umstellung hat mein Ticket keine Antwort.", "Bei mir auch, mein Ticket steht nur auf 'offen'."),
])
def test_same_here_with_the_problem_in_other_words_is_a_me_too(complaint, reply):
    assert [m.index for m in find_me_toos(complaint, [reply])] == [0]
