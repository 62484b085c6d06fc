"""Suite-wide setup. Fixture modules live beside the tests that own them and register here."""

from __future__ import annotations

import os

# Set before any scrapegate module reads settings.
os.environ.setdefault("SCRAPEGATE_ALLOW_PRIVATE_NETWORKS", "true")
os.environ.setdefault("SCRAPEGATE_SECRET_KEY", "test-secret-key-0123456789abcdef0123456789")
# The per-host politeness floor would make every crawl test slow; politeness tests set their own.
os.environ.setdefault("SCRAPEGATE_CRAWL__HOST_INTERVAL_FLOOR_S", "0")
# Hundreds of apps are built: convert in a thread; tests/engine/test_conversion_runners.py
# covers the process pool.
os.environ.setdefault("SCRAPEGATE_CONVERT__PROCESSES", "0")
# Clients that open sockets from C (libcurl, Chromium) cannot be patched; a dead proxy for every
# non-loopback host makes them fail too.
os.environ["HTTP_PROXY"] = os.environ["HTTPS_PROXY"] = "http://127.0.0.1:9"
os.environ["http_proxy"] = os.environ["https_proxy"] = "http://127.0.0.1:9"
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "localhost,127.0.0.1,::1"

pytest_plugins = [
    "tests.site.fixtures",
]
