"""Metrics: outbound counts per campaign and interval, and abandon-rate alert state.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = ("attempts", "finished", "connected", "abandoned", "right_party", "conversions")


def upgrade() -> None:
    op.create_table(
        "campaign_stats",
        sa.Column("interval_start", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("campaign_id", sa.String(100), primary_key=True),
        *(sa.Column(name, sa.Integer, nullable=False) for name in COUNTS),
    )
    op.create_table(
        "campaign_alerts",
        sa.Column("campaign_id", sa.String(100), primary_key=True),
        sa.Column("window", sa.String(8), primary_key=True),
        sa.Column("alerted", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("campaign_alerts")
    op.drop_table("campaign_stats")
