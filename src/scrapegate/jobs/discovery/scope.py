"""Which hosts a crawl follows: the start host, its registrable domain, or anything."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapegate.engine.domains import registrable_domain

HTTP_SCHEMES = frozenset({"http", "https"})


def _site_host(url: str) -> str:
    """Host without a trailing dot or a leading "www." (www.example.com is example.com)."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    return host[4:] if host.startswith("www.") and host.count(".") >= 2 else host


@dataclass(frozen=True)
class CrawlScope:
    """``include_subdomains`` admits every host under the start host's registrable domain;
    ``allow_external`` admits any http(s) URL (the caller limits the depth of those)."""

    start_url: str
    include_subdomains: bool = False
    allow_external: bool = False

    def in_scope(self, url: str) -> bool:
        if not _is_http(url):
            return False
        return self.allow_external or self.is_internal(url)

    def is_internal(self, url: str) -> bool:
        """Same site as the start URL under the subdomain rule, whatever ``allow_external`` says."""
        if not _is_http(url):
            return False
        host = _site_host(url)
        start_host = _site_host(self.start_url)
        if not host:
            return False
        if host == start_host:
            return True
        if not self.include_subdomains:
            return False
        domain = registrable_domain(self.start_url).lower()
        return host == domain or host.endswith("." + domain)


def _is_http(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in HTTP_SCHEMES and bool(parts.hostname)
