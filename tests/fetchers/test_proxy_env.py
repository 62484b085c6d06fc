"""Without a proxy pool, tiers 1-3 honour HTTP(S)_PROXY / NO_PROXY (design-notes §5)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scrapegate.fetchers import Fetcher, FetchRequest
from tests.fetchers.conftest import TIERS, static_resolver
from tests.site.server import FixtureSite

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture
def site_as_proxy(monkeypatch: pytest.MonkeyPatch, fixture_site: FixtureSite) -> None:
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, fixture_site.base_url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "localhost,::1,.bypass.test")


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.usefixtures("site_as_proxy")
async def test_environment_proxy_is_used(
    tier: str,
    fetcher_factory: Callable[..., Fetcher],
    fixture_site: FixtureSite,
    make_request: Callable[..., FetchRequest],
):
    # A documentation address (TEST-NET-1): were the proxy ignored, nothing real is reached.
    resolver = static_resolver({"proxied.test": ["192.0.2.1"]})
    fetcher = fetcher_factory(tier, resolver)
    fixture_site.clear()
    # The fixture site plays the proxy: it receives the absolute URL as request target.
    response = await fetcher.fetch(make_request("http://proxied.test/echo", timeout_s=3))
    assert response.status_code == 404
    assert [r.path for r in fixture_site.requests] == ["http://proxied.test/echo"]


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.usefixtures("site_as_proxy")
async def test_no_proxy_hosts_go_direct(
    tier: str,
    fetcher_factory: Callable[..., Fetcher],
    fixture_site: FixtureSite,
    make_request: Callable[..., FetchRequest],
):
    resolver = static_resolver({"site.bypass.test": ["127.0.0.1"]})
    fetcher = fetcher_factory(tier, resolver)
    fixture_site.clear()
    url = f"http://site.bypass.test:{fixture_site.port}/thin"
    response = await fetcher.fetch(make_request(url))
    assert response.status_code == 200
    assert [r.path for r in fixture_site.requests] == ["/thin"]
