"""``scrapegate serve [--workers N]`` and ``scrapegate worker [--concurrency N]``."""

from __future__ import annotations

import asyncio
import sys

import click

from scrapegate import __version__
from scrapegate.cli.local import settings_or_exit
from scrapegate.config import ConfigError, Settings

APP_FACTORY = "scrapegate.api.app:create_served_app"


def _banner(settings: Settings, host: str, port: int, processes: int) -> None:
    topology = "Redis queue, run `scrapegate worker` too" if settings.redis_url else "embedded"
    click.echo(
        f"scrapegate {__version__} on http://{host}:{port}  "
        f"(database: {settings.resolved_database_url.split('://')[0]}, {topology}, "
        f"{processes} API process{'es' if processes > 1 else ''})"
    )
    click.echo("Create an API key in another shell:  .venv/bin/scrapegate keys create --name me")


@click.command("serve")
@click.option("--host", default=None, help="Interface to bind (default SCRAPEGATE_HOST).")
@click.option("--port", type=int, default=None, help="Port (default SCRAPEGATE_PORT).")
@click.option(
    "--workers",
    "processes",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="API processes; more than one needs SCRAPEGATE_REDIS_URL.",
)
def serve_command(host: str | None, port: int | None, processes: int) -> None:
    """Run the API server (embedded mode: with its job workers in the same process)."""
    import uvicorn

    from scrapegate.api.shutdown import GRACEFUL_SHUTDOWN_S

    settings = settings_or_exit()
    if processes > 1 and not settings.redis_url:
        click.echo(
            "scrapegate: --workers > 1 needs SCRAPEGATE_REDIS_URL: embedded mode keeps its "
            "queue in one process",
            err=True,
        )
        sys.exit(2)
    host, port = host or settings.host, port or settings.port
    _banner(settings, host, port, processes)
    if processes == 1:
        from scrapegate.api.app import create_app

        app: object = create_app(settings, long_lived=True)
    else:
        app = APP_FACTORY  # each process builds its own app from the same environment
    uvicorn.run(
        app,  # type: ignore[arg-type]
        factory=processes > 1,
        workers=processes,
        host=host,
        port=port,
        log_level=settings.log_level,
        proxy_headers=False,
        access_log=False,  # ours (api/middleware.py) leaves api_key out of logged URLs
        # The supervisor restarts a process that misses a health ping; a loaded machine starting
        # Chromium-capable processes needs longer than uvicorn's 5 s default.
        timeout_worker_healthcheck=60,
        # SIGTERM: open requests and WebSockets get this long, then the bounded lifespan stop.
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        # WebSocket: pings every 30 s, closed after 120 s without a pong.
        ws_ping_interval=30,
        ws_ping_timeout=90,
        ws_max_size=256 * 1024,
    )


@click.command("worker")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    default=None,
    help="Jobs run at once (default SCRAPEGATE_JOBS__WORKERS).",
)
def worker_command(concurrency: int | None) -> None:
    """Run jobs from the Redis queue (SCRAPEGATE_REDIS_URL); SIGTERM drains, then stops."""
    import logging

    from scrapegate.api.worker_process import run_worker

    settings = settings_or_exit()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s %(message)s"
    )
    try:
        asyncio.run(run_worker(settings, concurrency))
    except ConfigError as exc:
        click.echo(f"scrapegate: {exc}", err=True)
        sys.exit(2)
