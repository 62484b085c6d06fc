"""``scrapegate map URL``: a site's URLs, found in this process without a server."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, NotRequired, TypedDict

import click

from scrapegate.cli.local import (
    EXIT_USAGE,
    exit_with_error,
    local_services,
    local_settings,
    settings_or_exit,
    validation_for,
)
from scrapegate.config import Settings
from scrapegate.errors import ScrapegateError

if TYPE_CHECKING:
    from scrapegate.api.map_models import MapResponse
    from scrapegate.domain.map_request import MapRequest


class MapBody(TypedDict):
    """A ``POST /api/v1/map`` body, as far as the command-line options fill it."""

    url: str
    include_subdomains: bool
    sitemap: str
    max_pages: NotRequired[int]
    search: NotRequired[str]


async def map_locally(settings: Settings, req: MapRequest) -> MapResponse:
    """One map call through the server's MapService on embedded, throw-away services."""
    from scrapegate.api.map_models import MapResponse  # lazy: keeps startup light

    async with local_services(settings) as run:
        found = await run.services.maps.map(run.who, req)
    return MapResponse.model_validate(found)


def map_body(url: str, limit: int | None, search: str | None, **flags: bool) -> MapBody:
    """The POST /api/v1/map body the command-line options stand for."""
    body = MapBody(
        url=url,
        include_subdomains=flags["include_subdomains"],
        sitemap="skip" if flags["no_sitemap"] else "include",
    )
    if limit is not None:
        body["max_pages"] = limit
    if search is not None:
        body["search"] = search
    return body


@click.command("map")
@click.argument("url")
@click.option("--limit", type=int, default=None, help="Most URLs to list (default 500).")
@click.option("--search", default=None, help="Rank URLs by relevance to these words.")
@click.option("--include-subdomains", is_flag=True, help="List subdomain URLs too.")
@click.option("--no-sitemap", is_flag=True, help="Skip sitemaps; follow links only.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole response as JSON.")
@click.option(
    "--allow-private", is_flag=True, help="Allow private and loopback addresses for this run."
)
def map_command(
    url: str,
    limit: int | None,
    search: str | None,
    include_subdomains: bool,
    no_sitemap: bool,
    as_json: bool,
    allow_private: bool,
) -> None:
    """List the URLs of the site at URL, one a line (sitemaps, feeds and links)."""
    from scrapegate.domain.map_request import parse_map_request

    settings = local_settings(settings_or_exit(), allow_private=allow_private)
    body = map_body(
        url, limit, search, include_subdomains=include_subdomains, no_sitemap=no_sitemap
    )
    try:
        req = parse_map_request(body, validation_for(settings))
    except ScrapegateError as exc:
        exit_with_error(exc, EXIT_USAGE)
    try:
        response = asyncio.run(map_locally(settings, req))
    except ScrapegateError as exc:
        exit_with_error(exc, 1)
    if as_json:
        # The body the server would send, printed with json.dumps as before.
        click.echo(json.dumps(response.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    for item in response.urls:
        click.echo(item.url)
