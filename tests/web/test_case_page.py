"""The case page: the whole story, the member, the composer with a live tone check, and every step of the loop
done through the page (each one a call into the case loop)."""

from __future__ import annotations

import pytest

from careloop.cases import outbox
from careloop.cases.models import Case, CaseEvent, CaseState
from tests.conftest import carry

pytestmark = pytest.mark.django_db


def test_the_story_marks_the_complaint_and_groups_the_me_toos(login, community):
    case = community["billing"]
    html = login("viewer").get(f"/cases/{case.pk}/").content.decode()
    complaint = html.index('class="post complaint origin"')
    group = html.index('2 members said "me too"')
    assert complaint < group < html.index("Did you write to support?")
    assert "Same here, two charges on my card." in html and "me too!!" in html
    assert "a complaint about a double charge" in html  # the reasons
    assert "risk 55 %" in html
    assert "<dd>a complaint about a double charge</dd>" in html  # the opening event's reasons, in words


def test_the_member_card(login, community):
    from careloop.cases.state import open_case

    case = community["billing"]
    earlier = open_case(source=case.source, member=case.member, topic="refund", risk=0.2)
    carry(earlier, CaseState.RESOLVED)
    Case.objects.filter(pk=earlier.pk).update(satisfaction=4)
    html = login("viewer").get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/cases/{earlier.pk}/"' in html and "4.0 / 5" in html
    assert "Other cases" in html


def test_template_picker_fills_the_composer(login, community):
    html = login("manager").get(f"/cases/{community['billing'].pk}/?template=outreach").content.decode()
    assert "Hi Member anna" in html and "manager-user" in html  # member's name and the manager's
    assert "charged twice after the price change" in html


def test_live_tone_check(login, community):
    client = login("manager")
    url = f"/cases/{community['billing'].pk}/tone"
    harsh = client.post(url, {"text": "Calm down. As I already said, you always do this."}).content.decode()
    assert "may come across as judging" in harsh and "Kinder:" in harsh
    kind = client.post(url, {"text": "Thank you for telling us, I would like to help."}).content.decode()
    assert "found none of the wordings it looks for" in kind and "sarcasm" in kind
    assert "kind and calm" not in kind  # it says what it checked, it does not vouch for the message


def test_the_whole_loop_through_the_page(login, community, recording):
    client = login("manager")
    case = community["billing"]
    step = f"/cases/{case.pk}/step"

    def do(what: str, **data):
        response = client.post(step, {"do": what, **data}, follow=True)
        assert response.status_code == 200
        return response.content.decode()

    page = do("reach_out", text="Hi Anna, sorry about the double charge. Could you tell me more?", channel="dm")
    assert "Message queued for sending." in page
    assert Case.objects.get(pk=case.pk).state == CaseState.REACHING_OUT
    assert outbox.send_due() == 1  # what the worker does
    assert [m.body for m in recording.sent][0].startswith("Hi Anna, sorry about the double charge")
    do("assign")
    assert Case.objects.get(pk=case.pk).assignee == client.user
    do("item", text="refund the second charge")
    item = Case.objects.get(pk=case.pk).action_items.get()
    assert "refund the second charge" in do("item_done", item=str(item.pk))
    do("note", text="billing confirmed the double charge")
    do("link", url="https://tickets.example.org/42")
    page = do("done")
    assert "a follow-up is scheduled" in page
    assert Case.objects.get(pk=case.pk).state == CaseState.FOLLOWING_UP
    page = do("reply", text="Yes, all sorted now, thank you!", rating="5")
    c = Case.objects.get(pk=case.pk)
    assert c.state == CaseState.RESOLVED and c.satisfaction == 5
    assert "The member rated it 5 of 5." in page
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    for kind in ("opened", "transition", "assigned", "note", "action", "message_in"):
        assert kind in kinds


def test_a_step_that_fails_says_why_and_changes_nothing(login, community):
    client = login("manager")
    case = community["billing"]
    page = client.post(f"/cases/{case.pk}/step", {"do": "reach_out", "text": "  ", "channel": "dm"},
                       follow=True).content.decode()
    assert "the message is empty" in page
    page = client.post(f"/cases/{case.pk}/step", {"do": "link", "url": "javascript:alert(1)"},
                       follow=True).content.decode()
    assert "starts with http://" in page
    assert Case.objects.get(pk=case.pk).state == CaseState.NEW
    assert client.post(f"/cases/{case.pk}/step", {"do": "explode"}).status_code == 404


def test_forms_need_the_csrf_token(community, login):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(login("manager").user)
    case = community["billing"]
    assert client.post(f"/cases/{case.pk}/step", {"do": "note", "text": "x"}).status_code == 403
    assert client.post(f"/cases/{case.pk}/tone", {"text": "x"}).status_code == 403
    assert 'name="csrfmiddlewaretoken"' in client.get(f"/cases/{case.pk}/").content.decode()


def test_member_page(login, community):
    case = community["billing"]
    html = login("viewer").get(f"/members/{case.member_id}/").content.decode()
    assert "I was charged twice" in html and f'href="/cases/{case.pk}/"' in html
    assert "Member anna" in html


