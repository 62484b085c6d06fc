"""include_patterns / exclude_patterns (core-api §13.1): globs on the path, regex, full URL."""

from __future__ import annotations

import pytest

from scrapegate.jobs.discovery.patterns import UrlFilter

GLOB_CASES = [
    # (include, exclude, url, allowed)
    ((), (), "https://e.com/anything", True),
    (("/blog/*",), (), "https://e.com/blog/2026/post", True),  # * crosses "/"
    (("/blog/*",), (), "https://e.com/docs/intro", False),
    (("/blog/*",), (), "https://e.com/blog", False),
    (("blog/*",), (), "https://e.com/blog/x", True),  # a missing leading "/" is implied
    (("/p?",), (), "https://e.com/p1", True),  # "?" is one character...
    (("/p?",), (), "https://e.com/p", False),
    (("/p?x=1",), (), "https://e.com/p?x=1", True),  # ...and switches on query matching
    (("/item?id=*",), (), "https://e.com/item?id=7", True),  # ...so queries can be matched
    (("/item",), (), "https://e.com/item?id=7", True),  # without "?" the query is ignored
    (("/v[12]/*",), (), "https://e.com/v2/api", True),
    (("/v[12]/*",), (), "https://e.com/v3/api", False),
    (("*.pdf",), (), "https://e.com/docs/report.pdf", True),
    (("/docs/*",), ("/docs/private/*",), "https://e.com/docs/private/x", False),  # exclude wins
    (("/docs/*",), ("/docs/private/*",), "https://e.com/docs/public", True),
    ((), ("/admin*",), "https://e.com/admin/users", False),
    ((), ("/admin*",), "https://e.com/about", True),
    (("/BLOG/*",), (), "https://e.com/blog/x", False),  # case-sensitive
    (("/café/*",), (), "https://e.com/caf%C3%A9/menu", True),  # decoded form also matches
]


@pytest.mark.parametrize(("include", "exclude", "url", "allowed"), GLOB_CASES)
def test_glob_patterns(
    include: tuple[str, ...], exclude: tuple[str, ...], url: str, allowed: bool
) -> None:
    assert UrlFilter(include=include, exclude=exclude).allows(url) is allowed


REGEX_CASES = [
    (("^/blog/",), (), "https://e.com/blog/x", True),
    (("blog",), (), "https://e.com/my/blog-post", True),  # unanchored search
    (("^/blog/",), (), "https://e.com/my/blog/x", False),
    ((r"/p\d+$",), (), "https://e.com/p12", True),
    (("id=7",), (), "https://e.com/item?id=7", False),  # the query is never seen
    (("/p.",), (), "https://e.com/pa", True),
    (("/docs",), ("private",), "https://e.com/docs/private", False),  # exclude wins
]


@pytest.mark.parametrize(("include", "exclude", "url", "allowed"), REGEX_CASES)
def test_regex_patterns(
    include: tuple[str, ...], exclude: tuple[str, ...], url: str, allowed: bool
) -> None:
    assert UrlFilter(include=include, exclude=exclude, syntax="regex").allows(url) is allowed


def test_full_url_globs_see_host_and_query() -> None:
    only_blog_host = UrlFilter(include=("https://blog.e.com/*",), full_url=True)
    assert only_blog_host.allows("https://blog.e.com/x?y=1")
    assert not only_blog_host.allows("https://www.e.com/x")


def test_full_url_regex() -> None:
    no_sessions = UrlFilter(exclude=(r"[?&]session=",), syntax="regex", full_url=True)
    assert not no_sessions.allows("https://e.com/a?session=1")
    assert no_sessions.allows("https://e.com/a?page=1")


def test_invalid_regex_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="invalid regular expression"):
        UrlFilter(include=("(unclosed",), syntax="regex")


def test_filters_compare_by_their_fields() -> None:
    assert UrlFilter(include=("/a",)) == UrlFilter(include=("/a",))
    assert hash(UrlFilter(include=("/a",))) == hash(UrlFilter(include=("/a",)))
