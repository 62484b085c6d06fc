"""Redirect handling of every tier: chain, limits, schemes, SSRF re-checks, method rewriting."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest

from scrapegate.domain.netrules import NetPolicy
from scrapegate.errors import URLNotAllowed
from scrapegate.fetchers import Fetcher, FetchError, FetchRequest, FetchResponse
from tests.site import pages
from tests.site.server import FixtureSite

pytestmark = pytest.mark.asyncio(loop_scope="session")

RequestFactory = Callable[..., FetchRequest]


def echoed(response: FetchResponse) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(response.body)
    return data


def _query(**params: str) -> str:
    return urlencode(params)


async def test_redirect_chain_is_recorded(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    response = await fetcher.fetch(make_request(fixture_site.url("/redirect/3")))
    assert response.status_code == 200
    assert response.url == fixture_site.url("/article")
    assert [(hop.url, hop.status_code) for hop in response.redirect_chain] == [
        (fixture_site.url("/redirect/3"), 302),
        (fixture_site.url("/redirect/2"), 302),
        (fixture_site.url("/redirect/1"), 302),
    ]
    assert pages.ARTICLE_SENTENCE.encode() in response.body


async def test_absolute_redirects(fetcher: Fetcher, fixture_site: FixtureSite, make_request):
    response = await fetcher.fetch(make_request(fixture_site.url("/redirect/2?absolute=1")))
    assert response.url == fixture_site.url("/article")
    assert len(response.redirect_chain) == 2


async def test_ten_redirects_are_allowed(fetcher: Fetcher, fixture_site: FixtureSite, make_request):
    response = await fetcher.fetch(make_request(fixture_site.url("/redirect/10")))
    assert response.status_code == 200
    assert len(response.redirect_chain) == 10


@pytest.mark.parametrize("path", ["/redirect/11", "/redirect-loop"])
async def test_too_many_redirects(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory, path: str
):
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(make_request(fixture_site.url(path)))
    assert caught.value.cause == "too_many_redirects"


@pytest.mark.parametrize(
    "location", ["ftp://127.0.0.1/file.txt", "file:///etc/passwd", "javascript:alert(1)"]
)
async def test_redirect_to_non_http_scheme(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory, location: str
):
    url = fixture_site.url("/redirect-to?" + _query(to=location))
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(make_request(url))
    assert caught.value.cause == "invalid_redirect"


async def test_redirect_to_ftp_route(fetcher: Fetcher, fixture_site: FixtureSite, make_request):
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(make_request(fixture_site.url("/redirect-to-ftp")))
    assert caught.value.cause == "invalid_redirect"


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.2:{port}/article",
        "http://[::1]:{port}/article",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:{port}/article",
        "http://10.0.0.1:{port}/",
        "http://2130706434:{port}/",
        "http://0x7f.2:{port}/",
        "http://[::ffff:127.0.0.2]:{port}/",
    ],
)
async def test_redirect_to_private_target_is_refused(
    fetcher: Fetcher, fixture_site: FixtureSite, site_policy: NetPolicy, target: str
):
    location = target.format(port=fixture_site.port)
    url = fixture_site.url("/redirect-to-private?" + _query(to=location))
    fixture_site.clear()
    with pytest.raises(URLNotAllowed) as caught:
        await fetcher.fetch(FetchRequest(url=url, policy=site_policy))
    assert "127.0.0.2" not in caught.value.detail
    assert [r.path.split("?")[0] for r in fixture_site.requests] == ["/redirect-to-private"]


async def test_redirect_to_disallowed_port_is_refused(
    fetcher: Fetcher, fixture_site: FixtureSite, site_policy: NetPolicy
):
    url = fixture_site.url("/redirect-to?" + _query(to="http://127.0.0.1:1/"))
    with pytest.raises(URLNotAllowed) as caught:
        await fetcher.fetch(FetchRequest(url=url, policy=site_policy))
    assert caught.value.details == {"field": "url", "reason": "port_not_allowed"}


async def test_site_policy_admits_the_fixture(
    fetcher: Fetcher, fixture_site: FixtureSite, site_policy: NetPolicy
):
    response = await fetcher.fetch(
        FetchRequest(url=fixture_site.url("/redirect/2"), policy=site_policy)
    )
    assert response.status_code == 200


@pytest.mark.parametrize("code", [301, 302, 303])
async def test_post_redirect_becomes_get_without_body(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory, code: int
):
    url = fixture_site.url(f"/redirect-status/{code}?to=/echo")
    response = await fetcher.fetch(make_request(url, method="POST", body=b'{"x": 1}'))
    data = echoed(response)
    assert data["method"] == "GET"
    assert data["body"] == ""
    assert "content-type" not in data["header_map"]
    assert response.redirect_chain[0].status_code == code


@pytest.mark.parametrize("code", [307, 308])
async def test_307_308_keep_method_and_body(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory, code: int
):
    url = fixture_site.url(f"/redirect-status/{code}?to=/echo")
    response = await fetcher.fetch(make_request(url, method="POST", body=b'{"x": 1}'))
    data = echoed(response)
    assert data["method"] == "POST"
    assert data["body"] == '{"x": 1}'


async def test_put_survives_a_302(fetcher: Fetcher, fixture_site: FixtureSite, make_request):
    url = fixture_site.url("/redirect-status/302?to=/echo")
    response = await fetcher.fetch(make_request(url, method="PUT", body=b"payload"))
    assert echoed(response)["method"] == "PUT"


async def test_credentials_do_not_follow_a_redirect_to_another_host(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    other_host = f"http://localhost:{fixture_site.port}/echo"
    url = fixture_site.url("/redirect-to?" + _query(to=other_host))
    response = await fetcher.fetch(
        make_request(url, headers={"Authorization": "Bearer secret", "X-Custom": "kept"})
    )
    headers = echoed(response)["header_map"]
    assert "authorization" not in headers
    assert headers["x-custom"] == "kept"


async def test_credentials_follow_a_redirect_on_the_same_host(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    url = fixture_site.url("/redirect-status/302?to=/echo")
    response = await fetcher.fetch(
        make_request(url, headers={"Authorization": "Bearer secret"}, cookies={"sid": "1"})
    )
    data = echoed(response)
    assert data["header_map"]["authorization"] == "Bearer secret"
    assert data["cookies"] == {"sid": "1"}


async def test_caller_cookies_stay_with_the_first_host(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    other_host = f"http://localhost:{fixture_site.port}/echo"
    url = fixture_site.url("/redirect-to?" + _query(to=other_host))
    response = await fetcher.fetch(make_request(url, cookies={"sid": "1"}))
    assert echoed(response)["cookies"] == {}
