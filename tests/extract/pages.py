"""The saved fixture pages: each with the URL it is converted as and the profile it shows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from scrapegate.convert import ConvertOptions, convert_document
from scrapegate.domain.json_types import JsonObject
from scrapegate.domain.page_facts import PageFacts

PAGES_DIR = Path(__file__).parent / "pages"


@dataclass(frozen=True)
class FixturePage:
    name: str
    url: str
    profile: str  # the profile the page is written for; ``auto`` must pick it

    def html(self) -> str:
        return (PAGES_DIR / f"{self.name}.html").read_text("utf-8")

    def golden(self) -> JsonObject:
        data: JsonObject = json.loads((PAGES_DIR / f"{self.name}.json").read_text("utf-8"))
        return data

    def facts(self) -> PageFacts:
        return page_facts(self.html(), self.url)


def page_facts(html: str, url: str) -> PageFacts:
    converted = convert_document(
        html,
        media_type="text/html",
        url=url,
        formats=["markdown"],
        options=ConvertOptions(collect_facts=True),
    )
    assert converted.facts is not None
    return converted.facts


PAGES = (
    FixturePage("product_jsonld", "https://shop.example.com/p/trailblazer-2", "product"),
    FixturePage(
        "product_microdata", "https://kaffee.example.de/espressokanne-classic?ref=nav", "product"
    ),
    FixturePage("product_og", "https://harbor.example.com/products/tote", "product"),
    FixturePage("news_article", "https://ledger.example.com/local/river-park", "article"),
    FixturePage(
        "job_posting", "https://lumen.example.com/careers/senior-backend-engineer", "job_posting"
    ),
    FixturePage("faq_dom", "https://parcelly.example.com/faq", "faq"),
    FixturePage("recipe", "https://kitchen.example.com/recipes/lemon-ricotta-pancakes", "recipe"),
    FixturePage("event", "https://hall.example.org/events/aurora-quartet-2026?utm=x", "event"),
    FixturePage("shop_home", "https://fernhill.example.com/", "ecommerce_homepage"),
    FixturePage(
        "directory", "https://localguide.example.com/portland/bakeries?page=2", "directory_listing"
    ),
    FixturePage("plain_page", "https://choir.example.net/about", "generic"),
)
BY_NAME = {page.name: page for page in PAGES}
