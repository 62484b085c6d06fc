"""The SearXNG adapter against a SearXNG-shaped server on loopback."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate.errors import UpstreamError
from scrapegate.fetchers.search_provider import SearxngProvider, merge_hits, strip_tracking
from tests.site.server import FixtureSite
from tests.standins.searxng import SearxngStandin


async def run(provider: SearxngProvider, query: str = "scrapegate", **overrides: Any) -> Any:
    options: dict[str, Any] = {
        "num_results": 10,
        "language": None,
        "country": None,
        "time_range": None,
        "safe_search": "moderate",
        "page": 1,
    }
    options.update(overrides)
    return await provider.search(query, **options)


async def test_results_become_hits(searxng: SearxngStandin, fixture_site: FixtureSite) -> None:
    hits = await run(SearxngProvider(searxng.url))
    assert [h.position for h in hits] == [1, 2, 3, 4, 5]
    first = hits[0]
    assert first.url == fixture_site.url("/article")
    assert first.title == "How Scrapegate Reads the Web"
    assert first.snippet == "A long article about reading pages."
    assert first.engine == "duckduckgo" and first.engines == ("duckduckgo", "brave")
    assert first.published_date == "2026-01-09T08:00:00"
    assert hits[1].published_date is None


async def test_query_parameters(searxng: SearxngStandin) -> None:
    await run(
        SearxngProvider(searxng.url + "/"),
        "site:example.com q",
        language="de",
        country="AT",
        time_range="hour",
        safe_search="strict",
    )
    sent = searxng.queries[0]
    assert sent["q"] == "site:example.com q"
    assert sent["format"] == "json" and sent["pageno"] == "1"
    assert sent["language"] == "de-AT"
    assert sent["safesearch"] == "2"
    assert sent["time_range"] == "day"  # SearXNG has no hour window


async def test_optional_parameters_are_left_out(searxng: SearxngStandin) -> None:
    await run(SearxngProvider(searxng.url), safe_search="off")
    sent = searxng.queries[0]
    assert "language" not in sent and "time_range" not in sent
    assert sent["safesearch"] == "0"


async def test_num_results_cuts_the_list(searxng: SearxngStandin) -> None:
    hits = await run(SearxngProvider(searxng.url), num_results=2)
    assert len(hits) == 2 and len(searxng.queries) == 1


def many(count: int) -> list[dict[str, Any]]:
    return [
        {"url": f"https://r{i}.example/", "title": f"r{i}", "content": ""} for i in range(count)
    ]


async def test_more_results_than_one_upstream_page(searxng: SearxngStandin) -> None:
    searxng.reset(many(25))
    hits = await run(SearxngProvider(searxng.url), num_results=20)
    assert [h.title for h in hits] == [f"r{i}" for i in range(20)]
    assert [q["pageno"] for q in searxng.queries] == ["1", "2"]


async def test_page_two(searxng: SearxngStandin) -> None:
    searxng.reset(many(25))
    hits = await run(SearxngProvider(searxng.url), num_results=10, page=2)
    assert [h.title for h in hits] == [f"r{i}" for i in range(10, 20)]
    assert [h.position for h in hits] == list(range(11, 21))


async def test_stops_when_the_provider_runs_dry(searxng: SearxngStandin) -> None:
    searxng.reset(many(12))
    hits = await run(SearxngProvider(searxng.url), num_results=50)
    assert len(hits) == 12
    assert [q["pageno"] for q in searxng.queries] == ["1", "2", "3"]


async def test_server_error_is_retried_once(searxng: SearxngStandin) -> None:
    searxng.fail_status, searxng.fail_count = 502, 1
    hits = await run(SearxngProvider(searxng.url))
    assert len(hits) == 5
    assert [q["pageno"] for q in searxng.queries] == ["1", "1", "2"]  # then page 2 ran dry


async def test_persistent_failure_is_an_upstream_error(searxng: SearxngStandin) -> None:
    searxng.fail_status = 500
    with pytest.raises(UpstreamError) as caught:
        await run(SearxngProvider(searxng.url))
    assert caught.value.cause == "provider_error"
    assert caught.value.details == {
        "cause": "provider_error",
        "provider": "searxng",
        "status_code": 500,
    }
    assert len(searxng.queries) == 2


async def test_json_format_disabled_says_so(searxng: SearxngStandin) -> None:
    searxng.fail_status = 403
    with pytest.raises(UpstreamError) as caught:
        await run(SearxngProvider(searxng.url))
    assert "json format" in caught.value.detail
    assert len(searxng.queries) == 1  # a 4xx is not retried


async def test_unreachable_provider() -> None:
    with pytest.raises(UpstreamError) as caught:
        await run(SearxngProvider("http://127.0.0.1:9", timeout_s=2))
    assert caught.value.cause == "provider_error"
    assert "unreachable" in caught.value.detail


def test_tracking_parameters_are_removed() -> None:
    url = "https://a.example/p?id=3&utm_source=x&UTM_medium=y&gclid=z&fbclid=w"
    assert strip_tracking(url) == "https://a.example/p?id=3"
    assert strip_tracking("https://a.example/p") == "https://a.example/p"


def test_duplicates_merge_by_url() -> None:
    hits = merge_hits(
        [
            {
                "url": "https://a.example/p?utm_source=x",
                "title": "A",
                "content": "",
                "engine": "bing",
            },
            {"url": "ftp://b.example/", "title": "skipped"},
            {
                "url": "https://a.example/p",
                "title": "A again",
                "content": "later",
                "engine": "brave",
            },
            {"url": "https://c.example/", "title": "C", "engines": ["qwant"]},
        ]
    )
    assert [(h.url, h.position) for h in hits] == [
        ("https://a.example/p", 1),
        ("https://c.example/", 2),
    ]
    assert hits[0].engines == ("bing", "brave") and hits[0].snippet == "later"
    assert hits[1].engine == "qwant"
