"""Beacon ingest and the funnels computed from it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from scrapegate.config import EVENT_NAME_PATTERN, FunnelConfig
from scrapegate.domain.json_types import JsonObject
from scrapegate.domain.records import AnalyticsEvent, new_id, utcnow
from scrapegate.errors import InvalidRequest, NotFound
from scrapegate.storage.platform_events_protocol import AnalyticsEventRepository

EVENT_NAME = re.compile(EVENT_NAME_PATTERN)
MAX_EVENTS = 50
MAX_VISITOR_ID = 64
MAX_PATH = 2_048
MAX_PROPS_BYTES = 4 * 1024
MAX_AGE = timedelta(days=7)
# Browser clocks drift; a ts further ahead than this is a bug or a forgery, not skew.
MAX_CLOCK_SKEW = timedelta(minutes=5)


class EventRejected(ValueError):
    """One beacon event failed validation; the batch goes on without it."""


@dataclass(frozen=True)
class RejectedEvent:
    index: int  # position in the request's ``events`` array
    message: str


@dataclass(frozen=True)
class IngestOutcome:
    accepted: int
    errors: list[RejectedEvent]

    @property
    def rejected(self) -> int:
        return len(self.errors)


@dataclass(frozen=True)
class StepStats:
    event: str
    visitors: int
    conversion_from_previous: float
    conversion_from_start: float


@dataclass(frozen=True)
class FunnelStats:
    name: str
    period_start: datetime
    period_end: datetime
    window_hours: int
    steps: list[StepStats]


@dataclass(frozen=True)
class AllFunnelStats:
    """The statistics of every configured funnel over one period."""

    period_start: datetime
    period_end: datetime
    funnels: list[FunnelStats]


def parse_ts(value: Any, now: datetime) -> datetime:
    if value is None:
        return now
    if not isinstance(value, str):
        raise EventRejected("ts must be an ISO-8601 timestamp")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise EventRejected("ts must be an ISO-8601 timestamp") from None
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if parsed < now - MAX_AGE:
        raise EventRejected("ts is older than 7 days")
    if parsed > now + MAX_CLOCK_SKEW:
        raise EventRejected("ts is in the future")
    return parsed


def optional_text(raw: Mapping[str, Any], key: str, limit: int) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise EventRejected(f"{key} must be a string of at most {limit} characters")
    return value


def parse_props(value: Any) -> JsonObject:
    """The event's free-form ``props``, kept as sent once they fit the size limit."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise EventRejected("props must be an object")
    try:
        size = len(orjson.dumps(value))
    except TypeError:
        raise EventRejected("props must be JSON") from None
    if size > MAX_PROPS_BYTES:
        raise EventRejected(f"props must not exceed {MAX_PROPS_BYTES} bytes of JSON")
    return value


def parse_event(raw: Any, now: datetime, user_id: str | None) -> AnalyticsEvent:
    if not isinstance(raw, dict):
        raise EventRejected("event must be an object")
    name = raw.get("name")
    if not isinstance(name, str) or not EVENT_NAME.fullmatch(name):
        raise EventRejected("name must match ^[a-z0-9_.:-]{1,64}$")
    return AnalyticsEvent(
        id=new_id(),
        name=name,
        ts=parse_ts(raw.get("ts"), now),
        visitor_id=optional_text(raw, "visitor_id", MAX_VISITOR_ID),
        user_id=user_id,
        path=optional_text(raw, "path", MAX_PATH),
        props=parse_props(raw.get("props")),
        created_at=now,
    )


def events_of(body: Any) -> list[Any]:
    """The ``events`` array; a malformed envelope rejects the whole request."""
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    events = body.get("events")
    if not isinstance(events, list):
        raise InvalidRequest("events must be an array", field="events")
    if not 1 <= len(events) <= MAX_EVENTS:
        raise InvalidRequest(f"events must hold 1-{MAX_EVENTS} events", field="events")
    return events


def visitor_key(event: AnalyticsEvent) -> str | None:
    """Anonymous id first: it survives sign-up, which is what onboarding funnels follow."""
    if event.visitor_id:
        return f"v:{event.visitor_id}"
    return f"u:{event.user_id}" if event.user_id else None


