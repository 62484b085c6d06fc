"""robots.txt for ``respect_robots: true`` (spec core-api §5 rule 73), fetched with tier 1."""

from __future__ import annotations

import time
import urllib.robotparser
from urllib.parse import urlsplit, urlunsplit

from scrapegate.domain.netrules import NetPolicy
from scrapegate.errors import RobotsDisallowed
from scrapegate.fetchers.base import Fetcher, FetchError, FetchRequest

USER_AGENT_TOKEN = "scrapegate"
CACHE_TTL_S = 600.0
MAX_ROBOTS_BYTES = 512 * 1024


class RobotsGate:
    """Answers whether our user-agent token may fetch a URL; robots files are kept 10 minutes."""

    def __init__(self, fetcher: Fetcher, policy: NetPolicy) -> None:
        self._fetcher = fetcher
        self._policy = policy
        self._parsers: dict[str, tuple[float, urllib.robotparser.RobotFileParser]] = {}

    async def check(self, url: str) -> None:
        parser = await self._parser_for(url)
        if not parser.can_fetch(USER_AGENT_TOKEN, url):
            raise RobotsDisallowed(
                f"robots.txt disallows {url} for user agent {USER_AGENT_TOKEN}",
                {"field": "url", "reason": "robots_disallowed"},
            )

    async def _parser_for(self, url: str) -> urllib.robotparser.RobotFileParser:
        parts = urlsplit(url)
        origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        cached = self._parsers.get(origin)
        if cached is not None and time.monotonic() - cached[0] < CACHE_TTL_S:
            return cached[1]
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(await self._fetch_lines(origin + "/robots.txt"))
        self._parsers[origin] = (time.monotonic(), parser)
        return parser

    async def _fetch_lines(self, robots_url: str) -> list[str]:
        try:
            response = await self._fetcher.fetch(
                FetchRequest(
                    url=robots_url,
                    policy=self._policy,
                    timeout_s=10,
                    max_response_bytes=MAX_ROBOTS_BYTES,
                )
            )
        except FetchError:
            return []  # unreachable robots.txt: everything is allowed
        if response.status_code >= 400:
            return []  # 4xx/5xx robots.txt: treated as "no rules"
        return response.body.decode("utf-8", errors="replace").splitlines()
