"""Which tiers a request may use, and where it starts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from scrapegate.domain.records import DomainAttempt
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.domain.scrape_result import TierCapWarning
from scrapegate.domain.tiers import TIER_ORDER, Tier

DEFAULT_MAX_TIER = Tier.BROWSER


@dataclass(frozen=True)
class Skip:
    tier: Tier
    reason: str


@dataclass(frozen=True)
class TierPlan:
    start: Tier
    cap: Tier
    forced: bool
    skipped: tuple[Skip, ...] = ()
    playbook_min: Tier | None = None
    fail_fast_from: Tier | None = None
    # Tiers escalation may enter, in order, starting with ``start``.
    ladder: tuple[Tier, ...] = field(default_factory=tuple)


def playbook_min_tier(history: list[DomainAttempt]) -> Tier | None:
    """T when, over the last 10+ final attempts, no tier below T ever succeeded."""
    if len(history) < 10:
        return None
    successes = [Tier(a.tier) for a in history if a.success]
    if not successes:
        return None
    lowest = min(successes)
    return lowest if lowest > Tier.CURL else None


def playbook_usual_tier(history: list[DomainAttempt]) -> tuple[Tier | None, int, int]:
    """The most frequent successful tier, its count and the number of samples."""
    wins = Counter(a.tier for a in history if a.success)
    if not wins:
        return None, 0, len(history)
    tier, count = wins.most_common(1)[0]
    return Tier(tier), count, len(history)


def request_cap(req: ScrapeRequest, allow_stealth: bool) -> Tier:
    cap = req.cost_controls.max_tier or DEFAULT_MAX_TIER
    if req.mode in ("html", "pdf", "ocr") or req.method != "GET":
        cap = min(cap, Tier.STEALTH)
    if not allow_stealth:
        cap = min(cap, Tier.HTTP)
    return cap


def _preference(req: ScrapeRequest, playbook: Tier | None) -> Tier:
    cc = req.cost_controls
    if req.min_tier is not None:
        return req.min_tier
    if cc.prefer_speed:
        return playbook or Tier.STEALTH
    if cc.prefer_cost:
        return Tier.CURL
    return playbook or Tier.CURL


def plan_tiers(
    req: ScrapeRequest, playbook: Tier | None, *, allow_stealth: bool = True
) -> TierPlan:
    cc = req.cost_controls
    if cc.force_tier is not None:
        return TierPlan(
            start=cc.force_tier,
            cap=cc.force_tier,
            forced=True,
            playbook_min=playbook,
            ladder=(cc.force_tier,),
        )
    cap = request_cap(req, allow_stealth)
    preference = _preference(req, None if cc.prefer_cost else playbook)
    start = min(max(req.floor_tier, preference), cap) if req.floor_tier <= cap else req.floor_tier
    skipped = tuple(
        Skip(t, f"skipped: domain playbook minimum tier is {start.value}")
        for t in TIER_ORDER
        if max(req.floor_tier, Tier.CURL) <= t < start
        and playbook is not None
        and start == playbook
    )
    fail_fast_from = (cc.fail_fast_tier or Tier.LIGHTJS) if cc.fail_fast else None
    ladder = tuple(t for t in TIER_ORDER if start <= t <= cap)
    return TierPlan(
        start=start,
        cap=cap,
        forced=False,
        skipped=skipped,
        playbook_min=playbook,
        fail_fast_from=fail_fast_from,
        ladder=ladder,
    )


def tier_cap_warning(req: ScrapeRequest, playbook: Tier | None) -> TierCapWarning | None:
    if playbook is None:
        return None
    cc = req.cost_controls
    if cc.force_tier is not None and cc.force_tier < playbook:
        return TierCapWarning(playbook.number, your_force_tier=cc.force_tier.number)
    if cc.max_tier is not None and cc.max_tier < playbook:
        return TierCapWarning(playbook.number, your_max_tier=cc.max_tier.number)
    return None