def depth_from(events: Sequence[AnalyticsEvent], start: int, funnel: FunnelConfig) -> int:
    """Steps reached in order from the step-1 event at ``start``, within the window."""
    deadline = events[start].ts + timedelta(hours=funnel.window_hours)
    reached, position = 1, start + 1
    while reached < len(funnel.steps) and position < len(events):
        event = events[position]
        if event.ts > deadline:
            break
        if event.name == funnel.steps[reached]:
            reached += 1
        position += 1
    return reached


def deepest_step(
    events: Sequence[AnalyticsEvent], funnel: FunnelConfig, since: datetime, until: datetime
) -> int:
    """The furthest step one visitor reached from any step-1 event inside the period."""
    best = 0
    for index, event in enumerate(events):
        if event.name == funnel.steps[0] and since <= event.ts < until:
            best = max(best, depth_from(events, index, funnel))
            if best == len(funnel.steps):
                break
    return best


def visitor_depths(
    found: Sequence[AnalyticsEvent], funnel: FunnelConfig, since: datetime, until: datetime
) -> list[int]:
    """The deepest step of every visitor who emitted any of the funnel's events."""
    by_visitor: dict[str, list[AnalyticsEvent]] = defaultdict(list)
    for event in found:
        key = visitor_key(event)
        if key is not None:
            by_visitor[key].append(event)
    order = {step: n for n, step in reversed(list(enumerate(funnel.steps)))}
    return [
        # Equal timestamps count as in funnel order, the same on every backend.
        deepest_step(sorted(events, key=lambda e: (e.ts, order[e.name])), funnel, since, until)
        for events in by_visitor.values()
    ]


def step_stats(funnel: FunnelConfig, depths: Sequence[int]) -> list[StepStats]:
    counts = [sum(1 for depth in depths if depth > n) for n in range(len(funnel.steps))]
    start = counts[0]
    stats = []
    for n, event in enumerate(funnel.steps):
        previous = counts[n - 1] if n else start
        stats.append(
            StepStats(
                event=event,
                visitors=counts[n],
                conversion_from_previous=round(counts[n] / previous, 4) if previous else 0.0,
                conversion_from_start=round(counts[n] / start, 4) if start else 0.0,
            )
        )
    return stats


class BeaconService:
    def __init__(self, events: AnalyticsEventRepository, funnels: Sequence[FunnelConfig]) -> None:
        self._events = events
        self._funnels = {funnel.name: funnel for funnel in funnels}

    @property
    def funnels(self) -> list[FunnelConfig]:
        return list(self._funnels.values())

    async def ingest(self, body: Any, user_id: str | None = None) -> IngestOutcome:
        now = utcnow()
        accepted: list[AnalyticsEvent] = []
        errors: list[RejectedEvent] = []
        for index, raw in enumerate(events_of(body)):
            try:
                accepted.append(parse_event(raw, now, user_id))
            except EventRejected as exc:
                errors.append(RejectedEvent(index, str(exc)))
        await self._events.add_many(accepted)
        return IngestOutcome(accepted=len(accepted), errors=errors)

    async def stats(self, name: str, days: int, now: datetime | None = None) -> FunnelStats:
        funnel = self._funnels.get(name)
        if funnel is None:
            raise NotFound(f"Funnel '{name}' is not defined")
        until = now or utcnow()
        since = until - timedelta(days=days)
        # Later steps are read up to now (plus tolerated clock skew), the end of the period.
        found = await self._events.in_period(
            sorted(set(funnel.steps)), since, until + MAX_CLOCK_SKEW
        )
        depths = visitor_depths(found, funnel, since, until)
        steps = step_stats(funnel, depths)
        return FunnelStats(funnel.name, since, until, funnel.window_hours, steps)

    async def all_stats(self, days: int, now: datetime | None = None) -> AllFunnelStats:
        until = now or utcnow()
        stats = [await self.stats(name, days, until) for name in self._funnels]
        return AllFunnelStats(until - timedelta(days=days), until, stats)
