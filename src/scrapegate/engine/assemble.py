"""The scrape response object from an accepted page."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from scrapegate.domain.pricing import PriceTable, addon_names
from scrapegate.domain.scrape_request import ScrapeRequest
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

    @property
    def total(self) -> int:
        return self.base + sum(self.addons.values())


def compute_charge(req: ScrapeRequest, tier: Tier, prices: PriceTable) -> Charge:
    return Charge(
        tier=tier,
        base=prices.tier_price(tier),
        addons={name: prices.addons[name] for name in addon_names(req)},
    )


def escalations(
    plan: TierPlan, attempts: list[AttemptRecord], charge: Charge | None
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "tier": s.tier.value,
            "result": "skipped",
            "credits": 0,
            "duration_ms": None,
            "error": s.reason,
        }
        for s in plan.skipped
    ]
    for i, a in enumerate(attempts):
        won = charge is not None and i == len(attempts) - 1
        rows.append(
            {
                "tier": a.tier.value,
                "result": "success" if won else "failed",
                "credits": charge.base if won and charge else 0,
                "duration_ms": a.duration_ms,
                "error": None if won else a.error,
            }
        )
    return rows


def billing_object(
    plan: TierPlan,
    attempts: list[AttemptRecord],
    charge: Charge,
    prices: PriceTable,
    billing_enabled: bool,
) -> dict[str, Any]:
    return {
        "total_credits": charge.total,
        "tier_used": charge.tier.value,
        "tier_name": charge.tier.label,
        "base_credits": charge.base,
        "addon_credits": charge.total - charge.base,
        "addons": [{"name": n, "credits": c, "refunded": False} for n, c in charge.addons.items()],
        "escalations": escalations(plan, attempts, charge),
        "savings": max(prices.tier_price(plan.cap) - charge.base, 0),
        "cached": False,
        "billing_enabled": billing_enabled,
        "optimization_suggestion": None,
        "byop_applied": False,
        "byop_discount_percent": 0.0,
        "original_cost_microcents": charge.total,
        "final_cost_microcents": charge.total,
        "byos_applied": False,
        "byos_session_name": None,
    }


def content_value(req: ScrapeRequest, accepted: Accepted) -> tuple[Any, bool]:
    """The ``content`` field and whether ``raw`` holds base64."""
    converted = accepted.converted
    page = accepted.page
    if req.formats is None:
        return (converted.markdown if converted else page.text or ""), False
    values: dict[str, Any] = dict(converted.formats) if converted else {}
    binary = False
    if "raw" in req.formats:
        if page.text is not None:
            values["raw"] = page.text
        else:
            values["raw"] = base64.b64encode(page.response.body).decode()
            binary = True
    return {f: values.get(f) for f in req.formats}, binary


def truncation(accepted: Accepted) -> dict[str, Any] | None:
    response = accepted.page.response
    if response.truncated:
        return {
            "truncated": True,
            "truncated_at_bytes": len(response.body),
            "original_size_bytes": response.original_size,
            "truncation_reason": "response_body_cap",
        }
    reason = accepted.converted.truncation_reason if accepted.converted else None
    if reason:
        return {
            "truncated": True,
            "truncated_at_bytes": None,
            "original_size_bytes": response.size_bytes,
            "truncation_reason": reason,
        }
    return None


def quality(accepted: Accepted) -> tuple[dict[str, Any], dict[str, Any] | None]:
    converted = accepted.converted
    base: dict[str, Any] = (
        dict(converted.content_quality)
        if converted
        else {
            "word_count": 0,
            "text_length": len(accepted.page.text or ""),
            "html_bytes": len(accepted.page.response.body),
            "main_content_found": False,
            "quality_score": 0,
        }
    )
    code = accepted.quality_warning
    base["js_shell_suspected"] = code == "JS_SHELL"
    base.setdefault("block_page_suspected", False)
    if code is None:
        return base, None
    return base, {
        "code": code,
        "reason": QUALITY_REASONS[code],
        "word_count": converted.word_count if converted else 0,
        "content_size_bytes": len(accepted.page.response.body),
    }


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
