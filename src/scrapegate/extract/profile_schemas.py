"""What each built-in profile returns, as JSON Schema: the schemas of the built-in templates.

Every field may be null (a page states only what it states), so nothing is ``required``.
"""

from __future__ import annotations

from scrapegate.domain.json_types import JsonObject, JsonValue

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _nullable(kind: str, **keywords: JsonValue) -> JsonObject:
    return {"type": [kind, "null"], **keywords}


def _text(**keywords: JsonValue) -> JsonObject:
    return _nullable("string", **keywords)


def _number() -> JsonObject:
    return _nullable("number")


def _object(**properties: JsonObject) -> JsonObject:
    return _nullable("object", properties=dict(properties))


def _list(item: JsonObject) -> JsonObject:
    return {"type": "array", "items": item}


def _url() -> JsonObject:
    return _text(format="uri")


def _when() -> JsonObject:
    return _text(format="date-time")


def _duration() -> JsonObject:
    return _text(format="duration")


def _rating() -> JsonObject:
    return _object(value=_number(), count=_nullable("integer"))


def _price_range() -> JsonObject:
    return _object(min=_number(), max=_number(), currency=_text())


AVAILABILITY: list[JsonValue] = ["in_stock", "out_of_stock", "preorder", "unknown"]

_FIELDS: dict[str, dict[str, JsonObject]] = {
    "product": {
        "name": _text(), "description": _text(), "brand": _text(), "sku": _text(),
        "gtin": _text(), "price": _number(), "currency": _text(),
        "availability": {"type": "string", "enum": AVAILABILITY},
        "images": _list(_url()), "rating": _rating(),
        "variants": _list(_object(
            name=_text(), sku=_text(), price=_number(),
            availability=_text(enum=[*AVAILABILITY, None]),
        )),
        "url": _url(),
    },
    "article": {
        "headline": _text(), "authors": _list(_text()), "published_at": _when(),
        "modified_at": _when(), "section": _text(), "tags": _list(_text()), "summary": _text(),
        "body_markdown": _text(), "word_count": _nullable("integer"), "image": _url(),
    },
    "job_posting": {
        "title": _text(), "company": _text(), "location": _text(),
        "remote": _nullable("boolean"), "employment_type": _text(),
        "salary": _object(min=_number(), max=_number(), currency=_text(), period=_text()),
        "posted_at": _when(), "valid_through": _when(), "description_markdown": _text(),
        "apply_url": _url(),
    },
    "faq": {"items": _list(_object(question=_text(), answer=_text()))},
    "recipe": {
        "name": _text(), "description": _text(), "ingredients": _list(_text()),
        "instructions": _list(_text()), "prep_time": _duration(), "cook_time": _duration(),
        "total_time": _duration(), "yield": _text(),
        "nutrition": _nullable("object", additionalProperties=True), "rating": _rating(),
        "image": _url(),
    },
    "event": {
        "name": _text(), "start_at": _when(), "end_at": _when(), "timezone": _text(),
        "venue": _object(name=_text(), address=_text()), "online": _nullable("boolean"),
        "organizer": _text(), "price": _price_range(), "url": _url(), "description": _text(),
    },
    "ecommerce_homepage": {
        "hero_banners": _list(_object(image_url=_url(), headline=_text(), link=_url())),
        "promotions": _list(_object(description=_text(), promo_code=_text())),
        "featured_products": _list(_object(
            name=_text(), price=_number(), currency=_text(), url=_url(), image_url=_url(),
        )),
        "categories": _list(_object(name=_text(), url=_url())),
    },
    "directory_listing": {
        "items": _list(_object(
            name=_text(), url=_url(), description=_text(), category=_text(), address=_text(),
            phone=_text(), rating=_nullable("number"),
        )),
        "pagination": _object(
            next_url=_url(), page=_nullable("integer"), total_pages=_nullable("integer")
        ),
    },
    "auto": {
        "_profile": {"type": "string"},
        "title": _text(), "summary": _text(),
        "main_entities": _list(_object(type=_text(), name=_text())),
    },
}  # fmt: skip

NAMES: dict[str, str] = {
    "auto": "Auto", "product": "Product", "article": "Article", "job_posting": "Job posting",
    "faq": "FAQ", "recipe": "Recipe", "event": "Event",
    "ecommerce_homepage": "E-commerce home page", "directory_listing": "Directory listing",
}  # fmt: skip
DESCRIPTIONS: dict[str, str] = {
    "product": "A product page: name, price, availability, images, rating and variants.",
    "article": "An article or blog post: headline, authors, dates, tags and body.",
    "job_posting": "A job offer: title, company, location, salary and how to apply.",
    "faq": "Question and answer pairs.",
    "recipe": "A recipe: ingredients, instructions, times, nutrition and rating.",
    "event": "An event: dates, venue, organizer and price.",
    "ecommerce_homepage": "A shop's home page: banners, promotions, products and categories.",
    "directory_listing": "A listing of entries (businesses, results) with its pagination.",
    "auto": "Chooses the profile from the page (other fields are the chosen profile's); "
    "otherwise title, summary and main entities.",
}


def profile_schema(profile: str) -> JsonObject:
    """The JSON Schema of a profile's output (``auto``: the fallback's fields and ``_profile``)."""
    schema: JsonObject = {
        "$schema": DRAFT,
        "type": "object",
        "properties": dict(_FIELDS[profile]),
    }
    if profile == "auto":
        schema["additionalProperties"] = True
    return schema
