"""A Mastodon status's content (HTML) as plain text, safely.

Mastodon gives a status's words as HTML: paragraphs, line breaks, links, mentions (`<span class="h-card">`) and
hashtags; a remote server may send anything. What careloop keeps is the text a person reads: tags dropped (never
interpreted), `<script>` / `<style>` contents dropped whole, entities decoded once, `<br>` a line break,
paragraphs separated by a blank line, and invisible control characters removed (a bidi override, a zero-width
joiner between words and NUL never reach the case page; letters, emoji and combining marks are kept as sent).
The web UI escapes it again when it shows it, so nothing here is trusted as markup.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

DROPPED = frozenset({"script", "style", "template", "iframe", "object", "noscript"})
BLOCKS = frozenset({"p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})
# Format characters (Cf) that change how text reads without showing: bidi overrides and isolates, zero-width
# spaces, the BOM. A zero-width joiner inside an emoji sequence (👩‍💻) is kept: it sits between two symbols.
BIDI_AND_INVISIBLE = re.compile("[\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
MAX_TEXT = 100_000  # the import format's limit


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _clean_char(ch: str) -> str:
    if ch in "\n\t":
        return ch
    category = unicodedata.category(ch)
    if category == "Cc":  # NUL, escape, other control characters
        return ""
    if category in ("Zs", "Zl", "Zp"):
        return " " if category == "Zs" else "\n"
    return ch


def html_to_text(content: str) -> str:
    """The readable text of a status's HTML `content` (see the module's docstring)."""
    parser = _Text()
    parser.feed(content or "")
    parser.close()
    text = unicodedata.normalize("NFC", "".join(parser.parts))
    text = BIDI_AND_INVISIBLE.sub("", text)
    text = "".join(_clean_char(ch) for ch in text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text[:MAX_TEXT]


def status_text(status: dict) -> str:
    """A status's words: its content warning (spoiler_text) first, when it has one, then its content."""
    body = html_to_text(str(status.get("content") or ""))
    warning = html_to_text(str(status.get("spoiler_text") or ""))
    return f"CW: {warning}\n\n{body}".strip() if warning else body
