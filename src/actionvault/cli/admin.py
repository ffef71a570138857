"""Administration on the server's own database: users, permission sets, groups, audit, import."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from actionvault.cli.server import build_settings, database_options, missing_database
from actionvault.domain.principals import ADMIN_PROFILE, ObjectPermission, Principal
from actionvault.errors import ActionVaultError, DefinitionError

T = TypeVar("T")


def _run(
    options: dict[str, Any], job: Callable[[Any], Awaitable[T]], *, existing: bool = False
) -> T:
    """Open the runtime (no workers, no HTTP) on the configured database and run one job;
    `existing`: refuse, saying where it looked, rather than make a new, empty database."""
    from actionvault.runtime import Runtime

    settings = build_settings(**{**options, "workers": 0})
    if existing and (why := missing_database(settings)):
        raise click.ClickException(why)

    async def go() -> T:
        async with Runtime(settings) as runtime:
            return await job(runtime)

    try:
        return asyncio.run(go())
    except ActionVaultError as exc:
        raise click.ClickException(f"{exc.vault_type}: {exc.message}") from None
    except DefinitionError as exc:
        raise click.ClickException(f"invalid definition: {exc}") from None


async def _user_id(runtime: Any, username: str) -> int:
    credentials = await runtime.stores.users.credentials(username)
    if credentials is None:
        raise click.ClickException(f"no user named {username}")
    return int(credentials.user.id)


@click.group()
def users() -> None:
    """Manage users on this server's database."""


@users.command("add")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--admin", is_flag=True, help="Give the administrator security profile.")
@click.option("--first-name", default="")
@click.option("--last-name", default="")
@click.option("--permission-set", "permission_sets", multiple=True, help="Assign this set.")
@database_options
def add_user(
    username: str,
    password: str,
    admin: bool,
    first_name: str,
    last_name: str,
    permission_sets: tuple[str, ...],
    **options: Any,
) -> None:
    """Create a user.

    \b
    Example:
      actionvault users add jane@example.com --permission-set vault_ai__c
    """

    async def job(runtime: Any) -> int:
        user = await runtime.services.users.create_user(
            None,
            username=username,
            password=password,
            first_name=first_name,
            last_name=last_name,
            security_profile=ADMIN_PROFILE if admin else None,
            permission_sets=permission_sets,
        )
        return int(user.id)

    click.echo(f"created user {_run(options, job)}: {username}")


@users.command("list")
@database_options
def list_users(**options: Any) -> None:
    """List users.

    \b
    Example:
      actionvault users list
    """

    async def job(runtime: Any) -> list[tuple[Any, list[str]]]:
        found, _ = await runtime.services.users.list_users(10_000, 0)
        return [(u, await runtime.stores.users.user_permission_sets(u.id)) for u in found]

    for user, sets in _run(options, job):
        state = "active" if user.active else "inactive"
        click.echo(
            f"{user.id}\t{user.username}\t{user.security_profile}\t{state}\t{','.join(sets)}"
        )


