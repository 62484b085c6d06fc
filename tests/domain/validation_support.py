"""Shared builders for the scrape-validation tests."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.pricing import PriceTable
from scrapegate.domain.scrape_request import ScrapeRequest, ValidationContext, parse_scrape_request
from scrapegate.errors import ScrapegateError

URL = "https://example.com/page"


def make_ctx(**overrides: Any) -> ValidationContext:
    """A server with every optional capability, so each test removes only what it examines."""
    settings: dict[str, Any] = {
        "policy": NetPolicy(),
        "prices": PriceTable.defaults(),
        "browser_available": True,
        "pdf_available": True,
        "ocr_available": True,
        "ocr_languages": frozenset({"eng", "deu"}),
        "captcha_configured": True,
        "llm_available": True,
        "geo_proxies": True,
    }
    settings.update(overrides)
    return ValidationContext(**settings)


def parse(body: dict[str, Any], **ctx_overrides: Any) -> ScrapeRequest:
    return parse_scrape_request({"url": URL, **body}, make_ctx(**ctx_overrides))


def rejection(body: object, **ctx_overrides: Any) -> ScrapegateError:
    with pytest.raises(ScrapegateError) as caught:
        parse_scrape_request(body, make_ctx(**ctx_overrides))
    return caught.value


BAD = "INVALID_REQUEST"
BROWSER_ONLY: dict[str, Any] = {"advanced": {"render_js": True}}


def case(
    rule: str, body: dict[str, Any], code: str, detail: str, field: str | None, **ctx: Any
) -> Any:
    """One row of a rule table: the body (``url`` added), the server, the expected error."""
    return pytest.param(body, ctx, code, detail, field, id=rule)


def assert_rejected(
    body: dict[str, Any], ctx: dict[str, Any], code: str, detail: str, field: str | None
) -> None:
    error = rejection({"url": URL, **body}, **ctx)
    assert error.code == code
    assert error.detail == detail
    assert error.to_dict()["message"] == detail
    assert (error.details or {}).get("field") == field
