"""A core scrape result as Firecrawl's Document, and a core map result as Firecrawl's links."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from scrapegate.api.firecrawl.errors import reason_phrase
from scrapegate.api.firecrawl.v2_models import (
    ActionsOutput,
    Document,
    DocumentMetadata,
    MapLink,
    MapResponse,
)
from scrapegate.domain.json_types import JsonValue
from scrapegate.domain.scrape_document import ActionResultDocument, ScrapeResultDocument
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.jobs.discovery.links import extract_links
from scrapegate.jobs.map_service import MapResult

CREDIT_MICROCENTS = 1_000  # one Firecrawl credit, in microcents
STEALTH_TIER = 3.0  # tiers from stealth (3) up count as Firecrawl's "stealth" proxy
OG_KEYS: dict[str, str] = {
    "title": "og_title",
    "description": "og_description",
    "url": "og_url",
    "image": "og_image",
    "audio": "og_audio",
    "determiner": "og_determiner",
    "locale": "og_locale",
    "site_name": "og_site_name",
    "video": "og_video",
}
# Page <meta> names that already have a metadata field of their own.
MAPPED_META = frozenset({"title", "description", "keywords", "robots", "language"})


@dataclass(frozen=True)
class DocumentView:
    """Which Firecrawl outputs a core request stands for (read back from the stored request,
    so ``GET /v2/scrape/{id}`` presents a job as ``POST`` did)."""

    markdown: bool
    html: bool
    raw_html: bool
    links: bool
    screenshot: bool
    cache_lookup: bool
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(cls, req: ScrapeRequest, warnings: tuple[str, ...] = ()) -> DocumentView:
        formats = req.formats or ()
        return cls(
            markdown="markdown" in formats,
            html="html" in formats,
            raw_html="raw" in formats,
            links=req.include_raw_html,
            screenshot=req.advanced.screenshot,
            cache_lookup=req.cache is not False and not req.force_refresh,
            warnings=warnings,
        )


def credits_of(microcents: int, cached: bool) -> int:
    """Firecrawl credits: at least one for a fresh scrape, none for a cache hit."""
    if cached:
        return 0
    return max(1, math.ceil(microcents / CREDIT_MICROCENTS))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _texts(value: object) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return None


def _first(value: object) -> str | None:
    found = _texts(value)
    return found[0] if found else None


def _object(value: object) -> Mapping[str, JsonValue]:
    return value if isinstance(value, dict) else {}


def _proxy_used(result: ScrapeResultDocument) -> Literal["basic", "stealth"]:
    billing = result["billing"]
    proxied = any(a["name"] == "proxy" and not a["refunded"] for a in billing["addons"])
    try:
        high_tier = float(billing["tier_used"]) >= STEALTH_TIER
    except ValueError:
        high_tier = False
    return "stealth" if proxied or high_tier else "basic"


def _passthrough(
    meta: Mapping[str, JsonValue], twitter: Mapping[str, JsonValue]
) -> dict[str, object]:
    """Every other ``<meta name|property>`` under its own name (Firecrawl passes them on)."""
    extra: dict[str, object] = {
        name: value for name, value in meta.items() if name not in MAPPED_META
    }
    extra.update({f"twitter:{name}": value for name, value in twitter.items()})
    return extra


def metadata_of(
    result: ScrapeResultDocument, view: DocumentView, cached_at: str | None
) -> DocumentMetadata:
    page = result["metadata"]
    graph = _object(page.get("open_graph"))
    keywords = _texts(page.get("keywords"))
    cached = result["cached"]
    known: dict[str, object] = {
        "title": result["title"],
        "description": result["description"],
        "language": result["language"],
        "keywords": ", ".join(keywords) if keywords else None,
        "robots": _text(page.get("robots")),
        **{field: _first(graph.get(key)) for key, field in OG_KEYS.items()},
        "og_locale_alternate": _texts(graph.get("locale:alternate")),
        "favicon": _text(page.get("favicon")),
        "published_time": result["published_at"],
        "modified_time": _text(page.get("modified_at")),
        "source_url": result["url"],
        "url": result["final_url"],
        "status_code": result["status_code"],
        "content_type": result["headers"].get("content-type") or result["content_type"],
        "scrape_id": result["job_id"],
        "num_pages": result["pdf_metadata"]["num_pages"] if "pdf_metadata" in result else None,
        "proxy_used": _proxy_used(result),
        "cache_state": ("hit" if cached else "miss") if view.cache_lookup or cached else None,
        "cached_at": cached_at,
        "credits_used": credits_of(result["credits_used"], cached),
        "tier_used": result["billing"]["tier_used"],
        "error": reason_phrase(result["status_code"]),
    }
    extra = _passthrough(_object(page.get("meta")), _object(page.get("twitter")))
    aliases = {field.alias or name for name, field in DocumentMetadata.model_fields.items()}
    extra = {name: value for name, value in extra.items() if name not in aliases}
    return DocumentMetadata.model_validate({**extra, **known})


def _actions(results: Iterable[ActionResultDocument], final_url: str) -> ActionsOutput:
    output = ActionsOutput()
    for action in results:
        if not action["success"]:
            continue
        kind, value = action["type"], action["result"]
        link: Mapping[str, object] = value if isinstance(value, dict) else {}
        if kind == "screenshot" and "url" in link:
            output.screenshots.append(str(link["url"]))
        elif kind == "pdf" and "url" in link:
            output.pdfs.append(str(link["url"]))
        elif kind == "snapshot" and "html_url" in link:
            output.scrapes.append({"url": final_url, "htmlUrl": str(link["html_url"])})
        elif kind == "evaluate":
            output.javascript_returns.append({"type": type(value).__name__, "value": value})
    return output


def _screenshot(result: ScrapeResultDocument) -> str | None:
    if "screenshot_url" in result:
        return result["screenshot_url"]
    if "screenshot_base64" in result:
        return f"data:image/png;base64,{result['screenshot_base64']}"
    return None


def _links(result: ScrapeResultDocument) -> list[str]:
    raw = result.get("raw_html")
    if not raw or result.get("raw_encoding") == "base64":
        return []
    return extract_links(raw, result["final_url"])


def _warning(result: ScrapeResultDocument, view: DocumentView) -> str | None:
    notes = [*view.warnings, *([result["warning"]] if result["warning"] else [])]
    return " ".join(notes) or None


def document_from(
    result: ScrapeResultDocument, view: DocumentView, cached_at: str | None = None
) -> Document:
    content = result["content"]
    outputs = content if isinstance(content, dict) else {"markdown": content}
    actions = result.get("action_results")
    return Document(
        markdown=_text(outputs.get("markdown")) if view.markdown else None,
        html=_text(outputs.get("html")) if view.html else None,
        raw_html=_text(outputs.get("raw")) if view.raw_html else None,
        links=_links(result) if view.links else None,
        screenshot=_screenshot(result) if view.screenshot else None,
        actions=_actions(actions, result["final_url"]) if actions is not None else None,
        warning=_warning(result, view),
        metadata=metadata_of(result, view, cached_at),
    )


def map_response(result: MapResult) -> MapResponse:
    """Firecrawl's links: the start URL first, as the core map found them."""
    return MapResponse(
        links=[
            MapLink(url=item.url, title=item.title, description=item.description)
            for item in result.urls
        ]
    )
