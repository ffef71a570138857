from __future__ import annotations

from actionvault.domain.agents import Action, Agent, Scope
from actionvault.domain.routing import route_message


def agent(name: str, description: str, *actions: Action) -> Agent:
    return Agent(
        name=name,
        label=name,
        description=description,
        agent_class="x",
        source="custom",
        active=True,
        model_level="BASIC",
        scope=Scope.DOCUMENT,
        actions=actions,
    )


SUMMARY = Action("summarize__c", "Summarize Document", "Writes a short summary.", "model")
QUESTION = Action("ask__c", "Ask a Question", "Answers a question about the document.", "model")
CONTENT = agent("content__c", "Answers questions about documents.", SUMMARY, QUESTION)


def candidates() -> list[tuple[Agent, Action]]:
    return [(CONTENT, SUMMARY), (CONTENT, QUESTION)]


def test_a_message_goes_to_the_action_whose_description_it_matches() -> None:
    choice = route_message("Please summarize this document for me", candidates())
    assert choice is not None
    assert choice.action is SUMMARY
    choice = route_message("I have a question: what is the dose?", candidates())
    assert choice is not None
    assert choice.action is QUESTION


def test_a_message_that_matches_nothing_is_not_routed() -> None:
    assert route_message("zzz qqq", candidates()) is None
    assert route_message("the and of", candidates()) is None


def test_no_candidates_means_no_route() -> None:
    assert route_message("summarize", []) is None
