"""The ``faq``, ``recipe`` and ``event`` profiles."""

from __future__ import annotations

import re

from scrapegate.domain.json_types import JsonObject, JsonValue
from scrapegate.extract.coerce import (
    as_datetime,
    as_duration,
    as_number,
    as_text,
    as_url,
    short_word,
)
from scrapegate.extract.evidence import EvidenceLog, pointer
from scrapegate.extract.lookup import EntityRef, Found, Sources, dom_found, json_list, types_of
from scrapegate.extract.page_fields import (
    first_image,
    headline,
    page_url,
    plain_text,
    rating,
    summary,
)

CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
ADDRESS_KEYS = ("streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry")
OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


def _get(entity: EntityRef | None, *keys: str) -> Found | None:
    return entity.get(*keys) if entity is not None else None


def faq(src: Sources, log: EvidenceLog) -> JsonObject:
    page = src.entity("FAQPage", "QAPage")
    questions = page.children("mainEntity") if page is not None else src.entities("Question")
    items: list[JsonValue] = []
    for question in questions:
        where = pointer("items", len(items))
        asked = log.take(f"{where}/question", question.get("name", "text"), as_text)
        answer = log.take(
            f"{where}/answer",
            question.get("acceptedAnswer.text", "suggestedAnswer.text"),
            plain_text,
        )
        if asked is not None and answer is not None:
            items.append({"question": asked, "answer": answer})
    if not items:
        for pair in src.facts.dom.faq:
            found = dom_found(pair.question, pair.selector, pair.snippet)
            log.note(pointer("items", len(items)), found)
            items.append({"question": pair.question, "answer": pair.answer})
    return {"items": items}


def recipe(src: Sources, log: EvidenceLog) -> JsonObject:
    entity = src.entity("Recipe")
    return {
        "name": log.first("/name", headline(src, entity, "name"), as_text),
        "description": log.first("/description", summary(src, entity), plain_text),
        "ingredients": json_list(
            _texts(log, "/ingredients", _get(entity, "recipeIngredient", "ingredients"))
        ),
        "instructions": json_list(_instructions(log, _get(entity, "recipeInstructions"))),
        "prep_time": log.take("/prep_time", _get(entity, "prepTime"), as_duration),
        "cook_time": log.take("/cook_time", _get(entity, "cookTime"), as_duration),
        "total_time": log.take("/total_time", _get(entity, "totalTime"), as_duration),
        "yield": log.take("/yield", _get(entity, "recipeYield", "yield"), as_text),
        "nutrition": _nutrition(log, entity),
        "rating": rating(log, entity, "/rating"),
        "image": first_image(src, log, entity, "/image"),
    }


def _texts(log: EvidenceLog, where: str, found: Found | None) -> list[str]:
    if found is None:
        return []
    values = found.value if isinstance(found.value, list) else [found.value]
    texts = [text for v in values if (text := plain_text(v))]
    if texts:
        log.note(where, found)
    return texts


def _instructions(log: EvidenceLog, found: Found | None) -> list[str]:
    """Steps from text, ``HowToStep`` objects or ``HowToSection`` lists of them."""
    if found is None:
        return []
    steps: list[str] = []
    _collect_steps(found.value, steps, 0)
    if steps:
        log.note("/instructions", found)
    return steps


def _collect_steps(value: JsonValue, steps: list[str], depth: int) -> None:
    if depth > 3:
        return
    if isinstance(value, list):
        for item in value:
            _collect_steps(item, steps, depth + 1)
    elif isinstance(value, dict):
        if "itemListElement" in value:
            _collect_steps(value["itemListElement"], steps, depth + 1)
        else:
            text = plain_text(value.get("text") or value.get("name"))
            if text:
                steps.append(text)
    elif isinstance(value, str):
        text = plain_text(value)
        if text:
            steps.append(text)


def _nutrition(log: EvidenceLog, entity: EntityRef | None) -> JsonObject | None:
    facts = entity.child("nutrition") if entity is not None else None
    if facts is None:
        return None
    found: JsonObject = {}
    for key in facts.data:
        if key.startswith("@"):
            continue
        name = CAMEL.sub("_", key).lower().removesuffix("_content")
        value = log.take(pointer("nutrition", name), facts.get(key), as_text)
        if value is not None:
            found[name] = value
    return found or None


def event(src: Sources, log: EvidenceLog) -> JsonObject:
    entity = _event_entity(src)
    start = _get(entity, "startDate")
    return {
        "name": log.first("/name", headline(src, entity, "name"), as_text),
        "start_at": log.take("/start_at", start, as_datetime),
        "end_at": log.take("/end_at", _get(entity, "endDate"), as_datetime),
        "timezone": log.take("/timezone", start, _offset),
        "venue": _venue(log, entity),
        "online": log.first(
            "/online",
            [_get(entity, "eventAttendanceMode"), _get(entity, "location.@type")],
            _online,
        ),
        "organizer": log.take("/organizer", _get(entity, "organizer.name", "organizer"), as_text),
        "price": _price_range(log, entity),
        "url": log.first("/url", page_url(src, entity), lambda v: as_url(v, src.facts.url)),
        "description": log.first("/description", summary(src, entity), plain_text),
    }


def _event_entity(src: Sources) -> EntityRef | None:
    """An ``Event`` or one of its many subtypes (``MusicEvent``, ``SportsEvent``...)."""
    for ref in src.all_entities():
        if any(name.endswith("Event") for name in types_of(ref.data)):
            return ref
    return None


def _offset(value: JsonValue) -> str | None:
    """The UTC offset the start time is written in (the page states no zone name)."""
    text = as_text(value)
    match = OFFSET.search(text) if text and "T" in text else None
    if match is None:
        return None
    return "UTC" if match.group(1) == "Z" else match.group(1)


def _online(value: JsonValue) -> bool | None:
    word = short_word(as_text(value) or "")
    if word in ("onlineeventattendancemode", "mixedeventattendancemode", "virtuallocation"):
        return True
    if word in ("offlineeventattendancemode", "place"):
        return False
    return None


def _venue(log: EvidenceLog, entity: EntityRef | None) -> JsonObject | None:
    place = entity.child("location") if entity is not None else None
    if place is None:
        return None
    name = log.take("/venue/name", place.get("name"), as_text)
    address = log.take("/venue/address", place.get("address"), _address_text)
    return {"name": name, "address": address} if name or address else None


def _address_text(value: JsonValue) -> str | None:
    if isinstance(value, dict):
        parts = [text for k in ADDRESS_KEYS if (text := as_text(value.get(k)))]
        return ", ".join(parts) or None
    return as_text(value)


def _price_range(log: EvidenceLog, entity: EntityRef | None) -> JsonObject | None:
    offers = entity.children("offers") if entity is not None else []
    prices: list[float] = []
    currency: str | None = None
    for offer in offers:
        for key in ("price", "lowPrice", "highPrice"):
            found = offer.get(key)
            amount = as_number(found.value) if found is not None else None
            if found is not None and amount is not None:
                prices.append(amount)
                if not prices[1:]:  # the first price stands for the range's evidence
                    log.note("/price", found)
        currency = currency or log.take("/price/currency", offer.get("priceCurrency"), as_text)
    if not prices and currency is None:
        return None
    return {
        "min": min(prices) if prices else None,
        "max": max(prices) if prices else None,
        "currency": currency,
    }
