"""`actionvault events`: tail execution events from a server's event stream."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from actionvault.cli import output
from actionvault.cli.profiles import Connection, connect
from actionvault.cli.remote import EXIT_OK, remote_command

EVENT_TYPES = ("queued", "started", "progress", "succeeded", "failed", "cancelled")


@click.command()
@click.argument("execution_id", required=False)
@click.option("--agent", help="Only executions of this agent.")
@click.option("--action", help="Only executions of this action.")
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(EVENT_TYPES),
    help="Only events of this type (repeat for several).",
)
@click.option("--after", type=click.IntRange(min=0), help="Resume after this event id.")
@click.option("--count", type=click.IntRange(min=1), help="Stop after this many events.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@remote_command
def events(
    connection: Connection,
    execution_id: str | None,
    agent: str | None,
    action: str | None,
    types: tuple[str, ...],
    after: int | None,
    count: int | None,
    as_json: bool,
) -> None:
    """Print execution events as they happen, until Ctrl-C (or --count).

    With EXECUTION_ID, that execution's events from its first, ending with its last;
    otherwise every event you may see from now on (or after --after). A dropped connection
    is resumed without losing an event.

    \b
    Example:
      actionvault events
      actionvault events --type succeeded --type failed --json
      actionvault events VAB000000000001
    """
    received = 0
    with connect(connection) as vault:
        stream = vault.events.stream(
            execution_id, after=after, agent=agent, action=action, types=types or None
        )
        try:
            for event in stream:
                if as_json:
                    click.echo(json.dumps(asdict(event), ensure_ascii=False))
                else:
                    click.echo(output.render_event(event))
                received += 1
                if count is not None and received >= count:
                    break
        except KeyboardInterrupt:
            pass
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
    raise click.exceptions.Exit(EXIT_OK)
