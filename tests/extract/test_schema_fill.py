"""extraction_schema: shorthand and JSON Schema filled from the page, coerced, never invented."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate.domain.extraction import ExtractionOutcome, ExtractionRequest
from scrapegate.domain.json_types import JsonValue
from scrapegate.extract import extract_page
from scrapegate.extract.coerce import as_boolean, as_date, as_datetime, as_duration, as_number
from scrapegate.extract.shorthand import as_json_schema
from tests.extract.pages import BY_NAME, page_facts


def fill(page: str, schema: dict[str, Any], evidence: bool = False) -> ExtractionOutcome:
    request = ExtractionRequest(schema=schema, evidence=evidence)
    return extract_page(BY_NAME[page].facts(), request)


@pytest.mark.parametrize(
    ("raw", "number"),
    [("$1,299.00", 1299.0), ("1.299,00 €", 1299.0), ("29,99", 29.99), ("EUR 12", 12.0),
     (15, 15.0), ("Rated 4.5 out of 5", 4.5), ("1,250", 1250.0), ("free", None), (True, None)],
)  # fmt: skip
def test_numbers_are_read_from_price_texts(raw: JsonValue, number: float | None) -> None:
    assert as_number(raw) == number


@pytest.mark.parametrize(
    ("raw", "flag"),
    [("yes", True), ("In stock", True), ("https://schema.org/InStock", True), ("no", False),
     ("Sold out", False), ("https://schema.org/OutOfStock", False), ("maybe", None), (1, True),
     (2, None)],
)  # fmt: skip
def test_booleans_are_read_from_words(raw: JsonValue, flag: bool | None) -> None:
    assert as_boolean(raw) is flag


def test_dates_and_durations_are_normalised() -> None:
    assert as_date("2026-03-02T10:00:00+01:00") == "2026-03-02"
    assert as_date("March 2, 2026") == "2026-03-02"
    assert as_date("not a date") is None
    assert as_datetime("2026-03-02T10:00:00+01:00") == "2026-03-02T09:00:00Z"
    assert as_datetime("Mon, 02 Mar 2026 10:00:00 GMT") == "2026-03-02T10:00:00Z"
    assert as_datetime("2026-03-02") == "2026-03-02"
    assert as_duration("PT25M") == "PT25M"
    assert as_duration("1 hour 30 min") == "PT1H30M"


def test_shorthand_becomes_json_schema_with_non_nullable_fields_required() -> None:
    shorthand = {
        "hero_banners": [{"image_url": "url"}],
        "promotions": [{"description": "string", "promo_code": "string | null"}],
        "launched": "date",
    }
    assert as_json_schema(shorthand) == {
        "type": "object",
        "properties": {
            "hero_banners": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"image_url": {"type": "string", "format": "uri"}},
                    "required": ["image_url"],
                },
            },
            "promotions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "description": {"type": "string"},
                        "promo_code": {"type": ["string", "null"]},
                    },
                    "required": ["description"],
                },
            },
            "launched": {"type": "string", "format": "date"},
        },
        "required": ["hero_banners", "promotions", "launched"],
    }


def test_shorthand_fields_come_from_schema_org_with_aliases_and_coercion() -> None:
    schema = {
        "name": "string",
        "price": "number",
        "currency": "string",
        "in_stock": "boolean",
        "rating": "number",
        "brand": "string",
        "images": ["url"],
        "warranty_years": "integer | null",
    }
    outcome = fill("product_jsonld", schema)
    assert outcome.result == {
        "name": "Trailblazer 2 Hiking Boot",
        "price": 129.0,
        "currency": "EUR",
        "in_stock": True,
        "rating": 4.6,
        "brand": "Northpeak",
        "images": [
            "https://cdn.example.com/img/trailblazer-2-side.jpg",
            "https://cdn.example.com/img/trailblazer-2-sole.jpg",
        ],
        "warranty_years": None,  # not on the page: null, and not listed as missing (nullable)
    }
    assert outcome.missing == () and outcome.warning is None


def test_missing_required_fields_are_null_and_listed_in_the_warning() -> None:
    outcome = fill("product_og", {"name": "string", "sku": "string", "price": "number"})
    assert outcome.result == {"name": "Canvas Tote Bag", "sku": None, "price": 1299.0}
    assert outcome.missing == ("/sku",)
    assert outcome.warning == "Required fields not found on the page: /sku."


def test_full_json_schema_with_refs_nested_objects_and_enums() -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {"money": {"type": "number", "minimum": 0}},
        "properties": {
            "title": {"type": "string"},
            "published": {"type": "string", "format": "date-time"},
            "aggregateRating": {
                "type": "object",
                "properties": {
                    "ratingValue": {"$ref": "#/$defs/money"},
                    "best": {"type": "number"},
                },
            },
            "hiring": {"type": "object", "properties": {"company": {"type": "string"}}},
            "kind": {"type": "string", "enum": ["FULL_TIME", "PART_TIME"]},
        },
        "required": ["title", "hiring"],
    }
    outcome = fill("job_posting", schema)
    assert outcome.result == {
        "title": "Senior Backend Engineer (Python)",
        "published": "2026-02-20",
        "aggregateRating": None,
        "hiring": {"company": "Lumen Analytics"},
        "kind": None,
    }
    assert outcome.missing == ()


def test_an_enum_value_is_matched_loosely_or_left_null() -> None:
    schema = {
        "type": "object",
        "properties": {
            "availability": {"type": "string", "enum": ["InStock", "OutOfStock"]},
            "employmentType": {"type": "string", "enum": ["CONTRACT"]},
        },
    }
    product = fill("product_microdata", schema).result
    assert product is not None and product["availability"] == "OutOfStock"
    job = fill("job_posting", schema).result
    assert job is not None and job["employmentType"] is None  # FULL_TIME is not allowed


def test_values_the_schema_rejects_are_set_back_to_null_with_a_warning() -> None:
    schema = {
        "type": "object",
        "properties": {"price": {"type": "number", "maximum": 100}},
    }
    outcome = fill("product_jsonld", schema, evidence=True)
    assert outcome.result == {"price": None}
    assert outcome.evidence == {}
    assert outcome.warning is not None and outcome.warning.startswith("/price was left null")


def test_lists_of_objects_come_from_dom_finds() -> None:
    schema = {
        "hero_banners": [{"image_url": "url", "headline": "string | null"}],
        "promotions": [{"description": "string", "promo_code": "string | null"}],
        "products": [{"name": "string", "price": "number", "currency": "string"}],
    }
    outcome = fill("shop_home", schema, evidence=True)
    result = outcome.result
    assert result is not None
    assert result["promotions"] == [
        {
            "description": "Spring sale: 20% off all lighting with code BRIGHT20",
            "promo_code": "BRIGHT20",
        }
    ]
    assert [b["headline"] for b in result["hero_banners"]] == [  # type: ignore[index,union-attr]
        "The spring collection is here",
        "Outdoor living, made easy",
    ]
    assert result["products"][1] == {  # type: ignore[index]
        "name": "Luna floor lamp",
        "price": 189.0,
        "currency": "USD",
    }
    assert outcome.evidence is not None
    banner = outcome.evidence["/hero_banners/0/image_url"]
    assert banner.source == "dom" and banner.selector is not None and "slide" in banner.selector


def test_faq_questions_come_from_the_dom_without_schema_org() -> None:
    outcome = fill("faq_dom", {"questions": [{"question": "string", "answer": "string"}]})
    assert outcome.result is not None
    questions = outcome.result["questions"]
    assert isinstance(questions, list) and len(questions) == 3
    assert questions[1] == {
        "question": "Can I return an item?",
        "answer": "Yes. You can return unused items within 30 days for a full refund.",
    }


def test_evidence_is_keyed_by_json_pointer_with_its_source() -> None:
    schema = {
        "headline": "string",
        "author": "string",
        "section": "string",
        "word_count": "integer",
    }
    outcome = fill("news_article", schema, evidence=True)
    assert outcome.result == {
        "headline": "City council approves river park plan",
        "author": "Priya Raman",
        "section": "Local",
        "word_count": 97,
    }
    evidence = outcome.evidence
    assert evidence is not None and list(evidence) == [
        "/headline",
        "/author",
        "/section",
        "/word_count",
    ]
    assert (evidence["/author"].source, evidence["/author"].path) == ("schema_org", "author")
    assert evidence["/section"].source == "meta" and evidence["/section"].path == "article:section"
    assert evidence["/word_count"].source == "dom"


def test_nothing_is_invented_for_fields_the_page_does_not_have() -> None:
    facts = page_facts("<html><body><p>Just a sentence.</p></body></html>", "https://e.com/x")
    schema = {"name": "string", "price": "number", "in_stock": "boolean", "tags": ["string"]}
    outcome = extract_page(facts, ExtractionRequest(schema=schema, evidence=True))
    assert outcome.result == {"name": None, "price": None, "in_stock": None, "tags": None}
    assert outcome.evidence == {}
    assert outcome.missing == ("/name", "/price", "/in_stock", "/tags")


def test_promote_false_keeps_the_primary_entity_out_of_top_level_keys() -> None:
    facts = BY_NAME["product_jsonld"].facts()
    promoted = extract_page(facts, ExtractionRequest(schema={"name": "string"}, evidence=True))
    assert promoted.evidence is not None
    assert promoted.evidence["/name"].source == "schema_org"
    request = ExtractionRequest(schema={"name": "string"}, evidence=True, promote_schema_org=False)
    plain = extract_page(facts, request)
    assert plain.result == {"name": "Trailblazer 2 Hiking Boot"}
    assert plain.evidence is not None and plain.evidence["/name"].source == "open_graph"
