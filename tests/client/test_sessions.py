"""Logging in, both ways, and what happens when a session ends behind the client's back."""

from __future__ import annotations

import httpx
import pytest

from actionvault.client import (
    InvalidSessionId,
    MalformedUrl,
    MethodNotSupported,
    NoPasswordProvided,
    UsernameOrPasswordIncorrect,
    Vault,
)
from live_server import LiveServer


def end_session_behind_the_clients_back(server: LiveServer, session_id: str) -> None:
    answer = httpx.delete(
        f"{server.url}/api/v26.1/session", headers={"Authorization": session_id}
    ).json()
    assert answer["responseStatus"] == "SUCCESS", answer


def test_credentials_log_in_on_first_use(live_server: LiveServer) -> None:
    username, password = live_server.admin
    with Vault(live_server.url, username=username, password=password) as vault:
        assert vault.session_id is None, "no I/O before the first call"
        assert vault.agents.list()
        assert vault.session_id is not None


def test_an_existing_session_id_is_used_as_is(vault: Vault, live_server: LiveServer) -> None:
    session = vault.login()
    assert session.user_id is not None
    assert session.vault_id is not None
    with Vault(live_server.url + "/api/", session_id=session.session_id) as reused:
        assert "test_agent__c" in [a.name for a in reused.agents.list()]
        assert reused.session_id == session.session_id


def test_an_ended_session_is_replaced_by_one_new_login(
    vault: Vault, live_server: LiveServer
) -> None:
    first = vault.login().session_id
    end_session_behind_the_clients_back(live_server, first)
    assert vault.agents.retrieve("test_agent__c").name == "test_agent__c"
    assert vault.session_id not in (None, first)


def test_a_session_only_client_reports_its_ended_session(
    vault: Vault, live_server: LiveServer
) -> None:
    session_id = vault.login().session_id
    end_session_behind_the_clients_back(live_server, session_id)
    with (
        Vault(live_server.url, session_id=session_id) as stale,
        pytest.raises(InvalidSessionId) as caught,
    ):
        stale.agents.list()
    assert caught.value.request_id


def test_logout_ends_the_session_on_the_server(vault: Vault, live_server: LiveServer) -> None:
    session_id = vault.login().session_id
    vault.logout()
    assert vault.session_id is None
    with Vault(live_server.url, session_id=session_id) as stale, pytest.raises(InvalidSessionId):
        stale.agents.list()
    assert vault.agents.list(), "a client with credentials logs in again"


def test_a_wrong_password_is_refused_as_an_authentication_failure(
    live_server: LiveServer,
) -> None:
    with (
        Vault(live_server.url, username="nobody@actionvault.demo", password="wrong") as vault,
        pytest.raises(UsernameOrPasswordIncorrect) as caught,
    ):
        vault.agents.list()
    assert caught.value.type == "USERNAME_OR_PASSWORD_INCORRECT"
    assert caught.value.error_type == "AUTHENTICATION_FAILED"


def test_an_empty_password_is_no_password(live_server: LiveServer) -> None:
    with (
        Vault(live_server.url, username=live_server.admin[0], password="") as vault,
        pytest.raises(NoPasswordProvided),
    ):
        vault.login()


def test_credentials_or_a_session_are_required() -> None:
    with pytest.raises(ValueError, match="session_id"):
        Vault("http://127.0.0.1:1", username="only-a-name")


@pytest.mark.parametrize(
    ("api_version", "error"), [("v99.1", MalformedUrl), ("v24.1", MethodNotSupported)]
)
def test_the_api_version_is_pinned_and_overridable(
    vault: Vault, live_server: LiveServer, api_version: str, error: type[Exception]
) -> None:
    assert vault.api_version == "v26.1"
    session_id = vault.login().session_id
    with (
        Vault(live_server.url, session_id=session_id, api_version=api_version) as other,
        pytest.raises(error),
    ):
        other.agents.list()
    with Vault(live_server.url, session_id=session_id, api_version="v25.2") as older:
        assert older.agents.list()
