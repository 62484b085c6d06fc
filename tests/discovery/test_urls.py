"""normalize_url: the crawl's de-duplication key (core-api §13.1 deduplicate_similar_urls)."""

from __future__ import annotations

import pytest

from scrapegate.jobs.discovery.urls import UrlDeduper, normalize_url, remove_dot_segments

ALWAYS = [
    # fragments
    ("https://example.com/a#top", "https://example.com/a"),
    ("https://example.com/#", "https://example.com/"),
    # scheme and host case, trailing dot
    ("HTTPS://Example.COM./Path", "https://example.com/Path"),
    # default ports go, other ports stay
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("https://example.com:80/a", "https://example.com:80/a"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    # percent-encoding: upper-case, unreserved decoded, reserved kept, raw characters escaped
    ("https://example.com/%7euser/%e2%82%ac", "https://example.com/~user/%E2%82%AC"),
    ("https://example.com/a%2fb%41", "https://example.com/a%2FbA"),
    ("https://example.com/a b/ü", "https://example.com/a%20b/%C3%BC"),
    ("https://example.com/100%", "https://example.com/100%25"),
    # dot segments
    ("https://example.com/a/./b/../c", "https://example.com/a/c"),
    ("https://example.com/../../a", "https://example.com/a"),
    # empty path
    ("https://example.com", "https://example.com/"),
    # IDN hosts in punycode
    ("https://Bücher.example/", "https://xn--bcher-kva.example/"),
    ("https://xn--bcher-kva.example/", "https://xn--bcher-kva.example/"),
    # IPv6 literal keeps its brackets
    ("http://[::1]:8080/a", "http://[::1]:8080/a"),
]

SIMILAR_ONLY = [
    # www
    ("https://www.example.com/a", "https://example.com/a", "https://www.example.com/a"),
    # trailing slash (not the root)
    ("https://example.com/docs/", "https://example.com/docs", "https://example.com/docs/"),
    # index files
    ("https://example.com/blog/index.html", "https://example.com/blog", "https://example.com/blog/index.html"),
    ("https://example.com/index.php", "https://example.com/", "https://example.com/index.php"),
    # tracking parameters
    (
        "https://example.com/p?utm_source=x&id=3&gclid=1&fbclid=2&mc_eid=9",
        "https://example.com/p?id=3",
        "https://example.com/p?utm_source=x&id=3&gclid=1&fbclid=2&mc_eid=9",
    ),
    # query order
    ("https://example.com/s?b=2&a=1&a=0", "https://example.com/s?a=0&a=1&b=2", "https://example.com/s?b=2&a=1&a=0"),
    # session ids in the path and the query
    (
        "https://example.com/p;jsessionid=AB12?PHPSESSID=x&q=1",
        "https://example.com/p?q=1",
        "https://example.com/p;jsessionid=AB12?PHPSESSID=x&q=1",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("url", "expected"), ALWAYS)
def test_basic_normalisation_applies_in_both_modes(url: str, expected: str) -> None:
    assert normalize_url(url) == normalize_url(url, similar=False) == expected


@pytest.mark.parametrize(("url", "similar", "exact"), SIMILAR_ONLY)
def test_similar_mode_folds_variants(url: str, similar: str, exact: str) -> None:
    assert normalize_url(url) == similar
    assert normalize_url(url, similar=False) == exact


def test_ignore_query_drops_the_query() -> None:
    assert (
        normalize_url("https://example.com/a?x=1#f", ignore_query=True) == "https://example.com/a"
    )
    assert normalize_url("https://example.com/a?", similar=False) == "https://example.com/a"


def test_query_escapes_are_normalised_but_plus_is_kept() -> None:
    url = "https://example.com/s?q=a+b%2fc%7e"
    assert normalize_url(url) == "https://example.com/s?q=a+b%2Fc~"


def test_www_alone_is_not_stripped_from_a_two_label_host() -> None:
    assert normalize_url("https://www.com/") == "https://www.com/"


@pytest.mark.parametrize("bad", ["https:///path", "not a url", "http://example.com:99999/"])
def test_invalid_urls_raise_value_error(bad: str) -> None:
    with pytest.raises(ValueError):
        normalize_url(bad)


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/a/b/c/./../../g", "/a/g"), ("/a/b/..", "/a/"), ("/a/.", "/a/"), ("/", "/")],
)
def test_remove_dot_segments_follows_rfc_3986(path: str, expected: str) -> None:
    assert remove_dot_segments(path) == expected


def test_deduper_treats_similar_urls_as_one() -> None:
    deduper = UrlDeduper()
    assert deduper.add("https://www.example.com/a/")
    assert not deduper.add("https://example.com/a#x")
    assert not deduper.add("HTTPS://EXAMPLE.com:443/a?utm_campaign=z")
    assert deduper.add("https://example.com/a?page=2")
    assert "https://example.com/a" in deduper
    assert len(deduper) == 2


def test_deduper_ignoring_queries() -> None:
    deduper = UrlDeduper(ignore_query=True)
    assert deduper.add("https://example.com/a?page=1")
    assert not deduper.add("https://example.com/a?page=2")
