"""Self-service payments: invoices, payments, ledger, idempotency keys.

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

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("customer_id", sa.String(26), nullable=False),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("issued_at", TZ, nullable=False),
        sa.Column("payment_id", sa.String(26), nullable=True),
    )
    op.create_index("ix_invoices_customer_id", "invoices", ["customer_id"])
    op.create_table(
        "payments",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("customer_id", sa.String(26), nullable=False),
        sa.Column("invoice_id", sa.String(26), nullable=True),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("provider_ref", sa.String(100), nullable=True),
        sa.Column("decline_code", sa.String(50), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("decided_at", TZ, nullable=True),
    )
    op.create_index("ix_payments_customer_id", "payments", ["customer_id"])
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("customer_id", sa.String(26), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("reference_id", sa.String(26), nullable=False),
        sa.Column("at", TZ, nullable=False),
    )
    op.create_index("ix_ledger_entries_customer_id", "ledger_entries", ["customer_id"])
    op.create_table(
        "idempotency_keys",
        sa.Column("customer_id", sa.String(26), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=True),
        sa.Column("response", sa.Text, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "key"),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    op.drop_index("ix_ledger_entries_customer_id", "ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_index("ix_payments_customer_id", "payments")
    op.drop_table("payments")
    op.drop_index("ix_invoices_customer_id", "invoices")
    op.drop_table("invoices")
