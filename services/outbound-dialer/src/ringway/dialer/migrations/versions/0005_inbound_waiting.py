"""Dialer: inbound contacts waiting in routing's queues, so outbound backs off for inbound.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbound_waiting",
        sa.Column("contact_id", sa.String(64), primary_key=True),
        sa.Column("queue_id", sa.String(64), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_inbound_waiting_since", "inbound_waiting", ["since"])


def downgrade() -> None:
    op.drop_index("ix_inbound_waiting_since", "inbound_waiting")
    op.drop_table("inbound_waiting")
