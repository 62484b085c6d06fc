"""Tiers: identifiers, names, order, and their position in the price table."""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    CURL = "1"
    HTTP = "2"
    STEALTH = "3"
    LIGHTJS = "3.5"
    BROWSER = "4"
    CAPTCHA = "5"

    @property
    def rank(self) -> int:
        return TIER_ORDER.index(self)

    @property
    def label(self) -> str:
        return TIER_NAMES[self]

    @property
    def number(self) -> float:
        """Numeric form, as ``tier_cap_warning`` reports it."""
        return float(self.value)

    @property
    def needs_browser(self) -> bool:
        return self in (Tier.LIGHTJS, Tier.BROWSER, Tier.CAPTCHA)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank >= other.rank


TIER_ORDER: tuple[Tier, ...] = (
    Tier.CURL,
    Tier.HTTP,
    Tier.STEALTH,
    Tier.LIGHTJS,
    Tier.BROWSER,
    Tier.CAPTCHA,
)
TIER_NAMES: dict[Tier, str] = {
    Tier.CURL: "curl",
    Tier.HTTP: "http",
    Tier.STEALTH: "stealth",
    Tier.LIGHTJS: "lightjs",
    Tier.BROWSER: "browser",
    Tier.CAPTCHA: "captcha",
}
# Default per-attempt timeouts (seconds) and the minimum useful time left to start an attempt.
TIER_ATTEMPT_TIMEOUT_S: dict[Tier, float] = {
    Tier.CURL: 10,
    Tier.HTTP: 10,
    Tier.STEALTH: 15,
    Tier.LIGHTJS: 20,
    Tier.BROWSER: 30,
    Tier.CAPTCHA: 60,
}
TIER_MIN_USEFUL_S: dict[Tier, float] = {
    Tier.CURL: 5,
    Tier.HTTP: 5,
    Tier.STEALTH: 5,
    Tier.LIGHTJS: 8,
    Tier.BROWSER: 10,
    Tier.CAPTCHA: 20,
}


def parse_tier(value: object) -> Tier | None:
    """Accept "3", 3, 3.0, "3.5", 3.5; return None when the value names no tier."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        text = f"{float(value):g}"
    elif isinstance(value, str):
        text = value.strip()
        try:
            text = f"{float(text):g}"
        except ValueError:
            return None
    else:
        return None
    for tier in TIER_ORDER:
        if tier.value == text:
            return tier
    return None


def next_tier(tier: Tier) -> Tier | None:
    i = tier.rank + 1
    return TIER_ORDER[i] if i < len(TIER_ORDER) else None
