from __future__ import annotations

import json
from types import ModuleType

import pytest

import actionvault.chat
from actionvault.chat import (
    RouteCandidate,
    RouteDecision,
    Router,
    embeddings,
    positive_guidance,
    route_with_model,
)
from actionvault.providers.base import Completion, CompletionRequest, ModelLevel, ProviderError

CONTENT = (
    "promomats_document_chat__v",
    "Content Agent",
    "Answers questions about the content of a document and summarises it. Use for questions "
    "about what a document says.",
)
SUMMARIZE = RouteCandidate(
    *CONTENT,
    "summarize_document__v",
    "Summarize Document",
    "Writes a short summary of the document's key messages.",
)
ASK = RouteCandidate(
    *CONTENT,
    "ask_question__v",
    "Ask a Question",
    "Answers a question about the document, with citations to pages or headings.",
)
PROOFREAD = RouteCandidate(
    "proofreader__c",
    "Proofreader",
    "Checks a document's spelling and grammar. Use only for proofreading requests, not for "
    "questions about what the document says.",
    "proofread__c",
    "Proofread",
    "Lists spelling mistakes, grammar errors and typos in the document.",
)
DOCUMENT_CHAT = (SUMMARIZE, ASK, PROOFREAD)


def test_a_summary_request_goes_to_the_summary_action(router: Router) -> None:
    for message in ("Summarize this document", "tl;dr", "Give me the gist in two sentences"):
        decision = router.route(message, DOCUMENT_CHAT)
        assert decision.choice == SUMMARIZE, message
        assert decision.method == "semantic"


def test_a_question_about_the_content_goes_to_the_question_action(router: Router) -> None:
    for message in ("What is the recommended dose?", "What are the side effects?"):
        assert router.route(message, DOCUMENT_CHAT).choice == ASK, message


def test_negative_guidance_does_not_attract_the_messages_it_turns_away(router: Router) -> None:
    decision = router.route("What does the document say about storage?", DOCUMENT_CHAT)
    assert decision.choice == ASK
    assert router.route("Check it for typos", DOCUMENT_CHAT).choice == PROOFREAD


def test_negative_clauses_are_cut_from_descriptions() -> None:
    assert positive_guidance(PROOFREAD.agent_description) == (
        "Checks a document's spelling and grammar. Use only for proofreading requests."
    )
    assert positive_guidance(
        "Summarises a record. Use for questions about a record rather than a document."
    ) == ("Summarises a record. Use for questions about a record.")
    assert positive_guidance("Do not use for documents. Lists deviations.") == "Lists deviations."
    kept = "Says whether or not it has a boxed warning, not only its text but where it is."
    assert positive_guidance(kept) == kept


@pytest.mark.parametrize(
    "message",
    [
        "What's the weather like in Paris tomorrow?",
        "Tell me a joke",
        "Book me a flight to Boston",
        "asdkjh qwe zzxv",
        "Delete this document",
        "Please approve it",
    ],
)
def test_off_topic_messages_are_refused_with_what_can_be_asked(
    router: Router, message: str
) -> None:
    decision = router.route(message, DOCUMENT_CHAT)
    assert decision.choice is None
    assert "You can ask for" in decision.reason
    for candidate in DOCUMENT_CHAT:
        assert candidate.action_label in decision.reason


def test_a_change_request_goes_to_an_action_that_makes_that_change(router: Router) -> None:
    withdraw = RouteCandidate(
        "lifecycle__c",
        "Lifecycle",
        "Moves documents through their lifecycle.",
        "withdraw__c",
        "Withdraw Document",
        "Withdraws the document from circulation.",
    )
    assert router.route("Withdraw this document", DOCUMENT_CHAT).choice is None
    assert router.route("Withdraw this document", (*DOCUMENT_CHAT, withdraw)).choice == withdraw


def test_a_short_follow_up_borrows_the_previous_message(router: Router) -> None:
    alone = router.route("and what about children?", DOCUMENT_CHAT)
    followed = router.route(
        "and what about children?", DOCUMENT_CHAT, history=["Hello", "What is the adult dose?"]
    )
    assert alone.choice != ASK
    assert followed.choice == ASK


def test_a_full_message_does_not_lean_on_history(router: Router) -> None:
    decision = router.route(
        "Please summarize the whole document", DOCUMENT_CHAT, history=["What is the dose?"]
    )
    assert decision.choice == SUMMARIZE


def test_routing_is_deterministic(embedder: embeddings.MiniLMEmbedder) -> None:
    messages = ["What is the dose?", "tl;dr", "Tell me a joke", "and for children?"]
    first = [Router(embedder).route(m, DOCUMENT_CHAT, ["What is the dose?"]) for m in messages]
    again = [Router(embedder).route(m, DOCUMENT_CHAT, ["What is the dose?"]) for m in messages]
    assert first == again
    reordered = [
        Router(embedder).route(m, DOCUMENT_CHAT[::-1], ["What is the dose?"]) for m in messages
    ]
    assert [d.choice for d in reordered] == [d.choice for d in first]


def test_no_candidates_means_no_route(router: Router) -> None:
    decision = router.route("Summarize this document", [])
    assert decision == RouteDecision(None, 0.0, "semantic", "No chat action is available here.")


