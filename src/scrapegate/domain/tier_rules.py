"""Cost controls and server capabilities: validation rules 53-72."""

from __future__ import annotations

import re
from dataclasses import replace

from cssselect import SelectorError, parse

from scrapegate.domain.pricing import minimum_charge
from scrapegate.domain.request_fields import FieldReader
from scrapegate.domain.scrape_model import CostControls, ScrapeRequest
from scrapegate.domain.tiers import Tier, parse_tier
from scrapegate.domain.validation_context import ValidationContext
from scrapegate.errors import FeatureUnavailable, InvalidRequest, NotFound

TIER_CHOICES = "1, 2, 3, 3.5, 4, 5"
PDF_FORMATS = ("markdown", "text")
MAX_WAIT_FOR_CHARS = 1_000
WAIT_FOR_DETAIL = "wait_for must be a valid CSS selector of at most 1000 characters"
# Tesseract language codes such as "eng", "chi_sim", "deu+fra".
_OCR_LANGUAGE = re.compile(r"^[A-Za-z0-9_]+(?:\+[A-Za-z0-9_]+)*$")
# Modes whose fetches stay on tiers 1-3 (the document is parsed locally or JS is refused).
_NO_BROWSER_MODES = ("html", "pdf", "ocr")


def _read_tier(reader: FieldReader, name: str) -> Tier | None:
    value = reader.raw(name)
    if value is None:
        return None
    tier = parse_tier(value)
    if tier is None:
        raise reader.error(name, f"{name} must be one of: {TIER_CHOICES}")
    return tier


def _read_max_credits(cc: FieldReader) -> int | None:
    value = cc.raw("max_credits")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise cc.error("max_credits", "max_credits must be greater than or equal to 0")
    credits = int(value)  # fractions of a microcent are truncated
    return credits or None  # 0 means "no bound"


def read_cost_controls(top: FieldReader) -> tuple[CostControls, Tier | None]:
    """Rules 53-57; returns the cost controls and the top-level ``min_tier``."""
    cc = top.child("cost_controls", label="") or FieldReader({}, "cost_controls.")
    max_tier = _read_tier(cc, "max_tier")
    force_tier = _read_tier(cc, "force_tier")
    min_tier = _read_tier(top, "min_tier")
    fail_fast_tier = _read_tier(cc, "fail_fast_tier") or Tier.LIGHTJS
    if force_tier is not None and max_tier is not None and force_tier > max_tier:
        raise cc.error(
            "force_tier",
            f"force_tier ({force_tier.value}) cannot exceed max_tier ({max_tier.value})",
        )
    max_credits = _read_max_credits(cc)
    time_budget = cc.number("time_budget", 5, 300, "time_budget must be between 5 and 300 seconds")
    prefer_cost = cc.boolean("prefer_cost", False)
    # ``asp: true`` is the legacy spelling of prefer_speed.
    prefer_speed = cc.boolean("prefer_speed", False) or top.boolean("asp", False)
    if prefer_cost and prefer_speed:
        raise cc.error("prefer_cost", "prefer_cost and prefer_speed are mutually exclusive")
    controls = CostControls(
        max_credits=max_credits,
        max_tier=max_tier,
        force_tier=force_tier,
        prefer_cost=prefer_cost,
        prefer_speed=prefer_speed,
        fail_fast=cc.boolean("fail_fast", False),
        fail_fast_tier=fail_fast_tier,
        time_budget=time_budget,
    )
    return controls, min_tier


def _check_floor(req: ScrapeRequest) -> None:
    """Rule 58: the floor tier must fit under max_tier, force_tier and the mode's tier range."""
    floor, feature = req.floor_feature
    cc = req.cost_controls
    for name, cap in (("max_tier", cc.max_tier), ("force_tier", cc.force_tier)):
        if cap is not None and floor > cap:
            raise InvalidRequest(
                f'{feature} requires tier {floor.value} but {name} is "{cap.value}"',
                field=f"cost_controls.{name}",
            )
    if floor > Tier.STEALTH and req.mode in _NO_BROWSER_MODES:
        raise InvalidRequest(
            f'{feature} requires tier {floor.value} but mode is "{req.mode}"', field="mode"
        )