def test_a_case_dismissed_as_not_a_complaint_is_no_troll_signal(login, community):
    """Dismissing careloop's own false positive corrects careloop: the member's card accuses them of nothing."""
    earlier = community["login"]
    manager = login("manager")
    assert manager.post(f"/cases/{earlier.pk}/step", {"do": "dismiss", "reason": "not_complaint"}).status_code == 302
    assert Case.objects.get(pk=earlier.pk).state == CaseState.DISMISSED
    later = _open_another(earlier)
    for page in (f"/cases/{later.pk}/", f"/members/{earlier.member_id}/"):
        html = manager.get(page).content.decode()
        assert "Troll signals" not in html and "dismissed as trolling" not in html, page


def test_a_case_dismissed_as_trolling_is_a_troll_signal(login, community):
    earlier = community["login"]
    manager = login("manager")
    manager.post(f"/cases/{earlier.pk}/step", {"do": "dismiss", "reason": "troll"})
    later = _open_another(earlier)
    for page in (f"/cases/{later.pk}/", f"/members/{earlier.member_id}/"):
        html = manager.get(page).content.decode()
        assert "Troll signals" in html and "1 earlier case(s) dismissed as trolling, 0 moderated" in html, page


@pytest.mark.parametrize("reason", ["duplicate", "handled_elsewhere"])
def test_other_dismissals_are_no_troll_signal_either(login, community, reason):
    from careloop.web.story import member_card

    earlier = community["login"]
    login("manager").post(f"/cases/{earlier.pk}/step", {"do": "dismiss", "reason": reason})
    assert member_card(earlier.member).troll_reasons == []


def _open_another(earlier: Case) -> Case:
    """A new case of the same member, whose page shows their card."""
    from careloop.cases.state import open_case

    return open_case(source=earlier.source, member=earlier.member, post=earlier.post, topic="login again", risk=0.3)


def test_the_manager_decides_when_the_reply_came_another_way(login, community, recording):
    from careloop.cases.act import mark_action_done
    from careloop.cases.reach_out import reach_out

    client = login("manager")
    case = community["billing"]
    reach_out(case, client.user, "Hi Anna, can we talk?", "dm")
    mark_action_done(case, client.user)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'value="judge"' in page
    page = client.post(f"/cases/{case.pk}/step", {"do": "judge", "satisfied": "yes", "rating": "4"},
                       follow=True).content.decode()
    assert "the closing message is on its way" in page
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.RESOLVED and case.satisfaction == 4


def test_a_failed_message_is_shown_and_retried_or_stopped_from_the_page(login, community, recording):
    from careloop.cases.reach_out import reach_out
    from careloop.connectors.base import PermanentFailure

    client = login("manager")
    case = community["billing"]
    reach_out(case, client.user, "Hi Anna, sorry about the double charge. Can we talk?", "dm")
    recording.failures.append(PermanentFailure("the member does not accept direct messages"))
    assert outbox.send_due() == 1
    message = case.outbox.get()
    assert message.status == "failed"

    page = client.get(f"/cases/{case.pk}/").content.decode()
    card = page[page.index('id="outbox"'):page.index('id="timeline"')]
    assert "Outreach" in card and "failed" in card and "does not accept direct messages" in card
    assert 'value="retry_message"' in card and 'value="cancel_message"' in card
    assert login("viewer").post(f"/cases/{case.pk}/step", {"do": "retry_message", "message": message.pk}
                                ).status_code == 403  # a viewer may not send

    page = client.post(f"/cases/{case.pk}/step", {"do": "retry_message", "message": message.pk},
                       follow=True).content.decode()
    assert "The message is queued again." in page
    assert outbox.send_due() == 1
    message.refresh_from_db()
    assert message.status == "sent" and recording.sent[-1].body.startswith("Hi Anna, sorry about the double charge")
    card = (page := client.get(f"/cases/{case.pk}/").content.decode())[page.index('id="outbox"'):]
    assert 'value="retry_message"' not in card.split('id="timeline"')[0]  # nothing left to do about it

    page = client.post(f"/cases/{case.pk}/step", {"do": "retry_message", "message": message.pk},
                       follow=True).content.decode()
    assert "only failed or unsure ones can be retried" in page  # a stale page says why, and sends nothing twice
    assert len(recording.sent) == 1

    reach_out_again = client.post(f"/cases/{case.pk}/step", {"do": "reach_out", "text": "One more thing, Anna.",
                                                             "channel": "dm"}, follow=True)
    assert reach_out_again.status_code == 200
    queued = case.outbox.exclude(pk=message.pk).get()
    page = client.post(f"/cases/{case.pk}/step", {"do": "cancel_message", "message": queued.pk},
                       follow=True).content.decode()
    assert "The message will not be sent." in page
    assert outbox.send_due() == 0 and len(recording.sent) == 1
    assert client.post(f"/cases/{case.pk}/step", {"do": "cancel_message", "message": "99999"},
                       follow=True).content.decode().count("That message is not on this case.") == 1
    actions = [e.details.get("what") for e in CaseEvent.objects.filter(case=case, kind="action")]
    assert "retry_message" in actions and "cancel_message" in actions


