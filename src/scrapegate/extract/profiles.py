"""The built-in extraction profiles and ``auto``, which picks one from what the page declares."""

from __future__ import annotations

from collections.abc import Callable

from scrapegate.domain.json_types import JsonObject, JsonValue
from scrapegate.extract.coerce import as_text
from scrapegate.extract.evidence import EvidenceLog, pointer
from scrapegate.extract.lookup import Sources, types_of
from scrapegate.extract.page_fields import headline, summary
from scrapegate.extract.profile_article import ARTICLE_TYPES, article, job_posting
from scrapegate.extract.profile_howto import event, faq, recipe
from scrapegate.extract.profile_listing import directory_listing, ecommerce_homepage
from scrapegate.extract.profile_product import PRODUCT_TYPES, product

Profile = Callable[[Sources, EvidenceLog], JsonObject]

PROFILES: dict[str, Profile] = {
    "product": product,
    "article": article,
    "job_posting": job_posting,
    "faq": faq,
    "recipe": recipe,
    "event": event,
    "ecommerce_homepage": ecommerce_homepage,
    "directory_listing": directory_listing,
}
GENERIC = "generic"
MAX_MAIN_ENTITIES = 20
# The schema.org type of the page's primary entity decides the profile.
TYPE_PROFILES: dict[str, str] = {
    **dict.fromkeys(PRODUCT_TYPES, "product"),
    **dict.fromkeys(ARTICLE_TYPES, "article"),
    "JobPosting": "job_posting",
    "FAQPage": "faq",
    "QAPage": "faq",
    "Recipe": "recipe",
    "ItemList": "directory_listing",
    "SearchResultsPage": "directory_listing",
    "CollectionPage": "directory_listing",
}
OG_PROFILES = {"product": "product", "og:product": "product", "article": "article"}
MIN_FAQ_PAIRS = 2
MIN_LISTING_CARDS = 3


def run_profile(name: str, src: Sources, log: EvidenceLog) -> tuple[str, JsonObject]:
    """(the profile applied, its output); ``auto`` resolves to a profile or ``generic``."""
    if name != "auto":
        return name, PROFILES[name](src, log)
    chosen = choose_profile(src)
    if chosen == GENERIC:
        return GENERIC, {"_profile": GENERIC, **generic(src, log)}
    return chosen, {"_profile": chosen, **PROFILES[chosen](src, log)}


def choose_profile(src: Sources) -> str:
    """The first entity naming a single thing wins over lists (a product page often carries an
    ItemList of related products too)."""
    declared = [name for ref in src.all_entities() for name in types_of(ref.data)]
    for name in declared:
        if name.endswith("Event"):
            return "event"
        if TYPE_PROFILES.get(name, "directory_listing") != "directory_listing":
            return TYPE_PROFILES[name]
    for name in declared:
        if name in TYPE_PROFILES:
            return TYPE_PROFILES[name]
    return _from_signals(src)


def _from_signals(src: Sources) -> str:
    """Without a telling schema.org type: OpenGraph's type, then what the DOM shows."""
    og_type = src.og("type")
    kind = (as_text(og_type.value) or "").lower() if og_type is not None else ""
    if kind in OG_PROFILES:
        return OG_PROFILES[kind]
    dom = src.facts.dom
    if len(dom.faq) >= MIN_FAQ_PAIRS:
        return "faq"
    priced_cards = [card for card in dom.cards if card.price_text]
    if (dom.banners or dom.promotions) and len(priced_cards) >= MIN_LISTING_CARDS:
        return "ecommerce_homepage"
    if len(dom.cards) >= MIN_LISTING_CARDS and dom.pagination is not None:
        return "directory_listing"
    if src.facts.dom.prices and src.og("price:amount") is not None:
        return "product"
    return GENERIC


def generic(src: Sources, log: EvidenceLog) -> JsonObject:
    """``{title, summary, main_entities[]}`` for a page no profile fits."""
    entities: list[JsonValue] = []
    for ref in src.all_entities()[:MAX_MAIN_ENTITIES]:
        kinds = types_of(ref.data)
        if not kinds:
            continue
        name = ref.get("name", "headline")
        log.take(pointer("main_entities", len(entities)), name, as_text)
        entities.append({"type": kinds[0], "name": as_text(name.value) if name else None})
    return {
        "title": log.first("/title", headline(src, None), as_text),
        "summary": log.first("/summary", summary(src, None), as_text),
        "main_entities": entities,
    }
