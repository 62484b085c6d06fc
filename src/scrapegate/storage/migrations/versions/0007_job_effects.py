"""Jobs remember whether their after-effects (request log, webhooks, hooks) all ran.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(
            sa.Column("effects_pending", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_index(
        "ix_jobs_effects_pending_completed_at", "jobs", ["effects_pending", "completed_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_jobs_effects_pending_completed_at", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("effects_pending")
