"""Pure parts of the fetch loop: redirect rules, header folding and merging, the cookie jar."""

from __future__ import annotations

import pytest

from scrapegate.fetchers.base import HARD_MAX_RESPONSE_BYTES, FetchError
from scrapegate.fetchers.cookies import RedirectCookieJar, cookie_header
from scrapegate.fetchers.exchange import fold_headers, response_cap
from scrapegate.fetchers.profiles import identifying_user_agent, merge_headers
from scrapegate.fetchers.redirects import follow, redirect_location


@pytest.mark.parametrize(
    ("status", "method", "expected_method", "keeps_body"),
    [
        (301, "POST", "GET", False),
        (302, "POST", "GET", False),
        (303, "POST", "GET", False),
        (303, "PUT", "GET", False),
        (303, "DELETE", "GET", False),
        (307, "POST", "POST", True),
        (308, "POST", "POST", True),
        (301, "PUT", "PUT", True),
        (302, "PATCH", "PATCH", True),
        (302, "GET", "GET", True),
    ],
)
def test_method_after_redirect(status: int, method: str, expected_method: str, keeps_body: bool):
    body = b"payload" if method != "GET" else None
    step = follow("http://a.example/x", status, "/y", method, body)
    assert step.method == expected_method
    assert step.body == (body if keeps_body else None)
    assert step.url == "http://a.example/y"


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/abs", "http://a.example/abs"),
        ("rel", "http://a.example/dir/rel"),
        ("../up", "http://a.example/up"),
        ("//b.example/p", "http://b.example/p"),
        ("https://c.example/q?x=1", "https://c.example/q?x=1"),
        ("?page=2", "http://a.example/dir/page?page=2"),
    ],
)
def test_locations_are_resolved_against_the_current_url(location: str, expected: str):
    assert follow("http://a.example/dir/page", 302, location, "GET", None).url == expected


@pytest.mark.parametrize("location", ["ftp://x/", "mailto:a@b", "data:text/html,hi", "file:///x"])
def test_non_http_locations_are_invalid(location: str):
    with pytest.raises(FetchError) as caught:
        follow("http://a.example/", 302, location, "GET", None)
    assert caught.value.cause == "invalid_redirect"


def test_redirect_location_needs_a_redirect_status_and_a_location():
    assert redirect_location(302, [("Location", " /next ")]) == "/next"
    assert redirect_location(200, [("location", "/next")]) is None
    assert redirect_location(304, [("location", "/next")]) is None
    assert redirect_location(301, [("content-type", "text/html")]) is None
    assert redirect_location(301, [("location", "  ")]) is None


def test_fold_headers():
    folded = fold_headers(
        [("Content-Type", "text/html"), ("X-A", "1"), ("x-a", "2"), ("Set-Cookie", "s=1")]
    )
    assert folded == {"content-type": "text/html", "x-a": "1, 2"}


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        (0, HARD_MAX_RESPONSE_BYTES),
        (-1, HARD_MAX_RESPONSE_BYTES),
        (1000, 1000),
        (HARD_MAX_RESPONSE_BYTES * 2, HARD_MAX_RESPONSE_BYTES),
    ],
)
def test_response_cap(configured: int, expected: int):
    assert response_cap(configured) == expected


def test_merge_headers_keeps_order_and_replaces_case_insensitively():
    merged = merge_headers(
        [("User-Agent", "ua"), ("Accept", "a"), ("Accept-Language", "en")],
        {"accept": "text/csv", "X-New": "1"},
    )
    assert merged == [
        ("User-Agent", "ua"),
        ("accept", "text/csv"),
        ("Accept-Language", "en"),
        ("X-New", "1"),
    ]


def test_identifying_user_agent():
    assert identifying_user_agent(None).startswith("scrapegate/")
    assert identifying_user_agent(None).endswith("(+https://github.com/scrapegate)")
    assert identifying_user_agent("https://ops.example/bot").endswith("(+https://ops.example/bot)")


def test_cookie_jar_respects_domain_and_path():
    jar = RedirectCookieJar()
    jar.store("http://shop.example/login", ["sid=1; Path=/", "cart=2; Path=/cart", "x=3; Path=/"])
    assert jar.header_for("http://shop.example/") == "sid=1; x=3"
    assert jar.header_for("http://shop.example/cart/items") == "cart=2; sid=1; x=3"
    assert jar.header_for("http://other.example/") is None


def test_cookie_jar_keeps_secure_cookies_off_http():
    jar = RedirectCookieJar()
    jar.store("https://shop.example/", ["token=t; Secure; Path=/"])
    assert jar.header_for("http://shop.example/") is None
    assert jar.header_for("https://shop.example/") == "token=t"


def test_cookie_header():
    assert cookie_header({"a": "1", "b": "2"}) == "a=1; b=2"
    assert cookie_header({}) is None
