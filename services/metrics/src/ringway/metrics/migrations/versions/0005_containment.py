"""Metrics: self-service sessions and assisted arrivals, for containment and KB deflection.

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
        "selfservice_sessions",
        sa.Column("session_id", sa.String(100), primary_key=True),
        sa.Column("customer_id", sa.String(100), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("knowledge_base", sa.Integer, nullable=False),
        sa.Column("escalated", sa.Integer, nullable=False),
    )
    op.create_table(
        "customer_arrivals",
        sa.Column("contact_id", sa.String(100), primary_key=True),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_customer_arrivals_customer_id", "customer_arrivals", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_customer_arrivals_customer_id", "customer_arrivals")
    op.drop_table("customer_arrivals")
    op.drop_table("selfservice_sessions")
