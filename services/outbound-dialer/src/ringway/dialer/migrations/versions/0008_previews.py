"""Dialer: preview reservations made through routing.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "previews",
        sa.Column("attempt_id", sa.String(26), primary_key=True),
        sa.Column("campaign_id", sa.String(26), nullable=False),
        sa.Column("campaign_contact_id", sa.String(26), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("agent_id", sa.String(64), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_previews_campaign_contact_id", "previews", ["campaign_contact_id"])
    op.create_index("ix_previews_campaign_status", "previews", ["campaign_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_previews_campaign_status", "previews")
    op.drop_index("ix_previews_campaign_contact_id", "previews")
    op.drop_table("previews")
