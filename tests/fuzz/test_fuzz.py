"""Schemathesis fuzzes a real server process from its own OpenAPI description.

For every operation, with no session, a writer's and an administrator's: every answer of a
Vault path is a Vault envelope, none is an HTTP 5xx, and every request is answered within a
deadline (no crash, no hang). Positive and negative data (values outside the schema) both.
The run is bounded: `EXAMPLES` cases per operation, mode and caller.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from live_server import server_process

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("ACTIONVAULT_FUZZ_EXAMPLES", "12"))
ENVELOPE_STATUSES = {"SUCCESS", "WARNING", "FAILURE", "EXCEPTION"}
#: What a Vault path may answer instead of an envelope: a file download (documents, audit CSV).
FILES = ("application/octet-stream", "text/csv", "text/plain", "application/pdf")
CALLERS = {
    "anonymous": None,
    "writer": ("writer@actionvault.demo", "actionvault-writer"),
    "administrator": ("admin@actionvault.demo", "actionvault-demo"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("fuzz")
    env = {
        "ACTIONVAULT_AUTH_BURST_LIMIT": "1000000",
        "ACTIONVAULT_BURST_LIMIT": "1000000",
        "ACTIONVAULT_LOCKOUT_THRESHOLD": "1000000",
        "ACTIONVAULT_WORKERS": "2",
        "ACTIONVAULT_DATABASE_URL": f"sqlite:///{data / 'fuzz.db'}",
        "ACTIONVAULT_LOG_LEVEL": "error",
    }
    with server_process(data, "demo", **env) as (base, _):
        yield base


class Session:
    """A caller's session, logged in again whenever the fuzzer ended it (logout)."""

    def __init__(self, base: str, who: tuple[str, str] | None) -> None:
        self.base = base
        self.who = who
        self.headers: dict[str, str] = {}
        self.login()

    def login(self) -> None:
        if self.who is None:
            return
        body = httpx.post(
            f"{self.base}/api/v26.1/auth",
            data={"username": self.who[0], "password": self.who[1]},
            timeout=10,
        ).json()
        assert body["responseStatus"] == "SUCCESS", body
        self.headers = {"Authorization": body["sessionId"]}


def check_answer(case: Any, response: Any) -> None:
    where = f"{case.method} {case.formatted_path}"
    assert response.status_code < 500, f"{where}: HTTP {response.status_code}\n{response.text}"
    path: str = case.formatted_path
    headers = {name.lower(): value for name, value in response.headers.items()}
    content_type = headers.get("content-type", "")
    if isinstance(content_type, list):
        content_type = content_type[0] if content_type else ""
    if path.startswith("/health") or path == "/metrics" or path.endswith("/openapi.json"):
        return
    if path == "/api/ai/mcp":
        # The MCP endpoint speaks JSON-RPC over HTTP statuses, as the transport defines.
        if content_type.startswith("application/json") and response.text:
            body = response.json()
            messages = body if isinstance(body, list) else [body]
            assert all(m.get("jsonrpc") == "2.0" for m in messages), f"{where}: {body!r}"
        return
    assert response.status_code == 200, f"{where}: HTTP {response.status_code}"
    if content_type.startswith(FILES):
        return
    if "xml" in content_type:
        assert "<responseStatus>" in response.text, f"{where}: not an envelope\n{response.text}"
        return
    assert content_type.startswith("application/json"), f"{where}: {content_type}"
    body = response.json()
    assert isinstance(body, dict), f"{where}: {body!r}"
    assert body.get("responseStatus") in ENVELOPE_STATUSES, f"{where}: {body!r}"
    if body["responseStatus"] != "SUCCESS":
        errors = body.get("errors")
        assert isinstance(errors, list), f"{where}: {body!r}"
        assert errors, f"{where}: no errors in {body!r}"
        assert all({"type", "message"} <= set(error) for error in errors), f"{where}: {body!r}"


def check_stream(base: str, case: Any, headers: dict[str, str]) -> None:
    """An event stream never ends by itself: its first line is enough, unless it was refused,
    in which case its answer is an envelope like any other."""
    with (
        httpx.Client(base_url=base, timeout=15) as client,
        client.stream("GET", case.formatted_path, params=case.query, headers=headers) as response,
    ):
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            assert response.status_code == 200
            assert next(response.iter_lines()).startswith("retry:")
            return
        response.read()
        check_answer(case, response)


@pytest.mark.parametrize("caller", list(CALLERS))
def test_every_answer_is_an_envelope_and_none_is_a_server_error(server: str, caller: str) -> None:
    schema = schemathesis.openapi.from_url(f"{server}/api/v26.1/ext/openapi.json")
    session = Session(server, CALLERS[caller])
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    strategy = st.one_of(
        [operation.as_strategy(generation_mode=mode) for operation in operations for mode in modes]
    )

    @settings(
        max_examples=EXAMPLES * len(operations) * len(modes),
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def fuzz(case: Any) -> None:
        headers = dict(case.headers or {})
        headers.pop("Authorization", None)
        headers.update(session.headers)
        if case.method == "GET" and case.formatted_path.endswith("/events"):
            check_stream(server, case, headers)
            return
        response = case.call(base_url=server, headers=headers, timeout=15)
        check_answer(case, response)
        if case.formatted_path.endswith("/session") and case.method == "DELETE":
            session.login()  # the fuzzer logged this caller out

    fuzz()


def test_the_server_still_answers_after_the_fuzzing(server: str) -> None:
    assert httpx.get(f"{server}/health/live", timeout=5).status_code == 200
