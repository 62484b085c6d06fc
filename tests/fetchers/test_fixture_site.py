"""The fixture website itself: request log, flaky counter, pages other suites rely on."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from scrapegate.fetchers import FetchError, FetchRequest
from scrapegate.fetchers.base import Fetcher
from tests.site import pages
from tests.site.server import FixtureSite

pytestmark = pytest.mark.asyncio(loop_scope="session")

RequestFactory = Callable[..., FetchRequest]


@pytest.fixture
def tier2(fetcher_factory: Callable[..., Fetcher]) -> Fetcher:
    return fetcher_factory("2")


async def test_base_url_and_url(fixture_site: FixtureSite):
    assert fixture_site.base_url == f"http://127.0.0.1:{fixture_site.port}"
    assert fixture_site.url("/a") == fixture_site.url("a") == fixture_site.base_url + "/a"


async def test_requests_are_logged_and_cleared(
    tier2: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    fixture_site.clear()
    await tier2.fetch(make_request(fixture_site.url("/echo?x=1"), headers={"X-Probe": "yes"}))
    [(method, path, headers)] = list(fixture_site.requests)
    assert (method, path, headers["x-probe"]) == ("GET", "/echo?x=1", "yes")
    assert fixture_site.requests.for_path("/echo")
    fixture_site.clear()
    assert len(fixture_site.requests) == 0


async def test_flaky_fails_n_times_per_key(
    tier2: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    url = fixture_site.url("/flaky?key=fixture-site-test&fail=2")
    statuses = [(await tier2.fetch(make_request(url))).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    other = await tier2.fetch(make_request(fixture_site.url("/flaky?key=another&fail=1")))
    assert other.status_code == 503


async def test_flaky_kinds(tier2: Fetcher, fixture_site: FixtureSite, make_request):
    challenge = await tier2.fetch(
        make_request(fixture_site.url("/flaky?key=kind-c&fail=1&kind=challenge"))
    )
    assert challenge.status_code == 403 and challenge.headers["cf-mitigated"] == "challenge"
    blocked = await tier2.fetch(make_request(fixture_site.url("/flaky?key=kind-b&kind=block")))
    assert blocked.status_code == 200 and b"Access denied" in blocked.body


async def test_article_has_main_content_and_boilerplate(
    tier2: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    body = (await tier2.fetch(make_request(fixture_site.url("/article")))).body.decode()
    for text in (
        pages.ARTICLE_SENTENCE,
        pages.NAV_TEXT,
        pages.FOOTER_TEXT,
        pages.COOKIE_BANNER_TEXT,
        pages.SIDEBAR_TEXT,
    ):
        assert text in body
    paragraphs = body.split("<article>", 1)[1].split("</article>", 1)[0]
    assert len(paragraphs.split()) > 300


async def test_robots_and_sitemaps_point_at_the_site(
    tier2: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    robots = (await tier2.fetch(make_request(fixture_site.url("/robots.txt")))).body.decode()
    assert "User-agent: scrapegate" in robots
    assert f"Sitemap: {fixture_site.url('/sitemap.xml')}" in robots
    sitemap = (await tier2.fetch(make_request(fixture_site.url("/sitemap.xml")))).body.decode()
    assert f"<loc>{fixture_site.url('/article')}</loc>" in sitemap
    index = (await tier2.fetch(make_request(fixture_site.url("/sitemap-index.xml")))).body
    assert b"<sitemapindex" in index


async def test_link_tree_has_three_levels(
    tier2: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    leaf = await tier2.fetch(make_request(fixture_site.url("/tree/a/b/a")))
    assert leaf.status_code == 200 and b'href="/tree/a/b/a/' not in leaf.body
    too_deep = await tier2.fetch(make_request(fixture_site.url("/tree/a/b/a/b")))
    assert too_deep.status_code == 404


async def test_changing_page_changes(
    tier2: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    first = (await tier2.fetch(make_request(fixture_site.url("/changing")))).body
    second = (await tier2.fetch(make_request(fixture_site.url("/changing")))).body
    assert first != second


async def test_echo_reports_what_it_received(
    tier2: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    response = await tier2.fetch(
        make_request(fixture_site.url("/echo?q=1"), method="PATCH", body=b"abc", cookies={"c": "1"})
    )
    data = json.loads(response.body)
    assert (data["method"], data["path"], data["query"], data["body"]) == (
        "PATCH",
        "/echo",
        "q=1",
        "abc",
    )
    assert data["cookies"] == {"c": "1"}


async def test_slow_answers_after_the_delay(
    tier2: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    response = await tier2.fetch(make_request(fixture_site.url("/slow?delay=0.2")))
    assert response.status_code == 200


async def test_broken_is_broken(tier2: Fetcher, fixture_site: FixtureSite, make_request):
    with pytest.raises(FetchError):
        await tier2.fetch(make_request(fixture_site.url("/broken")))
