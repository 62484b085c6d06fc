"""The Fetcher contract, run against the fixture site for every HTTP tier (redirects apart)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from scrapegate.domain.netrules import PRIVATE_DETAIL, NetPolicy
from scrapegate.errors import URLNotAllowed
from scrapegate.fetchers import (
    HARD_MAX_RESPONSE_BYTES,
    Fetcher,
    FetchError,
    FetchRequest,
    FetchResponse,
    decode_html,
)
from tests.site import pages
from tests.site.server import FixtureSite

pytestmark = pytest.mark.asyncio(loop_scope="session")

RequestFactory = Callable[..., FetchRequest]


def echoed(response: FetchResponse) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(response.body)
    return data


async def test_plain_fetch(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    response = await fetcher.fetch(make_request(fixture_site.url("/article")))
    assert response.status_code == 200
    assert response.url == fixture_site.url("/article")
    assert response.redirect_chain == []
    assert response.media_type == "text/html"
    assert response.header_charset == "utf-8"
    assert pages.ARTICLE_SENTENCE.encode() in response.body
    assert response.size_bytes == len(response.body) == len(pages.ARTICLE_HTML.encode())
    assert response.original_size == len(response.body)
    assert response.truncated is False
    assert all(name == name.lower() for name in response.headers)


async def test_engine_identity(fetcher: Fetcher):
    expected = {"1": "curl_cffi", "2": "httpx", "3": "curl_cffi-impersonate"}
    assert fetcher.engine_name == expected[fetcher.tier.value]


async def test_repeated_headers_are_joined_and_set_cookie_omitted(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    response = await fetcher.fetch(make_request(fixture_site.url("/repeat-headers")))
    assert response.headers["x-multi"] == "one, two"
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("path", ["/json", "/plain", "/xml", "/pdf", "/image.png"])
async def test_non_html_bodies_arrive_intact(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory, path: str
):
    response = await fetcher.fetch(make_request(fixture_site.url(path)))
    assert response.status_code == 200
    if path == "/json":
        assert json.loads(response.body) == pages.JSON_DOCUMENT
    elif path == "/pdf":
        assert response.body == pages.tiny_pdf()
    elif path == "/image.png":
        assert response.body == pages.tiny_png()
    elif path == "/plain":
        assert response.body.decode() == pages.PLAIN_TEXT


@pytest.mark.parametrize("code", [201, 400, 401, 404, 410, 500, 502])
async def test_any_status_is_a_response(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory, code: int
):
    response = await fetcher.fetch(make_request(fixture_site.url(f"/status/{code}")))
    assert response.status_code == code
    assert f"Status {code}".encode() in response.body


# --- body: encodings, caps, charsets --------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
async def test_compressed_bodies_are_decoded(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory, encoding: str
):
    response = await fetcher.fetch(make_request(fixture_site.url(f"/{encoding}")))
    assert response.body == pages.ARTICLE_HTML.encode()
    assert response.headers["content-encoding"] == encoding


async def test_body_is_cut_at_max_response_bytes(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    response = await fetcher.fetch(
        make_request(fixture_site.url("/huge?mb=2"), max_response_bytes=100_000)
    )
    assert response.truncated is True
    assert len(response.body) == 100_000
    assert response.size_bytes >= 100_000
    assert response.original_size == 2 * 1024 * 1024


async def test_zero_cap_means_only_the_hard_cap(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    response = await fetcher.fetch(
        make_request(fixture_site.url("/huge?mb=1.5"), max_response_bytes=0)
    )
    assert response.truncated is False
    assert len(response.body) == int(1.5 * 1024 * 1024) < HARD_MAX_RESPONSE_BYTES


async def test_body_exactly_at_the_cap_is_not_truncated(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    size = len(pages.ARTICLE_HTML.encode())
    response = await fetcher.fetch(
        make_request(fixture_site.url("/article"), max_response_bytes=size)
    )
    assert response.truncated is False
    assert len(response.body) == size


CHARSET_EXPECTATIONS = {
    "shift_jis": (pages.SHIFT_JIS_TEXT, "shift_jis"),
    "gb18030": (pages.GB18030_TEXT, "gb18030"),
    "windows-1251": (pages.CYRILLIC_TEXT, "windows-1251"),
    "windows-1252": (pages.WINDOWS_1252_TEXT, "windows-1252"),
    "meta-only": (pages.CYRILLIC_TEXT, "windows-1251"),
    "http-equiv": (pages.SHIFT_JIS_TEXT, "shift_jis"),
    "bom": (pages.BOM_TEXT, "utf-8"),
    "wrong-header": (pages.BOM_TEXT, "utf-8"),
    "header-over-meta": (pages.CYRILLIC_TEXT, "windows-1251"),
    "detect": (pages.CYRILLIC_TEXT, "windows-1251"),
}


@pytest.mark.parametrize("variant", sorted(CHARSET_EXPECTATIONS))
async def test_charsets_round_trip(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory, variant: str
):
    response = await fetcher.fetch(make_request(fixture_site.url(f"/charset/{variant}")))
    text, encoding = decode_html(response.body, response.header_charset)
    expected_text, expected_encoding = CHARSET_EXPECTATIONS[variant]
    assert expected_text in text
    assert encoding == expected_encoding


# --- failures -------------------------------------------------------------------------------


async def test_timeout_is_the_whole_attempt_budget(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(make_request(fixture_site.url("/slow?delay=5"), timeout_s=0.5))
    assert caught.value.cause == "timeout"


async def test_trickling_body_hits_the_timeout(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    url = fixture_site.url("/slow-body?chunks=20&interval=0.2")
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(make_request(url, timeout_s=1.0))
    assert caught.value.cause == "timeout"


async def test_broken_connection(fetcher: Fetcher, fixture_site: FixtureSite, make_request):
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(make_request(fixture_site.url("/broken")))
    assert caught.value.cause == "connection_reset"


async def test_connection_refused(fetcher: Fetcher, make_request: RequestFactory):
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(make_request("http://127.0.0.1:9/"))
    assert caught.value.cause == "connection_refused"


# --- what we send ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_method_and_body(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory, method: str
):
    body = b"name=scrapegate&tier=any"
    response = await fetcher.fetch(
        make_request(
            fixture_site.url("/echo"),
            method=method,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    )
    data = echoed(response)
    assert data["method"] == method
    assert data["body"] == body.decode()
    assert data["header_map"]["content-type"] == "application/x-www-form-urlencoded"


async def test_body_defaults_to_json_content_type(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    response = await fetcher.fetch(
        make_request(fixture_site.url("/echo"), method="POST", body=b'{"a": 1}')
    )
    assert echoed(response)["header_map"]["content-type"] == "application/json"


async def test_caller_headers_override_defaults(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    response = await fetcher.fetch(
        make_request(
            fixture_site.url("/echo"),
            headers={"User-Agent": "custom-agent/1.0", "X-Trace": "abc", "Accept": "text/csv"},
        )
    )
    data = echoed(response)
    sent = data["header_map"]
    assert sent["user-agent"] == "custom-agent/1.0"
    assert sent["x-trace"] == "abc"
    assert sent["accept"] == "text/csv"
    names = [name for name, _ in data["headers"]]
    assert names.count("user-agent") == 1 and names.count("accept") == 1


async def test_cookies_are_sent(fetcher: Fetcher, fixture_site: FixtureSite, make_request):
    response = await fetcher.fetch(
        make_request(
            fixture_site.url("/echo"),
            cookies={"session": "s1", "theme": "dark"},
            headers={"Cookie": "extra=yes"},
        )
    )
    assert echoed(response)["cookies"] == {"session": "s1", "theme": "dark", "extra": "yes"}


async def test_accept_language(fetcher: Fetcher, fixture_site: FixtureSite, make_request):
    response = await fetcher.fetch(
        make_request(fixture_site.url("/echo"), accept_language="de-DE,de;q=0.9")
    )
    assert echoed(response)["header_map"]["accept-language"] == "de-DE,de;q=0.9"


async def test_request_reaches_the_site_once(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    fixture_site.clear()
    await fetcher.fetch(make_request(fixture_site.url("/thin")))
    assert [(r.method, r.path) for r in fixture_site.requests] == [("GET", "/thin")]


async def test_private_detail_is_generic(
    fetcher: Fetcher, fixture_site: FixtureSite, make_request: RequestFactory
):
    policy = NetPolicy.build(allow_private=False, allowed_ports=[fixture_site.port])
    with pytest.raises(URLNotAllowed) as caught:
        await fetcher.fetch(make_request(fixture_site.url("/article"), policy=policy))
    assert caught.value.detail == PRIVATE_DETAIL
