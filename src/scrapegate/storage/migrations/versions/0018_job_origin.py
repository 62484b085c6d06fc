"""A job's origin (source client, batch, crawl page and its limits), admission estimate and size as
columns, moved out of the ``_meta`` key its request used to carry.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-09
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (column, key under request._meta, column type, PostgreSQL cast of the key's text)
MOVED: tuple[tuple[str, str, sa.types.TypeEngine[Any], str], ...] = (
    ("source_client", "source", sa.String(), ""),
    ("batch_id", "batch_id", sa.String(), ""),
    ("crawl_id", "crawl_id", sa.String(), ""),
    ("depth", "depth", sa.Integer(), "::numeric::integer"),
    ("crawl_max_concurrency", "max_concurrency", sa.Integer(), "::numeric::integer"),
    ("crawl_host_interval_s", "host_s", sa.Float(), "::double precision"),
    ("crawl_follow_links", "follow_links", sa.Boolean(), "::boolean"),
    ("crawl_keep_raw_html", "keep_raw_html", sa.Boolean(), "::boolean"),
    ("estimated_credits", "estimated_credits", sa.BigInteger(), "::numeric::bigint"),
    ("size_bytes", "size_bytes", sa.BigInteger(), "::numeric::bigint"),
)
# Columns every job has; the others stay NULL where they do not apply.
ZERO_DEFAULT = ("depth", "estimated_credits", "size_bytes")


def upgrade() -> None:
    # Plain ADD COLUMN, also on SQLite: a batch rebuild of jobs would be slow on a large table.
    for column, _, kind, _ in MOVED:
        if column in ZERO_DEFAULT:
            op.add_column("jobs", sa.Column(column, kind, server_default="0", nullable=False))
        else:
            op.add_column("jobs", sa.Column(column, kind, nullable=True))
    op.execute(_move_meta_to_columns(op.get_context().dialect.name))


def _move_meta_to_columns(dialect: str) -> str:
    """One UPDATE filling the columns from ``request._meta`` and dropping that key."""
    if dialect == "postgresql":
        values = {c: f"(request #>> '{{_meta,{key}}}'){cast}" for c, key, _, cast in MOVED}
        request = "(request::jsonb - '_meta')::json"
        having_meta = "json_typeof(request -> '_meta') = 'object'"
    else:
        values = {c: f"json_extract(request, '$._meta.{key}')" for c, key, _, _ in MOVED}
        request = "json_remove(request, '$._meta')"
        having_meta = "json_type(request, '$._meta') = 'object'"
    for column in ZERO_DEFAULT:
        values[column] = f"COALESCE({values[column]}, 0)"
    # A crawl page's limits are all set or all NULL; older pages lacked some of them.
    is_page = f"{values['crawl_max_concurrency']} IS NOT NULL"
    false = "false" if dialect == "postgresql" else "0"
    for column, default in (("crawl_host_interval_s", "0"), ("crawl_follow_links", false)):
        values[column] = f"CASE WHEN {is_page} THEN COALESCE({values[column]}, {default}) END"
    assignments = ", ".join(f"{column} = {value}" for column, value in values.items())
    return f"UPDATE jobs SET {assignments}, request = {request} WHERE {having_meta}"


def downgrade() -> None:
    op.execute(_move_columns_to_meta(op.get_context().dialect.name))
    with op.batch_alter_table("jobs") as batch:
        for column, _, _, _ in reversed(MOVED):
            batch.drop_column(column)


def _move_columns_to_meta(dialect: str) -> str:
    """The request's ``_meta`` rebuilt from the columns, leaving out the NULL ones."""
    pairs = ", ".join(f"'{key}', {column}" for column, key, _, _ in MOVED)
    if dialect == "postgresql":
        meta = f"jsonb_build_object('_meta', jsonb_strip_nulls(jsonb_build_object({pairs})))"
        return f"UPDATE jobs SET request = (request::jsonb || {meta})::json"
    # json_patch drops the members whose value is null (RFC 7396).
    meta = f"json_patch('{{}}', json_object({pairs}))"
    return f"UPDATE jobs SET request = json_set(request, '$._meta', {meta})"
