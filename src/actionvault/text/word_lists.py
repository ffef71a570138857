"""Word lists that make more words known to the spelling check: a team's glossary, or a
clinical dictionary such as Debian's `hunspell-en-med` (75,000 medical words, GPL-3, read from
where the system installed it and never shipped with actionvault).

A list is a Hunspell `.dic` file (a count on its first line, then `word/FLAGS`) or plain text
with one word a line (`#` starts a comment). Only words written in lower case are taken: a
dictionary's capitalised entries are names (eponyms, brands), and a name the checker took for a
word would stop it reading the unknown word beside it as part of a name ("Hedda Brunvik"). A
word from a list is known, never suggested: a rare clinical word is a poor correction for a
common typo.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

logger = logging.getLogger(__name__)

#: Where Debian's `hunspell-en-med` puts its dictionary; read when present and no list is set.
MEDICAL_DICTIONARY = Path("/usr/share/hunspell/en_med_glut.dic")
#: The setting naming the lists, separated like PATH entries (`:` on Linux).
SETTING = "ACTIONVAULT_SPELLING_WORD_LISTS"
_PLURAL_FLAG = "S"  # Hunspell's English affix file: the entry also takes "-s"/"-es"/"-ies"


def _entries(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    for line in lines:
        entry = line.split("#", 1)[0].strip()
        if not entry or entry.isdigit():
            continue  # a blank line, a comment, or a .dic file's count of entries
        word, _, flags = entry.partition("/")
        yield word.strip(), flags


def _plurals(word: str) -> tuple[str, ...]:
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return (word[:-1] + "ies",)
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return (word + "es",)
    return (word + "s",)


def read_word_list(path: Path) -> frozenset[str]:
    """The lower-case words of one list, with the plurals its Hunspell flags give."""
    words: set[str] = set()
    text = path.read_text(encoding="utf-8", errors="replace")
    for word, flags in _entries(text.splitlines()):
        if not word.islower() or not word.replace("-", "").replace("'", "").isalpha():
            continue
        words.add(word)
        if _PLURAL_FLAG in flags:
            words.update(_plurals(word))
    return frozenset(words)


def configured_word_lists(environ: dict[str, str] | None = None) -> list[Path]:
    """The lists the setting names; without the setting, the medical dictionary if installed.
    An empty setting turns every list off."""
    value = (os.environ if environ is None else environ).get(SETTING)
    if value is None:
        return [MEDICAL_DICTIONARY] if MEDICAL_DICTIONARY.is_file() else []
    return [Path(part) for part in value.split(os.pathsep) if part.strip()]


def load_word_lists(paths: Iterable[Path]) -> frozenset[str]:
    """Every word of the readable lists; a list that cannot be read is left out, with a
    warning, so a mistyped path costs findings, not the spelling check."""
    words: set[str] = set()
    for path in paths:
        try:
            found = read_word_list(path)
        except OSError as failure:
            logger.warning("The spelling word list %s was not read: %s", path, failure)
            continue
        logger.info("The spelling check knows %d more words from %s", len(found), path)
        words.update(found)
    return frozenset(words)
