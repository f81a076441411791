"""Generate the demo community: two months of the fictional "Lumen" forum and chat, with ground truth.

`generate(seed, end)` returns `(posts, truth)`: posts in the import format (docs/import-format.md), sorted by
`created_at`, and a JSON-serialisable ground truth that names which posts are complaints, which replies are
"me too"s, who the clique of friends and the two trolls are, and so on. Later features are tested against it.

Run as a script to write the files:

    python -m careloop.demo.generate --out posts.jsonl --truth truth.json [--seed 7] [--end 2026-10-31]

Everything depends only on `random.Random(seed)` and `end`: same seed and end, byte-identical output.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from careloop.demo.phrases import load as load_phrases

P = load_phrases()  # the phrase banks, careloop/demo/data/*.json (careloop.demo.phrases)
FORUM = "lumen-forum"
CHAT = "lumen-chat"
SOURCES = [FORUM, CHAT]
FORUM_URL = "https://forum.lumen.example"
CHAT_URL = "https://chat.lumen.example"
CHANNELS = {
    FORUM: ["announcements", "support", "billing", "frames", "feature-requests", "show-and-tell", "off-topic",
            "welcome", "deutsch"],
    CHAT: ["general", "support", "frames", "deutsch", "hilfe"],
}
GERMAN_CHANNELS = {FORUM: ["deutsch"], CHAT: ["deutsch", "hilfe"]}
DEFAULT_END = datetime(2026, 10, 31, 18, 0, tzinfo=UTC)
SPAN_DAYS = 60
TARGET_POSTS = 3350
GERMAN_SHARE = 0.35

# (median minutes, sigma, min minutes, max minutes) of the gap before a reply, by pace.
PACES = {
    "chat": (2.5, 0.9, 0.3, 180.0),
    "chat_slow": (14.0, 1.0, 1.0, 600.0),
    "forum": (55.0, 1.1, 2.0, 2880.0),
    "forum_hot": (14.0, 0.9, 1.0, 720.0),
}
# Local hours at which people start threads (index = hour of day).
START_HOURS = list(range(7, 24))
START_WEIGHTS = [2, 4, 6, 7, 7, 6, 5, 5, 5, 5, 6, 6, 7, 8, 8, 6, 3]

_SLOT = re.compile(r"\{([^{}]*)\}")


# ------------------------------------------------------------------------------------------ data types


@dataclass(eq=False)
class Member:
    key: str
    name: str
    handle: str
    language: str
    speaks: tuple[str, ...]
    role: str
    tz: int
    city: str
    id: str = ""
    weight: float = 1.0
    helper: float = 1.0
    wake: int = 7
    sleep: int = 23
    phone: str = ""
    os: str = ""
    android: bool = False
    frame: str = ""
    frame2: bool = False
    casual: float = 0.0
    emoji: float = 0.0
    typo: float = 0.0
    signoff: str = ""
    price: str = ""
    joined: int = 0
    pet: int = 0
    petname: str = ""
    camera: str = ""
    partner: int = 0

    @property
    def first(self) -> str:
        return self.name.split()[0]

    @property
    def at(self) -> str:
        return "@" + self.handle


@dataclass(eq=False)
class Thread:
    n: int
    source: str
    channel: str
    language: str
    title: str | None
    posts: list[Post] = field(default_factory=list)
    id: str = ""
    number: int = 0
    used: set[str] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)


@dataclass(eq=False)
class Post:
    n: int
    thread: Thread
    author: Member
    time: datetime
    text: str
    language: str
    kind: str
    parent: Post | None
    topic: str | None = None
    reactions: list[tuple[Member, str]] = field(default_factory=list)
    id: str = ""


@dataclass(eq=False)
class Complaint:
    post: Post
    topic: str
    origin: Post
    me_too: list[Post] = field(default_factory=list)


@dataclass(eq=False)
class PileOn:
    complaint: Complaint
    joined: list[Post]


@dataclass(eq=False)
class Pending:
    complaint: Complaint
    cutoff: datetime
    before: list[Post]
    after: list[Post]


@dataclass(frozen=True)
class Event:
    topic: str
    day: int
    date: date
    fix_day: int | None
    cause: str


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r" +([,!?]|\.(?!\.)|:(?![)(]))", r"\1", text)
    text = re.sub(r"(?<!\.)\.\.(?!\.)", ".", text)
    return text.strip()


def _quotable(text: str) -> str:
    """The first real sentence of a post (not its greeting), as people quote it."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text.strip()):
        sentence = sentence.strip()
        if len(sentence) >= 25 and not sentence.startswith(">"):
            return sentence[:200]
    return text.strip().split("\n")[0][:200]


def _repeat_limit(text: str) -> int:
    return 3 if len(text) <= 16 else 2 if len(text) <= 28 else 1


_MORNING = re.compile(r"(?i)\bmorning|guten morgen|too early")
_EVENING = re.compile(r"(?i)\bevening|n'abend")
_KEEP_CASE = (
    "I ", "I'", "I’", "Lumen", "Frame", "Google", "Android", "Apple", "Wi-Fi", "iOS", "RAW", "HEIC", "TV",
    "Play Store", "App Store", "Takeout", "DM", "@",
)
_DE_LOWER = {
    "ja", "nein", "das", "der", "die", "den", "dem", "ein", "eine", "einen", "ich", "wie", "was", "wo",
    "wann", "warum", "kann", "können", "gibt", "gibt's", "geht", "geht's", "bleiben", "bleibt", "zählen",
    "zählt", "sehe", "zeigt", "behält", "nimmt", "synchronisiert", "und", "hm", "mein", "meine", "meinen",
    "meiner", "unser", "unsere", "bei", "seit", "nach", "als", "obwohl", "auch", "hab", "habe", "hat",
    "ist", "sind", "werden", "wird", "schon", "noch", "nur", "im", "in", "am", "auf", "mit", "über",
    "unter", "wenn", "falls", "dann", "so", "da", "es", "sie", "wir", "du", "er", "man", "kein", "keine",
    "jeder", "jede", "alle", "leider", "manche", "dein", "deine", "bitte", "vielleicht", "kurze", "weiß",
    "sorry", "bin", "spielt", "haben", "brauchen", "verliere", "sollte", "richte", "ziehe", "überlege",
    "schalte", "nimm", "beides", "woher", "wohin", "welche", "welcher", "welches", "wieso", "weshalb",
    "hast", "bist", "habt", "kannst", "willst", "zeig", "probier", "danke", "super", "toll", "gut", "schön",
    "oh", "ach", "haha", "echt", "klingt", "muss", "hatte", "würde", "wäre", "kommt", "läuft", "okay", "na",
    "jetzt", "gerade", "endlich", "einfach", "tolle", "tolles",
}


def _join(lang: str, prefix: str, text: str) -> str:
    """Put a greeting or lead-in before a sentence, lower-casing its first word where that reads right."""
    prefix = prefix.rstrip()
    if not prefix:
        return text
    if not text:
        return prefix
    if prefix[-1] == "," or prefix[-1].isalpha() or (prefix[-1] == ":" and lang == "en"):
        first = text.split(" ", 1)[0]
        keep = text.startswith(_KEEP_CASE) or (len(first) > 1 and first.isupper())
        keep = keep or any(c.isdigit() for c in first)
        if lang == "de":
            keep = keep or first.strip(",.:!?").lower() not in _DE_LOWER
        if not keep:
            text = text[:1].lower() + text[1:]
    return f"{prefix} {text}"


# ------------------------------------------------------------------------------------------ the builder


