"""`careloop demo` as a newcomer meets it, in a real browser: a message sent from the case page is recorded as
delivered by the worker the demo starts, and the demo's teammates can be assigned and filtered by."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.cli.test_demo import demo_env, read_banner
from tests.cli.test_serve import free_port, wait_for
from tests.conftest import CARELOOP

pytestmark = pytest.mark.slow


@dataclass
class RunningDemo:
    url: str
    username: str
    password: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[RunningDemo]:
    """One `careloop demo` (web app and its worker, SQLite in its own folder) for the tests of this file."""
    home = tmp_path_factory.mktemp("demo") / "home"
    port = free_port()
    process = subprocess.Popen([*CARELOOP, "demo", "--port", str(port), "--no-open", "--home", str(home)],
                               env=demo_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        banner = read_banner(process, timeout=600)
        username, password = re.search(r"log in as\s+(\S+)\s+with password\s+(\S+)", banner).groups()
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/login/")
        yield RunningDemo(url, username, password)
    finally:
        process.send_signal(signal.SIGTERM)  # SIGINT is ignored where the tests run in a background job
        try:
            process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def sign_in_demo(page, demo: RunningDemo) -> None:
    page.goto(f"{demo.url}/login/")
    page.fill("#id_username", demo.username)
    page.fill("#id_password", demo.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{demo.url}/")


def open_a_new_case(page, demo: RunningDemo) -> str:
    page.goto(f"{demo.url}/?state=new")
    page.locator("table.queue a.case-link").first.click()
    page.wait_for_url(re.compile(r".*/cases/\d+/$"))
    return page.url


def test_a_message_sent_in_the_demo_is_recorded_as_delivered_by_the_demos_worker(page, demo):
    sign_in_demo(page, demo)
    case_url = open_a_new_case(page, demo)
    page.fill("#message", "Hi, I'm sorry this happened. Could you tell me which device you use?")
    page.click("#outreach button[type=submit]")
    page.locator(".messages", has_text="Message queued for sending.").wait_for()

    deadline = time.monotonic() + 60  # the worker the demo started sends it within seconds
    message = page.locator(".outbox-list li.message").last
    while "sent" not in (message.get_attribute("class") or "") and time.monotonic() < deadline:
        assert "failed" not in (message.get_attribute("class") or ""), message.inner_text()
        time.sleep(1)
        page.goto(case_url)
        message = page.locator(".outbox-list li.message").last
    assert "sent" in message.get_attribute("class"), message.inner_text()
    assert "cannot write back" not in page.content()
    assert "demo-recorded-" in page.locator("section.timeline-section").inner_text()


def test_the_demos_teammates_can_be_assigned_and_filtered_by(page, demo):
    sign_in_demo(page, demo)
    page.goto(f"{demo.url}/")
    filter_names = page.locator("select[name=assignee] option").all_inner_texts()
    assert {"jonas", "mara", "priya"} <= set(filter_names), filter_names

    open_a_new_case(page, demo)
    picks = page.locator("#assign-user option").all_inner_texts()  # "mara · 28 open": each teammate's load
    assert {"jonas", "mara", "priya"} <= {p.split(" · ")[0] for p in picks}, picks
    assert all(re.fullmatch(r"\w+( \(me\))? · \d+ open", p) for p in picks if p != "—"), picks
    jonas = page.locator("#assign-user option", has_text=re.compile(r"^jonas · ")).get_attribute("value")
    page.select_option("#assign-user", value=jonas)
    page.click("form:has(#assign-user) button[type=submit]")
    page.locator(".messages", has_text="Assigned.").wait_for()
    assert page.locator("#case-assignee").inner_text() == "jonas"
    assert page.locator("#assign-user option:checked").inner_text().startswith("jonas · ")  # who has it
    case_number = re.search(r"/cases/(\d+)/", page.url).group(1)

    page.goto(f"{demo.url}/")
    page.select_option("select[name=assignee]", label="jonas")
    page.click("form:has(select[name=assignee]) button[type=submit]")
    page.wait_for_url(re.compile(r".*assignee=\d+.*"))
    assert page.locator(f"table.queue a.case-link[href='/cases/{case_number}/']").count() == 1
