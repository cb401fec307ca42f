"""Dialer: recent inbound outcomes per queue, for service-level-aware blending.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbound_outcomes",
        sa.Column("contact_id", sa.String(64), primary_key=True),
        sa.Column("queue_id", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("waited_ms", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_inbound_outcomes_at", "inbound_outcomes", ["at"])


def downgrade() -> None:
    op.drop_index("ix_inbound_outcomes_at", "inbound_outcomes")
    op.drop_table("inbound_outcomes")