class _Community:
    def __init__(self, seed: int, end: datetime) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.end = end
        self.start = end - timedelta(days=SPAN_DAYS)
        self.day0 = (self.start + timedelta(days=1)).date()
        # Seasonal content follows the window: autumn threads in autumn, a Halloween contest around Halloween.
        self.season = _SEASONS[end.month]
        self.halloween = any(self.start < datetime(year, 10, 31, 12, tzinfo=UTC) <= end
                             for year in (end.year - 1, end.year))
        self.members: list[Member] = []
        self.by_key: dict[str, Member] = {}
        self.threads: list[Thread] = []
        self.posts: list[Post] = []
        self.seen: dict[str, int] = {}
        self.fallbacks: list[str] = []  # texts that needed disambiguating (kept low by the phrase banks)
        self.lang_count = {"en": 0, "de": 0}
        self.complaints: list[Complaint] = []
        self.pile_ons: list[PileOn] = []
        self.pending: Pending | None = None
        self.troll_grievances = {"troll-en": 0, "troll-de": 0}
        self.events = {
            topic: Event(topic, spec["day"], self.day_date(spec["day"]), spec["fix_day"],
                         spec["cause"].format(date=self.day_date(spec["day"]).isoformat()))
            for topic, spec in P.COMPLAINTS.items()
        }

    # ---------------------------------------------------------------------------------- time helpers

    def day_date(self, day: int) -> date:
        return self.day0 + timedelta(days=day)

    def day_of(self, when: datetime) -> int:
        return (when.date() - self.day0).days

    def local(self, m: Member, when: datetime) -> datetime:
        return when + timedelta(hours=m.tz)

    def awake(self, m: Member, when: datetime) -> bool:
        hour = self.local(m, when).hour
        return m.wake <= hour < m.sleep

    def wake_up(self, m: Member, when: datetime) -> datetime:
        """The same moment if the member is awake then, else a plausible time after they wake up."""
        loc = self.local(m, when)
        if loc.hour < m.wake:
            loc = loc.replace(hour=m.wake, minute=0, second=0) + timedelta(minutes=self.rng.uniform(0, 150))
        elif loc.hour >= m.sleep:
            loc = (loc + timedelta(days=1)).replace(hour=m.wake, minute=0, second=0)
            loc += timedelta(minutes=self.rng.uniform(0, 180))
        return loc - timedelta(hours=m.tz)

    def at_local(self, day: int, m: Member, hour: float) -> datetime:
        base = datetime.combine(self.day_date(day), time(0), UTC)
        return base + timedelta(hours=hour - m.tz, seconds=self.rng.randint(0, 59))

    def start_time(self, day: int, m: Member, hours: tuple[float, float] | None = None) -> datetime:
        """A time on `day` when `m` would plausibly start a thread (mostly daytime, in their own zone)."""
        if hours:
            hour = self.rng.uniform(*hours)
        else:
            hour = self.rng.choices(START_HOURS, START_WEIGHTS)[0] + self.rng.random()
        hour = min(max(hour, m.wake + self.rng.random()), max(m.sleep - 0.5, m.wake + 1))
        return self.at_local(day, m, hour)

    def weekend(self, when: datetime, m: Member) -> bool:
        return self.local(m, when).weekday() >= 5

    def reply_time(self, m: Member, after: datetime, pace: str = "forum", awake: bool = True) -> datetime:
        med, sigma, lo, hi = PACES[pace]
        minutes = min(hi, max(lo, self.rng.lognormvariate(math.log(med), sigma)))
        if self.weekend(after, m):
            minutes *= 1.6
        when = after + timedelta(minutes=minutes, seconds=self.rng.randint(0, 59))
        return self.wake_up(m, when) if awake else when

    def pick_day(self, lo: int = 0, hi: int = SPAN_DAYS - 1) -> int:
        days = list(range(lo, hi + 1))
        weights = [0.5 if self.day_date(d).weekday() >= 5 else 1.0 for d in days]
        return self.rng.choices(days, weights)[0]

    # ---------------------------------------------------------------------------------- members

    def make_members(self) -> None:
        r = self.rng
        specs: list[dict[str, Any]] = [dict(spec) for spec in P.FIXED_MEMBERS]
        handles = {spec["handle"] for spec in specs}
        en_first, en_last = r.sample(P.EN_FIRST, 42), r.sample(P.EN_LAST, 42)
        de_first, de_last = r.sample(P.DE_FIRST, 22), r.sample(P.DE_LAST, 22)
        regulars = [(f, la, "en") for f, la in zip(en_first, en_last, strict=True)]
        regulars += [(f, la, "de") for f, la in zip(de_first, de_last, strict=True)]
        for first, last, lang in regulars:
            style = r.random()
            name = f"{first} {last}" if style < 0.72 else f"{first} {last[0]}." if style < 0.9 else first
            handle = self.make_handle(first, last, handles)
            handles.add(handle)
            if lang == "en":
                speaks = ["en", "de"] if r.random() < 0.05 else ["en"]
                tz = r.choices([0, 1, -5, -6, -8, 10, -4], [30, 8, 20, 8, 12, 6, 6])[0]
                city = r.choice(P.EN_CITIES)
            else:
                speaks = ["de", "en"] if r.random() < 0.55 else ["de"]
                tz = 2
                city = r.choice(P.DE_CITIES)
            specs.append({"key": f"{lang}-{handle}", "name": name, "handle": handle, "language": lang,
                          "speaks": speaks, "role": "regular", "tz": tz, "city": city})
        r.shuffle(specs)
        newcomers = 0
        for i, spec in enumerate(specs, start=1):
            m = Member(key=spec["key"], name=spec["name"], handle=spec["handle"], language=spec["language"],
                       speaks=tuple(spec["speaks"]), role=spec["role"], tz=spec["tz"], city=spec["city"],
                       id=f"m-{i}")
            self.style_member(m)
            if m.role == "regular" and m.key not in ("zoe", "noa") and newcomers < 12 and r.random() < 0.2:
                m.joined = r.randint(3, 54)
                m.weight = min(m.weight, 3.0)
                newcomers += 1
            self.members.append(m)
            self.by_key[m.key] = m
        helpers = [m for m in self.members if m.role == "regular" and m.joined == 0]
        for lang, count in (("en", 5), ("de", 3)):
            chosen = [m for m in helpers if m.language == lang][:count]
            for m in chosen:
                m.weight = r.uniform(10, 18)
                m.helper = 3.0

    def make_handle(self, first: str, last: str, taken: set[str]) -> str:
        r = self.rng
        f, la = _ascii(first).lower(), _ascii(last).lower()
        options = [f"{f}_{la[0]}", f"{f}{la}", f"{f[0]}{la}", f"{f}{r.randint(70, 99)}", f"{f}.{la}",
                   f"{r.choice(P.HANDLE_WORDS)}", f"{r.choice(P.HANDLE_WORDS)}_{f}", f"{la}_{f[:3]}"]
        for handle in r.sample(options, len(options)):
            if handle not in taken:
                return handle
        return f"{f}{la}{r.randint(100, 999)}"

    def style_member(self, m: Member) -> None:
        r = self.rng
        if m.role == "staff":
            m.weight, m.helper, m.wake, m.sleep = 0.0, 0.0, 8, 19
        elif m.role == "clique":
            m.weight, m.helper = r.uniform(3, 5), 0.8
        elif m.role == "troll":
            m.weight, m.helper = 0.0, 0.0
        else:
            m.weight = min(r.paretovariate(1.3), 8.0)
            m.helper = r.choice([0.3, 0.6, 1.0, 1.0, 1.5])
        if m.role != "staff":
            m.wake = r.choice([6, 7, 7, 8, 8, 9])
            m.sleep = r.choice([22, 23, 23, 24, 24])
        m.android = r.random() < (0.7 if m.language == "de" else 0.55)
        if m.role == "clique" and m.key in ("clique-tom", "clique-jess"):
            m.android = True
        m.phone = r.choice(P.ANDROID_PHONES if m.android else P.IPHONES)
        m.os = r.choice(P.ANDROID_OS if m.android else P.IOS)
        if r.random() < 0.6 or m.role == "clique":
            m.frame = r.choice(P.FRAMES)
        m.frame2 = r.random() < 0.3 or m.key == "clique-priya"
        m.casual = r.choice([0.0, 0.0, 0.0, 0.05, 0.1, 0.3, 0.6])
        if m.role == "clique":
            m.casual = r.choice([0.3, 0.5, 0.7])
        m.emoji = r.choice([0.0, 0.0, 0.05, 0.1, 0.2, 0.35])
        m.typo = r.choice([0.0, 0.0, 0.02, 0.05, 0.1])
        if r.random() < 0.3 and m.role in ("regular", "clique"):
            m.signoff = r.choice(P.SIGNOFFS[m.language]).replace("{me}", m.first)
        m.pet = r.randrange(len(P.FILL["en"]["pet"]))
        m.petname = r.choice(P.FILL[m.language]["petname"])
        m.camera = r.choice(P.FILL["en"]["camera"])
        m.partner = r.randrange(len(P.FILL["en"]["partner"]))
        if m.language == "de":
            m.price = "5,99 €"
        elif m.tz >= 8:
            m.price = "A$8.99"
        elif m.tz < 0:
            m.price = "$5.99"
        else:
            m.price = "£4.99"

    def staff(self, lang: str, key: str | None = None) -> Member:
        if key and (lang == "en" or key == "staff-jonas"):
            return self.by_key[key]
        if lang == "de":
            return self.by_key["staff-jonas"]
        return self.by_key[self.rng.choice(["staff-maya", "staff-ravi", "staff-ravi"])]

    def clique(self) -> list[Member]:
        return [m for m in self.members if m.role == "clique"]

    def pick(self, lang: str, when: datetime, *, exclude: Sequence[Member] = (),
             roles: Sequence[str] = ("regular", "clique"),
             weight: Callable[[Member], float] | None = None, need: Callable[[Member],
                                                                             bool] | None = None) -> Member:
        day = max(0, self.day_of(when))
        for relax in (False, True):
            pool: list[Member] = []
            weights: list[float] = []
            for m in self.members:
                if m.role not in roles or lang not in m.speaks or m.joined > day:
                    continue
                if not relax and (any(m is e for e in exclude) or (need is not None and not need(m))):
                    continue
                w = weight(m) if weight else m.weight
                if not self.awake(m, when):
                    w *= 0.2
                if m.language != lang:
                    w *= 0.35
                if m.role == "clique":
                    w *= 0.6
                pool.append(m)
                weights.append(max(w, 0.01))
            if pool:
                return self.rng.choices(pool, weights)[0]
        raise RuntimeError(f"nobody speaks {lang}")

    def needs(self, topic: str) -> Callable[[Member], bool] | None:
        need = P.COMPLAINTS[topic]["needs"]
        if need == "android":
            return lambda m: m.android
        if need == "frame":
            return lambda m: bool(m.frame)
        if need == "frame2":
            return lambda m: m.frame2
        return None

    # ---------------------------------------------------------------------------------- text

    def slots(self, lang: str, m: Member, ctx: dict[str, Any]) -> dict[str, Any]:
        r = self.rng
        to = ctx.pop("to", None)
        to2 = ctx.pop("to2", None)
        words = P.WORDS[lang]

        def someone() -> Member:
            return to or r.choice([x for x in self.members if x.role in ("regular", "clique") and x is not m])

        slots: dict[str, Any] = dict(P.FILL[lang])
        slots.update({
            "pet": P.FILL[lang]["pet"][m.pet], "petname": m.petname, "camera": m.camera,
            "partner": P.FILL[lang]["partner"][m.partner],
            "device": lambda: m.phone, "os": lambda: m.os, "frame": lambda: m.frame or r.choice(P.FRAMES),
            "city": lambda: m.city, "me": lambda: m.first, "price": lambda: m.price,
            "name": lambda: someone().first, "at": lambda: someone().at,
            "at2": lambda: (to2 or someone()).at,
            "staff_at": lambda: self.staff(lang).at,
            "ticket": lambda: str(r.randint(48100, 61999)), "num": lambda: str(r.randint(2, 9)),
            "photos": lambda: _fmt_int(lang, r.choice([r.randint(800, 4000), r.randint(4000, 40000)])),
            "weekday": lambda: r.choice(words["weekdays"][:6]),
            "idea": lambda: r.choice(P.FEATURES)[lang]["short"],
            "feature": lambda: r.choice(P.FEATURES)[lang]["short"],
            "days": lambda: str(r.randint(8, 12)),
        })
        slots.update(ctx)
        return slots

    def x(self, template: str | Sequence[str], lang: str, m: Member, th: Thread | None = None,
          **ctx: Any) -> str:
        """Expand a template, or a random one of a list (with `th`: preferably one unused in that thread)."""
        if not isinstance(template, str):
            template = self.fresh(template, th) if th is not None else self.rng.choice(template)
        return self.expand(template, self.slots(lang, m, ctx))

    def fresh(self, bank: Sequence[str], th: Thread) -> str:
        unused = [t for t in bank if t not in th.used]
        choice = self.rng.choice(unused or list(bank))
        th.used.add(choice)
        return choice

    def expand(self, template: str, slots: dict[str, Any]) -> str:
        r = self.rng

        def resolve(value: Any) -> str:
            if callable(value):
                value = value()
            if isinstance(value, list | tuple):
                value = r.choice(value)
            value = str(value)
            return self.expand(value, slots) if "{" in value else value

        def repl(match: re.Match[str]) -> str:
            body = match.group(1)
            if "|" in body:
                return r.choice(body.split("|"))
            if body in slots:
                return resolve(slots[body])
            low = body[:1].lower() + body[1:]
            if body[:1].isupper() and low in slots:
                return _cap(resolve(slots[low]))
            raise KeyError(f"unknown slot {body!r} in {template!r}")

        previous = None
        while previous != template:
            previous = template
            template = _SLOT.sub(repl, template)
        return template

    def topic_ctx(self, topic: str, lang: str, when: datetime) -> dict[str, Any]:
        ev = self.events[topic]
        today = when.date()
        fix = self.day_date(ev.fix_day) if ev.fix_day is not None else None
        return {
            "since": lambda: _since(self.rng, lang, ev.date, today),
            "when": lambda: _when(self.rng, lang, ev.date, today),
            "eday": P.WORDS[lang]["weekdays"][ev.date.weekday()],
            "edate": _short_date(lang, ev.date),
            "days": str(max(2, (today - ev.date).days)),
            "fixdate": _short_date(lang, fix) if fix else "",
        }

    def write(self, make: Callable[..., str], m: Member, chat: bool, mood: str = "neutral", *,
              troll: bool = False, raw: bool = False, lang: str = "en", to: Member | None = None,
              th: Thread | None = None) -> str:
        """Compose a text, style it like `m` writes, and avoid repeating what somebody already wrote.

        `make()` is called with no argument (typed Callable[..., str]: its lambdas bind what they need as defaults).

        Short generic replies ("+1", "Same here.") may occur up to three times, longer ones at most twice
        and long ones once; trolls repeat themselves freely.
        """
        here = th.texts if th is not None else set()

        def fine(text: str) -> bool:
            return text not in here and (troll or self.seen.get(text, 0) < _repeat_limit(text))

        text = ""
        for _ in range(14):
            text = make()
            text = text if raw else _tidy(self.style(_tidy(text), m, chat, mood))
            if fine(text):
                break
        else:
            self.fallbacks.append(text)
            if to is not None and to is not m and not text.startswith("@") and to.first not in text:
                text = _join(lang, f"{to.first},", text)
            while not fine(text):
                if m.role == "staff":
                    sign = self.rng.choice(["– ", "", "~ "]) + m.first
                    text = f"{text}\n\n{sign}{self.rng.choice(['', ', Lumen team', ' (Lumen)'])}"
                else:
                    tail = self.rng.choice(P.TAILS[lang] + P.EMOJI[mood])
                    text = text[:-1] + "!" if tail == "!" and text.endswith(".") else f"{text} {tail}"
        self.seen[text] = self.seen.get(text, 0) + 1
        return text

    def style(self, text: str, m: Member, chat: bool, mood: str) -> str:
        r = self.rng
        if m.role in ("staff", "troll"):
            return text
        if r.random() < m.typo:
            text = self.typo(text)
        if chat and text.endswith(".") and r.random() < 0.55:
            text = text[:-1]
        if r.random() < m.casual * (1.0 if chat else 0.35):
            text = text.lower()
        if r.random() < m.emoji * (1.3 if chat else 0.7):
            text = f"{text} {r.choice(P.EMOJI[mood])}"
        if not chat and m.signoff and len(text) > 90 and r.random() < 0.5:
            text = f"{text}\n\n{m.signoff}"
        return text

    def typo(self, text: str) -> str:
        words = [w for w in re.finditer(r"(?<![@/.\w])[A-Za-zäöüß]{5,}", text)]
        if not words:
            return text
        w = self.rng.choice(words)
        word = w.group(0)
        i = self.rng.randint(1, len(word) - 3)
        op = self.rng.choice(["swap", "drop", "double"])
        if op == "swap":
            new = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        elif op == "drop":
            new = word[:i] + word[i + 1:]
        else:
            new = word[:i] + word[i] + word[i:]
        return text[:w.start()] + new + text[w.end():]

    # ---------------------------------------------------------------------------------- posting

    def thread(self, source: str, channel: str, lang: str, title: str | None = None) -> Thread:
        th = Thread(len(self.threads), source, channel, lang, title if source == FORUM else None)
        self.threads.append(th)
        return th

    def add(self, th: Thread, m: Member, when: datetime, text: str, kind: str, parent: Post | None = None,
            lang: str | None = None, topic: str | None = None, insert: bool = False) -> Post:
        when = when.replace(microsecond=0)
        if insert:
            floor = parent.time if parent else th.posts[0].time
            if when <= floor:
                when = floor + timedelta(seconds=self.rng.randint(30, 200))
        elif th.posts and when <= th.posts[-1].time:
            when = th.posts[-1].time + timedelta(seconds=self.rng.randint(20, 150))
        if when <= self.start:
            when = self.start + timedelta(minutes=self.rng.randint(5, 90))
        lang = lang or th.language
        post = Post(len(self.posts), th, m, when, text, lang, kind, parent, topic)
        th.texts.add(text)
        if insert:
            index = len(th.posts)
            while index > 0 and th.posts[index - 1].time >= when:
                index -= 1
            th.posts.insert(index, post)
        else:
            th.posts.append(post)
        self.posts.append(post)
        self.lang_count[lang] = self.lang_count.get(lang, 0) + 1
        return post

    def say(self, th: Thread, m: Member, when: datetime, kind: str, make: Callable[..., str], *,  # make(): see write
            parent: Post | None = None, lang: str | None = None, mood: str = "neutral",
            topic: str | None = None, troll: bool = False, raw: bool = False, insert: bool = False) -> Post:
        lang = lang or th.language
        to = parent.author if parent is not None else (th.posts[0].author if th.posts else None)
        text = self.write(make, m, th.source == CHAT, mood, troll=troll, raw=raw, lang=lang, to=to, th=th)
        return self.add(th, m, when, text, kind, parent, lang, topic, insert)

    def reply_parent(self, th: Thread, default: Post | None) -> Post | None:
        """Chat replies are often not explicit replies; forum replies answer the given post."""
        if th.source == CHAT and self.rng.random() < 0.3:
            return None
        return default

    # ---------------------------------------------------------------------------------- compositions

    def timely(self, bank: Sequence[str], m: Member, when: datetime) -> str:
        """A random greeting from `bank` that fits the time of day where `m` lives."""
        hour = self.local(m, when).hour
        fitting = [g for g in bank
                   if not (hour >= 12 and _MORNING.search(g)) and not (hour < 17 and _EVENING.search(g))]
        return self.rng.choice(fitting or [""])

    def question_text(self, q: dict[str, Any], lang: str, m: Member, chat: bool, ask: str,
                      when: datetime) -> str:
        r = self.rng
        ask = self.x(ask, lang, m)
        if chat:
            return _join(lang, self.timely(P.CHAT_GREET[lang], m, when), ask) if r.random() < 0.5 else ask
        opener = r.choice(P.Q_OPEN[lang]) if r.random() < 0.35 else ""
        body = _join(lang, opener, ask)
        greet = self.timely(P.GREET[lang], m, when) if r.random() < 0.7 else ""
        sep = "\n\n" if r.random() < 0.4 else " "
        parts = [body if sep != " " else _join(lang, greet, body)]
        if sep != " " and greet:
            parts.insert(0, greet)
        if r.random() < 0.35:
            if lang == "en":
                parts.append(self.x("{device}, {os}." if r.random() < 0.6 else "Using the {frame}.", lang, m))
            else:
                parts.append(self.x("{device} mit {os}." if r.random() < 0.6 else "Habe den {frame}.", lang,
                                    m))
        parts.append(r.choice(P.Q_CLOSE[lang]))
        return sep.join(p for p in parts if p)

    def answer_text(self, q: dict[str, Any], lang: str, m: Member, asker: Member, chat: bool,
                    th: Thread, answer: str | None = None) -> str:
        r = self.rng
        body = self.x(answer or q["answer"], lang, m, th, to=asker)
        pre_bank = P.STAFF_ANSWER_PRE[lang] if m.role == "staff" else P.ANSWER_PRE[lang]
        pre = self.x(pre_bank, lang, m, to=asker)
        if chat:
            return body if r.random() < 0.6 else _join(lang, pre, body)
        post = "" if m.role == "staff" else self.x(P.ANSWER_POST[lang], lang, m)
        return f"{_join(lang, pre, body)} {post}"

    def complaint_text(self, topic: str, lang: str, m: Member, when: datetime, chat: bool, th: Thread,
                       lead: str = "") -> str:
        r = self.rng
        d = P.COMPLAINTS[topic][lang]
        ctx = self.topic_ctx(topic, lang, when)
        ctx["symptom"] = d["symptom"]
        ctx["event"] = d["event"]
        if chat and not lead and r.random() < 0.55:
            text = self.x(d["short"], lang, m, **ctx)
            if r.random() < 0.4:
                text += " " + self.x(d["extra"], lang, m, th, **ctx)
            return text
        core = self.x(d.get("core") or _CORES[lang], lang, m, **ctx)
        core = _join(lang, lead, core) if lead else core
        opener = r.choice(P.COMPLAINT_OPEN[lang]) if not lead and not chat and r.random() < 0.5 else ""
        extras = [self.x(d["extra"], lang, m, th, **ctx)
                  for _ in range(r.choice([0, 1, 1, 2]) if chat else r.choice([1, 2, 2, 3]))]
        parts = [*extras]
        if r.random() < 0.6:
            parts.append(self.x(P.FRUSTRATION[lang], lang, m))
        if not chat and r.random() < 0.35:
            return "\n\n".join(p for p in [opener, core, *parts] if p)
        return " ".join(p for p in [_join(lang, opener, core), *parts] if p)

    def metoo_text(self, topic: str, lang: str, m: Member, complaint: Post, chat: bool, th: Thread) -> str:
        r = self.rng
        d = P.COMPLAINTS[topic][lang]
        bank = P.METOO[lang]
        ctx = self.topic_ctx(topic, lang, complaint.time)
        ctx["symptom"] = d["symptom"]
        ctx["event"] = d["event"]
        if "metoo" in d:
            return self.x(d["metoo"], lang, m, th, **ctx)
        form = r.choices(["short", "para", "detail", "quote", "mention"],
                         [28, 36, 12, 0 if chat else 10, 14])[0]
        if form == "short":
            return self.x(bank["short"], lang, m, th, **ctx)
        if form == "detail":
            agree = self.x(bank["short"], lang, m, th, **ctx)
            agree = agree if agree.endswith((".", "!", "?", "…")) or not agree[-1:].isascii() else f"{agree}."
            return f"{agree} {self.x(d['extra'], lang, m, th, **ctx)}"
        para = self.paraphrase(lang, m, ctx)
        if form == "quote":
            agree = self.x(bank["short"], lang, m, th, **ctx) if r.random() < 0.5 else para
            return f"> {_quotable(complaint.text)}\n\n{agree}"
        if form == "mention" and complaint.author is not m:
            return _join(lang, complaint.author.at, para)
        return para

    def paraphrase(self, lang: str, m: Member, ctx: dict[str, Any]) -> str:
        bank = P.METOO[lang]
        if lang == "en":
            templates = ["{lead} {symptom} {event}.{tail}", "{Symptom} {event} for me too.{tail}",
                         "{lead} {symptom}.{tail}", "Yeah, {symptom} here as well.{tail}"]
        else:
            templates = ["{lead} {event} {symptom}.{tail}", "Auch bei mir {symptom}, {event}.{tail}",
                         "{Event} {symptom}, genau wie bei dir.{tail}"]
        return self.x(templates, lang, m, lead=bank["lead"], tail=bank["tail"], **ctx)

    # ---------------------------------------------------------------------------------- threads: help

    def question_thread(self, lang: str, source: str, day: int, key: str | None = None,
                        asker: Member | None = None,
                        short: bool = False) -> Thread:
        r = self.rng
        chat = source == CHAT
        key = key or r.choice(list(P.QUESTIONS))
        spec = P.QUESTIONS[key]
        q = spec[lang]
        if lang == "de":
            channel = "hilfe" if chat else "deutsch"
        else:
            channel = ("frames" if spec["channel"] == "frames" else "support") if chat else spec["channel"]
        noon = self.at_local(day, self.members[0], 12)
        asker = asker or self.pick(lang, noon, weight=lambda m: math.sqrt(m.weight) + 0.6)
        pace = "chat" if chat else "forum"
        t = self.start_time(day, asker)
        th = self.thread(source, channel, lang, self.x(q["title"], lang, asker))
        # The first answer usually answers the question that was asked (the banks are aligned by index).
        index = r.randrange(len(q["ask"]))
        fitting: str | None = q["answer"][index] if index < len(q["answer"]) and r.random() < 0.8 else None
        if fitting:
            th.used.add(fitting)
        first = self.say(th, asker, t, "question",
                         lambda: self.question_text(q, lang, asker, chat, q["ask"][index], t))
        helpers: list[Member] = []
        last = first
        for _ in range(r.choice([1, 1, 1, 2, 2, 3])):
            if r.random() < 0.12 and not any(h.role == "staff" for h in helpers):
                h = self.staff(lang)
            else:
                h = self.pick(lang, last.time, exclude=[asker, *helpers],
                              weight=lambda m: m.weight * m.helper)
            t = self.reply_time(h, last.time, pace)
            last = self.say(th, h, t, "answer" if h.role != "staff" else "staff_reply",
                            lambda h=h, a=fitting: self.answer_text(q, lang, h, asker, chat, th, a),
                            parent=self.reply_parent(th, first), mood="pos")
            helpers.append(h)
            fitting = None
        if short:
            return th
        if r.random() < 0.45:
            generic = P.FOLLOW_GENERIC[lang] if spec["channel"] != "frames" and r.random() < 0.3 else []
            fq, fa = r.choice(q["follow"] + generic)
            helper = last.author
            t = self.reply_time(asker, last.time, pace)
            last = self.say(th, asker, t, "followup",
                            lambda: _join(lang, self.x(P.FOLLOW_PRE[lang], lang, asker, to=helper), fq),
                            parent=self.reply_parent(th, last))
            t = self.reply_time(helper, last.time, pace)
            last = self.say(th, helper, t, "answer",
                            lambda: _join(lang, self.x(P.FOLLOW_ANSWER_PRE[lang], lang, helper, to=asker),
                                          fa),
                            parent=self.reply_parent(th, last), mood="pos")
        if r.random() < 0.75:
            helper = last.author if last.author is not asker else helpers[-1]
            t = self.reply_time(asker, last.time, pace)
            last = self.say(th, asker, t, "thanks",
                            lambda: self.x(P.THANKS[lang], lang, asker, th, to=helper),
                            parent=self.reply_parent(th, last), mood="pos")
        if r.random() < 0.3:
            other_lang = lang
            o = self.pick(lang, last.time, exclude=[asker, *helpers])
            if lang == "en" and o.language == "de" and r.random() < 0.5:
                other_lang = "de"
            t = self.reply_time(o, last.time, pace)
            self.say(th, o, t, "friendly", lambda: self.x(P.CHATTER[other_lang], other_lang, o, th, to=asker),
                     parent=self.reply_parent(th, first), lang=other_lang, mood="pos")
        if lang == "en" and r.random() < 0.05 and not chat:
            self.troll_driveby(th, "mock")
        return th

    # ---------------------------------------------------------------------------------- threads: social

    def chitchat_thread(self, lang: str, source: str, day: int, starter: Member | None = None,
                        size: int | None = None,
                        topic: dict[str, Any] | None = None) -> Thread:
        r = self.rng
        chat = source == CHAT
        channel = ("general" if chat else "off-topic") if lang == "en" else "deutsch"
        in_season = [c for c in P.CHITCHAT[lang] if c.get("season", self.season) == self.season]
        topic = topic or r.choice(in_season)
        noon = self.at_local(day, self.members[0], 13)
        starter = starter or self.pick(lang, noon)
        t = self.start_time(day, starter)
        th = self.thread(source, channel, lang, self.x(topic["title"], lang, starter))
        first = self.say(th, starter, t, "chitchat", lambda: self.x(topic["start"], lang, starter),
                         mood="pos")
        people = [starter]
        shared = [starter]
        last = first
        size = size or (r.randint(5, 16) if chat else r.randint(4, 12))
        clique_thread = starter.role == "clique"
        for _ in range(size):
            others = [p for p in people[-4:] if p is not last.author]
            if r.random() < 0.3 and others:
                m = r.choice(others)
            elif clique_thread and r.random() < 0.6 and len(friends := [
                    c for c in self.clique() if lang in c.speaks and c is not last.author]) > 0:
                m = r.choice(friends)
            else:
                m = self.pick(lang, last.time, exclude=[last.author])
            to = last.author
            t = self.reply_time(m, last.time, "chat" if chat else "forum")
            echo = any(m is s for s in shared) or len(th.used & set(topic["share"])) >= len(topic["share"])

            def make(m: Member = m, to: Member = to, echo: bool = echo) -> str:
                if echo:
                    text = self.x(P.CHAT_ECHO[lang], lang, m, th, to=to)
                else:
                    react = self.x(P.CHAT_REACT[lang], lang, m, th)
                    share = self.x(topic["share"], lang, m, th, to=to)
                    tail = self.x(P.CHAT_TAIL[lang], lang, m, to=to) if r.random() < 0.5 else ""
                    text = f"{react} {share} {tail}"
                if m.role == "clique" and to.role == "clique" and to is not m and r.random() < 0.6:
                    text = _join(lang, to.at, text)
                return text

            last = self.say(th, m, t, "friendly", make,
                            parent=self.reply_parent(th, last if chat or echo else first),
                            mood="pos")
            if not any(m is p for p in people):
                people.append(m)
            if not echo:
                shared.append(m)
        return th

    def banter_thread(self, day: int, crew: Sequence[Member] | None = None, start: datetime | None = None,
                      until: datetime | None = None, size: int | None = None) -> Thread:
        """A conversation in the English chat's #general, mostly among the clique."""
        r = self.rng
        clique = self.clique()
        crew = list(crew) if crew else r.sample(clique, r.randint(3, 5))
        starter = crew[0]
        t = start or self.start_time(day, starter, (9, 22))
        th = self.thread(CHAT, "general", "en")
        others = [c for c in crew if c is not starter] or [r.choice([c for c in clique if c is not starter])]
        first = self.say(th, starter, t, "banter",
                         lambda: self.x(self.timely(P.CLIQUE["start"], starter, t), "en", starter, th,
                                        to=others[0],
                                        to2=others[-1]), mood="pos")
        last = first
        size = size or r.randint(6, 18)
        for _ in range(size):
            if r.random() < 0.15 and until is None:
                m = self.pick("en", last.time, exclude=clique)
            else:
                m = r.choice([c for c in crew if c is not last.author])
            t = self.reply_time(m, last.time, "chat", awake=until is None)
            if until is not None and t >= until:
                break
            to = last.author if last.author is not m else starter

            def make(m: Member = m, to: Member = to, t: datetime = t) -> str:
                comment = self.x(P.CLIQUE["comment"], "en", m, th, to=to)
                react = r.choice(P.CLIQUE["react"])
                form = r.random()
                if m.role != "clique":
                    return self.x(self.timely(P.CLIQUE["outsider"], m, t), "en", m, th)
                if form < 0.45:
                    return f"{to.at} {react} {comment}"
                if form < 0.7:
                    return f"{to.at} {comment}"
                if form < 0.85:
                    return f"{react}, {comment}"
                return comment

            last = self.say(th, m, t, "banter", make, parent=self.reply_parent(th, last), mood="pos")
        return th

    def show_thread(self, lang: str, day: int, owner: Member | None = None, size: int | None = None,
                    item: dict[str, Any] | None = None) -> Thread:
        r = self.rng
        item = item or r.choice(P.SHOW[lang])
        noon = self.at_local(day, self.members[0], 12)
        owner = owner or self.pick(lang, noon)
        t = self.start_time(day, owner)
        th = self.thread(FORUM, "show-and-tell" if lang == "en" else "deutsch", lang, item["title"])
        first = self.say(th, owner, t, "show_and_tell", lambda: self.x(item["text"], lang, owner), mood="pos")
        last = first
        asks = list(item["asks"])
        r.shuffle(asks)
        praise = list(item["praise"]) + list(P.SHOW_REPLY[lang])
        for _ in range(size or r.randint(3, 9)):
            m = self.pick(lang, last.time, exclude=[owner, last.author])
            t = self.reply_time(m, last.time, "forum")
            if asks and r.random() < 0.4:
                question, answer = asks.pop()
                ask = self.say(th, m, t, "question", lambda m=m, q=question: self.x(q, lang, m), parent=first)
                t = self.reply_time(owner, ask.time, "forum")
                last = self.say(th, owner, t, "answer", lambda a=answer: self.x(a, lang, owner), parent=ask,
                                mood="pos")
                continue
            reply = self.say(th, m, t, "friendly", lambda m=m: self.x(praise, lang, m, th, to=owner),
                             parent=first,
                             mood="pos")
            last = reply
            if r.random() < 0.25:
                t = self.reply_time(owner, reply.time, "forum")
                last = self.say(th, owner, t, "thanks",
                                lambda m=m: self.x(P.SHOW_OWNER[lang], lang, owner, th, to=m),
                                parent=reply, mood="pos")
        return th

    def feature_thread(self, lang: str, day: int, idea: dict[str, Any] | None = None) -> Thread:
        r = self.rng
        idea = idea or r.choice(P.FEATURES)
        spec = idea[lang]
        noon = self.at_local(day, self.members[0], 12)
        author = self.pick(lang, noon)
        t = self.start_time(day, author)
        th = self.thread(FORUM, "feature-requests" if lang == "en" else "deutsch", lang, spec["title"])

        def pitch() -> str:
            greet = self.timely(P.GREET[lang], author, t) if r.random() < 0.5 else ""
            extra = self.x(r.choice(P.Q_CLOSE[lang][-4:]), lang, author) if r.random() < 0.3 else ""
            return f"{_join(lang, greet, spec['pitch'])} {extra}"

        first = self.say(th, author, t, "feature_request", pitch, mood="pos")
        last = first
        staffed = False
        voters: list[Member] = [author]
        for i in range(r.randint(3, 12)):
            roll = r.random()
            if not staffed and i >= 2 and roll < 0.18:
                m = self.staff(lang)
                staffed = True
                kind, bank = "staff_reply", P.FEATURE_REPLY[lang]["staff"]
            else:
                m = self.pick(lang, last.time, exclude=voters)
                voters.append(m)
                if roll < 0.3:
                    kind, bank = "feature_doubt", P.FEATURE_REPLY[lang]["doubt"]
                else:
                    kind, bank = "feature_vote", P.FEATURE_REPLY[lang]["support"]
            t = self.reply_time(m, last.time, "forum")
            last = self.say(th, m, t, kind,
                            lambda m=m, bank=bank: self.x(bank, lang, m, th, idea=spec["short"], to=author),
                            parent=first, mood="pos")
        if r.random() < 0.12:
            self.troll_driveby(th, "bait")
        return th

    def welcome_thread(self, m: Member) -> Thread:
        r = self.rng
        lang = m.language
        t = self.start_time(m.joined, m)
        w = P.WELCOME[lang]
        th = self.thread(FORUM, "welcome" if lang == "en" else "deutsch", lang, self.x(w["title"], lang, m))
        first = self.say(th, m, t, "intro", lambda: self.x(w["intro"], lang, m), mood="pos")
        last = first
        greeters: list[Member] = []
        for _ in range(r.randint(2, 6)):
            g = self.pick(lang, last.time, exclude=[m, *greeters])
            greeters.append(g)
            t = self.reply_time(g, last.time, "forum")
            last = self.say(th, g, t, "welcome",
                            lambda g=g: self.x(w["reply"], lang, g, th, to=m, city=m.city),
                            parent=first, mood="pos")
        if r.random() < 0.7:
            t = self.reply_time(m, last.time, "forum")
            self.say(th, m, t, "thanks", lambda: self.x(P.WELCOME_THANKS[lang], lang, m, th, to=greeters[0]),
                     parent=last, mood="pos")
        return th

    def announcement(self, key: str, lang: str, **extra: str) -> tuple[Thread, Post]:
        spec = P.ANNOUNCEMENTS[key]
        text = spec[lang]
        staff = self.staff(lang, spec["staff"])
        refdate = _long_date(lang, self.day_date(spec["ref"]))
        t = self.start_time(spec["day"], staff, (9.5, 15))
        ctx: dict[str, Any] = {"refdate": refdate, "price": "5,99 €" if lang == "de" else "$5.99 (£4.99 / €5.99)",
                               **extra}
        th = self.thread(FORUM, "announcements" if lang == "en" else "deutsch", lang,
                         self.x(text["title"], lang, staff, **ctx))
        post = self.say(th, staff, t, "announcement", lambda: self.x(text["text"], lang, staff, **ctx),
                        mood="pos",
                        raw=True)
        return th, post

    def announcement_replies(self, th: Thread, ann: Post, key: str, count: int,
                             until: datetime | None = None) -> None:
        lang = th.language
        spec = P.ANNOUNCEMENTS[key]
        features = spec[lang]["feature"]
        bank = P.ANNOUNCE_REPLY[spec["kind"]][lang]
        last = th.posts[-1]
        for _ in range(count):
            m = self.pick(lang, last.time, exclude=[p.author for p in th.posts])
            t = self.reply_time(m, last.time, "forum")
            if until is not None and t >= until:
                return
            last = self.say(th, m, t, "friendly",
                            lambda m=m: self.x(bank, lang, m, th, feature=features, to=ann.author),
                            parent=ann, mood="pos")

    # ---------------------------------------------------------------------------------- complaints

    def complaint_flow(self, th: Thread, topic: str, complainer: Member, when: datetime, *,
                       parent: Post | None = None, origin: Post | None = None, lead: str = "",
                       troll: bool = False, metoos: int | None = None, lang: str | None = None,
                       log_paste: bool = False) -> Complaint:
        """A complaint (as the thread's first post, or as a reply to `parent`) and what follows it."""
        r = self.rng
        lang = lang or th.language
        chat = th.source == CHAT
        pace_hot = "chat" if chat else "forum_hot"
        pace = "chat_slow" if chat else "forum"
        ev = self.events[topic]
        d = P.COMPLAINTS[topic][lang]
        post = self.say(th, complainer, when, "complaint",
                        lambda: self.complaint_text(topic, lang, complainer, when, chat, th,
                                                    lead), parent=parent,
                        lang=lang, mood="neg", topic=topic)
        c = Complaint(post, topic, origin or post)
        self.complaints.append(c)
        affected: list[Member] = [complainer]
        bystanders: list[Member] = []
        last = post
        need = self.needs(topic)
        staff_done = False
        n_metoo = metoos if metoos is not None else r.randint(2, 7)
        plan: list[str] = ["metoo"] * r.randint(1, 2)
        if r.random() < 0.6:
            plan.append("tip")
        plan += ["metoo"] * r.randint(0, 2)
        if troll:
            plan.append("troll")
        if r.random() < 0.85:
            plan.append("staff")
        plan += ["metoo"] * max(0, n_metoo - plan.count("metoo"))
        if r.random() < 0.35:
            plan.insert(r.randint(1, len(plan)), "notaff")
        if not chat and r.random() < 0.3:
            plan.append("bump")
        plan.append("fixed")
        for step in plan:
            if step == "metoo":
                m = self.pick(lang, last.time, exclude=[*affected, *bystanders], need=need)
                write_lang = lang
                if lang == "en" and m.language == "de" and r.random() < 0.35:
                    write_lang = "de"
                t = self.reply_time(m, last.time, pace_hot)
                target = post if r.random() < 0.7 or last.kind != "me_too" else last
                if origin is not None and origin is not post and r.random() < 0.2:
                    target = origin
                if log_paste:
                    log_paste = False
                    made = self.say(th, m, t, "me_too", lambda m=m, t=t: _log_text(self.rng, m, t),
                                    parent=target,
                                    lang="en", topic=topic, raw=True)
                else:
                    made = self.say(th, m, t, "me_too",
                                    lambda m=m, wl=write_lang: self.metoo_text(topic, wl, m, post, chat, th),
                                    parent=self.reply_parent(th, target), lang=write_lang, mood="neg",
                                    topic=topic)
                c.me_too.append(made)
                affected.append(m)
                last = made
            elif step == "tip":
                h = self.pick(lang, last.time, exclude=[*affected, *bystanders],
                              weight=lambda m: m.weight * m.helper)
                bystanders.append(h)
                t = self.reply_time(h, last.time, pace_hot)
                tip = self.say(th, h, t, "suggestion",
                               lambda h=h: _join(lang, self.x(P.TIP_PRE[lang], lang, h),
                                                 self.x(d["tip"], lang, h, th)),
                               parent=self.reply_parent(th, post), topic=topic)
                last = tip
                if r.random() < 0.8:
                    t = self.reply_time(complainer, tip.time, pace_hot)
                    if "tip_reply" in d:
                        bank, mood = d["tip_reply"], "neutral"
                    elif r.random() < 0.7:
                        bank, mood = P.TIP_FAIL[lang], "neg"
                    else:
                        bank, mood = P.TIP_OK[lang], "pos"
                    last = self.say(th, complainer, t, "complainer_reply",
                                    lambda bank=bank, h=h: self.x(bank, lang, complainer, th,
                                                                  to=h), parent=tip,
                                    topic=topic, mood=mood)
            elif step == "troll":
                last = self.troll_segment(th, lang, last, post)
            elif step == "staff" and not staff_done:
                staff_done = True
                s = self.staff(lang)
                t = self.reply_time(s, last.time, pace)
                last = self.say(th, s, t, "staff_reply",
                                lambda s=s, t=t: self.staff_text(s, topic, lang, complainer, t, chat, th),
                                parent=post, topic=topic)
            elif step == "notaff":
                m = self.pick(lang, last.time, exclude=[*affected, *bystanders])
                bystanders.append(m)
                t = self.reply_time(m, last.time, pace)
                last = self.say(th, m, t, "not_affected", lambda m=m: self.x(d["unaffected"], lang, m, th),
                                parent=self.reply_parent(th, post))
            elif step == "bump":
                m = r.choice(affected)
                t = self.reply_time(m, last.time + timedelta(hours=r.uniform(18, 40)), pace)
                if ev.fix_day is not None and self.day_of(t) >= ev.fix_day:
                    continue
                last = self.say(th, m, t, "bump",
                                lambda m=m, t=t: self.x(P.BUMP[lang], lang, m, th,
                                                        **self.topic_ctx(topic, lang, t)),
                                parent=self.reply_parent(th, post), mood="neg", topic=topic)
            elif step == "fixed" and ev.fix_day is not None:
                fix_at = datetime.combine(self.day_date(ev.fix_day), time(9), UTC)
                base = max(last.time, fix_at) + timedelta(minutes=r.uniform(20, 600))
                if staff_done and r.random() < 0.6:
                    s = self.staff(lang)
                    t = self.wake_up(s, base)
                    last = self.say(th, s, t, "staff_reply",
                                    lambda s=s: self.x(P.STAFF_FIXED[lang], lang, s, fixnote=d["fixnote"]),
                                    parent=post, topic=topic, mood="pos")
                for m in r.sample(affected, min(len(affected), r.randint(1, 2))):
                    t = self.reply_time(m, max(last.time, base), pace)
                    last = self.say(th, m, t, "resolution", lambda m=m: self.x(d["fixed"], lang, m, th),
                                    parent=self.reply_parent(th, post), mood="pos", topic=topic)
        return c

    def staff_text(self, s: Member, topic: str, lang: str, complainer: Member, when: datetime, chat: bool,
                   th: Thread) -> str:
        body = self.x(P.COMPLAINTS[topic][lang]["staff"], lang, s, th, to=complainer,
                      **self.topic_ctx(topic, lang, when))
        close = self.x(P.STAFF_CLOSE[lang], lang, s)
        if close and close[:12] in body:
            close = ""
        opener = "" if body.startswith(("Hi ", "Hallo ")) else self.x(P.STAFF_OPEN[lang], lang, s,
                                                                      to=complainer)
        if opener and not chat:
            return f"{opener}\n\n{body} {close}".strip()
        return f"{_join(lang, opener, body)} {close}".strip()

    def complaint_thread(self, topic: str, lang: str, source: str, day: int, *,
                         complainer: Member | None = None,
                         troll: bool = False, log_paste: bool = False) -> Complaint:
        chat = source == CHAT
        spec = P.COMPLAINTS[topic]
        if lang == "de":
            channel = "hilfe" if chat else "deutsch"
        else:
            channel = ("frames" if spec["channel"] == "frames" else "support") if chat else spec["channel"]
        noon = self.at_local(day, self.members[0], 12)
        complainer = complainer or self.pick(lang, noon, need=self.needs(topic))
        when = self.start_time(day, complainer)
        ctx = self.topic_ctx(topic, lang, when)
        th = self.thread(source, channel, lang, self.x(spec[lang]["title"], lang, complainer, **ctx))
        return self.complaint_flow(th, topic, complainer, when, troll=troll, log_paste=log_paste)

    def midthread_complaint(self, topic: str, lang: str, source: str, day: int, host: str,
                            troll: bool) -> Complaint:
        """A friendly or neutral thread that turns negative: the complaint is the first negative turn."""
        r = self.rng
        if host == "question":
            key = "share-album" if topic == "family-plan" else r.choice(["export-all", "face-merge",
                                                                         "raw-heic"])
            th = self.question_thread(lang, source, day, key=key, short=True)
        elif host == "show":
            th = self.show_thread(lang, day, size=r.randint(2, 3))
        else:
            topic_spec = P.CHITCHAT[lang][0]
            th = self.chitchat_thread(lang, source, day, size=r.randint(3, 5), topic=topic_spec)
        last = th.posts[-1]
        complainer = self.pick(lang, last.time, exclude=[p.author for p in th.posts], need=self.needs(topic))
        when = self.reply_time(complainer, last.time, "chat" if source == CHAT else "forum")
        lead = r.choice(P.MID_TURN[lang])
        return self.complaint_flow(th, topic, complainer, when, parent=self.reply_parent(th, th.posts[0]),
                                   lead=lead,
                                   troll=troll, metoos=r.randint(2, 4))

    def announced_complaint(self, key: str, topic: str, lang: str, offset: int, troll: bool) -> Complaint:
        th, ann = self.announcement(key, lang)
        ev = self.events[topic]
        complainer = self.pick(lang, ann.time, need=self.needs(topic), exclude=[ann.author])
        start = self.start_time(ev.day + offset, complainer, (8, 21))
        if start <= ann.time:
            start = ann.time + timedelta(hours=self.rng.uniform(1.5, 4))
        self.announcement_replies(th, ann, key, self.rng.randint(2, 7), until=start)
        c = self.complaint_flow(th, topic, complainer, start, parent=ann, origin=ann, troll=troll)
        self.announcement_replies(th, ann, key, self.rng.randint(0, 2))
        return c

    def removal_complaint(self, day: int) -> Complaint:
        """A moderator removes a post with personal data; its author complains in the same thread."""
        r = self.rng
        q = P.QUESTIONS["plan-switch"]["en"]
        asker = self.pick("en", self.at_local(day, self.members[0], 12))
        t = self.start_time(day, asker, (9, 14))
        th = self.thread(FORUM, "billing", "en", "Thoughts on the new pricing?")
        first = self.say(th, asker, t, "question",
                         lambda: "Now that the new prices are live: is the yearly plan still worth it, or is "
                         "everyone switching to monthly? " + self.x(r.choice(P.Q_CLOSE["en"]), "en", asker))
        last = first
        for _ in range(3):
            m = self.pick("en", last.time, exclude=[asker])
            t = self.reply_time(m, last.time, "forum")
            last = self.say(th, m, t, "answer", lambda m=m: self.x(q["answer"], "en", m, to=asker),
                            parent=first)
        removed_author = self.pick("en", last.time, exclude=[p.author for p in th.posts])
        mod = self.by_key["staff-maya"]
        t = self.reply_time(mod, last.time + timedelta(minutes=r.uniform(30, 90)), "forum")
        notice = self.say(th, mod, t, "moderation_notice",
                          lambda: P.COMPLAINTS["mod-removal"]["en"]["notice"][0],
                          parent=first, topic="mod-removal")
        t = self.reply_time(removed_author, notice.time, "forum_hot")
        return self.complaint_flow(th, "mod-removal", removed_author, t, parent=notice, origin=notice,
                                   metoos=r.randint(1, 2))

    # ---------------------------------------------------------------------------------- the clique

    def clique_pile_on(self, topic: str, source: str, day: int, complainer_key: str) -> PileOn:
        r = self.rng
        complainer = self.by_key[complainer_key]
        friends = [m for m in self.clique() if m is not complainer]
        r.shuffle(friends)
        joiners = friends[: r.randint(3, 4)]
        when = self.at_local(day, complainer, r.uniform(18.5, 20.5))
        chat = source == CHAT
        if chat:
            th = self.thread(CHAT, "general", "en")
        else:
            ctx = self.topic_ctx(topic, "en", when)
            channel = P.COMPLAINTS[topic]["channel"]
            th = self.thread(FORUM, channel, "en",
                             self.x(P.COMPLAINTS[topic]["en"]["title"], "en", complainer, **ctx))
        post = self.say(th, complainer, when, "complaint",
                        lambda: self.complaint_text(topic, "en", complainer, when, chat,
                                                    th), mood="neg", topic=topic)
        c = Complaint(post, topic, post)
        self.complaints.append(c)
        joined = self.clique_joins(th, c, joiners, post.time, affected_min=1)
        self.after_pile(th, c, [complainer, *[p.author for p in joined]])
        pile = PileOn(c, joined)
        self.pile_ons.append(pile)
        return pile

    def clique_joins(self, th: Thread, c: Complaint, joiners: Sequence[Member], after: datetime,
                     affected_min: int = 0) -> list[Post]:
        r = self.rng
        joined: list[Post] = []
        t = after
        complainer = c.post.author
        metoo_count = 0
        for i, m in enumerate(joiners):
            t = t + timedelta(minutes=r.uniform(4, 28), seconds=r.randint(0, 59))
            affected = r.random() < 0.5 or (metoo_count < affected_min and i == len(joiners) - 1)
            ctx = self.topic_ctx(c.topic, "en", t)
            d = P.COMPLAINTS[c.topic]["en"]
            if affected:
                metoo_count += 1
                ctx.update(symptom=d["symptom"], event=d["event"], to=complainer)
                post = self.say(th, m, t, "me_too",
                                lambda m=m, ctx=ctx: self.x(P.CLIQUE["metoo"], "en", m, th, **ctx),
                                parent=self.reply_parent(th, c.post), mood="neg", topic=c.topic)
                c.me_too.append(post)
            else:
                post = self.say(th, m, t, "pile_on",
                                lambda m=m: self.x(P.CLIQUE["support"], "en", m, th, to=complainer),
                                parent=self.reply_parent(th, c.post), mood="neg", topic=c.topic)
            joined.append(post)
            if r.random() < 0.7:
                c.post.reactions.append((m, r.choice(["angry", "+1", "sad"])))
        return joined

    def after_pile(self, th: Thread, c: Complaint, affected: list[Member]) -> None:
        """What happens after the clique piled on: a few others agree, staff answers, it gets fixed."""
        r = self.rng
        last = th.posts[-1]
        chat = th.source == CHAT
        for _ in range(r.randint(1, 3)):
            m = self.pick("en", last.time, exclude=[*affected, *self.clique()], need=self.needs(c.topic))
            t = self.reply_time(m, last.time, "chat_slow" if chat else "forum_hot")
            last = self.say(th, m, t, "me_too",
                            lambda m=m: self.metoo_text(c.topic, "en", m, c.post, chat, th),
                            parent=self.reply_parent(th, c.post), mood="neg", topic=c.topic)
            c.me_too.append(last)
            affected.append(m)
        s = self.staff("en")
        t = self.reply_time(s, last.time, "forum")
        last = self.say(th, s, t, "staff_reply",
                        lambda: self.staff_text(s, c.topic, "en", c.post.author, t, chat, th), parent=c.post,
                        topic=c.topic)
        ev = self.events[c.topic]
        if ev.fix_day is not None:
            base = max(last.time, datetime.combine(self.day_date(ev.fix_day), time(10), UTC))
            m = r.choice(affected)
            t = self.reply_time(m, base, "forum")
            self.say(th, m, t, "resolution", lambda: self.x(P.COMPLAINTS[c.topic]["en"]["fixed"], "en", m),
                     parent=self.reply_parent(th, c.post), mood="pos", topic=c.topic)

    def pending_pile_on(self, topic: str, day: int, complainer_key: str) -> None:
        """A clique member's complaint where, at the cutoff, only some friends have joined so far."""
        r = self.rng
        complainer = self.by_key[complainer_key]
        friends = [m for m in self.clique() if m is not complainer]
        r.shuffle(friends)
        early, late = friends[:2], friends[2:5]
        when = self.at_local(day, complainer, r.uniform(19, 19.5))
        ctx = self.topic_ctx(topic, "en", when)
        # The late friends are busy elsewhere in the hours before the cutoff.
        banter_start = when - timedelta(minutes=r.uniform(95, 120))
        cutoff_guess = when + timedelta(minutes=70)
        self.banter_thread(day, crew=[*late], start=banter_start, until=cutoff_guess - timedelta(minutes=8),
                           size=30)
        th = self.thread(FORUM, "support", "en",
                         self.x(P.COMPLAINTS[topic]["en"]["title"], "en", complainer, **ctx))
        post = self.say(th, complainer, when, "complaint",
                        lambda: self.complaint_text(topic, "en", complainer, when, False,
                                                    th), mood="neg", topic=topic)
        c = Complaint(post, topic, post)
        self.complaints.append(c)
        before = self.clique_joins(th, c, early, post.time, affected_min=1)
        cutoff = max(before[-1].time + timedelta(minutes=r.uniform(10, 15)), cutoff_guess)
        cutoff = cutoff.replace(microsecond=0)
        after = self.clique_joins(th, c, late, cutoff + timedelta(minutes=8), affected_min=1)
        self.after_pile(th, c, [complainer, *[p.author for p in before + after]])
        self.pending = Pending(c, cutoff, before, after)

    # ---------------------------------------------------------------------------------- trolls

    def troll_text(self, lang: str, kind: str, to: Member | None = None) -> Callable[[], str]:
        troll = self.by_key["troll-en" if lang == "en" else "troll-de"]
        bank = P.TROLL[lang][kind]
        return lambda: self.x(bank, lang, troll, to=to) if to else self.x(bank, lang, troll)

    def troll_segment(self, th: Thread, lang: str, last: Post, complaint: Post) -> Post:
        """A troll barges into a complaint thread: grievance or bait, then help offered and rejected."""
        r = self.rng
        key = "troll-en" if lang == "en" else "troll-de"
        troll = self.by_key[key]
        chat = th.source == CHAT
        kind = "grievance" if self.troll_grievances[key] < 5 or r.random() < 0.3 else "bait"
        if kind == "grievance":
            self.troll_grievances[key] += 1
        t = self.reply_time(troll, last.time, "forum_hot" if not chat else "chat")
        post = self.say(th, troll, t, "troll", self.troll_text(lang, kind), parent=complaint, troll=True,
                        mood="neg")
        last = post
        roll = r.random()
        if roll < 0.55:
            h = self.pick(lang, post.time, exclude=[complaint.author])
            t = self.reply_time(h, post.time, "forum_hot")
            offer = self.say(th, h, t, "help_offer", lambda: self.x(P.HELP_OFFER[lang], lang, h, to=troll),
                             parent=post)
            t = self.reply_time(troll, offer.time, "forum_hot")
            last = self.say(th, troll, t, "troll",
                            self.troll_text(lang, r.choice(["reject", "reject", "mock", "insult"]), to=h),
                            parent=offer, troll=True, mood="neg")
            if r.random() < 0.6:
                s = self.staff(lang, "staff-maya")
                t = self.reply_time(s, last.time, "forum")
                last = self.say(th, s, t, "moderation", lambda: self.x(P.MODERATION[lang], lang, s, to=troll),
                                parent=last)
        elif roll < 0.8:
            m = self.pick(lang, post.time)
            t = self.reply_time(m, post.time, "forum_hot")
            last = self.say(th, m, t, "troll_response",
                            lambda: self.x(P.TROLL_RESPONSE[lang], lang, m, to=troll),
                            parent=post)
        return last

    def troll_driveby(self, th: Thread, kind: str) -> None:
        """A troll drops a single post into an existing thread, aimed at whoever answered."""
        r = self.rng
        lang = th.language
        troll = self.by_key["troll-en" if lang == "en" else "troll-de"]
        helpful = [p for p in th.posts if p.kind in ("answer", "staff_reply", "suggestion", "feature_vote")]
        target = r.choice(helpful or th.posts[1:] or th.posts)
        if self.day_of(target.time) < 1:
            return
        banks = {"mock": "mock" if target.author.role != "staff" else "insult", "bait": "bait"}
        bank = banks.get(kind, "insult")
        t = self.reply_time(troll, target.time, "forum_hot")
        self.say(th, troll, t, "troll", self.troll_text(lang, bank, to=target.author), parent=target,
                 troll=True,
                 insert=True, mood="neg")

    def troll_thread(self, lang: str, day: int) -> None:
        r = self.rng
        key = "troll-en" if lang == "en" else "troll-de"
        troll = self.by_key[key]
        t = self.start_time(day, troll)
        th = self.thread(FORUM, "billing" if lang == "en" else "deutsch", lang,
                         r.choice(P.TROLL[lang]["title"]))
        self.troll_grievances[key] += 1
        first = self.say(th, troll, t, "troll", self.troll_text(lang, "grievance"), troll=True, mood="neg")
        last = first
        h = self.pick(lang, first.time, weight=lambda m: m.weight * m.helper)
        t = self.reply_time(h, last.time, "forum_hot")
        offer = self.say(th, h, t, "help_offer", lambda: self.x(P.HELP_OFFER[lang], lang, h, to=troll),
                         parent=first)
        t = self.reply_time(troll, offer.time, "forum_hot")
        last = self.say(th, troll, t, "troll", self.troll_text(lang, "reject", to=h), parent=offer,
                        troll=True)
        for _ in range(r.randint(1, 3)):
            m = self.pick(lang, last.time, exclude=[h])
            t = self.reply_time(m, last.time, "forum_hot")
            resp = self.say(th, m, t, "troll_response",
                            lambda m=m: self.x(P.TROLL_RESPONSE[lang], lang, m, to=troll),
                            parent=first)
            t = self.reply_time(troll, resp.time, "forum_hot")
            last = self.say(th, troll, t, "troll",
                            self.troll_text(lang, r.choice(["insult", "mock", "bait"]), to=m),
                            parent=resp, troll=True)
        s = self.staff(lang, "staff-maya")
        t = self.reply_time(s, last.time, "forum")
        self.say(th, s, t, "moderation", lambda: self.x(P.MODERATION[lang], lang, s, to=troll), parent=first)

    # ---------------------------------------------------------------------------------- special posts

    def special_threads(self) -> None:
        """The handful of posts every real forum has: pasted HTML, odd Unicode, a formatting question."""
        r = self.rng
        en = "en"
        # An embed question with a pasted <script> tag.
        asker = self.pick(en, self.at_local(9, self.members[0], 12), exclude=self.clique())
        t = self.start_time(9, asker)
        th = self.thread(FORUM, "support", en, "Embed widget shows code instead of my gallery")
        first = self.say(th, asker, t, "question", lambda: (
            "I'm trying to put the gallery widget on my blog. The help page says to paste the embed code, "
            "but the page just shows the code itself. This is what I'm pasting:\n\n"
            "<iframe src=\"https://lumen.example/embed/a8F3kQ?theme=light&autoplay=1\" "
            "width=\"600\" height=\"400\"></iframe>\n<script>alert(1)</script>\n\n"
            "(the alert line was me testing whether scripts run. they don't 😅)"
        ), raw=True)
        h = self.pick(en, first.time, exclude=[asker], weight=lambda m: m.weight * m.helper)
        t = self.reply_time(h, first.time, "forum")
        ans = self.say(th, h, t, "answer", lambda: (
            "You only need the iframe line. Most blog editors strip <script> tags anyway, so drop that, "
            "and make sure you paste it in the HTML view, not the visual editor. That's where it turns into "
            "plain text."
        ), parent=first, raw=True)
        t = self.reply_time(asker, ans.time, "forum")
        self.say(th, asker, t, "thanks", lambda: f"HTML view was it. Thanks {h.first}!", parent=ans, raw=True)

        # Formatting question with raw HTML.
        asker = self.pick(en, self.at_local(15, self.members[0], 12), exclude=self.clique())
        t = self.start_time(15, asker)
        th = self.thread(FORUM, "off-topic", en, "How do I format text here?")
        first = self.say(th, asker, t, "question", lambda: (
            "Silly forum question: how do I make text bold? I typed <b>bold</b> and it shows the tags. "
            "Also tried <i>this</i>."), raw=True)
        s = self.by_key["staff-maya"]
        t = self.reply_time(s, first.time, "forum")
        ans = self.say(th, s, t, "staff_reply", lambda: (
            "The forum uses Markdown: **bold**, _italic_, and > for quotes. HTML is stripped for safety. "
            "There's a [formatting guide](https://forum.lumen.example/faq#formatting?ref=post&lang=en) too."
        ), parent=first, raw=True)
        t = self.reply_time(asker, ans.time, "forum")
        self.say(th, asker, t, "thanks", lambda: "**Got it**, thank you! _Much_ better.", parent=ans,
                 raw=True)

        # Odd Unicode: combining accents, right-to-left script with its mark, a ZWJ emoji, a zero-width space.
        zoe, noa = self.by_key["zoe"], self.by_key["noa"]
        th = self.chitchat_thread(en, FORUM, 27, starter=zoe, size=r.randint(4, 7), topic=P.CHITCHAT["en"][5])
        last = th.posts[-1]
        t = self.reply_time(zoe, last.time, "forum")
        self.say(th, zoe, t, "friendly", lambda: (
            "Mine: the little cafe\u0301 near the Plateau in Montre\u0301al, on a rainy Sunday morning. "
            "Zoe\u0308 signing off ☕❄️"), parent=th.posts[0], raw=True)
        th = self.question_thread(en, FORUM, 31, key="frame-video", asker=noa, short=True)
        last = th.posts[-1]
        t = self.reply_time(noa, last.time, "forum")
        self.say(th, noa, t, "thanks", lambda: "\u05ea\u05d5\u05d3\u05d4 \u05e8\u05d1\u05d4!\u200f "
                 "Thank you so much, my mum is going to love the clips of the kids "
                 "👨\u200d👩\u200d👧\u200d👦",
                 parent=last, raw=True)
        asker = self.pick(en, self.at_local(40, self.members[0], 12), exclude=self.clique())
        th = self.question_thread(en, FORUM, 40, key="plan-switch", asker=asker, short=True)
        last = th.posts[-1]
        t = self.reply_time(asker, last.time, "forum")
        renewal = self.day_date(54)
        self.say(th, asker, t, "followup", lambda: (
            f"Copied this from the email: \"Your sub\u200bscription will renew on {renewal.day} "
            f"{P.WORDS['en']['months'][renewal.month - 1]} at the new price.\" "
            "Does that mean the yearly price or monthly?"), parent=last, raw=True)

        # A photo contest (Halloween, when the window holds October 31st), with an entry that is only emoji.
        key = "halloween" if self.halloween else "contest"
        theme = r.randrange(len(P.FILL["en"]["theme"]))
        for lang in ("en", "de"):
            ctx = {"theme": P.FILL[lang]["theme"][theme]}
            th, ann = self.announcement(key, lang, **ctx)
            self.announcement_replies(th, ann, key, r.randint(3, 6))
            m = self.pick(lang, th.posts[-1].time + timedelta(days=2))
            t = self.reply_time(m, th.posts[-1].time + timedelta(days=2), "forum")
            if self.halloween:
                emoji = "🎃👻🦇" if lang == "en" else "🎃🎃🎃 🕯️"
            else:
                emoji = "📸✨🏆" if lang == "en" else "📷 ✨✨"
            self.say(th, m, t, "friendly", lambda emoji=emoji: emoji, parent=ann, raw=True)
            entries = P.HALLOWEEN[lang] if self.halloween else P.CONTEST[lang]
            for _ in range(r.randint(3, 6)):
                m = self.pick(lang, th.posts[-1].time, exclude=[p.author for p in th.posts])
                t = self.reply_time(m, th.posts[-1].time, "forum")
                self.say(th, m, t, "friendly",
                         lambda m=m, lang=lang, th=th, bank=entries, ctx=ctx: self.x(bank, lang, m, th,
                                                                                     **ctx),
                         parent=ann, mood="pos")

    # ---------------------------------------------------------------------------------- the plan

    def build(self) -> None:
        r = self.rng
        self.make_members()

        # Announcements with their friendly replies (those with complaints come with the complaint plan).
        plain = ["guidelines", "fix-3.2.1", "helpdesk", "refunds", "ama", "frame2-shipping", "firmware-1.8.1",
                 "merge-tool", "release-3.3.2"]
        for key in plain:
            for lang in ("en", "de"):
                if lang in P.ANNOUNCEMENTS[key]:
                    th, ann = self.announcement(key, lang)
                    self.announcement_replies(th, ann, key, r.randint(3, 10))

        # The complaint plan: (topic, language, source, how it starts, days after the event).
        plan = [
            ("sync-migration", "en", FORUM, "announce:maintenance", 0), ("sync-migration", "de", FORUM,
                                                                         "announce:maintenance", 0),
            ("sync-migration", "en", FORUM, "opener+log", 1), ("sync-migration", "de", FORUM, "opener", 1),
            ("sync-migration", "en", CHAT, "opener", 0), ("sync-migration", "de", CHAT, "opener", 2),
            ("login-3.2", "en", FORUM, "announce:release-3.2", 0), ("login-3.2", "de", FORUM,
                                                                    "announce:release-3.2", 0),
            ("login-3.2", "en", FORUM, "opener", 0), ("login-3.2", "en", CHAT, "opener", 1),
            ("login-3.2", "de", CHAT, "opener", 1), ("login-3.2", "en", FORUM, "mid:question", 1),
            ("double-charge", "en", FORUM, "announce:pricing", 0), ("double-charge", "de", FORUM,
                                                                    "announce:pricing", 0),
            ("double-charge", "en", FORUM, "opener", 0), ("double-charge", "de", FORUM, "opener", 1),
            ("double-charge", "en", CHAT, "pile:clique-tom", 0), ("double-charge", "de", CHAT, "opener", 0),
            ("frame-shipping", "en", FORUM, "announce:frame2-delay", 1), ("frame-shipping", "en", FORUM,
                                                                          "opener", 4),
            ("frame-shipping", "en", FORUM, "pile:clique-priya", 6), ("frame-shipping", "de", FORUM,
                                                                      "opener", 5),
            ("frame-shipping", "en", CHAT, "mid:chitchat", 3),
            ("support-unanswered", "en", FORUM, "opener", 8), ("support-unanswered", "de", FORUM, "opener",
                                                               9),
            ("support-unanswered", "en", CHAT, "opener", 10), ("support-unanswered", "en", FORUM,
                                                               "mid:question", 11),
            ("mod-removal", "en", FORUM, "notice", 0), ("mod-removal", "de", FORUM, "opener", 1),
            ("frame-firmware-1.8", "en", FORUM, "announce:firmware-1.8", 0),
            ("frame-firmware-1.8", "de", FORUM, "announce:firmware-1.8", 1),
            ("frame-firmware-1.8", "en", FORUM, "opener", 1), ("frame-firmware-1.8", "en", CHAT, "opener", 2),
            ("frame-firmware-1.8", "de", CHAT, "opener", 1),
            ("duplicates-3.3", "en", FORUM, "announce:release-3.3", 0), ("duplicates-3.3", "de", FORUM,
                                                                         "announce:release-3.3", 0),
            ("duplicates-3.3", "en", FORUM, "opener", 1), ("duplicates-3.3", "en", FORUM,
                                                           "pending:clique-sam", 2),
            ("duplicates-3.3", "de", CHAT, "opener", 1), ("duplicates-3.3", "de", FORUM, "mid:show", 2),
            ("family-plan", "en", FORUM, "announce:family-plan", 0), ("family-plan", "en", FORUM,
                                                                      "pile:clique-chloe", 1),
            ("family-plan", "de", FORUM, "opener", 1), ("family-plan", "en", FORUM, "mid:question", 2),
            ("notifications-3.3.1", "en", CHAT, "pile:clique-jess", 1), ("notifications-3.3.1", "en", FORUM,
                                                                         "opener", 1),
            ("notifications-3.3.1", "de", FORUM, "opener", 1), ("notifications-3.3.1", "de", CHAT, "opener",
                                                                2),
        ]
        troll_quota = {"en": 0, "de": 0}
        for topic, lang, source, how, offset in plan:
            day = self.events[topic].day + offset
            troll = r.random() < (0.45 if lang == "en" else 0.5) or troll_quota[lang] < 3
            if how.startswith(("pile:", "pending:")):
                troll = False
            if troll:
                troll_quota[lang] += 1
            if how.startswith("announce:"):
                self.announced_complaint(how.split(":", 1)[1], topic, lang, offset, troll)
            elif how.startswith("opener"):
                self.complaint_thread(topic, lang, source, day, troll=troll, log_paste=how.endswith("+log"))
            elif how.startswith("mid:"):
                self.midthread_complaint(topic, lang, source, day, how.split(":", 1)[1], troll)
            elif how == "notice":
                self.removal_complaint(day)
            elif how.startswith("pile:"):
                self.clique_pile_on(topic, source, day, how.split(":", 1)[1])
            elif how.startswith("pending:"):
                self.pending_pile_on(topic, day, how.split(":", 1)[1])

        for lang, days in (("en", (24, 41)), ("de", (25, 43))):
            for day in days:
                self.troll_thread(lang, day)
        self.special_threads()
        for m in self.members:
            if m.joined > 0:
                self.welcome_thread(m)
        for day in (0, 1, SPAN_DAYS - 1):
            self.banter_thread(day)
        self.fill()
        self.react()

    def fill(self) -> None:
        """Ordinary community life until the target size, keeping the German share near GERMAN_SHARE."""
        r = self.rng
        kinds = {
            "en": [("question_forum", 24), ("question_chat", 14), ("chitchat_forum", 8), ("chitchat_chat", 7),
                   ("banter", 14), ("show", 7), ("feature", 9)],
            "de": [("question_forum", 30), ("question_chat", 20), ("chitchat_forum", 12),
                   ("chitchat_chat", 20),
                   ("show", 8), ("feature", 8)],
        }
        ideas = {"en": 0, "de": 0}
        while len(self.posts) < TARGET_POSTS:
            total = max(1, sum(self.lang_count.values()))
            lang = "de" if self.lang_count.get("de", 0) / total < GERMAN_SHARE else "en"
            names, weights = zip(*kinds[lang], strict=True)
            kind = r.choices(names, weights)[0]
            day = self.pick_day()
            if kind == "question_forum":
                self.question_thread(lang, FORUM, day)
            elif kind == "question_chat":
                self.question_thread(lang, CHAT, day)
            elif kind == "chitchat_forum":
                self.chitchat_thread(lang, FORUM, day)
            elif kind == "chitchat_chat":
                self.chitchat_thread(lang, CHAT, day)
            elif kind == "banter":
                self.banter_thread(day)
            elif kind == "show":
                self.show_thread(lang, day)
            else:
                idea = P.FEATURES[ideas[lang] % len(P.FEATURES)]
                ideas[lang] += 1
                self.feature_thread(lang, day, idea)

    def react(self) -> None:
        """Reactions: thanks for answers, hearts among friends, +1 on ideas and complaints."""
        r = self.rng
        table = {
            "announcement": (0.85, 3, 10, ["tada", "heart", "+1"]),
            "answer": (0.45, 1, 3, ["+1", "heart", "thanks"]),
            "staff_reply": (0.4, 1, 4, ["+1", "thanks"]),
            "complaint": (0.45, 1, 5, ["+1", "sad", "angry"]),
            "me_too": (0.12, 1, 2, ["+1"]),
            "feature_request": (0.7, 2, 9, ["+1"]),
            "feature_vote": (0.2, 1, 2, ["+1"]),
            "show_and_tell": (0.8, 2, 8, ["heart", "+1", "tada"]),
            "chitchat": (0.5, 1, 4, ["heart", "laugh"]),
            "friendly": (0.2, 1, 3, ["heart", "laugh", "+1"]),
            "resolution": (0.3, 1, 3, ["tada", "+1"]),
            "intro": (0.6, 1, 4, ["heart", "tada"]),
            "troll": (0.12, 1, 2, ["angry", "laugh"]),
        }
        clique = self.clique()
        for post in self.posts:
            chance, lo, hi, types = table.get(post.kind, (0.08, 1, 2, ["+1", "heart"]))
            who: list[Member] = []
            if post.author.role == "clique" and r.random() < 0.65:
                who += r.sample([c for c in clique if c is not post.author], r.randint(1, 3))
            if r.random() < chance:
                for _ in range(r.randint(lo, hi)):
                    m = self.pick(post.language, post.time + timedelta(hours=1), exclude=[post.author, *who],
                                  roles=("regular", "clique"))
                    who.append(m)
            have = {(m.id, kind) for m, kind in post.reactions}
            for m in who:
                if m is post.author or m.joined > self.day_of(post.time):
                    continue
                kind = "laugh" if post.author.role == "clique" and m.role == "clique" and r.random() < 0.4 \
                    else r.choice(types)
                if (m.id, kind) not in have:
                    have.add((m.id, kind))
                    post.reactions.append((m, kind))

    # ---------------------------------------------------------------------------------- output

    def finish(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        r = self.rng
        kept = [p for p in self.posts if self.start < p.time <= self.end]
        kept_set = {p.n for p in kept}
        kept.sort(key=lambda p: (p.time, p.n))
        threads: list[Thread] = []
        seen_threads: set[int] = set()
        for p in kept:
            if p.thread.n not in seen_threads:
                seen_threads.add(p.thread.n)
                threads.append(p.thread)
        numbers = {FORUM: 312, CHAT: 88}
        for th in threads:
            numbers[th.source] += 1 + (1 if r.random() < 0.04 else 0)
            th.number = numbers[th.source]
            th.id = f"{'ft' if th.source == FORUM else 'ct'}-{th.number}"
        ids = {FORUM: 4810, CHAT: 23105}
        position: dict[int, int] = {}
        out: list[dict[str, Any]] = []
        for p in kept:
            ids[p.thread.source] += 1 + (1 if p.thread.source == FORUM and r.random() < 0.03 else 0)
            p.id = f"{'f' if p.thread.source == FORUM else 'c'}-{ids[p.thread.source]}"
        for p in kept:
            th = p.thread
            position[th.n] = position.get(th.n, 0) + 1
            parent = p.parent if p.parent is not None and p.parent.n in kept_set else None
            record: dict[str, Any] = {
                "source": th.source,
                "id": p.id,
                "thread_id": th.id,
                "parent_id": parent.id if parent else None,
                "author": {"id": p.author.id, "name": p.author.name, "handle": p.author.handle},
                "created_at": p.time.isoformat(timespec="seconds"),
                "text": p.text,
            }
            if p.author.role == "staff":  # the platform knows its team (docs/import-format.md: author.role)
                record["author"]["role"] = "staff"
            if th.source == FORUM and position[th.n] == 1 and th.title:
                record["title"] = th.title
            if th.source == FORUM:
                record["url"] = f"{FORUM_URL}/t/{th.number}/{position[th.n]}"
            else:
                record["url"] = f"{CHAT_URL}/#/room/{th.channel}/{p.id}"
            record["channel"] = th.channel
            if p.reactions:
                record["reactions"] = [{"by": m.id, "type": kind} for m, kind in p.reactions]
            out.append(record)
        return out, self.truth(kept, kept_set)

    def truth(self, kept: list[Post], kept_set: set[int]) -> dict[str, Any]:
        def ok(p: Post) -> bool:
            return p.n in kept_set

        members = {
            m.id: {"name": m.name, "handle": m.handle, "language": m.language, "role": m.role,
                   "languages": list(m.speaks),
                   "activity": "high" if m.weight >= 8 else "medium" if m.weight >= 2.5 else "low",
                   "joined": self.day_date(m.joined).isoformat()}
            for m in sorted(self.members, key=lambda m: int(m.id[2:]))
        }
        complaints = []
        for c in sorted(self.complaints, key=lambda c: (c.post.time, c.post.n)):
            if not ok(c.post) or not ok(c.origin):
                continue
            me_too = [p for p in c.me_too if ok(p)]
            affected: list[str] = []
            for p in [c.post, *me_too]:
                if p.author.id not in affected:
                    affected.append(p.author.id)
            ev = self.events[c.topic]
            complaints.append({
                "post_id": c.post.id, "source": c.post.thread.source, "thread_id": c.post.thread.id,
                "channel": c.post.thread.channel, "author": c.post.author.id, "language": c.post.language,
                "topic": c.topic, "cause": ev.cause, "event_date": ev.date.isoformat(),
                "origin_post_id": c.origin.id, "me_too": [p.id for p in me_too], "affected": affected,
            })
        pile_ons = [
            {"thread_id": pile.complaint.post.thread.id, "source": pile.complaint.post.thread.source,
             "complaint_post_id": pile.complaint.post.id, "joined": [p.id for p in pile.joined if ok(p)],
             "members": [p.author.id for p in pile.joined if ok(p)]}
            for pile in self.pile_ons if ok(pile.complaint.post)
        ]
        pending = None
        if self.pending and ok(self.pending.complaint.post):
            pd = self.pending
            pending = {
                "thread_id": pd.complaint.post.thread.id, "source": pd.complaint.post.thread.source,
                "complaint_post_id": pd.complaint.post.id, "complainer": pd.complaint.post.author.id,
                "cutoff": pd.cutoff.isoformat(timespec="seconds"),
                "joined_before": [p.author.id for p in pd.before if ok(p)],
                "joined_after": [p.author.id for p in pd.after if ok(p)],
                "joined_after_post_ids": [p.id for p in pd.after if ok(p)],
            }
        trolls = {}
        for key in ("troll-en", "troll-de"):
            m = self.by_key[key]
            trolls[m.id] = {"language": m.language, "handle": m.handle,
                            "grievance": P.TROLL[m.language]["grievance"][0],
                            "post_ids": [p.id for p in kept if p.author is m]}
        posts = {}
        for p in kept:
            entry: dict[str, Any] = {"language": p.language, "kind": p.kind}
            if p.topic:
                entry["topic"] = p.topic
            posts[p.id] = entry
        events = [{"topic": ev.topic, "date": ev.date.isoformat(), "cause": ev.cause,
                   "fixed": self.day_date(ev.fix_day).isoformat() if ev.fix_day is not None else None}
                  for ev in self.events.values()]
        return {
            "seed": self.seed,
            "end": self.end.isoformat(timespec="seconds"),
            "start": self.start.isoformat(timespec="seconds"),
            "sources": list(SOURCES),
            "channels": {source: list(names) for source, names in CHANNELS.items()},
            "german_channels": {source: list(names) for source, names in GERMAN_CHANNELS.items()},
            "events": events,
            "members": members,
            "complaints": complaints,
            "clique": {"members": [m.id for m in self.clique()], "pile_ons": pile_ons,
                       "pending_pile_on": pending},
            "trolls": trolls,
            "posts": posts,
        }


# ------------------------------------------------------------------------------------------ small helpers

_SEASONS = {month: season for season, months in (("winter", (12, 1, 2)), ("spring", (3, 4, 5)),
                                                  ("summer", (6, 7, 8)), ("autumn", (9, 10, 11)))
            for month in months}
_CORES = {
    "en": ["{Event}, {symptom}.", "{Symptom} {event}.", "So {symptom} {event}.", "{Event} {symptom}."],
    "de": ["{Event} {symptom}.", "{Event} {symptom}. Echt jetzt?", "Bei mir {symptom}, und zwar {event}."],
}
_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                        "é": "e"})


