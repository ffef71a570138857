"""The asyncio twin on the main flows, against the live server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from actionvault.client import (
    AsyncVault,
    ExecutionCancelled,
    ExecutionFailed,
    InvalidData,
    UsernameOrPasswordIncorrect,
    WaitTimeout,
)
from live_server import LiveServer


async def test_logs_in_lists_and_retrieves(live_server: LiveServer) -> None:
    username, password = live_server.admin
    async with AsyncVault(live_server.url, username=username, password=password) as vault:
        agents = await vault.agents.list(document_type="base_document__v")
        assert "test_agent__c" in {a.name for a in agents}
        detail = await vault.agents.retrieve("quick_check__v")
        assert "spelling_grammar__v" in [a.name for a in detail.actions]
        entries = await vault.actions.list()
        assert "helpdesk__c" in {e.agent_name for e in entries}
        action = await vault.actions.retrieve("helpdesk__c", "explain_feature__c")
        assert action.support_chat is True
        session_id = vault.session_id
    assert session_id is not None
    async with AsyncVault(live_server.url, session_id=session_id) as reused:
        assert (await reused.agents.retrieve("helpdesk__c")).label == "Helpdesk"


async def test_runs_concurrently_to_success_and_parses_json(async_vault: AsyncVault) -> None:
    spelling, echo, chat = await asyncio.gather(
        async_vault.actions.run(
            agent="quick_check__v", action="spelling_grammar__v", document_id=4, timeout=30
        ),
        async_vault.actions.run(agent="test_agent__c", action="echo__c", document_id=1, timeout=30),
        async_vault.actions.run(user_message="How does the login feature work?", timeout=30),
    )
    assert spelling.json()["errors"]
    assert "ran on document 1" in echo.text
    assert chat.agent_action == "helpdesk__c.explain_feature__c"
    assert len({spelling.id, echo.id, chat.id}) == 3


async def test_deadline_cancel_and_failure_raise_the_same_errors(
    async_vault: AsyncVault, unique: Callable[[str], str]
) -> None:
    external_id = unique("async-slow")
    with pytest.raises(WaitTimeout) as caught:
        await async_vault.actions.run(
            agent="test_agent__c",
            action="slow__c",
            document_id=1,
            external_id=external_id,
            timeout=0.3,
        )
    running = await async_vault.executions.status(external_id=external_id)
    assert running.id == caught.value.execution.id
    assert (await async_vault.executions.cancel(running)).status == "SUBMITTED"
    with pytest.raises(ExecutionCancelled):
        await async_vault.wait(running, timeout=15)
    with pytest.raises(ExecutionFailed, match=r"failed as asked"):
        await async_vault.actions.run(
            agent="test_agent__c", action="failing__c", document_id=1, timeout=30
        )
    with pytest.raises(InvalidData):
        await async_vault.agents.retrieve("nope__c")


async def test_logs_in_again_once_when_its_session_ends(live_server: LiveServer) -> None:
    username, password = live_server.admin
    async with AsyncVault(live_server.url, username=username, password=password) as vault:
        first = (await vault.login()).session_id
        async with httpx.AsyncClient() as http:
            await http.delete(
                f"{live_server.url}/api/v26.1/session", headers={"Authorization": first}
            )
        assert await vault.agents.list()
        assert vault.session_id not in (None, first)
        await vault.logout()
        assert vault.session_id is None
    async with AsyncVault(live_server.url, username="nobody@x.example", password="x") as wrong:
        with pytest.raises(UsernameOrPasswordIncorrect):
            await wrong.login()
