"""Organizations' own LLM keys (BYOK), sealed at rest.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-12
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "llm_keys",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("provider", sa.String(), nullable=False),
        sa.Column("sealed_key", sa.Text(), nullable=False),
        sa.Column("key_hint", sa.String(), nullable=False),
        sa.Column("key_alias", sa.Text(), nullable=True),
        sa.Column("model_override", sa.Text(), nullable=True),
        sa.Column("base_url", sa.Text(), nullable=True),
        sa.Column("is_valid", sa.Boolean(), nullable=True),
        sa.Column("last_validated_at", TIMESTAMP, nullable=True),
        sa.Column("validation_error", sa.Text(), nullable=True),
        sa.Column("last_used_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_llm_keys"),
    )
    op.create_index("ix_llm_keys_org_id_provider", "llm_keys", ["org_id", "provider"])


def downgrade() -> None:
    op.drop_index("ix_llm_keys_org_id_provider", table_name="llm_keys")
    op.drop_table("llm_keys")
