"""British and American spellings: both correct by default; the other's are findings when a
document prefers one."""

from __future__ import annotations

import pytest

from actionvault.text.proofreading import Spelling, default_proofreader
from actionvault.text.spelling_variants import spelling_named

TEXT = (
    "The colour of the tablet may change. In paediatric patients, oedema and anemia were rare. "
    "A tumor center opens soon. Do not tire yourself; a license is needed for the program."
)


def spelling_findings(text: str, spelling: Spelling) -> list[tuple[str, str]]:
    report = default_proofreader().check(text, spelling=spelling)
    return [(e.text, e.suggestion) for e in report.errors if e.category == "spelling"]


def test_both_spellings_are_correct_when_the_document_prefers_neither() -> None:
    assert spelling_findings(TEXT, Spelling.EITHER) == []


def test_a_document_that_prefers_american_spelling_gets_the_british_ones_flagged() -> None:
    assert spelling_findings(TEXT, Spelling.AMERICAN) == [
        ("colour", "color"), ("paediatric", "pediatric"), ("oedema", "edema"),
    ]  # fmt: skip


def test_a_document_that_prefers_british_spelling_gets_the_american_ones_flagged() -> None:
    # "tire", "license" and "program" are British words too (to weary, the verb, software).
    assert spelling_findings(TEXT, Spelling.BRITISH) == [
        ("anemia", "anaemia"), ("tumor", "tumour"), ("center", "centre"),
    ]  # fmt: skip


def test_the_suggestion_keeps_the_capital() -> None:
    assert spelling_findings("Randomised trials.", Spelling.AMERICAN) == [
        ("Randomised", "Randomized")
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("british", Spelling.BRITISH), ("British English", Spelling.BRITISH),
        ("en-GB", Spelling.BRITISH), ("en_GB", Spelling.BRITISH), ("UK", Spelling.BRITISH),
        ("American", Spelling.AMERICAN), ("en-us", Spelling.AMERICAN),
        ("either", Spelling.EITHER), ("Klingon", None),
    ],
)  # fmt: skip
def test_a_preference_is_read_as_people_write_it(name: str, expected: Spelling | None) -> None:
    assert spelling_named(name) is expected
