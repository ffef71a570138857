"""The `actionvault` command."""

from __future__ import annotations

import click

from actionvault import __version__
from actionvault.cli.admin import audit, import_content, permission_set, users
from actionvault.cli.events import events
from actionvault.cli.mcp import mcp
from actionvault.cli.remote import actions, agents, cancel, login, logout, run, status
from actionvault.cli.server import demo, migrate, serve, worker
from actionvault.cli.webhooks import webhooks

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="actionvault")
def main() -> None:
    """actionvault: AI agent actions on documents and records, behind Vault's API.

    \b
    Start here:
      actionvault demo            # demo content on SQLite at http://127.0.0.1:8700
      actionvault serve --help    # run on your own database
    """


main.add_command(serve)
main.add_command(demo)
main.add_command(worker)
main.add_command(migrate)
main.add_command(login)
main.add_command(logout)
main.add_command(agents)
main.add_command(actions)
main.add_command(run)
main.add_command(status)
main.add_command(cancel)
main.add_command(events)
main.add_command(webhooks)
main.add_command(users)
main.add_command(permission_set)
main.add_command(audit)
main.add_command(import_content)
main.add_command(mcp)
