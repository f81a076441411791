"""Phrase banks for the demo community (careloop.demo.generate), read from the JSON files in `data/`.

The words are data, the generator is code: each file in `careloop/demo/data/` is a JSON object of banks by
name (`COMPLAINTS`, `METOO`, ...), and `load()` reads them all once and hands them out as attributes
(`P.COMPLAINTS`). The files, in the order they are read:

- `people.json`: first and last names, handle words, cities, phones and frames, and `FIXED_MEMBERS`, the members
  every community has (staff, the clique of friends, the two trolls and a few with names that exercise Unicode
  handling: a combining diaeresis, a combining acute accent).
- `words.json`: small words (`WORDS`) and fillers (`FILL`) the templates' slots draw from.
- `conversation.json`: greetings, question openings and closings, answers, thanks, follow-up questions, chatter.
- `questions.json`: the how-to topics.
- `complaints.json`: the product events. Day numbers count from the first day of the 60-day window; each topic
  is one dated product event that produced genuine complaints, and its `cause` is what the ground truth records.
  Also the me-toos, frustration, tips, staff replies and bumps around a complaint.
- `announcements.json`: staff posts in "announcements" (English) and "deutsch" (German); `topic` links the
  complaints that answer them, `ref` is the day a date in the text refers to.
- `features.json`: feature requests and their replies.
- `off_topic.json`: chit-chat, show-and-tell and welcomes.
- `clique.json`, `trolls.json`: the clique of friends; the trolls, the answers they get and moderation notices.
- `odds_and_ends.json`: the rest (turns in the middle of a thread, tails, the Halloween contest, ...).

Templates use `{slot}` for values the generator fills in and `{a|b|c}` for a choice among alternatives
(an empty alternative is allowed: `{|really }`). A slot written with a capital first letter (`{Symptom}`)
is the same slot with its first letter capitalised. Everything is plain data (objects, lists, strings,
numbers), so that the generator's choices depend on nothing but its seeded random number generator. A pair
(a follow-up question and its answer) is a list of two strings. The banks are shared: never change them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")
FILES = ("people", "words", "conversation", "questions", "complaints", "announcements", "features", "off_topic",
         "clique", "trolls", "odds_and_ends")


class PhraseFileError(Exception):
    """A phrase file is missing, is not valid JSON, or names a bank another file already has."""


class Phrases:
    """The demo's phrase banks by name, as attributes: `P.COMPLAINTS`, `P.FILL`."""

    def __init__(self, banks: dict[str, Any]) -> None:
        self._banks = banks

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_banks"][name]
        except KeyError:
            raise AttributeError(f"no phrase bank {name!r} in {DATA}") from None

    def names(self) -> list[str]:
        return list(self._banks)


def read_banks(path: Path) -> dict[str, Any]:
    """One phrase file's banks; a clear error for a missing or broken file."""
    try:
        banks = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PhraseFileError(f"{path} is missing (the demo's phrase files ship with the package)") from None
    except json.JSONDecodeError as error:
        raise PhraseFileError(f"{path} is not valid JSON: {error}") from None
    if not isinstance(banks, dict):
        raise PhraseFileError(f"{path} must hold a JSON object of phrase banks by name, not {type(banks).__name__}")
    return banks


def read_all(folder: Path) -> Phrases:
    """The banks of every file in FILES, read from `folder`; a bank named in two files is an error."""
    banks: dict[str, Any] = {}
    for name in FILES:
        path = folder / f"{name}.json"
        part = read_banks(path)
        twice = sorted(banks.keys() & part.keys())
        if twice:
            raise PhraseFileError(f"{path} repeats banks already read from another file: {', '.join(twice)}")
        banks.update(part)
    return Phrases(banks)


@cache
def load() -> Phrases:
    """All the demo's phrase banks (careloop/demo/data), read once per process."""
    return read_all(DATA)
