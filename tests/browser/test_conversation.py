"""The conversation with the member in a real browser: a message sent from the case page and the member's reply
recorded on it show as chat bubbles in order (the team's right, the member's left), beside the public thread on a
wide screen with the composer under it, and at 390 px stacked without sideways scroll. With
CARELOOP_SCREENSHOTS=docs/screenshots: conversation-desktop.png and conversation-390.png."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User

from careloop.cases import outbox
from careloop.cases.follow_up import read_replies
from careloop.community.models import Source
from careloop.connectors.base import PermanentFailure, PrivateReply
from careloop.web.roles import set_role
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def bubbles(page) -> list[tuple[str, str]]:
    return page.evaluate("""() => [...document.querySelectorAll('#chat .turn')].map(
        li => [li.classList[1].slice(5), li.querySelector('.turn-body').innerText])""")


def test_send_and_record_a_reply_then_read_them_as_a_chat(page, live_server, browser, community, recording):
    manager = User.objects.create_user("maria", "maria@example.org", "a-long-password")
    set_role(manager, "manager")
    case = community["billing"]
    sign_in(page, live_server, "maria")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert page.locator("#chat-empty").is_visible()

    page.fill("#message", "Hi Anna, I am sorry about the double charge. Which card was it on?")
    page.click("#outreach button[type=submit]")
    page.locator(".messages", has_text="Message queued for sending.").wait_for()
    outbox.send_due()  # the worker's part
    recording.replies.append(PrivateReply(sender=case.member.external_id, body="The visa card, ending 4242.",
                                          external_id="reply-1", at=datetime.now(UTC)))
    assert read_replies(Source.objects.get(pk=case.source_id)) == 1  # the member answers by DM

    page.reload()
    page.fill("#message", "Thank you! Billing is refunding it today.")
    recording.failures.append(PermanentFailure("the member does not accept direct messages right now"))
    page.click("#outreach button[type=submit]")
    page.locator(".messages", has_text="Message queued for sending.").wait_for()
    outbox.send_due()
    page.reload()
    page.fill("#reply", "She phoned: the refund is on her statement, thanks.")
    page.select_option("#came-by", "phone")
    page.click("form:has(#reply) button[type=submit]")
    page.locator(".messages", has_text="Reply recorded.").wait_for()

    assert bubbles(page) == [
        ["post", "I was charged twice after the price change. This is not ok."],
        ["team", "Hi Anna, I am sorry about the double charge. Which card was it on?"],
        ["member", "The visa card, ending 4242."],
        ["team", "Thank you! Billing is refunding it today."],
        ["member", "She phoned: the refund is on her statement, thanks."],
    ]
    failed = page.locator("#chat .turn-team.failed")
    assert "does not accept direct messages" in failed.inner_text()
    assert "by phone, recorded by maria" in page.locator("#chat .turn-member").last.inner_text()
    # the team's bubbles on the right, the member's on the left; the chat beside the thread, the composer under it
    team, member = (page.locator(f"#chat .turn-{s} .bubble").first.bounding_box() for s in ("team", "member"))
    chat_box = page.locator("section.conversation").bounding_box()
    assert team["x"] + team["width"] > chat_box["x"] + chat_box["width"] - 40 > member["x"] + member["width"]
    story, composer = page.locator("section.story").bounding_box(), page.locator("section.composer").bounding_box()
    assert chat_box["x"] > story["x"] + story["width"] - 1 and abs(composer["x"] - chat_box["x"]) < 2
    assert chat_box["y"] + chat_box["height"] <= composer["y"]
    assert page.locator("section.timeline-section", has_text="recorded by maria").count() == 1  # the record stays
    page.locator("section.conversation").scroll_into_view_if_needed()
    screenshot(page, "conversation-desktop")

    failed.locator("button[value=retry_message]").click()  # the failed one, retried from its bubble
    page.locator(".messages", has_text="The message is queued again.").wait_for()
    outbox.send_due()
    page.reload()
    assert page.locator("#chat .turn-team.failed").count() == 0 and page.locator("#chat .turn-team.sent").count() == 2
    assert page.dialogs == [] and not page.console_errors, page.console_errors

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    try:
        small = phone.new_page()
        sign_in(small, live_server, "maria")
        small.goto(f"{live_server.url}/cases/{case.pk}/")
        width = small.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{width[0]} px wide on a {width[1]} px screen"
        chat_box, composer = (small.locator(s).bounding_box() for s in ("section.conversation", "section.composer"))
        assert chat_box["y"] + chat_box["height"] <= composer["y"]  # stacked, the composer right under it
        assert [b[0] for b in bubbles(small)] == ["post", "team", "member", "team", "member"]
        small.locator("section.conversation").scroll_into_view_if_needed()
        screenshot(small, "conversation-390")
    finally:
        phone.close()


def test_a_long_conversation_keeps_the_composer_and_act_near_on_a_phone(browser, live_server, community, recording):
    from careloop.cases.follow_up import record_member_reply
    from careloop.cases.reach_out import reach_out, send_private_message

    manager = User.objects.create_user("maria", "maria@example.org", "a-long-password")
    set_role(manager, "manager")
    case = community["billing"]
    reach_out(case, manager, "Hi Anna, sorry about the double charge. " * 6, "dm")
    for n in range(7):
        record_member_reply(case, f"reply {n}: it is still on my statement, " * 5, recorded_by=manager,
                            came_by="email", use_classifier=False)
        send_private_message(case, manager, f"message {n}: I have asked billing again, " * 5)
    outbox.send_due()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    try:
        page = context.new_page()
        sign_in(page, live_server, "maria")
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{width[0]} px wide on a {width[1]} px screen"
        tops = page.evaluate("""() => ['#outreach', 'section.act'].map(
            s => document.querySelector(s).getBoundingClientRect().top + window.scrollY)""")
        assert all(top < 2 * 844 for top in tops), tops
        assert page.locator("details.older-turns summary").inner_text() == "8 earlier messages"  # the post and 7 more
        box, last = page.locator(".chat-scroll").bounding_box(), page.locator("#chat .turn").last.bounding_box()
        assert box["y"] <= last["y"] and last["y"] + last["height"] <= box["y"] + box["height"] + 1  # the newest shows
        assert "message 6" in page.locator("#chat .turn").last.inner_text()
    finally:
        context.close()
