"""The live tone check has a length cap (issue 16 point 4): 2 MB of shouting in is a short answer out, checked in
well under a second, and the findings cover the start of the draft (as long as a message may be)."""

from __future__ import annotations

import time

from careloop.cases.tone import MAX_CHECKED_CHARS, MAX_FINDINGS, check_tone

SHOUTING = "CALM DOWN!!! As I already said, you always do this. "


def test_a_huge_draft_gives_a_bounded_list_of_findings():
    huge = SHOUTING * (2_000_000 // len(SHOUTING))
    findings = check_tone(huge, "en")
    assert 0 < len(findings) <= MAX_FINDINGS
    assert all(f.span[1] <= MAX_CHECKED_CHARS for f in findings)
    assert check_tone(SHOUTING, "en") == findings[:len(check_tone(SHOUTING, "en"))]  # the same rules, the same start


def test_two_megabytes_through_the_page_answer_in_kilobytes(login, community):
    client = login("manager")
    url = f"/cases/{community['billing'].pk}/tone"
    started = time.process_time()
    response = client.post(url, {"text": SHOUTING * (2_000_000 // len(SHOUTING))})
    used = time.process_time() - started
    assert response.status_code == 200 and "may come across as judging" in response.content.decode()
    assert len(response.content) < 200_000, f"{len(response.content):,} bytes for one tone check"
    assert used < 1.0, f"{used:.2f} s of CPU for one tone check"
