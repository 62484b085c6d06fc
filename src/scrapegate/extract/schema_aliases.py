"""Known names for schema fields: schema.org paths, DOM record keys and DOM lists.

Keys are normalised field names (lower case, letters and digits only).
"""

from __future__ import annotations

from collections.abc import Callable

from scrapegate.domain.json_types import JsonValue
from scrapegate.domain.page_facts import DomCandidates, ListingCard
from scrapegate.extract.coerce import currency_of
from scrapegate.extract.lookup import Found, Sources, dom_found

GTIN = ("gtin13", "gtin", "gtin12", "gtin14", "gtin8", "isbn")


def _alias(paths: tuple[str, ...], *names: str) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(names, paths)


# Field name -> schema.org paths tried after the field's own key.
ENTITY_ALIASES: dict[str, tuple[str, ...]] = {
    **_alias(("name", "headline", "title"), "name", "title", "productname"),
    **_alias(("headline", "name"), "headline"),
    **_alias(
        ("offers.price", "offers.lowPrice", "offers.priceSpecification.price"), "price", "amount"
    ),
    **_alias(
        ("offers.priceCurrency", "offers.priceSpecification.priceCurrency"),
        "currency",
        "pricecurrency",
    ),
    **_alias(("offers.availability",), "availability", "instock", "available", "stock"),
    **_alias(("brand.name", "brand", "manufacturer.name"), "brand", "brandname", "manufacturer"),
    **_alias(("aggregateRating.ratingValue",), "rating", "ratingvalue", "stars", "score"),
    **_alias(
        ("aggregateRating.reviewCount", "aggregateRating.ratingCount"), "reviewcount", "ratingcount"
    ),
    **_alias(
        ("image", "thumbnailUrl", "logo"), "image", "imageurl", "thumbnail", "photo", "picture"
    ),
    **_alias(("author.name", "author", "creator.name"), "author", "authorname", "byline", "writer"),
    **_alias(
        ("datePublished", "datePosted", "dateCreated", "uploadDate"),
        "publishedat",
        "datepublished",
        "date",
        "publishdate",
        "published",
        "postedat",
        "dateposted",
    ),
    **_alias(("dateModified",), "modifiedat", "updatedat", "datemodified", "lastmodified"),
    **_alias(("description", "abstract"), "description", "summary", "excerpt"),
    **_alias(("sku", "mpn", "productID"), "sku", "productid", "mpn"),
    **_alias(GTIN, "gtin", "ean", "upc", "isbn", "barcode"),
    **_alias(
        ("hiringOrganization.name",), "company", "companyname", "employer", "hiringorganization"
    ),
    **_alias(
        ("jobLocation.address.addressLocality", "location.name", "address.addressLocality"),
        "location",
        "city",
    ),
    **_alias(("address", "location.address"), "address", "streetaddress"),
    **_alias(("telephone",), "phone", "telephone", "phonenumber", "tel"),
    **_alias(("startDate",), "startdate", "startat", "start", "startsat", "starttime"),
    **_alias(("endDate",), "enddate", "endat", "end", "endsat", "endtime"),
    **_alias(("location.name",), "venue", "venuename"),
    **_alias(("organizer.name", "organizer"), "organizer", "organiser"),
    **_alias(("articleBody", "text"), "body", "content", "articlebody", "text"),
    **_alias(("category", "articleSection"), "category", "section"),
    **_alias(("url",), "url", "link", "href", "producturl"),
    **_alias(("employmentType",), "employmenttype", "jobtype"),
    **_alias(("recipeYield",), "yield", "servings"),
    **_alias(("nutrition.calories",), "calories"),
    **_alias(("aggregateRating",), "ratings", "aggregaterating"),
    **_alias(("baseSalary",), "salary", "pay"),
    **_alias(("offers",), "offer", "offers"),
}
# Field name -> schema.org paths of lists.
ENTITY_LIST_ALIASES: dict[str, tuple[str, ...]] = {
    **_alias(("image",), "images", "imageurls", "photos", "pictures"),
    **_alias(("author",), "authors"),
    **_alias(("keywords",), "tags", "keywords"),
    **_alias(("recipeIngredient",), "ingredients"),
    **_alias(("recipeInstructions",), "instructions", "steps"),
    **_alias(("hasVariant", "offers"), "variants"),
    **_alias(("review",), "reviews"),
    **_alias(("offers",), "offers", "prices"),
    **_alias(("mainEntity",), "questions", "faq", "faqs", "items"),
    **_alias(("itemListElement",), "items", "entries", "results", "listings"),
}
# Field name -> schema.org types an object or list field means.
ENTITY_TYPE_NAMES: dict[str, tuple[str, ...]] = {
    "product": ("Product",),
    "article": ("NewsArticle", "Article", "BlogPosting"),
    "event": ("Event",),
    "recipe": ("Recipe",),
    "job": ("JobPosting",),
    "jobposting": ("JobPosting",),
    "organization": ("Organization", "LocalBusiness"),
    "organisation": ("Organization", "LocalBusiness"),
    "business": ("LocalBusiness",),
    "company": ("Organization",),
    "person": ("Person",),
    "question": ("Question",),
    "review": ("Review",),
    "breadcrumb": ("BreadcrumbList",),
}
# Field name -> keys of DOM records (cards, pairs, banners, promotions, links).
RECORD_ALIASES: dict[str, tuple[str, ...]] = {
    **_alias(("name", "headline", "question", "text"), "name", "title", "headline", "label"),
    **_alias(("url", "link"), "url", "link", "href"),
    **_alias(("image_url",), "image", "imageurl", "thumbnail", "photo"),
    **_alias(("promo_code",), "code", "promocode", "coupon", "couponcode"),
    **_alias(("description", "answer"), "description", "summary", "text", "details"),
    **_alias(("price",), "amount", "pricetext"),
}


