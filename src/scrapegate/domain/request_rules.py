"""Top-level scrape fields: validation rules 2-11 and 28-52."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TypedDict, cast

import orjson

from scrapegate.domain.countries import normalize_country
from scrapegate.domain.netrules import check_host
from scrapegate.domain.request_fields import FieldReader
from scrapegate.domain.schema_check import schema_problem
from scrapegate.domain.scrape_model import CacheOption, Location, Mode
from scrapegate.domain.urls import TargetURL, check_webhook_url, parse_target_url
from scrapegate.domain.validation_context import ValidationContext
from scrapegate.errors import FeatureUnavailable, InvalidRequest, LLMKeyMissing

if TYPE_CHECKING:
    from scrapegate.domain.json_types import JsonObject

MODES: tuple[str, ...] = ("auto", "html", "js", "pdf", "ocr")
MODE_ALIASES = {"light": "html"}
FORMATS: tuple[str, ...] = ("text", "json", "json_v2", "html", "markdown", "rag", "content", "raw")
METHODS: tuple[str, ...] = ("DELETE", "GET", "PATCH", "POST", "PUT")
CONTENT_TYPES: tuple[str, ...] = (
    "application/json",
    "application/x-www-form-urlencoded",
    "text/plain",
    "application/graphql",
)
PROFILES: tuple[str, ...] = (
    "auto",
    "product",
    "article",
    "job_posting",
    "faq",
    "recipe",
    "event",
    "ecommerce_homepage",
    "directory_listing",
)
LLM_PROVIDERS: tuple[str, ...] = ("openai", "anthropic", "openrouter", "groq", "openai_compatible")
WEBHOOK_EVENTS: tuple[str, ...] = ("job.completed", "job.failed")
MAX_SCHEMA_BYTES = 65_536
MAX_PROMPT_CHARS = 4_000
MAX_RESPONSE_BYTES = 52_428_800
COUNTRY_DETAIL = "location.country must be an ISO 3166-1 alpha-2 code"
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def read_url(top: FieldReader, ctx: ValidationContext) -> tuple[str, TargetURL]:
    """Rules 2-6 (rule 4 on what the URL says literally; fetchers check resolved addresses)."""
    url = top.raw("url")
    if url is None or url == "":
        raise top.error("url", "url is required")
    if not isinstance(url, str):
        raise top.error("url", "url must be a string")
    target = parse_target_url(url)
    check_host(target.host, target.port, ctx.policy)
    return url, target


def read_mode(top: FieldReader) -> Mode:
    """Rule 7; ``light`` is an alias of ``html``."""
    value = top.raw("mode")
    if value is None:
        return "auto"
    value = MODE_ALIASES.get(value, value) if isinstance(value, str) else value
    if value in MODES:
        return cast(Mode, value)
    raise top.error("mode", f"mode must be one of: {', '.join(MODES)}")


def read_formats(top: FieldReader) -> tuple[str, ...] | None:
    """Rules 8-9; duplicates removed, first occurrence kept."""
    value = top.raw("formats")
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(f, str) for f in value):
        raise top.error("formats", "formats must be a non-empty list of strings")
    for name in value:
        if name not in FORMATS:
            raise top.error("formats", f'Unknown format "{name}". Allowed: {", ".join(FORMATS)}')
    return tuple(dict.fromkeys(value))


def read_cache(top: FieldReader, method: object, default_ttl: int) -> tuple[CacheOption, int]:
    """Rules 28-30. ``cache: "only"`` (serve from cache or 404 CACHE_MISS) counts as enabled."""
    cache = top.raw("cache")
    if cache is None:
        cache = False
    if not isinstance(cache, bool) and cache != "only":
        raise top.error("cache", 'cache must be true, false, or "only"')
    if top.has("cache_ttl") and cache is False:
        raise top.error("cache_ttl", "cache_ttl requires cache=true")
    ttl = top.integer("cache_ttl", 60, 86_400, "cache_ttl must be between 60 and 86400 seconds")
    upper = method.upper() if isinstance(method, str) else method
    if cache is not False and upper not in (None, "GET"):
        raise top.error("cache", "cache can only be used with method GET")
    return cache, default_ttl if ttl is None else ttl


def read_method_and_body(top: FieldReader) -> tuple[str, str | None, str | None]:
    """Rules 31-34: method (case-insensitive), body, content_type."""
    raw = top.raw("method")
    method = raw.upper() if isinstance(raw, str) else raw
    if method is None:
        method = "GET"
    if method not in METHODS:
        raise top.error("method", f"method must be one of: {', '.join(METHODS)}")
    if top.has("body") and method == "GET":
        raise top.error(
            "body",
            "body cannot be used with method 'GET'. Use method 'POST' (or PUT/PATCH) to send a "
            "request body.",
        )
    body = top.raw("body")
    if body is not None and not isinstance(body, str):
        raise top.error("body", "body must be a string; serialise JSON before sending")
    content_type = top.choice(
        "content_type", CONTENT_TYPES, f"content_type must be one of: {', '.join(CONTENT_TYPES)}"
    )
    if content_type is None and body is not None:
        content_type = "application/json"
    return str(method), body, content_type


def read_max_response_bytes(top: FieldReader, default: int) -> int:
    """Rule 40."""
    value = top.integer(
        "max_response_bytes",
        0,
        MAX_RESPONSE_BYTES,
        f"max_response_bytes must be between 0 and {MAX_RESPONSE_BYTES}",
    )
    return default if value is None else value


def _read_country(reader: FieldReader, name: str) -> str | None:
    value = reader.raw(name)
    if value is None:
        return None
    code = normalize_country(value) if isinstance(value, str) else None
    if code is None:
        raise reader.error(name, COUNTRY_DETAIL)
    return code


def read_location(
    top: FieldReader, advanced: FieldReader | None, ctx: ValidationContext
) -> Location | None:
    """Rules 41-43. ``location.country`` wins over ``country`` and ``advanced.proxy_country``."""
    location = top.child("location")
    candidates = [
        _read_country(location, "country") if location is not None else None,
        _read_country(top, "country"),
        _read_country(advanced, "proxy_country") if advanced is not None else None,
    ]
    country = next((c for c in candidates if c is not None), None)
    language = None
    if location is not None:
        language = location.string("language")
        if language is not None and not _LANGUAGE.match(language):
            raise location.error(
                "language", "location.language must be an ISO 639-1 code or a BCP 47 tag"
            )
    if country is not None and not ctx.geo_proxies:
        raise FeatureUnavailable("Geo-targeting is not configured on this server", "geo_targeting")
    if country is not None and ctx.geo_countries and country not in ctx.geo_countries:
        raise InvalidRequest(
            f'No proxy is available for country "{country}"',
            field="location.country",
            available_countries=sorted(ctx.geo_countries),
        )
    if country is None and language is None:
        return None
    return Location(country=country, language=language)


def read_webhook(
    top: FieldReader, ctx: ValidationContext, allowed_events: tuple[str, ...] = WEBHOOK_EVENTS
) -> tuple[str | None, str | None, tuple[str, ...] | None]:
    """Rules 44-45, then ``webhook_secret`` and ``webhook_events``."""
    url = top.raw("webhook_url")
    if url is not None:
        if not isinstance(url, str):
            raise top.error("webhook_url", "webhook_url must be an https URL")
        check_webhook_url(
            url, development=ctx.development, allow_private=ctx.webhooks_allow_private
        )
    secret = top.string("webhook_secret")
    if secret is not None and not 16 <= len(secret) <= 256:
        raise top.error("webhook_secret", "webhook_secret must be between 16 and 256 characters")
    events = top.string_list("webhook_events")
    unknown = sorted(set(events or ()) - set(allowed_events))
    if unknown:
        raise top.error(
            "webhook_events",
            f"webhook_events contains unknown events: [{', '.join(unknown)}]. "
            f"Allowed: [{', '.join(allowed_events)}]",
        )
    return url, secret, tuple(dict.fromkeys(events)) if events is not None else None


class ExtractionFields(TypedDict):
    """The extraction options, as ScrapeRequest keyword arguments."""

    extraction_schema: JsonObject | None  # the caller's JSON schema
    extraction_prompt: str | None
    extraction_profile: str | None
    extraction_provider: str | None
    extraction_model: str | None


def _read_schema(top: FieldReader) -> JsonObject | None:
    """Rules 46-48."""
    schema = top.raw("extraction_schema")
    if schema is None:
        return None
    if not isinstance(schema, dict):
        raise top.error("extraction_schema", "extraction_schema must be a JSON object")
    if len(orjson.dumps(schema)) > MAX_SCHEMA_BYTES:
        raise top.error(
            "extraction_schema", f"extraction_schema must not exceed {MAX_SCHEMA_BYTES} bytes"
        )
    problem = schema_problem(schema)
    if problem is not None:
        raise top.error("extraction_schema", f"extraction_schema is not a valid schema: {problem}")
    return schema


def read_extraction(top: FieldReader, ctx: ValidationContext) -> ExtractionFields:
    """Rules 46-52: the extraction fields."""
    schema = _read_schema(top)
    prompt = top.string(
        "extraction_prompt",
        MAX_PROMPT_CHARS,
        f"extraction_prompt must be at most {MAX_PROMPT_CHARS} characters",
    )
    profile = top.choice(
        "extraction_profile", PROFILES, f"extraction_profile must be one of: {', '.join(PROFILES)}"
    )
    if prompt is not None and not ctx.llm_available:
        raise LLMKeyMissing(
            "extraction_prompt requires an LLM: register a key with POST /api/v1/user/llm-keys "
            "or ask the operator to configure a server LLM",
            field="extraction_prompt",
        )
    provider = top.choice(
        "extraction_provider",
        LLM_PROVIDERS,
        f"extraction_provider must be one of: {', '.join(LLM_PROVIDERS)}",
    )
    if provider is not None and not ctx.llm_available:
        raise LLMKeyMissing(f"No valid {provider} key is registered", field="extraction_provider")
    model = top.string("extraction_model", 200, "extraction_model must be at most 200 characters")
    return ExtractionFields(
        extraction_schema=schema,
        extraction_prompt=prompt,
        extraction_profile=profile,
        extraction_provider=provider,
        extraction_model=model,
    )
