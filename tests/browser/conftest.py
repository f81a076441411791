"""A real browser (Debian's chromium, driven by Playwright) against careloop served by pytest-django's live
server. Skipped, with the reason, where chromium or playwright is not installed; scripts/check.sh installs both."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CARELOOP_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = os.environ.get("CARELOOP_SCREENSHOTS")  # a folder: the tests save their screenshots there

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between browser steps
# are ordinary blocking calls, so Django's guard against ORM use inside async code does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.slow

from tests.web.conftest import community, load, login, recording  # noqa: E402,F401 - the same small community


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    missing = pytest.fail if os.environ.get("CI") else pytest.skip  # CI installs both: there, missing is a failure
    try:
        from playwright import sync_api as playwright_api
    except ImportError:
        missing("playwright is not installed (pip install -e '.[test]'; scripts/check.sh does)")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing(f"no chromium at {CHROMIUM} (apt-get install chromium; scripts/check.sh does)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    yield page
    context.close()


def sign_in(page, live_server, username: str, password: str = "a-long-password") -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=False)
