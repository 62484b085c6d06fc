"""The built-in profiles over saved pages: exact golden outputs, auto's choice, evidence."""

from __future__ import annotations

import pytest

from scrapegate.domain.extraction import ExtractionRequest
from scrapegate.domain.page_facts import PageFacts
from scrapegate.extract import extract_page
from tests.extract.pages import BY_NAME, PAGES, FixturePage


def profile_of(page: FixturePage) -> str:
    return "auto" if page.profile == "generic" else page.profile


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_profile_output_matches_the_golden_file(page: FixturePage) -> None:
    outcome = extract_page(page.facts(), ExtractionRequest(profile=profile_of(page)))
    assert outcome.error is None
    assert outcome.method == "algorithmic"
    assert outcome.result == page.golden()
    assert outcome.evidence is None  # not asked for


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_auto_picks_the_profile_the_page_is_written_for(page: FixturePage) -> None:
    outcome = extract_page(page.facts(), ExtractionRequest(profile="auto"))
    assert outcome.result is not None
    assert outcome.profile == page.profile
    assert outcome.result["_profile"] == page.profile
    if page.profile != "generic":
        expected = page.golden()
        assert outcome.result == {"_profile": page.profile, **expected}


def test_product_evidence_points_at_schema_org_paths() -> None:
    request = ExtractionRequest(profile="product", evidence=True)
    outcome = extract_page(BY_NAME["product_jsonld"].facts(), request)
    assert outcome.evidence is not None
    price = outcome.evidence["/price"]
    assert (price.source, price.path, price.confidence) == ("schema_org", "offers.price", 1.0)
    assert price.snippet == '"price": "129.00"'
    assert outcome.evidence["/rating/value"].path == "aggregateRating.ratingValue"
    assert outcome.evidence["/variants/1/price"].path == "hasVariant[1].offers.price"
    assert outcome.evidence["/brand"].path == "brand.name"
    # Every pointer names a field that holds a value in the result.
    assert outcome.result is not None
    for where in outcome.evidence:
        assert resolve(outcome.result, where) is not None, where


def test_og_and_dom_evidence_say_where_they_came_from() -> None:
    request = ExtractionRequest(profile="product", evidence=True)
    og = extract_page(BY_NAME["product_og"].facts(), request).evidence
    assert og is not None
    assert og["/price"].source == "open_graph" and og["/price"].path == "og:price:amount"
    assert og["/name"].snippet == '<meta property="og:title" content="Canvas Tote Bag">'
    faq = extract_page(BY_NAME["faq_dom"].facts(), ExtractionRequest(profile="faq", evidence=True))
    assert faq.evidence is not None
    first = faq.evidence["/items/0"]
    assert first.source == "dom" and first.selector is not None
    assert first.selector.endswith("details:nth-of-type(1)")
    assert first.snippet.startswith("<details> <summary>How long does shipping take?")


def test_a_field_the_page_does_not_state_is_null() -> None:
    """Nothing invented: no SKU, GTIN, brand, rating or availability on this page."""
    result = extract_page(BY_NAME["product_og"].facts(), ExtractionRequest(profile="product"))
    assert result.result is not None
    fields = result.result
    assert fields["sku"] is None and fields["gtin"] is None and fields["brand"] is None
    assert fields["rating"] is None and fields["variants"] == []
    assert fields["availability"] == "unknown"


def test_an_empty_page_gives_every_profile_field_empty() -> None:
    facts = PageFacts(url="https://example.com/empty")
    for name in ("product", "article", "job_posting", "recipe", "event"):
        result = extract_page(facts, ExtractionRequest(profile=name)).result
        assert result is not None
        filled = {k: v for k, v in result.items() if k != "url" and v not in (None, [], "unknown")}
        assert filled == {}, name
    listing = extract_page(facts, ExtractionRequest(profile="directory_listing")).result
    assert listing == {"items": [], "pagination": None}


def resolve(document: object, where: str) -> object:
    node = document
    for part in where.split("/")[1:]:
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node[part]
    return node
