"""The demo's phrase banks are data files beside the generator: all read, none twice, shipped in the package.

Pure Python: nothing here touches a database.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from careloop.demo import generate, phrases
from careloop.demo.phrases import DATA, FILES, PhraseFileError, load, read_all

ROOT = Path(__file__).resolve().parents[2]


def test_every_data_file_is_read_and_every_bank_the_generator_names_is_there() -> None:
    assert sorted(path.stem for path in DATA.glob("*.json")) == sorted(FILES)
    named = set(re.findall(r"\bP\.([A-Z][A-Z_]*)\b", Path(generate.__file__).read_text(encoding="utf-8")))
    assert len(named) > 50
    assert named <= set(load().names())


def test_the_banks_are_read_once_and_are_plain_data() -> None:
    assert load() is load()
    assert generate.P is load()
    bank = load()
    assert isinstance(bank.COMPLAINTS, dict) and isinstance(bank.EN_FIRST, list)
    assert bank.FIXED_MEMBERS[0]["role"] == "staff"
    with pytest.raises(AttributeError, match="NO_SUCH_BANK"):
        bank.NO_SUCH_BANK  # noqa: B018 (the attribute read is what is tested)


def copy_of_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    return folder


def test_a_broken_file_is_named_in_the_error(tmp_path: Path) -> None:
    folder = copy_of_data(tmp_path)
    (folder / "trolls.json").write_text('{"TROLL": [', encoding="utf-8")
    with pytest.raises(PhraseFileError, match=r"trolls\.json is not valid JSON"):
        read_all(folder)


def test_a_missing_file_is_named_in_the_error(tmp_path: Path) -> None:
    folder = copy_of_data(tmp_path)
    (folder / "clique.json").unlink()
    with pytest.raises(PhraseFileError, match=r"clique\.json is missing"):
        read_all(folder)


def test_a_file_that_is_not_an_object_of_banks_is_refused(tmp_path: Path) -> None:
    folder = copy_of_data(tmp_path)
    (folder / "words.json").write_text('["hello"]', encoding="utf-8")
    with pytest.raises(PhraseFileError, match=r"words\.json must hold a JSON object"):
        read_all(folder)


def test_a_bank_in_two_files_is_refused(tmp_path: Path) -> None:
    folder = copy_of_data(tmp_path)
    (folder / "odds_and_ends.json").write_text('{"TROLL": ["again"]}', encoding="utf-8")
    with pytest.raises(PhraseFileError, match=r"odds_and_ends\.json repeats banks .*: TROLL"):
        read_all(folder)


def test_the_package_data_ships_the_phrase_files() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["careloop"]
    package = Path(phrases.__file__).resolve().parents[1]
    shipped = {path for pattern in patterns for path in package.glob(pattern)}
    assert all(path.resolve() in {p.resolve() for p in shipped} for path in DATA.glob("*.json"))