@users.command("set-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@database_options
def set_password(username: str, password: str, **options: Any) -> None:
    """Set a user's password; their sessions end.

    \b
    Example:
      actionvault users set-password jane@example.com
    """

    async def job(runtime: Any) -> None:
        await runtime.services.users.set_password(None, await _user_id(runtime, username), password)

    _run(options, job)
    click.echo(f"password set for {username}")


@users.command("deactivate")
@click.argument("username")
@database_options
def deactivate(username: str, **options: Any) -> None:
    """Deactivate a user; their sessions end.

    \b
    Example:
      actionvault users deactivate jane@example.com
    """

    async def job(runtime: Any) -> None:
        await runtime.services.users.update_user(
            None, await _user_id(runtime, username), active=False
        )

    _run(options, job)
    click.echo(f"deactivated {username}")


@users.command("grant")
@click.argument("username")
@click.argument("permission_set")
@database_options
def grant(username: str, permission_set: str, **options: Any) -> None:
    """Assign a permission set to a user.

    \b
    Example:
      actionvault users grant jane@example.com vault_ai__c
    """

    async def job(runtime: Any) -> None:
        user_id = await _user_id(runtime, username)
        await runtime.services.users.assign_permission_set(None, user_id, permission_set)

    _run(options, job)
    click.echo(f"{username} now holds {permission_set}")


@users.command("add-to-group")
@click.argument("username")
@click.argument("group")
@database_options
def add_to_group(username: str, group: str, **options: Any) -> None:
    """Add a user to a group (created when new).

    \b
    Example:
      actionvault users add-to-group jane@example.com reviewers__c
    """

    async def job(runtime: Any) -> None:
        await runtime.services.users.add_group_member(
            None, group, await _user_id(runtime, username)
        )

    _run(options, job)
    click.echo(f"{username} is in {group}")


def _object_grant(value: str) -> tuple[str, ObjectPermission]:
    name, _, rights = value.partition(":")
    rights = rights or "read"
    unknown = set(rights.split(",")) - {"read", "create", "edit"}
    if not name or unknown:
        raise click.BadParameter(f"{value!r}: use OBJECT[:read,create,edit]")
    return name, ObjectPermission(read=True, create="create" in rights, edit="edit" in rights)


@click.command("permission-set")
@click.argument("name")
@click.option("--label", default="")
@click.option("--no-api-access", is_flag=True, help="The set grants no API access.")
@click.option("--action", "actions", multiple=True, help="AGENT.ACTION it may execute; * allowed.")
@click.option("--object", "objects", multiple=True, help="OBJECT[:read,create,edit].")
@database_options
def permission_set(
    name: str,
    label: str,
    no_api_access: bool,
    actions: tuple[str, ...],
    objects: tuple[str, ...],
    **options: Any,
) -> None:
    """Create or extend a permission set.

    \b
    Example:
      actionvault permission-set vault_ai__c --action 'quick_check__v.*' --object product__v
    """
    pairs = []
    for action in actions:
        agent, _, name_of_action = action.partition(".")
        if not agent or not name_of_action:
            raise click.BadParameter(f"{action!r}: use AGENT.ACTION", param_hint="--action")
        pairs.append((agent, name_of_action))
    grants = tuple(_object_grant(o) for o in objects)

    async def job(runtime: Any) -> None:
        await runtime.services.users.save_permission_set(
            None,
            name,
            label=label,
            api_access=not no_api_access,
            actions=tuple(pairs),
            objects=grants,
        )

    _run(options, job)
    click.echo(f"permission set {name} saved")


@click.command()
@click.option("--kind", help="Only events of this kind (login, execution_requested, ...).")
@click.option("--since", type=float, default=0.0, help="UNIX time to start from.")
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV instead of lines.")
@database_options
def audit(kind: str | None, since: float, as_csv: bool, **options: Any) -> None:
    """Print the audit trail.

    \b
    Example:
      actionvault audit --kind login --csv > logins.csv
    """
    from actionvault.services.audit import events_as_csv

    async def job(runtime: Any) -> list[Any]:
        events: list[Any] = await runtime.stores.audit.events(
            since=since, kind=kind, limit=1_000_000
        )
        return events

    events = _run(options, job)
    if as_csv:
        click.echo(events_as_csv(events), nl=False)
        return
    for e in events:
        who = e.username or (f"user {e.user_id}" if e.user_id else "-")
        click.echo(f"{e.id}\t{e.at:.3f}\t{e.kind}\t{e.outcome}\t{who}\t{e.subject or ''}")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--owner", required=True, help="User name that will own what is imported.")
@click.option(
    "--document-type", default="base_document__v", show_default=True,
    help="type__v of the documents created.",
)  # fmt: skip
@database_options
def import_content(path: Path, owner: str, document_type: str, **options: Any) -> None:
    """Load a folder: files become documents, OBJECT.csv files become records of OBJECT.

    Already loaded files (same content) and records (same name__v) are skipped, so an
    interrupted import can be run again.

    \b
    Example:
      actionvault import ./content --owner admin@actionvault.demo
    """
    from actionvault.services.importer import Importer, import_plan

    plan = import_plan(path)

    async def job(runtime: Any) -> Any:
        credentials = await runtime.stores.users.credentials(owner)
        if credentials is None:
            raise click.ClickException(f"no user named {owner}")
        principal = Principal(
            user=credentials.user,
            session_id="",
            permissions=await runtime.stores.users.permissions(credentials.user.id),
        )
        importer = Importer(runtime.services.content, runtime.stores.content)
        with click.progressbar(
            length=len(plan), label="importing", file=sys.stderr, show_pos=True
        ) as bar:
            return await importer.run(
                principal, plan, document_type, advance=lambda _: bar.update(1)
            )

    report = _run(options, job, existing=True)
    for line in report.created:
        click.echo(line)
    click.echo(
        f"{report.documents} documents and {report.records} records imported, "
        f"{report.skipped} already there, {len(report.failures)} failed"
    )
    for failure in report.failures:
        click.echo(f"  {failure}", err=True)
    if report.failures:
        raise SystemExit(1)
