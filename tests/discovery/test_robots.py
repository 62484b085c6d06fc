"""robots.txt for our token ``scrapegate`` then ``*`` (design-notes §10, RFC 9309)."""

from __future__ import annotations

import socket

import pytest

from scrapegate.domain.netrules import NetPolicy
from scrapegate.engine.robots import (
    MAX_CRAWL_DELAY_S,
    RobotsCache,
    RobotsRules,
    fetch_robots,
    robots_url_for,
)
from scrapegate.fetchers import Fetcher
from tests.site.server import FixtureSite

OURS_AND_STAR = """
User-agent: *
Disallow: /

User-agent: scrapegate
Disallow: /private/
Allow: /private/open
Crawl-delay: 2.5
Sitemap: https://example.com/sitemap.xml
"""

STAR_ONLY = """
User-agent: otherbot
Disallow: /

User-agent: *
Disallow: /admin/
Crawl-delay: 3
"""


@pytest.mark.parametrize(
    ("text", "path", "allowed"),
    [
        (OURS_AND_STAR, "/", True),  # our group replaces "*"
        (OURS_AND_STAR, "/private/x", False),
        (OURS_AND_STAR, "/private/open", True),  # the longest rule wins
        (STAR_ONLY, "/admin/users", False),  # no group for us: "*" applies
        (STAR_ONLY, "/blog", True),
        ("", "/anything", True),
        ("User-agent: SCRAPEGATE\nDisallow: /x", "/x", False),  # tokens are case-insensitive
    ],
)
def test_allowed(text: str, path: str, allowed: bool) -> None:
    assert RobotsRules.from_text(text).allowed("https://example.com" + path) is allowed


def test_crawl_delay_and_sitemaps() -> None:
    rules = RobotsRules.from_text(OURS_AND_STAR)
    assert rules.crawl_delay == 2.5
    assert rules.sitemaps == ["https://example.com/sitemap.xml"]
    assert rules.disallowed_paths == ["/private/"]
    assert RobotsRules.from_text(STAR_ONLY).crawl_delay == 3
    assert RobotsRules.from_text(STAR_ONLY).disallowed_paths == ["/admin/"]


def test_crawl_delay_is_capped() -> None:
    rules = RobotsRules.from_text("User-agent: *\nCrawl-delay: 3600\n")
    assert rules.crawl_delay == MAX_CRAWL_DELAY_S


def test_robots_txt_itself_is_always_allowed() -> None:
    assert RobotsRules.from_text("User-agent: *\nDisallow: /").allowed("https://e.com/robots.txt")
    assert RobotsRules.disallow_all().allowed("https://e.com/robots.txt")


def test_robots_url_for() -> None:
    assert robots_url_for("HTTPS://Example.com:8443/a/b?q") == "https://example.com:8443/robots.txt"


async def test_fixture_robots_for_our_token(
    fetcher: Fetcher, policy: NetPolicy, fixture_site: FixtureSite
) -> None:
    robots_url = fixture_site.url("/crawl-site/robots.txt")
    rules = await fetch_robots(fetcher, fixture_site.url("/"), policy, robots_url=robots_url)
    assert rules.exists and rules.status == "ok"
    assert not rules.allowed(fixture_site.url("/crawl-site/blocked/page"))
    assert rules.allowed(fixture_site.url("/crawl-site/blocked/open"))
    assert rules.allowed(fixture_site.url("/crawl-site/everyone-else/page"))  # "*" is not ours
    assert rules.crawl_delay == MAX_CRAWL_DELAY_S  # the file says 30
    assert rules.sitemaps == [
        fixture_site.url("/crawl-site/index.xml"),
        fixture_site.url("/crawl-site/urls.txt"),
    ]


async def test_root_robots_is_fetched_from_the_origin(
    fetcher: Fetcher, policy: NetPolicy, fixture_site: FixtureSite
) -> None:
    fixture_site.clear()
    rules = await fetch_robots(fetcher, fixture_site.url("/some/page?x=1"), policy)
    assert [r.path for r in fixture_site.requests] == ["/robots.txt"]
    assert (
        fixture_site.requests.for_path("/robots.txt")[0]
        .headers["user-agent"]
        .startswith("scrapegate/")
    )  # identified with our product token (design-notes §10)
    assert not rules.allowed(fixture_site.url("/private/x"))
    assert rules.crawl_delay == 0.05


async def test_4xx_robots_allows_everything(
    fetcher: Fetcher, policy: NetPolicy, fixture_site: FixtureSite
) -> None:
    rules = await fetch_robots(
        fetcher, fixture_site.url("/"), policy, robots_url=fixture_site.url("/status/404")
    )
    assert rules.status == "missing" and not rules.exists
    assert rules.allowed(fixture_site.url("/anything"))
    assert rules.crawl_delay is None and rules.sitemaps == []


async def test_5xx_robots_disallows_everything(
    fetcher: Fetcher, policy: NetPolicy, fixture_site: FixtureSite
) -> None:
    rules = await fetch_robots(
        fetcher, fixture_site.url("/"), policy, robots_url=fixture_site.url("/status/503")
    )
    assert rules.status == "server_error"
    assert not rules.allowed(fixture_site.url("/anything"))
    assert rules.disallowed_paths == ["/"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_unreachable_robots_disallows_everything(fetcher: Fetcher, policy: NetPolicy) -> None:
    origin = f"http://127.0.0.1:{_closed_port()}/"
    rules = await fetch_robots(fetcher, origin, policy)
    assert rules.status == "unreachable"
    assert not rules.allowed(origin + "page")


async def test_cache_fetches_once_per_origin_within_the_ttl(
    fetcher: Fetcher, policy: NetPolicy, fixture_site: FixtureSite
) -> None:
    now = [0.0]
    cache = RobotsCache(fetcher, policy, ttl_s=3600, clock=lambda: now[0])
    fixture_site.clear()
    first = await cache.rules_for(fixture_site.url("/a"))
    second = await cache.rules_for(fixture_site.url("/b"))
    assert first is second
    assert len(fixture_site.requests.for_path("/robots.txt")) == 1
    now[0] = 3601.0
    third = await cache.rules_for(fixture_site.url("/c"))
    assert third is not first
    assert len(fixture_site.requests.for_path("/robots.txt")) == 2
