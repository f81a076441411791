"""The words careloop offers a manager: message templates per language, English and German shipped.

Templates: outreach (the private message), public_note (the short note in the thread), call_offer (a call
at a proposed time), follow_up (did it help?), reminder, closing (glad it's sorted) and warning (the troll
playbook's private warning). CARELOOP_TEMPLATES in the settings adds languages or replaces wording:
`{"fr": {"outreach": "Bonjour {member_name}, …"}}`; a language without a template falls back to English.

Placeholders: {member_name}, {quote} (the member's post, shortened), {manager_name}, {community} and
{call_time}. A template that uses any other placeholder is refused with a message naming it. What the manager
still has to write in a draft shows as a bracketed prompt (`fill_in()`: "[a time that suits you]"); `unfilled()`
finds such prompts, and raw {placeholders}, left in a message: the case loop does not send it then.

The web UI's composer offers the team's canned responses (careloop/cases/canned.py), seeded once from these.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from django.conf import settings

PLACEHOLDERS = ("member_name", "quote", "manager_name", "community", "call_time")
NAMES = ("outreach", "public_note", "call_offer", "follow_up", "reminder", "closing", "warning")
QUOTE_CHARS = 200

SHIPPED: dict[str, dict[str, str]] = {
    "en": {
        "outreach": (
            "Hi {member_name}, I'm {manager_name} from the {community} team. I read what you wrote:\n\n"
            "> {quote}\n\n"
            "Thank you for telling us. I'd like to understand what happened and help sort it out. "
            "Could you tell me a bit more about it here?"
        ),
        "public_note": (
            "Thanks for raising this, {member_name}. We've sent you a private message — let's sort this out together."
        ),
        "call_offer": (
            "Hi {member_name}, I'm {manager_name} from the {community} team. I read what you wrote:\n\n"
            "> {quote}\n\n"
            "It might be easiest to talk it through. Would a short call on {call_time} work for you? "
            "If another time suits you better, just tell me."
        ),
        "follow_up": (
            "Hi {member_name}, it's {manager_name} again. We've worked on what you raised. "
            "Is it sorted for you now? A simple yes or no is enough — and if you like, rate it from 1 to 5."
        ),
        "reminder": (
            "Hi {member_name}, just checking in once more: is everything working for you now? "
            "If not, tell me and we'll keep at it."
        ),
        "closing": "Glad it's sorted, {member_name} — thank you for your patience. Have a good day! {manager_name}",
        "warning": (
            "Hi {member_name}, I'm {manager_name}, a moderator of {community}. Your recent posts break the "
            "community guidelines. Please keep the discussion respectful; further posts like these will lead "
            "to a moderator's review of your account."
        ),
    },
    "de": {
        "outreach": (
            "Hallo {member_name}, ich bin {manager_name} vom Team von {community}. Ich habe gelesen, was du "
            "geschrieben hast:\n\n> {quote}\n\n"
            "Danke, dass du uns Bescheid gibst. Ich möchte verstehen, was passiert ist, und helfen, es zu lösen. "
            "Magst du mir hier etwas mehr darüber erzählen?"
        ),
        "public_note": (
            "Danke, dass du das ansprichst, {member_name}. Wir haben dir eine private Nachricht geschickt — "
            "lass uns das gemeinsam klären."
        ),
        "call_offer": (
            "Hallo {member_name}, ich bin {manager_name} vom Team von {community}. Ich habe gelesen, was du "
            "geschrieben hast:\n\n> {quote}\n\n"
            "Vielleicht ist es am einfachsten, kurz darüber zu sprechen. Passt dir ein Anruf am {call_time}? "
            "Wenn dir eine andere Zeit besser passt, sag einfach Bescheid."
        ),
        "follow_up": (
            "Hallo {member_name}, hier ist noch einmal {manager_name}. Wir haben uns um dein Anliegen gekümmert. "
            "Ist es für dich jetzt gelöst? Ein einfaches Ja oder Nein genügt — und wenn du magst, gib eine "
            "Bewertung von 1 bis 5."
        ),
        "reminder": (
            "Hallo {member_name}, ich frage noch einmal nach: Funktioniert jetzt alles für dich? "
            "Wenn nicht, sag es mir, dann bleiben wir dran."
        ),
        "closing": (
            "Schön, dass es gelöst ist, {member_name} — danke für deine Geduld. Einen schönen Tag! {manager_name}"
        ),
        "warning": (
            "Hallo {member_name}, ich bin {manager_name}, Moderator von {community}. Deine letzten Beiträge "
            "verstoßen gegen die Community-Richtlinien. Bitte bleib respektvoll; weitere Beiträge dieser Art "
            "führen zu einer Prüfung deines Kontos durch die Moderation."
        ),
    },
}


# What a draft says where the manager still has to write something (a call offer's time), per language; a
# message that still holds one of these, or any {placeholder}, is not sent (see unfilled()).
FILL_IN: dict[str, dict[str, str]] = {
    "en": {"call_time": "[a time that suits you]"},
    "de": {"call_time": "[Tag und Uhrzeit, die dir passen]"},
}
# A bracketed prompt of the kind drafts leave ("[your name]", "[eine Uhrzeit]"), not "[sic]" or "[1]".
_PROMPT = re.compile(r"\[(?:a|an|the|your|some|ein|eine|einen|dein|deine|deinen|ihr|ihre|tag|datum|uhrzeit|zeit|"
                     r"date|time|day)\b[^\[\]\n]{0,80}\](?!\()", re.IGNORECASE)
_RAW = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def fill_in(name: str, language: str | None = None) -> str:
    """The prompt a draft shows for placeholder `name` the manager fills in (English when the language has none)."""
    lang = (language or "en").split("-")[0].lower()
    return FILL_IN.get(lang, FILL_IN["en"]).get(name) or FILL_IN["en"].get(name, "[" + name + "]")


def unfilled(text: str) -> list[str]:
    """The placeholders still in a message, in the order they appear ([] when it is ready to send)."""
    found: list[tuple[int, str]] = []
    for prompts in FILL_IN.values():
        for prompt in prompts.values():
            at = text.find(prompt)
            if at >= 0:
                found.append((at, prompt))
    found += [(m.start(), m.group(0)) for m in _PROMPT.finditer(text)]
    found += [(m.start(), m.group(0)) for m in _RAW.finditer(text)]
    seen: list[str] = []
    for _at, words in sorted(found):
        if words not in seen:
            seen.append(words)
    return seen


class TemplateError(ValueError):
    """A template that cannot be used: unknown name, unknown placeholder, broken braces."""


@dataclass(frozen=True)
class Rendered:
    name: str
    language: str
    text: str


def templates() -> dict[str, dict[str, str]]:
    """The shipped templates with the settings' additions laid over them."""
    merged = {lang: dict(texts) for lang, texts in SHIPPED.items()}
    for lang, texts in (getattr(settings, "CARELOOP_TEMPLATES", None) or {}).items():
        merged.setdefault(lang, {}).update(texts)
    return merged


