"""Firecrawl's public API shapes (``/v2/*``) served on top of the core scrape and map services."""
