"""Time windows of dashboard and usage routes and their UTC buckets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from scrapegate.errors import InvalidRequest
from scrapegate.storage.analytics_protocol import LogQuery

Granularity = Literal["hour", "day"]
MAX_DAYS = 365
MAX_HOURS = 8_760
HOURLY_UP_TO = timedelta(hours=48)  # hourly buckets up to 48 hours


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime

    @property
    def granularity(self) -> Granularity:
        return "hour" if self.until - self.since <= HOURLY_UP_TO else "day"

    def query(self, org_id: str, *, domain: str | None = None) -> LogQuery:
        return LogQuery(org_id, self.since, self.until, domain=domain)

    def buckets(self, granularity: Granularity) -> Iterator[datetime]:
        """Every bucket start from the one holding ``since`` to the one holding ``until``."""
        step = timedelta(hours=1) if granularity == "hour" else timedelta(days=1)
        current = bucket_start(self.since, granularity)
        last = bucket_start(self.until - timedelta(microseconds=1), granularity)
        while current <= last:
            yield current
            current += step


def bucket_start(moment: datetime, granularity: Granularity) -> datetime:
    hour = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return hour if granularity == "hour" else hour.replace(hour=0)


def _bounded(value: int | None, name: str, upper: int) -> int | None:
    if value is not None and not 1 <= value <= upper:
        raise InvalidRequest(f"{name} must be between 1 and {upper}", name)
    return value


def resolve_window(
    days: int | None, hours: int | None, now: datetime, *, default_days: int = 30
) -> Window:
    """``days`` (1-365) or ``hours`` (1-8760), never both; ``default_days`` when neither."""
    if days is not None and hours is not None:
        raise InvalidRequest("days and hours are mutually exclusive", "hours")
    span_hours = _bounded(hours, "hours", MAX_HOURS)
    if span_hours is not None:
        return Window(now - timedelta(hours=span_hours), now)
    span_days = _bounded(days, "days", MAX_DAYS) or default_days
    return Window(now - timedelta(days=span_days), now)


def bounded_days(value: int, name: str, upper: int) -> int:
    """A day count of a usage route, 1..``upper``."""
    if not 1 <= value <= upper:
        raise InvalidRequest(f"{name} must be between 1 and {upper}", name)
    return value


def clamp_limit(value: int, maximum: int, name: str = "limit") -> int:
    """Pagination limits: above the maximum is clamped, negative is refused."""
    if value < 0:
        raise InvalidRequest(f"{name} must not be negative", name)
    return min(value, maximum)


def non_negative(value: int, name: str) -> int:
    if value < 0:
        raise InvalidRequest(f"{name} must not be negative", name)
    return value


def percent(part: int | float, whole: int | float) -> float:
    """Share in 0-100, two decimals."""
    return round(100 * part / whole, 2) if whole else 0.0


def rate(part: int, whole: int) -> float:
    """Fraction in 0-1, four decimals."""
    return round(part / whole, 4) if whole else 0.0


def whole_ms(value: float | None) -> int | None:
    return None if value is None else round(value)
