"""Execute, run, wait, status and cancel through the SDK, on every kind of target, against the
live server; and each refusal a caller can provoke, as its own exception."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from actionvault.client import (
    ExecutionCancelled,
    ExecutionFailed,
    InsufficientAccess,
    InvalidData,
    OperationNotAllowed,
    ParameterRequired,
    Vault,
    WaitTimeout,
)

Unique = Callable[[str], str]


def test_run_proofreads_a_document_and_json_unwraps_the_report(vault: Vault) -> None:
    execution = vault.actions.run(
        agent="quick_check__v", action="spelling_grammar__v", document_id=1, timeout=30
    )
    assert execution.succeeded
    assert execution.agent_action == "quick_check__v.spelling_grammar__v"
    assert execution.outputs[0].text.startswith("```json")
    report = execution.json()
    assert report["errors"], "the demo documents hold real errors"
    assert {"text", "suggestion", "category", "sentence"} <= set(report["errors"][0])
    assert "spelling" in {e["category"] for e in report["errors"]}


def test_execute_answers_in_progress_and_wait_finishes_it_by_id(
    vault: Vault, unique: Unique
) -> None:
    external_id = unique("echo")
    started = vault.actions.execute(
        agent="test_agent__c", action="echo__c", document_id="2", external_id=external_id
    )
    assert started.status == "IN_PROGRESS"
    assert started.id.startswith("VAB")
    assert started.external_id == external_id
    assert started.agent_action == "test_agent__c.echo__c"
    assert started.urls == (
        f"/api/v26.1/services/ai/agent_actions/status?execution_id={started.id}",
    )
    done = vault.wait(started.id, timeout=30)
    assert done.id == started.id
    assert "test_agent__c.echo__c ran on document 2" in done.text
    by_external = vault.executions.status(external_id=external_id)
    assert (by_external.id, by_external.status) == (started.id, "SUCCESS")


def test_a_document_version_is_a_target_too(vault: Vault) -> None:
    done = vault.actions.run(agent="test_agent__c", action="echo__c", document_id="1_0_1")
    assert done.text.endswith("ran on document 1 version 0.1")


def test_an_object_record_is_a_target_and_the_object_type_is_sent(vault: Vault) -> None:
    record = {"object": "product__v", "record_id": "PRD000000000001"}
    with pytest.raises(InvalidData, match=r"objecttype"):
        vault.actions.execute(
            agent="base_object_chat_agent__sys",
            action="summarize_record__sys",
            object_type="not_its_type__c",
            **record,
        )
    summary = vault.actions.run(
        agent="base_object_chat_agent__sys",
        action="summarize_record__sys",
        object_type="base__v",
        timeout=30,
        **record,
    )
    assert summary.agent_action == "base_object_chat_agent__sys.summarize_record__sys"
    assert "PRD000000000001" in summary.text


def test_a_model_action_without_a_provider_fails_saying_so(vault: Vault) -> None:
    with pytest.raises(ExecutionFailed, match=r"needs a model provider") as caught:
        vault.actions.run(agent="model_agent__c", action="draft__c", document_id=1, timeout=30)
    assert caught.value.execution.agent_action == "model_agent__c.draft__c"


def test_a_chat_message_is_routed_and_its_chat_continues(vault: Vault) -> None:
    first = vault.actions.run(user_message="How does the login feature work?", timeout=30)
    assert first.agent_action == "helpdesk__c.explain_feature__c"
    assert first.chat_id
    assert "message: How does the login feature work?" in first.text
    second = vault.actions.run(
        agent="helpdesk__c",
        action="explain_feature__c",
        user_message="And sessions?",
        chat_id=first.chat_id,
        timeout=30,
    )
    assert second.chat_id == first.chat_id
    with pytest.raises(InvalidData, match=r"chat_id"):
        vault.actions.execute(user_message="How does login work?", chat_id="no-such-chat")


def test_a_failed_action_raises_execution_failed_carrying_its_errors(vault: Vault) -> None:
    with pytest.raises(ExecutionFailed) as caught:
        vault.actions.run(agent="test_agent__c", action="failing__c", document_id=1, timeout=30)
    assert caught.value.execution.status == "FAILURE"
    assert [e.message for e in caught.value.errors] == ["The test action failed as asked."]
    assert "The test action failed as asked." in str(caught.value)
    with pytest.raises(ExecutionFailed, match=r"timed out"):
        vault.actions.run(
            agent="test_agent__c", action="quick_timeout__c", document_id=1, timeout=30
        )


def test_the_wait_deadline_covers_the_whole_wait_then_cancel_ends_it(vault: Vault) -> None:
    began = time.monotonic()
    with pytest.raises(WaitTimeout) as caught:
        vault.actions.run(agent="test_agent__c", action="slow__c", document_id=1, timeout=0.5)
    waited = time.monotonic() - began
    assert 0.5 <= waited < 3.0, "the deadline bounds the whole wait"
    running = caught.value.execution
    assert running.status == "IN_PROGRESS"
    receipt = vault.executions.cancel(running)
    assert (receipt.execution_id, receipt.status) == (running.id, "SUBMITTED")
    with pytest.raises(ExecutionCancelled) as cancelled:
        vault.executions.wait(running, timeout=15)
    assert cancelled.value.execution.status == "CANCELLED"
    with pytest.raises(OperationNotAllowed, match=r"already finished"):
        vault.executions.cancel(running.id)


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"agent": "test_agent__c", "action": "echo__c"}, ParameterRequired, r"document_id"),
        ({"document_id": 1}, ParameterRequired, r"agent_name"),
        ({"agent": "test_agent__c", "document_id": 1}, ParameterRequired, r"action_name"),
        ({"agent": "nope__c", "action": "echo__c", "document_id": 1}, InvalidData, r"nope__c"),
        ({"agent": "test_agent__c", "action": "echo__c", "document_id": 999}, InvalidData, "999"),
        (
            {"agent": "test_agent__c", "action": "retired__c", "document_id": 1},
            OperationNotAllowed,
            r"inactive",
        ),
    ],
)
def test_execute_refusals_are_typed(
    vault: Vault, fields: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        vault.actions.execute(**fields)  # type: ignore[arg-type]


def test_an_external_id_used_before_is_operation_not_allowed(vault: Vault, unique: Unique) -> None:
    external_id = unique("twice")
    target = {"agent": "test_agent__c", "action": "echo__c", "document_id": 1}
    vault.actions.execute(external_id=external_id, **target)  # type: ignore[arg-type]
    with pytest.raises(OperationNotAllowed, match=external_id):
        vault.actions.execute(external_id=external_id, **target)  # type: ignore[arg-type]


def test_a_standard_user_runs_what_they_are_granted_and_nothing_else(
    vault: Vault, writer: Vault
) -> None:
    mine = writer.actions.run(
        agent="quick_check__v", action="spelling_grammar__v", document_id=3, timeout=30
    )
    assert mine.json()["errors"]
    with pytest.raises(InsufficientAccess, match=r"test_agent__c"):
        writer.actions.execute(agent="test_agent__c", action="echo__c", document_id=1)
    admins = vault.actions.execute(agent="test_agent__c", action="echo__c", document_id=1)
    with pytest.raises(InvalidData):
        writer.executions.status(admins.id)
    with pytest.raises(InvalidData):
        writer.executions.cancel(admins.id)
    assert vault.executions.status(mine.id).succeeded, "an administrator sees every execution"
