"""robots.txt for scrapes, crawl and map, parsed with protego.

Our product token is ``scrapegate``: a group naming it applies, otherwise the ``*`` group.
A 4xx robots.txt allows everything; a 5xx or an unreachable one disallows everything.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.robots_record import RobotsRecord, RobotsStatus
from scrapegate.errors import RobotsDisallowed
from scrapegate.fetchers.base import Fetcher, FetchError, FetchRequest

logger = logging.getLogger(__name__)

USER_AGENT_TOKEN = "scrapegate"
MAX_CRAWL_DELAY_S = 10.0
MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309 asks parsers to read at least 500 KiB
ROBOTS_TIMEOUT_S = 10.0
CACHE_TTL_S = 3600.0


class RobotsRules:
    """The rules of one origin for our user agent."""

    def __init__(
        self,
        status: RobotsStatus,
        parser: Protego | None = None,
        disallowed_paths: list[str] | None = None,
    ) -> None:
        self.status: RobotsStatus = status
        self._parser = parser
        self.exists = status == "ok"
        self.sitemaps: list[str] = list(parser.sitemaps) if parser is not None else []
        self.disallowed_paths: list[str] = disallowed_paths or []
        delay = parser.crawl_delay(USER_AGENT_TOKEN) if parser is not None else None
        self.crawl_delay: float | None = None if delay is None else min(delay, MAX_CRAWL_DELAY_S)
        self.text: str | None = None

    @classmethod
    def from_text(cls, text: str) -> RobotsRules:
        rules = cls("ok", Protego.parse(text), _disallowed_paths(text))
        rules.text = text
        return rules

    def to_record(self) -> RobotsRecord:
        """A JSON form, so another process can rebuild the same rules without a fetch."""
        return {"status": self.status, "text": self.text, "crawl_delay": self.crawl_delay}

    @classmethod
    def from_record(cls, record: Mapping[str, object]) -> RobotsRules:
        """Rules from a stored record, read defensively: it comes back from the database."""
        status, text = record.get("status"), record.get("text")
        if status == "ok" and isinstance(text, str):
            return cls.from_text(text)
        if status == "missing":
            return cls.allow_all()
        return cls.disallow_all("unreachable" if status == "unreachable" else "server_error")

    @classmethod
    def allow_all(cls) -> RobotsRules:
        return cls("missing")

    @classmethod
    def disallow_all(cls, status: RobotsStatus = "server_error") -> RobotsRules:
        return cls(status, disallowed_paths=["/"])

    def allowed(self, url: str) -> bool:
        if urlsplit(url).path == "/robots.txt":
            return True  # the file itself is always fetchable
        if self._parser is not None:
            return bool(self._parser.can_fetch(url, USER_AGENT_TOKEN))
        return self.status == "missing"


def _disallowed_paths(text: str) -> list[str]:
    """Disallow values of the group that applies to us (ours if present, else "*")."""
    groups: dict[str, list[str]] = {}
    agents: list[str] = []
    in_rules = False
    for raw in text.splitlines():
        name, _, value = raw.split("#", 1)[0].partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
            for agent in agents:
                groups.setdefault(agent, [])
        elif name in ("allow", "disallow"):
            in_rules = True
            if name == "disallow" and value:
                for agent in agents:
                    groups[agent].append(value)
    chosen = groups.get(USER_AGENT_TOKEN, groups.get("*", []))
    return list(dict.fromkeys(chosen))


def robots_url_for(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), "/robots.txt", "", ""))


async def fetch_robots(
    fetcher: Fetcher, origin: str, policy: NetPolicy, *, robots_url: str | None = None
) -> RobotsRules:
    """Fetch and parse ``<origin>/robots.txt`` (or ``robots_url``). ``URLNotAllowed`` from the
    fetcher propagates: an origin the network policy refuses is not crawlable at all."""
    target = robots_url or robots_url_for(origin)
    request = FetchRequest(
        url=target, policy=policy, timeout_s=ROBOTS_TIMEOUT_S, max_response_bytes=MAX_ROBOTS_BYTES
    )
    try:
        response = await fetcher.fetch(request)
    except FetchError as exc:
        if exc.cause in ("too_many_redirects", "invalid_redirect"):
            return RobotsRules.allow_all()  # RFC 9309 (2.3.1.2): treated as unavailable
        logger.info("robots.txt %s unreachable (%s): disallowing all", target, exc.cause)
        return RobotsRules.disallow_all("unreachable")
    if response.status_code >= 500 or response.status_code == 429:
        return RobotsRules.disallow_all("server_error")
    if response.status_code >= 400:
        return RobotsRules.allow_all()
    if response.status_code >= 300:
        return RobotsRules.allow_all()  # redirects past the fetcher's limit: no rules found
    text = response.body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace").lstrip("\ufeff")
    return RobotsRules.from_text(text)


class RobotsCache:
    """One ``RobotsRules`` per origin, kept ``ttl_s`` seconds (1 h by default)."""

    def __init__(
        self,
        fetcher: Fetcher,
        policy: NetPolicy,
        *,
        ttl_s: float = CACHE_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetcher = fetcher
        self._policy = policy
        self._ttl_s = ttl_s
        self._clock = clock
        self._entries: dict[str, tuple[float, RobotsRules]] = {}

    async def rules_for(self, url: str) -> RobotsRules:
        key = robots_url_for(url)
        cached = self._entries.get(key)
        if cached is not None and self._clock() - cached[0] < self._ttl_s:
            return cached[1]
        rules = await fetch_robots(self._fetcher, url, self._policy)
        self._entries[key] = (self._clock(), rules)
        return rules


class RobotsGate:
    """``respect_robots: true`` on a scrape."""

    def __init__(self, fetcher: Fetcher, policy: NetPolicy) -> None:
        self._cache = RobotsCache(fetcher, policy)

    async def check(self, url: str) -> None:
        rules = await self._cache.rules_for(url)
        if not rules.allowed(url):
            raise RobotsDisallowed(
                f"robots.txt disallows {url} for user agent {USER_AGENT_TOKEN}",
                {"field": "url", "reason": "robots_disallowed"},
            )
