"""Metrics: first-contact resolution from every contact of a customer and reason.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table("last_contact")
    op.create_table(
        "customer_contacts",
        sa.Column("customer_id", sa.String(100), primary_key=True),
        sa.Column("reason", sa.String(100), primary_key=True),
        sa.Column("contact_id", sa.String(100), primary_key=True),
        sa.Column("queue_id", sa.String(100), nullable=True),
        sa.Column("channel", sa.String(20), nullable=True),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("repeated", sa.Integer, nullable=False),
    )
    op.create_table(
        "fcr_keys",
        sa.Column("customer_id", sa.String(100), primary_key=True),
        sa.Column("reason", sa.String(100), primary_key=True),
        sa.Column("touched", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("fcr_keys")
    op.drop_table("customer_contacts")
    op.create_table(
        "last_contact",
        sa.Column("customer_id", sa.String(100), primary_key=True),
        sa.Column("reason", sa.String(100), primary_key=True),
        sa.Column("contact_id", sa.String(100), nullable=False),
        sa.Column("queue_id", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
    )
