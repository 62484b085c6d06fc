"""What one page offers to structured extraction, read once by the converter.

Structured data (schema.org, OpenGraph, meta tags), the document outline and main content,
and DOM candidates found by heuristics, each with the CSS selector of the element it came from
and a short snippet of its markup or text (the evidence a caller is shown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from scrapegate.domain.json_types import JsonObject

EntitySource = Literal["json_ld", "microdata", "rdfa"]
# Meta tag contents by key; a key the page repeats holds the list of its contents.
MetaValues: TypeAlias = dict[str, str | list[str]]


@dataclass(frozen=True, slots=True)
class SchemaEntity:
    """One top-level schema.org entity (``@graph`` flattened), with where the page declared it."""

    source: EntitySource
    types: tuple[str, ...]  # short names: "Product", "NewsArticle"
    data: JsonObject


@dataclass(frozen=True, slots=True)
class Heading:
    level: int  # 1-6
    text: str
    selector: str


@dataclass(frozen=True, slots=True)
class TextCandidate:
    """A text that looks like something (a price, an address...), where it was found."""

    text: str
    selector: str
    snippet: str


@dataclass(frozen=True, slots=True)
class LinkCandidate:
    text: str
    url: str
    selector: str


@dataclass(frozen=True, slots=True)
class QuestionAnswer:
    """A question and its answer from ``details``/``summary``, ``dt``/``dd`` or a heading."""

    question: str
    answer: str
    selector: str
    snippet: str


@dataclass(frozen=True, slots=True)
class Banner:
    """A hero image or slide: its image, the headline over it and where it links."""

    image_url: str | None
    headline: str | None
    link: str | None
    selector: str
    snippet: str


@dataclass(frozen=True, slots=True)
class Promotion:
    """A promotion block; ``code`` when the markup sets a coupon code apart."""

    description: str
    code: str | None
    selector: str
    snippet: str


@dataclass(frozen=True, slots=True)
class ListingCard:
    """One card of a repeated listing (products, businesses, results): what it shows."""

    name: str | None
    url: str | None
    description: str | None
    image_url: str | None
    price_text: str | None
    category: str | None
    address: str | None
    phone: str | None
    rating_text: str | None
    selector: str
    snippet: str


@dataclass(frozen=True, slots=True)
class Pagination:
    next_url: str | None
    current_page: int | None
    last_page: int | None  # the highest page number the pager links to
    selector: str


@dataclass(frozen=True, slots=True)
class DomCandidates:
    """Heuristic finds in the whole page, before main-content extraction prunes it."""

    prices: tuple[TextCandidate, ...] = ()
    faq: tuple[QuestionAnswer, ...] = ()
    breadcrumbs: tuple[LinkCandidate, ...] = ()
    categories: tuple[LinkCandidate, ...] = ()  # navigation links
    images: tuple[LinkCandidate, ...] = ()  # content images: text is the alt text
    banners: tuple[Banner, ...] = ()
    promotions: tuple[Promotion, ...] = ()
    cards: tuple[ListingCard, ...] = ()
    pagination: Pagination | None = None
    apply_links: tuple[LinkCandidate, ...] = ()  # "Apply now" links of a job page
    times: tuple[TextCandidate, ...] = ()  # ``<time datetime>``: text is the datetime value


@dataclass(frozen=True, slots=True)
class PageFacts:
    """Everything extraction reads about one page; nothing here is parsed again."""

    url: str
    title: str | None = None
    description: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    image: str | None = None
    author: str | None = None
    published_at: str | None = None
    modified_at: str | None = None
    keywords: tuple[str, ...] = ()
    entities: tuple[SchemaEntity, ...] = ()
    open_graph: MetaValues = field(default_factory=dict)
    twitter: MetaValues = field(default_factory=dict)
    meta: MetaValues = field(default_factory=dict)
    headings: tuple[Heading, ...] = ()
    main_markdown: str = ""  # the main content, without the ``# title`` envelope
    main_text: str = ""
    word_count: int = 0
    dom: DomCandidates = field(default_factory=DomCandidates)
