"""Metrics: full inbound KPI set, agent stats and state time, reasons, transfers and FCR.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_COUNTS = {
    "short_abandoned": sa.Integer, "abandoned_within_sl": sa.Integer,
    "abandon_wait_ms_total": sa.BigInteger, "longest_wait_ms": sa.BigInteger,
    "talk_ms_total": sa.BigInteger, "hold_ms_total": sa.BigInteger,
    "wrap_up_ms_total": sa.BigInteger, "transfers": sa.Integer, "resolved": sa.Integer,
    "repeats": sa.Integer,
}


def upgrade() -> None:
    for name, kind in NEW_COUNTS.items():
        op.add_column("interval_stats",
                      sa.Column(name, kind, nullable=False, server_default="0"))
    op.create_table(
        "agent_stats",
        sa.Column("interval_start", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("agent_id", sa.String(100), primary_key=True),
        sa.Column("queue_id", sa.String(100), primary_key=True),
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("answered", sa.Integer, nullable=False),
        sa.Column("handled", sa.Integer, nullable=False),
        sa.Column("talk_ms_total", sa.BigInteger, nullable=False),
        sa.Column("hold_ms_total", sa.BigInteger, nullable=False),
        sa.Column("wrap_up_ms_total", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "agent_state_time",
        sa.Column("interval_start", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("agent_id", sa.String(100), primary_key=True),
        sa.Column("state", sa.String(20), primary_key=True),
        sa.Column("reason", sa.String(100), primary_key=True),
        sa.Column("ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "agent_presence",
        sa.Column("agent_id", sa.String(100), primary_key=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(100), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "reason_stats",
        sa.Column("interval_start", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("queue_id", sa.String(100), primary_key=True),
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("reason", sa.String(100), primary_key=True),
        sa.Column("offered", sa.Integer, nullable=False),
        sa.Column("handled", sa.Integer, nullable=False),
        sa.Column("resolved", sa.Integer, nullable=False),
    )
    op.create_table(
        "contact_seen",
        sa.Column("contact_id", sa.String(100), primary_key=True),
        sa.Column("queue_id", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "last_contact",
        sa.Column("customer_id", sa.String(100), primary_key=True),
        sa.Column("reason", sa.String(100), primary_key=True),
        sa.Column("contact_id", sa.String(100), nullable=False),
        sa.Column("queue_id", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("last_contact", "contact_seen", "reason_stats", "agent_presence",
                  "agent_state_time", "agent_stats"):
        op.drop_table(table)
    with op.batch_alter_table("interval_stats") as batch:
        for name in NEW_COUNTS:
            batch.drop_column(name)
