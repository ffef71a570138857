"""Saved sessions, one per profile, so that `actionvault login` once serves later commands,
and the choice, for each command, of server and session from flags, environment and profile.

Only the session id is kept, never the password: a stolen file is worth one session that
expires by itself. The file is still written owner-only (0600), in a folder of its own (0700),
and replaced atomically so a crash mid-write never leaves half a file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click

from actionvault.client import DEFAULT_API_VERSION, Vault

FILE_NAME = "profiles.json"


class ProfileError(Exception):
    """The profiles file cannot be read; the message says which file and what to do."""


@dataclass(frozen=True, slots=True)
class Profile:
    url: str
    session_id: str
    username: str | None = None
    api_version: str | None = None


def config_dir() -> Path:
    """$ACTIONVAULT_CONFIG_DIR, else $XDG_CONFIG_HOME/actionvault, else ~/.config/actionvault."""
    explicit = os.environ.get("ACTIONVAULT_CONFIG_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return base / "actionvault"


def profiles_path() -> Path:
    return config_dir() / FILE_NAME


def _read_all() -> dict[str, dict[str, Any]]:
    path = profiles_path()
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ProfileError(f"cannot read {path} ({exc}); delete it and log in again") from exc
    profiles = data.get("profiles") if isinstance(data, dict) else None
    if not isinstance(profiles, dict):
        raise ProfileError(f"{path} holds no profiles; delete it and log in again")
    return {k: v for k, v in profiles.items() if isinstance(v, dict)}


def _write_all(profiles: dict[str, dict[str, Any]]) -> Path:
    path = profiles_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkstemp creates the file 0600, so the session is never readable by others, not even
    # for the moment between writing and renaming.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".profiles-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"profiles": profiles}, handle, indent=2, sort_keys=True)
            handle.write("\n")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path


def load_profile(name: str) -> Profile | None:
    raw = _read_all().get(name)
    if raw is None or not raw.get("url") or not raw.get("session_id"):
        return None
    return Profile(
        url=str(raw["url"]),
        session_id=str(raw["session_id"]),
        username=raw.get("username"),
        api_version=raw.get("api_version"),
    )


def save_profile(name: str, profile: Profile) -> Path:
    profiles = _read_all()
    profiles[name] = {k: v for k, v in asdict(profile).items() if v is not None}
    return _write_all(profiles)


def delete_profile(name: str) -> Profile | None:
    """Remove the profile and return what it was, or None when there was none."""
    found = load_profile(name)
    profiles = _read_all()
    if profiles.pop(name, None) is not None:
        _write_all(profiles)
    return found


@dataclass(frozen=True, slots=True)
class Connection:
    """Where and as whom to connect, as given by flags, environment and the saved profile."""

    profile: str
    url: str | None
    username: str | None
    password: str | None
    session_id: str | None
    api_version: str | None


def _same_server(a: str, b: str) -> bool:
    def norm(url: str) -> str:
        return url.strip().rstrip("/").removesuffix("/api")

    return norm(a) == norm(b)


def open_vault(connection: Connection) -> tuple[Vault, Profile | None]:
    saved = load_profile(connection.profile)
    url = connection.url or (saved.url if saved else None)
    if url is None:
        raise click.UsageError(
            "no server given: pass --url (or set ACTIONVAULT_URL), or run `actionvault login`"
        )
    profile = saved if saved is not None and _same_server(saved.url, url) else None
    session_id = connection.session_id or (profile.session_id if profile else None)
    username = connection.username or (profile.username if profile else None)
    password = connection.password
    if password is None:
        username = None  # a username alone cannot log in; the session has to do
    if session_id is None and password is None:
        raise click.UsageError(
            "no session and no password: run `actionvault login`, or pass --username and "
            "--password (or set ACTIONVAULT_USERNAME and ACTIONVAULT_PASSWORD)"
        )
    if password is not None and username is None:
        raise click.UsageError("--password needs --username (or ACTIONVAULT_USERNAME)")
    api_version = connection.api_version or (profile.api_version if profile else None)
    try:
        vault = Vault(
            url,
            username=username,
            password=password,
            session_id=session_id,
            api_version=api_version or DEFAULT_API_VERSION,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--url") from None
    return vault, profile


@contextlib.contextmanager
def connect(connection: Connection) -> Iterator[Vault]:
    """A client for the command; a session renewed on the way is saved back to the profile."""
    vault, profile = open_vault(connection)
    try:
        with vault:
            yield vault
    finally:
        renewed = vault.session_id
        if profile is not None and renewed and renewed != profile.session_id:
            save_profile(connection.profile, dataclasses.replace(profile, session_id=renewed))
