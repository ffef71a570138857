"""The command line against the shared live server, each test with a config folder of its own
and none of the caller's ACTIONVAULT_* settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from actionvault.client import Vault
from live_server import Cli, LiveServer, shared_server


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with shared_server(tmp_path_factory) as server:
        yield server


@pytest.fixture(scope="session")
def admin_session(live_server: LiveServer) -> str:
    """One administrator session for commands that are not about logging in."""
    username, password = live_server.admin
    with Vault(live_server.url, username=username, password=password) as vault:
        return vault.login().session_id


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`actionvault` with no server given: for login, profiles and usage errors."""
    for name in list(os.environ):
        if name.startswith("ACTIONVAULT_") or name == "XDG_CONFIG_HOME":
            monkeypatch.delenv(name)
    config_dir = tmp_path / "config"
    monkeypatch.setenv("ACTIONVAULT_CONFIG_DIR", str(config_dir))
    return Cli(config_dir)


@pytest.fixture
def admin_cli(cli: Cli, live_server: LiveServer, admin_session: str) -> Cli:
    """`actionvault` pointed at the live server as the administrator, through the environment."""
    cli.env.update(ACTIONVAULT_URL=live_server.url, ACTIONVAULT_SESSION_ID=admin_session)
    return cli
