"""Dialer: campaigns, campaign contacts, outbox and inbox.

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
        "campaigns",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("dialing_mode", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("enrol_on", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_campaigns_status", "campaigns", ["status"])
    op.create_table(
        "campaign_contacts",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("campaign_id", sa.String(26), sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=True),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("trigger", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("campaign_id", "customer_id", name="uq_campaign_contacts_customer"),
    )
    create_outbox_tables()


def downgrade() -> None:
    drop_outbox_tables()
    op.drop_table("campaign_contacts")
    op.drop_index("ix_campaigns_status", "campaigns")
    op.drop_table("campaigns")
