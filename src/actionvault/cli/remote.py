"""Commands for using a server from a terminal: login, logout, agents, actions, run, status,
cancel. They are built on `actionvault.client` alone, so they work against any Vault.

Exit codes are part of the interface, for scripts:

    0 success · 1 the action ended FAILURE · 2 usage error · 3 CANCELLED
    4 the wait's deadline passed · 5 no answer (connection, timeout) · 6 Vault refused the call
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

import click

from actionvault.cli import output
from actionvault.cli.profiles import (
    Connection,
    Profile,
    ProfileError,
    connect,
    delete_profile,
    save_profile,
)
from actionvault.client import (
    DEFAULT_API_VERSION,
    ClientError,
    Execution,
    ExecutionCancelled,
    ExecutionError,
    ExecutionEvent,
    ExecutionFailed,
    InvalidSessionId,
    TransportError,
    Vault,
    VaultError,
    WaitTimeout,
)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_CANCELLED = 3
EXIT_DEADLINE = 4
EXIT_TRANSPORT = 5
EXIT_VAULT = 6
EXIT_INTERRUPTED = 130


def _fail(code: int, message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise click.exceptions.Exit(code)


@contextlib.contextmanager
def exit_codes() -> Iterator[None]:
    """Turn the client's errors into one line on stderr and the documented exit code."""
    try:
        yield
    except ExecutionFailed as exc:
        _fail(EXIT_FAILURE, str(exc))
    except ExecutionCancelled as exc:
        _fail(EXIT_CANCELLED, str(exc))
    except WaitTimeout as exc:
        execution = exc.execution
        _fail(
            EXIT_DEADLINE,
            f"execution {execution.id} is still {execution.status} at the deadline; it keeps "
            f"running: `actionvault status {execution.id}`, `actionvault cancel {execution.id}`",
        )
    except TransportError as exc:
        _fail(EXIT_TRANSPORT, str(exc))
    except InvalidSessionId as exc:
        _fail(EXIT_VAULT, f"{exc} (log in again: `actionvault login`)")
    except VaultError as exc:
        _fail(EXIT_VAULT, str(exc))
    except ProfileError as exc:
        _fail(EXIT_USAGE, str(exc))


_profile_option = click.option(
    "--profile",
    default="default",
    show_default=True,
    envvar="ACTIONVAULT_PROFILE",
    help="Saved session to use (see `actionvault login`).",
)


def remote_command(fn: Callable[..., None]) -> Callable[..., None]:
    """The connection options every remote command takes, and its exit-code handling."""

    @_profile_option
    @click.option("--url", envvar="ACTIONVAULT_URL", help="Server URL [env ACTIONVAULT_URL].")
    @click.option(
        "--username",
        envvar="ACTIONVAULT_USERNAME",
        help="Log in as this user [env ACTIONVAULT_USERNAME].",
    )
    @click.option(
        "--password",
        envvar="ACTIONVAULT_PASSWORD",
        help="Their password [env ACTIONVAULT_PASSWORD].",
    )
    @click.option(
        "--session-id",
        envvar="ACTIONVAULT_SESSION_ID",
        help="An existing session [env ACTIONVAULT_SESSION_ID].",
    )
    @click.option(
        "--api-version",
        envvar="ACTIONVAULT_API_VERSION",
        help=f"API version [env ACTIONVAULT_API_VERSION; {DEFAULT_API_VERSION}].",
    )
    @functools.wraps(fn)
    def command(
        profile: str,
        url: str | None,
        username: str | None,
        password: str | None,
        session_id: str | None,
        api_version: str | None,
        **options: Any,
    ) -> None:
        connection = Connection(profile, url, username, password, session_id, api_version)
        with exit_codes():
            fn(connection, **options)

    return command


def _json_option(fn: Callable[..., None]) -> Callable[..., None]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(fn)


@click.command()
@click.option("--url", envvar="ACTIONVAULT_URL", prompt="Server URL", help="Server URL.")
@click.option("--username", envvar="ACTIONVAULT_USERNAME", prompt="Username")
@click.option(
    "--password",
    envvar="ACTIONVAULT_PASSWORD",
    prompt="Password",
    hide_input=True,
    help="Prompted for, hidden, when not given.",
)
@_profile_option
@click.option("--api-version", default=DEFAULT_API_VERSION, show_default=True)
def login(url: str, username: str, password: str, profile: str, api_version: str) -> None:
    """Log in and save the session (not the password) for later commands.

    \b
    Example:
      actionvault login --url http://127.0.0.1:8700 --username admin@actionvault.demo
      actionvault login --profile prod --url https://myvault.veevavault.com --username me@corp
    """
    with exit_codes():
        try:
            client = Vault(url, username=username, password=password, api_version=api_version)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--url") from None
        with client as vault:
            session = vault.login()
        path = save_profile(
            profile,
            Profile(
                url=vault.base_url,
                session_id=session.session_id,
                username=username,
                api_version=api_version,
            ),
        )
    click.echo(f"Logged in to {vault.base_url} as {username} (profile {profile!r}, {path}).")


