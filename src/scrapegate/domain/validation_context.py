"""What scrape validation needs to know about the server (capabilities, policy, prices)."""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.pricing import PriceTable


@dataclass(frozen=True)
class ValidationContext:
    policy: NetPolicy
    prices: PriceTable
    development: bool = False  # server.mode == development: http webhooks on localhost allowed
    webhooks_allow_private: bool = False
    browser_available: bool = False
    allow_evaluate: bool = True  # browser.allow_evaluate: evaluate actions answer 501 when off
    ocr_available: bool = False
    ocr_languages: frozenset[str] = frozenset()
    pdf_available: bool = False  # a PDF parser for mode "pdf"
    captcha_configured: bool = False
    llm_available: bool = False
    geo_proxies: bool = False
    default_cache_ttl_s: int = 3_600  # scrape.default_cache_ttl_s, used when cache_ttl is absent
    # Exit countries of the geo proxy pool; empty means any country can be served (rule 43).
    geo_countries: frozenset[str] = field(default_factory=frozenset)
