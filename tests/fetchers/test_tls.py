"""HTTPS targets: certificate verification, the skip_tls_verification switch, TLS failures."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from scrapegate.fetchers import Fetcher, FetchError, FetchRequest
from tests.fetchers.conftest import static_resolver
from tests.site import pages
from tests.site.h2_echo import H2EchoServer
from tests.site.server import FixtureSite

pytestmark = pytest.mark.asyncio(loop_scope="session")

RequestFactory = Callable[..., FetchRequest]


async def test_self_signed_certificate_is_a_tls_error(
    fetcher: Fetcher, fixture_site_tls: FixtureSite, make_request: RequestFactory
):
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(make_request(fixture_site_tls.url("/article")))
    assert caught.value.cause == "tls_error"


async def test_skip_tls_verification(
    fetcher: Fetcher, fixture_site_tls: FixtureSite, make_request: RequestFactory
):
    response = await fetcher.fetch(
        make_request(fixture_site_tls.url("/redirect/2"), skip_tls_verification=True)
    )
    assert response.status_code == 200
    assert response.url == fixture_site_tls.url("/article")
    assert pages.ARTICLE_SENTENCE.encode() in response.body


async def test_secure_cookies_and_client_hints_over_https(
    fetcher: Fetcher, fixture_site_tls: FixtureSite, make_request: RequestFactory
):
    response = await fetcher.fetch(
        make_request(fixture_site_tls.url("/echo"), skip_tls_verification=True)
    )
    sent = json.loads(response.body)["header_map"]
    if fetcher.tier.value == "1":
        assert "sec-ch-ua" not in sent
    else:
        assert sent["sec-ch-ua-mobile"] == "?0"


async def test_plain_http_to_a_tls_port_fails_cleanly(
    fetcher: Fetcher, fixture_site_tls: FixtureSite, make_request: RequestFactory
):
    url = fixture_site_tls.url("/article").replace("https://", "http://")
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(make_request(url, timeout_s=3))
    assert caught.value.cause == "connection_reset"


@pytest.mark.parametrize(("tier", "protocol"), [("1", "1.1"), ("2", "2"), ("3", "2")])
async def test_http_version_negotiated_per_tier(
    tier: str,
    protocol: str,
    fetcher_factory: Callable[..., Fetcher],
    h2_echo_server: H2EchoServer,
    make_request: RequestFactory,
):
    fetcher = fetcher_factory(tier)
    response = await fetcher.fetch(
        make_request(h2_echo_server.url("/echo"), skip_tls_verification=True)
    )
    data = json.loads(response.body)
    assert data["http_version"] == protocol
    names = [name for name, _ in data["headers"]]
    if protocol == "2":
        assert names[:4] == [":method", ":authority", ":scheme", ":path"]
        assert "user-agent" in names and "host" not in names


async def test_tier2_h2_connection_is_pinned_too(
    fetcher_factory: Callable[..., Fetcher],
    h2_echo_server: H2EchoServer,
    make_request: RequestFactory,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1,::1,.test")
    monkeypatch.setenv("no_proxy", "localhost,127.0.0.1,::1,.test")
    fetcher = fetcher_factory("2", static_resolver({"h2.fixture.test": ["127.0.0.1"]}))
    url = f"https://h2.fixture.test:{h2_echo_server.port}/echo"
    response = await fetcher.fetch(make_request(url, skip_tls_verification=True))
    data = json.loads(response.body)
    assert data["http_version"] == "2"
    assert dict(data["headers"])[":authority"] == f"h2.fixture.test:{h2_echo_server.port}"
