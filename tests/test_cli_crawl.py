"""``scrapegate crawl`` and ``scrapegate map`` on the loopback fixture site.

The commands run as subprocesses (as a user runs them); naming, progress arithmetic and Ctrl-C
cancellation are checked in this process, where they are cheap to reach.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from scrapegate.cli.crawl import crawl_body, crawl_to_directory
from scrapegate.cli.crawl_output import CrawlPageBody, CrawlStatusBody, PageFiles, safe_segment
from scrapegate.cli.crawl_progress import CrawlCounts, PlainProgress, clock
from scrapegate.cli.local import error_line, local_settings, validation_for
from scrapegate.cli.map import map_body
from scrapegate.config import Settings
from scrapegate.domain.crawl_request import parse_crawl_request
from scrapegate.domain.map_request import parse_map_request
from scrapegate.errors import URLNotAllowed
from tests.test_cli import run

# Start at / in html mode: /pdf is linked from / and html mode refuses PDFs, so one page fails.
SMALL_CRAWL = (
    "--mode",
    "html",
    "--ignore-robots",
    "--max-depth",
    "1",
    "--include",
    "/article",
    "--include",
    "/tree",
    "--include",
    "/pdf",
)


def test_crawl_writes_a_file_per_page_and_the_indexes(tmp_path: Path, fixture_site: Any) -> None:
    out = tmp_path / "site"
    result = run(
        tmp_path,
        "crawl",
        fixture_site.url("/"),
        "--out",
        str(out),
        *SMALL_CRAWL,
        "--allow-private",
        SCRAPEGATE_ALLOW_PRIVATE_NETWORKS="false",  # the flag alone opens loopback for this run
    )
    assert result.returncode == 0, result.stderr
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == ["article.md", "contents.md", "index.json", "index.md", "tree.md"]
    entries = {e["url"]: e for e in json.loads((out / "index.json").read_text())}
    assert len(entries) == 4
    home = entries[fixture_site.url("/")]
    assert (home["file"], home["status"], home["status_code"], home["depth"]) == (
        "index.md",
        "completed",
        200,
        0,
    )
    assert home["title"] == "Fixture Blog" and home["error"] is None
    article = entries[fixture_site.url("/article")]
    assert article["file"] == "article.md" and article["depth"] == 1
    pdf = entries[fixture_site.url("/pdf")]
    assert (pdf["status"], pdf["file"]) == ("failed", None)
    assert "not supported" in pdf["error"]
    assert "The quick brown fox of scrapegate" in (out / "article.md").read_text()
    contents = (out / "contents.md").read_text()
    assert "(article.md)" in contents and "## Failed pages" in contents
    assert fixture_site.url("/pdf") in contents.split("## Failed pages")[1]
    assert "crawl partial (finished): 3 pages written" in result.stdout
    assert "pages 4/4 done, 1 failed" in result.stdout  # plain progress lines: stdout is no TTY


def test_map_prints_the_site_urls(tmp_path: Path, fixture_site: Any) -> None:
    result = run(tmp_path, "map", fixture_site.url("/"), "--allow-private")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(set(lines)) and all(line.startswith("http://") for line in lines)
    expected = {fixture_site.url(p) for p in ("/", "/article", "/tree", "/tree/a", "/pdf")}
    assert expected <= set(lines)
    assert lines[0] == fixture_site.url("/")


def test_bad_option_stops_with_one_line(tmp_path: Path, fixture_site: Any) -> None:
    out = tmp_path / "never"
    result = run(tmp_path, "crawl", fixture_site.url("/"), "--out", str(out), "--max-pages", "0")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "INVALID_REQUEST" in result.stderr and "max_pages" in result.stderr
    assert not out.exists()


def test_loopback_needs_the_flag_or_the_setting(fixture_site: Any) -> None:
    body = {"url": fixture_site.url("/")}
    closed = local_settings(Settings(allow_private_networks=False), allow_private=False)
    with pytest.raises(URLNotAllowed) as refused:
        parse_map_request(body, validation_for(closed))
    assert error_line(refused.value).startswith("scrapegate: URL_NOT_ALLOWED: ")
    assert error_line(refused.value).endswith("(field: url)")
    for settings in (
        local_settings(Settings(allow_private_networks=False), allow_private=True),
        local_settings(Settings(allow_private_networks=True), allow_private=False),
    ):
        assert parse_map_request(body, validation_for(settings)).url == body["url"]


class StopAfterFirstPage(PlainProgress):
    """Asks for a stop, as Ctrl-C does, once a page is done and others are still to come."""

    def __init__(self, stop: asyncio.Event) -> None:
        super().__init__()
        self._stop = stop

    def update(self, counts: CrawlCounts) -> None:
        super().update(counts)
        if counts.finished >= 1 and counts.total > counts.finished:
            self._stop.set()


async def test_a_stop_request_cancels_the_crawl_and_keeps_the_index(
    tmp_path: Path, fixture_site: Any
) -> None:
    settings = local_settings(Settings(), allow_private=True)
    body = {"url": fixture_site.url("/tree"), "mode": "html", "sitemap": "skip", "max_depth": 3}
    req = parse_crawl_request(body, validation_for(settings))
    stop = asyncio.Event()
    progress = StopAfterFirstPage(stop)
    outcome = await crawl_to_directory(settings, req, tmp_path, progress, stop)
    assert outcome.interrupted and outcome.exit_code == 130
    assert (outcome.status, outcome.stop_reason) == ("partial", "cancelled")
    assert outcome.completed < 15
    entries = json.loads((tmp_path / "index.json").read_text())
    assert all(e["status"] in ("completed", "failed") for e in entries)
    assert len(entries) == outcome.completed + outcome.failed
    assert sum(1 for e in entries if e["file"]) == outcome.written
    assert all((tmp_path / e["file"]).is_file() for e in entries if e["file"])
    assert entries[0]["file"] == "tree.md" and (tmp_path / "tree.md").exists()
    assert (tmp_path / "contents.md").exists()


def test_options_become_the_api_request() -> None:
    options = {
        "fmt": "text",
        "mode": "js",
        "ignore_robots": True,
        "include_subdomains": True,
        "max_pages": 7,
        "max_depth": None,
        "concurrency": 3,
        "delay": 0.5,
        "include": ("/docs/*",),
        "exclude": ("/docs/old/*", "*.pdf"),
    }
    settings = local_settings(Settings(), allow_private=False)
    req = parse_crawl_request(crawl_body("https://example.com/", options), validation_for(settings))
    assert (req.respect_robots, req.include_subdomains) == (False, True)
    assert (req.max_pages, req.max_depth, req.max_concurrency, req.delay) == (7, 3, 3, 0.5)
    assert req.include_patterns == ("/docs/*",)
    assert req.exclude_patterns == ("/docs/old/*", "*.pdf")
    assert (req.page.formats, req.page.mode) == (("text",), "js")
    mapped = parse_map_request(
        map_body("https://example.com/", 5, "pricing", include_subdomains=False, no_sitemap=True),
        validation_for(settings),
    )
    assert (mapped.max_pages, mapped.search, mapped.sitemap) == (5, "pricing", "skip")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com", "index.md"),
        ("https://example.com/", "index.md"),
        ("https://example.com/docs/intro", "docs/intro.md"),
        ("https://example.com/docs/", "docs/index.md"),
        ("https://example.com/docs/guide.html", "docs/guide.md"),
        ("https://example.com/caf%C3%A9/menu", "café/menu.md"),
        ("https://example.com/../../etc/passwd", "_/_/etc/passwd.md"),
        ("https://example.com/a%2F..%2Fb", "a/_/b.md"),
        ("https://example.com/notes.md/today", "notes.md_/today.md"),
        ("https://blog.example.com/post", "blog.example.com/post.md"),
        ("https://example.com/contents", "contents-66fa86be.md"),
    ],
)
def test_file_names_mirror_the_url_path(url: str, expected: str) -> None:
    assert PageFiles("https://example.com/", ".md").name_for(url) == expected


def test_file_names_stay_unique() -> None:
    files = PageFiles("https://example.com/", ".md")
    names = [
        files.name_for(u)
        for u in (
            "https://example.com/list?page=1",
            "https://example.com/list?page=2",
            "https://example.com/Guide",
            "https://example.com/guide",
            "https://example.com/guide.html",
        )
    ]
    assert len({n.lower() for n in names}) == 5
    assert names[0].startswith("list-") and names[0] != names[1]
    assert names[2] == "Guide.md" and names[3].startswith("guide-")
    assert safe_segment("..") == "_" and safe_segment("a b?c") == "a-b-c"


def test_rate_and_time_left() -> None:
    counts = CrawlCounts(completed=8, failed=2, total=30, elapsed_s=5.0)
    assert (counts.finished, counts.rate, counts.eta_s) == (10, 2.0, 10.0)
    assert CrawlCounts(0, 0, 5, 3.0).eta_s is None
    assert (clock(None), clock(75), clock(3_725)) == ("--:--", "1:15", "1:02:05")


def test_the_crawl_bodies_the_cli_reads_name_every_key_of_the_response_models() -> None:
    from scrapegate.api import crawl_models

    assert list(CrawlStatusBody.__annotations__) == list(
        crawl_models.CrawlStatusResponse.model_fields
    )
    assert list(CrawlPageBody.__annotations__) == list(crawl_models.CrawlPageBody.model_fields)
