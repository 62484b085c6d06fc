"""The ``product`` profile: schema.org Product first, then OpenGraph, meta tags and the DOM."""

from __future__ import annotations

from scrapegate.domain.json_types import JsonObject, JsonValue
from scrapegate.extract.coerce import as_number, as_text, as_url, currency_of, short_word
from scrapegate.extract.evidence import EvidenceLog, pointer
from scrapegate.extract.lookup import EntityRef, Found, Sources, dom_found, json_list
from scrapegate.extract.page_fields import headline, images, page_url, plain_text, rating, summary

PRODUCT_TYPES = ("Product", "ProductGroup", "IndividualProduct", "ProductModel")
AVAILABILITY = {
    "instock": "in_stock", "in stock": "in_stock", "in_stock": "in_stock",
    "instoreonly": "in_stock", "onlineonly": "in_stock", "limitedavailability": "in_stock",
    "outofstock": "out_of_stock", "out of stock": "out_of_stock", "out_of_stock": "out_of_stock",
    "soldout": "out_of_stock", "sold out": "out_of_stock", "discontinued": "out_of_stock",
    "preorder": "preorder", "presale": "preorder", "backorder": "preorder", "pre-order": "preorder",
}  # fmt: skip
GTIN_KEYS = ("gtin13", "gtin", "gtin12", "gtin14", "gtin8", "isbn")
PRICE_KEYS = ("price", "lowPrice", "priceSpecification.price")
CURRENCY_KEYS = ("priceCurrency", "priceSpecification.priceCurrency")


def availability_of(value: JsonValue) -> str | None:
    text = as_text(value)
    return AVAILABILITY.get(short_word(text)) if text else None


def product(src: Sources, log: EvidenceLog) -> JsonObject:
    entity = src.entity(*PRODUCT_TYPES)
    offer = entity.child("offers") if entity is not None else None
    price_text = src.facts.dom.prices[0] if src.facts.dom.prices else None
    dom_price = (
        dom_found(price_text.text, price_text.selector, price_text.snippet)
        if price_text is not None
        else None
    )
    price = log.first("/price", [_get(offer, *PRICE_KEYS), *_tag_price(src), dom_price], as_number)
    currency = log.first("/currency", _currency_candidates(src, offer, dom_price), as_text)
    availability = log.first(
        "/availability",
        [
            _get(offer, "availability"),
            src.og("availability"),
            src.meta("product:availability", "og:availability"),
        ],
        availability_of,
    )
    return {
        "name": log.first("/name", headline(src, entity, "name"), as_text),
        "description": log.first("/description", summary(src, entity), plain_text),
        "brand": log.first("/brand", _brand(src, entity), as_text),
        "sku": log.take("/sku", _get(entity, "sku", "mpn", "productID"), as_text),
        "gtin": log.take("/gtin", _get(entity, *GTIN_KEYS), as_text),
        "price": price,
        "currency": currency,
        "availability": availability or "unknown",
        "images": json_list(images(src, log, entity, "/images")),
        "rating": rating(log, entity, "/rating"),
        "variants": _variants(src, log, entity),
        "url": log.first("/url", page_url(src, entity), lambda v: as_url(v, src.facts.url)),
    }


def _get(entity: EntityRef | None, *keys: str) -> Found | None:
    return entity.get(*keys) if entity is not None else None


def _tag_price(src: Sources) -> list[Found | None]:
    return [src.og("price:amount"), src.meta("product:price:amount", "og:price:amount")]


def _currency_candidates(
    src: Sources, offer: EntityRef | None, dom_price: Found | None
) -> list[Found | None]:
    named = None
    if dom_price is not None and isinstance(dom_price.value, str):
        code = currency_of(dom_price.value)
        named = Found(code, dom_price.evidence) if code else None
    return [
        _get(offer, *CURRENCY_KEYS),
        src.og("price:currency"),
        src.meta("product:price:currency", "og:price:currency"),
        named,
    ]


def _brand(src: Sources, entity: EntityRef | None) -> list[Found | None]:
    return [
        _get(entity, "brand.name", "brand", "manufacturer.name"),
        src.og("brand"),
        src.meta("product:brand", "og:brand"),
    ]


def _variants(src: Sources, log: EvidenceLog, entity: EntityRef | None) -> list[JsonValue]:
    """``hasVariant`` products, else the offers of a product sold in several versions."""
    if entity is None:
        return []
    variants = entity.children("hasVariant")
    offers = entity.children("offers")
    refs = variants if variants else (offers if len(offers) > 1 else [])
    found: list[JsonValue] = []
    for index, ref in enumerate(refs):
        offer = ref.child("offers") or ref
        where = pointer("variants", index)
        found.append(
            {
                "name": log.take(f"{where}/name", ref.get("name"), as_text),
                "sku": log.take(f"{where}/sku", ref.get("sku", "mpn"), as_text),
                "price": log.take(f"{where}/price", offer.get(*PRICE_KEYS), as_number),
                "availability": log.take(
                    f"{where}/availability", offer.get("availability"), availability_of
                )
                or "unknown",
            }
        )
    return found
