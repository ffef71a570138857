"""The SDK's public names, its sync/async symmetry, its error tree, and its independence from
the server's dependencies."""

from __future__ import annotations

import asyncio
import inspect
import json
import subprocess
import sys
import types

import pytest

import actionvault.client
from actionvault.client import AsyncVault, Vault, errors
from actionvault.client.resources import (
    Actions,
    Agents,
    AsyncActions,
    AsyncAgents,
    AsyncExecutions,
    Executions,
)
from actionvault.client.streams import AsyncEvents, Events
from actionvault.client.webhooks import AsyncWebhooks, Webhooks

EXPORTED = [
    "DEFAULT_API_VERSION",
    "Action",
    "Agent",
    "AgentActions",
    "AgentDetail",
    "ApiLimitExceeded",
    "AsyncVault",
    "AuthenticationFailed",
    "CancelReceipt",
    "ClientError",
    "ConnectionFailed",
    "DeliveryAttempt",
    "ErrorDetail",
    "Execution",
    "ExecutionCancelled",
    "ExecutionError",
    "ExecutionEvent",
    "ExecutionFailed",
    "InactiveUser",
    "InsufficientAccess",
    "InvalidData",
    "InvalidResponse",
    "InvalidSessionId",
    "MalformedUrl",
    "MethodNotSupported",
    "NoPasswordProvided",
    "OperationNotAllowed",
    "Output",
    "ParameterRequired",
    "RequestTimeout",
    "RetryPolicy",
    "Session",
    "TransportError",
    "UnexpectedError",
    "UserLockedOut",
    "UsernameOrPasswordIncorrect",
    "Vault",
    "VaultError",
    "WaitTimeout",
    "Webhook",
    "WebhookDelivery",
    "WebhookVerificationError",
    "verify_webhook",
]


def test_all_is_sorted_and_lists_exactly_the_public_names() -> None:
    assert actionvault.client.__all__ == EXPORTED
    # The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions, each by name.
    assert sorted(EXPORTED, key=lambda n: (not n.isupper(), not n[0].isupper(), n)) == EXPORTED
    public = {
        name
        for name, value in vars(actionvault.client).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(EXPORTED)


def _surface(cls: type) -> dict[str, list[tuple[str, object, object]]]:
    found = {}
    for name, member in vars(cls).items():
        if name.startswith("_") or not inspect.isfunction(member):
            continue
        params = inspect.signature(member).parameters.values()
        found[name] = [(p.name, p.kind, p.default) for p in params]
    return found


@pytest.mark.parametrize(
    ("sync", "asynchronous"),
    [
        (Vault, AsyncVault),
        (Agents, AsyncAgents),
        (Actions, AsyncActions),
        (Executions, AsyncExecutions),
        (Webhooks, AsyncWebhooks),
    ],
)
def test_the_async_twin_has_the_same_verbs_with_the_same_parameters(
    sync: type, asynchronous: type
) -> None:
    assert _surface(sync) == _surface(asynchronous)
    assert _surface(sync), "a surface of nothing compares equal to anything"
    for name in _surface(asynchronous):
        assert inspect.iscoroutinefunction(getattr(asynchronous, name)), name
        sync_hints = inspect.signature(getattr(sync, name)).return_annotation
        async_hints = inspect.signature(getattr(asynchronous, name)).return_annotation
        assert sync_hints == async_hints, name


def test_the_async_event_stream_takes_the_same_parameters_and_iterates_asynchronously() -> None:
    assert _surface(Events) == _surface(AsyncEvents)
    sync_hint = inspect.signature(Events.stream).return_annotation
    async_hint = inspect.signature(AsyncEvents.stream).return_annotation
    assert (sync_hint, async_hint) == ("Iterator[ExecutionEvent]", "AsyncIterator[ExecutionEvent]")


@pytest.mark.parametrize("cls", [Vault, AsyncVault])
def test_a_client_shows_only_its_resources_verbs_and_settings(cls: type) -> None:
    client = cls("http://vault.test", session_id="S")
    public = {name for name in dir(client) if not name.startswith("_")}
    closed = client.close()
    if inspect.isawaitable(closed):
        asyncio.run(closed)
    assert public == {
        "actions",
        "agents",
        "api_version",
        "base_url",
        "client_id",
        "close",
        "events",
        "executions",
        "login",
        "logout",
        "retry",
        "session_id",
        "timeout",
        "wait",
        "webhooks",
    }


def test_both_clients_take_the_same_constructor_arguments() -> None:
    def arguments(cls: type) -> list[tuple[str, object]]:
        return [(p.name, p.default) for p in inspect.signature(cls).parameters.values()]

    assert arguments(Vault) == arguments(AsyncVault)


def _error_classes() -> list[type[errors.ClientError]]:
    return [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, errors.ClientError)
    ]


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda cls: cls.__name__)
def test_every_error_class_is_drawn_in_the_tree_and_exported(cls: type) -> None:
    assert errors.__doc__ is not None
    assert f"── {cls.__name__} " in errors.__doc__ or f"{cls.__name__}\n" in errors.__doc__
    assert cls.__name__ in actionvault.client.__all__


@pytest.mark.parametrize(
    "cls",
    [c for c in _error_classes() if issubclass(c, errors.VaultError) and c.vault_type],
    ids=lambda cls: cls.__name__,
)
def test_each_vault_error_type_maps_to_its_class(cls: type[errors.VaultError]) -> None:
    assert cls.vault_type is not None
    assert errors.error_class(cls.vault_type, response_status="FAILURE") is cls
    assert f"{cls.vault_type}" in (errors.__doc__ or "")


BLOCKED = [
    "starlette",
    "uvicorn",
    "pydantic",
    "pydantic_settings",
    "orjson",
    "argon2",
    "spellchecker",
    "yaml",
    "psycopg",
]

ISOLATED_SCRIPT = """
import json, sys

BLOCKED = set(json.loads(sys.argv[1]))

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ImportError(f"{name} is blocked: the SDK must not need it")
        return None

sys.meta_path.insert(0, Block())

import httpx
from actionvault.client import Vault

def handler(request):
    if request.url.path.endswith("/execute"):
        body = {"actionStatus": "IN_PROGRESS", "executionId": "VAB000000000001"}
    else:
        value = "```json\\n{\\"errors\\": []}\\n```"
        body = {"actionStatus": "SUCCESS", "executionId": "VAB000000000001",
                "actionOutputs": [{"type": "text", "value": value}]}
    return httpx.Response(200, json={"responseStatus": "SUCCESS", "actionResponse": body})

http = httpx.Client(transport=httpx.MockTransport(handler))
with Vault("http://vault.test", session_id="S", http_client=http) as vault:
    report = vault.actions.run(agent="a__c", action="b__c", document_id=1).json()
http.close()
loaded = sorted(m for m in sys.modules if m.startswith("actionvault"))
blocked = sorted(m for m in sys.modules if m.partition(".")[0] in BLOCKED)
print(json.dumps({"report": report, "loaded": loaded, "blocked": blocked}))
"""


def test_the_sdk_imports_and_runs_without_any_server_dependency() -> None:
    done = subprocess.run(
        [sys.executable, "-c", ISOLATED_SCRIPT, json.dumps(BLOCKED)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["report"] == {"errors": []}
    assert result["blocked"] == []
    outside = [
        m for m in result["loaded"] if m != "actionvault" and not m.startswith("actionvault.client")
    ]
    assert outside == [], "the SDK must import no other actionvault module"
