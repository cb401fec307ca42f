"""Self-service: customers, customer contacts, knowledge base, outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ringway.shared.db.migration_ops import create_outbox_tables, drop_outbox_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "customer_contacts",
        sa.Column("contact_id", sa.String(26), primary_key=True),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("queue_id", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(100), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_customer_contacts_customer_id", "customer_contacts", ["customer_id"])
    op.create_table(
        "kb_articles",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("category", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_kb_articles_language", "kb_articles", ["language"])
    create_outbox_tables()


def downgrade() -> None:
    drop_outbox_tables()
    op.drop_index("ix_kb_articles_language", "kb_articles")
    op.drop_table("kb_articles")
    op.drop_index("ix_customer_contacts_customer_id", "customer_contacts")
    op.drop_table("customer_contacts")
    op.drop_table("customers")
