"""What distinguishes the tiers: identity, header sets, protocol, cookie handling."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from scrapegate.domain.tiers import Tier
from scrapegate.fetchers import (
    CurlFetcher,
    FetchRequest,
    FetchResponse,
    HostResolver,
    HttpxFetcher,
    StealthFetcher,
    build_fetchers,
)
from scrapegate.fetchers.base import Fetcher
from scrapegate.fetchers.profiles import CHROME_MAJOR
from tests.site.server import FixtureSite

pytestmark = pytest.mark.asyncio(loop_scope="session")

FetcherFactory = Callable[[str, HostResolver], Fetcher]
RequestFactory = Callable[..., FetchRequest]


def echoed(response: FetchResponse) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(response.body)
    return data


async def _echo(
    fetcher: Fetcher, site: FixtureSite, make_request: RequestFactory
) -> dict[str, Any]:
    return echoed(await fetcher.fetch(make_request(site.url("/echo"))))


async def test_build_fetchers_gives_the_three_http_tiers():
    fetchers = build_fetchers("https://ops.example/")
    try:
        assert set(fetchers) == {Tier.CURL, Tier.HTTP, Tier.STEALTH}
        assert isinstance(fetchers[Tier.CURL], CurlFetcher)
        assert isinstance(fetchers[Tier.HTTP], HttpxFetcher)
        assert isinstance(fetchers[Tier.STEALTH], StealthFetcher)
        assert all(fetcher.tier == tier for tier, fetcher in fetchers.items())
    finally:
        for fetcher in fetchers.values():
            await fetcher.aclose()


async def test_tier1_identifies_itself_minimally(
    fetcher_factory: FetcherFactory, fixture_site: FixtureSite, make_request: RequestFactory
):
    data = await _echo(fetcher_factory("1"), fixture_site, make_request)
    sent = data["header_map"]
    assert sent["user-agent"] == "scrapegate/0.1.0 (+https://operator.example/contact)"
    assert data["http_version"] == "1.1"
    assert "accept-language" not in sent
    assert not any(name.startswith("sec-") for name in sent)
    assert set(sent) <= {"host", "user-agent", "accept", "accept-encoding"}


async def test_tier1_does_not_keep_cookies_across_redirects(
    fetcher_factory: FetcherFactory, fixture_site: FixtureSite, make_request: RequestFactory
):
    fetcher = fetcher_factory("1")
    response = await fetcher.fetch(make_request(fixture_site.url("/set-cookie-redirect")))
    assert echoed(response)["cookies"] == {}


@pytest.mark.parametrize("tier", ["2", "3"])
async def test_browser_tiers_keep_cookies_across_redirects(
    tier: str,
    fetcher_factory: FetcherFactory,
    fixture_site: FixtureSite,
    make_request: RequestFactory,
):
    fetcher = fetcher_factory(tier)
    response = await fetcher.fetch(make_request(fixture_site.url("/set-cookie-redirect")))
    # The second cookie is scoped to another path and must not be sent to /echo.
    assert echoed(response)["cookies"] == {"fixture_session": "abc123"}


@pytest.mark.parametrize("tier", ["2", "3"])
async def test_cookies_do_not_leak_between_fetches(
    tier: str,
    fetcher_factory: FetcherFactory,
    fixture_site: FixtureSite,
    make_request: RequestFactory,
):
    fetcher = fetcher_factory(tier)
    await fetcher.fetch(make_request(fixture_site.url("/set-cookie-redirect")))
    assert (await _echo(fetcher, fixture_site, make_request))["cookies"] == {}


@pytest.mark.parametrize("tier", ["2", "3"])
async def test_login_wall_is_passed_through_the_redirect_cookie(
    tier: str,
    fetcher_factory: FetcherFactory,
    fixture_site: FixtureSite,
    make_request: RequestFactory,
):
    response = await fetcher_factory(tier).fetch(make_request(fixture_site.url("/login")))
    assert response.url == fixture_site.url("/members")
    assert b"only shown to logged-in readers" in response.body


async def test_tier2_sends_chrome_headers_in_chrome_order(
    fetcher_factory: FetcherFactory, fixture_site: FixtureSite, make_request: RequestFactory
):
    data = await _echo(fetcher_factory("2"), fixture_site, make_request)
    names = [name for name, _ in data["headers"] if name != "host"]
    assert names == [
        "upgrade-insecure-requests",
        "user-agent",
        "accept",
        "sec-fetch-site",
        "sec-fetch-mode",
        "sec-fetch-user",
        "sec-fetch-dest",
        "accept-encoding",
        "accept-language",
        "priority",
    ]
    sent = data["header_map"]
    assert f"Chrome/{CHROME_MAJOR}." in sent["user-agent"]
    assert sent["accept-encoding"] == "gzip, deflate, br, zstd"
    assert sent["accept-language"] == "en-US,en;q=0.9"


async def test_tier3_client_hints_match_its_user_agent(
    fetcher_factory: FetcherFactory, fixture_site: FixtureSite, make_request: RequestFactory
):
    sent = (await _echo(fetcher_factory("3"), fixture_site, make_request))["header_map"]
    version = sent["user-agent"].split("Chrome/", 1)[1].split(".", 1)[0]
    assert f'"Google Chrome";v="{version}"' in sent["sec-ch-ua"]
    assert sent["sec-ch-ua-mobile"] == "?0"
    assert sent["sec-ch-ua-platform"] == '"Windows"'
    assert "Windows NT" in sent["user-agent"]
    assert "upgrade" not in sent  # no h2c upgrade: a browser never sends one


@pytest.mark.parametrize("tier", ["2", "3"])
async def test_ua_gate_lets_browser_tiers_through(
    tier: str,
    fetcher_factory: FetcherFactory,
    fixture_site: FixtureSite,
    make_request: RequestFactory,
):
    response = await fetcher_factory(tier).fetch(make_request(fixture_site.url("/gate/user-agent")))
    assert response.status_code == 200


async def test_ua_gate_challenges_tier1(
    fetcher_factory: FetcherFactory, fixture_site: FixtureSite, make_request: RequestFactory
):
    response = await fetcher_factory("1").fetch(make_request(fixture_site.url("/gate/user-agent")))
    assert response.status_code == 403
    assert response.headers["cf-mitigated"] == "challenge"


@pytest.mark.parametrize("tier", ["1", "2", "3"])
async def test_one_fetcher_serves_repeated_fetches(
    tier: str,
    fetcher_factory: FetcherFactory,
    fixture_site: FixtureSite,
    make_request: RequestFactory,
):
    fetcher = fetcher_factory(tier)
    for _ in range(3):
        response = await fetcher.fetch(make_request(fixture_site.url("/thin")))
        assert response.status_code == 200
