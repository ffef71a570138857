"""Retry, re-login and polling rules, on httpx.MockTransport: failures a live server will not
produce on demand (503, 429 with Retry-After, a lost execute answer, a dropped connection)."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from actionvault.client import (
    AsyncVault,
    ConnectionFailed,
    Execution,
    InvalidResponse,
    InvalidSessionId,
    OperationNotAllowed,
    RequestTimeout,
    RetryPolicy,
    UnexpectedError,
    Vault,
    VaultError,
    _flows,
)
from actionvault.client._base import Sleep
from actionvault.client.errors import AuthenticationFailed

FAST = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.002)
Handler = Callable[[httpx.Request], httpx.Response]


def envelope(
    status: int = 200, headers: dict[str, str] | None = None, **body: Any
) -> httpx.Response:
    return httpx.Response(status, json={"responseStatus": "SUCCESS", **body}, headers=headers or {})


def refusal(vault_type: str, message: str = "no", **extra: Any) -> httpx.Response:
    body = {"responseStatus": "FAILURE", "errors": [{"type": vault_type, "message": message}]}
    return httpx.Response(
        200, json={**body, **extra}, headers={"X-VaultAPI-ExecutionId": "req-123"}
    )


def agents_answer() -> httpx.Response:
    return envelope(agents=[{"name": "a__c", "label": "A", "url": "/x"}])


class Script:
    """Answers requests from a list, in order, and records what was asked."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.times.append(time.monotonic())
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def calls(self) -> list[str]:
        return [f"{r.method} {r.url.path.removeprefix('/api/v26.1')}" for r in self.requests]


@pytest.fixture
def mock_vault() -> Iterator[Callable[..., Vault]]:
    clients: list[httpx.Client] = []

    def make(handler: Handler, **options: Any) -> Vault:
        http = httpx.Client(transport=httpx.MockTransport(handler))
        clients.append(http)
        options.setdefault("session_id", "SESSION")
        options.setdefault("retry", FAST)
        return Vault("http://vault.test", http_client=http, **options)

    yield make
    for http in clients:
        http.close()


def test_a_get_is_retried_after_503_and_429_and_then_succeeds(
    mock_vault: Callable[..., Vault],
) -> None:
    script = Script(httpx.Response(503), httpx.Response(429), agents_answer())
    assert [a.name for a in mock_vault(script).agents.list()] == ["a__c"]
    assert script.calls == ["GET /services/ai/agents"] * 3


def test_retry_after_from_the_server_sets_the_pause(mock_vault: Callable[..., Vault]) -> None:
    script = Script(httpx.Response(429, headers={"retry-after-ms": "300"}), agents_answer())
    mock_vault(script).agents.list()
    assert 0.3 <= script.times[1] - script.times[0] < 2.0


def test_a_retry_after_longer_than_the_policy_allows_ends_the_retries(
    mock_vault: Callable[..., Vault],
) -> None:
    script = Script(httpx.Response(429, headers={"Retry-After": "3600"}, text="slow down"))
    with pytest.raises(InvalidResponse) as caught:
        mock_vault(script).agents.list()
    assert caught.value.status_code == 429
    assert len(script.requests) == 1


def test_backoff_doubles_up_to_the_cap_and_jitter_only_shortens_it() -> None:
    policy = RetryPolicy(max_retries=6, initial_delay=0.5, max_delay=4.0)
    for retry, full in enumerate([0.5, 1.0, 2.0, 4.0, 4.0, 4.0]):
        delays = {policy.delay(retry) for _ in range(50)}
        assert all(d is not None and 0.75 * full <= d <= full for d in delays), (retry, delays)
        assert len(delays) > 1, "jitter spreads clients apart"
    assert policy.delay(6) is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after-ms": "1500", "Retry-After": "9"}, 1.5),
    ],
)
def test_retry_after_is_read_as_seconds_or_milliseconds(
    headers: dict[str, str], expected: float
) -> None:
    delay = RetryPolicy().delay(0, httpx.Headers(headers))
    assert delay == pytest.approx(expected, abs=1.5)


def test_retry_after_may_be_an_http_date() -> None:
    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    delay = RetryPolicy().delay(0, httpx.Headers({"Retry-After": when}))
    assert delay == pytest.approx(20.0, abs=1.5)


