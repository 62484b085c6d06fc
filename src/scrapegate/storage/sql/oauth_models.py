"""Tables of OAuth integrations and scrape feedback (A.6); ``models``
re-exports them so that the metadata is always complete.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from scrapegate.storage.sql.models import Base, NullableJSON, table_of


class OAuthClientRow(Base):
    __tablename__ = "oauth_clients"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    secret_hash: Mapped[str]
    redirect_uris: Mapped[list[str]] = mapped_column(JSON())
    scopes: Mapped[list[str]] = mapped_column(JSON())
    created_at: Mapped[datetime]


class OAuthCodeRow(Base):
    __tablename__ = "oauth_codes"
    __table_args__ = (Index("ix_oauth_codes_expires_at", "expires_at"),)

    code_hash: Mapped[str] = mapped_column(primary_key=True)
    client_id: Mapped[str]
    redirect_uri: Mapped[str] = mapped_column(Text)
    user_id: Mapped[str]
    org_id: Mapped[str]
    scope: Mapped[str]
    source: Mapped[str]
    expires_at: Mapped[datetime]
    code_challenge: Mapped[str | None]
    code_challenge_method: Mapped[str | None]
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    api_key_id: Mapped[str | None]


class OAuthGrantRow(Base):
    __tablename__ = "oauth_grants"

    # One grant per (client, user): re-authorizing replaces it and revokes the old key.
    client_id: Mapped[str] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(primary_key=True)
    org_id: Mapped[str]
    api_key_id: Mapped[str]
    updated_at: Mapped[datetime]


class ScrapeFeedbackRow(Base):
    __tablename__ = "scrape_feedback"
    __table_args__ = (
        Index("ix_scrape_feedback_job_id_issue_type", "job_id", "issue_type", unique=True),
        Index("ix_scrape_feedback_org_id_created_at", "org_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(primary_key=True)
    org_id: Mapped[str]
    user_id: Mapped[str]
    job_id: Mapped[str]
    request_log_id: Mapped[str]
    issue_type: Mapped[str]
    url: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    expected_content: Mapped[str | None] = mapped_column(Text)
    analysis_queued: Mapped[bool]
    analysis_status: Mapped[str]
    analysis: Mapped[dict[str, Any] | None] = mapped_column(NullableJSON)
    support_ticket_id: Mapped[str | None]
    support_ticket_ref: Mapped[str | None]
    created_at: Mapped[datetime]
    analyzed_at: Mapped[datetime | None]


OAUTH_CLIENTS = table_of(OAuthClientRow)
OAUTH_CODES = table_of(OAuthCodeRow)
OAUTH_GRANTS = table_of(OAuthGrantRow)
SCRAPE_FEEDBACK = table_of(ScrapeFeedbackRow)