@click.command()
@_profile_option
def logout(profile: str) -> None:
    """End the saved session on the server and forget it.

    \b
    Example:
      actionvault logout --profile prod
    """
    with exit_codes():
        saved = delete_profile(profile)
    if saved is None:
        click.echo(f"Not logged in (profile {profile!r}).")
        return
    try:
        with Vault(
            saved.url,
            session_id=saved.session_id,
            api_version=saved.api_version or DEFAULT_API_VERSION,
        ) as vault:
            vault.logout()
    except InvalidSessionId:
        pass  # ended already, which is what was wanted
    except ClientError as exc:
        click.echo(f"warning: the server did not end the session: {exc}", err=True)
    click.echo(f"Logged out of {saved.url} (profile {profile!r}).")


@click.command()
@click.argument("name", required=False)
@click.option("--document-type", help="Only agents for this document type.")
@click.option("--object", "object_name", help="Only agents for this object.")
@click.option("--object-type", help="Only agents for this object type (needs --object).")
@click.option("--available-to", "available_by_user_name", help="Only agents this user may use.")
@_json_option
@remote_command
def agents(
    connection: Connection,
    name: str | None,
    document_type: str | None,
    object_name: str | None,
    object_type: str | None,
    available_by_user_name: str | None,
    as_json: bool,
) -> None:
    """List the agents, or show one agent and its actions.

    \b
    Example:
      actionvault agents --document-type base_document__v
      actionvault agents quick_check__v
    """
    with connect(connection) as vault:
        if name is not None:
            detail = vault.agents.retrieve(name)
            if as_json:
                click.echo(output.to_json(detail))
                return
            facts = {
                "name": detail.name,
                "label": detail.label,
                "active": detail.active,
                "class": detail.agent_class,
                "document type": detail.document_type,
                "object": detail.object,
                "object type": detail.object_type,
                "source": detail.source,
                "model level": detail.model_level,
                "description": detail.description,
            }
            for key, value in facts.items():
                if value is not None:
                    click.echo(f"{key + ':':14} {value}")
            rows = [(a.name, a.label) for a in detail.actions]
            click.echo("\n" + output.table(("ACTION", "LABEL"), rows))
            return
        found = vault.agents.list(
            agent_name=None,
            available_by_user_name=available_by_user_name,
            object=object_name,
            object_type=object_type,
            document_type=document_type,
        )
    if as_json:
        click.echo(output.to_json(found))
        return
    click.echo(output.table(("NAME", "LABEL"), [(a.name, a.label) for a in found]))


@click.command()
@click.option("--agent", help="Only this agent's actions.")
@_json_option
@remote_command
def actions(connection: Connection, agent: str | None, as_json: bool) -> None:
    """List every agent action, with what it does.

    \b
    Example:
      actionvault actions
      actionvault actions --agent quick_check__v --json
    """
    with connect(connection) as vault:
        entries = [e for e in vault.actions.list() if agent is None or e.agent_name == agent]
    if as_json:
        click.echo(output.to_json(entries))
        return
    rows = [
        (entry.agent_name, action.name, action.label, action.description or "")
        for entry in entries
        for action in entry.actions
    ]
    click.echo(output.table(("AGENT", "ACTION", "LABEL", "DESCRIPTION"), rows))


