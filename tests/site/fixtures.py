"""Fixtures for the loopback fixture website (filled in by the fetchers work)."""
