"""blog tables: comments and reactions.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blog_comments",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("post_slug", sa.String(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.String(), nullable=True),
        sa.Column("author_name", sa.String(), nullable=True),
        sa.Column("author_email", sa.String(), nullable=True),
        sa.Column("author_website", sa.Text(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("ip_hash", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_blog_comments"),
    )
    op.create_index(
        "ix_blog_comments_post_slug_status_created_at",
        "blog_comments",
        ["post_slug", "status", "created_at"],
    )
    op.create_index("ix_blog_comments_status_created_at", "blog_comments", ["status", "created_at"])
    op.create_index("ix_blog_comments_created_at", "blog_comments", ["created_at"])
    op.create_index("ix_blog_comments_parent_id", "blog_comments", ["parent_id"])
    op.create_table(
        "blog_reactions",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("post_slug", sa.String(), nullable=False),
        sa.Column("reaction", sa.String(), nullable=False),
        sa.Column("visitor_hash", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_blog_reactions"),
    )
    op.create_index(
        "ix_blog_reactions_post_slug_reaction", "blog_reactions", ["post_slug", "reaction"]
    )
    op.create_index(
        "ix_blog_reactions_post_slug_visitor_hash_created_at",
        "blog_reactions",
        ["post_slug", "visitor_hash", "created_at"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_blog_reactions_post_slug_visitor_hash_created_at", table_name="blog_reactions"
    )
    op.drop_index("ix_blog_reactions_post_slug_reaction", table_name="blog_reactions")
    op.drop_table("blog_reactions")
    op.drop_index("ix_blog_comments_parent_id", table_name="blog_comments")
    op.drop_index("ix_blog_comments_created_at", table_name="blog_comments")
    op.drop_index("ix_blog_comments_status_created_at", table_name="blog_comments")
    op.drop_index("ix_blog_comments_post_slug_status_created_at", table_name="blog_comments")
    op.drop_table("blog_comments")
