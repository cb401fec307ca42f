"""Self-service orders: products, orders, order lines, purchase registrations.

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

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("sku", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("price_cents", sa.BigInteger, nullable=False),
        sa.Column("stock", sa.Integer, nullable=False),
        sa.Column("warranty_months", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("customer_id", sa.String(26), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("total_cents", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("placed_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_index("ix_orders_customer_id", "orders", ["customer_id"])
    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.String(26), nullable=False),
        sa.Column("sku", sa.String(40), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price_cents", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("order_id", "sku"),
    )
    op.create_table(
        "purchases",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("customer_id", sa.String(26), nullable=False),
        sa.Column("sku", sa.String(40), nullable=False),
        sa.Column("serial_number", sa.String(64), nullable=False),
        sa.Column("purchased_on", sa.Date, nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("warranty_until", sa.Date, nullable=False),
        sa.Column("registered_at", TZ, nullable=False),
        sa.UniqueConstraint("sku", "serial_number", name="uq_purchases_sku_serial"),
    )
    op.create_index("ix_purchases_customer_id", "purchases", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_purchases_customer_id", "purchases")
    op.drop_table("purchases")
    op.drop_table("order_lines")
    op.drop_index("ix_orders_customer_id", "orders")
    op.drop_table("orders")
    op.drop_table("products")