def test_without_an_embedder_routing_is_lexical() -> None:
    router = Router(embedder=None)
    decision = router.route("Summarize this document", DOCUMENT_CHAT)
    assert (decision.choice, decision.method) == (SUMMARIZE, "lexical")
    assert router.route("Tell me a joke", DOCUMENT_CHAT).choice is None
    assert router.route("Delete this document", DOCUMENT_CHAT).choice is None


def test_a_lexical_tie_is_no_route() -> None:
    decision = Router(embedder=None).route("proofreading or a summary?", DOCUMENT_CHAT)
    assert decision.choice is None
    assert "fit about equally" in decision.reason


def test_a_missing_model_package_makes_the_router_lexical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "MODEL_PACKAGE", "no_such_model_package")
    decision = Router().route("Proofread it for spelling mistakes", DOCUMENT_CHAT)
    assert (decision.choice, decision.method) == (PROOFREAD, "lexical")


class FakeProvider:
    """Answers every request with one scripted text, or raises one scripted error."""

    name = "fake"

    def __init__(self, answer: str | ProviderError) -> None:
        self.answer = answer
        self.requests: list[CompletionRequest] = []

    def context_tokens(self, level: ModelLevel) -> int:
        return 8000

    async def complete(self, request: CompletionRequest) -> Completion:
        self.requests.append(request)
        if isinstance(self.answer, ProviderError):
            raise self.answer
        return Completion(text=self.answer, model="fake-1")

    async def aclose(self) -> None:
        return None


async def test_the_model_chooses_among_the_candidates_by_name(router: Router) -> None:
    answer = {"action": ASK.key, "reason": "It asks about the content."}
    provider = FakeProvider(json.dumps(answer))
    decision = await route_with_model(
        provider, "Is it safe in pregnancy?", DOCUMENT_CHAT, ["Hi"], router=router
    )
    assert decision == RouteDecision(ASK, 1.0, "model", "It asks about the content.")
    [request] = provider.requests
    assert request.model_level == "BASIC"
    assert request.json_schema is not None
    assert request.json_schema["required"] == ["action", "reason"]
    prompt = request.messages[-1].content
    for candidate in DOCUMENT_CHAT:
        assert candidate.key in prompt
        assert candidate.agent_description in prompt
    assert '"Is it safe in pregnancy?"' in prompt


async def test_the_model_may_refuse(router: Router) -> None:
    provider = FakeProvider('```json\n{"action": "none", "reason": "Small talk."}\n```')
    decision = await route_with_model(provider, "Hello!", DOCUMENT_CHAT, router=router)
    assert (decision.choice, decision.method) == (None, "model")
    assert decision.reason.startswith("No action fits this message: Small talk.")


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ('{"action": "quick_check__v.spelling_grammar__v", "reason": "x"}', "not one of"),
        ('{"action": "summarize_document__v", "reason": "x"}', "not one of"),
        ("I would pick the summary action.", "not the JSON"),
        ('{"choice": "none"}', "not the JSON"),
        (ProviderError("The model service is unavailable."), "service is unavailable"),
    ],
)
async def test_an_unusable_model_answer_falls_back_to_the_offline_router(
    router: Router, answer: str | ProviderError, said: str
) -> None:
    decision = await route_with_model(
        FakeProvider(answer), "Summarize this document", DOCUMENT_CHAT, router=router
    )
    assert (decision.choice, decision.method) == (SUMMARIZE, "semantic")
    assert decision.reason.startswith("The model's choice was not used")
    assert said in decision.reason


async def test_the_model_is_not_asked_when_nothing_can_be_chosen() -> None:
    provider = FakeProvider("{}")
    decision = await route_with_model(provider, "Summarize this document", [])
    assert decision.choice is None
    assert provider.requests == []


def test_the_labelled_set_keeps_its_accuracy(router: Router, routing_eval: ModuleType) -> None:
    # Measured: 90.8% overall, 89.4% routable, 94.6% refused; held out (both batches) 90.9%
    # (python bench/routing_eval.py).
    report = routing_eval.evaluate(router, routing_eval.load_eval_set())
    assert _share(report.accuracy()) >= 0.89
    assert _share(report.accuracy(routable=True)) >= 0.87
    assert _share(report.accuracy(routable=False)) >= 0.91
    assert _share(report.accuracy(held_out=(1, 2))) >= 0.89


def test_the_labelled_set_keeps_its_lexical_accuracy(routing_eval: ModuleType) -> None:
    # Measured: 91.5% overall, 90.4% routable, 94.6% refused; held out (both batches) 84.8%,
    # 89.5% of them refused (python bench/routing_eval.py --lexical).
    report = routing_eval.evaluate(Router(embedder=None), routing_eval.load_eval_set())
    assert _share(report.accuracy()) >= 0.90
    assert _share(report.accuracy(routable=True)) >= 0.88
    assert _share(report.accuracy(routable=False)) >= 0.91
    assert _share(report.accuracy(held_out=(1, 2))) >= 0.83


def test_the_public_names_are_curated() -> None:
    assert actionvault.chat.__all__ == sorted(actionvault.chat.__all__)
    assert set(actionvault.chat.__all__) == {
        "MiniLMEmbedder",
        "RouteCandidate",
        "RouteDecision",
        "Router",
        "TextEmbedder",
        "load_embedder",
        "positive_guidance",
        "route_with_model",
    }


def _share(pair: tuple[int, int]) -> float:
    right, total = pair
    return right / total
