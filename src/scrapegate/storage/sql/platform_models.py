"""Tables of the platform features (reports, health samples, beacons, announcements,
unsubscribes), kept apart from the core schema for size; ``models`` re-exports them so that the
metadata is always complete.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from scrapegate.storage.sql.models import Base, table_of


class ReportRow(Base):
    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_created_at", "created_at"),)

    id: Mapped[str] = mapped_column(primary_key=True)
    source: Mapped[str]
    domain: Mapped[str]
    url: Mapped[str] = mapped_column(Text)
    score: Mapped[int]
    grade: Mapped[str]
    title: Mapped[str | None] = mapped_column(Text)
    signals: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    anti_bot_stack: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    tech_stack: Mapped[dict[str, Any]]
    pagination: Mapped[dict[str, Any]]
    api_endpoints: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    meta: Mapped[dict[str, Any]]
    cookie_count: Mapped[int]
    has_login_wall: Mapped[bool]
    has_cookie_gate: Mapped[bool]
    estimated_credits: Mapped[dict[str, Any]]
    org_id: Mapped[str | None]
    created_at: Mapped[datetime]


REPORTS = table_of(ReportRow)


class HealthSampleRow(Base):
    __tablename__ = "health_samples"
    __table_args__ = (Index("ix_health_samples_taken_at", "taken_at"),)

    id: Mapped[str] = mapped_column(primary_key=True)
    taken_at: Mapped[datetime]
    overall_status: Mapped[str]
    core_operational: Mapped[bool]
    services: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


HEALTH_SAMPLES = table_of(HealthSampleRow)


class AnalyticsEventRow(Base):
    __tablename__ = "analytics_events"
    __table_args__ = (
        Index("ix_analytics_events_name_ts", "name", "ts"),
        Index("ix_analytics_events_visitor_id_ts", "visitor_id", "ts"),
    )

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    ts: Mapped[datetime]
    visitor_id: Mapped[str | None]
    user_id: Mapped[str | None]
    path: Mapped[str | None] = mapped_column(Text)
    props: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class AnnouncementRow(Base):
    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_version", "version", unique=True),)

    id: Mapped[str] = mapped_column(primary_key=True)
    version: Mapped[int]
    enabled: Mapped[bool]
    text: Mapped[str | None] = mapped_column(Text)
    cta: Mapped[str | None]
    cta_url: Mapped[str | None] = mapped_column(Text)
    style: Mapped[str]
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class EmailUnsubscribeRow(Base):
    __tablename__ = "email_unsubscribes"

    # The composite key is the (user_id, type) uniqueness the idempotent route relies on.
    user_id: Mapped[str] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]


ANALYTICS_EVENTS = table_of(AnalyticsEventRow)
ANNOUNCEMENTS = table_of(AnnouncementRow)
EMAIL_UNSUBSCRIBES = table_of(EmailUnsubscribeRow)
