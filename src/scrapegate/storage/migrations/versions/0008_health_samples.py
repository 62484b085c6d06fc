"""Health samples for the public status page.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "health_samples",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("overall_status", sa.String(), nullable=False),
        sa.Column("core_operational", sa.Boolean(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_health_samples"),
    )
    op.create_index("ix_health_samples_taken_at", "health_samples", ["taken_at"])


def downgrade() -> None:
    op.drop_index("ix_health_samples_taken_at", table_name="health_samples")
    op.drop_table("health_samples")
