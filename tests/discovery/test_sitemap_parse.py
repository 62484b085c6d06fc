"""parse_sitemap_bytes: every sitemap kind, gzip, caps, and refusal of DTDs and entities."""

from __future__ import annotations

import gzip

import pytest

from scrapegate.jobs.discovery.sitemaps import (
    SitemapEntry,
    SitemapInvalid,
    SitemapRefused,
    parse_sitemap_bytes,
)

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
URLSET = (
    f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>'
    "<url><loc> https://e.com/a </loc><lastmod>2026-01-02</lastmod><priority>0.8</priority></url>"
    "<url><loc>https://e.com/b</loc><priority>high</priority></url>"
    "<url><loc>ftp://e.com/not-http</loc></url>"
    "<url><lastmod>2026-01-01</lastmod></url>"
    "</urlset>"
).encode()


def test_urlset_entries_with_lastmod_and_priority() -> None:
    document = parse_sitemap_bytes(URLSET)
    assert document.kind == "urlset"
    assert document.entries == [
        SitemapEntry("https://e.com/a", "2026-01-02", 0.8),
        SitemapEntry("https://e.com/b", None, None),
    ]
    assert not document.truncated


def test_sitemap_without_namespace_and_with_bom() -> None:
    body = b"\xef\xbb\xbf<urlset><url><loc>https://e.com/x</loc></url></urlset>"
    assert [e.url for e in parse_sitemap_bytes(body).entries] == ["https://e.com/x"]


def test_gzip_is_detected_by_magic_bytes() -> None:
    document = parse_sitemap_bytes(gzip.compress(URLSET))
    assert [e.url for e in document.entries] == ["https://e.com/a", "https://e.com/b"]


def test_index_lists_child_sitemaps() -> None:
    body = (
        f"<sitemapindex {NS}><sitemap><loc>https://e.com/s1.xml.gz</loc>"
        "<lastmod>2026-01-01</lastmod></sitemap><sitemap><loc>https://e.com/s2.xml</loc></sitemap>"
        "</sitemapindex>"
    ).encode()
    document = parse_sitemap_bytes(body)
    assert document.kind == "index"
    assert document.sitemaps == ["https://e.com/s1.xml.gz", "https://e.com/s2.xml"]
    assert document.entries == []


def test_text_sitemap_keeps_http_lines_once() -> None:
    body = b"https://e.com/1\r\n\nhttps://e.com/2\njunk line\nhttps://e.com/1\nfile:///etc/passwd\n"
    document = parse_sitemap_bytes(body)
    assert document.kind == "text"
    assert [e.url for e in document.entries] == ["https://e.com/1", "https://e.com/2"]


def test_text_sitemap_skips_an_overlong_line_without_losing_the_next() -> None:
    body = b"https://e.com/" + b"x" * 10_000 + b"\nhttps://e.com/short\n"
    assert [e.url for e in parse_sitemap_bytes(body).entries] == ["https://e.com/short"]


def test_rss_items_are_feed_entries() -> None:
    body = (
        b'<rss version="2.0"><channel><link>https://e.com/</link>'
        b"<item><link>https://e.com/n/1</link>"
        b"<pubDate>Mon, 01 Jun 2026 10:00:00 GMT</pubDate></item>"
        b'<item><guid isPermaLink="true">https://e.com/n/2</guid></item>'
        b'<item><guid isPermaLink="false">tag:e.com,2026:3</guid></item>'
        b"</channel></rss>"
    )
    document = parse_sitemap_bytes(body)
    assert document.kind == "rss"
    assert document.entries == [
        SitemapEntry("https://e.com/n/1", "Mon, 01 Jun 2026 10:00:00 GMT", None, "feed"),
        SitemapEntry("https://e.com/n/2", None, None, "feed"),
    ]


def test_atom_entries_use_the_alternate_link() -> None:
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><link href="https://e.com/"/>'
        b'<entry><link rel="edit" href="https://e.com/edit/1"/><link href="https://e.com/p/1"/>'
        b"<updated>2026-03-01T00:00:00Z</updated></entry></feed>"
    )
    document = parse_sitemap_bytes(body)
    assert document.kind == "atom"
    assert document.entries == [
        SitemapEntry("https://e.com/p/1", "2026-03-01T00:00:00Z", None, "feed")
    ]


def test_limit_stops_parsing_early() -> None:
    urls = "".join(f"<url><loc>https://e.com/{n}</loc></url>" for n in range(100))
    document = parse_sitemap_bytes(f"<urlset {NS}>{urls}</urlset>".encode(), limit=10)
    assert len(document.entries) == 10
    assert document.truncated


def test_truncated_xml_keeps_the_entries_before_the_cut() -> None:
    document = parse_sitemap_bytes(URLSET[: URLSET.index(b"<url><loc>ftp")])
    assert [e.url for e in document.entries] == ["https://e.com/a", "https://e.com/b"]
    assert document.truncated


def test_decompressed_size_is_capped() -> None:
    urls = "".join(f"<url><loc>https://e.com/{n}</loc></url>" for n in range(1000))
    bomb = gzip.compress(f"<urlset {NS}>{urls}{' ' * 5_000_000}</urlset>".encode())
    document = parse_sitemap_bytes(bomb, max_bytes=20_000)  # ~half of the URLs
    assert document.truncated
    assert 0 < len(document.entries) < 1000


def test_cut_gzip_stream_keeps_the_entries_before_the_cut() -> None:
    urls = "".join(f"<url><loc>https://e.com/{n}</loc></url>" for n in range(5000))
    packed = gzip.compress(f"<urlset {NS}>{urls}</urlset>".encode())
    document = parse_sitemap_bytes(packed[: len(packed) // 2])
    assert document.truncated
    assert 0 < len(document.entries) < 5000
    assert document.entries[0].url == "https://e.com/0"


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
    b"<urlset><url><loc>https://e.com/&lol2;</loc></url></urlset>"
)


@pytest.mark.parametrize(
    "body",
    [
        BILLION_LAUGHS,
        b'<!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]><urlset><url><loc>&x;</loc></url></urlset>',
        b'<!doctype urlset SYSTEM "http://127.0.0.1:9/dtd"><urlset/>',
        gzip.compress(BILLION_LAUGHS),
    ],
    ids=["billion-laughs", "external-entity", "external-dtd", "gzipped-laughs"],
)
def test_dtds_and_entities_are_refused(body: bytes) -> None:
    with pytest.raises(SitemapRefused):
        parse_sitemap_bytes(body)


def test_doctype_after_a_long_prolog_is_still_refused() -> None:
    # Past the sniffed head, the parser's own DOCTYPE check must catch it.
    body = b"<?xml version='1.0'?><!--" + b"x" * 20_000 + b"-->" + BILLION_LAUGHS[21:]
    with pytest.raises(SitemapRefused):
        parse_sitemap_bytes(body)


@pytest.mark.parametrize(
    "body",
    [b"<html><body>Not found</body></html>", b"<urlset", b"", b"just words\nno urls\n"],
    ids=["html", "broken-xml", "empty", "text-without-urls"],
)
def test_non_sitemaps_are_invalid(body: bytes) -> None:
    with pytest.raises(SitemapInvalid):
        parse_sitemap_bytes(body)


def test_corrupt_gzip_is_invalid() -> None:
    with pytest.raises(SitemapInvalid):
        parse_sitemap_bytes(b"\x1f\x8b\x08\x00garbage-not-deflate")
