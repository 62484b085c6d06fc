"""CrawlScope: start host, subdomains of its registrable domain, external links."""

from __future__ import annotations

import pytest

from scrapegate.jobs.discovery.scope import CrawlScope

CASES = [
    # (start, include_subdomains, allow_external, url, in_scope)
    ("https://example.com/", False, False, "https://example.com/a", True),
    ("https://example.com/", False, False, "http://example.com/a", True),  # scheme may change
    ("https://example.com/", False, False, "https://www.example.com/a", True),  # www is the site
    ("https://www.example.com/", False, False, "https://example.com/a", True),
    ("https://example.com/", False, False, "https://EXAMPLE.com./a", True),
    ("https://example.com/", False, False, "https://blog.example.com/a", False),
    ("https://example.com/", True, False, "https://blog.example.com/a", True),
    ("https://docs.example.com/", True, False, "https://example.com/", True),
    ("https://docs.example.com/", True, False, "https://api.example.com/", True),
    ("https://docs.example.com/", False, False, "https://api.example.com/", False),
    ("https://example.co.uk/", True, False, "https://shop.example.co.uk/", True),
    ("https://example.co.uk/", True, False, "https://other.co.uk/", False),  # public suffix
    ("https://example.com/", True, False, "https://notexample.com/", False),
    ("https://example.com/", True, False, "https://example.com.evil.net/", False),
    ("https://example.com/", False, False, "https://other.org/", False),
    ("https://example.com/", False, True, "https://other.org/", True),
    ("https://example.com/", False, True, "mailto:a@example.com", False),
    ("https://example.com/", False, False, "ftp://example.com/file", False),
    ("http://127.0.0.1:8000/", False, False, "http://127.0.0.1:9000/x", True),  # host, not port
    ("http://127.0.0.1:8000/", True, False, "http://127.0.0.2/x", False),
]


@pytest.mark.parametrize(("start", "subdomains", "external", "url", "expected"), CASES)
def test_in_scope(start: str, subdomains: bool, external: bool, url: str, expected: bool) -> None:
    scope = CrawlScope(start, include_subdomains=subdomains, allow_external=external)
    assert scope.in_scope(url) is expected


def test_is_internal_ignores_allow_external() -> None:
    scope = CrawlScope("https://example.com/", allow_external=True)
    assert scope.in_scope("https://other.org/")
    assert not scope.is_internal("https://other.org/")
    assert scope.is_internal("https://example.com/x")
