"""Tables of a crawl's pages, events and robots-blocked URLs; ``models`` re-exports them so that
the metadata is complete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from scrapegate.storage.sql.models import Base, table_of


class CrawlEventRow(Base):
    __tablename__ = "crawl_events"
    __table_args__ = (Index("ix_crawl_events_crawl_id_id", "crawl_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    crawl_id: Mapped[str] = mapped_column(ForeignKey("crawls.id", ondelete="CASCADE"))
    event: Mapped[str]
    data: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class CrawlPageRow(Base):
    __tablename__ = "crawl_pages"
    __table_args__ = (
        Index("uq_crawl_pages_crawl_id_url_key", "crawl_id", "url_key", unique=True),
        Index("ix_crawl_pages_crawl_id_job_id", "crawl_id", "job_id"),
    )

    crawl_id: Mapped[str] = mapped_column(
        ForeignKey("crawls.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    url_key: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    depth: Mapped[int]
    job_id: Mapped[str]
    status: Mapped[str]
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]


class CrawlRobotsBlockedRow(Base):
    """The first URLs robots.txt kept out of a crawl (the count is ``crawls.robots_blocked``)."""

    __tablename__ = "crawl_robots_blocked"

    crawl_id: Mapped[str] = mapped_column(
        ForeignKey("crawls.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    url: Mapped[str] = mapped_column(Text)


CRAWL_PAGES = table_of(CrawlPageRow)
CRAWL_EVENTS = table_of(CrawlEventRow)
CRAWL_ROBOTS_BLOCKED = table_of(CrawlRobotsBlockedRow)
