"""`login` and `logout`: a session saved per profile, owner-only, and reused by commands."""

from __future__ import annotations

import json
import stat

import httpx
import pytest

from actionvault.client import InvalidSessionId, Vault
from live_server import Cli, LiveServer


def login(cli: Cli, server: LiveServer, *extra: str) -> None:
    username, password = server.admin
    result = cli(
        "login", "--url", server.url, "--username", username, "--password", password, *extra
    )
    assert result.exit_code == 0, result.output
    assert f"as {username}" in result.stdout


def saved(cli: Cli) -> dict[str, dict[str, str]]:
    profiles: dict[str, dict[str, str]] = json.loads(cli.profiles_file.read_text())["profiles"]
    return profiles


def test_login_saves_the_session_owner_only_and_commands_use_it(
    cli: Cli, live_server: LiveServer
) -> None:
    login(cli, live_server)
    assert stat.S_IMODE(cli.profiles_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(cli.config_dir.stat().st_mode) == 0o700
    profile = saved(cli)["default"]
    assert profile["url"] == live_server.url
    assert profile["username"] == live_server.admin[0]
    assert live_server.admin[1] not in cli.profiles_file.read_text(), "never the password"
    result = cli("agents")
    assert result.exit_code == 0, result.output
    assert "test_agent__c" in result.stdout


def test_login_prompts_for_the_password_without_echoing_it(
    cli: Cli, live_server: LiveServer
) -> None:
    username, password = live_server.admin
    result = cli("login", "--url", live_server.url, "--username", username, input=password + "\n")
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output
    assert password not in result.output
    assert "default" in saved(cli)


def test_a_refused_login_is_one_line_and_exit_6_and_saves_nothing(
    cli: Cli, live_server: LiveServer
) -> None:
    result = cli(
        "login", "--url", live_server.url, "--username", "nobody@x.example", "--password", "no"
    )
    assert result.exit_code == 6
    assert result.stderr.startswith("error: USERNAME_OR_PASSWORD_INCORRECT: ")
    assert result.stderr.count("\n") == 1
    assert not cli.profiles_file.exists()


def test_profiles_are_kept_apart(cli: Cli, live_server: LiveServer) -> None:
    login(cli, live_server, "--profile", "staging")
    assert set(saved(cli)) == {"staging"}
    assert cli("agents", "--profile", "staging").exit_code == 0
    missing = cli("agents")
    assert missing.exit_code == 2
    assert "actionvault login" in missing.stderr
    assert cli("actions", ACTIONVAULT_PROFILE="staging").exit_code == 0


def test_logout_ends_the_session_on_the_server_and_forgets_it(
    cli: Cli, live_server: LiveServer
) -> None:
    login(cli, live_server)
    session_id = saved(cli)["default"]["session_id"]
    result = cli("logout")
    assert result.exit_code == 0, result.output
    assert "default" not in saved(cli)
    with Vault(live_server.url, session_id=session_id) as stale, pytest.raises(InvalidSessionId):
        stale.agents.list()
    again = cli("logout")
    assert (again.exit_code, again.stdout) == (0, "Not logged in (profile 'default').\n")


def test_an_ended_session_asks_to_log_in_again_or_is_renewed_with_a_password(
    cli: Cli, live_server: LiveServer
) -> None:
    login(cli, live_server)
    old = saved(cli)["default"]["session_id"]
    httpx.delete(f"{live_server.url}/api/v26.1/session", headers={"Authorization": old})
    stale = cli("agents")
    assert stale.exit_code == 6
    assert stale.stderr.startswith("error: INVALID_SESSION_ID: ")
    assert "actionvault login" in stale.stderr
    renewed = cli("agents", ACTIONVAULT_PASSWORD=live_server.admin[1])
    assert renewed.exit_code == 0, renewed.output
    assert saved(cli)["default"]["session_id"] != old, "the new session is saved back"
    assert cli("agents").exit_code == 0