def test_an_execute_without_external_id_is_never_retried(mock_vault: Callable[..., Vault]) -> None:
    script = Script(httpx.Response(503, text="<html>busy</html>"))
    with pytest.raises(InvalidResponse) as caught:
        mock_vault(script).actions.execute(agent="a__c", action="b__c", document_id=1)
    assert caught.value.status_code == 503
    assert script.calls == ["POST /services/ai/agent_actions/actions/execute"]


def test_a_retried_execute_refused_as_duplicate_returns_the_execution_it_started(
    mock_vault: Callable[..., Vault],
) -> None:
    started = {"actionStatus": "IN_PROGRESS", "executionId": "VAB000000000042"}
    script = Script(
        httpx.ReadTimeout("the answer was lost"),
        refusal("OPERATION_NOT_ALLOWED", "External ID [job-1] is already used"),
        envelope(actionResponse={**started, "externalId": "job-1", "agentAction": "a__c.b__c"}),
    )
    execution = mock_vault(script).actions.execute(
        agent="a__c", action="b__c", document_id=1, external_id="job-1"
    )
    assert execution.id == "VAB000000000042"
    assert execution.external_id == "job-1"
    assert script.calls == [
        "POST /services/ai/agent_actions/actions/execute",
        "POST /services/ai/agent_actions/actions/execute",
        "GET /services/ai/agent_actions/status",
    ]
    assert script.requests[2].url.params["external_id"] == "job-1"


def test_a_retried_duplicate_that_is_not_ours_after_all_stays_a_refusal(
    mock_vault: Callable[..., Vault],
) -> None:
    script = Script(
        httpx.Response(502),
        refusal("OPERATION_NOT_ALLOWED", "External ID [job-3] is already used"),
        refusal("INVALID_DATA", "no such execution"),
    )
    with pytest.raises(OperationNotAllowed, match=r"job-3"):
        mock_vault(script).actions.execute(agent="a__c", action="b__c", external_id="job-3")
    assert len(script.requests) == 3


def test_a_duplicate_external_id_on_the_first_attempt_is_the_callers_error(
    mock_vault: Callable[..., Vault],
) -> None:
    script = Script(refusal("OPERATION_NOT_ALLOWED", "External ID [job-2] is already used"))
    with pytest.raises(OperationNotAllowed, match=r"job-2") as caught:
        mock_vault(script).actions.execute(agent="a__c", action="b__c", external_id="job-2")
    assert caught.value.request_id == "req-123"
    assert len(script.requests) == 1


def test_connection_errors_are_retried_then_raised_as_connection_failed(
    mock_vault: Callable[..., Vault],
) -> None:
    refused = httpx.ConnectError("[Errno 111] Connection refused")
    script = Script(refused, refused, refused)
    with pytest.raises(ConnectionFailed, match="Connection refused") as caught:
        mock_vault(script).executions.status("VAB000000000001")
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert len(script.requests) == 3
    assert "start the server" in str(caught.value)
    assert "actionvault demo" in str(caught.value)


def test_a_timeout_is_a_request_timeout(mock_vault: Callable[..., Vault]) -> None:
    script = Script(httpx.ReadTimeout("slow"))
    with pytest.raises(RequestTimeout):
        mock_vault(script, retry=RetryPolicy(max_retries=0)).agents.list()


def test_an_answer_that_is_not_json_is_invalid_and_not_retried(
    mock_vault: Callable[..., Vault],
) -> None:
    script = Script(httpx.Response(200, text="<html>login page of a proxy</html>"))
    with pytest.raises(InvalidResponse, match="login page of a proxy") as caught:
        mock_vault(script).agents.list()
    assert caught.value.status_code == 200
    assert len(script.requests) == 1


def test_a_5xx_with_a_vault_envelope_surfaces_vaults_error_once_retries_are_spent(
    mock_vault: Callable[..., Vault],
) -> None:
    crash = {"responseStatus": "EXCEPTION", "errors": [{"type": "X_NEW", "message": "boom"}]}
    script = Script(*[httpx.Response(500, json=crash)] * 3)
    with pytest.raises(UnexpectedError, match="X_NEW: boom") as caught:
        mock_vault(script).agents.list()
    assert caught.value.response_status == "EXCEPTION"