def _record(selector: str, snippet: str, **values: JsonValue) -> dict[str, Found]:
    return {k: dom_found(v, selector, snippet) for k, v in values.items() if v is not None}


Records = list[dict[str, Found]]


def _faq(dom: DomCandidates) -> Records:
    return [_record(p.selector, p.snippet, question=p.question, answer=p.answer) for p in dom.faq]


def _banners(dom: DomCandidates) -> Records:
    return [
        _record(b.selector, b.snippet, image_url=b.image_url, headline=b.headline, link=b.link)
        for b in dom.banners
    ]


def _promotions(dom: DomCandidates) -> Records:
    return [
        _record(p.selector, p.snippet, description=p.description, promo_code=p.code)
        for p in dom.promotions
    ]


def _categories(dom: DomCandidates) -> Records:
    return [_record(c.selector, c.text, name=c.text, url=c.url) for c in dom.categories]


def _breadcrumbs(dom: DomCandidates) -> Records:
    return [_record(c.selector, c.text, name=c.text, url=c.url) for c in dom.breadcrumbs]


def _card(card: ListingCard) -> dict[str, Found]:
    return _record(
        card.selector,
        card.snippet,
        name=card.name,
        url=card.url,
        description=card.description,
        image_url=card.image_url,
        price=card.price_text,
        currency=currency_of(card.price_text),
        category=card.category,
        address=card.address,
        phone=card.phone,
        rating=card.rating_text,
    )


def _cards(dom: DomCandidates) -> Records:
    return [_card(card) for card in dom.cards]


CARD_LISTS = frozenset(
    {"items", "products", "featuredproducts", "listings", "results", "entries", "cards",
     "businesses", "places", "jobs", "articles", "posts"}
)  # fmt: skip
# List field names -> the DOM finds they ask for.
RECORD_LISTS: tuple[tuple[frozenset[str], Callable[[DomCandidates], Records]], ...] = (
    (frozenset({"faq", "faqs", "questions", "questionsandanswers", "qa"}), _faq),
    (frozenset({"herobanners", "banners", "hero", "slides", "heroes"}), _banners),
    (frozenset({"promotions", "promos", "coupons", "deals", "offers"}), _promotions),
    (frozenset({"categories", "navigation", "menu", "navlinks", "links"}), _categories),
    (frozenset({"breadcrumbs", "breadcrumb"}), _breadcrumbs),
    (CARD_LISTS, _cards),
)


def dom_records(src: Sources, name: str) -> Records | None:
    """The DOM finds a list field asks for, as records; None when the name asks for none."""
    for names, build in RECORD_LISTS:
        if name in names:
            return build(src.facts.dom)
    return None
