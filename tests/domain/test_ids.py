from __future__ import annotations

import pytest

from actionvault.domain.ids import (
    DocumentRef,
    format_execution_id,
    parse_document_ref,
    parse_execution_id,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("123", DocumentRef(123)),
        ("123_0_1", DocumentRef(123, 0, 1)),
        (" 7_2_10 ", DocumentRef(7, 2, 10)),
    ],
)
def test_document_ids_parse_with_or_without_a_version(raw: str, expected: DocumentRef) -> None:
    assert parse_document_ref(raw) == expected


@pytest.mark.parametrize("raw", ["", "abc", "12_1", "1_2_3_4", "-1", "1.0", "1_a_2", "１２"])
def test_anything_else_is_not_a_document_id(raw: str) -> None:
    assert parse_document_ref(raw) is None


def test_document_refs_print_as_vault_writes_them() -> None:
    assert str(DocumentRef(5)) == "5"
    assert str(DocumentRef(5, 1, 0)) == "5_1_0"


def test_execution_ids_are_vab_and_twelve_digits_both_ways() -> None:
    assert format_execution_id(1001) == "VAB000000001001"
    assert parse_execution_id("VAB000000001001") == 1001
    for bad in ("VAB1", "XYZ000000001001", "VAB0000000010010", "vab000000001001"):
        assert parse_execution_id(bad) is None
