"""POST /api/v1/batch bodies: items, defaults, batch-level webhook."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scrapegate.domain.invalid_item import InvalidItem
from scrapegate.domain.json_types import JsonObject
from scrapegate.domain.request_fields import FieldReader
from scrapegate.domain.request_rules import read_webhook
from scrapegate.domain.scrape_request import ScrapeRequest, parse_scrape_request
from scrapegate.domain.validation_context import ValidationContext
from scrapegate.errors import InvalidRequest, ScrapegateError

BATCH_EVENTS = ("batch.completed", "batch.failed", "job.completed", "job.failed")
IGNORED_ITEM_FIELDS = ("webhook_url", "webhook_secret", "webhook_events", "sync")


@dataclass(frozen=True)
class BatchRequest:
    items: tuple[ScrapeRequest, ...]
    item_indexes: tuple[int, ...]  # each item's position in the submitted list
    invalid_items: tuple[InvalidItem, ...]
    webhook_url: str | None
    webhook_secret: str | None
    webhook_events: tuple[str, ...] | None


def parse_batch_request(body: object, ctx: ValidationContext, max_items: int) -> BatchRequest:
    if not isinstance(body, Mapping):
        raise InvalidRequest("Request body is not valid JSON")
    top = FieldReader(body)
    key, raw_items = _items(top, max_items)
    defaults = top.raw("defaults") or {}
    if not isinstance(defaults, Mapping):
        raise top.error("defaults", "defaults must be an object")
    ignore_invalid = top.raw("ignore_invalid") is True
    url, secret, events = read_webhook(top, ctx, BATCH_EVENTS)
    valid: list[tuple[int, ScrapeRequest]] = []
    invalid: list[InvalidItem] = []
    for index, item in enumerate(raw_items):
        try:
            if not isinstance(item, Mapping | str):
                raise InvalidRequest("Each item must be a scrape request object or a URL string")
            valid.append((index, _item_request(item, defaults, ctx)))
        except ScrapegateError as exc:
            invalid.append(_invalid(key, index, exc))
    if invalid and not ignore_invalid:
        raise InvalidRequest(
            f"{len(invalid)} batch item(s) are invalid; the first: {invalid[0]['message']}",
            field=key,
            errors=invalid,
        )
    if not valid:
        raise InvalidRequest("No valid items in the batch", field=key, errors=invalid)
    return BatchRequest(
        tuple(r for _, r in valid), tuple(i for i, _ in valid), tuple(invalid), url, secret, events
    )


def _items(top: FieldReader, max_items: int) -> tuple[str, list[Any]]:
    present = [name for name in ("requests", "urls") if top.has(name)]
    if len(present) != 1:
        raise InvalidRequest("Provide either requests or urls", field="requests")
    key = present[0]
    items = top.raw(key)
    if not isinstance(items, list) or not 1 <= len(items) <= max_items:
        raise top.error(key, f"{key} must be a list of 1 to {max_items} items")
    return key, items


def _item_request(
    item: Mapping[str, Any] | str, defaults: Mapping[str, Any], ctx: ValidationContext
) -> ScrapeRequest:
    """One item over the batch defaults, validated like a POST /scrape body."""
    fields: Mapping[str, Any] = {"url": item} if isinstance(item, str) else item
    body: JsonObject = dict(defaults)  # the caller's JSON, merged before validation
    for name, value in fields.items():
        base = body.get(name)
        # Objects merge one level deep: an item's advanced.x overrides only that key.
        body[name] = (
            {**base, **value} if isinstance(base, Mapping) and isinstance(value, Mapping) else value
        )
    for name in IGNORED_ITEM_FIELDS:
        body.pop(name, None)
    return parse_scrape_request(body, ctx)


def _invalid(key: str, index: int, error: ScrapegateError) -> InvalidItem:
    field = (error.details or {}).get("field")
    return {
        "index": index,
        "field": f"{key}[{index}].{field}" if field else f"{key}[{index}]",
        "error": error.code,
        "message": error.detail,
    }
