"""Metrics: interval and self-service aggregates, outbox and inbox.

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
        "interval_stats",
        sa.Column("interval_start", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("queue_id", sa.String(100), primary_key=True),
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("offered", sa.Integer, nullable=False),
        sa.Column("answered", sa.Integer, nullable=False),
        sa.Column("abandoned", sa.Integer, nullable=False),
        sa.Column("answered_within_sl", sa.Integer, nullable=False),
        sa.Column("wait_ms_total", sa.BigInteger, nullable=False),
        sa.Column("handled", sa.Integer, nullable=False),
        sa.Column("handle_ms_total", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "selfservice_stats",
        sa.Column("interval_start", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("action", sa.String(100), primary_key=True),
        sa.Column("outcome", sa.String(100), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    create_outbox_tables()


def downgrade() -> None:
    drop_outbox_tables()
    op.drop_table("selfservice_stats")
    op.drop_table("interval_stats")
