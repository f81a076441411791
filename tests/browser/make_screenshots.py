"""Take the README's screenshots (queue, case page, dashboard) of the demo community in Debian's chromium.

    .venv/bin/python tests/browser/make_screenshots.py [--out docs/screenshots]

Generates the demo community in a throw-away folder, opens its cases (careloop.listen.opening) if the demo
seed has not, serves it with `careloop serve` and photographs the pages. Not a test: run it by hand after a
change to the pages.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORT = 8765


def prepare(home: Path) -> tuple[str, str]:
    sys.path.insert(0, str(ROOT))
    from careloop.bootstrap import prepare_database, setup

    setup(home)
    prepare_database(migrate=True)
    from careloop.cases.models import Case
    from careloop.community.models import Thread
    from careloop.demo.seed import seed_demo

    login = seed_demo(home)
    if not Case.objects.exists():
        from careloop.listen.opening import process_threads

        process_threads(list(Thread.objects.order_by("started_at").values_list("id", flat=True)))
    print(f"{Case.objects.count()} cases", flush=True)
    return login.username, login.password


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--language", default="en")
    parser.add_argument("--only", choices=("all", "queue-tags", "presence"), default="all",
                        help="queue-tags: only the queue with tags and a saved view (docs/screenshots/queue-tags.png); "
                             "presence: only the case page with a teammate on it and the queue's Team panel "
                             "(case-presence-*.png, team-load-*.png)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="careloop-shots-") as tmp:
        home = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        env["CARELOOP_HOME"] = str(home)
        env["CARELOOP_PRESENCE_POLL"] = "2"  # the presence line redraws within the screenshot's wait
        os.environ.update(env)
        username, password = prepare(home)
        server = subprocess.Popen([sys.executable, "-m", "careloop", "serve", "--no-worker", "--port", str(PORT)],
                                  env=env, cwd=ROOT)
        try:
            base = f"http://127.0.0.1:{PORT}"
            for _ in range(60):
                try:
                    urllib.request.urlopen(f"{base}/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.5)
            shoot(base, username, password, out, args.language, args.only)
        finally:
            server.terminate()
            server.wait(10)


def shoot(base: str, username: str, password: str, out: Path, language: str, only: str = "all") -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 860}, locale=language,
                                extra_http_headers={"Accept-Language": language})
        page.goto(f"{base}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        if only == "queue-tags":
            queue_tags(page, base, out)
            browser.close()
            return
        if only == "presence":
            presence(browser, page, base, out, username, password, language)
            browser.close()
            return
        page.screenshot(path=str(out / "queue.png"))
        page.locator("a.case-link").first.click()
        page.wait_for_selector("#message", state="attached")
        page.goto(page.url + "?template=outreach")
        if page.locator(".metoo summary").count():
            page.locator(".metoo summary").first.click()
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(out / "case.png"))
        draft = page.input_value("#message")
        page.fill("#message", "Calm down, as I already said: " + draft)
        page.wait_for_selector("#tone .tone.warn")
        page.locator("#reach").evaluate("el => el.scrollIntoView()")
        page.screenshot(path=str(out / "case-composer.png"))
        page.goto(f"{base}/dashboard/")
        page.wait_for_selector("body[data-charts=drawn]")
        page.screenshot(path=str(out / "dashboard.png"), full_page=True)
        browser.close()
    print(f"screenshots in {out}")


def queue_tags(page, base: str, out: Path) -> None:
    """The queue with tags on its rows (put on with the bulk bar) and two saved views above it."""
    for rows, tag in (((0, 2, 5), "refund"), ((1, 2), "app 2.3"), ((3, 6), "billing")):
        for n in rows:
            page.locator("table.queue td.pick input").nth(n).check()
        page.fill("form#bulk input[name=tag]", tag)
        page.click("form#bulk button[value=tag]")
        page.wait_for_url(f"{base}/")
    for query, name in (("tag=refund", "Refunds"), ("risk=high&lane=urgent", "Urgent, high risk")):
        page.goto(f"{base}/?{query}")
        page.fill(".save-view input[name=name]", name)
        page.click(".save-view button[type=submit]")
    page.goto(f"{base}/")
    page.screenshot(path=str(out / "queue-tags.png"))


def presence(browser, page, base: str, out: Path, username: str, password: str, language: str) -> None:
    """The case page while jonas (a demo teammate, given a password here) writes on it, at desktop and phone
    width; the queue's Team panel opened, at both widths."""
    from django.contrib.auth.models import User

    from careloop.cases.models import OPEN_STATES, Case

    # Playwright's sync API runs an event loop in this thread; these ORM calls are ordinary blocking ones.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    jonas = User.objects.get(username="jonas")
    jonas.set_password("demo-jonas-password")
    jonas.save()
    case = Case.objects.filter(assignee=jonas, state__in=OPEN_STATES).order_by("-risk", "id").first()
    url = f"{base}/cases/{case.pk}/"
    other = browser.new_page(viewport={"width": 1280, "height": 860}, locale=language)
    other.goto(f"{base}/login/")
    other.fill("#id_username", "jonas")
    other.fill("#id_password", "demo-jonas-password")
    other.click("button[type=submit]")
    other.wait_for_url(f"{base}/")
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale=language)
    phone.goto(f"{base}/login/")
    phone.fill("#id_username", username)
    phone.fill("#id_password", password)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{base}/")
    page.goto(url)
    phone.goto(url)
    other.goto(url)
    other.click("#message")
    other.keyboard.type("Hi, thanks for telling us. I am looking into it right now")
    for shot, name in ((page, "case-presence-desktop"), (phone, "case-presence-390")):
        shot.wait_for_selector("#presence-warning:not([hidden])", timeout=30000)
        shot.evaluate("window.scrollTo(0, 0)")
        shot.screenshot(path=str(out / f"{name}.png"))
    page.locator("#reach").evaluate("el => el.scrollIntoView()")
    page.screenshot(path=str(out / "case-presence-warning.png"))
    for shot, name in ((page, "team-load-desktop"), (phone, "team-load-390")):
        shot.goto(f"{base}/")
        shot.locator("#team summary").click()
        shot.locator("#team").scroll_into_view_if_needed()
        shot.screenshot(path=str(out / f"{name}.png"))


if __name__ == "__main__":
    main()
