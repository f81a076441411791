"""Why a case is a case, in the reader's language.

Listening writes its reasons in English words on the case (case.reasons), with numbers and quotes in them.
The known shapes are read back here and said again through the catalogue; one listening does not know yet
is shown as it was written."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext, gettext_noop

SEVERITY = {"minor": gettext_noop("minor"), "a real problem": gettext_noop("a real problem"),
            "urgent": gettext_noop("urgent")}

# (pattern, message): the message's %(name)s are the pattern's named groups, each read again by reason_text
# when it is itself a reason (the part after "Risk: ").
SHAPES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"a problem the team should act on \((?P<p>[\d.]+%) by (?P<by>[^;]+); cases open from "
                r"(?P<limit>[\d.]+%)\)$"),
     gettext_noop("a problem the team should act on (%(p)s by %(by)s; cases open from %(limit)s)")),
    (re.compile(r"severity (?P<n>\d) \((?P<label>minor|a real problem|urgent)\)(?:: (?P<cues>.+))?$"),
     gettext_noop("severity %(n)s (%(label)s)")),
    (re.compile(r"it begins with this post$"), gettext_noop("it begins with this post")),
    (re.compile(r"opened by hand by (?P<who>.+)$"), gettext_noop("opened by hand by %(who)s")),
    (re.compile(r"where it began \((?P<why>[^)]*)\): (?P<who>[^,]+), (?P<quote>.*)$", re.S),
     gettext_noop("where it began (%(why)s): %(who)s, %(quote)s")),
    (re.compile(r"troll signals (?P<score>[\d.]+) \(shown, never acted on automatically\): (?P<rest>.*)$", re.S),
     gettext_noop("troll signals %(score)s (shown, never acted on automatically): %(rest)s")),
    (re.compile(r"Risk: (?P<rest>.*)$", re.S), gettext_noop("Risk: %(rest)s")),
    (re.compile(r"(?P<n>\d+) posts in the last hour$"), gettext_noop("%(n)s posts in the last hour")),
    (re.compile(r"(?P<n>\d+) members are negative here$"), gettext_noop("%(n)s members are negative here")),
    (re.compile(r"no reply from the team for (?P<t>.+)$"), gettext_noop("no reply from the team for %(t)s")),
    (re.compile(r"(?P<n>\d+) of the last (?P<m>\d+) member posts are toxic$"),
     gettext_noop("%(n)s of the last %(m)s member posts are toxic")),
    (re.compile(r"the tone is getting more toxic \((?P<rise>[^)]*) over the thread's earlier posts\)$"),
     gettext_noop("the tone is getting more toxic (%(rise)s over the thread's earlier posts)")),
    (re.compile(r"pile-on: (?P<rest>.*)$", re.S), gettext_noop("pile-on: %(rest)s")),
    (re.compile(r"the conversation reads like one about to turn hostile(?P<rest>.*)$", re.S),
     gettext_noop("the conversation reads like one about to turn hostile%(rest)s")),
]
NESTED = {"rest"}  # groups that are reasons themselves
WORDS = {"by": {"the thread judgment": gettext_noop("the thread judgment"),
                "the post judged on its own": gettext_noop("the post judged on its own")}}


def reason_text(reason: object, translate: Callable[[str], str] = gettext) -> str:
    """One of case.reasons (a string, or a dict with "text") in the active language."""
    text = str(reason.get("text", "")) if isinstance(reason, dict) else str(reason)
    for pattern, message in SHAPES:
        m = pattern.match(text)
        if m is None:
            continue
        parts = {k: v or "" for k, v in m.groupdict().items()}
        if "label" in parts:
            parts["label"] = translate(SEVERITY[parts["label"]])
        for name, known in WORDS.items():
            if parts.get(name) in known:
                parts[name] = translate(known[parts[name]])
        for name in NESTED & parts.keys():
            parts[name] = reason_text(parts[name], translate)
        said = translate(message) % parts
        if parts.get("cues"):
            said += ": " + parts["cues"]
        return said
    return text
