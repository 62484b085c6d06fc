"""Alembic migrations (forward-only). Run them with ``scrapegate.storage.sql.upgrade_database``."""
