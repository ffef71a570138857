"""`actionvault webhooks`: register webhooks and follow their deliveries (administrators)."""

from __future__ import annotations

from typing import Any

import click

from actionvault.cli import output
from actionvault.cli.events import EVENT_TYPES
from actionvault.cli.profiles import Connection, connect
from actionvault.cli.remote import _json_option, remote_command
from actionvault.client import Webhook, WebhookDelivery

DELIVERY_STATES = ("pending", "delivering", "succeeded", "failed")

_types_option = click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(EVENT_TYPES),
    help="Event type to send (repeat for several) [succeeded, failed, cancelled].",
)


@click.group()
def webhooks() -> None:
    """Register URLs that execution events are POSTed to, signed; administrators only.

    See docs/webhooks.md for the message and how to verify it.
    """


def _show(webhook: Webhook) -> None:
    facts = {
        "id": webhook.id,
        "url": webhook.url,
        "events": ", ".join(webhook.event_types),
        "agent": webhook.agent or "(every agent)",
        "enabled": "yes" if webhook.enabled else "no",
        "description": webhook.description,
        "created": webhook.created_at,
        "updated": webhook.updated_at,
    }
    for key, value in facts.items():
        if value not in (None, ""):
            click.echo(f"{key + ':':13} {value}")


def _show_secret(webhook: Webhook) -> None:
    _show(webhook)
    click.echo(f"{'secret:':13} {webhook.secret}")
    click.echo(
        "Store the secret now: it is not shown again (`actionvault webhooks rotate-secret` "
        "makes a new one).",
        err=True,
    )


@webhooks.command()
@click.argument("target", metavar="URL")
@_types_option
@click.option("--agent", help="Only this agent's executions.")
@click.option("--description", help="What the webhook is for.")
@click.option("--disabled", is_flag=True, help="Register it without sending anything yet.")
@_json_option
@remote_command
def create(
    connection: Connection,
    target: str,
    types: tuple[str, ...],
    agent: str | None,
    description: str | None,
    disabled: bool,
    as_json: bool,
) -> None:
    """Register a webhook for URL and print it with its secret, shown this once.

    (`--url` is the server's, as for every remote command.)

    \b
    Example:
      actionvault webhooks create https://example.com/hooks --type failed --type cancelled
    """
    with connect(connection) as vault:
        webhook = vault.webhooks.create(
            target,
            event_types=types or None,
            agent=agent,
            description=description,
            enabled=not disabled,
        )
    if as_json:
        click.echo(output.to_json(webhook))
        return
    _show_secret(webhook)


@webhooks.command(name="list")
@_json_option
@remote_command
def list_webhooks(connection: Connection, as_json: bool) -> None:
    """List the webhooks.

    \b
    Example:
      actionvault webhooks list
    """
    with connect(connection) as vault:
        found = vault.webhooks.list()
    if as_json:
        click.echo(output.to_json(found))
        return
    rows = [
        (
            str(w.id),
            "yes" if w.enabled else "no",
            ",".join(w.event_types),
            w.agent or "*",
            w.url,
            w.description,
        )
        for w in found
    ]
    click.echo(output.table(("ID", "ENABLED", "EVENTS", "AGENT", "URL", "DESCRIPTION"), rows))


@webhooks.command()
@click.argument("webhook_id", type=int)
@_json_option
@remote_command
def show(connection: Connection, webhook_id: int, as_json: bool) -> None:
    """Show one webhook (not its secret).

    \b
    Example:
      actionvault webhooks show 1
    """
    with connect(connection) as vault:
        webhook = vault.webhooks.retrieve(webhook_id)
    if as_json:
        click.echo(output.to_json(webhook))
        return
    _show(webhook)


