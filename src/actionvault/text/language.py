"""Offline language identification for the proofreader.

The proofreader only knows English, so it must recognise other languages to
stay silent on them instead of flagging every word. Function words are the
most reliable signal in short promotional texts (brand names and medical terms
are shared across languages, "the"/"und"/"les" are not), so detection counts
the share of tokens that are frequent function words of each language. Scripts
other than Latin are identified by their Unicode block.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "English": _words(
        "the and of to in is are was were be been for with that this it on as by at from or "
        "an a not have has had which you your we our they their will can may should would if "
        "but do does all more other these those there than also into about after before who "
        "what when how"
    ),
    "Spanish": _words(
        "el la los las de del y en que es un una por con para se su sus al lo como más pero "
        "este esta son ha han o no le ya muy sin sobre también entre cuando ser hay puede "
        "usted nuestro nuestra está están desde todos"
    ),
    "French": _words(
        "le la les de des du et en un une est que qui dans pour par sur avec au aux ce cette "
        "ces il elle ils ne pas plus ou se sont être été votre vous nous leur mais comme "
        "aussi très peut d l qu"
    ),
    "German": _words(
        "der die das den dem des und ist nicht ein eine einer einen zu mit von für auf im "
        "sich auch es wird werden sind bei oder wie dass nach aus kann sie wir ihr ihre zur "
        "zum über durch noch nur"
    ),
    "Italian": _words(
        "il lo la gli le di del della dei delle e è che un una per con non sono da nel nella "
        "si al alla come più ma anche questo questa essere ha hanno suo sua degli dal dalla"
    ),
    "Portuguese": _words(
        "o os a as de do da dos das e é que um uma para com não no na nos nas por se ao mais "
        "como mas seu sua são foi ser também pelo pela você este esta isso muito"
    ),
    "Dutch": _words(
        "de het een en van in is dat die te op voor met zijn niet aan er ook als bij door om "
        "naar wordt worden of dan maar uit deze dit kan u uw hun wij zij heeft hebben"
    ),
}

# (first code point, last code point, language) for scripts that name a language.
_SCRIPTS = (
    (0x0400, 0x04FF, "Russian"),
    (0x0370, 0x03FF, "Greek"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x3040, 0x30FF, "Japanese"),
    (0xAC00, 0xD7AF, "Korean"),
    (0x4E00, 0x9FFF, "Chinese"),
)
_PERSIAN_LETTERS = frozenset("پچژگ")
_WORD_PARTS_RE = re.compile("['\u2019-]")

# Below these, function words are too sparse to tell languages apart.
_MIN_FUNCTION_WORD_HITS = 2
_MIN_FUNCTION_WORD_SHARE = 0.08
# Fallback for terse text (headlines, bullet fragments): mostly dictionary words.
_MIN_DICTIONARY_SHARE = 0.5


def _script_language(words: Sequence[str]) -> str | None:
    counts: dict[str, int] = {}
    latin = 0
    for word in words:
        for char in word:
            if not char.isalpha():
                continue
            code = ord(char)
            if code < 0x0250:
                latin += 1
                continue
            for first, last, language in _SCRIPTS:
                if first <= code <= last:
                    counts[language] = counts.get(language, 0) + 1
                    break
    if not counts:
        return None
    language, count = max(counts.items(), key=lambda item: item[1])
    if count <= latin:
        return None
    if language == "Chinese" and counts.get("Japanese"):
        return "Japanese"
    if language == "Arabic" and any(c in _PERSIAN_LETTERS for w in words for c in w):
        return "Persian"
    return language


def detect_language(words: Sequence[str], is_english_word: Callable[[str], bool]) -> str:
    """Name the language of `words` in English, or "Unknown" if the evidence is too thin."""
    if not words:
        return "Unknown"
    script = _script_language(words)
    if script is not None:
        return script
    # Elisions and compounds ("l'hôpital", "dell'insulina") hide function words.
    lowered = [
        part for word in words for part in _WORD_PARTS_RE.split(word.lower()) if part.isalpha()
    ]
    if not lowered:
        return "Unknown"
    hits = {
        name: sum(w in vocabulary for w in lowered) for name, vocabulary in _FUNCTION_WORDS.items()
    }
    best = max(hits, key=lambda name: hits[name])  # ties keep English, listed first
    if (
        hits[best] >= _MIN_FUNCTION_WORD_HITS
        and hits[best] / len(lowered) >= _MIN_FUNCTION_WORD_SHARE
    ):
        return best
    known = sum(is_english_word(w) for w in lowered)
    return "English" if known / len(lowered) >= _MIN_DICTIONARY_SHARE else "Unknown"