@click.command()
@click.argument("agent", required=False)
@click.argument("action", required=False)
@click.option("--document", "document_id", metavar="ID", help="Document id: 123 or 123_0_1.")
@click.option("--object", "object_name", metavar="NAME", help="Object of the record.")
@click.option("--record", "record_id", metavar="ID", help="Record id (with --object).")
@click.option("--object-type", metavar="TYPE", help="Object type, for type-scoped agents.")
@click.option("--message", "user_message", help="A chat message; routed when no AGENT ACTION.")
@click.option("--chat-id", help="Continue this chat.")
@click.option("--external-id", help="Your id for the execution; makes retries safe.")
@click.option(
    "--timeout", type=float, default=600.0, show_default=True, help="Seconds to wait in all."
)
@click.option("--no-wait", is_flag=True, help="Start it, print it, and return at once.")
@click.option(
    "--progress", is_flag=True, help="Print each event of the execution on stderr as it comes."
)
@_json_option
@remote_command
def run(
    connection: Connection,
    agent: str | None,
    action: str | None,
    document_id: str | None,
    object_name: str | None,
    record_id: str | None,
    object_type: str | None,
    user_message: str | None,
    chat_id: str | None,
    external_id: str | None,
    timeout: float,
    no_wait: bool,
    progress: bool,
    as_json: bool,
) -> None:
    """Run an agent action on a document, a record, or a chat message, and print its result.

    While it waits, a terminal shows what the execution last reported (from the server's
    event stream, where it has one); --progress prints every event on stderr instead.

    Exits 0 on SUCCESS, 1 on FAILURE, 3 if cancelled, 4 if --timeout passed first.

    \b
    Example:
      actionvault run quick_check__v spelling_grammar__v --document 1
      actionvault run base_object_chat_agent__sys summarize_record__sys \\
          --object product__v --record PRD000000000001
      actionvault run --message "Summarise this document" --document 1 --json
    """
    if (agent is None) != (action is None):
        raise click.UsageError("give both AGENT and ACTION, or neither and --message")
    if agent is None and user_message is None:
        raise click.UsageError("give AGENT and ACTION, or --message")
    with connect(connection) as vault:
        execution = vault.actions.execute(
            agent=agent,
            action=action,
            document_id=document_id,
            object=object_name,
            object_type=object_type,
            record_id=record_id,
            user_message=user_message,
            chat_id=chat_id,
            external_id=external_id,
        )
        if not no_wait:
            execution = _wait(vault, execution, timeout=timeout, as_json=as_json, progress=progress)
    if as_json:
        click.echo(output.to_json(execution))
        return
    click.echo(output.render_summary(execution), err=True)
    # Not waited for: the id alone on stdout, for `ID=$(actionvault run ... --no-wait)`.
    click.echo(output.render_result(execution) if execution.done else execution.id)


def _wait(
    vault: Vault, execution: Execution, *, timeout: float, as_json: bool, progress: bool
) -> Execution:
    label = f"{execution.id} {execution.agent_action or ''}".strip()
    try:
        with output.Spinner(label, sys.stderr) as spinner:

            def show(event: ExecutionEvent) -> None:
                spinner.note = output.describe_event(event)
                if progress:
                    click.echo(output.render_event(event), err=True)

            return vault.wait(execution, timeout=timeout, poll_interval=1.0, on_event=show)
    except ExecutionError as exc:
        if as_json:
            click.echo(output.to_json(exc.execution))
        raise
    except KeyboardInterrupt:
        _fail(
            EXIT_INTERRUPTED,
            f"interrupted; {execution.id} keeps running: `actionvault cancel {execution.id}`",
        )


@click.command()
@click.argument("execution_id", required=False)
@click.option("--external-id", help="Look the execution up by your external id instead.")
@_json_option
@remote_command
def status(
    connection: Connection, execution_id: str | None, external_id: str | None, as_json: bool
) -> None:
    """Show an execution: its status, and its result once finished.

    Exits like `run`: 1 for FAILURE, 3 for CANCELLED, 0 otherwise (IN_PROGRESS included).

    \b
    Example:
      actionvault status VAB000000000001
      actionvault status --external-id nightly-42 --json
    """
    if (execution_id is None) == (external_id is None):
        raise click.UsageError("give an EXECUTION_ID or --external-id (one of them)")
    with connect(connection) as vault:
        execution = vault.executions.status(execution_id, external_id=external_id)
    if as_json:
        click.echo(output.to_json(execution))
    else:
        click.echo(output.render_summary(execution))
        if execution.succeeded:
            click.echo(output.render_result(execution))
        elif execution.errors:
            click.echo(output.render_errors(execution))
    code = {"FAILURE": EXIT_FAILURE, "CANCELLED": EXIT_CANCELLED}.get(execution.status, EXIT_OK)
    if code:
        raise click.exceptions.Exit(code)


@click.command()
@click.argument("execution_id")
@_json_option
@remote_command
def cancel(connection: Connection, execution_id: str, as_json: bool) -> None:
    """Ask the server to cancel a running execution.

    \b
    Example:
      actionvault cancel VAB000000000001
    """
    with connect(connection) as vault:
        receipt = vault.executions.cancel(execution_id)
    if as_json:
        click.echo(output.to_json(receipt))
        return
    click.echo(f"Cancel requested for {receipt.execution_id} ({receipt.status}).")


COMMANDS = (login, logout, agents, actions, run, status, cancel)