def test_an_unknown_error_type_is_a_plain_vault_error_keeping_its_type(
    mock_vault: Callable[..., Vault],
) -> None:
    script = Script(refusal("RACE_CONDITION", "try again"))
    with pytest.raises(VaultError) as caught:
        mock_vault(script).agents.list()
    assert type(caught.value) is VaultError
    assert (caught.value.type, caught.value.message) == ("RACE_CONDITION", "try again")
    assert str(caught.value) == "RACE_CONDITION: try again"


def test_an_unknown_login_refusal_is_still_an_authentication_failure(
    mock_vault: Callable[..., Vault],
) -> None:
    script = Script(
        refusal("PASSWORD_CHANGE_REQUIRED", "change it", errorType="AUTHENTICATION_FAILED")
    )
    vault = mock_vault(script, session_id=None, username="u", password="p")
    with pytest.raises(AuthenticationFailed) as caught:
        vault.login()
    assert caught.value.error_type == "AUTHENTICATION_FAILED"


def test_re_login_happens_once_per_call_and_then_the_error_stands(
    mock_vault: Callable[..., Vault],
) -> None:
    def login() -> httpx.Response:
        return envelope(sessionId="NEW", userId=1, vaultId=1000)

    script = Script(
        refusal("INVALID_SESSION_ID"), login(), refusal("INVALID_SESSION_ID"), agents_answer()
    )
    vault = mock_vault(script, username="u", password="p")
    with pytest.raises(InvalidSessionId):
        vault.agents.list()
    assert script.calls == ["GET /services/ai/agents", "POST /auth", "GET /services/ai/agents"]
    assert script.requests[0].headers["Authorization"] == "SESSION"
    assert script.requests[2].headers["Authorization"] == "NEW"
    assert vault.agents.list()[0].name == "a__c"


def test_a_session_only_client_cannot_log_in_again(mock_vault: Callable[..., Vault]) -> None:
    script = Script(refusal("INVALID_SESSION_ID", "Invalid or expired session ID."))
    with pytest.raises(InvalidSessionId, match="expired"):
        mock_vault(script).agents.list()
    assert len(script.requests) == 1


def drive(flow: Any, answer: Callable[[httpx.Request], httpx.Response]) -> tuple[Any, list[float]]:
    """Run a flow by hand: its pauses are recorded instead of slept."""
    pauses: list[float] = []
    reply: Any = None
    while True:
        try:
            step = flow.send(reply)
        except StopIteration as stop:
            return stop.value, pauses
        if isinstance(step, Sleep):
            pauses.append(step.seconds)
            reply = None
        else:
            reply = answer(step.request)
            reply.request = step.request


def test_polls_start_quick_and_back_off_to_the_poll_interval() -> None:
    polls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/events"):
            return httpx.Response(404, text="Not Found")  # a Vault: no event streams
        polls.append(request)
        status = "SUCCESS" if len(polls) == 6 else "IN_PROGRESS"
        return envelope(actionResponse={"actionStatus": status, "executionId": "VAB000000000009"})

    with Vault("http://vault.test", session_id="S") as vault:
        started = Execution(id="VAB000000000009", status="IN_PROGRESS")
        flow = _flows.wait(vault, started, timeout=60, poll_interval=0.4)
        done, pauses = drive(flow, answer)
    assert done.status == "SUCCESS"
    assert pauses == [0.05, 0.1, 0.2, 0.4, 0.4, 0.4]
    assert all(p.url.params["execution_id"] == "VAB000000000009" for p in polls)


async def test_the_async_client_retries_and_parses_the_same_way() -> None:
    script = Script(httpx.Response(503), agents_answer())
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(script)) as http,
        AsyncVault("http://vault.test", session_id="S", http_client=http, retry=FAST) as vault,
    ):
        agents = await vault.agents.list(document_type="base_document__v")
    assert [a.name for a in agents] == ["a__c"]
    assert script.requests[1].url.params["document_type"] == "base_document__v"
    assert len(script.requests) == 2
