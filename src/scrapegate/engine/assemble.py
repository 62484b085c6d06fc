"""The parts of a scrape result that come from an accepted page: charge, billing, quality."""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace

from scrapegate.domain.pricing import PriceTable, addon_names
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.domain.scrape_result import (
    Billing,
    BillingAddon,
    ContentQuality,
    ConvertedQuality,
    Escalation,
    FormatOutput,
    QualityWarning,
    Truncation,
)
from scrapegate.domain.tiers import Tier
from scrapegate.engine.attempts import AttemptRecord
from scrapegate.engine.escalation import Accepted
from scrapegate.engine.planning import TierPlan

QUALITY_REASONS = {
    "THIN_CONTENT": "The main content has fewer words than expected; the page may need rendering.",
    "JS_SHELL": "The page looks like a JavaScript application shell; rendering was not possible "
    "within the allowed tiers.",
}


@dataclass(frozen=True)
class Charge:
    tier: Tier
    base: int
    addons: dict[str, int]
    refunded: frozenset[str] = frozenset()  # add-ons that found nothing to do

    @property
    def gross(self) -> int:
        return self.base + sum(self.addons.values())

    @property
    def total(self) -> int:
        return self.base + sum(c for n, c in self.addons.items() if n not in self.refunded)

    def refund(self, name: str) -> Charge:
        """An add-on that found nothing to do is not charged (e.g. OCR with no image)."""
        if name not in self.addons:
            return self
        return replace(self, refunded=self.refunded | {name})


def compute_charge(req: ScrapeRequest, tier: Tier, prices: PriceTable) -> Charge:
    return Charge(
        tier=tier,
        base=prices.tier_price(tier),
        addons={name: prices.addons[name] for name in addon_names(req)},
    )


def escalations(
    plan: TierPlan, attempts: list[AttemptRecord], charge: Charge | None
) -> tuple[Escalation, ...]:
    skipped = [Escalation(s.tier.value, "skipped", 0, None, s.reason) for s in plan.skipped]
    tried: list[Escalation] = []
    for i, a in enumerate(attempts):
        won = charge is not None and i == len(attempts) - 1
        tried.append(
            Escalation(
                tier=a.tier.value,
                result="success" if won else "failed",
                credits=charge.base if won and charge else 0,
                duration_ms=a.duration_ms,
                error=None if won else a.error,
            )
        )
    return (*skipped, *tried)


def billing(
    plan: TierPlan,
    attempts: list[AttemptRecord],
    charge: Charge,
    prices: PriceTable,
    *,
    billing_enabled: bool,
    suggestion: str | None,
) -> Billing:
    return Billing(
        total_credits=charge.total,
        tier_used=charge.tier.value,
        tier_name=charge.tier.label,
        base_credits=charge.base,
        addon_credits=charge.total - charge.base,
        addons=tuple(BillingAddon(n, c, n in charge.refunded) for n, c in charge.addons.items()),
        escalations=escalations(plan, attempts, charge),
        savings=max(prices.tier_price(plan.cap) - charge.base, 0),
        billing_enabled=billing_enabled,
        optimization_suggestion=suggestion,
        original_cost_microcents=charge.gross,
        final_cost_microcents=charge.total,
    )


def content_value(
    req: ScrapeRequest, accepted: Accepted
) -> tuple[str | dict[str, FormatOutput], bool]:
    """The ``content`` field and whether ``raw`` holds base64."""
    converted = accepted.converted
    page = accepted.page
    if req.formats is None:
        return (converted.markdown if converted else page.text or ""), False
    values: dict[str, FormatOutput] = dict(converted.formats) if converted else {}
    binary = False
    if "raw" in req.formats:
        if page.text is not None:
            values["raw"] = page.text
        else:
            values["raw"] = base64.b64encode(page.response.body).decode()
            binary = True
    return {f: values.get(f) for f in req.formats}, binary


def truncation(accepted: Accepted) -> Truncation | None:
    response = accepted.page.response
    if response.truncated:
        return Truncation(
            truncated_at_bytes=len(response.body),
            original_size_bytes=response.original_size,
            truncation_reason="response_body_cap",
        )
    reason = accepted.converted.truncation_reason if accepted.converted else None
    if reason:
        return Truncation(
            truncated_at_bytes=None,
            original_size_bytes=response.size_bytes,
            truncation_reason=reason,
        )
    return None


def quality(accepted: Accepted) -> tuple[ContentQuality, QualityWarning | None]:
    converted = accepted.converted
    code = accepted.quality_warning
    measured = _measured_quality(accepted, js_shell=code == "JS_SHELL")
    if code is None:
        return measured, None
    return measured, QualityWarning(
        code=code,
        reason=QUALITY_REASONS[code],
        word_count=converted.word_count if converted else 0,
        content_size_bytes=len(accepted.page.response.body),
    )


def _measured_quality(accepted: Accepted, *, js_shell: bool) -> ContentQuality:
    converted = accepted.converted
    if converted is None:
        return ContentQuality(
            word_count=0,
            text_length=len(accepted.page.text or ""),
            html_bytes=len(accepted.page.response.body),
            main_content_found=False,
            quality_score=0,
            js_shell_suspected=js_shell,
            block_page_suspected=False,
        )
    q = converted.content_quality
    return ContentQuality(
        word_count=q["word_count"],
        text_length=q["text_length"],
        html_bytes=q["html_bytes"],
        main_content_found=q["main_content_found"],
        quality_score=q["quality_score"],
        js_shell_suspected=js_shell,
        block_page_suspected=q["block_page_suspected"],
        converted=ConvertedQuality(
            text_to_html_ratio=q["text_to_html_ratio"],
            image_count=q["image_count"],
            link_count=q["link_count"],
            login_wall_detected=q["login_wall_detected"],
            paywall_detected=q["paywall_detected"],
        ),
    )


def warning_text(accepted: Accepted, attempts: list[AttemptRecord]) -> str | None:
    notes: list[str] = []
    status = accepted.page.response.status_code
    if status >= 400:
        notes.append(f"The target returned HTTP {status}.")
    if len(attempts) > 1:
        notes.append(
            f"Escalated from tier {attempts[0].tier.value} to tier "
            f"{accepted.page.tier.value} ({attempts[0].error or attempts[0].outcome})."
        )
    if accepted.quality_warning:
        notes.append(QUALITY_REASONS[accepted.quality_warning])
    notes.extend(accepted.page.response.render_warnings)
    return " ".join(notes) or None
