"""Facts collection in the converter, the conversion task, and the scrape document's keys."""

from __future__ import annotations

import pickle
from dataclasses import replace
from typing import Any

from scrapegate.convert import ConvertOptions, convert_document
from scrapegate.convert.dom import parse_html
from scrapegate.convert.selectors import select_all
from scrapegate.domain.extraction import ExtractionRequest
from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.pricing import PriceTable
from scrapegate.domain.scrape_document import ScrapeResultDocument, scrape_result_document
from scrapegate.domain.scrape_request import ValidationContext, parse_scrape_request
from scrapegate.domain.tiers import Tier
from scrapegate.engine.conversion_task import PageToConvert, convert_page
from scrapegate.engine.engine import ScrapeContext, ScrapeEngine
from scrapegate.fetchers import build_fetchers
from scrapegate.fetchers.base import Fetcher
from scrapegate.storage.memory import create_memory_storage
from tests.extract.pages import BY_NAME

POLICY = NetPolicy(allow_private=True)
PRICES = PriceTable.defaults()
CONTEXT = ValidationContext(
    policy=POLICY, prices=PRICES, browser_available=False, ocr_available=False, pdf_available=True
)


def test_a_plain_conversion_collects_no_facts() -> None:
    page = BY_NAME["shop_home"]
    converted = convert_document(
        page.html(), media_type="text/html", url=page.url, formats=["markdown"]
    )
    assert converted.facts is None and converted.extraction is None


def test_facts_are_read_before_main_content_extraction_prunes_the_page() -> None:
    page = BY_NAME["shop_home"]
    converted = convert_document(
        page.html(),
        media_type="text/html",
        url=page.url,
        formats=["markdown"],
        options=ConvertOptions(collect_facts=True),
    )
    facts = converted.facts
    assert facts is not None
    assert "Sign in" not in converted.markdown  # the header menu is not main content...
    assert "Sign in" in [link.text for link in facts.dom.categories]  # ...but it is a fact
    assert facts.main_markdown and facts.word_count > 0


def test_every_dom_selector_finds_its_element_again() -> None:
    for name in ("shop_home", "directory", "faq_dom", "product_jsonld"):
        page = BY_NAME[name]
        dom = page.facts().dom
        root = parse_html(page.html(), page.url).root
        selectors = [
            *(c.selector for c in dom.cards),
            *(b.selector for b in dom.banners),
            *(p.selector for p in dom.promotions),
            *(q.selector for q in dom.faq),
            *(p.selector for p in dom.prices),
            *(link.selector for link in dom.categories),
        ]
        assert selectors, name
        for selector in selectors:
            assert len(select_all(root, selector)) == 1, (name, selector)


def test_the_conversion_task_extracts_and_leaves_the_facts_behind() -> None:
    page = BY_NAME["product_jsonld"]
    task = PageToConvert(
        page.html(),
        "text/html",
        page.url,
        ("markdown",),
        ConvertOptions(collect_facts=True),
        ExtractionRequest(profile="product", evidence=True),
    )
    converted = convert_page(pickle.loads(pickle.dumps(task)))
    assert converted.facts is None
    assert converted.extraction is not None and converted.extraction.result is not None
    assert converted.extraction.result["price"] == 129.0
    assert pickle.loads(pickle.dumps(converted)).extraction == converted.extraction


def test_a_text_document_is_extracted_from_its_text() -> None:
    task = PageToConvert(
        "Plain words about nothing in particular.",
        "text/plain",
        "https://example.com/notes.txt",
        ("markdown",),
        ConvertOptions(collect_facts=True),
        ExtractionRequest(schema={"price": "number", "title": "string | null"}),
    )
    outcome = convert_page(task).extraction
    assert outcome is not None
    assert outcome.result == {"price": None, "title": None}
    assert outcome.missing == ("/price",)


async def scrape(
    body: dict[str, Any], context: ValidationContext = CONTEXT
) -> ScrapeResultDocument:
    fetchers: dict[Tier, Fetcher] = dict(build_fetchers(None))
    engine = ScrapeEngine(fetchers, PRICES, POLICY, create_memory_storage().playbook)
    try:
        outcome = await engine.scrape(parse_scrape_request(body, context), ScrapeContext("org"))
    finally:
        for fetcher in fetchers.values():
            await fetcher.aclose()
    return scrape_result_document(outcome.result)


async def test_extraction_keys_follow_the_charge_keys(fixture_site: Any) -> None:
    url = fixture_site.url("/extraction/product")
    plain = await scrape({"url": url})
    document = await scrape({"url": url, "extraction_profile": "product", "evidence": True})
    added = [key for key in document if key not in plain]
    assert added == [
        "extraction_result",
        "filtered_content",
        "extraction_method",
        "extraction_error",
        "evidence",
    ]
    assert list(document).index("extraction_result") == list(document).index("tier_cap_warning") + 1
    assert document["extraction_method"] == "algorithmic"
    assert document["extraction_error"] is None
    assert document["filtered_content"] == document["extraction_result"]
    assert document["credits_used"] == plain["credits_used"]  # algorithmic extraction is free


async def test_a_raw_only_scrape_still_extracts(fixture_site: Any) -> None:
    url = fixture_site.url("/extraction/product")
    document = await scrape({"url": url, "extraction_profile": "product", "formats": ["raw"]})
    result = document["extraction_result"]
    assert result is not None and result["sku"] == "RG-S40-GRN"


async def test_a_prompt_without_an_llm_in_the_engine_is_an_extraction_error(
    fixture_site: Any,
) -> None:
    url = fixture_site.url("/extraction/product")
    body = {"url": url, "extraction_profile": "product", "extraction_prompt": "Get the price"}
    document = await scrape(body, replace(CONTEXT, llm_available=True))
    assert document["extraction_method"] == "llm" and document["extraction_result"] is None
    error = document["extraction_error"]
    assert error is not None and error["error"] == "EXTRACTION_FAILED"
    assert all(a["name"] != "llm_extraction" for a in document["billing"]["addons"])
