"""The stored scrape document: key order as sent, and optional keys absent rather than null."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.pricing import PriceTable
from scrapegate.domain.scrape_document import ScrapeResultDocument, scrape_result_document
from scrapegate.domain.scrape_request import ValidationContext, parse_scrape_request
from scrapegate.domain.scrape_result import ActionOutput, ActionResult
from scrapegate.domain.tiers import Tier
from scrapegate.engine.artifacts import ArtifactSink
from scrapegate.engine.engine import EngineSettings, ScrapeContext, ScrapeEngine
from scrapegate.fetchers import build_fetchers
from scrapegate.fetchers.base import Artifact, Fetcher, FetchRequest, FetchResponse
from scrapegate.jobs.cache import ResponseCache
from scrapegate.storage.memory import create_memory_storage

POLICY = NetPolicy(allow_private=True)
PRICES = PriceTable.defaults()
CONTEXT = ValidationContext(
    policy=POLICY, prices=PRICES, browser_available=True, ocr_available=True, pdf_available=True
)
PAGE_KEYS = [
    "job_id",
    "url",
    "final_url",
    "redirected",
    "redirect_chain",
    "status_code",
    "content_type",
    "content",
    "title",
    "description",
    "language",
    "author",
    "published_at",
    "metadata",
    "headers",
    "cached",
    "response_time_ms",
    "size_bytes",
    "warning",
    "content_quality",
    "quality_warning",
    "domain_warning",
    "domain_difficulty",
    "note",
    "time_budget_expired",
    "content_truncated",
]
CHARGE_KEYS = ["billing", "credits_used", "tier_cap_warning"]
BILLING_KEYS = [
    "total_credits",
    "tier_used",
    "tier_name",
    "base_credits",
    "addon_credits",
    "addons",
    "escalations",
    "savings",
    "cached",
    "billing_enabled",
    "optimization_suggestion",
    "byop_applied",
    "byop_discount_percent",
    "original_cost_microcents",
    "final_cost_microcents",
    "byos_applied",
    "byos_session_name",
]
PAGE_HTML = "<html><head><title>T</title></head><body><article>" + "<p>word " * 80 + "</article>"


class FakeBrowser:
    """A tier-4 page with action results and files, without starting Chromium."""

    tier = Tier.BROWSER
    engine_name = "fake"

    async def fetch(self, request: FetchRequest) -> FetchResponse:
        return FetchResponse(
            url=request.url,
            status_code=200,
            headers={"content-type": "text/html; charset=utf-8"},
            body=PAGE_HTML.encode(),
            size_bytes=len(PAGE_HTML),
            artifacts=[
                Artifact("screenshot", "image/png", b"shot", action_index=1),
                Artifact("snapshot", "text/html", b"<html>x</html>", action_index=2),
                Artifact("screenshot", "image/png", b"page"),
                Artifact("pdf", "application/pdf", b"%PDF"),
            ],
            action_results=[
                action(0, "click", {"clicked": 1}),
                action(1, "screenshot", {"artifact_index": 0}),
                action(2, "snapshot", {"artifact_index": 1, "length": 14}),
                action(3, "evaluate", [1, {"a": None}]),
            ],
        )

    async def aclose(self) -> None:
        return None


def action(index: int, kind: str, result: ActionOutput) -> ActionResult:
    return ActionResult(
        index=index, type=kind, success=True, error=None, duration_ms=5, result=result
    )


class Sink:
    async def save(self, org_id: str, artifact: Artifact) -> str:
        return f"https://files.test/{artifact.kind}/{artifact.action_index}"


async def scrape(
    body: dict[str, Any],
    settings: EngineSettings = EngineSettings(),
    sink: ArtifactSink | None = None,
) -> ScrapeResultDocument:
    fetchers: dict[Tier, Fetcher] = {**build_fetchers(None), Tier.BROWSER: FakeBrowser()}
    playbook = create_memory_storage().playbook
    engine = ScrapeEngine(fetchers, PRICES, POLICY, playbook, settings, artifacts=sink)
    try:
        outcome = await engine.scrape(parse_scrape_request(body, CONTEXT), ScrapeContext("org"))
    finally:
        for fetcher in fetchers.values():
            await fetcher.aclose()
    return scrape_result_document(outcome.result)


async def test_a_plain_scrape_has_no_optional_keys(fixture_site: Any) -> None:
    document = await scrape({"url": fixture_site.url("/article")})
    assert list(document) == PAGE_KEYS + CHARGE_KEYS
    assert list(document["billing"]) == BILLING_KEYS
    assert list(document["content_quality"]) == [
        "word_count",
        "text_length",
        "html_bytes",
        "text_to_html_ratio",
        "image_count",
        "link_count",
        "main_content_found",
        "js_shell_suspected",
        "block_page_suspected",
        "login_wall_detected",
        "paywall_detected",
        "quality_score",
    ]
    assert document["tier_cap_warning"] is None and document["note"] is None


async def test_raw_html_comes_before_billing(fixture_site: Any) -> None:
    document = await scrape({"url": fixture_site.url("/article"), "include_raw_html": True})
    assert list(document) == [*PAGE_KEYS, "raw_html", *CHARGE_KEYS]
    assert "<article" in document["raw_html"]


async def test_raw_bytes_say_base64_and_report_what_the_body_tells(fixture_site: Any) -> None:
    document = await scrape({"url": fixture_site.url("/docs/report.pdf"), "formats": ["raw"]})
    assert list(document) == [*PAGE_KEYS, "raw_encoding", *CHARGE_KEYS]
    assert document["raw_encoding"] == "base64"
    assert list(document["content_quality"]) == [
        "word_count",
        "text_length",
        "html_bytes",
        "main_content_found",
        "quality_score",
        "js_shell_suspected",
        "block_page_suspected",
    ]


async def test_an_ocr_addon_without_images_is_refunded(fixture_site: Any) -> None:
    document = await scrape({"url": fixture_site.url("/thin"), "advanced": {"ocr": True}})
    assert list(document) == PAGE_KEYS + CHARGE_KEYS + ["ocr_results"]
    billing = document["billing"]
    assert billing["addons"] == [{"name": "ocr", "credits": 1_000, "refunded": True}]
    assert (billing["total_credits"], billing["addon_credits"]) == (200, 0)
    assert (billing["original_cost_microcents"], billing["final_cost_microcents"]) == (1_200, 200)
    assert document["credits_used"] == 200


BROWSER_BODY = {
    "url": "http://127.0.0.1:9/page",
    "advanced": {
        "render_js": True,
        "screenshot": True,
        "generate_pdf": True,
        "actions": [{"type": "click", "selector": "#a"}],
    },
}


async def test_artifacts_come_last_in_the_browser_order() -> None:
    settings = EngineSettings(inline_artifacts=True)
    document = await scrape(BROWSER_BODY, settings, Sink())
    tail = ["action_results", "screenshot_url", "screenshot_base64", "pdf_url", "pdf_base64"]
    assert list(document) == PAGE_KEYS + CHARGE_KEYS + tail
    assert [r["result"] for r in document["action_results"]] == [
        {"clicked": 1},
        {"url": "https://files.test/screenshot/1"},
        {"html_url": "https://files.test/snapshot/2", "length": 14},
        [1, {"a": None}],
    ]
    assert list(document["action_results"][0]) == [
        "index",
        "type",
        "success",
        "error",
        "duration_ms",
        "result",
    ]
    assert document["screenshot_url"] == "https://files.test/screenshot/None"
    assert document["pdf_base64"] == "JVBERg=="


async def test_without_a_sink_only_the_action_results_are_added() -> None:
    document = await scrape(BROWSER_BODY)
    assert list(document) == PAGE_KEYS + CHARGE_KEYS + ["action_results"]
    assert document["action_results"][1]["result"] == {"artifact_index": 0}


@pytest.mark.parametrize("inline", [False, True])
async def test_a_cache_hit_keeps_the_order_and_adds_cached_at(inline: bool) -> None:
    document = await scrape(BROWSER_BODY, EngineSettings(inline_artifacts=inline), Sink())
    cache = ResponseCache(create_memory_storage().cache)
    req = parse_scrape_request({**BROWSER_BODY, "cache": True}, CONTEXT)
    await cache.store(req, "org", document)
    hit = await cache.lookup(req, "org", "job-2")
    assert hit is not None
    assert list(hit) == [*list(document), "cached_at"]
    assert (hit["job_id"], hit["cached"], hit["credits_used"]) == ("job-2", True, 0)
    assert list(hit["billing"]) == BILLING_KEYS
    assert hit["billing"]["addons"] == [] and hit["billing"]["cached"] is True