@webhooks.command()
@click.argument("webhook_id", type=int)
@click.option("--webhook-url", "new_url", help="Send to this URL instead.")
@_types_option
@click.option("--agent", help="Only this agent's executions; '' for every agent.")
@click.option("--description", help="What the webhook is for.")
@click.option("--enable/--disable", "enabled", default=None, help="Send, or stop sending.")
@_json_option
@remote_command
def update(
    connection: Connection,
    webhook_id: int,
    new_url: str | None,
    types: tuple[str, ...],
    agent: str | None,
    description: str | None,
    enabled: bool | None,
    as_json: bool,
) -> None:
    """Change what is given and leave the rest.

    \b
    Example:
      actionvault webhooks update 1 --disable
      actionvault webhooks update 1 --type succeeded --agent ''
    """
    changes: dict[str, Any] = {}
    if new_url is not None:
        changes["url"] = new_url
    if types:
        changes["event_types"] = list(types)
    if agent is not None:
        changes["agent"] = agent or None
    if description is not None:
        changes["description"] = description
    if enabled is not None:
        changes["enabled"] = enabled
    with connect(connection) as vault:
        webhook = vault.webhooks.update(webhook_id, **changes)
    if as_json:
        click.echo(output.to_json(webhook))
        return
    _show(webhook)


@webhooks.command()
@click.argument("webhook_id", type=int)
@_json_option
@remote_command
def delete(connection: Connection, webhook_id: int, as_json: bool) -> None:
    """Remove a webhook with its deliveries, pending ones included.

    \b
    Example:
      actionvault webhooks delete 1
    """
    with connect(connection) as vault:
        vault.webhooks.delete(webhook_id)
    if as_json:
        click.echo(output.to_json({"deleted": webhook_id}))
        return
    click.echo(f"Deleted webhook {webhook_id}.")


@webhooks.command(name="rotate-secret")
@click.argument("webhook_id", type=int)
@_json_option
@remote_command
def rotate_secret(connection: Connection, webhook_id: int, as_json: bool) -> None:
    """Give a webhook a new secret, printed this once; messages are signed with it from now.

    \b
    Example:
      actionvault webhooks rotate-secret 1
    """
    with connect(connection) as vault:
        webhook = vault.webhooks.rotate_secret(webhook_id)
    if as_json:
        click.echo(output.to_json(webhook))
        return
    _show_secret(webhook)


def _delivery_row(delivery: WebhookDelivery) -> tuple[str, ...]:
    status = "" if delivery.last_status_code is None else str(delivery.last_status_code)
    took = "" if delivery.last_response_ms is None else f"{delivery.last_response_ms:g} ms"
    return (
        str(delivery.id),
        str(delivery.event_id),
        delivery.state,
        str(delivery.attempts),
        status,
        took,
        delivery.next_attempt_at or delivery.finished_at or "",
        delivery.last_error or "",
    )


@webhooks.command()
@click.argument("webhook_id", type=int)
@click.option("--state", type=click.Choice(DELIVERY_STATES), help="Only deliveries in it.")
@click.option("--after", type=click.IntRange(min=0), help="Only deliveries after this id.")
@click.option("--limit", type=click.IntRange(1, 1000), help="At most this many [100].")
@_json_option
@remote_command
def deliveries(
    connection: Connection,
    webhook_id: int,
    state: str | None,
    after: int | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """List a webhook's deliveries, oldest first, with what their last attempt got.

    \b
    Example:
      actionvault webhooks deliveries 1 --state failed
    """
    with connect(connection) as vault:
        found = vault.webhooks.deliveries(webhook_id, state=state, after=after, limit=limit)
    if as_json:
        click.echo(output.to_json(found))
        return
    headers = ("ID", "EVENT", "STATE", "ATTEMPTS", "STATUS", "TOOK", "NEXT/FINISHED", "ERROR")
    click.echo(output.table(headers, [_delivery_row(d) for d in found]))


@webhooks.command()
@click.argument("webhook_id", type=int)
@click.argument("delivery_id", type=int)
@_json_option
@remote_command
def redeliver(connection: Connection, webhook_id: int, delivery_id: int, as_json: bool) -> None:
    """Send a delivery again now, with a fresh retry window.

    \b
    Example:
      actionvault webhooks redeliver 1 42
    """
    with connect(connection) as vault:
        delivery = vault.webhooks.redeliver(webhook_id, delivery_id)
    if as_json:
        click.echo(output.to_json(delivery))
        return
    click.echo(f"Delivery {delivery.id} of webhook {webhook_id} is {delivery.state}.")
