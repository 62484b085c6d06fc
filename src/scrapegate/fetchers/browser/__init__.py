"""Browser tiers (3.5 lightjs, 4 browser): a pooled headless Chromium driven by Playwright."""

from __future__ import annotations

from scrapegate.fetchers.browser.fetcher import BrowserFetcher, LightJsFetcher
from scrapegate.fetchers.browser.launch import browser_available
from scrapegate.fetchers.browser.pool import BrowserPool, BrowserUnavailable

__all__ = [
    "BrowserFetcher",
    "BrowserPool",
    "BrowserUnavailable",
    "LightJsFetcher",
    "browser_available",
]
