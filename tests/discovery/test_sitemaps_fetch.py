"""Sitemap discovery over HTTP against the fixture site: indexes, gzip, text, feeds, traps."""

from __future__ import annotations

import pytest

from scrapegate.domain.netrules import NetPolicy
from scrapegate.fetchers import Fetcher
from scrapegate.jobs.discovery.sitemaps import (
    crawl_sitemaps,
    discover_sitemap_urls,
    well_known_sitemap_urls,
)
from tests.site import crawl_routes
from tests.site.server import FixtureSite


async def test_index_with_gzip_child_and_nested_feeds(
    fetcher: Fetcher, policy: NetPolicy, fixture_site: FixtureSite
) -> None:
    start = [fixture_site.url("/crawl-site/index.xml"), fixture_site.url("/crawl-site/urls.txt")]
    discovery = await crawl_sitemaps(fetcher, start, policy, limit=100)
    urls = [entry.url for entry in discovery.entries]
    expected_paths = (
        crawl_routes.TEXT_PATHS  # the second top-level sitemap is read before index children
        + crawl_routes.GZIP_PATHS
        + crawl_routes.RSS_PATHS
        + crawl_routes.ATOM_PATHS
    )
    assert urls == [fixture_site.url(p) for p in expected_paths]
    assert discovery.sitemaps == [
        fixture_site.url(p)
        for p in (
            "/crawl-site/index.xml",
            "/crawl-site/urls.txt",
            "/crawl-site/pages.xml.gz",
            "/crawl-site/nested-index.xml",
            "/crawl-site/feed.rss",
            "/crawl-site/feed.atom",
        )
    ]
    assert discovery.failures == {}
    gz = next(e for e in discovery.entries if e.url.endswith("/gz/one"))
    assert gz.lastmod == "2026-01-01" and gz.priority == 0.5 and gz.source == "sitemap"
    assert {e.source for e in discovery.entries if "/news/" in e.url} == {"feed"}


async def test_depth_cap_stops_nested_indexes(
    fetcher: Fetcher, policy: NetPolicy, fixture_site: FixtureSite
) -> None:
    start = [fixture_site.url("/crawl-site/index.xml")]
    discovery = await crawl_sitemaps(fetcher, start, policy, limit=100, max_depth=1)
    assert [e.url for e in discovery.entries] == [
        fixture_site.url(p) for p in crawl_routes.GZIP_PATHS
    ]
    nested = fixture_site.url("/crawl-site/nested-index.xml")
    assert discovery.failures == {nested: "sitemap index nested too deeply"}


async def test_file_count_cap_and_limit(
    fetcher: Fetcher, policy: NetPolicy, fixture_site: FixtureSite
) -> None:
    start = [fixture_site.url("/crawl-site/index.xml")]
    capped = await crawl_sitemaps(fetcher, start, policy, limit=100, max_sitemaps=2)
    assert len(capped.sitemaps) == 2 and capped.truncated
    limited = await discover_sitemap_urls(fetcher, start, policy, limit=2)
    assert [e.url for e in limited] == [fixture_site.url(p) for p in crawl_routes.GZIP_PATHS[:2]]


async def test_missing_and_non_sitemap_files_are_failures(
    fetcher: Fetcher, policy: NetPolicy, fixture_site: FixtureSite
) -> None:
    missing, html = fixture_site.url("/status/404"), fixture_site.url("/article")
    discovery = await crawl_sitemaps(fetcher, [missing, html], policy, limit=10)
    assert discovery.entries == [] and discovery.sitemaps == []
    assert discovery.failures[missing] == "HTTP 404"
    assert "HTML page, not a sitemap" in discovery.failures[html]


async def test_well_known_locations_find_the_root_sitemap(
    fetcher: Fetcher, policy: NetPolicy, fixture_site: FixtureSite
) -> None:
    candidates = well_known_sitemap_urls(fixture_site.url("/some/page"))
    assert candidates[0] == fixture_site.url("/sitemap.xml")
    entries = await discover_sitemap_urls(fetcher, candidates, policy, limit=100)
    # /sitemap.xml and /sitemap-index.xml (which points back at it) give the same six URLs once.
    assert len(entries) == 6
    assert fixture_site.url("/tree/a") in {e.url for e in entries}


@pytest.mark.parametrize(
    "path",
    ["/crawl-site/laughs.xml", "/crawl-site/external-entity.xml", "/crawl-site/external-dtd.xml"],
)
async def test_entity_sitemaps_are_refused_without_fetching_the_target(
    fetcher: Fetcher, policy: NetPolicy, fixture_site: FixtureSite, path: str
) -> None:
    fixture_site.clear()
    discovery = await crawl_sitemaps(fetcher, [fixture_site.url(path)], policy, limit=10)
    assert discovery.entries == []
    assert "DTD or entities" in discovery.failures[fixture_site.url(path)]
    assert [r.path for r in fixture_site.requests] == [path]  # no fetch of the entity target
    assert fixture_site.requests.for_path(crawl_routes.ENTITY_TARGET) == []


async def test_fifty_megabyte_sitemap_is_streamed_to_the_end(
    fetcher: Fetcher, policy: NetPolicy, fixture_site: FixtureSite
) -> None:
    huge = fixture_site.url("/crawl-site/huge.xml")
    discovery = await crawl_sitemaps(fetcher, [huge], policy, limit=1_000_000)
    assert discovery.failures == {}
    assert not discovery.truncated
    assert len(discovery.entries) == crawl_routes.HUGE_URL_COUNT
    assert discovery.entries[-1].url == fixture_site.url(
        f"/crawl-site/p/{crawl_routes.HUGE_URL_COUNT - 1:07d}"
    )


async def test_refused_targets_are_failures_not_errors(
    fetcher: Fetcher, fixture_site: FixtureSite
) -> None:
    closed = NetPolicy.build(allow_private=False)
    url = fixture_site.url("/sitemap.xml")
    discovery = await crawl_sitemaps(fetcher, [url], closed, limit=10)
    assert discovery.entries == []
    assert discovery.failures[url].startswith("fetch failed")
