"""The ``ecommerce_homepage`` and ``directory_listing`` profiles: pages of many things."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapegate.domain.json_types import JsonObject, JsonValue
from scrapegate.domain.page_facts import ListingCard
from scrapegate.extract.coerce import as_integer, as_number, as_text, as_url, currency_of
from scrapegate.extract.evidence import EvidenceLog, pointer
from scrapegate.extract.lookup import EntityRef, Sources, dom_found
from scrapegate.extract.profile_product import CURRENCY_KEYS, PRICE_KEYS, PRODUCT_TYPES

MAX_ITEMS = 100
# Menu entries that are site utilities, not product categories.
UTILITY_LINKS = frozenset(
    {"home", "login", "log in", "sign in", "sign up", "register", "account", "my account", "cart",
     "basket", "bag", "checkout", "search", "help", "contact", "contact us", "about", "about us",
     "blog", "wishlist", "stores", "store locator"}
)  # fmt: skip
BUSINESS_TYPES = ("LocalBusiness", "Organization", "Restaurant", "Store", "Place", "Person")


def ecommerce_homepage(src: Sources, log: EvidenceLog) -> JsonObject:
    dom = src.facts.dom
    banners: list[JsonValue] = []
    for banner in dom.banners:
        log.note(
            pointer("hero_banners", len(banners)), dom_found(None, banner.selector, banner.snippet)
        )
        banners.append(
            {"image_url": banner.image_url, "headline": banner.headline, "link": banner.link}
        )
    promotions: list[JsonValue] = []
    for promo in dom.promotions:
        log.note(
            pointer("promotions", len(promotions)), dom_found(None, promo.selector, promo.snippet)
        )
        promotions.append({"description": promo.description, "promo_code": promo.code})
    return {
        "hero_banners": banners,
        "promotions": promotions,
        "featured_products": _featured(src, log),
        "categories": _categories(src, log),
    }


def _featured(src: Sources, log: EvidenceLog) -> list[JsonValue]:
    products = src.entities(*PRODUCT_TYPES)
    if products:
        return [_product_item(src, log, ref, i) for i, ref in enumerate(products[:MAX_ITEMS])]
    found: list[JsonValue] = []
    for card in src.facts.dom.cards:
        if card.price_text is None or card.name is None:
            continue  # a product card shows a price
        log.note(
            pointer("featured_products", len(found)), dom_found(None, card.selector, card.snippet)
        )
        found.append(
            {
                "name": card.name,
                "price": as_number(card.price_text),
                "currency": currency_of(card.price_text),
                "url": card.url,
                "image_url": card.image_url,
            }
        )
    return found[:MAX_ITEMS]


def _product_item(src: Sources, log: EvidenceLog, ref: EntityRef, index: int) -> JsonObject:
    where = pointer("featured_products", index)
    offer = ref.child("offers") or ref
    base = src.facts.url
    return {
        "name": log.take(f"{where}/name", ref.get("name"), as_text),
        "price": log.take(f"{where}/price", offer.get(*PRICE_KEYS), as_number),
        "currency": log.take(f"{where}/currency", offer.get(*CURRENCY_KEYS), as_text),
        "url": log.take(f"{where}/url", ref.get("url"), lambda v: as_url(v, base)),
        "image_url": log.take(f"{where}/image_url", ref.get("image"), lambda v: as_url(v, base)),
    }


def _categories(src: Sources, log: EvidenceLog) -> list[JsonValue]:
    root = urlsplit(src.facts.url)
    found: list[JsonValue] = []
    for link in src.facts.dom.categories:
        parts = urlsplit(link.url)
        if link.text.lower() in UTILITY_LINKS or (
            parts.netloc == root.netloc and parts.path in ("", "/")
        ):
            continue
        log.note(pointer("categories", len(found)), dom_found(link.url, link.selector, link.text))
        found.append({"name": link.text, "url": link.url})
    return found[:MAX_ITEMS]


def directory_listing(src: Sources, log: EvidenceLog) -> JsonObject:
    items = _listed_entities(src, log)
    if not items:
        for card in src.facts.dom.cards[:MAX_ITEMS]:
            log.note(pointer("items", len(items)), dom_found(None, card.selector, card.snippet))
            items.append(_card_item(card))
    return {"items": items, "pagination": _pagination(src, log)}


def _listed_entities(src: Sources, log: EvidenceLog) -> list[JsonValue]:
    """Entries of a schema.org ``ItemList`` or several businesses described on the page."""
    refs: list[EntityRef] = []
    for listing in src.entities("ItemList"):
        for element in listing.children("itemListElement"):
            refs.append(element.child("item") or element)
    if not refs:
        businesses = [r for r in src.entities(*BUSINESS_TYPES) if not r.path]
        refs = businesses if len(businesses) > 1 else []
    return [_entity_item(src, log, ref, i) for i, ref in enumerate(refs[:MAX_ITEMS])]


def _entity_item(src: Sources, log: EvidenceLog, ref: EntityRef, index: int) -> JsonObject:
    where = pointer("items", index)
    base = src.facts.url
    return {
        "name": log.take(f"{where}/name", ref.get("name"), as_text),
        "url": log.take(f"{where}/url", ref.get("url"), lambda v: as_url(v, base)),
        "description": log.take(f"{where}/description", ref.get("description"), as_text),
        "category": log.take(f"{where}/category", ref.get("category", "@type"), as_text),
        "address": log.take(f"{where}/address", ref.get("address"), _address),
        "phone": log.take(f"{where}/phone", ref.get("telephone"), as_text),
        "rating": log.take(f"{where}/rating", ref.get("aggregateRating.ratingValue"), as_number),
    }


def _address(value: object) -> str | None:
    if isinstance(value, dict):
        keys = ("streetAddress", "addressLocality", "postalCode", "addressCountry")
        parts = [text for k in keys if (text := as_text(value.get(k)))]
        return ", ".join(parts) or None
    return as_text(value) if isinstance(value, str) else None


def _card_item(card: ListingCard) -> JsonObject:
    return {
        "name": card.name,
        "url": card.url,
        "description": card.description,
        "category": card.category,
        "address": card.address,
        "phone": card.phone,
        "rating": as_number(card.rating_text) if card.rating_text else None,
    }


def _pagination(src: Sources, log: EvidenceLog) -> JsonObject | None:
    pager = src.facts.dom.pagination
    if pager is None:
        return None
    log.note("/pagination", dom_found(None, pager.selector, pager.selector))
    return {
        "next_url": pager.next_url,
        "page": as_integer(pager.current_page) if pager.current_page is not None else None,
        "total_pages": pager.last_page,
    }
