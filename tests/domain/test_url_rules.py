"""Rules 3-4 on the target URL: syntax reasons and literal private addresses."""

from __future__ import annotations

import pytest

from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.urls import normalized_url, parse_target_url

from .validation_support import parse, rejection

PRIVATE = "The URL resolves to a private network address and cannot be scraped."


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("example.com/page", "missing_scheme"),
        ("example.com:8080/page", "missing_scheme"),
        ("//example.com/page", "missing_scheme"),
        ("ftp://example.com/file", "unsupported_scheme"),
        ("javascript:alert(1)", "unsupported_scheme"),
        ("file:///etc/passwd", "unsupported_scheme"),
        ("http:///path-only", "missing_host"),
        ("http:example.com", "missing_host"),
        ("https://user@/x", "missing_host"),
        ("https://example.com/" + "a" * 8_200, "too_long"),
        ("https://exa mple.com/", "invalid_characters"),
        (" https://example.com/", "invalid_characters"),
        ("https://example.com/\x00", "invalid_characters"),
        ("https://example.com/a\tb", "invalid_characters"),
        ("https://ex..ample.com/", "invalid_idna"),
        ("https://exa!mple.com/", "invalid_idna"),
        ("https://xn--a.com/", "invalid_idna"),
        ("https://" + "a" * 64 + ".com/", "invalid_idna"),
        ("https://example.com:0/", "invalid_port"),
        ("https://example.com:65536/", "invalid_port"),
        ("https://example.com:http/", "invalid_port"),
    ],
)
def test_rule_3_reasons(url: str, reason: str) -> None:
    error = rejection({"url": url})
    assert (error.code, error.detail) == ("INVALID_URL", "url must be an absolute http(s) URL")
    assert error.details == {"field": "url", "reason": reason}


def test_exactly_8192_characters_is_accepted() -> None:
    url = "https://example.com/" + "a" * (8_192 - len("https://example.com/"))
    assert parse({"url": url}).url == url


def test_unicode_host_is_idna_encoded_and_url_kept_verbatim() -> None:
    req = parse({"url": "https://Bücher.Example/ä?q=1"})
    assert req.url == "https://Bücher.Example/ä?q=1"
    assert req.host == "xn--bcher-kva.example"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://0177.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[64:ff9b::a00:1]/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://100.64.0.1/",
        "http://169.254.10.10/",
        "http://[fc00::1]/",
        "http://localhost/",
        "http://app.localhost/",
        "http://0.0.0.0/",
    ],
)
def test_rule_4_literal_private_hosts(url: str) -> None:
    error = rejection({"url": url})
    assert (error.code, error.detail) == ("URL_NOT_ALLOWED", PRIVATE)
    assert error.details == {"field": "url", "reason": "private_network"}


def test_rule_4_metadata_is_refused_even_when_private_networks_are_allowed() -> None:
    open_policy = NetPolicy(allow_private=True)
    assert parse({"url": "http://10.1.2.3/"}, policy=open_policy).host == "10.1.2.3"
    error = rejection({"url": "http://169.254.169.254/latest/"}, policy=open_policy)
    assert error.detail == PRIVATE


def test_allowed_cidr_opens_one_range() -> None:
    policy = NetPolicy.build(allow_private=False, allowed_cidrs=["10.9.0.0/16"])
    assert parse({"url": "http://10.9.1.1/"}, policy=policy).host == "10.9.1.1"
    assert rejection({"url": "http://10.8.1.1/"}, policy=policy).detail == PRIVATE


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM:80/a#x", "http://example.com/a"),
        ("https://EXAMPLE.com:443", "https://example.com/"),
        ("https://example.com:8443/a?b=C&a=1#f", "https://example.com:8443/a?b=C&a=1"),
        ("http://[::1]:8080/p", "http://[::1]:8080/p"),
    ],
)
def test_normalized_url(url: str, expected: str) -> None:
    assert normalized_url(parse_target_url(url)) == expected
