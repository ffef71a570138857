"""The offline English proofreader behind quick_check__v / spelling_grammar__v."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actionvault.services.demo import demo_words
from actionvault.text.proofreading import (
    CATEGORIES,
    MAX_FINDINGS,
    Proofreader,
    ProofreadingReport,
    TextIssue,
    default_proofreader,
)

DEMO_DIR = Path(__file__).resolve().parents[2] / "src" / "actionvault" / "demo" / "documents"
DEMO_FILES = sorted(p.name for p in DEMO_DIR.glob("*.txt"))


def check(text: str) -> ProofreadingReport:
    return default_proofreader().check(text)


def found(text: str, category: str | None = None) -> list[tuple[str, str, str]]:
    return [
        (issue.category, issue.text, issue.suggestion)
        for issue in check(text).errors
        if category is None or issue.category == category
    ]


# --- spelling ---------------------------------------------------------------------------------


def test_misspelled_word_is_reported_with_its_correction() -> None:
    text = "Patients recieve the injection every week."

    report = check(text)

    assert report.detected_language == "English"
    assert report.errors == (TextIssue("recieve", "receive", "spelling", text, 9),)


def test_spelling_suggestion_keeps_the_original_capitalisation() -> None:
    text = "Recieve the leaflet. Read the IMPORTANT SAFETY INFORMATON first."

    assert found(text) == [
        ("spelling", "Recieve", "Receive"),
        ("spelling", "INFORMATON", "INFORMATION"),
    ]


def test_word_with_no_close_dictionary_word_is_flagged_with_an_empty_suggestion() -> None:
    assert found("The patient felt qxzwvk today.") == [("spelling", "qxzwvk", "")]


def test_unknown_word_without_a_credible_correction_is_taken_for_a_term() -> None:
    # Unlisted clinical terms and drug names: no common word lies one or two likely slips away.
    text = (
        "Signs of hepatosplenomegaly and cholangiocarcinoma were absent. Tablets contain "
        "magnesium stearate and sorbitan; the patient takes velunabrex."
    )

    assert found(text) == []


def test_rare_dictionary_word_one_edit_away_is_no_credible_correction() -> None:
    # "multilobar" is one letter from a rare dictionary entry; that is no evidence of a typo.
    assert found("A multilobar pneumonia was seen.") == []


def test_doubled_or_swapped_letters_are_corrected_even_to_rare_words() -> None:
    assert found("The patient neeeded help after the siezure.") == [
        ("spelling", "neeeded", "needed"),
        ("spelling", "siezure", "seizure"),
    ]


def test_two_edits_away_only_a_change_of_vowels_or_doubled_letters_counts() -> None:
    assert found("The maintainance dose was neccessary.") == [
        ("spelling", "maintainance", "maintenance"),
        ("spelling", "neccessary", "necessary"),
    ]


def test_capitalised_word_is_a_name_when_it_adds_an_ending_or_changes_the_initial() -> None:
    assert found("We met the team at Belmonta, then drove to Ranchester.") == []


def test_allowlisted_medical_and_regulatory_words_are_not_flagged() -> None:
    text = (
        "Adalimumab, metformin and semaglutide are contraindicated in patients with "
        "hypersensitivity or anaphylaxis. The biosimilar is given by subcutaneous injection "
        "at 40 mg in 0.8 mL. Pharmacovigilance teams report to the FDA, the EMA and the HCP. "
        "Check HbA1c and eGFR before titration, and see the PI and ISI."
    )

    assert found(text) == []


def test_words_given_with_a_text_are_allowed_in_that_check_only() -> None:
    text = "Patients on dolorex did well."  # a name one letter from a common word

    assert default_proofreader().check(text, allow_words=["Dolorex"]).errors == ()
    assert found(text) == [("spelling", "dolorex", "dolores")]


@pytest.mark.parametrize("name", DEMO_FILES)
def test_the_demo_documents_own_names_are_not_reported_in_them(name: str) -> None:
    text = (DEMO_DIR / name).read_text(encoding="utf-8")
    words = {w.lower() for w in demo_words()}

    reported = default_proofreader().check(text, demo_words()).errors

    assert not [e.text for e in reported if e.text.lower() in words]


def test_words_passed_to_the_constructor_are_allowed_as_well() -> None:
    text = "Patients on dolorex did well."

    assert found(text) == [("spelling", "dolorex", "dolores")]
    assert Proofreader(allow_words=["Dolorex"]).check(text).errors == ()


def test_short_all_caps_acronyms_are_not_flagged() -> None:
    assert found("The QXZR and HLVB teams sent the DSUR to the PMDA and CHMP.") == []


def test_long_all_caps_words_are_spell_checked() -> None:
    assert found("IMPORTANT SAFETY INFORMATON") == [("spelling", "INFORMATON", "INFORMATION")]


def test_numbers_and_words_containing_digits_are_ignored() -> None:
    text = "Take 2.5 mg of XR500 or 10mg at 08:00 for 12wks, the 1st and 3rd dose, GLP-1 and SGLT2."

    assert found(text) == []


def test_urls_email_addresses_and_file_names_are_not_checked() -> None:
    text = (
        "Visit https://www.cardiovx-info.com/dosing?lang=en or www.glucorn.org, write to "
        "medinfo@halverinbio.com or read dosing-guide.pdf for details."
    )

    assert found(text) == []


def test_contractions_and_possessives_are_accepted() -> None:
    text = "The patient's carers and the patients' nurses didn't say it's fine; they've agreed."

    assert found(text) == []


def test_misspelled_possessive_is_flagged_without_its_suffix() -> None:
    text = "The pateint's records were complete."

    [issue] = check(text).errors
    assert (issue.text, issue.suggestion, issue.offset) == ("pateint", "patient", 4)


def test_hyphenated_words_are_checked_part_by_part() -> None:
    text = "It is a once-dialy, well-tolerated, pre-filled pen with non-inferiority data."

    [issue] = check(text).errors
    assert (issue.text, issue.suggestion, issue.category) == ("dialy", "daily", "spelling")
    assert text[issue.offset : issue.offset + len(issue.text)] == "dialy"


def test_unknown_capitalised_words_mid_sentence_are_treated_as_names() -> None:
    assert found("The study was led by Dr. Okonkwo in Bydgoszcz and Dr. Nakamura.") == []


def test_capitalised_near_miss_of_a_real_word_is_flagged() -> None:
    assert found("Please read the Patient Informaton Leaflet.") == [
        ("spelling", "Informaton", "Information")
    ]


def test_short_capitalised_word_is_flagged_only_for_swapped_letters() -> None:
    assert found("Teh results are in. Jin said so.") == [("spelling", "Teh", "The")]


def test_british_spellings_are_accepted() -> None:
    text = (
        "The colour and behaviour of the tumour were randomised and analysed; haemoglobin, "
        "oedema, paediatric dosing, the programme centre and labelling were favourable."
    )

    assert found(text) == []


def test_unlisted_drug_names_with_international_nonproprietary_name_stems_are_accepted() -> None:
    assert found("Ravulizumab, zanubrutinib and sotagliflozin were compared.") == []


def test_misspelling_of_an_allowlisted_drug_is_corrected_to_it() -> None:
    assert found("Add metfromin or adalimumub.") == [
        ("spelling", "metfromin", "metformin"),
        ("spelling", "adalimumub", "adalimumab"),
    ]


# --- repeated words ---------------------------------------------------------------------------


def test_repeated_word_is_reported_with_the_single_word_as_suggestion() -> None:
    text = "Prepare the the pen before use."

    [issue] = check(text).errors
    assert issue == TextIssue("the the", "the", "repeated_word", text, 8)


def test_repeated_word_is_found_regardless_of_case_and_line_breaks() -> None:
    assert found("The the dose is given with\nwith food.", "repeated_word") == [
        ("repeated_word", "The the", "The"),
        ("repeated_word", "with\nwith", "with"),
    ]


def test_grammatical_doubled_words_are_not_flagged() -> None:
    assert found("She had had a reaction. He said that that was rare. What it is is safe.") == []


# --- a / an -----------------------------------------------------------------------------------


def test_a_before_a_vowel_sound_is_corrected_to_an() -> None:
    text = "It is a effective treatment."

    [issue] = check(text).errors
    assert issue == TextIssue("a effective", "an effective", "article", text, 6)


def test_an_before_a_consonant_sound_is_corrected_to_a() -> None:
    assert found("This is an significant result.") == [
        ("article", "an significant", "a significant")
    ]


def test_capitalised_article_keeps_its_case() -> None:
    assert found("A effective option. An new pen.") == [
        ("article", "A effective", "An effective"),
        ("article", "An new", "A new"),
    ]


@pytest.mark.parametrize(
    "phrase",
    [
        "an hour",
        "an honest answer",
        "a university",
        "a one-time dose",
        "a once-daily tablet",
        "a European study",
        "an MRI",
        "an FDA review",
        "a US trial",
        "an HCP",
        "an NSAID",
        "an SGLT2 inhibitor",
        "an 8-week course",
        "an 11-year-old",
        "a 12-week study",
        "an X-ray",
        "an HbA1c test",
        "an eGFR value",
        "a pH test",
        "a unique case",
        "a urinary infection",
        "an urgent call",
        "an unidentified case",
        "a NICE guideline",
        "a historic result",
        "an historic result",
        # Compounds read as words and lower-case terms that may be spelt out: unsure, so left.
        "a FileStream object",
        "an isReady call",
        "a udev rule",
        "an fd",
    ],
)
def test_article_that_matches_pronunciation_is_accepted(phrase: str) -> None:
    assert found(f"We saw {phrase} today.", "article") == []


@pytest.mark.parametrize(
    ("phrase", "fixed"),
    [
        ("a hour", "an hour"),
        ("an university", "a university"),
        ("an one-time", "a one-time"),
        ("an European", "a European"),
        ("a MRI", "an MRI"),
        ("a FDA", "an FDA"),
        ("an US", "a US"),
        ("a 8-week", "an 8-week"),
        ("a X-ray", "an X-ray"),
        ("an unique", "a unique"),
        ("a honest", "an honest"),
    ],
)
def test_article_against_pronunciation_is_flagged(phrase: str, fixed: str) -> None:
    assert found(f"We saw {phrase} thing.", "article") == [("article", phrase, fixed)]


def test_capital_letter_labels_are_not_mistaken_for_articles() -> None:
    text = "Hepatitis A infection and vitamin A intake were low. Group A patients did well."

    assert found(text) == []


# --- spacing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "flagged", "fixed"),
    [
        ("Take it daily,and rest.", ",and", ", and"),
        ("Take it daily.Rest often.", ".Rest", ". Rest"),
        ("Take it daily;however, rest.", ";however", "; however"),
        ("Note:take it daily.", ":take", ": take"),
        ("Stop now!Then rest.", "!Then", "! Then"),
        ("Is it safe?Yes, it is.", "?Yes", "? Yes"),
        ("Use it, e.g.the pen.", ".the", ". the"),
    ],
)
def test_missing_space_after_punctuation_is_flagged(text: str, flagged: str, fixed: str) -> None:
    [issue] = check(text).errors
    assert (issue.category, issue.text, issue.suggestion) == ("spacing", flagged, fixed)
    assert issue.offset == text.index(flagged)


@pytest.mark.parametrize(
    "text",
    [
        "Take 2.5 mg at 10:30 each day.",
        "Give it with food, e.g. a snack, i.e. a light meal.",
        "It is approved in the U.S. and the U.K. for adults.",
        "Dr. Lee, Ph.D., and Jane Doe, M.D., signed it.",
        "See www.cardiovex.com or Cardiovex.com for details.",
        "Email medinfo@halverinbio.com with questions.",
        "Open the file dosing-guide.pdf or report.docx first.",
        "The ratio was 3:1 and the cost was 1,000 dollars.",
        "Wait for it... and then inject.",
        "Version 1.4.x of the app is out.",
        "See J Clin Endocrinol Metab. 2021;106(4):e1234-e1245. doi:10.1016/S0140-6736(22)00512-3",
    ],
)
def test_punctuation_in_numbers_abbreviations_and_addresses_is_not_a_spacing_error(
    text: str,
) -> None:
    assert found(text) == []


def test_space_before_punctuation_is_flagged() -> None:
    assert found("Take it daily , with food ; then rest .") == [
        ("spacing", "daily ,", "daily,"),
        ("spacing", "food ;", "food;"),
        ("spacing", "rest .", "rest."),
    ]


def test_space_on_the_wrong_side_of_a_comma_is_flagged() -> None:
    assert found("Take it daily ,with food.") == [("spacing", "daily ,with", "daily, with")]


def test_double_space_between_words_is_flagged() -> None:
    text = "Take it  with food."

    [issue] = check(text).errors
    assert issue == TextIssue("it  with", "it with", "spacing", text, 5)


# --- capitalisation ---------------------------------------------------------------------------


def test_sentence_starting_in_lower_case_is_flagged() -> None:
    text = "Take it daily. it works best with food."

    [issue] = check(text).errors
    assert issue == TextIssue("it", "It", "capitalization", "it works best with food.", 15)


def test_text_start_and_paragraph_start_in_lower_case_are_flagged() -> None:
    assert found("take it daily.\n\nstore it cold.") == [
        ("capitalization", "take", "Take"),
        ("capitalization", "store", "Store"),
    ]


def test_abbreviations_and_decimals_do_not_end_sentences() -> None:
    text = (
        "Doses were approx. two tablets, i.e. one in the morning, vs. placebo, e.g. after food. "
        "Dr. Lee gave 2.5 mg. The team agreed with Prof. Smith et al. on the plan."
    )

    assert found(text) == []


def test_terms_written_in_lower_case_by_convention_may_start_a_sentence() -> None:
    assert found("eGFR should be checked yearly. mRNA vaccines are new. pH matters.") == []


def test_list_items_may_start_in_lower_case() -> None:
    text = "Take Cardiovex:\n- with food\n- at the same time each day\n\n1. open the pack"

    assert found(text) == []


def test_lone_lower_case_i_is_capitalised() -> None:
    assert found("Yesterday i took the dose, (i) as advised.") == [("capitalization", "i", "I")]


# --- report shape -----------------------------------------------------------------------------


def test_issue_sentence_is_the_whole_sentence_holding_it() -> None:
    first = "Dr. Patel gave 2.5 mg, e.g. after food, to recieve the benefit."
    text = f"Welcome. {first} Next steps follow."

    [issue] = check(text).errors
    assert issue.sentence == first


def test_errors_are_sorted_by_offset_and_use_documented_categories() -> None:
    text = (
        "this is a effective drug,and it helps you recieve the the care you need. "
        "Its too late to loose weight, and the tablets in the box has expired."
    )

    errors = check(text).errors

    assert [e.offset for e in errors] == sorted(e.offset for e in errors)
    assert {e.category for e in errors} == set(CATEGORIES)


def test_clean_paragraph_produces_no_errors() -> None:
    text = (
        "Cardiovex is a prescription medicine used with diet and exercise to lower LDL "
        "cholesterol in adults. Before you start treatment, tell your doctor about all the "
        "medicines you take, including vitamins and herbal supplements. The most common side "
        "effects are redness at the injection site, back pain and a sore throat. Call your "
        "doctor right away if you have trouble breathing or swelling of the face, lips or "
        "tongue. For more information, visit www.cardiovex.com or call 1-800-555-0142."
    )

    report = check(text)

    assert report == ProofreadingReport("English", ())


def test_default_proofreader_is_shared_by_all_callers() -> None:
    assert default_proofreader() is default_proofreader()


def test_a_fifty_page_document_finds_each_error_of_every_copy_and_counts_past_the_cap() -> None:
    text = "\n\n".join((DEMO_DIR / name).read_text(encoding="utf-8") for name in DEMO_FILES)
    long_text = "\n\n".join([text] * 25)
    assert len(long_text.split()) > 24_000

    once = Proofreader().check(text).errors
    report = Proofreader().check(long_text)

    assert len(report.errors) + report.omitted == 25 * len(once)
    assert len(report.errors) == min(25 * len(once), MAX_FINDINGS)
    assert [(e.category, e.text) for e in report.errors[: len(once)]] == [
        (e.category, e.text) for e in once
    ]


def test_long_runs_of_blank_lines_separate_paragraphs_like_one_blank_line() -> None:
    text = "take it daily." + "\n" * 20_000 + "store it cold." + " \n\t" * 5_000 + "keep it dry."

    assert found(text) == [
        ("capitalization", "take", "Take"),
        ("capitalization", "store", "Store"),
        ("capitalization", "keep", "Keep"),
    ]


# --- demo documents ---------------------------------------------------------------------------


def test_demo_index_describes_every_demo_document() -> None:
    index = json.loads((DEMO_DIR / "index.json").read_text(encoding="utf-8"))

    assert sorted(entry["file"] for entry in index) == DEMO_FILES
    assert len(DEMO_FILES) == 4
    assert {entry["type"] for entry in index} == {
        "promotional_piece__c",
        "email_template__c",
        "press_release__c",
        "medical_letter__c",
    }
    assert all(entry["name"].strip() for entry in index)


@pytest.mark.parametrize("name", DEMO_FILES)
def test_demo_document_plants_every_category_of_error(name: str) -> None:
    text = (DEMO_DIR / name).read_text(encoding="utf-8")
    planted = json.loads((DEMO_DIR / name.replace(".txt", ".expected.json")).read_text("utf-8"))
    categories = [item["category"] for item in planted]

    assert 120 <= len(text.split()) <= 300
    assert 2 <= categories.count("spelling") <= 5
    assert {"spelling", "repeated_word", "article", "spacing", "capitalization"} <= set(categories)
    assert set(categories) <= set(CATEGORIES)
    assert all(item["text"] in text for item in planted)


@pytest.mark.parametrize("name", DEMO_FILES)
def test_every_planted_error_in_a_demo_document_is_found(name: str) -> None:
    text = (DEMO_DIR / name).read_text(encoding="utf-8")
    planted = json.loads((DEMO_DIR / name.replace(".txt", ".expected.json")).read_text("utf-8"))
    expected = {(item["text"], item["category"], item["suggestion"]) for item in planted}

    reported = {
        (e.text, e.category, e.suggestion)
        for e in default_proofreader().check(text, demo_words()).errors
    }

    assert expected - reported == set()
    assert len(reported - expected) <= 1


@pytest.mark.parametrize("name", DEMO_FILES)
def test_every_issue_offset_in_a_demo_document_points_at_its_text(name: str) -> None:
    text = (DEMO_DIR / name).read_text(encoding="utf-8")

    errors = check(text).errors

    assert errors
    for issue in errors:
        assert text[issue.offset : issue.offset + len(issue.text)] == issue.text
        assert issue.text in issue.sentence
        assert issue.sentence == issue.sentence.strip()


# --- language detection -----------------------------------------------------------------------

LANGUAGE_SAMPLES = {
    "English": "Talk to your doctor before you start taking this medicine, and tell them "
    "about any other medicines that you are using.",
    "Spanish": "Consulte a su médico antes de empezar a tomar este medicamento y dígale si "
    "está tomando otros medicamentos para la diabetes.",
    "French": "Parlez à votre médecin avant de commencer ce traitement et informez-le si vous "
    "prenez d'autres médicaments pour le diabète.",
    "German": "Sprechen Sie mit Ihrem Arzt, bevor Sie mit der Einnahme dieses Arzneimittels "
    "beginnen, und informieren Sie ihn über alle anderen Arzneimittel.",
    "Italian": "Parli con il medico prima di iniziare a prendere questo medicinale e lo informi "
    "se sta assumendo altri medicinali per il diabete.",
    "Portuguese": "Fale com o seu médico antes de começar a tomar este medicamento e informe se "
    "está a tomar outros medicamentos para a diabetes.",
    "Dutch": "Neem contact op met uw arts voordat u met dit geneesmiddel begint en vertel het "
    "als u andere geneesmiddelen gebruikt.",
    "Russian": "Проконсультируйтесь с врачом перед началом приема этого препарата.",
}


@pytest.mark.parametrize(("language", "text"), LANGUAGE_SAMPLES.items())
def test_language_of_the_text_is_detected(language: str, text: str) -> None:
    assert check(text).detected_language == language


def test_text_in_another_language_gets_no_errors_rather_than_english_ones() -> None:
    report = check("Consulte a su medico antes de empezar el tratamiento con Glucorin.")

    assert report == ProofreadingReport("Spanish", ())


def test_text_without_words_has_an_unknown_language_and_no_errors() -> None:
    assert check("") == ProofreadingReport("Unknown", ())
    assert check("1,240 / 52 - 7.0%") == ProofreadingReport("Unknown", ())


def test_terse_english_fragment_without_function_words_is_still_english() -> None:
    assert check("Cardiovex 140 mg prefilled pen").detected_language == "English"
