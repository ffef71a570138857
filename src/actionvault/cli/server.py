"""Commands that run the server itself: serve, demo, worker, migrate."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from collections.abc import Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from actionvault.errors import DefinitionError
from actionvault.settings import Settings

_server_options = [
    click.option("--host", help="Interface to listen on [env ACTIONVAULT_HOST; 127.0.0.1]."),
    click.option("--port", type=int, help="Port to listen on [env ACTIONVAULT_PORT; 8700]."),
    click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder for the SQLite database and files [env ACTIONVAULT_DATA_DIR].",
    ),
    click.option(
        "--database-url",
        help="sqlite:///PATH or postgresql://... [env ACTIONVAULT_DATABASE_URL].",
    ),
    click.option(
        "--agents-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder of agent YAML files that add to or override the standard agents.",
    ),
    click.option(
        "--workers",
        "--concurrency",
        "workers",
        type=int,
        help="Executions run at once in this process; 0 serves the API only "
        "[env ACTIONVAULT_WORKERS; 4].",
    ),
]


#: Where the data is: all that commands working on the database itself need to be told.
_database_options = [_server_options[2], _server_options[3], _server_options[4]]


def server_options(fn: Any) -> Any:
    for option in reversed(_server_options):
        fn = option(fn)
    return fn


def database_options(fn: Any) -> Any:
    """The options of commands that open the database but serve nothing (users, import)."""
    for option in reversed(_database_options):
        fn = option(fn)
    return fn


_tls_options = [
    click.option(
        "--ssl-certfile",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help="Serve HTTPS with this certificate (PEM, chain included) "
        "[env ACTIONVAULT_SSL_CERTFILE].",
    ),
    click.option(
        "--ssl-keyfile",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help="The certificate's private key (PEM) [env ACTIONVAULT_SSL_KEYFILE].",
    ),
]


def tls_options(fn: Any) -> Any:
    """HTTPS served by the process itself, for the commands that serve HTTP."""
    for option in reversed(_tls_options):
        fn = option(fn)
    return fn


def missing_database(settings: Settings) -> str | None:
    """Why a command that needs existing data should not start: no SQLite file where it looks."""
    url = settings.resolved_database_url
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    if path.exists():
        return None
    return (
        f"no database at {path}. Run this where the server's data is (the folder holding "
        "actionvault-data), or point at it with --data-dir DIR or --database-url URL "
        "(env ACTIONVAULT_DATA_DIR, ACTIONVAULT_DATABASE_URL). A new server's database is "
        "made by `actionvault serve`, `actionvault demo` or `actionvault users add --admin`."
    )


def build_settings(**overrides: Any) -> Settings:
    """Environment first, then the flags that were given."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        settings = Settings(**given)
    except Exception as exc:
        raise click.UsageError(f"invalid settings: {exc}") from exc
    if (settings.ssl_certfile is None) != (settings.ssl_keyfile is None):
        raise click.UsageError("HTTPS needs both --ssl-certfile and --ssl-keyfile")
    return settings


def _configure_logging(settings: Settings) -> None:
    from actionvault.observability.logs import configure_logging

    # Values no line may show, whatever logs them: the credentials this process was given.
    secrets = [settings.metrics_token, urlsplit(settings.resolved_database_url).password]
    secrets += [
        value
        for name, value in os.environ.items()
        if name.startswith("ACTIONVAULT_")
        and any(word in name for word in ("KEY", "SECRET", "TOKEN", "PASSWORD"))
    ]
    configure_logging(settings.log_level, settings.log_format, secrets)


def run_server(settings: Settings) -> None:
    import uvicorn

    from actionvault.api.app import create_app
    from actionvault.api.edge import edge_protocol
    from actionvault.runtime import Runtime

    _configure_logging(settings)
    try:
        runtime = Runtime(settings)
    except DefinitionError as exc:
        raise click.ClickException(f"invalid agent definition: {exc}") from exc
    config = uvicorn.Config(
        create_app(runtime),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        access_log=False,
        log_config=None,  # uvicorn's lines go through the process's own handler and format
        lifespan="on",
        # The edge limits (header size and deadline, open connections) live in the protocol.
        http=edge_protocol(settings),
        ws="none",
        # With a certificate the process serves HTTPS itself; the URLs it hands out are then
        # https:// (they follow the request's scheme).
        ssl_certfile=str(settings.ssl_certfile) if settings.ssl_certfile else None,
        ssl_keyfile=str(settings.ssl_keyfile) if settings.ssl_keyfile else None,
    )

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            # Uvicorn waits for open responses to finish; MCP and event streams never do by
            # themselves.
            with contextlib.suppress(AssertionError):  # not open: startup failed
                runtime.services.mcp.close_streams()
                runtime.services.events.close_streams()
            await super().shutdown(sockets)

    Server(config).run()


