"""Initial schema: accounts, ledger, jobs, cache, usage log, playbook, webhook deliveries.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def timestamp(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def text_column(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(), nullable=nullable)


def create_organizations() -> None:
    op.create_table(
        "organizations",
        text_column("id"),
        text_column("name"),
        text_column("slug"),
        sa.Column("is_personal", sa.Boolean(), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_organizations"),
        sa.UniqueConstraint("slug", name="uq_organizations_slug"),
    )


def create_users() -> None:
    op.create_table(
        "users",
        text_column("id"),
        text_column("name"),
        text_column("personal_org_id"),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
        sa.ForeignKeyConstraint(
            ["personal_org_id"], ["organizations.id"], name="fk_users_personal_org_id_organizations"
        ),
    )
    op.create_index("ix_users_personal_org_id", "users", ["personal_org_id"])


def create_api_keys() -> None:
    op.create_table(
        "api_keys",
        text_column("id"),
        text_column("org_id"),
        text_column("user_id"),
        text_column("name"),
        text_column("key_hash"),
        text_column("key_prefix"),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("rpm_limit", sa.Integer(), nullable=True),
        sa.Column("concurrency_limit", sa.Integer(), nullable=True),
        timestamp("created_at"),
        timestamp("revoked_at", nullable=True),
        timestamp("last_used_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name="fk_api_keys_org_id_organizations"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_api_keys_user_id_users"),
    )
    op.create_index("ix_api_keys_user_id", "api_keys", ["user_id"])
    op.create_index("ix_api_keys_org_id_created_at", "api_keys", ["org_id", "created_at"])


def create_org_balances() -> None:
    op.create_table(
        "org_balances",
        text_column("org_id"),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("org_id", name="pk_org_balances"),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name="fk_org_balances_org_id_organizations"
        ),
        sa.CheckConstraint("balance >= 0", name="ck_org_balances_non_negative"),
    )


def create_ledger_entries() -> None:
    op.create_table(
        "ledger_entries",
        text_column("id"),
        text_column("org_id"),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        text_column("kind"),
        sa.Column("balance_after", sa.BigInteger(), nullable=False),
        text_column("job_id", nullable=True),
        text_column("idempotency_key", nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_entries"),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name="fk_ledger_entries_org_id_organizations"
        ),
    )
    op.create_index(
        "ix_ledger_entries_org_id_created_at", "ledger_entries", ["org_id", "created_at"]
    )
    op.create_index("ix_ledger_entries_org_id_job_id", "ledger_entries", ["org_id", "job_id"])
    op.create_index(
        "uq_ledger_entries_org_id_idempotency_key",
        "ledger_entries",
        ["org_id", "idempotency_key"],
        unique=True,
    )


def create_jobs() -> None:
    op.create_table(
        "jobs",
        text_column("id"),
        text_column("org_id"),
        text_column("key_id", nullable=True),
        text_column("type"),
        sa.Column("request", sa.JSON(), nullable=False),
        text_column("request_hash"),
        text_column("status"),
        timestamp("created_at"),
        timestamp("started_at", nullable=True),
        timestamp("completed_at", nullable=True),
        timestamp("expires_at", nullable=True),
        sa.Column("result", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        text_column("error_code", nullable=True),
        sa.Column("error_details", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("credits_used", sa.BigInteger(), nullable=False),
        sa.Column("credits_reserved", sa.BigInteger(), nullable=False),
        sa.Column("credits_refunded", sa.BigInteger(), nullable=False),
        text_column("current_tier", nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("run_count", sa.Integer(), nullable=False),
        text_column("lease_owner", nullable=True),
        timestamp("lease_until", nullable=True),
        sa.Column("webhook_url", sa.Text(), nullable=True),
        text_column("webhook_secret", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
    )


def create_job_indexes_and_tombstones() -> None:
    op.create_index(
        "ix_jobs_org_id_request_hash_status", "jobs", ["org_id", "request_hash", "status"]
    )
    op.create_index("ix_jobs_status_created_at", "jobs", ["status", "created_at"])
    op.create_index("ix_jobs_org_id_status_created_at", "jobs", ["org_id", "status", "created_at"])
    op.create_index("ix_jobs_expires_at", "jobs", ["expires_at"])
    op.create_table(
        "job_tombstones",
        text_column("id"),
        text_column("org_id"),
        timestamp("expired_at"),
        timestamp("forget_at"),
        sa.PrimaryKeyConstraint("id", name="pk_job_tombstones"),
    )
    op.create_index("ix_job_tombstones_forget_at", "job_tombstones", ["forget_at"])


def create_cache_and_logs() -> None:
    op.create_table(
        "cache_entries",
        text_column("key"),
        text_column("org_id"),
        sa.Column("response", sa.JSON(), nullable=False),
        timestamp("created_at"),
        timestamp("expires_at"),
        sa.PrimaryKeyConstraint("key", name="pk_cache_entries"),
    )
    op.create_index("ix_cache_entries_expires_at", "cache_entries", ["expires_at"])
    op.create_table(
        "usage_log",
        text_column("id"),
        text_column("org_id", nullable=True),
        text_column("key_id", nullable=True),
        text_column("route"),
        text_column("method"),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        timestamp("created_at"),
        text_column("kind"),
        text_column("job_id", nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        text_column("domain", nullable=True),
        text_column("mode", nullable=True),
        text_column("tier", nullable=True),
        sa.Column("credits", sa.BigInteger(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("cache_hit", sa.Boolean(), nullable=False),
        text_column("error_code", nullable=True),
        text_column("source", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_usage_log"),
    )
    op.create_index("ix_usage_log_org_id_created_at", "usage_log", ["org_id", "created_at"])


def create_playbook_attempts() -> None:
    op.create_table(
        "playbook_attempts",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        text_column("org_id"),
        text_column("domain"),
        text_column("tier"),
        sa.Column("success", sa.Boolean(), nullable=False),
        timestamp("created_at"),
        sa.PrimaryKeyConstraint("seq", name="pk_playbook_attempts"),
    )
    op.create_index(
        "ix_playbook_attempts_domain_org_id_created_at",
        "playbook_attempts",
        ["domain", "org_id", "created_at"],
    )
    op.create_index(
        "ix_playbook_attempts_domain_created_at", "playbook_attempts", ["domain", "created_at"]
    )


def create_webhook_deliveries() -> None:
    op.create_table(
        "webhook_deliveries",
        text_column("id"),
        text_column("org_id"),
        text_column("event"),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        text_column("job_id", nullable=True),
        text_column("status"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("response_code", sa.Integer(), nullable=True),
        sa.Column("response_snippet", sa.Text(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        timestamp("next_attempt_at", nullable=True),
        timestamp("created_at"),
        timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
    )
    op.create_index(
        "ix_webhook_deliveries_status_created_at", "webhook_deliveries", ["status", "created_at"]
    )
    op.create_index(
        "ix_webhook_deliveries_org_id_created_at", "webhook_deliveries", ["org_id", "created_at"]
    )


def upgrade() -> None:
    create_organizations()
    create_users()
    create_api_keys()
    create_org_balances()
    create_ledger_entries()
    create_jobs()
    create_job_indexes_and_tombstones()
    create_cache_and_logs()
    create_playbook_attempts()
    create_webhook_deliveries()


TABLES_CHILDREN_FIRST = (
    "webhook_deliveries",
    "playbook_attempts",
    "usage_log",
    "cache_entries",
    "job_tombstones",
    "jobs",
    "ledger_entries",
    "org_balances",
    "api_keys",
    "users",
    "organizations",
)


def downgrade() -> None:
    # Production migrations are forward-only; this exists so a test database can be emptied.
    for table in TABLES_CHILDREN_FIRST:
        op.drop_table(table)
