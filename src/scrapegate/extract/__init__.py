"""Structured extraction from a page's facts: built-in profiles and caller schemas, no LLM."""

from scrapegate.extract.run import extract_page

__all__ = ["extract_page"]
