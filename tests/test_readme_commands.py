"""The README's command table ("What you can do today") says what `careloop --help` says (issue 14, point 6).

Every command the table names exists — its sub-commands (`careloop case list` / `show`) and its options
(`--role`) too — and every top-level command `careloop --help` lists has a row in the table.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from careloop.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
TABLE_HEADING = "## What you can do today"


def table_rows() -> list[str]:
    """The first cells of the command table's rows, as written (with their backticks)."""
    text = README.read_text(encoding="utf-8")
    assert TABLE_HEADING in text, f"README.md has no section {TABLE_HEADING!r} with the command table"
    section = text.split(TABLE_HEADING, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and cells[0].startswith("`careloop"):
            rows.append(cells[0])
    assert rows, "README.md's command table has no row that starts with `careloop ...`"
    return rows


def named_commands(cell: str) -> list[list[str]]:
    """Each command a cell names, as its words after `careloop`: "`careloop case list` / `show`" gives
    [["case", "list"], ["case", "show"]] (a bare word after the first span is a sibling sub-command)."""
    spans = re.findall(r"`([^`]+)`", cell)
    first = spans[0].split()
    assert first[0] == "careloop", cell
    words = [first[1:]]
    for span in spans[1:]:
        words.append([*first[1:-1], *span.split()])
    return words


def resolve(words: list[str]) -> tuple[click.Command, list[str]]:
    """The click command the words name, and the options they give it; fails on a name that is not there.

    Words after a command that is not a group are its arguments (`posts.jsonl`, `TASK`), not looked up."""
    command: click.Command = main
    path = ["careloop"]
    options = []
    for word in words:
        if word.startswith("-"):
            options.append(word)
        elif isinstance(command, click.Group):
            sub = command.commands.get(word)
            assert sub is not None, (f"README.md names `{' '.join([*path, word])}`, but `{' '.join(path)} --help` "
                                     f"has no command {word!r} (it has: {', '.join(sorted(command.commands))})")
            command = sub
            path.append(word)
    return command, options


def help_commands() -> list[str]:
    """The top-level commands `careloop --help` lists."""
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    listing = result.output.split("\nCommands:\n", 1)[1]
    # A command's line starts with two spaces and its name; a wrapped description is indented further.
    return [line.split()[0] for line in listing.splitlines() if re.match(r"  \S", line)]


ROWS = table_rows()


@pytest.mark.parametrize("words", [w for cell in ROWS for w in named_commands(cell)], ids=" ".join)
def test_every_command_the_readme_names_exists(words: list[str]) -> None:
    command, options = resolve(words)
    known = {name for param in command.params for name in (*param.opts, *param.secondary_opts)}
    for option in options:
        assert option in known, f"README.md gives `careloop {' '.join(words)}` the option {option}, which it lacks"


def test_every_top_level_command_of_careloop_help_has_a_row() -> None:
    in_table = {words[0] for cell in ROWS for words in named_commands(cell) if words}
    listed = help_commands()
    assert listed, "`careloop --help` lists no commands"
    missing = [name for name in listed if name not in in_table]
    assert not missing, f"README.md's command table has no row for: {', '.join(missing)} (`careloop --help`)"
    unknown = sorted(in_table - set(listed))
    assert not unknown, f"README.md's command table names commands `careloop --help` does not list: {unknown}"
