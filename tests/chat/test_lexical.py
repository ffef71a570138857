from __future__ import annotations

import pytest

from actionvault.chat import Router, lexical
from actionvault.chat.lexical import Lexicon, Profile, packaged_lexicon
from actionvault.chat.router import RouteCandidate
from actionvault.chat.stemmer import stem

LEXICON = Lexicon.parse(
    """
    [request]
    summary: summary, summarize, gist, tl;dr, overview
    question: question, ask, answer
    translate: translate, french, german
    [document question]
    dose: dose, dosage, how often
    [topic]
    login: login, sign in, log out
    [weak]
    give, show
    [target]
    document, record
    [stop]
    the, a, of, me, is, what, when, it, in, how, do, i
    """
)


def keys(text: str) -> list[str]:
    return [term.key for term in LEXICON.terms(text)]


def test_inflections_and_derivations_share_a_stem() -> None:
    assert len({stem(w) for w in ("translate", "translates", "translated", "translation")}) == 1
    assert len({stem(w) for w in ("proofread", "proofreading", "proofreads")}) == 1
    assert stem("summarise") == stem("summarize")
    assert stem("optimisation") == stem("optimization")


def test_the_stemmer_follows_porter() -> None:
    # Examples from Porter's paper (1980).
    pairs = {
        "caresses": "caress",
        "ponies": "poni",
        "hopping": "hop",
        "relational": "relat",
        "conditional": "condit",
        "generalization": "gener",
        "electrical": "electr",
        "adjustment": "adjust",
        "controll": "control",
    }
    assert {word: stem(word) for word in pairs} == pairs
    assert stem("is") == "is"


def test_a_word_finds_the_members_of_its_family() -> None:
    profile = Profile.build(LEXICON, [("Writes a short summary of it.", 1.0)])
    [gist] = LEXICON.terms("the gist")
    assert gist.families == {"summary"}
    assert profile.match(gist) == pytest.approx(lexical.FAMILY_WEIGHT)
    [summaries] = LEXICON.terms("summaries")
    assert profile.match(summaries) == 1.0


def test_phrases_read_as_one_term() -> None:
    assert keys("tl;dr") == ["tl dr"]
    assert keys("How do I sign in?") == ["sign in"]
    assert keys("how often") == ["how often"]


def test_target_and_stop_words_are_left_out_unless_a_family_names_them() -> None:
    assert keys("Summarize the document") == [stem("summarize")]
    assert keys("What is it?") == []
    lexicon = Lexicon.parse("[topic]\ndate: when\n[stop]\nwhen, is, it")
    assert [t.key for t in lexicon.terms("When is it?")] == ["when"]


def test_request_words_weigh_more_and_weak_words_less() -> None:
    weights = {term.key: term.weight for term in LEXICON.terms("Give me the gist in French")}
    assert weights == {
        "give": lexical.WEAK_WEIGHT,
        "gist": lexical.REQUEST_WEIGHT,
        "french": lexical.REQUEST_WEIGHT,
    }


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("What is the dose?", True),
        ("Is there a boxed warning", True),
        ("and what about children", True),
        ("the dose for children?", True),
        ("Summarize this document", False),
        ("Can you summarize it?", False),
        ("Could I get a German version?", False),
        ("Can I drink alcohol with it?", True),
    ],
)
def test_a_question_is_told_from_a_request(message: str, question: bool) -> None:
    assert lexical.is_question(message) is question


def test_the_question_cue_adds_to_matching_words_but_never_stands_alone() -> None:
    answers = Profile.build(LEXICON, [("Answers a question.", 1.0)], [("dose", 0.5)])
    assert lexical.evidence(lexical.message_terms(LEXICON, "What's the weather?"), answers) == 0
    alone = lexical.evidence(LEXICON.terms("how often"), answers)
    asked = lexical.evidence(lexical.message_terms(LEXICON, "How often?"), answers)
    assert 0 < alone < asked


def test_a_term_every_candidate_holds_weighs_least() -> None:
    profiles = [
        Profile.build(LEXICON, [("Writes a summary.", 1.0)]),
        Profile.build(LEXICON, [("Writes a translation.", 1.0)]),
    ]
    rare = lexical.rarity(LEXICON.terms("write a summary of the haiku"), profiles)
    assert lexical.RARITY_SHARE < rare[stem("write")] < rare[stem("summary")] < rare["haiku"]
    assert rare["haiku"] == 1.0


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[nonsense]\nx: y", "line 1: unknown section [nonsense]"),
        ("[request]\nno colon here", "line 2: expected `name: term, term, ...`"),
        ("summary: gist", "line 1: expected"),
    ],
)
def test_a_malformed_lexicon_names_the_line(text: str, said: str) -> None:
    with pytest.raises(ValueError, match=said.replace("[", r"\[").replace("]", r"\]")):
        Lexicon.parse(text)


def test_the_packaged_lexicon_has_the_families_routing_relies_on() -> None:
    lexicon = packaged_lexicon()
    assert {"summary", "question", "explain", "proofread", "translate"} <= lexicon.section(
        "request"
    )
    assert {"dose", "side_effect", "storage"} <= lexicon.section("document question")
    assert {"status", "date", "owner"} <= lexicon.section("record question")
    for phrase, family in (("tl;dr", "summary"), ("typo", "proofread"), ("log in", "login")):
        [term] = lexicon.terms(phrase)
        assert family in term.families, phrase


# Agents the router has never seen: it knows them only from their descriptions.
LOCALIZE = RouteCandidate(
    "localization__c",
    "Localization",
    "Adapts content for other markets.",
    "localize__c",
    "Localize",
    "Adapts the document to another country's language and regulations.",
)
DIGEST = RouteCandidate(
    "briefing__c",
    "Briefing",
    "Prepares briefings.",
    "digest__c",
    "Digest",
    "Writes an executive summary of the document for busy readers.",
)
COPY_CHECK = RouteCandidate(
    "copy_desk__c",
    "Copy Desk",
    "Checks copy before it goes out.",
    "copy_check__c",
    "Copy Check",
    "Finds misspellings and grammatical slips.",
)
DOSING = RouteCandidate(
    "leaflet__c",
    "Leaflet Assistant",
    "Helps with patient leaflets.",
    "ask__c",
    "Ask the Leaflet",
    "Answers questions about the document.",
)
UNSEEN = (LOCALIZE, DIGEST, COPY_CHECK, DOSING)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Translate this into German", LOCALIZE),
        ("tl;dr", DIGEST),
        ("Give me the gist", DIGEST),
        ("Any typos in here?", COPY_CHECK),
        ("Proofread it", COPY_CHECK),
        ("How often should it be taken?", DOSING),
        ("Is it safe during pregnancy?", DOSING),
    ],
)
def test_lexical_routing_reaches_unseen_agents_through_word_families(
    message: str, expected: RouteCandidate
) -> None:
    decision = Router(embedder=None).route(message, UNSEEN)
    assert (decision.choice, decision.method) == (expected, "lexical")


@pytest.mark.parametrize(
    "message",
    ["What time is it in Tokyo?", "Who won the match last night?", "Tell me a joke", "hi"],
)
def test_lexical_routing_refuses_questions_that_share_only_their_form(message: str) -> None:
    assert Router(embedder=None).route(message, UNSEEN).choice is None
