"""Registrable domains (eTLD+1), from the public-suffix snapshot bundled with tldextract."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

import tldextract


@functools.lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # No suffix-list download: the bundled snapshot is enough and the server may be offline.
    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=())


@functools.lru_cache(maxsize=4096)
def registrable_domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    parts = _extractor()(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host
