"""The scrapability score of a site report: deductions from 100, the
grade, the recommended tier and its price."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from scrapegate.domain.pricing import PriceTable
from scrapegate.domain.tiers import Tier, parse_tier
from scrapegate.engine.site_signals import CAPTCHA_VENDORS, VendorFinding


@dataclass(frozen=True)
class Deduction:
    points: int
    category: str
    label: str


# The spec's table, keyed by signal id.
DEDUCTIONS: dict[str, Deduction] = {
    "kasada": Deduction(45, "anti_bot", "Kasada bot protection"),
    "datadome": Deduction(40, "anti_bot", "DataDome bot protection"),
    "perimeterx": Deduction(40, "anti_bot", "PerimeterX / HUMAN bot defender"),
    "akamai_bot_manager": Deduction(35, "anti_bot", "Akamai Bot Manager"),
    "cf_challenge": Deduction(30, "anti_bot", "Cloudflare managed challenge"),
    "imperva": Deduction(30, "anti_bot", "Imperva (Incapsula) protection"),
    "aws_waf": Deduction(20, "anti_bot", "AWS WAF bot control"),
    "captcha_widget": Deduction(15, "anti_bot", "Visible CAPTCHA widget"),
    "js_required": Deduction(15, "rendering", "JavaScript required to see the content"),
    "login_wall": Deduction(25, "access", "Content behind a login"),
    "rate_limited": Deduction(10, "rate_limit", "HTTP 429 observed"),
    "robots_disallowed": Deduction(10, "policy", "robots.txt disallows this URL"),
    "cookie_gate": Deduction(5, "access", "Cookie-consent overlay covers the content"),
}
# Vendors whose detection alone costs points (Cloudflare and Akamai only in their bot products).
_VENDOR_SIGNALS = {
    "kasada": "kasada",
    "datadome": "datadome",
    "perimeterx": "perimeterx",
    "imperva": "imperva",
    "aws_waf": "aws_waf",
}
GRADES: tuple[tuple[int, str], ...] = ((85, "A"), (70, "B"), (55, "C"), (40, "D"))
BROWSER_TIERS = ("3.5", "4", "5")


class Signal(TypedDict):
    """One finding of a report's ``signals`` list, stored and sent as is."""

    id: str
    category: str
    severity: str
    label: str
    evidence: str


class CreditEstimate(TypedDict):
    """A report's ``estimated_credits``: the price of scraping the site at the advised tier."""

    recommended_tier: str
    per_page_microcents: int
    per_1000_pages_microcents: int


@dataclass
class SiteFacts:
    """What the detectors found; each evidence text is None when the fact does not hold."""

    vendors: Sequence[VendorFinding] = ()
    js_required: str | None = None
    login_wall: str | None = None
    rate_limited: str | None = None
    robots_disallowed: str | None = None
    cookie_gate: str | None = None
    extra: list[Signal] = field(default_factory=list)  # informational signals


def _severity(points: int) -> str:
    if points >= 30:
        return "high"
    return "medium" if points >= 15 else "low"


def signal(signal_id: str, evidence: str) -> Signal:
    rule = DEDUCTIONS[signal_id]
    return {
        "id": signal_id,
        "category": rule.category,
        "severity": _severity(rule.points),
        "label": rule.label,
        "evidence": evidence,
    }


def _vendor_signals(vendors: Sequence[VendorFinding]) -> list[Signal]:
    found: list[Signal] = []
    widget_evidence: list[str] = []
    for vendor in vendors:
        evidence = ", ".join(vendor.evidence)
        if vendor.vendor in _VENDOR_SIGNALS:
            found.append(signal(_VENDOR_SIGNALS[vendor.vendor], evidence))
        elif vendor.vendor == "cloudflare" and vendor.challenged:
            found.append(signal("cf_challenge", evidence))
        elif vendor.vendor == "akamai" and vendor.product == "bot_manager":
            found.append(signal("akamai_bot_manager", evidence))
        elif vendor.vendor in CAPTCHA_VENDORS and (vendor.widget_visible or vendor.challenged):
            widget_evidence.append(f"{vendor.vendor}: {evidence}")
    if widget_evidence:
        found.append(signal("captcha_widget", "; ".join(widget_evidence)))
    return found


def signals_for(facts: SiteFacts) -> list[Signal]:
    """One signal per deduction that applies, in the spec's table order, then the extras."""
    found = _vendor_signals(facts.vendors)
    for signal_id, evidence in (
        ("js_required", facts.js_required),
        ("login_wall", facts.login_wall),
        ("rate_limited", facts.rate_limited),
        ("robots_disallowed", facts.robots_disallowed),
        ("cookie_gate", facts.cookie_gate),
    ):
        if evidence is not None:
            found.append(signal(signal_id, evidence))
    order = list(DEDUCTIONS)
    found.sort(key=lambda s: order.index(s["id"]))
    return found + list(facts.extra)


def score_of(signals: Sequence[Signal]) -> int:
    """100 minus each distinct deduction among ``signals``, never below 0."""
    ids = {s["id"] for s in signals if s["id"] in DEDUCTIONS}
    return max(100 - sum(DEDUCTIONS[i].points for i in ids), 0)


def grade_for(score: int) -> str:
    return next((grade for floor, grade in GRADES if score >= floor), "F")


def recommended_tier(grade: str, tier_that_worked: str | None, captcha_solver: bool) -> Tier:
    """The tier that worked, else by grade: A "1", B-C "3", D "4", F "5" with a solver, else "4"."""
    worked = parse_tier(tier_that_worked) if tier_that_worked else None
    if worked is not None:
        return worked
    if grade == "A":
        return Tier.CURL
    if grade in ("B", "C"):
        return Tier.STEALTH
    if grade == "F" and captcha_solver:
        return Tier.CAPTCHA
    return Tier.BROWSER


def estimated_credits(tier: Tier, prices: PriceTable) -> CreditEstimate:
    per_page = prices.tier_price(tier)
    return {
        "recommended_tier": tier.value,
        "per_page_microcents": per_page,
        "per_1000_pages_microcents": per_page * 1000,
    }