@click.command()
@server_options
@tls_options
def serve(**options: Any) -> None:
    """Serve the Vault-compatible API (and run executions) on the configured database.

    \b
    Example:
      ACTIONVAULT_DATABASE_URL=postgresql://av@localhost/av actionvault serve --port 8700
    """
    run_server(build_settings(**options))


@click.command()
@server_options
@click.option(
    "--realistic-latency",
    "realistic_latency",
    is_flag=False,
    flag_value="2-8",
    default=None,
    metavar="[SECONDS]",
    help="Make the standard actions take as long as Vault's (2-8 s, or a range given, e.g. "
    "'5-10'), so that polling and cancel can be tried [env ACTIONVAULT_REALISTIC_LATENCY].",
)
@tls_options
def demo(**options: Any) -> None:
    """Serve with demo users, documents and records loaded (SQLite in ./actionvault-data).

    \b
    Example:
      actionvault demo --port 8700
      actionvault demo --realistic-latency
    """
    from actionvault.services.demo import (
        DEMO_ADMIN_PASSWORD,
        DEMO_ADMIN_USERNAME,
        DEMO_USER_PASSWORD,
        DEMO_USER_USERNAME,
    )

    # The demo's receivers run on this machine; `serve` refuses private targets by default.
    if "ACTIONVAULT_WEBHOOK_ALLOW_PRIVATE_TARGETS" not in os.environ:
        options["webhook_allow_private_targets"] = True
    settings = build_settings(demo_content=True, **options)
    scheme = "https" if settings.ssl_certfile else "http"
    base = f"{scheme}://{settings.host}:{settings.port}"
    lines = [
        "actionvault demo",
        f"  API:            {base}/api/v26.1",
        f"  database:       {settings.resolved_database_url}",
        f"  administrator:  {DEMO_ADMIN_USERNAME} / {DEMO_ADMIN_PASSWORD}",
        f"  standard user:  {DEMO_USER_USERNAME} / {DEMO_USER_PASSWORD}",
    ]
    if settings.realistic_latency:
        lines.append(f"  latency:        standard actions take {settings.realistic_latency} s")
    lines.append(
        f"  try:            curl -s -X POST {base}/api/v26.1/auth "
        f"-d username={DEMO_ADMIN_USERNAME} -d password={DEMO_ADMIN_PASSWORD}"
    )
    click.echo("\n".join(lines) + "\n")
    run_server(settings)


@click.command()
@server_options
def worker(**options: Any) -> None:
    """Run executions only (no HTTP), beside API processes on the same database.

    \b
    Example:
      actionvault worker --database-url postgresql://av@localhost/av --workers 8
    """
    settings = build_settings(**options)
    if settings.workers < 1:
        raise click.UsageError("a worker process needs --workers 1 or more")
    _configure_logging(settings)

    async def run() -> None:
        from actionvault.runtime import Runtime

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with Runtime(settings):
            click.echo(f"actionvault worker running {settings.workers} at once; Ctrl-C stops")
            await stop.wait()

    try:
        _run_on_fastest_loop(run())
    except DefinitionError as exc:
        raise click.ClickException(f"invalid agent definition: {exc}") from exc


def _run_on_fastest_loop(main: Coroutine[Any, Any, None]) -> None:
    """uvloop where it is installed (as uvicorn chooses for `serve`), asyncio's loop otherwise."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
    else:
        uvloop.run(main)


@click.command()
@server_options
def migrate(**options: Any) -> None:
    """Create or upgrade the database schema, then exit.

    \b
    Example:
      actionvault migrate --database-url postgresql://av@localhost/av
    """
    settings = build_settings(**options)

    async def run() -> list[str]:
        from actionvault.store import open_database

        db = await open_database(settings.resolved_database_url)
        await db.close()
        return []

    asyncio.run(run())
    click.echo(f"schema is up to date: {settings.resolved_database_url}")
