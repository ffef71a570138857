"""The audit trail: logins, executions and permission changes, for administrators only."""

from __future__ import annotations

import csv
import io

import pytest

from support import ADMIN, ALICE, App, run_sql

AUDIT = "/api/v26.1/ext/audit"


async def test_logins_executions_and_permission_changes_are_audited(app: App) -> None:
    await app.client.post("/api/v26.1/auth", data={"username": ALICE[0], "password": "bad"})
    alice = await app.login(ALICE)
    started = await app.execute(
        {**alice, "X-VaultAPI-ClientID": "my-tool"},
        agent_name="test_agent__c",
        action_name="echo__c",
        document_id=str(app.seed.doc_a),
    )
    execution_id = started["actionResponse"]["executionId"]
    await app.wait(alice, execution_id)
    await app.runtime.services.users.assign_permission_set(None, app.seed.bob_id, "test_runner__c")
    admin = await app.login(ADMIN)
    events = (await app.client.get(AUDIT, headers=admin)).json()["events"]
    kinds = [(e["kind"], e["outcome"]) for e in events]
    assert ("login", "failure") in kinds
    assert ("login", "success") in kinds
    requested = next(e for e in events if e["kind"] == "execution_requested")
    assert requested["subject"] == execution_id
    assert requested["userId"] == app.seed.alice_id
    assert requested["clientId"] == "my-tool"
    assert requested["detail"]["action"] == "test_agent__c.echo__c"
    assert requested["detail"]["target"] == f"document {app.seed.doc_a} version 0.2"
    finished = next(e for e in events if e["kind"] == "execution_finished")
    assert (finished["subject"], finished["outcome"]) == (execution_id, "SUCCESS")
    assert any(e["kind"] == "permission_change" for e in events)
    failure = next(e for e in events if e["kind"] == "login" and e["outcome"] == "failure")
    assert failure["detail"]["reason"] == "USERNAME_OR_PASSWORD_INCORRECT"


async def test_the_trail_filters_and_exports_as_csv(app: App) -> None:
    admin = await app.login(ADMIN)
    logins = (await app.client.get(AUDIT, params={"kind": "login"}, headers=admin)).json()
    assert {e["kind"] for e in logins["events"]} == {"login"}
    response = await app.client.get(AUDIT, params={"format": "csv"}, headers=admin)
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows
    assert rows[0]["kind"] == "login"


async def test_only_administrators_read_the_trail(app: App) -> None:
    alice = await app.login(ALICE)
    body = (await app.client.get(AUDIT, headers=alice)).json()
    assert body["errors"][0]["type"] == "INSUFFICIENT_ACCESS"


async def test_audit_events_cannot_be_changed_or_deleted(app: App) -> None:
    await app.login(ALICE)
    with pytest.raises(Exception, match="append-only"):
        await run_sql(app, "UPDATE audit_events SET outcome = 'forged'")
    with pytest.raises(Exception, match="append-only"):
        await run_sql(app, "DELETE FROM audit_events")


async def test_a_message_no_action_answers_is_audited_as_requested_and_finished(
    app: App,
) -> None:
    alice = await app.login(ALICE)
    body = await app.execute(alice, user_message="zzz qqq")
    execution_id = body["actionResponse"]["executionId"]
    admin = await app.login(ADMIN)
    events = (await app.client.get(AUDIT, headers=admin)).json()["events"]
    mine = [(e["kind"], e["outcome"]) for e in events if e["subject"] == execution_id]
    assert mine == [("execution_requested", "success"), ("execution_finished", "FAILURE")]
