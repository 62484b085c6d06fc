"""The tools' arguments: names as AlterLab's MCP server spells them, with descriptions.

Choices and nested objects are documented in the input schema but not validated here: the API
validates them, so a wrong value fails with the API's own error code and message. An argument
left out (``None``) is left out of the API call, so the API's default applies.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, WithJsonSchema

from scrapegate.api.body_docs import inline_schema
from scrapegate.api.scrape_request_models import (
    AdvancedBody,
    CostControlsBody,
    LocationBody,
    ScrapeFieldsBody,
    ScrapeRequestBody,
)
from scrapegate.domain.advanced_rules import WAIT_CONDITIONS
from scrapegate.domain.map_request import SITEMAP_MODES
from scrapegate.domain.request_rules import FORMATS, MODES, PROFILES
from scrapegate.domain.search_request import SAFE_SEARCH, TIME_RANGES


def _enum(choices: tuple[str, ...]) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": list(choices)})


def _list_of(choices: tuple[str, ...]) -> WithJsonSchema:
    return WithJsonSchema({"type": "array", "items": {"type": "string", "enum": list(choices)}})


_BOOL_OR_AUTO = WithJsonSchema({"anyOf": [{"type": "boolean"}, {"const": "auto"}]})
_OBJECT = WithJsonSchema({"type": "object", "additionalProperties": True})

Url = Annotated[str, Field(description="The absolute http(s) URL")]
Formats = Annotated[
    list[str] | None,
    _list_of(FORMATS),
    Field(description='Output formats; "markdown" reads best for a model (default ["markdown"])'),
]
Mode = Annotated[
    str | None,
    _enum(MODES),
    Field(description="auto (default), html, js (headless browser), pdf or ocr"),
]
RenderJs = Annotated[
    bool | str | None,
    _BOOL_OR_AUTO,
    Field(
        description='Render JavaScript in a headless browser; "auto" renders only JS-heavy pages'
    ),
]
UseProxy = Annotated[bool | None, Field(description="Route the request through a proxy")]
WaitFor = Annotated[str | None, Field(description="A CSS selector to wait for before reading")]
WaitUntil = Annotated[
    str | None,
    _enum(WAIT_CONDITIONS),
    Field(description="The page load event to wait for (default networkidle)"),
]
Timeout = Annotated[float | None, Field(description="Request timeout in seconds (1-300)")]
Cache = Annotated[bool | None, Field(description="Allow a cached result of the same request")]
IncludeRawHtml = Annotated[bool | None, Field(description="Add the raw HTML to the result")]
ExtractionSchema = Annotated[
    dict[str, Any] | None,
    _OBJECT,
    Field(
        description="A JSON Schema, or a shorthand such as "
        '{"name": "string", "price": "number", "in_stock": "boolean"}, filled from the page'
    ),
]
ExtractionProfile = Annotated[
    str | None,
    _enum(PROFILES),
    Field(description="A built-in extraction template; auto picks one from the page"),
]
ExtractionPrompt = Annotated[
    str | None,
    Field(description="Natural-language extraction instructions (needs an LLM key on the server)"),
]
Evidence = Annotated[bool | None, Field(description="Add where each extracted value came from")]
Location = Annotated[
    dict[str, Any] | None,
    WithJsonSchema(inline_schema(LocationBody)),
    Field(description="Geo-targeting: country (ISO 3166-1 alpha-2) and language"),
]
Advanced = Annotated[
    dict[str, Any] | None,
    WithJsonSchema(inline_schema(AdvancedBody)),
    Field(description="Advanced options of the API's advanced object (actions, viewport, …)"),
]
CostControls = Annotated[
    dict[str, Any] | None,
    WithJsonSchema(inline_schema(CostControlsBody)),
    Field(description="Cost and tier controls: max_credits, max_tier, force_tier, prefer_cost, …"),
]
ScrapeDefaults = Annotated[
    dict[str, Any] | None,
    WithJsonSchema(inline_schema(ScrapeFieldsBody)),
    Field(description="Scrape options applied to every URL that does not set them"),
]

MaxPages = Annotated[int | None, Field(description="At most this many pages (crawl) or URLs (map)")]
MaxDepth = Annotated[
    int | None, Field(description="Link-following depth from the start URL (0 = start page only)")
]
Patterns = Annotated[
    list[str] | None,
    Field(description="Glob patterns on the URL path, e.g. ['/blog/*', '/docs/*']"),
]
Sitemap = Annotated[
    str | None,
    _enum(SITEMAP_MODES),
    Field(description="include (default): sitemaps and links; skip: links only; only: sitemaps"),
]
SitemapPath = Annotated[str | None, Field(description="The sitemap's path when not well known")]
RespectRobots = Annotated[bool | None, Field(description="Obey robots.txt (default true)")]
IncludeSubdomains = Annotated[bool | None, Field(description="Include the site's subdomains")]
MaxConcurrency = Annotated[int | None, Field(description="Pages of the crawl in flight at once")]
WebhookUrl = Annotated[str | None, Field(description="A URL notified when the job ends")]

CrawlId = Annotated[str, Field(description="The crawl_id that alterlab_crawl returned")]
BatchId = Annotated[str, Field(description="The batch_id that alterlab_batch_scrape returned")]
IncludeResults = Annotated[bool | None, Field(description="Include each page's scraped content")]
Offset = Annotated[int | None, Field(description="Skip this many pages/items (paging results)")]
Limit = Annotated[int | None, Field(description="Return at most this many pages/items")]
Wait = Annotated[
    bool,
    Field(description="Wait for the crawl to finish, reporting progress, and return its status"),
]
WaitTimeout = Annotated[
    float,
    Field(description="When waiting: give up waiting after this many seconds (the crawl goes on)"),
]

Query = Annotated[str, Field(description="The search query (at most 500 characters)")]
NumResults = Annotated[int | None, Field(description="Number of results (1-50, default 10)")]
Page = Annotated[int | None, Field(description="Result page, 1-based (1-10)")]
Domain = Annotated[str | None, Field(description="Restrict results to this domain")]
Country = Annotated[str | None, Field(description="ISO 3166-1 alpha-2 country of the results")]
Language = Annotated[str | None, Field(description="ISO 639-1 language of the results")]
TimeRange = Annotated[str | None, _enum(TIME_RANGES), Field(description="Only results this recent")]
SafeSearch = Annotated[
    str | bool | None, _enum(SAFE_SEARCH), Field(description="off, moderate (default) or strict")
]
ScrapeResults = Annotated[
    bool | None, Field(description="Also scrape every result page (billed per page)")
]
MapSearch = Annotated[str | None, Field(description="Rank the URLs by relevance to this query")]
IncludeMetadata = Annotated[
    bool | None, Field(description="Fetch each URL's title and description (slower)")
]
BatchUrls = Annotated[
    list[str | dict[str, Any]],
    WithJsonSchema(
        {
            "type": "array",
            "minItems": 1,
            "maxItems": 100,
            "items": {"anyOf": [{"type": "string"}, inline_schema(ScrapeRequestBody)]},
        }
    ),
    Field(description="Up to 100 URLs, each a URL string or a scrape request with its url"),
]
IgnoreInvalid = Annotated[
    bool | None, Field(description="Submit the valid items when some are invalid")
]
FullPage = Annotated[bool | None, Field(description="Capture the whole page, not the viewport")]