def check_template(text: str, *, name: str = "template", language: str = "") -> None:
    """Raise TemplateError if `text` uses a placeholder careloop does not know or has broken braces."""
    where = f"template {name!r}" + (f" ({language})" if language else "")
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        raise TemplateError(f"{where}: {exc}; write a literal brace as {{{{ or }}}}") from exc
    for field_name in fields:
        if field_name not in PLACEHOLDERS:
            raise TemplateError(
                f"{where} uses the unknown placeholder {{{field_name}}}; known placeholders: "
                + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            )


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def render(name: str, language: str | None = None, *, text: str | None = None, **values: str) -> Rendered:
    """Fill template `name` in `language` (English when there is none in that language).

    `text` renders a manager's own wording instead of the stored template, with the same checks.
    """
    all_templates = templates()
    lang = (language or "en").split("-")[0].lower()
    if text is None:
        if lang not in all_templates or name not in all_templates[lang]:
            lang = "en"
        if name not in all_templates.get(lang, {}):
            raise TemplateError(f"there is no template {name!r}; templates: {', '.join(NAMES)}")
        text = all_templates[lang][name]
    check_template(text, name=name, language=lang)
    filled = {p: "" for p in PLACEHOLDERS}
    filled.update({k: str(v) for k, v in values.items() if v is not None})
    filled["quote"] = shorten(filled["quote"])
    for key, value in filled.items():  # "Thanks, Daniel D.." → "Thanks, Daniel D.": the value ends the sentence
        if value.endswith((".", "!", "?", "…")):
            text = text.replace("{" + key + "}.", "{" + key + "}")
    return Rendered(name=name, language=lang, text=text.format_map(filled).strip())


def validate_settings() -> list[str]:
    """Every problem in CARELOOP_TEMPLATES, as sentences (empty when all is well)."""
    problems = []
    for lang, texts in templates().items():
        for name, text in texts.items():
            if name not in NAMES:
                problems.append(f"template {name!r} ({lang}) is not one careloop uses; names: {', '.join(NAMES)}")
                continue
            try:
                check_template(text, name=name, language=lang)
            except TemplateError as exc:
                problems.append(str(exc))
    return problems
