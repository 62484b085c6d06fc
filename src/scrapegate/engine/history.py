"""What a domain's recent outcomes say: the playbook tier, warnings and suggestions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from scrapegate.domain.records import DomainAttempt
from scrapegate.domain.scrape_result import DomainDifficulty
from scrapegate.domain.tiers import Tier
from scrapegate.engine.domains import registrable_domain
from scrapegate.engine.planning import playbook_min_tier
from scrapegate.storage.protocols import PlaybookRepository

WARNING_MIN_ATTEMPTS = 10
SUGGESTION_WINDOW = 10


@dataclass(frozen=True)
class DomainHistory:
    domain: str
    attempts: list[DomainAttempt]  # newest first
    override: Tier | None = None

    @property
    def min_tier(self) -> Tier | None:
        return self.override or playbook_min_tier(self.attempts)

    def difficulty(self) -> tuple[str | None, DomainDifficulty | None]:
        """``domain_warning`` and ``domain_difficulty`` when fewer than half the attempts worked."""
        total = len(self.attempts)
        if total < WARNING_MIN_ATTEMPTS:
            return None, None
        rate = sum(a.success for a in self.attempts) / total
        if rate >= 0.5:
            return None, None
        warning = (
            f"{self.domain} succeeded in only {rate:.0%} of its last {total} scrapes; "
            "expect failures or higher tiers."
        )
        details = DomainDifficulty(
            success_rate=round(rate, 3),
            total_attempts=total,
            override_active=self.override is not None,
        )
        return warning, details

    def suggestion(self, used: Tier) -> str | None:
        """Advice to skip cheaper attempts when the domain keeps needing the same tier."""
        recent = [Tier(a.tier) for a in self.attempts[:SUGGESTION_WINDOW] if a.success]
        if not recent or used == Tier.CURL:
            return None
        tier, count = Counter(recent).most_common(1)[0]
        if tier != used or count < 0.8 * SUGGESTION_WINDOW:
            return None
        return (
            f"{self.domain} needed tier {tier.value} in {count} of its last "
            f'{SUGGESTION_WINDOW} requests; set cost_controls.force_tier="{tier.value}" '
            "to skip cheaper attempts."
        )


class HistoryReader:
    """Loads a domain's history the way the playbook settings say (per organization or pooled)."""

    def __init__(
        self,
        playbook: PlaybookRepository,
        *,
        shared: bool = False,
        overrides: Mapping[str, str] | None = None,
    ) -> None:
        self._playbook = playbook
        self._shared = shared
        self._overrides = dict(overrides or {})

    async def load(self, url: str, org_id: str) -> DomainHistory:
        domain = registrable_domain(url)
        override = self._overrides.get(domain)
        scope = None if self._shared else org_id
        attempts = await self._playbook.recent(domain, org_id=scope, limit=50)
        return DomainHistory(domain, attempts, Tier(override) if override else None)
