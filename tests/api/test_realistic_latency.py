"""Realistic-latency mode: the standard actions take seconds, as Vault's do, and cancel ends
them in that time; off by default; `actionvault demo --realistic-latency` turns it on."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from click.testing import CliRunner

from actionvault.cli import main
from actionvault.settings import Settings
from support import ALICE, App


async def _poll_until_done(app: App, headers: dict[str, str], execution_id: str) -> str:
    while True:
        body = await app.status(headers, execution_id=execution_id)
        state: str = body["actionResponse"]["actionStatus"]
        if state != "IN_PROGRESS":
            return state
        await asyncio.sleep(0.05)


async def test_a_standard_action_takes_its_time_and_cancel_interrupts_it(
    app_factory: Callable[..., Awaitable[App]],
) -> None:
    app = await app_factory(realistic_latency="3-4")
    headers = await app.login(ALICE)
    started = time.monotonic()
    body = await app.execute(
        headers,
        agent_name="quick_check__v",
        action_name="spelling_grammar__v",
        document_id=str(app.seed.doc_a),
    )
    execution_id = body["actionResponse"]["executionId"]
    await asyncio.sleep(1.0)  # as VAPIL's own test does: cancel a second after executing
    status = await app.status(headers, execution_id=execution_id)
    assert status["actionResponse"]["actionStatus"] == "IN_PROGRESS"
    assert (await app.cancel(headers, execution_id))["responseStatus"] == "SUCCESS"
    assert await _poll_until_done(app, headers, execution_id) == "CANCELLED"
    assert time.monotonic() - started < 3.0

    # Left alone, it succeeds after the least time of the range.
    started = time.monotonic()
    body = await app.execute(
        headers,
        agent_name="quick_check__v",
        action_name="spelling_grammar__v",
        document_id=str(app.seed.doc_a),
    )
    state = await _poll_until_done(app, headers, body["actionResponse"]["executionId"])
    assert state == "SUCCESS"
    assert time.monotonic() - started >= 3.0


async def test_off_by_default_and_custom_actions_are_not_slowed(
    app_factory: Callable[..., Awaitable[App]],
) -> None:
    for overrides in ({}, {"realistic_latency": "30"}):
        app = await app_factory(**overrides)
        headers = await app.login(ALICE)
        agent = "quick_check__v" if not overrides else "test_agent__c"
        action = "spelling_grammar__v" if not overrides else "echo__c"
        started = time.monotonic()
        body = await app.execute(
            headers, agent_name=agent, action_name=action, document_id=str(app.seed.doc_a)
        )
        state = await _poll_until_done(app, headers, body["actionResponse"]["executionId"])
        assert state == "SUCCESS"
        assert time.monotonic() - started < 10.0


@pytest.mark.parametrize("bad", ["fast", "8-2", "-1", "1-99999"])
def test_a_latency_that_is_not_a_range_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="realistic_latency"):
        Settings(realistic_latency=bad)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], None),
        (["--realistic-latency"], (2.0, 8.0)),
        (["--realistic-latency", "5-6"], (5.0, 6.0)),
    ],
)
def test_demo_flag_turns_the_mode_on(
    monkeypatch: pytest.MonkeyPatch, args: list[str], expected: Any
) -> None:
    monkeypatch.delenv("ACTIONVAULT_REALISTIC_LATENCY", raising=False)
    seen: list[Settings] = []
    monkeypatch.setattr("actionvault.cli.server.run_server", seen.append)
    result = CliRunner().invoke(main, ["demo", *args, "--port", "8799"])
    assert result.exit_code == 0, result.output
    assert seen[0].latency_range == expected
    assert ("latency:" in result.output) is (expected is not None)