def test_the_first_message_can_come_with_a_note_in_the_thread(login, community, recording):
    client = login("manager")
    case = community["billing"]
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="post_public"' in page and "We&#x27;ve sent you a private message" in page  # the template, filled
    assert '<input type="checkbox" name="post_public" value="yes" id="post-public">' in page  # opt-in: unticked
    step = f"/cases/{case.pk}/step"
    page = client.post(step, {"do": "reach_out", "text": "Hi Anna, can we talk?", "channel": "dm",
                              "post_public": "yes", "public_note": "  "}, follow=True).content.decode()
    assert "The note for the thread is empty" in page and not case.outbox.exists()
    page = client.post(step, {"do": "reach_out", "text": "Hi Anna, can we talk?", "channel": "dm",
                              "post_public": "yes", "public_note": "Thanks Anna, we have written to you."},
                       follow=True).content.decode()
    assert "Message and note for the thread queued for sending." in page
    assert outbox.send_due() == 2
    kinds = sorted((m.kind, m.body) for m in recording.sent)
    assert kinds == [("private", "Hi Anna, can we talk?"), ("public_reply", "Thanks Anna, we have written to you.")]
    assert 'name="post_public"' not in client.get(f"/cases/{case.pk}/").content.decode()  # only with the first one


def test_a_later_message_while_reaching_out_may_bring_the_note_and_none_after(login, community, recording):
    """The step takes a thread note with any message while the case is reaching out: the composer offers it until
    one is in the thread; the call time only on a new case (it is recorded as the case leaves new). On an acting
    case the step refuses both in its words, and nothing is sent."""
    client = login("manager")
    case = community["billing"]
    step = f"/cases/{case.pk}/step"
    assert 'name="call_time"' in client.get(f"/cases/{case.pk}/").content.decode()
    client.post(step, {"do": "reach_out", "text": "Hi Anna, can we talk?", "channel": "dm", "call_time": "Tue 15:00"})
    case.refresh_from_db()
    assert case.state == CaseState.REACHING_OUT
    assert case.events.get(to_state=CaseState.REACHING_OUT).details["call_time"] == "Tue 15:00"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="post_public"' in page and 'name="call_time"' not in page  # a later message, the note still offered
    page = client.post(step, {"do": "reach_out", "text": "One more thing.", "post_public": "yes",
                              "public_note": "We have written to Anna."}, follow=True).content.decode()
    assert "Message and note for the thread queued for sending." in page
    assert 'name="post_public"' not in client.get(f"/cases/{case.pk}/").content.decode()  # one note in the thread
    carry(case, "acting")
    sent = case.outbox.count()
    page = client.post(step, {"do": "reach_out", "text": "And another.", "post_public": "yes",
                              "public_note": "Again."}, follow=True).content.decode()
    assert "go with the first outreach only" in page and case.outbox.count() == sent


def test_a_new_case_can_be_handed_to_moderation_with_the_warning_drafted(login, community, recording):
    """The Act panel's "Hand to moderation" (act.moderate): on a new case only, for a role that works the case,
    its private warning drafted from the "warning" template; the case goes to the moderators' team."""
    assert "Hand to moderation" not in login("viewer").get(f"/cases/{community['billing'].pk}/").content.decode()
    client = login("manager")
    case = community["billing"]
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'value="moderate"' in page and "community guidelines" in page  # the template, filled in
    page = client.post(f"/cases/{case.pk}/step", {"do": "moderate", "warning": "Please keep it civil, Anna.",
                                                  "moderator": ""}, follow=True).content.decode()
    assert "Handed to moderation: the private warning is on its way." in page
    case.refresh_from_db()
    assert case.state == CaseState.MODERATED and case.team == "moderators" and case.assignee is None
    assert list(case.outbox.values_list("purpose", "kind", "body")) == [("warning", "private",
                                                                         "Please keep it civil, Anna.")]
    assert 'value="moderate"' not in page  # a closed case: no more moderation form


@pytest.mark.parametrize(("do", "field"), [("note", "text"), ("item", "text"), ("reply", "text"),
                                           ("reach_out", "text"), ("reach_out", "public_note")])
def test_a_text_too_long_or_with_a_nul_is_refused_on_the_page_and_nothing_is_stored(login, community, do, field):
    """The page holds what a teammate writes to the API's limits: at most 10,000 characters, no NUL."""
    client = login("manager")
    case = community["billing"]
    events = CaseEvent.objects.filter(case=case).count()
    data = {"do": do, "text": "Thanks for telling us.", "post_public": "yes", "public_note": "We are on it."}
    data[field] = "x" * 10_001
    page = client.post(f"/cases/{case.pk}/step", data, follow=True).content.decode()
    assert "10,001 characters long; at most 10,000 fit" in page
    data[field] = "a paste \x00 with a NUL"
    page = client.post(f"/cases/{case.pk}/step", data, follow=True).content.decode()
    assert "NUL character" in page
    assert CaseEvent.objects.filter(case=case).count() == events
