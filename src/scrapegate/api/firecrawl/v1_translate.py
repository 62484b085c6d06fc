"""Firecrawl v1 bodies to the v2 bodies they stand for (pure functions).

v1 differs from v2 only in names and defaults: formats are strings with their options beside
them (``jsonOptions``, ``extract``), ``parsePDF`` is ``parsers``, ``geolocation`` is
``location``, and a crawl says ``maxDepth``, ``allowBackwardLinks`` and ``ignoreSitemap``.
"""

from __future__ import annotations

from typing import Literal, TypeVar

from scrapegate.api.firecrawl.v1_models import (
    JsonOptionsBody,
    V1BatchScrapeBody,
    V1CrawlBody,
    V1MapBody,
    V1ScrapeBody,
)
from scrapegate.api.firecrawl.v2_crawl_translate import BatchPlan, CrawlPlan, plan_batch, plan_crawl
from scrapegate.api.firecrawl.v2_models import FormatObject, V2MapBody
from scrapegate.api.firecrawl.v2_translate import (
    MapPlan,
    ScrapePlan,
    plan_map,
    plan_scrape,
    read_body,
)
from scrapegate.domain.validation_context import ValidationContext

V1_CRAWL_DEPTH = 10  # v1's default maxDepth
ScrapeT = TypeVar("ScrapeT", bound=V1ScrapeBody)


def v1_format(entry: str | FormatObject, body: V1ScrapeBody) -> str | FormatObject:
    """``json``/``extract`` carry their options beside the format in v1."""
    if entry not in ("json", "extract"):
        return entry
    options = (body.json_options if entry == "json" else body.extract) or JsonOptionsBody()
    return FormatObject.model_validate(
        {"type": "json", "schema": options.schema_, "prompt": options.prompt}
    )


def as_v2_scrape(body: ScrapeT) -> ScrapeT:
    """The same body in v2 terms (its class kept, so a batch body stays a batch body)."""
    update: dict[str, object] = {}
    if body.formats is not None:
        update["formats"] = [v1_format(entry, body) for entry in body.formats]
    if body.parse_pdf is not None and body.parsers is None:
        update["parsers"] = ["pdf"] if body.parse_pdf else []
    if body.location is None and body.geolocation is not None:
        update["location"] = body.geolocation
    return body.model_copy(update=update)


def v1_sitemap(
    ignore_sitemap: bool, sitemap_only: bool = False
) -> Literal["include", "skip", "only"]:
    if sitemap_only:
        return "only"
    return "skip" if ignore_sitemap else "include"


def as_v2_crawl(body: V1CrawlBody) -> V1CrawlBody:
    depth = body.max_discovery_depth
    if depth is None:
        depth = V1_CRAWL_DEPTH if body.max_depth is None else body.max_depth
    entire = body.crawl_entire_domain
    if "crawl_entire_domain" not in body.model_fields_set and body.allow_backward_links:
        entire = True
    update: dict[str, object] = {
        "max_discovery_depth": depth,
        "crawl_entire_domain": entire,
        "scrape_options": as_v2_scrape(body.scrape_options or V1ScrapeBody()),
    }
    if "sitemap" not in body.model_fields_set:
        update["sitemap"] = v1_sitemap(body.ignore_sitemap)
    return body.model_copy(update=update)


def as_v2_map(body: V1MapBody) -> V2MapBody:
    return V2MapBody(
        url=body.url,
        search=body.search,
        sitemap=v1_sitemap(body.ignore_sitemap, body.sitemap_only),
        include_subdomains=body.include_subdomains,
        ignore_query_parameters=body.ignore_query_parameters,
        limit=body.limit,
        timeout=body.timeout,
        location=body.location,
    )


def plan_v1_scrape(raw: object, ctx: ValidationContext) -> ScrapePlan:
    return plan_scrape(as_v2_scrape(read_body(raw, V1ScrapeBody)), ctx)


def plan_v1_crawl(raw: object, ctx: ValidationContext) -> CrawlPlan:
    return plan_crawl(as_v2_crawl(read_body(raw, V1CrawlBody)), ctx)


def plan_v1_batch(raw: object, ctx: ValidationContext) -> BatchPlan:
    return plan_batch(as_v2_scrape(read_body(raw, V1BatchScrapeBody)), ctx)


def plan_v1_map(raw: object, ctx: ValidationContext) -> MapPlan:
    return plan_map(as_v2_map(read_body(raw, V1MapBody)), ctx)
