"""Tier and add-on prices, in microcents."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from scrapegate.config import PricingSettings
from scrapegate.domain.scrape_model import ScrapeRequest
from scrapegate.domain.tiers import TIER_ORDER, Tier

ADDON_NAMES: tuple[str, ...] = ("screenshot", "pdf", "ocr", "proxy")


@dataclass(frozen=True)
class PriceTable:
    tiers: Mapping[Tier, int]
    addons: Mapping[str, int]  # keyed by ADDON_NAMES

    @classmethod
    def from_settings(cls, pricing: PricingSettings) -> PriceTable:
        addons = pricing.addons
        return cls(
            tiers=MappingProxyType(dict(zip(TIER_ORDER, pricing.tiers, strict=True))),
            addons=MappingProxyType(
                {
                    "screenshot": addons.screenshot,
                    "pdf": addons.pdf,
                    "ocr": addons.ocr,
                    "proxy": addons.proxy,
                }
            ),
        )

    @classmethod
    def defaults(cls) -> PriceTable:
        return cls.from_settings(PricingSettings())

    def tier_price(self, tier: Tier) -> int:
        return self.tiers[tier]

    def addon_price(self, name: str) -> int:
        return self.addons[name]


def addon_names(req: ScrapeRequest) -> tuple[str, ...]:
    """The add-ons the request triggers, in the price table's order."""
    adv = req.advanced
    action_types = {action.type for action in adv.actions}
    triggered = {
        "screenshot": adv.screenshot or "screenshot" in action_types,
        "pdf": adv.generate_pdf or "pdf" in action_types,
        "ocr": req.uses_ocr,
        # The caller's own proxy replaces the premium pool, so the add-on is not charged.
        "proxy": adv.use_proxy and not adv.use_own_proxy,
    }
    return tuple(name for name in ADDON_NAMES if triggered[name])


def addon_credits(req: ScrapeRequest, prices: PriceTable) -> int:
    return sum(prices.addon_price(name) for name in addon_names(req))


def minimum_charge(req: ScrapeRequest, prices: PriceTable) -> int:
    """The cheapest attempt the request allows plus its add-ons (rule 59, admission)."""
    return prices.tier_price(req.lowest_start_tier) + addon_credits(req, prices)
