"""Cost before the fetch: the admission minimum and the estimate route."""

from __future__ import annotations

# typing_extensions: pydantic (the route's response model) needs it on Python 3.11.
from typing_extensions import TypedDict

from scrapegate.domain.pricing import PriceTable, addon_credits, addon_names
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.domain.tiers import Tier
from scrapegate.engine.history import DomainHistory, HistoryReader
from scrapegate.engine.planning import TierPlan, plan_tiers, playbook_usual_tier


class CostBreakdown(TypedDict):
    tier_credits: int
    addons: dict[str, int]
    extraction_credits: int


class CostEstimate(TypedDict):
    """The body of ``POST /scrape/estimate``, sent as is."""

    url: str
    estimated_tier: str
    estimated_credits: int
    confidence: str
    max_possible_credits: int
    domain_min_tier: str | None
    cache_hit_possible: bool
    reasoning: str
    breakdown: CostBreakdown


class CostEstimator:
    def __init__(
        self, prices: PriceTable, histories: HistoryReader, *, allow_stealth: bool = True
    ) -> None:
        self._prices = prices
        self._histories = histories
        self._allow_stealth = allow_stealth

    async def _plan(self, req: ScrapeRequest, org_id: str) -> tuple[TierPlan, DomainHistory]:
        history = await self._histories.load(req.url, org_id)
        return plan_tiers(req, history.min_tier, allow_stealth=self._allow_stealth), history

    async def minimum_credits(self, req: ScrapeRequest, org_id: str) -> int:
        plan, _ = await self._plan(req, org_id)
        return self._prices.tier_price(plan.start) + addon_credits(req, self._prices)

    async def estimate(
        self, req: ScrapeRequest, org_id: str, cache_hit_possible: bool
    ) -> CostEstimate:
        plan, history = await self._plan(req, org_id)
        usual, count, samples = playbook_usual_tier(history.attempts)
        tier = usual if usual is not None and plan.start <= usual <= plan.cap else plan.start
        addons = {name: self._prices.addons[name] for name in addon_names(req)}
        estimated = self._prices.tier_price(tier) + sum(addons.values())
        highest = self._prices.tier_price(plan.cap) + sum(addons.values())
        max_credits = req.cost_controls.max_credits
        if max_credits:
            highest = min(highest, max_credits)
        return {
            "url": req.url,
            "estimated_tier": tier.value,
            "estimated_credits": estimated,
            "confidence": _confidence(count, samples),
            "max_possible_credits": highest,
            "domain_min_tier": plan.playbook_min.value if plan.playbook_min else None,
            "cache_hit_possible": cache_hit_possible,
            "reasoning": _reasoning(history.domain, tier, count, samples, addons),
            "breakdown": {
                "tier_credits": self._prices.tier_price(tier),
                "addons": addons,
                "extraction_credits": 0,
            },
        }


def _confidence(count: int, samples: int) -> str:
    if samples >= 20 and count / samples >= 0.8:
        return "high"
    return "medium" if samples >= 5 else "low"


def _reasoning(domain: str, tier: Tier, count: int, samples: int, addons: dict[str, int]) -> str:
    if samples and count:
        text = f"{domain} succeeded at tier {tier.value} in {count} of its last {samples} requests"
    else:
        text = f"No history for {domain}; starting at tier {tier.value}"
    extras = "".join(f"; {name} add-on +{price}" for name, price in addons.items())
    return text + extras + "."
