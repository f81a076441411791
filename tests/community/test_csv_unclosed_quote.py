"""An unclosed quote in a CSV row is that row's error (issue 16 point 7): before, it swallowed the rows after it
into one text, silently; now the row is named and the rows it ran into are imported as rows."""

from __future__ import annotations

import pytest

from careloop.community.models import Post

pytestmark = pytest.mark.django_db

HEADER = "source,id,thread_id,parent_id,author.id,author.name,created_at,text\n"


def test_an_unclosed_quote_is_its_rows_error_and_the_next_rows_import(cli, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text(
        HEADER
        + 'forum,1,t1,,a1,Anna,2026-05-03T10:00:00Z,"the quote opens here and never closes\n'
        + "forum,2,t1,,b2,Ben,2026-05-03T10:05:00Z,me too\n"
        + 'forum,3,t1,,c3,Cara,2026-05-03T10:06:00Z,"a ""quoted"" word, and a comma"\n'
        + "forum,4,t1,,d4,Dan,2026-05-03T10:07:00Z,same here\n",
        encoding="utf-8",
    )
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "imported 3, updated 0, unchanged 0, failed 1"
    assert f"{path}:2: text: has a quote that is not closed: it runs on to line 3" in result.stderr
    texts = dict(Post.objects.values_list("external_id", "text"))
    assert texts == {"2": "me too", "3": 'a "quoted" word, and a comma', "4": "same here"}


def test_an_unclosed_quote_on_the_last_row_runs_to_the_end_without_taking_a_row(cli, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text(
        HEADER
        + "forum,1,t1,,a1,Anna,2026-05-03T10:00:00Z,first\n"
        + 'forum,2,t1,,b2,Ben,2026-05-03T10:05:00Z,"unclosed\n'
        + "forum,3,t1,,c3,Cara,2026-05-03T10:06:00Z,third\n",
        encoding="utf-8",
    )
    result = cli("import", str(path))
    assert f"{path}:3: text: has a quote that is not closed" in result.stderr
    assert dict(Post.objects.values_list("external_id", "text")) == {"1": "first", "3": "third"}


def test_a_text_over_several_lines_is_still_one_post(cli, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text(
        HEADER
        + 'forum,1,t1,,a1,Anna,2026-05-03T10:00:00Z,"first line, with a comma\nsecond line\n\nafter a blank"\n'
        + "forum,2,t1,,b2,Ben,2026-05-03T10:05:00Z,me too\n",
        encoding="utf-8",
    )
    result = cli("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert Post.objects.get(external_id="1").text == "first line, with a comma\nsecond line\n\nafter a blank"
    assert Post.objects.count() == 2
