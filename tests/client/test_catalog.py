"""Agents and actions, listed and retrieved through the SDK from the live server."""

from __future__ import annotations

import pytest

from actionvault.client import InvalidData, Vault


def test_agents_list_all_and_filter_by_document_type_and_object(vault: Vault) -> None:
    everything = {a.name: a for a in vault.agents.list()}
    assert {"quick_check__v", "test_agent__c", "helpdesk__c"} <= set(everything)
    assert everything["test_agent__c"].label == "Test Agent"
    assert everything["test_agent__c"].url == "/api/v26.1/services/ai/agents/test_agent__c"
    documents = {a.name for a in vault.agents.list(document_type="base_document__v")}
    assert "test_agent__c" in documents
    assert "helpdesk__c" not in documents
    studies = {a.name for a in vault.agents.list(object="study__c")}
    assert "study_agent__c" in studies
    assert "test_agent__c" not in studies
    assert [a.name for a in vault.agents.list(agent_name="helpdesk__c")] == ["helpdesk__c"]


def test_agents_available_to_a_user_are_the_ones_they_may_run(vault: Vault) -> None:
    names = {a.name for a in vault.agents.list(available_by_user_name="writer@actionvault.demo")}
    assert "quick_check__v" in names
    assert "test_agent__c" not in names


def test_an_agent_is_retrieved_with_its_scope_and_actions(vault: Vault) -> None:
    agent = vault.agents.retrieve("test_agent__c")
    assert agent.active is True
    assert agent.document_type == "base_document__v"
    assert agent.agent_class == "com.example.TestAgent"
    assert agent.source == "custom"
    names = [a.name for a in agent.actions]
    assert names[:2] == ["echo__c", "slow__c"]
    assert {a.agent_name for a in agent.actions} == {"test_agent__c"}
    study = vault.agents.retrieve("study_agent__c")
    assert (study.object, study.object_type) == ("study__c", "interventional__c")


def test_an_unknown_agent_is_invalid_data_with_vaults_request_id(vault: Vault) -> None:
    with pytest.raises(InvalidData, match=r"nope__c") as caught:
        vault.agents.retrieve("nope__c")
    assert caught.value.type == "INVALID_DATA"
    assert caught.value.request_id


def test_all_agent_actions_list_every_agent_with_described_actions(vault: Vault) -> None:
    entries = {e.agent_name: e for e in vault.actions.list()}
    test_agent = entries["test_agent__c"]
    assert test_agent.agent_label == "Test Agent"
    echo = next(a for a in test_agent.actions if a.name == "echo__c")
    assert echo.description == "Answers at once with what it ran on."
    assert echo.url == "/api/v26.1/services/ai/agent_actions/actions/execute"


def test_an_action_is_retrieved_with_its_flags(vault: Vault) -> None:
    spelling = vault.actions.retrieve("quick_check__v", "spelling_grammar__v")
    assert (spelling.name, spelling.active, spelling.support_chat) == (
        "spelling_grammar__v",
        True,
        False,
    )
    assert spelling.tool_evaluation == "AUTO"
    assert spelling.agent_name == "quick_check__v"
    assert vault.actions.retrieve("test_agent__c", "retired__c").active is False
    assert vault.actions.retrieve("helpdesk__c", "explain_feature__c").support_chat is True
    with pytest.raises(InvalidData):
        vault.actions.retrieve("test_agent__c", "nope__c")