def _ascii(text: str) -> str:
    return text.translate(_ASCII)


def _fmt_int(lang: str, n: int) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "de" else text


def _short_date(lang: str, d: date) -> str:
    if lang == "de":
        return f"{d.day}.{d.month}."
    return f"{P.WORDS['en']['months'][d.month - 1]} {d.day}"


def _long_date(lang: str, d: date) -> str:
    words = P.WORDS[lang]
    if lang == "de":
        return f"{words['weekdays'][d.weekday()]}, {d.day}. {words['long_months'][d.month - 1]}"
    return f"{words['weekdays'][d.weekday()]}, {words['long_months'][d.month - 1]} {d.day}"


def _since(rng: random.Random, lang: str, event: date, today: date) -> str:
    days = max(0, (today - event).days)
    weekday = P.WORDS[lang]["weekdays"][event.weekday()]
    if lang == "de":
        if days == 0:
            return rng.choice(["seit heute", "seit heute früh", "seit heute Morgen"])
        if days == 1:
            return "seit gestern"
        if days < 7:
            return f"seit {weekday}"
        return f"seit dem {event.day}.{event.month}."
    if days == 0:
        return rng.choice(["since this morning", "since today", "since earlier today"])
    if days == 1:
        return "since yesterday"
    if days < 7:
        return f"since {weekday}"
    return rng.choice([f"since {_short_date('en', event)}", f"since the {event.day}{_suffix(event.day)}"])


