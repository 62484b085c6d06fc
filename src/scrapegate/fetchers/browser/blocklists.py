"""Hosts of known trackers and ad networks that browser tiers do not load."""

from __future__ import annotations

TRACKER_HOSTS: frozenset[str] = frozenset(
    {
        "google-analytics.com",
        "googletagmanager.com",
        "analytics.google.com",
        "stats.g.doubleclick.net",
        "connect.facebook.net",
        "pixel.facebook.com",
        "bat.bing.com",
        "clarity.ms",
        "hotjar.com",
        "mixpanel.com",
        "segment.io",
        "segment.com",
        "cdn.segment.com",
        "amplitude.com",
        "fullstory.com",
        "mouseflow.com",
        "crazyegg.com",
        "quantserve.com",
        "scorecardresearch.com",
        "chartbeat.com",
        "newrelic.com",
        "nr-data.net",
        "heap.io",
        "heapanalytics.com",
        "static.ads-twitter.com",
        "analytics.tiktok.com",
        "snap.licdn.com",
        "px.ads.linkedin.com",
        "sentry.io",
        "browser-intake-datadoghq.com",
    }
)

AD_HOSTS: frozenset[str] = frozenset(
    {
        "doubleclick.net",
        "googlesyndication.com",
        "googleadservices.com",
        "adservice.google.com",
        "amazon-adsystem.com",
        "adnxs.com",
        "adsrvr.org",
        "criteo.com",
        "criteo.net",
        "taboola.com",
        "outbrain.com",
        "pubmatic.com",
        "rubiconproject.com",
        "openx.net",
        "casalemedia.com",
        "moatads.com",
        "adform.net",
        "smartadserver.com",
        "media.net",
        "yieldmo.com",
        "33across.com",
        "sharethrough.com",
        "teads.tv",
        "zedo.com",
        "advertising.com",
        "adroll.com",
        "bidswitch.net",
        "serving-sys.com",
        "spotxchange.com",
        "indexww.com",
    }
)


def host_listed(host: str, listed: frozenset[str]) -> bool:
    """True when ``host`` or one of its parent domains is in ``listed``."""
    name = host.lower().rstrip(".")
    while name:
        if name in listed:
            return True
        _, dot, name = name.partition(".")
        if not dot:
            return False
    return False
