"""The two loopback sites of bench/crawl.py, and the nginx that serves them.

``synthetic``: N generated article pages (nav, header, footer, paragraphs, 8 related links).
``realistic``: the first N WCXB dev pages (read gzipped from ../shared/corpus at run time), their
own links made absolute to their original site (so they are external and out of scope), their
``<base>`` and robots meta tags removed, and a block of 8 local links injected.
Both sites have ``/`` (an index page), ``/robots.txt`` allowing all and no sitemap, so every
crawler has to discover the pages by following links. Page paths are word slugs without digits.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import random
import shutil
import socket
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import lxml.html
from lxml import etree

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "wcxb-dev"
LINKS_PER_PAGE = 8
INDEX_LINKS = 8
# Neutral words: none of them reads as a navigation, login or feed path to a URL filter.
WORDS = (
    "amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "harbor", "island", "jasper",
    "kestrel", "lagoon", "meadow", "nectar", "orchid", "pebble", "quartz", "river", "saffron",
    "timber", "umber", "violet", "willow", "yarrow", "zephyr", "alder", "basalt", "canyon",
    "dune", "estuary", "falcon", "glacier", "heron", "iris", "juniper", "kelp", "lichen",
    "marsh", "nimbus", "oak",
)  # fmt: skip
TEXT_WORDS = (
    "the", "a", "of", "and", "to", "in", "report", "council", "market", "season", "study",
    "water", "growth", "local", "system", "energy", "public", "research", "plan", "city",
    "policy", "team", "project", "result", "change", "data", "early", "school", "health",
    "network", "across", "while", "after", "during", "because", "several", "residents",
    "officials", "said", "would", "could", "increase", "decline", "support", "new", "first",
)  # fmt: skip
NGINX_CONF = """worker_processes 2;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    types {{ text/html html; text/plain txt; }}
    default_type application/octet-stream;
    charset utf-8;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    server {{
        listen {host}:{port};
        root {site};
        index index.html;
    }}
}}
"""


@dataclass(frozen=True)
class Site:
    name: str
    root: Path  # the document root
    pages: int  # every page a crawler should convert, the index page included


def page_path(index: int, numbered: bool = False) -> str:
    """``/p/<three words>.html``; ``numbered`` gives ``/p/page-00042.html`` instead."""
    if numbered:
        return f"/p/page-{index:05d}.html"
    base = len(WORDS)
    words = [WORDS[(index // base**k) % base] for k in (2, 1, 0)]
    return f"/p/{'-'.join(words)}.html"


def neighbours(index: int, count: int) -> list[int]:
    """Eight other pages: the two children of a binary tree (so all are reachable), then
    the next page and seeded random picks (so most pages are a few hops from the index)."""
    picks = [c for c in (2 * index + 1, 2 * index + 2, (index + 1) % count) if c < count]
    chooser = random.Random(index)
    while len(set(picks) - {index}) < min(LINKS_PER_PAGE, count - 1):
        picks.append(chooser.randrange(count))
    return list(dict.fromkeys(p for p in picks if p != index))[:LINKS_PER_PAGE]


def _title(index: int) -> str:
    return " ".join(w.capitalize() for w in page_path(index)[3:-5].split("-"))


def _link_items(indices: list[int], numbered: bool) -> str:
    return "".join(
        f'<li><a href="{page_path(i, numbered)}">{html.escape(_title(i))}</a></li>' for i in indices
    )


def _paragraph(chooser: random.Random) -> str:
    sentences = []
    for _ in range(chooser.randint(3, 6)):
        words = [chooser.choice(TEXT_WORDS) for _ in range(chooser.randint(9, 22))]
        sentences.append(" ".join(words).capitalize() + ".")
    return "<p>" + " ".join(sentences) + "</p>"


def synthetic_page(index: int, count: int, numbered: bool) -> str:
    chooser = random.Random(10_000 + index)
    title = html.escape(_title(index))
    body = "".join(_paragraph(chooser) for _ in range(chooser.randint(4, 8)))
    nav = _link_items(list(range(min(4, count))), numbered)
    related = _link_items(neighbours(index, count), numbered)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        "<meta name='viewport' content='width=device-width'></head><body>"
        f"<header><a href='/'>Bench Gazette</a><nav><ul>{nav}</ul></nav></header>"
        f"<main><article><h1>{title}</h1><p class='byline'>By Staff Writer, 3 May 2024</p>"
        f"{body}</article><aside><h2>Related</h2><ul>{related}</ul></aside></main>"
        "<footer><p>Copyright Bench Gazette. All rights reserved.</p>"
        "<a href='/'>Home</a></footer></body></html>"
    )


def index_page(count: int, numbered: bool) -> str:
    items = _link_items(list(range(min(INDEX_LINKS, count))), numbered)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Index</title></head>"
        f"<body><h1>Bench site</h1><ul>{items}</ul></body></html>"
    )


def _write(root: Path, path: str, text: str) -> None:
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _prepare(root: Path, count: int, numbered: bool) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    _write(root, "/robots.txt", "User-agent: *\nAllow: /\n")
    _write(root, "/index.html", index_page(count, numbered))


def build_synthetic(root: Path, count: int, numbered: bool = False) -> Site:
    _prepare(root, count, numbered)
    for index in range(count):
        _write(root, page_path(index, numbered), synthetic_page(index, count, numbered))
    return Site("synthetic", root, count + 1)


def _original_url(html_file: Path) -> str:
    truth = html_file.parent.parent / "ground-truth" / f"{html_file.name.split('.')[0]}.json"
    return str(
        json.loads(truth.read_text(encoding="utf-8")).get("url") or "https://example.invalid/"
    )


def neutralised_page(raw: str, original_url: str, links: str) -> str:
    """The page with its links pointing at its original site and our link block appended."""
    try:
        doc = lxml.html.document_fromstring(raw)
    except (etree.ParserError, ValueError):
        return f"<html><body>{raw}<nav class='bench-links'><ul>{links}</ul></nav></body></html>"
    # resolve_base_href applies and removes <base>, which would otherwise re-root our links.
    doc.make_links_absolute(original_url, resolve_base_href=True, handle_failures="discard")
    for meta in doc.xpath("//meta[@name]"):
        if meta.get("name", "").strip().lower() in ("robots", "googlebot"):
            meta.drop_tree()
    body = doc.find("body")
    block = lxml.html.fragment_fromstring(
        f"<nav class='bench-links'><ul>{links}</ul></nav>", create_parent=False
    )
    (body if body is not None else doc).append(block)
    return "<!DOCTYPE html>\n" + lxml.html.tostring(doc, encoding="unicode")


def build_realistic(root: Path, count: int, corpus: Path = DEFAULT_CORPUS) -> Site:
    files = sorted((corpus / "html").glob("*.html.gz"))[:count]
    if len(files) < count:
        raise SystemExit(f"only {len(files)} pages under {corpus}/html, {count} asked")
    _prepare(root, count, numbered=False)
    for index, html_file in enumerate(files):
        raw = gzip.decompress(html_file.read_bytes()).decode("utf-8", "replace")
        links = _link_items(neighbours(index, count), numbered=False)
        _write(root, page_path(index), neutralised_page(raw, _original_url(html_file), links))
    return Site("realistic", root, count + 1)


def ensure_nginx() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("bench/crawl.py needs nginx: apt-get install nginx")
    # Debian 12 has no nginx-light any more; its policy-rc.d keeps the service from starting.
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "nginx"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("nginx") or "/usr/sbin/nginx"


def loopback_address() -> tuple[str, int]:
    """A loopback address whose port 80 is free, else 127.0.0.1 and a free port.

    Port 80 because courlan (trafilatura's link filter) drops links to an IP host with an
    explicit port and Scrapy's allow_domains compares host:port: on 127.0.0.1:<port> neither
    peer would follow a single link.
    """
    for last in range(1, 30):
        host = f"127.0.0.{last}"
        with socket.socket() as sock:
            try:
                sock.bind((host, 80))
                return host, 80
            except OSError:
                continue
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return "127.0.0.1", int(sock.getsockname()[1])


class Nginx:
    """nginx serving ``site`` on ``host:port``, as a child process; its files go in ``work``."""

    def __init__(self, work: Path, site: Path, host: str, port: int) -> None:
        self.work, self.site = work, site
        self.url = f"http://{host}/" if port == 80 else f"http://{host}:{port}/"
        (work / "tmp").mkdir(parents=True, exist_ok=True)
        (work / "nginx.conf").write_text(
            NGINX_CONF.format(root=work, site=site, host=host, port=port)
        )
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> Nginx:
        binary = ensure_nginx()
        for path in [self.work, *self.work.rglob("*"), self.site, *self.site.rglob("*")]:
            # Workers run as an unprivileged user when we are root: they must read the site.
            path.chmod(0o755 if path.is_dir() else 0o644)
        for folder in {*self.work.parents, *self.site.parents}:
            if not folder.stat().st_mode & stat.S_IXOTH:
                raise SystemExit(
                    f"nginx's workers cannot enter {folder}: use a world-readable path"
                )
        self._process = subprocess.Popen(
            [binary, "-p", str(self.work), "-e", str(self.work / "error.log"),
             "-c", str(self.work / "nginx.conf")],
        )  # fmt: skip
        for _ in range(100):
            try:
                if httpx.get(self.url + "robots.txt", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.stop()
        raise SystemExit(f"nginx did not start: {(self.work / 'error.log').read_text()}")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)
        self._process = None
