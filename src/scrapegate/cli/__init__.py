"""``scrapegate serve | worker | migrate | keys | credits | scrape | crawl | map | mcp``."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from scrapegate import __version__
from scrapegate.cli.crawl import crawl_command
from scrapegate.cli.local import settings_or_exit as _settings
from scrapegate.cli.map import map_command
from scrapegate.cli.mcp import mcp_command
from scrapegate.cli.serve import serve_command, worker_command
from scrapegate.config import Settings
from scrapegate.domain.scrape_document import scrape_result_document
from scrapegate.domain.scrape_result import ScrapeResult

T = TypeVar("T")


def _run(factory: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(factory())  # type: ignore[arg-type]


@click.group()
@click.version_option(__version__)
def main() -> None:
    """scrapegate: a self-hostable web-scraping API."""


main.add_command(serve_command)
main.add_command(worker_command)
main.add_command(crawl_command)
main.add_command(map_command)
main.add_command(mcp_command)


@main.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    from scrapegate.storage.sql import upgrade_database

    settings = _settings()
    _run(lambda: upgrade_database(settings.resolved_database_url))
    click.echo("database is up to date")


@main.group()
def keys() -> None:
    """Create, list and revoke API keys."""


@keys.command("create")
@click.option("--org", "org_name", default="default", show_default=True)
@click.option("--name", default="default", show_default=True)
@click.option("--scopes", default="read,write", show_default=True)
@click.option(
    "--balance", type=int, default=None, help="Initial balance of a new organization in microcents."
)
def keys_create(org_name: str, name: str, scopes: str, balance: int | None) -> None:
    """Create a key; the key alone is printed on the last line."""
    from scrapegate.accounts.keys import KeyService, parse_scopes

    settings = _settings()
    default_balance = settings.billing.default_balance_microcents if balance is None else balance

    async def create(storage: Any) -> Any:
        return await KeyService(storage, default_balance).create_key(
            org_name=org_name, name=name, scopes=parse_scopes(scopes)
        )

    minted = _run(lambda: _with_storage(settings, create))
    click.echo(f"organization: {minted.org.name} ({minted.org.id})")
    click.echo(f"key id: {minted.key.id}  scopes: {','.join(minted.key.scopes)}")
    click.echo("Store this key now; it cannot be shown again:")
    click.echo(minted.raw)


@keys.command("list")
def keys_list() -> None:
    """List keys (never the keys themselves)."""
    settings = _settings()

    async def listing(storage: Any) -> list[str]:
        rows = []
        for slug_org in await storage.organizations.list_all():
            for key in await storage.api_keys.list_for_org(slug_org.id):
                state = "revoked" if key.revoked_at else "active"
                rows.append(
                    f"{key.id}  {key.key_prefix}…  {key.name}  org={slug_org.slug}  "
                    f"{','.join(key.scopes)}  {state}"
                )
        return rows

    for row in _run(lambda: _with_storage(settings, listing)):
        click.echo(row)


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Revoke a key by id."""
    from scrapegate.accounts.keys import KeyService

    settings = _settings()

    async def revoke(storage: Any) -> None:
        await KeyService(storage, 0).revoke(key_id)

    _run(lambda: _with_storage(settings, revoke))
    click.echo(f"revoked {key_id}")


@main.group()
def credits() -> None:
    """Manage organization balances."""


@credits.command("add")
@click.option("--org", "org_name", default="default", show_default=True)
@click.argument("microcents", type=int)
def credits_add(org_name: str, microcents: int) -> None:
    """Add MICROCENTS (1,000,000 = $1.00) to an organization's balance."""
    from scrapegate.accounts.keys import KeyService

    settings = _settings()

    async def add(storage: Any) -> int:
        org = await KeyService(storage, settings.billing.default_balance_microcents).ensure_org(
            org_name
        )
        await storage.ledger.apply(org.id, microcents, "deposit", note="cli credits add")
        return int(await storage.ledger.balance(org.id))

    balance = _run(lambda: _with_storage(settings, add))
    click.echo(f"balance of {org_name}: {balance} microcents")


@main.command("scrape")
@click.argument("url")
@click.option("--format", "formats", multiple=True, help="Output format (repeatable).")
@click.option("--mode", default="auto", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the whole response as JSON.")
def scrape_command(url: str, formats: tuple[str, ...], mode: str, as_json: bool) -> None:
    """Scrape URL with the local engine (no server) and print the result."""
    settings = _settings()
    body: dict[str, Any] = {"url": url, "mode": mode}
    if formats:
        body["formats"] = list(formats)
    try:
        result = _run(lambda: scrape_locally(settings, body))
    except Exception as exc:
        detail = getattr(exc, "to_dict", None)
        click.echo(json.dumps(detail() if detail else {"detail": str(exc)}, indent=2), err=True)
        sys.exit(1)
    if as_json:
        document = scrape_result_document(result)
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif isinstance(result.content, str):
        click.echo(result.content)
    else:
        click.echo(json.dumps(result.content, indent=2, ensure_ascii=False))


async def scrape_locally(settings: Settings, body: dict[str, Any]) -> ScrapeResult:
    """One scrape through the engine in this process, with throw-away in-memory storage; the
    same tiers, PDF and OCR support as the server (screenshots need the server's artifacts)."""
    from scrapegate.api.job_side import build_engine, build_validation, probe_capabilities
    from scrapegate.domain.scrape_request import parse_scrape_request
    from scrapegate.engine.conversion_runners import ThreadConversionRunner
    from scrapegate.engine.engine import ScrapeContext
    from scrapegate.storage.memory import create_memory_storage

    capabilities = probe_capabilities(settings)
    req = parse_scrape_request(body, build_validation(settings, capabilities))
    # One page: starting conversion processes would cost more than converting it here.
    conversions = ThreadConversionRunner()
    engine = build_engine(settings, create_memory_storage(), None, capabilities, conversions)
    try:
        return (await engine.scrape(req, ScrapeContext(org_id="local"))).result
    finally:
        for fetcher in engine.fetchers.values():
            await fetcher.aclose()


async def _with_storage(settings: Settings, action: Callable[[Any], Awaitable[T]]) -> T:
    from scrapegate.api.job_side import open_storage

    storage = await open_storage(settings)
    try:
        return await action(storage)
    finally:
        await storage.close()
