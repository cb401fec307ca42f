"""Routing: a contact's first answer kept across transfers; per-deployment routing settings.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "routing_settings",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("first_accepted_at", sa.DateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column("answered_queue_id", sa.String(100), nullable=True))
    # A contact never transferred was first answered when it was last answered, where it is.
    op.execute("UPDATE contacts SET first_accepted_at = accepted_at, answered_queue_id = queue_id"
               " WHERE accepted_at IS NOT NULL AND COALESCE(transfers, 0) = 0")


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("answered_queue_id")
        batch.drop_column("first_accepted_at")
    op.drop_table("routing_settings")