def check_tiers_and_features(req: ScrapeRequest, ctx: ValidationContext) -> None:
    """Rules 58-62, in order."""
    _check_floor(req)
    credits = req.cost_controls.max_credits
    cheapest = minimum_charge(req, ctx.prices)
    if credits is not None and credits < cheapest:
        raise InvalidRequest(
            f"max_credits ({credits}) is below the cost of the cheapest allowed attempt "
            f"({cheapest})",
            field="cost_controls.max_credits",
        )
    if Tier.CAPTCHA in (req.cost_controls.force_tier, req.min_tier) and not ctx.captcha_configured:
        raise FeatureUnavailable(
            "Tier 5 (CAPTCHA solving) is not configured on this server", "captcha"
        )
    if req.browser_required and not ctx.browser_available:
        raise FeatureUnavailable("Browser rendering is not available on this server", "browser")
    if not ctx.allow_evaluate and any(a.type == "evaluate" for a in req.advanced.actions):
        raise FeatureUnavailable(
            "The evaluate action is disabled on this server", "browser.evaluate"
        )
    if req.mode == "pdf" and not ctx.pdf_available:
        raise FeatureUnavailable("PDF parsing is not available on this server", "pdf")
    if req.uses_ocr and not ctx.ocr_available:
        raise FeatureUnavailable("OCR is not available on this server", "ocr")


def read_document_options(
    top: FieldReader, req: ScrapeRequest, ctx: ValidationContext
) -> ScrapeRequest:
    """Rules 63-64: ``ocr_language`` (checked against installed data when OCR runs), pdf_format."""
    language = top.string("ocr_language")
    if language is not None and not _OCR_LANGUAGE.match(language):
        raise top.error(
            "ocr_language", 'ocr_language must be Tesseract language codes joined with "+"'
        )
    if language is not None and req.uses_ocr:
        for code in language.split("+"):
            if code not in ctx.ocr_languages:
                available = ", ".join(sorted(ctx.ocr_languages))
                raise top.error(
                    "ocr_language",
                    f'ocr_language "{code}" is not installed. Available: {available}',
                )
    pdf_format = top.choice(
        "pdf_format", PDF_FORMATS, f"pdf_format must be one of: {', '.join(PDF_FORMATS)}"
    )
    return replace(
        req, ocr_language=language or req.ocr_language, pdf_format=pdf_format or req.pdf_format
    )


def check_integrations(req: ScrapeRequest) -> None:
    """Rules 65-69. No proxy integrations and no stored sessions exist in this version, so
    ``use_own_proxy`` always fails rule 67 and any ``session_id`` is unknown (rule 69)."""
    adv = req.advanced
    if adv.proxy_integration_id is not None and not adv.use_own_proxy:
        raise InvalidRequest(
            "proxy_integration_id requires use_own_proxy=true",
            field="advanced.proxy_integration_id",
        )
    if adv.use_own_proxy and adv.use_system_proxy:
        raise InvalidRequest(
            "use_own_proxy and use_system_proxy are mutually exclusive",
            field="advanced.use_own_proxy",
        )
    if adv.use_own_proxy:
        raise InvalidRequest(
            "use_own_proxy requires a proxy integration", field="advanced.use_own_proxy"
        )
    if adv.session_id is not None:
        raise NotFound("Session not found", {"field": "advanced.session_id"})


def check_wait_for(req: ScrapeRequest) -> None:
    """Rule 72."""
    selector = req.wait_for
    if selector is None:
        return
    valid = 0 < len(selector) <= MAX_WAIT_FOR_CHARS and selector.strip() != ""
    if valid:
        try:
            parse(selector)
        except SelectorError:
            valid = False
    if not valid:
        raise InvalidRequest(WAIT_FOR_DETAIL, field="wait_for")
