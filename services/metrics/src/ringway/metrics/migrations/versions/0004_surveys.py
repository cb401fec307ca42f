"""Metrics: post-contact survey answers and CSAT / NPS counts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = ("csat_responses", "csat_total", "csat_satisfied", "nps_responses", "promoters",
          "detractors")


def upgrade() -> None:
    op.create_table(
        "survey_responses",
        sa.Column("contact_id", sa.String(100), primary_key=True),
        sa.Column("survey_id", sa.String(40), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "survey_stats",
        sa.Column("interval_start", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("queue_id", sa.String(100), primary_key=True),
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("agent_id", sa.String(100), primary_key=True),
        sa.Column("reason", sa.String(100), primary_key=True),
        *(sa.Column(name, sa.Integer, nullable=False) for name in COUNTS),
    )


def downgrade() -> None:
    op.drop_table("survey_stats")
    op.drop_table("survey_responses")
