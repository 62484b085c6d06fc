"""Tables of the blog module (comments and reactions); ``models`` re-exports them so that the
metadata is always complete. Migration: 0010_blog.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from scrapegate.storage.sql.models import Base, table_of

__all__ = ["BLOG_COMMENTS", "BLOG_REACTIONS", "BlogCommentRow", "BlogReactionRow"]


class BlogCommentRow(Base):
    __tablename__ = "blog_comments"
    __table_args__ = (
        Index("ix_blog_comments_post_slug_status_created_at", "post_slug", "status", "created_at"),
        Index("ix_blog_comments_status_created_at", "status", "created_at"),
        Index("ix_blog_comments_created_at", "created_at"),
        Index("ix_blog_comments_parent_id", "parent_id"),
    )

    id: Mapped[str] = mapped_column(primary_key=True)
    post_slug: Mapped[str]
    content: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[str | None]
    author_name: Mapped[str | None]
    author_email: Mapped[str | None]
    author_website: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str]
    ip_hash: Mapped[str | None]
    created_at: Mapped[datetime]
    moderated_at: Mapped[datetime | None]


class BlogReactionRow(Base):
    __tablename__ = "blog_reactions"
    __table_args__ = (
        Index("ix_blog_reactions_post_slug_reaction", "post_slug", "reaction"),
        Index(
            "ix_blog_reactions_post_slug_visitor_hash_created_at",
            "post_slug",
            "visitor_hash",
            "created_at",
        ),
    )

    id: Mapped[str] = mapped_column(primary_key=True)
    post_slug: Mapped[str]
    reaction: Mapped[str]
    visitor_hash: Mapped[str]
    created_at: Mapped[datetime]


BLOG_COMMENTS = table_of(BlogCommentRow)
BLOG_REACTIONS = table_of(BlogReactionRow)
