"""Word lists that the spelling check reads besides its dictionary."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from actionvault.text.proofreading import Proofreader
from actionvault.text.word_lists import (
    MEDICAL_DICTIONARY,
    SETTING,
    configured_word_lists,
    load_word_lists,
    read_word_list,
)


def test_a_hunspell_dictionary_gives_its_lower_case_words_and_their_plurals(
    tmp_path: Path,
) -> None:
    dic = tmp_path / "clinic.dic"
    dic.write_text("4\nguanylate\ncyclase/S\nartery/S\nBrunvik\n", encoding="utf-8")
    assert read_word_list(dic) == {"guanylate", "cyclase", "cyclases", "artery", "arteries"}


def test_a_plain_list_skips_comments_and_names(tmp_path: Path) -> None:
    plain = tmp_path / "glossary.txt"
    plain.write_text("# our words\nfibroscan\nBrontara  # a brand: a name\n\n", encoding="utf-8")
    assert read_word_list(plain) == {"fibroscan"}


def test_a_listed_word_is_not_flagged_and_never_suggested(tmp_path: Path) -> None:
    text = "Soluble guanylate cyclase is the target; the cyclaze assay is new."
    plain = Proofreader()
    listed = Proofreader(known_words=frozenset({"guanylate", "cyclase"}))
    assert "cyclase" in {e.text for e in plain.check(text).errors}
    found = {e.text: e.suggestion for e in listed.check(text).errors}
    assert "cyclase" not in found
    assert "guanylate" not in found
    assert found.get("cyclaze") != "cyclase"  # known, not offered as a correction


def test_the_setting_names_the_lists_and_an_empty_one_turns_them_off(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    assert configured_word_lists({SETTING: f"{first}:{second}"}) == [first, second]
    assert configured_word_lists({SETTING: ""}) == []
    unset = configured_word_lists({})
    assert unset == ([MEDICAL_DICTIONARY] if MEDICAL_DICTIONARY.is_file() else [])


def test_a_list_that_cannot_be_read_is_left_out_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("urate\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        words = load_word_lists([tmp_path / "missing.dic", good])
    assert words == {"urate"}
    assert "missing.dic" in caplog.text
