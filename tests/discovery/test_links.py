"""extract_links / extract_feed_links: absolute http(s) links from HTML."""

from __future__ import annotations

from scrapegate.jobs.discovery.links import extract_feed_links, extract_links

PAGE = """<!DOCTYPE html><html><head><title>t</title>
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="alternate" type="application/atom+xml; charset=utf-8" href="https://e.com/atom">
<link rel="alternate" hreflang="de" href="/de/">
<link rel="stylesheet" href="/style.css">
</head><body>
<a href="/a">A</a>
<a href="b?x=1#frag">B</a>
<a href="  https://other.org/c  ">C</a>
<a href="//cdn.e.com/d">D</a>
<a href="/a#again">A again</a>
<a href="#top">top</a>
<a href="mailto:x@e.com">mail</a>
<a href="tel:+123">tel</a>
<a href="javascript:void(0)">js</a>
<a href="data:text/html,hi">data</a>
<a href="ftp://e.com/f">ftp</a>
<a href="http://[bad">bad</a>
<a href="http://e.com:99999/">bad port</a>
<a>no href</a>
<a href="/sponsored" rel="sponsored nofollow">ad</a>
<map><area href="/area" alt=""></map>
<a href="/new
line">split</a>
</body></html>"""


def test_links_are_absolute_http_unique_and_in_order() -> None:
    assert extract_links(PAGE, "https://e.com/dir/page") == [
        "https://e.com/a",
        "https://e.com/dir/b?x=1",
        "https://other.org/c",
        "https://cdn.e.com/d",
        "https://e.com/sponsored",  # nofollow is kept unless asked
        "https://e.com/area",
        "https://e.com/newline",
    ]


def test_nofollow_links_are_skipped_on_request() -> None:
    links = extract_links(PAGE, "https://e.com/", skip_nofollow=True)
    assert "https://e.com/sponsored" not in links
    assert "https://e.com/a" in links


def test_meta_robots_nofollow_stops_all_links_on_request() -> None:
    page = '<html><head><meta name="robots" content="noindex, nofollow"></head><a href="/x">x</a>'
    assert extract_links(page, "https://e.com/") == ["https://e.com/x"]
    assert extract_links(page, "https://e.com/", skip_nofollow=True) == []


def test_base_href_is_honoured() -> None:
    page = '<html><head><base href="https://static.e.com/root/"></head><a href="p">p</a></html>'
    assert extract_links(page, "https://e.com/x/y") == ["https://static.e.com/root/p"]


def test_encoding_declarations_and_empty_input() -> None:
    page = '<?xml version="1.0" encoding="iso-8859-1"?><html><a href="/é">e</a></html>'
    assert extract_links(page, "https://e.com/") == ["https://e.com/é"]
    assert extract_links("", "https://e.com/") == []
    assert extract_links("   ", "https://e.com/") == []


def test_feed_links() -> None:
    assert extract_feed_links(PAGE, "https://e.com/blog/") == [
        "https://e.com/feed.xml",
        "https://e.com/atom",
    ]
    assert extract_feed_links("<p>no head</p>", "https://e.com/") == []
