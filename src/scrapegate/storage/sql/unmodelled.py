"""Database objects that migrations create outside the SQLAlchemy models, named one by one.

They are dialect-specific search structures (full-text and trigram indexes); schema comparisons
(tests/contract/test_schema.py) and Alembic autogenerate skip exactly these names, so any other
object missing from the models is still reported.
"""

from __future__ import annotations

from scrapegate.storage.sql.kb_models import DIALECT_SPECIFIC_OBJECTS as KB_SEARCH_OBJECTS

USAGE_LOG_URL_TRIGRAM_INDEX = "ix_usage_log_url_trgm"  # migration 0015, PostgreSQL only
UNMODELLED_OBJECTS = KB_SEARCH_OBJECTS | {USAGE_LOG_URL_TRIGRAM_INDEX}


def modelled(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic ``include_name`` filter: False for the objects listed above."""
    return not (type_ in ("table", "index") and name in UNMODELLED_OBJECTS)
