"""Self-service help: support requests and callback requests.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "support_requests",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("customer_id", sa.String(26), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(100), nullable=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opened_at", TZ, nullable=False),
    )
    op.create_index("ix_support_requests_customer_id", "support_requests", ["customer_id"])
    op.create_table(
        "callback_requests",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("customer_id", sa.String(26), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(100), nullable=True),
        sa.Column("requested_for", TZ, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_callback_requests_customer_id", "callback_requests", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_callback_requests_customer_id", "callback_requests")
    op.drop_table("callback_requests")
    op.drop_index("ix_support_requests_customer_id", "support_requests")
    op.drop_table("support_requests")
