"""Models read Vault's wire shapes, tolerate what a real Vault leaves out, and unwrap the
fenced JSON of structured actions."""

from __future__ import annotations

import pytest

from actionvault.client import Action, AgentDetail, Execution, Output
from actionvault.client.models import AgentActions


@pytest.mark.parametrize(
    "value",
    [
        '```json\n{"errors": [1, 2]}\n```',
        '  ```JSON\r\n{"errors": [1, 2]}\r\n```\n',
        '```\n{"errors": [1, 2]}\n```',
        '{"errors": [1, 2]}',
    ],
)
def test_json_unwraps_a_fence_with_or_without_its_language_and_bare_json(value: str) -> None:
    assert Output(type="text", value=value).json() == {"errors": [1, 2]}


def test_json_of_prose_says_it_is_not_json_and_shows_the_start() -> None:
    output = Output(type="text", value="The login feature checks your password.")
    with pytest.raises(ValueError, match=r"not JSON.*The login feature"):
        output.json()


def test_execution_json_is_its_first_outputs_and_text_joins_all() -> None:
    execution = Execution._from_wire(
        {
            "actionStatus": "SUCCESS",
            "executionId": "VAB000000000007",
            "agentAction": "quick_check__v.spelling_grammar__v",
            "actionOutputs": [
                {"type": "text", "value": '```json\n{"a": 1}\n```'},
                {"type": "text", "value": "second"},
            ],
        }
    )
    assert execution.json() == {"a": 1}
    assert execution.outputs[1].text == "second"
    assert execution.text.endswith("\n\nsecond")
    assert (execution.agent_name, execution.action_name) == (
        "quick_check__v",
        "spelling_grammar__v",
    )
    assert execution.done
    assert execution.succeeded


def test_an_execution_without_outputs_has_no_json() -> None:
    execution = Execution(id="VAB000000000001", status="IN_PROGRESS")
    assert not execution.done
    with pytest.raises(ValueError, match="no outputs"):
        execution.json()


def test_an_execute_answer_is_completed_with_what_the_request_said() -> None:
    execution = Execution._from_wire(
        {
            "actionStatus": "IN_PROGRESS",
            "executionId": "VAB000000000002",
            "urls": ["/api/v26.1/services/ai/agent_actions/status?execution_id=VAB000000000002"],
        },
        agent_action="test_agent__c.echo__c",
        external_id="ext-1",
    )
    assert execution.agent_action == "test_agent__c.echo__c"
    assert execution.external_id == "ext-1"
    assert execution.urls[0].endswith("execution_id=VAB000000000002")
    assert execution.to_dict()["urls"] == list(execution.urls)


def test_models_read_vaults_renamed_keys_and_tolerate_missing_ones() -> None:
    detail = AgentDetail._from_wire(
        {"name": "a__c", "label": "A", "status": "true", "objectType": "t__c", "actions": [{}]}
    )
    assert detail.active is True
    assert detail.object_type == "t__c"
    assert detail.agent_class is None
    assert detail.actions == (Action(name="", label="", agent_name="a__c"),)
    entry = AgentActions._from_wire({"agentName": "a__c", "agentLabel": "A", "actions": None})
    assert (entry.agent_name, entry.agent_label, entry.actions) == ("a__c", "A", ())
    action = Action._from_wire({"name": "x__c", "supportChat": False, "toolEvaluation": "AUTO"})
    assert action.support_chat is False
    assert action.tool_evaluation == "AUTO"