def _when(rng: random.Random, lang: str, event: date, today: date) -> str:
    days = max(0, (today - event).days)
    weekday = P.WORDS[lang]["weekdays"][event.weekday()]
    if lang == "de":
        if days < 2:
            return ["heute", "gestern"][days]
        return f"am {weekday}" if days < 7 else f"am {event.day}.{event.month}."
    if days < 2:
        return ["today", "yesterday"][days]
    return f"on {weekday}" if days < 7 else f"on {_short_date('en', event)}"


def _suffix(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _log_text(rng: random.Random, m: Member, when: datetime) -> str:
    """A long 'me too' with a pasted sync log, as people do."""
    lines = []
    t = when - timedelta(hours=2)
    pid = rng.randint(10000, 30000)
    for i in range(60):
        t += timedelta(seconds=rng.randint(3, 140), milliseconds=rng.randint(0, 999))
        stamp = t.strftime("%Y-%m-%d %H:%M:%S.") + f"{t.microsecond // 1000:03d}"
        batch = 1 + i // 6
        choice = rng.random()
        if choice < 0.45:
            msg = (f"W/SyncWorker({pid}): upload batch {batch}/19 deferred: STORAGE_REDIRECT (410) "
                   f"bucket=eu-central-2b key=lib/{rng.randint(10**7, 10**8 - 1)}.heic")
        elif choice < 0.7:
            msg = f"I/SyncWorker({pid}): retrying in {2 ** min(6, i % 7)}s (attempt {i % 7 + 1})"
        elif choice < 0.85:
            since = rng.randint(1700000000, 1790000000)
            msg = f"D/IndexClient({pid}): GET /v3/library/index?since={since} -> 200 (0 items)"
        else:
            pending, head = rng.randint(300, 2400), rng.randint(1000, 9999)
            msg = f"E/UploadQueue({pid}): queue stalled, {pending} items pending, head=IMG_{head}.HEIC"
        lines.append(f"{stamp} {msg}")
    intro = (f"Same here on my {m.phone}. Turned on debug logging under Settings > About > tap the version "
             "7 times. This is the last couple of hours, in case it helps the devs:")
    return f"{intro}\n\n```\n" + "\n".join(lines) + "\n```\n\nIt just loops like that forever."


# ------------------------------------------------------------------------------------------ public API


def generate(seed: int = 7, end: datetime | None = None) -> tuple[list[dict], dict]:
    """Return (posts, truth). posts are import-format dicts sorted by created_at; truth is the ground truth.

    `end` is the (UTC) time of the last day; the community spans the 60 days before it.
    """
    if end is None:
        end = DEFAULT_END
    end = end.replace(tzinfo=UTC) if end.tzinfo is None else end.astimezone(UTC)
    community = _Community(seed, end)
    community.build()
    return community.finish()


def _parse_end(value: str) -> datetime:
    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            return datetime(d.year, d.month, d.day, 18, 0, tzinfo=UTC)
        when = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-10-31 or an ISO time, got {value!r}") \
            from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def summary(posts: list[dict], truth: dict) -> str:
    threads = {(p["source"], p["thread_id"]) for p in posts}
    counts: dict[str, int] = {}
    for entry in truth["posts"].values():
        counts[entry["language"]] = counts.get(entry["language"], 0) + 1
    shares = sorted(counts.items(), key=lambda kv: -kv[1])
    langs = ", ".join(f"{lang} {100 * n / len(posts):.0f}%" for lang, n in shares)
    return (f"{len(posts)} posts in {len(threads)} threads by {len(truth['members'])} members "
            f"({langs}); {len(truth['complaints'])} complaints, seed {truth['seed']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m careloop.demo.generate",
        description="Write the demo community (JSON lines) and its ground truth.")
    parser.add_argument("--out", required=True, type=Path, help="posts, one JSON object per line")
    parser.add_argument("--truth", required=True, type=Path, help="ground truth, indented JSON")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--end", type=_parse_end, default=None,
                        help="last day (YYYY-MM-DD, 18:00 UTC) or an ISO time; default 2026-10-31")
    args = parser.parse_args(argv)
    posts, truth = generate(args.seed, args.end)
    with args.out.open("w", encoding="utf-8") as f:
        for post in posts:
            f.write(json.dumps(post, ensure_ascii=False) + "\n")
    args.truth.write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{summary(posts, truth)} -> {args.out}, {args.truth}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
