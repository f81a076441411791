"""Hostile probe (issue 16), compact and re-runnable, against a real `careloop serve`.

Makes a throwaway CARELOOP_HOME (SQLite; `--db postgres` uses a fresh database on
postgres://postgres@127.0.0.1:5432/careloop_probe and REDIS_URL=redis://127.0.0.1:6379/13), an admin and a
viewer with API tokens, a signed webhook source, starts `careloop serve` (waitress + its worker) on a free port,
then:

  a) bad inputs: ~100 hostile inputs through the webhook, the API and `careloop import` (HTML/script texts,
     1 MB / 100 KB texts, NUL, unpaired surrogates, 5,000-deep JSON, odd Unicode, wrong types, missing fields,
     bad signatures, replays, bodies over the limit, `%0A` paths). Handled = a 2xx/4xx answer with a JSON or
     HTML body within 10 s (never a 500), the expected status where one is certain, and every valid post
     among them stored exactly once with its text unchanged;
  b) requests: a few thousand normal requests (GET /health, GET /api/cases, signed webhook posts) from
     several threads; failed = 5xx (other than /health's truthful 503), no answer, or over 30 s;
  c) roles: the viewer's token POSTing to every write endpoint must get 403;
  d) faults: the worker SIGKILLed mid-import (the serve supervisor restarts it; afterwards every post is
     stored once, scored and listened to), and 120 half-open connections while /health answers within 2 s.

Prints a Markdown table (| what | sent/tried | ok/handled | failed |), the failures by name, and a last line
of JSON with the same numbers. Takes about 2–4 minutes.

    python bench/probe.py [--db postgres] [--keep] [--load 3000]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SECRET = "probe-webhook-secret-0123456789"
HOOK = "probe-hook"
PASSWORD = "probe-password-123"
COMPLAINTS = ["the app update broke login again and support never answers my ticket",
              "billing charged me twice, please fix this, I am really angry",
              "same here since Tuesday, sync is stuck and nobody replies",
              "thanks for the quick help, works now", "great feature idea, love it"]

RESULTS: dict[str, dict] = {}
FAILURES: list[str] = []
NOTES: list[str] = []
VALID: dict[str, str] = {}  # external id -> the exact text it must be stored with (posts sent that must be stored once)


def now_iso(delta: float = 0) -> str:
    return (datetime.now(UTC) + timedelta(seconds=delta)).isoformat()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign(body: bytes, ts: int | None = None, secret: str = SECRET) -> dict[str, str]:
    from careloop.connectors.webhook.signing import sign as _sign

    return _sign(secret, body, ts)


class Client:
    def __init__(self, port: int) -> None:
        self.port = port

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                timeout: float = 10) -> tuple[int | None, str, bytes, float]:
        """(status or None on no answer/timeout, content type, body, seconds)."""
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            hdrs = {"Content-Type": "application/json", **(headers or {})}
            if body is not None and "Content-Length" not in hdrs:
                hdrs["Content-Length"] = str(len(body))
            for k, v in hdrs.items():
                conn.putheader(k, v)
            conn.endheaders()
            if body:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    conn.send(body)  # the server may answer (e.g. 413) before reading it all
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, resp.getheader("Content-Type") or "", data, time.perf_counter() - start
        except (OSError, http.client.HTTPException) as exc:
            return None, type(exc).__name__, b"", time.perf_counter() - start
        finally:
            conn.close()


def good_post(pid: str, text: str, **more) -> dict:
    return {"id": pid, "thread_id": f"th-{pid}", "author": {"id": f"m-{pid[-3:]}", "name": "Probe Member"},
            "created_at": now_iso(-60), "text": text, **more}


# ---------------------------------------------------------------------------------------------- bad inputs


def bad_inputs(c: Client, admin: str, case_id: int | None, home: Path, careloop: list[str], env: dict) -> None:
    tried = handled = 0
    deep = "[" * 5000 + "]" * 5000
    hook = f"/hooks/{HOOK}/"
    auth = {"Authorization": f"Bearer {admin}"}

    def check(name: str, status, ctype, data, secs, expect=None) -> bool:
        nonlocal tried, handled
        tried += 1
        ok = (status is not None and (200 <= status < 300 or 400 <= status < 500) and secs <= 10
              and ("json" in ctype or "html" in ctype) and (expect is None or status in expect))
        if ok:
            handled += 1
        else:
            FAILURES.append(f"bad input {name!r}: answer {status} {ctype!r} in {secs:.1f} s"
                            f"{'' if expect is None else f' (expected {sorted(expect)})'}: {data[:160]!r}")
        return ok

    def hook_send(name, raw: bytes, expect=None, headers=None, valid: dict | None = None):
        hdrs = sign(raw) if headers is None else headers
        r = c.request("POST", hook, raw, hdrs)
        check(name, *r, expect=expect)
        for post_id, text in (valid or {}).items():
            VALID[post_id] = text
        return r

    def hook_post(name, record, expect=None, valid=False):
        raw = json.dumps(record, ensure_ascii=False).encode() if not isinstance(record, bytes) else record
        v = {record["id"]: record["text"]} if valid else None
        return hook_send(name, raw, expect, valid=v)

    # -- valid but hostile texts (must be stored exactly once, byte for byte)
    texts = {
        "script tag": "<script>alert('xss')</script> my refund is late",
        "img onerror": '<img src=x onerror=alert(1)> still broken',
        "svg onload": '"><svg/onload=alert(document.cookie)>',
        "textarea break": "</textarea></script><script>alert(1)</script>",
        "template": "{{7*7}} ${7*7} {% debug %} <%= 7*7 %>",
        "sql": "'; DROP TABLE community_post; -- the app is broken",
        "RTL override": "refund \u202egnissim\u202c please \u2067isolate\u2069",
        "zero-width": "z\u200bero\u200cwid\u200dth\ufeff joiners \u2060 everywhere",
        "combining marks": "Z\u0334\u0321\u0327\u0347a\u0335l\u0336g\u0337o\u0338 " + "e" + "\u0301" * 200,
        "emoji ZWJ/astral": "\U0001F469\u200d\U0001F469\u200d\U0001F467 \U0001F4A9 \U00010348 \U0001D54F broken",
        "NFD vs NFC": "Cafe\u0301 vs Caf\u00e9 — same?",
        "control chars": "tab\tCR\rLF\nbell\x07 esc\x1b[31m red \x7f",
        "100 KB text": "x" * 100_000,
        "empty text": "",
        "whitespace only": " \n\t  ",
        "bidi + html": "\u202e<b>bold</b>\u202c &amp; &lt;script&gt;",
    }
    for i, (name, text) in enumerate(texts.items()):
        hook_post(f"webhook: {name}", good_post(f"hv{i}", text), expect={200}, valid=True)
    hook_post("webhook: id with odd unicode", good_post("hv-\u202e\u200b-ünï", "odd id"), expect={200}, valid=True)
    hook_post("webhook: id with ../ and /", good_post("../../etc/passwd", "path id"), expect={200}, valid=True)
    hook_post("webhook: author name script", {**good_post("hv-auth", "author test"),
                                               "author": {"id": "<script>", "name": "<img src=x onerror=alert(1)>"}},
              expect={200}, valid=True)
    hook_post("webhook: far-future date", {**good_post("hv-fut", "from the future"),
                                           "created_at": "9999-12-31T23:59:59Z"}, valid=False)

    # -- invalid posts (the post's error; 400 when no post could be imported)
    bad = {
        "1 MB text": good_post("hb1", "y" * 1_000_000),
        "100,001-char text": good_post("hb2", "y" * 100_001),
        "NUL in text": good_post("hb3", "nul\x00here"),
        "NUL in id": good_post("hb4\x00", "nul id"),
        "NUL in extra": {**good_post("hb5", "nul extra"), "extra_note": "a\x00b"},
        "NUL in reactions map": {**good_post("hb6", "nul reactions"), "reactions": {"+1\x00": 3}},
        "text is a number": good_post("hb7", 12345),
        "text is a list": good_post("hb8", ["a", "b"]),
        "text is an object": good_post("hb9", {"a": 1}),
        "created_at is a number": {**good_post("hb10", "t"), "created_at": 1764000000},
        "created_at no zone": {**good_post("hb11", "t"), "created_at": "2026-05-03 14:02"},
        "created_at month 13": {**good_post("hb12", "t"), "created_at": "2026-13-45T00:00:00Z"},
        "author is a string": {**good_post("hb13", "t"), "author": "anna"},
        "author without id": {**good_post("hb14", "t"), "author": {"name": "anna"}},
        "id is an object": {**good_post("hb15", "t"), "id": {"x": 1}},
        "id is a bool": {**good_post("hb16", "t"), "id": True},
        "id 10,000 chars": good_post("i" * 10_000, "long id"),
        "thread_id null": {**good_post("hb17", "t"), "thread_id": None},
        "reactions a string": {**good_post("hb18", "t"), "reactions": "lots"},
        "deleted a string": {**good_post("hb19", "t"), "deleted": "maybe"},
        "javascript: url": {**good_post("hb20", "t"), "url": "javascript:alert(1)"},
        "data: url": {**good_post("hb21", "t"), "url": "data:text/html,<script>alert(1)</script>"},
        "other source": {**good_post("hb22", "t"), "source": "someone-else"},
        "title 1 MB": {**good_post("hb23", "t"), "title": "T" * 1_000_000},
    }
    for field in ("id", "thread_id", "author", "created_at", "text"):
        rec = good_post(f"hm-{field}", "missing")
        rec.pop(field)
        bad[f"missing {field}"] = rec
    for name, rec in bad.items():
        hook_post(f"webhook: {name}", rec, expect={400, 413})

    # raw JSON bodies (surrogates, depth, numbers, not JSON)
    base = json.dumps(good_post("hs1", "SURR"))
    raw_bodies = {
        "unpaired surrogate in text": base.replace('"SURR"', '"bad \\ud800 here"'),
        "lone low surrogate in text": base.replace('"SURR"', '"bad \\udfff"').replace("hs1", "hs2"),
        "surrogate in extra": base[:-1].replace("hs1", "hs3") + ', "extra": {"k": "\\udbff"}}',
        "surrogate in author name": base.replace("Probe Member", "\\ud83d").replace("hs1", "hs4"),
        "5,000-deep body": deep,
        "5,000-deep in extra": base[:-1].replace("hs1", "hs5") + ', "meta": ' + deep + "}",
        "5,000-deep object in extra": base[:-1].replace("hs1", "hs6") + ', "meta": '
                                      + '{"a":' * 5000 + "1" + "}" * 5000 + "}",
        "1e999 in extra": base[:-1].replace("hs1", "hs7") + ', "n": 1e999}',
        "NaN in extra": base[:-1].replace("hs1", "hs8") + ', "n": NaN}',
        "10**400 int in extra": base[:-1].replace("hs1", "hs9") + ', "n": ' + "9" * 400 + "}",
        "not JSON": "{not json",
        "JSON string": '"hello"',
        "JSON null": "null",
        "JSON number": "42",
        "empty list": "[]",
        "empty object": "{}",
        "empty body": "",
    }
    for name, text in raw_bodies.items():
        expect = {400, 413, 200} if "extra" in name or name == "empty list" else {400, 413}
        hook_send(f"webhook: {name}", text.encode(), expect=expect)
    hook_send("webhook: invalid UTF-8", b'{"id": "hu1", "text": "\xff\xfe"}', expect={400})
    # a batch of 10 with bad values in two: the other 8 stored
    batch = [good_post(f"hbatch{i}", f"batch post {i}") for i in range(10)]
    batch[3]["extra_note"] = "nul\x00"
    batch[6]["text"] = "z" * 100_001
    raw = json.dumps(batch).encode()
    r = hook_send("webhook: batch of 10, NUL + oversize in two", raw, expect={200},
                  valid={p["id"]: p["text"] for i, p in enumerate(batch) if i not in (3, 6)})
    try:
        counts = json.loads(r[2])
        if counts.get("imported") != 8 or counts.get("failed") != 2:
            FAILURES.append(f"bad input 'webhook batch of 10': counts {counts}")
    except ValueError:
        pass
    surr_batch = "[" + ",".join([json.dumps(good_post(f"hsb{i}", f"surrogate batch {i}")) for i in range(4)]
                                + [base.replace('"SURR"', '"\\ud800"').replace("hs1", "hsb-bad")]) + "]"
    hook_send("webhook: batch of 5, one surrogate", surr_batch.encode(), expect={200},
              valid={f"hsb{i}": f"surrogate batch {i}" for i in range(4)})

    # -- signatures and replays
    body = json.dumps(good_post("hsig", "signed")).encode()
    ts = int(time.time())
    sigs = {
        "no signature": {},
        "wrong secret": sign(body, secret="not-the-secret"),
        "signature of another body": {**sign(b"{}")},
        "10 minutes old": sign(body, ts - 600),
        "10 minutes ahead": sign(body, ts + 600),
        "timestamp not a number": {"X-Careloop-Timestamp": "soon", "X-Careloop-Signature": sign(body)[
            "X-Careloop-Signature"]},
        "sha1= prefix": {**sign(body), "X-Careloop-Signature": "sha1=" + sign(body)["X-Careloop-Signature"][7:]},
        "empty signature": {"X-Careloop-Timestamp": str(ts), "X-Careloop-Signature": ""},
        "signature 100 KB": {"X-Careloop-Timestamp": str(ts), "X-Careloop-Signature": "sha256=" + "a" * 100_000},
    }
    for name, hdrs in sigs.items():
        hook_send(f"webhook: {name}", body, expect={400, 401, 431}, headers={"Content-Type": "application/json",
                                                                                **hdrs})
    # replay: the same signed delivery twice stores once; an older delivery replayed cannot revert a newer text
    v1 = json.dumps({**good_post("hreplay", "version one"), "edited_at": now_iso(-30)}).encode()
    h1 = sign(v1)
    hook_send("webhook: replay (first)", v1, expect={200}, headers=h1)
    v2 = json.dumps({**good_post("hreplay", "version two"), "edited_at": now_iso(-10)}).encode()
    hook_send("webhook: replay (newer edit)", v2, expect={200}, valid={"hreplay": "version two"})
    r = hook_send("webhook: replay (first delivery again)", v1, expect={200, 401, 409}, headers=h1)
    if r[0] == 200 and b"duplicate" not in r[2]:
        FAILURES.append(f"bad input 'webhook replay': a replayed delivery was not refused as duplicate: {r[2][:160]!r}")

    # -- huge bodies and odd requests
    # under CARELOOP_MAX_REQUEST_BYTES (8 MiB) the post's own error (400); over it 413
    for name, size, expect in (("2 MiB body", 2 << 20, {400, 413}), ("10 MiB body", 10 << 20, {413})):
        big = json.dumps(good_post("hbig", "b" * size)).encode()
        hook_send(f"webhook: {name}", big, expect=expect)
    # announces 100 MiB, sends 1 KB: must be refused from the header, not waited for
    r = c.request("POST", hook, b"x" * 1024, {**sign(b"x"), "Content-Length": str(100 << 20)}, timeout=10)
    check("webhook: Content-Length 100 MiB (1 KB sent)", *r, expect={413})
    check("webhook: form content type", *c.request("POST", hook, b"a=1", {
        **sign(b"a=1"), "Content-Type": "application/x-www-form-urlencoded"}), expect={400, 415})
    check("webhook: GET", *c.request("GET", hook), expect={405})
    check("webhook: unknown source", *c.request("POST", "/hooks/no-such-hook/", body, sign(body)), expect={404})
    for path in ("/api/cases%0A", "/api/%0Acases", "/api/cases/1%0A/notes", f"/hooks/{HOOK}%0A/", "/health%0A",
                 "/%0A", "/threads/%0D%0A", "/api/cases/%00", "/api/" + "a" * 5000):
        check(f"path {path[:40]}", *c.request("GET", path, headers=auth),
              expect={404, 400} if path.startswith("/api/") else None)
        if path.startswith("/api/"):
            r = c.request("GET", path, headers=auth)
            if "json" not in r[1]:
                FAILURES.append(f"bad input 'path {path[:40]}': API 404 is not JSON ({r[1]})")

    # -- the API
    cid = case_id or 1
    notes = f"/api/cases/{cid}/notes"
    api_bodies = {
        "note NUL": (notes, {"text": "a\x00b"}, {400}),
        "note 10,001 chars": (notes, {"text": "n" * 10_001}, {400, 413}),
        "note number": (notes, {"text": 5}, {400}),
        "note missing text": (notes, {}, {400}),
        "note unknown field": (notes, {"text": "x", "admin": True}, {400}),
        "note script (valid)": (notes, {"text": "<script>alert(1)</script>"}, {201} if case_id else None),
        "note RTL (valid)": (notes, {"text": "\u202eevil\u202c"}, {201} if case_id else None),
        "reach-out channel pigeon": (f"/api/cases/{cid}/reach-out", {"body": "hi", "channel": "pigeon"}, {400}),
        "dismiss reason spam": (f"/api/cases/{cid}/dismiss", {"reason": "spam"}, {400}),
        "ticket javascript:": (f"/api/cases/{cid}/ticket", {"url": "javascript:alert(1)"}, {400}),
        "assign to nobody": (f"/api/cases/{cid}/assign", {"user": "<script>"}, {400, 404}),
        "score 1,001 texts": ("/api/score", {"texts": ["a"] * 1001}, {413}),
        "score 20,001 chars": ("/api/score", {"texts": ["s" * 20_001]}, {413}),
        "score texts not a list": ("/api/score", {"texts": "abc"}, {400}),
        "score profile bogus": ("/api/score", {"texts": ["a"], "profile": "bogus"}, {400}),
        "score NUL": ("/api/score", {"texts": ["a\x00"]}, {400, 200}),
        "case id overflow": ("/api/cases/99999999999999999999999/notes", {"text": "x"}, {404, 400}),
    }
    for name, (path, payload, expect) in api_bodies.items():
        check(f"api: {name}", *c.request("POST", path, json.dumps(payload).encode(), auth), expect=expect)
    api_raw = {
        "note surrogate": (notes, b'{"text": "\\ud800"}', {400}),
        "note 5,000-deep": (notes, deep.encode(), {400}),
        "note not JSON": (notes, b"{text", {400}),
        "note JSON list": (notes, b'["text"]', {400}),
        "note 2 MiB": (notes, json.dumps({"text": "n" * (2 << 20)}).encode(), {413}),
        "score 5 MiB": ("/api/score", json.dumps({"texts": ["s" * (5 << 20)]}).encode(), {413}),
        "score 5,000-deep": ("/api/score", b'{"texts": ' + deep.encode() + b"}", {400}),
    }
    for name, (path, raw_body, expect) in api_raw.items():
        check(f"api: {name}", *c.request("POST", path, raw_body, auth), expect=expect)
    check("api: form body", *c.request("POST", notes, b"text=hi", {**auth, "Content-Type":
                                                                    "application/x-www-form-urlencoded"}),
          expect={415, 400})
    for q in ("state=bogus", "per_page=0", "per_page=100000", "page=-1", "page=abc", "assignee=%3Cscript%3E",
              "source=%00", "state=" + "new," * 2000):
        check(f"api: GET /api/cases?{q[:30]}", *c.request("GET", f"/api/cases?{q}", headers=auth))
    for name, value in (("wrong token", "Bearer cl_wrong"), ("empty bearer", "Bearer "), ("basic", "Basic YTpi"),
                        ("token 8 KB", "Bearer cl_" + "z" * 8000)):
        check(f"api: {name}", *c.request("GET", "/api/cases", headers={"Authorization": value}),
              expect={401, 400, 431})
    check("api: PUT /api/cases", *c.request("PUT", "/api/cases", b"{}", auth), expect={405})

    # -- careloop import: one JSON-lines file, each line a case
    lines: list[tuple[str, bytes, bool]] = []  # name, raw line, valid?
    for i, (name, text) in enumerate(list(texts.items())[:8]):
        rec = {**good_post(f"iv{i}", text), "source": "probe-import"}
        lines.append((f"import: {name}", json.dumps(rec, ensure_ascii=False).encode(), True))
    ib = {"NUL in text": {"text": "a\x00"}, "NUL in extra": {"x_note": "\x00"}, "1 MB text": {"text": "y" * 1_000_000},
          "text a number": {"text": 7}, "no zone": {"created_at": "2026-05-03 14:02"},
          "javascript url": {"url": "javascript:alert(1)"}, "id 10,000 chars": {"id": "i" * 10_000}}
    for j, (name, change) in enumerate(ib.items()):
        rec = {**good_post(f"ib{j}", "bad"), "source": "probe-import", **change}
        lines.append((f"import: {name}", json.dumps(rec).encode(), False))
    sbase = json.dumps({**good_post("isx", "S"), "source": "probe-import"})
    lines += [("import: surrogate in text", sbase.replace('"S"', '"\\ud800"').encode(), False),
              ("import: surrogate in extra", sbase[:-1].replace("isx", "isy").encode() + b', "e": "\\udc00"}', False),
              ("import: 5,000-deep in extra", sbase[:-1].replace("isx", "isz").encode() + b', "m": '
               + deep.encode() + b"}", False),
              ("import: invalid UTF-8", b'{"source": "probe-import", "id": "iu", "text": "\xfc"}', False),
              ("import: not JSON", b"{nope", False),
              ("import: missing author", json.dumps({**good_post("ima", "t"), "source": "probe-import",
                                                     "author": None}).encode(), False)]
    path = home / "hostile.jsonl"
    path.write_bytes(b"\n".join(raw for _, raw, _ in lines) + b"\n")
    errors = home / "hostile-errors.jsonl"
    run = subprocess.run([*careloop, "import", str(path), "--errors", str(errors), "-q"], env=env,
                         capture_output=True, timeout=120)
    failed_lines = {json.loads(x)["line"] for x in errors.read_text().splitlines()} if errors.exists() else set()
    for n, (name, raw, valid) in enumerate(lines, start=1):
        tried += 1
        good = run.returncode in (0, 1) and b"Traceback" not in run.stderr
        if valid:
            VALID[f"probe-import:{json.loads(raw)['id']}"] = json.loads(raw)["text"]
            good = good and n not in failed_lines
        else:
            good = good and n in failed_lines
        if good:
            handled += 1
        else:
            FAILURES.append(f"bad input {name!r} (line {n}): exit {run.returncode}, "
                            f"{'named' if n in failed_lines else 'not named'} in --errors; "
                            f"{run.stderr[-200:]!r}")
    # an unclosed CSV quote must be an error, not rows merged silently
    csv = home / "hostile.csv"
    csv.write_text('source,id,thread_id,author.id,created_at,text\n'
                   f'probe-import,c1,t,m,{now_iso(-60)},fine\n'
                   f'probe-import,c2,t,m,{now_iso(-60)},"unclosed quote\n'
                   f'probe-import,c3,t,m,{now_iso(-60)},after it\n')
    run = subprocess.run([*careloop, "import", str(csv), "-q"], env=env, capture_output=True, timeout=120)
    tried += 1
    if run.returncode == 1 and b"Traceback" not in run.stderr:
        handled += 1
    else:
        FAILURES.append(f"bad input 'import: CSV unclosed quote': exit {run.returncode} {run.stderr[-200:]!r}")
    RESULTS["bad inputs"] = {"sent": tried, "ok": handled, "failed": tried - handled}


# ---------------------------------------------------------------------------------------------- load


def load(c: Client, tokens: list[str], total: int, threads: int) -> None:
    lock = threading.Lock()
    counter = iter(range(total))
    stats = {"sent": 0, "ok": 0, "failed": 0, "health503": 0, "latencies": []}
    kinds: dict[str, int] = {}

    def one(n: int) -> None:
        kind = ("health", "cases", "hook", "hook")[n % 4]
        if kind == "health":
            r = c.request("GET", "/health", timeout=30)
        elif kind == "cases":
            r = c.request("GET", "/api/cases?per_page=20", headers={
                "Authorization": f"Bearer {tokens[n % len(tokens)]}"}, timeout=30)
        else:
            pid = f"load{n}"
            text = COMPLAINTS[n % len(COMPLAINTS)] + f" #{n}"
            body = json.dumps({"id": pid, "thread_id": f"lt{n // 40}", "author": {"id": f"lm{n % 53}"},
                               "created_at": now_iso(-30), "text": text}).encode()
            r = c.request("POST", f"/hooks/{HOOK}/", body, sign(body), timeout=30)
            if r[0] == 200:
                with lock:
                    VALID[pid] = text
        status = r[0]
        with lock:
            stats["sent"] += 1
            stats["latencies"].append(r[3])
            if kind == "health" and status == 503 and "json" in r[1]:
                stats["health503"] += 1
                stats["ok"] += 1
            elif status is not None and status < 500 and status not in (429,):
                stats["ok"] += 1
            else:
                stats["failed"] += 1
                key = f"{kind} {status or r[1]}"
                kinds[key] = kinds.get(key, 0) + 1

    def worker() -> None:
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            one(n)

    began = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - began
    lat = sorted(stats["latencies"])
    p50, p99 = lat[len(lat) // 2], lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    NOTES.append(f"load: {stats['sent']} requests from {threads} threads in {elapsed:.1f} s "
                 f"({stats['sent'] / elapsed:.0f}/s), p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms; "
                 f"/health answered 503 (truthful: busy) {stats['health503']} times")
    for key, n in kinds.items():
        FAILURES.append(f"load: {n} × {key}")
    RESULTS["requests"] = {"sent": stats["sent"], "ok": stats["ok"], "failed": stats["failed"]}


# ---------------------------------------------------------------------------------------------- roles


def roles(c: Client, admin: str, viewer: str) -> None:
    aa = {"Authorization": f"Bearer {admin}"}
    va = {"Authorization": f"Bearer {viewer}"}
    status, _, data, _ = c.request("GET", "/api/cases?state=all&per_page=5", headers=aa)
    cases = json.loads(data)["results"] if status == 200 else []
    if not cases:
        FAILURES.append("roles: no case to try the viewer on")
        RESULTS["role checks"] = {"sent": 0, "ok": 0, "failed": 0}
        return
    cid, post_id = cases[0]["id"], cases[-1]["post_id"]
    # an item and a message on the case, so the viewer has real ids to try
    st, _, d, _ = c.request("POST", f"/api/cases/{cid}/items", b'{"text": "probe item"}', aa)
    iid = json.loads(d)["item"]["id"] if st == 201 else 1
    st, _, d, _ = c.request("POST", f"/api/cases/{cid}/reach-out", b'{"body": "Hi, can we talk?"}', aa)
    mid = json.loads(d)["message"]["id"] if st == 202 else 1
    writes = [(f"/api/cases/{cid}/notes", {"text": "viewer note"}),
              (f"/api/cases/{cid}/reach-out", {"body": "viewer says hi"}),
              (f"/api/cases/{cid}/assign", {}), (f"/api/cases/{cid}/assign", {"user": "probe-admin"}),
              (f"/api/cases/{cid}/items", {"text": "viewer item"}), (f"/api/cases/{cid}/items/{iid}/done", {}),
              (f"/api/cases/{cid}/messages/{mid}/retry", {}), (f"/api/cases/{cid}/messages/{mid}/cancel", {}),
              (f"/api/cases/{cid}/ticket", {"url": "https://example.org/t/1"}),
              (f"/api/cases/{cid}/mark-done", {"reached_another_way": "by phone"}),
              (f"/api/cases/{cid}/member-reply", {"text": "all good"}),
              (f"/api/cases/{cid}/judge", {"satisfied": True, "reached_another_way": "by phone"}),
              (f"/api/cases/{cid}/dismiss", {"reason": "troll"}), (f"/api/cases/{cid}/reopen", {"why": "viewer"}),
              (f"/api/posts/{post_id}/open-case", {"why": "viewer"})]
    ok = 0
    for path, payload in writes:
        status, ctype, data, _ = c.request("POST", path, json.dumps(payload).encode(), va)
        if status == 403 and "json" in ctype:
            ok += 1
        else:
            FAILURES.append(f"roles: viewer POST {path} → {status} {data[:120]!r} (expected 403)")
    # controls: the viewer reads (200), nobody without a token writes (401)
    extra = [("GET", "/api/cases", None, va, 200), ("POST", f"/api/cases/{cid}/notes", b'{"text": "anon"}', {}, 401)]
    for method, path, body, hdrs, want in extra:
        status, *_ = c.request(method, path, body, hdrs)
        if status == want:
            ok += 1
        else:
            FAILURES.append(f"roles: {method} {path} ({'viewer' if hdrs else 'no token'}) → {status}, expected {want}")
    n = len(writes) + len(extra)
    RESULTS["role checks"] = {"sent": n, "ok": ok, "failed": n - ok}


# ---------------------------------------------------------------------------------------------- faults


def children(pid: int) -> list[int]:
    """The processes whose parent is pid (read from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def worker_pid(serve_pid: int) -> int | None:
    for child in children(serve_pid):
        try:
            if b"worker" in Path(f"/proc/{child}/cmdline").read_bytes():
                return child
        except OSError:
            pass
    return None


def fault_kill_worker(serve_pid: int, home: Path, careloop: list[str], env: dict, posts: int) -> dict:
    """SIGKILL the worker while an import's posts are being scored; the supervisor must restart it."""
    path = home / "fault-import.jsonl"
    with path.open("w") as f:
        for n in range(posts):
            text = COMPLAINTS[n % len(COMPLAINTS)] + f" (fault {n})"
            f.write(json.dumps({"source": "probe-fault", "id": f"f{n}", "thread_id": f"ft{n // 25}",
                                "parent_id": f"f{n - 1}" if n % 25 else None, "author": {"id": f"fm{n % 71}"},
                                "created_at": now_iso(-3600 + n), "text": text}) + "\n")
            VALID[f"probe-fault:f{n}"] = text
    before = worker_pid(serve_pid)
    imp = subprocess.Popen([*careloop, "import", str(path), "-q"], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    # kill once the first posts of the import are in and the worker has work in hand
    from careloop.community.models import Post

    fault = Post.objects.filter(source__name="probe-fault")
    deadline = time.monotonic() + 60
    while not fault.filter(scored_at__isnull=False).exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the posts are in and the worker is scoring them
    killed_at_posts = (f"{fault.count()} stored, {fault.filter(scored_at__isnull=False).count()} scored, "
                       f"{fault.filter(listened_at__isnull=False).count()} listened to")
    if before:
        os.kill(before, signal.SIGKILL)
    out, err = imp.communicate(timeout=180)
    deadline = time.monotonic() + 30
    after = None
    while time.monotonic() < deadline:
        after = worker_pid(serve_pid)
        if after and after != before:
            break
        time.sleep(0.3)
    NOTES.append(f"fault 1: worker {before} SIGKILLed with {killed_at_posts} of {posts} import posts; "
                 f"import exit {imp.returncode} ({out.decode().strip().splitlines()[-1:]}); "
                 f"worker restarted as {after}")
    return {"killed": bool(before), "restarted": bool(after and after != before), "import_rc": imp.returncode}


def fault_half_open(c: Client, port: int, n: int = 120) -> bool:
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        if i % 3 == 0:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # headers never finished
        elif i % 3 == 1:
            s.sendall(f"POST /hooks/{HOOK}/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Content-Length: 100000\r\n\r\n{\"id\": ".encode())  # body never finished
        socks.append(s)  # i % 3 == 2: connected, nothing sent
    time.sleep(1)
    times = []
    ok = True
    for _ in range(10):
        status, _, _, secs = c.request("GET", "/health", timeout=2)
        times.append(secs)
        ok = ok and status in (200, 503) and secs < 2
        time.sleep(0.2)
    # and a real webhook gets through too
    body = json.dumps(good_post("half-open-through", "sent while 120 sockets hang")).encode()
    status, *_ = c.request("POST", f"/hooks/{HOOK}/", body, sign(body), timeout=10)
    if status == 200:
        VALID["half-open-through"] = "sent while 120 sockets hang"
    ok = ok and status == 200
    for s in socks:
        s.close()
    NOTES.append(f"fault 2: {n} half-open connections; /health max {max(times) * 1000:.0f} ms over 10 tries; "
                 f"a webhook during it → {status}")
    return ok


# ---------------------------------------------------------------------------------------------- verify


def verify_posts(timeout: float, report: bool = True) -> dict | None:
    """Every valid post sent is stored exactly once with its text, scored, and listened to."""
    from django.db.models import Count

    from careloop.community.models import Post

    def key_of(source: str, ext: str) -> str:
        return ext if source == HOOK else f"{source}:{ext}"

    deadline = time.monotonic() + timeout
    sources = [HOOK, "probe-import", "probe-fault"]
    qs = Post.objects.filter(source__name__in=sources)
    while time.monotonic() < deadline and (qs.filter(scored_at__isnull=True).exists()
                                           or qs.filter(listened_at__isnull=True, created_at__lte=datetime.now(UTC))
                                           .exists()):
        time.sleep(1)
    if not report:
        return None
    rows = {key_of(s, e): (t, sc, li) for s, e, t, sc, li in
            qs.values_list("source__name", "external_id", "text", "scored_at", "listened_at")}
    dup = list(qs.values("source_id", "external_id").annotate(n=Count("id")).filter(n__gt=1))
    stored = lost = changed = unscored = unlistened = 0
    for pid, text in VALID.items():
        if pid not in rows:
            lost += 1
            if lost <= 5:
                FAILURES.append(f"posts: {pid!r} was answered as stored but is not in the database")
            continue
        t, scored, listened = rows[pid]
        if t != text:
            changed += 1
            FAILURES.append(f"posts: {pid[:40]!r} stored with another text ({t[:40]!r} ≠ {text[:40]!r})")
            continue
        stored += 1
        unscored += scored is None
        unlistened += listened is None
    if dup:
        FAILURES.append(f"posts: {len(dup)} posts stored more than once: {dup[:3]}")
    if unscored or unlistened:
        FAILURES.append(f"posts: {unscored} stored posts never scored, {unlistened} never listened to "
                        f"(within {timeout:.0f} s)")
    return {"sent": len(VALID), "stored": stored - (len(dup) if dup else 0), "lost": lost, "changed": changed,
            "unscored": unscored, "unlistened": unlistened, "duplicates": len(dup)}


# ---------------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--load", type=int, default=3000, help="Normal requests in the load phase.")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--fault-posts", type=int, default=2000, help="Posts in the import the worker dies in.")
    parser.add_argument("--keep", action="store_true", help="Keep the data folder.")
    args = parser.parse_args()
    started = time.perf_counter()
    home = Path(tempfile.mkdtemp(prefix="careloop-probe-"))
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "CARELOOP_TASKS_IMMEDIATE", "DATABASE_URL", "REDIS_URL")}
    env.update(CARELOOP_HOME=str(home), PYTHONPATH=str(REPO), PROBE_SECRET=SECRET)
    for k in ("DATABASE_URL", "REDIS_URL", "CARELOOP_TASKS_IMMEDIATE"):
        os.environ.pop(k, None)
    pg = "postgres://postgres@127.0.0.1:5432"
    if args.db == "postgres":
        import psycopg

        with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "careloop_probe" WITH (FORCE)')
            conn.execute('CREATE DATABASE "careloop_probe"')
        env.update(DATABASE_URL=f"{pg}/careloop_probe", REDIS_URL="redis://127.0.0.1:6379/13")
        try:
            import redis

            redis.Redis.from_url(env["REDIS_URL"]).flushdb()
        except Exception as exc:  # noqa: BLE001
            NOTES.append(f"could not empty Redis db 13: {exc}")
    os.environ.update({k: env[k] for k in ("CARELOOP_HOME", "DATABASE_URL", "REDIS_URL") if k in env})
    careloop = [sys.executable, "-m", "careloop"]

    def cli(*a: str) -> str:
        return subprocess.run([*careloop, *a], env=env, check=True, capture_output=True, text=True).stdout

    cli("migrate")
    cli("createuser", "probe-admin", "--role", "admin", "--password", PASSWORD)
    cli("createuser", "probe-viewer", "--role", "viewer", "--password", PASSWORD)

    def token(user: str) -> str:
        out = cli("api", "token", "create", user, "--name", "probe")
        return next(w for w in out.split() if w.startswith("cl_"))

    admins = [token("probe-admin") for _ in range(3)]  # the load spreads over three (600 a minute each)
    viewer = token("probe-viewer")
    cli("source", "add", HOOK, "--kind", "webhook", "--secret-env", "secret=PROBE_SECRET")
    port = free_port()
    server = subprocess.Popen([*careloop, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=open(home / "serve.log", "wb"))  # noqa: SIM115
    c = Client(port)
    faults = {"sent": 0, "ok": 0}
    posts = {}
    try:
        deadline = time.monotonic() + 90
        while True:
            status, _, data, _ = c.request("GET", "/health", timeout=5)
            if status == 200 and json.loads(data).get("worker") == "ok":
                break
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"careloop serve did not come up; see {home / 'serve.log'}")
            time.sleep(0.5)
        from careloop.bootstrap import setup

        setup(home)
        setup_s = time.perf_counter() - started

        # faults first: the import gives the cases the other phases work on
        t = time.perf_counter()
        f1 = fault_kill_worker(server.pid, home, careloop, env, args.fault_posts)
        faults["sent"] += 1
        f1_ok = f1["killed"] and f1["restarted"] and f1["import_rc"] == 0
        if not f1_ok:
            FAILURES.append(f"fault 1 (worker SIGKILL mid-import): {f1}")
        verify_posts(150, report=False)  # wait for scoring/listening of the import before the checks below
        fault_s = time.perf_counter() - t
        status, _, data, _ = c.request("GET", "/api/cases?state=all&per_page=1",
                                       headers={"Authorization": f"Bearer {admins[0]}"})
        case_id = (json.loads(data)["results"] or [{}])[0].get("id") if status == 200 else None

        t = time.perf_counter()
        bad_inputs(c, admins[0], case_id, home, careloop, env)
        bad_s = time.perf_counter() - t
        t = time.perf_counter()
        roles(c, admins[0], viewer)
        t = time.perf_counter()
        load(c, admins, args.load, args.threads)
        load_s = time.perf_counter() - t
        faults["sent"] += 1
        f2_ok = fault_half_open(c, port)
        if not f2_ok:
            FAILURES.append("fault 2 (120 half-open connections): /health slower than 2 s or a webhook failed")
        posts = verify_posts(240)
        # fault 1 survived only if, after it, every import post was stored once, scored and listened to
        fault_rows_ok = not any(s.startswith("posts: 'probe-fault") for s in FAILURES)
        faults["ok"] = int(f1_ok and fault_rows_ok and posts["unscored"] == 0 and posts["unlistened"] == 0) + int(f2_ok)
        status_out = subprocess.run([*careloop, "status"], env=env, capture_output=True, text=True).stdout
        serve_log = (home / "serve.log").read_text(errors="replace")
        server_errors = serve_log.count("Traceback")
        lines = serve_log.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("Traceback"):
                last = next((x for x in lines[i + 1:] if x and not x.startswith(" ")), "?")
                NOTES.append(f"serve log traceback: {last[:200]}")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
        if args.db == "postgres":
            from django.db import connections

            connections.close_all()
            if not args.keep:
                import psycopg

                with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
                    conn.execute('DROP DATABASE IF EXISTS "careloop_probe" WITH (FORCE)')
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)

    RESULTS["posts"] = {"sent": posts["sent"], "ok": posts["stored"], "failed": posts["sent"] - posts["stored"]}
    RESULTS["faults"] = {"sent": faults["sent"], "ok": faults["ok"], "failed": faults["sent"] - faults["ok"]}
    db = "PostgreSQL + Redis" if args.db == "postgres" else "SQLite (embedded default)"
    total = time.perf_counter() - started
    print(f"\nhostile probe, {db}, careloop serve (waitress 8 threads + 1 worker), {datetime.now(UTC):%Y-%m-%d %H:%M} "
          f"UTC, {total:.0f} s (setup {setup_s:.0f}, fault import {fault_s:.0f}, bad inputs {bad_s:.0f}, "
          f"load {load_s:.0f})\n")
    print("| what | sent/tried | ok/handled | failed |")
    print("|---|---:|---:|---:|")
    labels = {"requests": "requests (normal, 8 threads)", "posts": "posts sent / stored once",
              "faults": "faults injected / survived", "bad inputs": "bad inputs tried / handled",
              "role checks": "role checks (viewer writes → 403)"}
    for key in ("requests", "posts", "faults", "bad inputs", "role checks"):
        r = RESULTS[key]
        print(f"| {labels[key]} | {r['sent']:,} | {r['ok']:,} | {r['failed']:,} |")
    print()
    for note in NOTES:
        print(f"- {note}")
    print(f"- posts: {posts}")
    print(f"- tracebacks in the serve log: {server_errors}")
    print(f"- careloop status: {' / '.join(x.strip() for x in status_out.splitlines()[:6])}")
    print(f"\nfailures ({len(FAILURES)}):" if FAILURES else "\nfailures: none")
    for f in FAILURES:
        print(f"- {f}")
    print(json.dumps({"db": args.db, "seconds": round(total), **{k.replace(" ", "_"): v for k, v in RESULTS.items()},
                      "failures": len(FAILURES), "serve_tracebacks": server_errors}))


if __name__ == "__main__":
    main()
