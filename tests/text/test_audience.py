"""Industry, regulator and audience of a text, read from the signals a reviewer would use."""

from __future__ import annotations

import pytest

from actionvault.text.audience import NOT_DETERMINED, describe, read_context


@pytest.mark.parametrize(
    ("text", "authority"),
    [
        ("Please see Important Safety Information, including the boxed warning.", "FDA"),
        ("Report side effects to the FDA at 1-800-FDA-1088 or MedWatch.", "FDA"),
        ("Refer to the SmPC before prescribing. Marketing authorisation holder: X.", "EMA"),
        ("Report suspected reactions through the Yellow Card scheme of the MHRA.", "MHRA"),
        ("Consult the Product Monograph approved by Health Canada.", "Health Canada"),
        ("A note about lunch on Friday.", NOT_DETERMINED),
    ],
)
def test_the_regulator_is_read_from_its_own_terms(text: str, authority: str) -> None:
    assert read_context(text).regulatory_authority.value == authority


@pytest.mark.parametrize(
    ("text", "audience"),
    [
        ("Dear Doctor, we write about dosing in your patients with renal impairment.",
         "Healthcare Professional"),
        ("For healthcare professionals only. Contraindicated in severe hepatic disease.",
         "Healthcare Professional"),
        ("Ask your doctor if this medicine is right for you. If you feel dizzy, sit down.",
         "Patient"),
        ("The budget impact and cost-effectiveness for payers are summarised below.", "Payer"),
    ],
)  # fmt: skip
def test_the_audience_is_read_from_how_the_text_addresses_its_reader(
    text: str, audience: str
) -> None:
    assert read_context(text).target_audience.value == audience


def test_a_text_about_medicines_is_pharmaceutical_and_one_about_animals_veterinary() -> None:
    assert read_context("Take one 20 mg tablet daily.").industry.value == "Pharmaceutical (Human)"
    assert (
        read_context("For dogs only: give the chewable dose to your pet monthly.").industry.value
        == "Pharmaceutical (Veterinary)"
    )
    assert read_context("Our team picnic is on Saturday.").industry.value == "General"


def test_the_strongest_evidence_wins_when_signals_disagree() -> None:
    text = "See the SmPC. The SmPC and the package leaflet apply. FDA approval is pending."
    assert read_context(text).regulatory_authority.value == "EMA"


def test_thinking_names_the_evidence_and_the_findings() -> None:
    context = read_context("Dear Doctor, see Important Safety Information. 10 mg tablets.")
    thinking = describe(context, "English", 9, {"spelling": 2, "article": 1})
    assert "Regulatory authority: FDA" in thinking
    assert '"Important Safety Information"' in thinking
    assert "Target audience: Healthcare Professional" in thinking
    assert "Found 3 issues: 2 spelling, 1 article." in thinking


def test_thinking_says_so_when_nothing_was_found() -> None:
    thinking = describe(read_context("A plain note."), "English", 3, {})
    assert "no clear signal" in thinking
    assert thinking.endswith("Found no spelling or grammar issues.")
