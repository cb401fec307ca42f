"""Self-service: an index on payments (customer_id, status) for the pending sums.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_payments_customer_status", "payments", ["customer_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_payments_customer_status", "payments")
